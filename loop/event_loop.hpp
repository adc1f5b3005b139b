// The native event-loop core of one VM: a libuv loop that waits for time to pass or for native
// I/O (files, http, worker threads) to finish. Scheduling of tasks and callbacks stays in
// asyncio (stdlib/asyncio.asy); this layer only blocks and reports what completed.
#pragma once

#include <uv.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "vm/vm.hpp"

namespace asy::vm {
class GilRelease;
}

namespace asy::loop {

class WorkerPool;

// A callback to run on the loop's ready queue: `callback(*args)`.
struct Completion {
    vm::Value callback;
    vm::Tuple* args;
};

class EventLoop {
public:
    explicit EventLoop(vm::VM& vm);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Block until a native operation completes or `timeout` seconds pass (timeout < 0: no limit,
    // but only while native operations are pending). Returns the completions gathered, oldest
    // first. `deadlock` is set when there was nothing at all to wait for and no timeout.
    std::vector<Completion> wait(double timeout, bool* deadlock);

    // Queue a completion (from the loop thread).
    void complete(vm::Value callback, vm::Tuple* args);

    // ---- worker threads (loop/worker_pool.hpp) ----
    // Run func(*args) on a worker thread; done(future, ok, value) is queued as a completion
    // when it finishes. The loop counts it as pending (no deadlock report, keeps waiting).
    // False with RuntimeError pending when no worker thread can be started.
    bool run_in_thread(vm::Value func, vm::Tuple* args, vm::Value done, vm::Value future);
    // Jobs submitted to workers whose completion has not been queued yet.
    int thread_jobs() const { return thread_jobs_; }
    // From a worker holding the interpreter lock: queue a finished job's completion.
    void complete_from_thread(vm::Value callback, vm::Tuple* args);
    // From any thread, without the lock: wake the loop thread out of its poll.
    void wake() { uv_async_send(&async_); }
    // call_soon_threadsafe (the caller holds the lock): the current or next wait() returns at
    // once even with no completion, so a callback queued by another thread runs right away.
    void interrupt_wait() {
        interrupted_ = true;
        if (vm_.threads) wake();  // without threads the caller is the loop thread itself
    }
    // Join the workers (the lock holder; VM teardown or ~EventLoop). Idempotent.
    void stop_workers();

    // Held by every libuv callback that touches the VM: while the loop thread waits in uv_run
    // it does not hold the interpreter lock (workers run meanwhile), so such a callback takes it
    // back for its duration. A no-op when the lock is already held (no worker ever started,
    // or the callback runs outside wait()).
    class CallbackLock {
    public:
        explicit CallbackLock(EventLoop& loop) : loop_(loop), released_(loop.released_) {
            if (released_ != nullptr) relock();
        }
        ~CallbackLock() {
            if (released_ != nullptr) unlock();
        }
        CallbackLock(const CallbackLock&) = delete;
        CallbackLock& operator=(const CallbackLock&) = delete;

    private:
        EventLoop& loop_;
        vm::GilRelease* released_;
        void relock();
        void unlock();
    };
    // Operations started but not yet completed (each begin() matched by one end()).
    void begin() { ++pending_; }
    void end() { --pending_; }

    uv_loop_t* uv() { return &uv_; }
    void trace(vm::Tracer& t);

    // Values an in-flight native operation needs at completion (its callback, its handle) stay
    // reachable from this loop's GC root between hold() and release(key).
    uint64_t hold(vm::Value v);
    vm::Value release(uint64_t key);

    // Per-loop state of the http module (loop::CurlDriver), made on first use. Destroyed first
    // in ~EventLoop so it can close its uv handles while the uv loop is still open.
    std::shared_ptr<void> curl;

    // asyncio's running loop (asyncio._set_running_loop). CPython keeps one per thread; asy
    // runs loops on the main thread only, so worker threads see none (on_worker_thread()).
    vm::Value running_loop;

    // The asyncio module's per-VM native state (stdlib/asyncio_core.hpp), a GC object this loop
    // keeps alive; null until `_asyncio` is imported.
    vm::Obj* asyncio_state = nullptr;

    // The loop of a VM, created on first use.
    static EventLoop& of(vm::VM& vm);

private:
    vm::VM& vm_;
    uv_loop_t uv_;
    uv_timer_t timer_;
    uv_async_t async_;                    // workers wake the loop thread through it
    std::unique_ptr<WorkerPool> workers_;
    int thread_jobs_ = 0;                 // submitted to workers, not yet completed
    vm::GilRelease* released_ = nullptr;  // set while uv_run runs without the lock
    // uv_run, without the interpreter lock once worker threads exist.
    void run_uv(uv_run_mode mode);
    std::vector<Completion> completed_;
    std::unordered_map<uint64_t, vm::Value> held_;
    uint64_t next_hold_ = 1;
    int pending_ = 0;
    bool interrupted_ = false;  // interrupt_wait() since the last wait(); under the lock
};

// True on a worker thread of the pool (to_thread / run_in_executor jobs).
bool on_worker_thread();

}  // namespace asy::loop
