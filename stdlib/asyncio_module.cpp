// The `_asyncio` module: creates the native Future/Task types and holds the per-VM state the
// natives share (asyncio.asy hands it its exception classes through _setup).
#include "stdlib/asyncio_core.hpp"

#include "loop/event_loop.hpp"
#include "stdlib/registry.hpp"

namespace asy::stdlib {

namespace aio {

void State::trace(Tracer& t) {
    t.mark(future_type);
    t.mark(task_type);
    t.mark(iter_type);
    t.mark(handle_type);
    t.mark(timer_type);
    t.mark(core_type);
    t.mark(sleep_type);
    t.mark(sleep_wrapper_type);
    t.mark(future_class);
    t.mark(task_class);
    t.mark(gather_state_type);
    t.mark(core_create_task);
    t.mark(set_result_fn);
    t.mark(cancelled_error);
    t.mark(invalid_state_error);
    t.mark(get_event_loop);
    t.mark(iscoroutine);
    t.mark(all_tasks);
    t.mark(step_fn);
    t.mark(wakeup_fn);
    t.mark(msg_kw);
}

State& state(VM& vm) { return *static_cast<State*>(loop::EventLoop::of(vm).asyncio_state); }

// _setup(CancelledError, InvalidStateError, get_event_loop, iscoroutine, all_tasks_set)
Value asyncio_setup(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_setup", 5, 5)) return Value::empty();
    State& st = state(vm);
    if (!a.pos[0].is_obj() || a.pos[0].o->type->layout != Layout::Type || !a.pos[1].is_obj() ||
        a.pos[1].o->type->layout != Layout::Type) {
        return vm.raise(vm.exc.TypeError, "_setup() needs the exception classes");
    }
    if (!a.pos[4].is_obj() || a.pos[4].o->type != vm.types.set) return vm.raise(vm.exc.TypeError, "_setup() needs a set");
    st.cancelled_error = a.pos[0];
    st.invalid_state_error = a.pos[1];
    st.get_event_loop = a.pos[2];
    st.iscoroutine = a.pos[3];
    st.all_tasks = static_cast<Set*>(a.pos[4].o);
    return Value::none();
}

// _setup_classes(Future, Task): asyncio's asy subclasses, which the natives make directly.
Value setup_classes(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_setup_classes", 2, 2)) return Value::empty();
    State& st = state(vm);
    Type* base[] = {st.future_type, st.task_type};
    for (int i = 0; i < 2; ++i) {
        if (!a.pos[i].is_obj() || a.pos[i].o->type->layout != Layout::Type ||
            !is_subtype(static_cast<Type*>(a.pos[i].o), base[i]))
            return vm.raise(vm.exc.TypeError, "_setup_classes() needs the Future and Task classes");
    }
    st.future_class = static_cast<Type*>(a.pos[0].o);
    st.task_class = static_cast<Type*>(a.pos[1].o);
    return Value::none();
}

}  // namespace aio

bool init_asyncio_module(vm::VM& vm, vm::Module* m) {
    using namespace aio;
    State* st = vm.alloc<State>(vm.types.object);
    loop::EventLoop::of(vm).asyncio_state = st;
    st->s_ready = vm.intern("_ready");
    st->s_closed = vm.intern("_closed");
    st->s_call_soon = vm.intern("call_soon");
    st->s_call_soon_pair = vm.intern("_call_soon_pair");
    st->s_current_task = vm.intern("_current_task");
    st->s_cancel = vm.intern("cancel");
    st->s_add_done_callback = vm.intern("add_done_callback");
    st->s_blocking = vm.intern("_asyncio_future_blocking");
    st->s_loop = vm.intern("_loop");
    st->s_result = vm.intern("result");
    st->s_step = vm.intern("_step");
    st->s_wakeup = vm.intern("_wakeup");
    st->s_when = vm.intern("_when");
    st->s_call_exception_handler = vm.intern("call_exception_handler");
    st->s_check_callback = vm.intern("_check_callback");
    st->s_timer_handle_cancelled = vm.intern("_timer_handle_cancelled");
    Value msg = Value::object(vm.intern("msg"));
    st->msg_kw = new_tuple(vm, &msg, 1);
    init_future_type(vm, *st, m);
    init_task_type(vm, *st, m);
    init_handle_types(vm, *st, m);
    init_loop_core_type(vm, *st, m);
    init_sleep_type(vm, *st, m);
    init_gather(vm, *st, m);
    init_loop_task_methods(vm, *st);
    def_function(vm, m->dict, "_setup_classes", aio::setup_classes);
    def_function(vm, m->dict, "_setup", aio::asyncio_setup);
    return true;
}

}  // namespace asy::stdlib
