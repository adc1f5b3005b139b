// asyncio.sleep as a native coroutine object: `await asyncio.sleep(d)` allocates one small
// object (no frame, no future iterator) that schedules its timer and waits on a future.
#include "stdlib/asyncio_core.hpp"

#include "vm/interpreter.hpp"
#include "vm/objects/generator.hpp"
#include "vm/objects/str.hpp"

namespace asy::stdlib::aio {

namespace {

enum class SleepPhase : uint8_t { Created, Waiting, Done };

// What CPython's `async def sleep(delay, result=None)` keeps in its frame, as fields.
struct SleepObj : Obj {
    SleepPhase phase = SleepPhase::Created;
    bool yielded = false;        // sleep(0): gave the loop its turn
    uint32_t origin_ip = 0;      // where it was made, for "never awaited"
    Value delay;
    Value result;
    FutureObj* fut = nullptr;    // Waiting on a timer
    HandleObj* timer = nullptr;
    CodeObj* origin = nullptr;
    void trace(Tracer& t) override {
        t.mark(delay);
        t.mark(result);
        t.mark(fut);
        t.mark(timer);
        t.mark(origin);
    }
    void finalize(VM& vm) override {
        if (phase != SleepPhase::Created) return;
        --interp_state(vm).unstarted_native;
        report_unawaited(vm, "sleep", origin ? origin->code.get() : nullptr, origin_ip);
    }
};

Obj* alloc_sleep(VM& vm, Type* type) { return vm.alloc<SleepObj>(type); }

SleepObj* self_of(VM& vm, const Args& a, const char* method) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type != state(vm).sleep_type) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'coroutine' object", method);
        return nullptr;
    }
    return static_cast<SleepObj*>(a.pos[0].o);
}

// Leave the Created phase: a started coroutine is never reported as unawaited.
void start(VM& vm, SleepObj* s, SleepPhase next) {
    if (s->phase == SleepPhase::Created) --interp_state(vm).unstarted_native;
    s->phase = next;
    s->gc_flags &= static_cast<uint8_t>(~kGcFinalize);
}

// The `finally: h.cancel()` of CPython's sleep, once it stops waiting.
bool finish(VM& vm, SleepObj* s) {
    s->phase = SleepPhase::Done;
    s->fut = nullptr;
    HandleObj* h = s->timer;
    s->timer = nullptr;
    return h == nullptr || handle_cancel(vm, h);
}

// The first resumption: `if delay <= 0: yield` else make the future, the timer, and wait.
int begin(VM& vm, SleepObj* s, Value* out) {
    start(vm, s, SleepPhase::Waiting);
    State& st = state(vm);
    int nonpositive;
    if (s->delay.is_int()) nonpositive = s->delay.i <= 0;
    else nonpositive = compare_bool(vm, CompareKind::Le, s->delay, Value::integer(0));
    if (nonpositive < 0) return s->phase = SleepPhase::Done, -1;
    if (nonpositive) {
        s->yielded = true;
        *out = Value::none();
        return 0;
    }
    Value loop = running_loop(vm);
    if (loop.is_empty()) return s->phase = SleepPhase::Done, vm.raise(vm.exc.RuntimeError, "no running event loop"), -1;
    LoopCoreObj* core = core_of(st, loop.o);
    Value fut;
    if (core != nullptr) {
        // loop.create_future() and loop.call_later(...) without their method calls.
        FutureObj* f = new_future(vm, core);
        fut = Value::object(f);
        vm.heap.pin(f);
        Value when = s->delay.is_float() ? Value::real(loop_time() + s->delay.f)
                                         : binary_op(vm, BinOpKind::Add, Value::real(loop_time()), s->delay);
        double when_d = 0;
        if (when.is_empty() || !to_double(vm, when, &when_d)) return s->phase = SleepPhase::Done, -1;
        if (core->closed) return s->phase = SleepPhase::Done, vm.raise(vm.exc.RuntimeError, "Event loop is closed"), -1;
        Value args[] = {fut, s->result.is_empty() ? Value::none() : s->result};
        s->timer = new_timer(vm, when, when_d, Value::object(st.set_result_fn), args, 2, core);
        schedule_timer(core, s->timer);
    } else {
        fut = vm.call_method(loop, vm.intern("create_future"), {});
        if (fut.is_empty()) return s->phase = SleepPhase::Done, -1;
        vm.heap.pin(fut.o);
        Value h = vm.call_method(loop, vm.intern("call_later"),
                                 {s->delay, Value::object(st.set_result_fn), fut,
                                  s->result.is_empty() ? Value::none() : s->result});
        if (h.is_empty()) return s->phase = SleepPhase::Done, -1;
        if (!is_subtype(type_of(vm, h), st.timer_type)) {
            s->phase = SleepPhase::Done;
            vm.raise(vm.exc.TypeError, "loop.call_later() did not return a TimerHandle");
            return -1;
        }
        s->timer = static_cast<HandleObj*>(h.o);
    }
    if (!is_future(st, fut)) {
        s->phase = SleepPhase::Done;
        vm.raise(vm.exc.TypeError, "loop.create_future() did not return a Future");
        return -1;
    }
    s->fut = as_future(fut);
    s->fut->blocking = true;
    *out = fut;
    return 0;
}

// One resumption (the SendSlot contract: 0 yielded *out, 1 returned *out, -1 error).
int sleep_send_slot(VM& vm, Obj* self, Value, Value* out) {
    auto* s = static_cast<SleepObj*>(self);
    switch (s->phase) {
    case SleepPhase::Created:
        return begin(vm, s, out);
    case SleepPhase::Waiting: {
        if (s->fut == nullptr) {  // sleep(0), resumed after its turn
            s->phase = SleepPhase::Done;
            *out = s->result.is_empty() ? Value::none() : s->result;
            return 1;
        }
        FutureObj* f = s->fut;
        if (f->state == FutState::Pending) {
            // Resumed before the future finished: what CPython's `await future` says.
            finish(vm, s);
            vm.raise(vm.exc.RuntimeError, "await wasn't used with future");
            return -1;
        }
        vm.heap.pin(f);
        if (!finish(vm, s)) return -1;
        *out = future_result(vm, f);
        return out->is_empty() ? -1 : 1;
    }
    case SleepPhase::Done:
        break;
    }
    vm.raise(vm.exc.RuntimeError, "cannot reuse already awaited coroutine");
    return -1;
}

Value sleep_send(VM& vm, const Args& a) {
    SleepObj* s = self_of(vm, a, "send");
    if (s == nullptr || !check_args(vm, a, "send", 2, 2)) return Value::empty();
    if (s->phase == SleepPhase::Created && !a.pos[1].is_none())
        return vm.raise(vm.exc.TypeError, "can't send non-None value to a just-started coroutine");
    Value out;
    int r = sleep_send_slot(vm, s, a.pos[1], &out);
    if (r < 0) return Value::empty();
    if (r == 0) return out;
    raise_stop_iteration(vm, out);
    return Value::empty();
}

Value sleep_next(VM& vm, const Args& a) {
    SleepObj* s = self_of(vm, a, "__next__");
    if (s == nullptr || !check_args(vm, a, "__next__", 1, 1)) return Value::empty();
    Value args[] = {a.pos[0], Value::none()};
    return sleep_send(vm, Args{args, 2});
}

// throw(): the exception is raised at the `await` (after the timer is cancelled, as CPython's
// `finally: h.cancel()` does).
Value sleep_throw(VM& vm, const Args& a) {
    SleepObj* s = self_of(vm, a, "throw");
    if (s == nullptr || !check_args(vm, a, "throw", 2, 4)) return Value::empty();
    Value exc = thrown_exception(vm, a.pos[1], a.npos > 2 ? a.pos[2] : Value::none());
    if (exc.is_empty()) return exc;
    if (s->phase == SleepPhase::Done) return vm.raise(vm.exc.RuntimeError, "cannot reuse already awaited coroutine");
    vm.heap.pin(exc.o);
    start(vm, s, SleepPhase::Waiting);
    if (!finish(vm, s)) return Value::empty();
    return vm.raise_value(exc);
}

Value sleep_close(VM& vm, const Args& a) {
    SleepObj* s = self_of(vm, a, "close");
    if (s == nullptr || !check_args(vm, a, "close", 1, 1)) return Value::empty();
    if (s->phase == SleepPhase::Created) {
        start(vm, s, SleepPhase::Done);
        return Value::none();
    }
    return finish(vm, s) ? Value::none() : Value::empty();
}

// coroutine.__await__() returns CPython's coroutine_wrapper: an iterator over the coroutine
// (`yield from sleep(0).__await__()`), while the coroutine itself is not iterable.
struct SleepWrapper : Obj {
    SleepObj* coro = nullptr;
    void trace(Tracer& t) override { t.mark(coro); }
};

Obj* alloc_wrapper(VM& vm, Type* type) { return vm.alloc<SleepWrapper>(type); }

Value sleep_await(VM& vm, const Args& a) {
    if (self_of(vm, a, "__await__") == nullptr || !check_args(vm, a, "__await__", 1, 1)) return Value::empty();
    auto* w = vm.alloc<SleepWrapper>(state(vm).sleep_wrapper_type);
    w->coro = static_cast<SleepObj*>(a.pos[0].o);
    return Value::object(w);
}

int wrapper_send_slot(VM& vm, Obj* self, Value arg, Value* out) {
    return sleep_send_slot(vm, static_cast<SleepWrapper*>(self)->coro, arg, out);
}

// A wrapper method: the same method of the coroutine it wraps.
template <NativeFn Method>
Value forward(VM& vm, const Args& a) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type != state(vm).sleep_wrapper_type)
        return vm.raise(vm.exc.TypeError, "descriptor requires a 'coroutine_wrapper' object");
    std::vector<Value> args(a.pos, a.pos + a.npos);
    args[0] = Value::object(static_cast<SleepWrapper*>(a.pos[0].o)->coro);
    return Method(vm, Args{args.data(), static_cast<uint32_t>(args.size())});
}

Value wrapper_iter(VM&, const Args& a) { return a.pos[0]; }

Value sleep_repr(VM& vm, const Args& a) {
    SleepObj* s = self_of(vm, a, "__repr__");
    if (s == nullptr) return Value::empty();
    char buf[64];
    std::snprintf(buf, sizeof buf, "<coroutine object sleep at %p>", static_cast<void*>(s));
    return Value::object(new_str(vm, buf));
}

Value get_name(VM& vm, Value, GetSetDescr*) { return Value::object(vm.intern("sleep")); }

Value get_running(VM&, Value obj, GetSetDescr*) {
    (void)obj;
    return Value::boolean(false);  // it never runs Python code, so never observed running
}

// sleep(delay, result=None): the coroutine object; nothing runs until it is awaited.
Value sleep_new(VM& vm, const Args& a) {
    static const char* const kNames[] = {"delay", "result", nullptr};
    Value v[2];
    if (!parse_args_py(vm, a, "sleep", kNames, 1, 0, v)) return Value::empty();
    State& st = state(vm);
    auto* s = vm.alloc<SleepObj>(st.sleep_type);
    s->delay = v[0];
    s->result = v[1];
    if (vm.frame != nullptr) {
        s->origin = vm.frame->code;
        s->origin_ip = vm.frame->ip > 0 ? vm.frame->ip - 1 : 0;
    }
    s->gc_flags |= kGcFinalize;
    ++interp_state(vm).unstarted_native;
    return Value::object(s);
}

// _set_result_unless_cancelled(fut, result): the sleep timer's callback.
Value set_result_unless_cancelled(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_set_result_unless_cancelled", 2, 2)) return Value::empty();
    State& st = state(vm);
    if (is_future(st, a.pos[0]) && a.pos[0].o->type == st.future_class) {
        FutureObj* f = as_future(a.pos[0]);
        if (f->state == FutState::Cancelled) return Value::none();
        return future_set_result(vm, f, a.pos[1]) ? Value::none() : Value::empty();
    }
    Value c = vm.call_method(a.pos[0], vm.intern("cancelled"), {});
    if (c.is_empty()) return c;
    int b = truthy(vm, c);
    if (b < 0) return Value::empty();
    if (b) return Value::none();
    return vm.call_method(a.pos[0], vm.intern("set_result"), {a.pos[1]});
}

}  // namespace

void init_sleep_type(VM& vm, State& st, Module* m) {
    Type* t = new_builtin_type(vm, "coroutine", vm.types.object, Layout::Other, alloc_sleep, 0);
    t->module = vm.intern("_asyncio");
    t->flags |= kTypeAwaitSelf;
    t->send_slot = sleep_send_slot;
    st.sleep_type = t;
    def_method(vm, t, "send", sleep_send);
    def_method(vm, t, "throw", sleep_throw);
    def_method(vm, t, "close", sleep_close);
    def_method(vm, t, "__await__", sleep_await);
    def_method(vm, t, "__repr__", sleep_repr);
    def_getset(vm, t, "__name__", get_name);
    def_getset(vm, t, "__qualname__", get_name);
    def_getset(vm, t, "cr_running", get_running);
    Type* w = new_builtin_type(vm, "coroutine_wrapper", vm.types.object, Layout::Other, alloc_wrapper, 0);
    w->module = vm.intern("_asyncio");
    w->send_slot = wrapper_send_slot;
    st.sleep_wrapper_type = w;
    def_method(vm, w, "__iter__", wrapper_iter);
    def_method(vm, w, "__next__", forward<sleep_next>);
    def_method(vm, w, "send", forward<sleep_send>);
    def_method(vm, w, "throw", forward<sleep_throw>);
    def_method(vm, w, "close", forward<sleep_close>);
    st.set_result_fn = def_function(vm, m->dict, "_set_result_unless_cancelled", set_result_unless_cancelled);
    def_function(vm, m->dict, "sleep", sleep_new);
}

}  // namespace asy::stdlib::aio
