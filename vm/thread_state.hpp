// Threads and the interpreter lock: one VM is shared by every thread that runs code in it, one
// thread at a time. The lock holder's per-thread state lives in the VM's fields; a thread that
// releases the lock saves that state into its own ThreadState, which the collector traces.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "vm/vm.hpp"

namespace asy::vm {

// What the interpreter keeps per running thread. While the thread holds the lock these live in
// the VM (vm.frame, vm.pending, ...); while it waits they are saved here. The handled exception
// (sys.exc_info) lives in the frames, so it travels with the frame chain.
struct ThreadState {
    Frame* frame = nullptr;
    Value pending;
    int call_depth = 0;
    std::vector<Obj*> repr_stack;
    std::vector<Obj*> temp_roots;   // the heap's pin stack: marks are per thread
};

// The per-VM lock and the list of threads parked outside it. Created (by the thread running the
// VM, which becomes the first holder) when a second thread is about to start; until then every
// lock operation is skipped, so a single-threaded VM pays nothing.
class Threads {
public:
    explicit Threads(VM& vm);
    ~Threads();
    Threads(const Threads&) = delete;
    Threads& operator=(const Threads&) = delete;

    // The VM's lock, creating it (held by the caller) on first use.
    static Threads& ensure(VM& vm);

    // Take the lock (blocking) and load `ts` into the VM.
    void acquire(ThreadState& ts);
    // Save the VM's per-thread state into `ts`, park it for the collector (unless the thread
    // is done with the VM and its state is empty) and drop the lock.
    void release(ThreadState& ts, bool park = true);
    // Give the lock to a waiting thread (drop request seen at a safe point), then take it back.
    void yield();

    // Run at VM teardown, by the holder, before anything else is destroyed: stops and joins the
    // worker threads registered here (nothing may outlive the VM).
    void add_shutdown_hook(std::function<void()> hook) { shutdown_hooks_.push_back(std::move(hook)); }
    void shutdown();

    // Collector roots: the saved state of every parked thread.
    void trace(Tracer& t);

private:
    VM& vm_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool held_ = true;          // the creator holds the lock
    int waiters_ = 0;           // threads blocked in acquire()
    uint64_t switches_ = 0;     // lock hand-overs, so a yielding thread waits for one
    std::vector<ThreadState*> parked_;  // touched only by the holder
    std::vector<std::function<void()>> shutdown_hooks_;

    void save(ThreadState& ts);
    void load(ThreadState& ts);
    void take_locked(std::unique_lock<std::mutex>& lk);
};

// Releases the interpreter lock around a blocking call that touches no VM object (sleep, read,
// poll); a no-op while the VM has no other thread. Takes the lock back on scope exit.
class GilRelease {
public:
    explicit GilRelease(VM& vm) : threads_(vm.threads.get()) {
        if (threads_ != nullptr) threads_->release(state_);
    }
    ~GilRelease() {
        if (threads_ != nullptr) threads_->acquire(state_);
    }
    GilRelease(const GilRelease&) = delete;
    GilRelease& operator=(const GilRelease&) = delete;

    // For a callback that runs inside the released region and touches the VM (a libuv callback
    // during the loop's poll): take the lock back with this thread's own state, then drop it.
    void relock() {
        if (threads_ != nullptr) threads_->acquire(state_);
    }
    void unlock() {
        if (threads_ != nullptr) threads_->release(state_);
    }

private:
    Threads* threads_;
    ThreadState state_;
};

// Called by the interpreter at a safe point when vm.gil_drop_request is set (the caller saved
// its frame state first).
void yield_interpreter(VM& vm);

}  // namespace asy::vm
