// libuv-backed waiting for the asyncio loop: a timer bounds each wait, native operations wake
// it early by queueing completions. Once worker threads exist the wait runs without the
// interpreter lock.
#include "loop/event_loop.hpp"

#include "loop/worker_pool.hpp"
#include "vm/thread_state.hpp"

namespace asy::loop {

EventLoop::EventLoop(vm::VM& vm) : vm_(vm) {
    uv_loop_init(&uv_);
    uv_timer_init(&uv_, &timer_);
    uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
    // Waking is all the callback does: wait() checks completed_ after every uv_run.
    uv_async_init(&uv_, &async_, [](uv_async_t* a) { uv_stop(a->loop); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
    uv_.data = this;
}

EventLoop::~EventLoop() {
    stop_workers();
    curl.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    // Let close callbacks run, then release the loop.
    uv_run(&uv_, UV_RUN_NOWAIT);
    uv_loop_close(&uv_);
}

void EventLoop::complete(vm::Value callback, vm::Tuple* args) {
    completed_.push_back({callback, args});
    // A completion made inside uv_run (a timer or poll callback) must end that run without it
    // blocking in the poll phase for other handles' events (uv_stop makes the poll timeout 0).
    uv_stop(&uv_);
}

bool EventLoop::run_in_thread(vm::Value func, vm::Tuple* args, vm::Value done, vm::Value future) {
    if (!workers_) {
        vm::Threads& threads = vm::Threads::ensure(vm_);
        workers_ = std::make_unique<WorkerPool>(vm_, *this);
        // Workers must be joined at the start of VM teardown, while all they may touch exists.
        std::weak_ptr<void> weak = vm_.event_loop;
        threads.add_shutdown_hook([weak] {
            if (auto loop = weak.lock()) static_cast<EventLoop*>(loop.get())->stop_workers();
        });
    }
    if (!workers_->submit(func, args, done, future)) return false;
    ++thread_jobs_;
    begin();
    return true;
}

void EventLoop::complete_from_thread(vm::Value callback, vm::Tuple* args) {
    // No uv_stop: the loop thread may be inside uv_run; wake() interrupts it safely.
    completed_.push_back({callback, args});
    --thread_jobs_;
    end();
}

void EventLoop::stop_workers() {
    if (workers_) workers_->stop();
}

void EventLoop::run_uv(uv_run_mode mode) {
    if (!vm_.threads) {
        uv_run(&uv_, mode);
        return;
    }
    // Outstanding worker jobs keep the loop alive: their wake-up comes through async_.
    if (thread_jobs_ > 0) uv_ref(reinterpret_cast<uv_handle_t*>(&async_));
    else uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
    vm::GilRelease unlocked(vm_);
    released_ = &unlocked;
    uv_run(&uv_, mode);
    released_ = nullptr;
}

void EventLoop::CallbackLock::relock() {
    released_->relock();
    loop_.released_ = nullptr;  // nested callback locks are no-ops
}

void EventLoop::CallbackLock::unlock() {
    loop_.released_ = released_;
    released_->unlock();
}

uint64_t EventLoop::hold(vm::Value v) {
    uint64_t key = next_hold_++;
    held_.emplace(key, v);
    return key;
}

vm::Value EventLoop::release(uint64_t key) {
    auto it = held_.find(key);
    if (it == held_.end()) return vm::Value::empty();
    vm::Value v = it->second;
    held_.erase(it);
    return v;
}

void EventLoop::trace(vm::Tracer& t) {
    for (auto& [key, v] : held_) t.mark(v);
    for (auto& c : completed_) {
        t.mark(c.callback);
        t.mark(c.args);
    }
    if (workers_) workers_->trace(t);
    t.mark(asyncio_state);
    t.mark(running_loop);
}

std::vector<Completion> EventLoop::wait(double timeout, bool* deadlock) {
    *deadlock = false;
    if (completed_.empty()) {
        if (timeout == 0) {
            run_uv(UV_RUN_NOWAIT);
        } else if (timeout > 0) {
            // The timer stops the run it fires in: UV_RUN_ONCE runs due timers first and would
            // otherwise go on to block in the poll phase until some other handle (curl) wakes it.
            uv_ref(reinterpret_cast<uv_handle_t*>(&timer_));
            uv_timer_start(&timer_, [](uv_timer_t* t) { uv_stop(t->loop); },
                           static_cast<uint64_t>(timeout * 1000.0 + 0.999), 0);
            while (completed_.empty() && !interrupted_ && uv_is_active(reinterpret_cast<uv_handle_t*>(&timer_))) {
                run_uv(UV_RUN_ONCE);
            }
            uv_timer_stop(&timer_);
            uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
        } else if (pending_ > 0) {
            while (completed_.empty() && !interrupted_ && pending_ > 0) run_uv(UV_RUN_ONCE);
        } else if (!interrupted_) {
            *deadlock = true;
        }
    }
    interrupted_ = false;
    std::vector<Completion> out;
    out.swap(completed_);
    return out;
}

EventLoop& EventLoop::of(vm::VM& vm) {
    if (!vm.event_loop) {
        auto loop = std::make_shared<EventLoop>(vm);
        EventLoop* raw = loop.get();
        vm.event_loop = loop;
        vm.root_tracers.push_back([raw](vm::Tracer& t) { raw->trace(t); });
    }
    return *static_cast<EventLoop*>(vm.event_loop.get());
}

}  // namespace asy::loop
