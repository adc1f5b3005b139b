// The interpreter lock: a mutex + condition variable handed between threads, with a drop
// request (vm.gil_drop_request) so a waiter gets the lock within a switch interval even while
// the holder runs pure asy code; per-thread interpreter state is swapped in and out of the VM.
#include "vm/thread_state.hpp"

#include <algorithm>
#include <chrono>

#include "vm/frame.hpp"

namespace asy::vm {

namespace {
// How long a waiter lets the holder run before asking it to yield (CPython's default 5 ms).
constexpr auto kSwitchInterval = std::chrono::milliseconds(5);
}  // namespace

Threads::Threads(VM& vm) : vm_(vm) {}

Threads::~Threads() = default;

Threads& Threads::ensure(VM& vm) {
    if (!vm.threads) {
        vm.threads = std::make_shared<Threads>(vm);
        Threads* raw = vm.threads.get();
        vm.root_tracers.push_back([raw](Tracer& t) { raw->trace(t); });
    }
    return *vm.threads;
}

void Threads::save(ThreadState& ts) {
    ts.frame = vm_.frame;
    vm_.frame = nullptr;
    ts.pending = vm_.pending;
    vm_.pending = Value::empty();
    ts.call_depth = vm_.call_depth;
    vm_.call_depth = 0;
    ts.repr_stack.swap(vm_.repr_stack);
    vm_.repr_stack.clear();
    ts.temp_roots.swap(vm_.heap.temp_roots);
    vm_.heap.temp_roots.clear();
}

void Threads::load(ThreadState& ts) {
    vm_.frame = ts.frame;
    ts.frame = nullptr;
    vm_.pending = ts.pending;
    ts.pending = Value::empty();
    vm_.call_depth = ts.call_depth;
    ts.call_depth = 0;
    vm_.repr_stack.swap(ts.repr_stack);
    ts.repr_stack.clear();
    vm_.heap.temp_roots.swap(ts.temp_roots);
    ts.temp_roots.clear();
}

// With mu_ held: wait until the lock is free, asking the holder to yield when it keeps it for a
// whole switch interval, then take it.
void Threads::take_locked(std::unique_lock<std::mutex>& lk) {
    if (held_) {
        ++waiters_;
        while (held_) {
            uint64_t seen = switches_;
            if (cv_.wait_for(lk, kSwitchInterval) == std::cv_status::timeout && held_ && switches_ == seen)
                vm_.gil_drop_request.store(true, std::memory_order_relaxed);
        }
        --waiters_;
    }
    held_ = true;
    ++switches_;
    vm_.gil_drop_request.store(false, std::memory_order_relaxed);
    // A yielding thread waits for this hand-over before it competes again.
    cv_.notify_all();
}

void Threads::acquire(ThreadState& ts) {
    {
        std::unique_lock<std::mutex> lk(mu_);
        take_locked(lk);
    }
    auto it = std::find(parked_.begin(), parked_.end(), &ts);
    if (it != parked_.end()) parked_.erase(it);
    load(ts);
}

void Threads::release(ThreadState& ts, bool park) {
    save(ts);
    if (park) parked_.push_back(&ts);
    std::lock_guard<std::mutex> lk(mu_);
    held_ = false;
    cv_.notify_all();
}

void Threads::yield() {
    ThreadState ts;
    save(ts);
    parked_.push_back(&ts);
    {
        std::unique_lock<std::mutex> lk(mu_);
        held_ = false;
        uint64_t seen = switches_;
        cv_.notify_all();
        // Without this the yielding thread would usually win the lock straight back.
        while (waiters_ > 0 && switches_ == seen) cv_.wait(lk);
        take_locked(lk);
    }
    auto it = std::find(parked_.begin(), parked_.end(), &ts);
    if (it != parked_.end()) parked_.erase(it);
    load(ts);
}

void Threads::shutdown() {
    std::vector<std::function<void()>> hooks;
    hooks.swap(shutdown_hooks_);
    for (auto& hook : hooks) hook();
}

void Threads::trace(Tracer& t) {
    for (ThreadState* ts : parked_) {
        for (Frame* f = ts->frame; f != nullptr; f = f->back) trace_frame(f, t);
        t.mark(ts->pending);
        for (Obj* o : ts->repr_stack) t.mark(o);
        for (Obj* o : ts->temp_roots) t.mark(o);
    }
}

void yield_interpreter(VM& vm) {
    if (vm.threads) vm.threads->yield();
    else vm.gil_drop_request.store(false, std::memory_order_relaxed);
}

}  // namespace asy::vm
