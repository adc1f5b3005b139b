// Worker threads for run_in_executor/to_thread: a pool grown lazily up to CPython's default
// executor size; each job takes the interpreter lock, calls an asy callable and queues the
// outcome on the event loop, whose thread then runs done(future, ok, value).
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vm/vm.hpp"

namespace asy::loop {

class EventLoop;

class WorkerPool {
public:
    WorkerPool(vm::VM& vm, EventLoop& loop);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queue func(*args) (called by the lock holder). Starts a worker if none is idle. False
    // with RuntimeError pending when no thread can be started at all.
    bool submit(vm::Value func, vm::Tuple* args, vm::Value done, vm::Value future);
    // Stop and join every worker (called by the lock holder, which lets them finish the job they
    // run). Jobs not started yet are dropped. Idempotent.
    void stop();
    // Queued jobs' values (running jobs are pinned by their worker's own thread state).
    void trace(vm::Tracer& t);

private:
    struct Job {
        vm::Value func;
        vm::Tuple* args;
        vm::Value done;
        vm::Value future;
    };
    vm::VM& vm_;
    EventLoop& loop_;
    std::deque<Job> queue_;       // touched only under the interpreter lock
    std::mutex mu_;               // guards the counters below, never held while taking the lock
    std::condition_variable cv_;
    size_t unclaimed_ = 0;        // queued jobs no worker has claimed yet
    size_t idle_ = 0;             // workers waiting for a job
    bool stopping_ = false;
    std::vector<std::thread> workers_;
    size_t max_workers_;

    void worker_main();
    void run_job();
};

}  // namespace asy::loop
