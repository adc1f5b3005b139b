// The native asyncio core shared by its files: the Future and Task object layouts, the module's
// per-VM state (the asyncio classes the natives raise, the all-tasks set) and scheduling.
#pragma once

#include <memory>
#include <vector>

#include "loop/event_loop.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/function.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib::aio {

using namespace asy::vm;

enum class FutState : uint8_t { Pending, Cancelled, Finished };

// A done callback. `wake` entries are a native task's wakeup: `fn` is the task itself, so an
// await allocates no bound method.
struct Callback {
    Value fn;
    bool wake = false;
};

// Rare fields of a future (cancellation details, callbacks past the first), allocated on demand
// so a sleeping task stays small.
struct FutureExtra {
    std::vector<Callback> more;  // done callbacks after `cb0`
    Value cancel_msg;            // Empty: None
    Value cancelled_exc;         // Empty: None
};

// _asyncio.Future's instance: asyncio.Future (an asy subclass adding the cold methods and the
// repr) and every Future subclass lay out as this.
struct FutureObj : Obj {
    FutState state = FutState::Pending;
    bool blocking = false;       // _asyncio_future_blocking
    bool log_tb = false;         // _log_traceback
    bool cb0_wake = false;
    bool is_task = false;
    bool has_exc = false;        // finished with an exception: `result` holds it
    Obj* loop = nullptr;
    Value result;                // the result or (has_exc) the exception; Empty while pending
    Value cb0;                   // first done callback (most futures get exactly one)
    std::unique_ptr<FutureExtra> extra;

    FutureExtra& ex() {
        if (!extra) extra = std::make_unique<FutureExtra>();
        return *extra;
    }
    size_t ncallbacks() const { return (cb0.is_empty() ? 0 : 1) + (extra ? extra->more.size() : 0); }
    void trace(Tracer& t) override;
};

// _asyncio.Task's instance.
struct TaskObj : FutureObj {
    bool must_cancel = false;
    bool log_destroy_pending = true;
    int32_t num_cancels = 0;
    Obj* coro = nullptr;         // always an object (iscoroutine() accepted it)
    Value name;                  // int N: lazily "Task-N"; else the str name
    Obj* fut_waiter = nullptr;   // 128 bytes in all: keep it within mimalloc's 128-byte class
    void trace(Tracer& t) override;
};

// The iterator `await fut` drives: yields the future once, then returns its result.
struct FutureIter : Obj {
    FutureObj* fut = nullptr;
    bool yielded = false;        // resumed again while still pending: "await wasn't used with future"
    void trace(Tracer& t) override { t.mark(fut); }
};

// _asyncio.Handle / TimerHandle: a callback scheduled with call_soon / call_at. Up to two
// arguments live inline (call_later(d, cb, fut, result) and most call_soon calls need no tuple).
constexpr uint8_t kArgsTuple = 255;  // HandleObj::nargs: `a0` holds the arguments tuple
struct HandleObj : Obj {
    bool cancelled = false;
    bool is_timer = false;
    bool scheduled = false;      // timers: in the loop's heap
    uint8_t nargs = 0;           // arguments inline in a0/a1, or kArgsTuple
    Value callback;              // Empty once cancelled (reads as None)
    Value a0, a1;
    Obj* loop = nullptr;
    double when = 0;             // timers: `when_v` as a number, the heap's key
    Value when_v;
    void trace(Tracer& t) override {
        t.mark(callback);
        t.mark(a0);
        t.mark(a1);
        t.mark(loop);
        t.mark(when_v);
    }
};

// One ready-queue entry: no Handle, tuple or bound method for the loop's own callbacks.
enum class EntryKind : uint8_t {
    Handle,   // a = the HandleObj
    Pair,     // a(b): a future's done callback, the loop's internal callbacks
    Step,     // a = a task to step
    Wake,     // a = a task woken by the future b
};
struct Entry {
    EntryKind kind;
    Value a, b;
};

// _asyncio.LoopCore: the native base of asyncio's EventLoop (ready queue, timer heap, the turn).
struct LoopCoreObj : Obj {
    bool closed = false;
    bool stopping = false;
    bool debug = false;
    int64_t timer_cancelled_count = 0;
    Value current_task;          // Empty: None
    std::vector<Entry> ready;    // a FIFO: [head, size)
    size_t head = 0;
    std::vector<HandleObj*> timers;  // heapq order on `when`
    size_t ready_size() const { return ready.size() - head; }
    void push(EntryKind k, Value a, Value b = Value::empty()) { ready.push_back({k, a, b}); }
    void trace(Tracer& t) override;
    size_t external_size() const override {
        return ready.capacity() * sizeof(Entry) + timers.capacity() * sizeof(HandleObj*);
    }
};

// Per-VM state, kept alive by the VM's loop::EventLoop.
struct State : Obj {
    Type* future_type = nullptr;
    Type* task_type = nullptr;
    Type* iter_type = nullptr;
    Type* handle_type = nullptr;
    Type* timer_type = nullptr;
    Type* core_type = nullptr;
    Type* sleep_type = nullptr;           // asyncio.sleep's native coroutine (asyncio_sleep.cpp)
    Type* sleep_wrapper_type = nullptr;   // what its __await__() returns
    Type* future_class = nullptr;         // asyncio.Future, the asy subclass
    Type* task_class = nullptr;           // asyncio.Task, the asy subclass
    Type* gather_state_type = nullptr;    // gather's callback state (asyncio_gather.cpp)
    NativeFunction* core_create_task = nullptr;  // LoopCore.create_task
    NativeFunction* set_result_fn = nullptr;  // _set_result_unless_cancelled
    Value cancelled_error, invalid_state_error, get_event_loop, iscoroutine;
    Set* all_tasks = nullptr;
    int64_t task_counter = 0;
    NativeFunction* step_fn = nullptr;    // _task_step(task): a task step as a ready-queue pair
    NativeFunction* wakeup_fn = nullptr;  // _task_wakeup(task, fut)
    Tuple* msg_kw = nullptr;              // ('msg',)
    Str *s_ready, *s_closed, *s_call_soon, *s_call_soon_pair, *s_current_task, *s_cancel,
        *s_add_done_callback, *s_blocking, *s_loop, *s_result, *s_step, *s_wakeup, *s_when,
        *s_call_exception_handler, *s_check_callback, *s_timer_handle_cancelled;
    void trace(Tracer& t) override;
};

State& state(VM& vm);

inline bool is_future(State& st, Value v) { return v.is_obj() && is_subtype(v.o->type, st.future_type); }
inline FutureObj* as_future(Value v) { return static_cast<FutureObj*>(v.o); }

// Queue callback(arg) on `loop`'s ready queue (RuntimeError when the loop is closed).
bool schedule_pair(VM& vm, Obj* loop, Value callback, Value arg);
// Queue every done callback of `f` (it just finished).
bool schedule_callbacks(VM& vm, FutureObj* f);
// CancelledError for a cancelled future (its stored one, or a new one with its message).
Value make_cancelled_error(VM& vm, FutureObj* f);
// Future.cancel / set_result / set_exception proper (Task's own calls bypass its overrides).
bool future_cancel(VM& vm, FutureObj* f, Value msg);
bool future_set_result(VM& vm, FutureObj* f, Value result);
bool future_set_exception(VM& vm, FutureObj* f, Value exc);
// A new pending asyncio.Future of `loop` (loop.create_future() without the call).
FutureObj* new_future(VM& vm, Obj* loop);
// Future.result(): the result, or false-y Empty with the exception / CancelledError pending.
Value future_result(VM& vm, FutureObj* f);
// The exception throw(typ, val) raises: an instance of class `typ` (made from `val`), or `typ`.
Value thrown_exception(VM& vm, Value typ, Value val);
// Add a done callback (scheduled at once when already done).
bool future_add_callback(VM& vm, FutureObj* f, Value fn, bool wake);

// Run a task step / wakeup (asyncio_task.cpp).
bool task_step(VM& vm, TaskObj* t, Value exc);
bool task_wakeup(VM& vm, TaskObj* t, Value fut);

// The native loop core of `loop`, or nullptr for another loop object.
inline LoopCoreObj* core_of(State& st, Obj* loop) {
    return loop != nullptr && is_subtype(loop->type, st.core_type) ? static_cast<LoopCoreObj*>(loop) : nullptr;
}
// A new Handle/TimerHandle (asyncio_handle.cpp): `args` a tuple, or `n` values in `argv`.
HandleObj* new_handle(VM& vm, Value callback, Value args, Obj* loop);
HandleObj* new_handle(VM& vm, Value callback, const Value* argv, size_t n, Obj* loop);
HandleObj* new_timer(VM& vm, Value when, double when_d, Value callback, const Value* argv, size_t n, Obj* loop);
// Handle._run: call the callback; report its exception to the loop's exception handler
// (SystemExit/KeyboardInterrupt propagate: false with it pending).
bool handle_run(VM& vm, HandleObj* h);
// TimerHandle/Handle.cancel().
bool handle_cancel(VM& vm, HandleObj* h);
// Report `exc` raised by callback(*args) as the loop's "Exception in callback" (for entries
// that had no Handle).
bool report_callback_error(VM& vm, Obj* loop, Value callback, Value args, Value exc);
// A wake entry's callable form (a task_wakeup bound to `task`).
Value wake_callable(VM& vm, Value task);

// loop.time() of the native loop (a monotonic clock in seconds).
double loop_time();
// Put the timer `h` into the native loop's heap (call_at without the checks).
void schedule_timer(LoopCoreObj* c, HandleObj* h);

void init_handle_types(VM& vm, State& st, Module* m);
void init_loop_core_type(VM& vm, State& st, Module* m);
void init_future_type(VM& vm, State& st, Module* m);
void init_task_type(VM& vm, State& st, Module* m);
void init_sleep_type(VM& vm, State& st, Module* m);
void init_gather(VM& vm, State& st, Module* m);
// LoopCore methods that make tasks (after init_task_type and init_loop_core_type).
void init_loop_task_methods(VM& vm, State& st);

// asyncio's running loop of this thread (Empty: none).
inline Value running_loop(VM& vm) {
    if (!vm.event_loop || loop::on_worker_thread()) return Value::empty();
    return loop::EventLoop::of(vm).running_loop;
}

}  // namespace asy::stdlib::aio
