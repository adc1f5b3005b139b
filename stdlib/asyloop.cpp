// `_asyloop`: the native core under asyncio.asy — the loop's clock, the blocking wait on the
// libuv loop, running a function on a worker thread for run_in_executor/to_thread, the running
// loop, and the async generators the loop must aclose.
#include <chrono>
#include <cmath>

#include "loop/event_loop.hpp"
#include "stdlib/registry.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

Value loop_monotonic(VM& vm, const Args& a) {
    if (!check_args(vm, a, "monotonic", 0, 0)) return Value::empty();
    using namespace std::chrono;
    return Value::real(duration<double>(steady_clock::now().time_since_epoch()).count());
}

// wait(timeout) -> list of (callback, args) completed by native operations.
Value loop_wait(VM& vm, const Args& a) {
    if (!check_args(vm, a, "wait", 1, 1)) return Value::empty();
    double timeout = -1;
    if (!a.pos[0].is_none() && !to_double(vm, a.pos[0], &timeout)) return Value::empty();
    if (std::isnan(timeout)) timeout = 0;
    bool deadlock = false;
    std::vector<loop::Completion> done = loop::EventLoop::of(vm).wait(timeout, &deadlock);
    if (deadlock) {
        // CPython would block forever here; asy reports the deadlock instead of hanging.
        return vm.raise(vm.exc.RuntimeError,
                        "event loop deadlock: no task can make progress (nothing scheduled, no timer, no I/O)");
    }
    // Completions queued by earlier natives are no longer rooted by the loop once taken: pin
    // them before allocating the result.
    for (auto& c : done) {
        vm.heap.pin(c.args);
        if (c.callback.is_obj()) vm.heap.pin(c.callback.o);
    }
    List* out = new_list(vm, done.size());
    for (auto& c : done) {
        Value pair[] = {c.callback, Value::object(c.args)};
        out->items.push_back(Value::object(new_tuple(vm, pair, 2)));
    }
    return Value::object(out);
}

// run_in_thread(func, args, done, future): calls func(*args) on a worker thread (which takes
// the interpreter lock to run it) and reports through done(future, ok, value_or_exception) on
// a later loop turn, on the loop thread.
Value loop_run_in_thread(VM& vm, const Args& a) {
    if (!check_args(vm, a, "run_in_thread", 4, 4)) return Value::empty();
    if (!a.pos[1].is_obj() || a.pos[1].o->type != vm.types.tuple) {
        return vm.raise(vm.exc.TypeError, "run_in_thread() args must be a tuple");
    }
    auto* args = static_cast<Tuple*>(a.pos[1].o);
    if (!loop::EventLoop::of(vm).run_in_thread(a.pos[0], args, a.pos[2], a.pos[3])) return Value::empty();
    return Value::none();
}

// pending_threads() -> number of run_in_thread jobs not completed yet (queued, running, or
// finished but not yet delivered), for shutdown_default_executor to wait on.
Value loop_pending_threads(VM& vm, const Args& a) {
    if (!check_args(vm, a, "pending_threads", 0, 0)) return Value::empty();
    return Value::integer(loop::EventLoop::of(vm).thread_jobs());
}

// interrupt(): call_soon_threadsafe's wake-up — the loop's current or next wait returns at once.
Value loop_interrupt(VM& vm, const Args& a) {
    if (!check_args(vm, a, "interrupt", 0, 0)) return Value::empty();
    loop::EventLoop::of(vm).interrupt_wait();
    return Value::none();
}

// ---- the running loop: one per VM, seen only by the thread running it (the main thread) ----

Value loop_set_running_loop(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_set_running_loop", 1, 1)) return Value::empty();
    if (loop::on_worker_thread() && !a.pos[0].is_none()) {
        // A second loop would need its own libuv loop and wait on a thread of its own.
        return vm.raise(vm.exc.RuntimeError, "asy runs event loops on the main thread only");
    }
    loop::EventLoop::of(vm).running_loop = a.pos[0].is_none() ? Value::empty() : a.pos[0];
    return Value::none();
}

Value running_loop_of(VM& vm) {
    if (!vm.event_loop || loop::on_worker_thread()) return Value::empty();
    return static_cast<loop::EventLoop*>(vm.event_loop.get())->running_loop;
}

Value loop_get_running_loop_opt(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_get_running_loop", 0, 0)) return Value::empty();
    Value v = running_loop_of(vm);
    return v.is_empty() ? Value::none() : v;
}

Value loop_get_running_loop(VM& vm, const Args& a) {
    if (!check_args(vm, a, "get_running_loop", 0, 0)) return Value::empty();
    Value v = running_loop_of(vm);
    if (v.is_empty()) return vm.raise(vm.exc.RuntimeError, "no running event loop");
    return v;
}

// ---- async generator finalization (vm/generator.cpp) ----

// live_asyncgens(firstiter) -> unfinished async generators first iterated under that hook.
Value loop_live_asyncgens(VM& vm, const Args& a) {
    if (!check_args(vm, a, "live_asyncgens", 1, 1)) return Value::empty();
    std::vector<Generator*> gens = live_async_generators(vm, a.pos[0]);
    List* out = new_list(vm, gens.size());
    for (Generator* g : gens) out->items.push_back(Value::object(g));
    return Value::object(out);
}

}  // namespace

bool init_asyloop_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    def_function(vm, ns, "monotonic", loop_monotonic);
    def_function(vm, ns, "wait", loop_wait);
    def_function(vm, ns, "run_in_thread", loop_run_in_thread);
    def_function(vm, ns, "pending_threads", loop_pending_threads);
    def_function(vm, ns, "interrupt", loop_interrupt);
    def_function(vm, ns, "_set_running_loop", loop_set_running_loop);
    def_function(vm, ns, "_get_running_loop", loop_get_running_loop_opt);
    def_function(vm, ns, "get_running_loop", loop_get_running_loop);
    def_function(vm, ns, "live_asyncgens", loop_live_asyncgens);
    return true;
}

}  // namespace asy::stdlib
