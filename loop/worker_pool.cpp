// The run_in_executor/to_thread worker pool: threads wait (without the interpreter lock) for a
// job, take the lock to run it on their own frame chain, and wake the loop thread to deliver it.
#include "loop/worker_pool.hpp"

#include <signal.h>

#include <algorithm>
#include <system_error>

#include "loop/event_loop.hpp"
#include "vm/ops.hpp"
#include "vm/thread_state.hpp"

namespace asy::loop {

using namespace asy::vm;

namespace {
thread_local bool t_on_worker = false;
}

bool on_worker_thread() { return t_on_worker; }

WorkerPool::WorkerPool(VM& vm, EventLoop& loop) : vm_(vm), loop_(loop) {
    // concurrent.futures.ThreadPoolExecutor's default: min(32, cpu_count + 4).
    unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    max_workers_ = std::min<size_t>(32, cpus + 4);
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::submit(Value func, Tuple* args, Value done, Value future) {
    std::lock_guard<std::mutex> lk(mu_);
    if (unclaimed_ + 1 > idle_ && workers_.size() < max_workers_) {
        // Signals (SIGINT) stay with the main thread, as in CPython.
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        try {
            workers_.emplace_back([this] { worker_main(); });
        } catch (const std::system_error&) {
            // Out of threads: the job can still wait for a busy worker, unless there is none.
            if (workers_.empty()) {
                pthread_sigmask(SIG_SETMASK, &old, nullptr);
                vm_.raise(vm_.exc.RuntimeError, "can't start new thread");
                return false;
            }
        }
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
    queue_.push_back({func, args, done, future});
    ++unclaimed_;
    cv_.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (workers_.empty()) return;
        stopping_ = true;
    }
    cv_.notify_all();
    {
        // A worker in the middle of a job needs the lock to finish it.
        GilRelease unlocked(vm_);
        for (auto& t : workers_) t.join();
    }
    workers_.clear();
    queue_.clear();
    std::lock_guard<std::mutex> lk(mu_);
    unclaimed_ = 0;
}

void WorkerPool::trace(Tracer& t) {
    for (const Job& j : queue_) {
        t.mark(j.func);
        t.mark(j.args);
        t.mark(j.done);
        t.mark(j.future);
    }
}

void WorkerPool::worker_main() {
    t_on_worker = true;
    for (;;) {
        {
            std::unique_lock<std::mutex> lk(mu_);
            ++idle_;
            cv_.wait(lk, [this] { return stopping_ || unclaimed_ > 0; });
            --idle_;
            if (stopping_) return;
            --unclaimed_;
        }
        ThreadState ts;
        vm_.threads->acquire(ts);
        run_job();
        // The completion now roots the outcome; an idle worker keeps nothing alive.
        vm_.heap.release(0);
        vm_.threads->release(ts, /*park=*/false);
        loop_.wake();
    }
}

// With the lock held: run the oldest queued job and hand its outcome to the loop.
void WorkerPool::run_job() {
    Job job = queue_.front();
    queue_.pop_front();
    // Off the queue, the job's values are rooted by this thread's pin stack.
    for (Value v : {job.func, job.done, job.future})
        if (v.is_obj()) vm_.heap.pin(v.o);
    vm_.heap.pin(job.args);
    Value result = vm_.call(job.func, job.args->items.data(), job.args->items.size());
    bool ok = !result.is_empty();
    Value payload = ok ? result : vm_.take_pending();
    if (payload.is_obj()) vm_.heap.pin(payload.o);  // an exception taken off vm.pending is unrooted
    Value items[] = {job.future, Value::boolean(ok), payload};
    loop_.complete_from_thread(job.done, new_tuple(vm_, items, 3));
}

}  // namespace asy::loop
