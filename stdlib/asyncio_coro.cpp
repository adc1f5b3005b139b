// asyncio's native coroutine objects (asyncio.sleep, Event.wait): `await asyncio.sleep(d)`
// allocates one small object (no frame, no future iterator) that waits on a future.
#include "stdlib/asyncio_core.hpp"

#include "vm/interpreter.hpp"
#include "vm/objects/generator.hpp"
#include "vm/objects/str.hpp"

namespace asy::stdlib::aio {

namespace {

enum class Phase : uint8_t { Created, Waiting, Done };

// A coroutine object written in C++: what an `async def` of asyncio keeps in its frame, as
// fields. The protocol (send/throw/close, the unawaited warning) is shared; `begin` is the body
// up to its one `await fut`, `cleanup` its `finally:`, `on_done` what it returns after.
struct NativeCoro : Obj {
    Phase phase = Phase::Created;
    uint32_t origin_ip = 0;      // where it was made, for "never awaited"
    FutureObj* fut = nullptr;    // Waiting: the future it yielded (null: yielded None once)
    CodeObj* origin = nullptr;
    void trace(Tracer& t) override {
        t.mark(fut);
        t.mark(origin);
    }
    void finalize(VM& vm) override {
        if (phase != Phase::Created) return;
        --interp_state(vm).unstarted_native;
        report_unawaited(vm, qualname(), origin ? origin->code.get() : nullptr, origin_ip);
    }
    // The first resumption (SendSlot contract). May set `fut` and yield it.
    virtual int begin(VM& vm, Value* out) = 0;
    // The value returned after `fut` finished (or, with no future, after the one bare yield).
    virtual Value on_done(VM& vm, FutureObj* f) { return f ? future_result(vm, f) : Value::none(); }
    virtual bool cleanup(VM&) { return true; }
    virtual const char* name() const = 0;
    virtual const char* qualname() const { return name(); }
};

// asyncio.sleep(delay, result=None).
struct SleepCoro : NativeCoro {
    Value delay;
    Value result;
    HandleObj* timer = nullptr;
    void trace(Tracer& t) override {
        NativeCoro::trace(t);
        t.mark(delay);
        t.mark(result);
        t.mark(timer);
    }
    int begin(VM& vm, Value* out) override;
    Value on_done(VM& vm, FutureObj* f) override {
        if (f == nullptr) return result.is_empty() ? Value::none() : result;
        return future_result(vm, f);
    }
    bool cleanup(VM& vm) override {  // CPython's `finally: h.cancel()`
        HandleObj* h = timer;
        timer = nullptr;
        return h == nullptr || handle_cancel(vm, h);
    }
    const char* name() const override { return "sleep"; }
};

// asyncio.Event.wait(self).
struct EventWaitCoro : NativeCoro {
    Value event;
    void trace(Tracer& t) override {
        NativeCoro::trace(t);
        t.mark(event);
    }
    int begin(VM& vm, Value* out) override;
    Value on_done(VM& vm, FutureObj* f) override {  // `await fut; return True`
        Value r = f ? future_result(vm, f) : Value::none();
        return r.is_empty() ? r : Value::boolean(true);
    }
    bool cleanup(VM& vm) override;  // `finally: self._waiters.remove(fut)`
    const char* name() const override { return "wait"; }
    const char* qualname() const override { return "Event.wait"; }
};

NativeCoro* self_of(VM& vm, const Args& a, const char* method) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type != state(vm).sleep_type) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'coroutine' object", method);
        return nullptr;
    }
    return static_cast<NativeCoro*>(a.pos[0].o);
}

// Leave the Created phase: a started coroutine is never reported as unawaited.
void start(VM& vm, NativeCoro* c, Phase next) {
    if (c->phase == Phase::Created) --interp_state(vm).unstarted_native;
    c->phase = next;
    c->gc_flags &= static_cast<uint8_t>(~kGcFinalize);
}

// Stop waiting: run the coroutine's `finally`.
bool finish(VM& vm, NativeCoro* c) {
    c->phase = Phase::Done;
    bool ok = c->cleanup(vm);
    c->fut = nullptr;
    return ok;
}

// A new coroutine object of kind T, made where the current frame is (for the warning).
template <class T>
T* new_coro(VM& vm) {
    auto* c = vm.alloc<T>(state(vm).sleep_type);
    if (vm.frame != nullptr) {
        c->origin = vm.frame->code;
        c->origin_ip = vm.frame->ip > 0 ? vm.frame->ip - 1 : 0;
    }
    c->gc_flags |= kGcFinalize;
    ++interp_state(vm).unstarted_native;
    return c;
}

// Yield the pending future `f` from the coroutine (asyncio's `await fut`).
int wait_on(NativeCoro* c, FutureObj* f, Value* out) {
    c->fut = f;
    f->blocking = true;
    *out = Value::object(f);
    return 0;
}

// A pending future of `loop`: native when the loop is, else loop.create_future().
Value make_future(VM& vm, Value loop) {
    State& st = state(vm);
    if (LoopCoreObj* core = core_of(st, loop.o)) return Value::object(new_future(vm, core));
    Value fut = vm.call_method(loop, vm.intern("create_future"), {});
    if (!fut.is_empty() && !is_future(st, fut)) return vm.raise(vm.exc.TypeError, "loop.create_future() did not return a Future");
    return fut;
}

// `if delay <= 0: yield` else make the future and the timer, and wait.
int SleepCoro::begin(VM& vm, Value* out) {
    State& st = state(vm);
    int nonpositive;
    if (delay.is_int()) nonpositive = delay.i <= 0;
    else nonpositive = compare_bool(vm, CompareKind::Le, delay, Value::integer(0));
    if (nonpositive < 0) return -1;
    if (nonpositive) {
        *out = Value::none();
        return 0;
    }
    Value loop = running_loop(vm);
    if (loop.is_empty()) return vm.raise(vm.exc.RuntimeError, "no running event loop"), -1;
    Value res = result.is_empty() ? Value::none() : result;
    LoopCoreObj* core = core_of(st, loop.o);
    Value fut = make_future(vm, loop);
    if (fut.is_empty()) return -1;
    vm.heap.pin(fut.o);
    if (core != nullptr) {
        // loop.call_later(delay, _set_result_unless_cancelled, fut, result) without the call.
        Value when = delay.is_float() ? Value::real(loop_time() + delay.f)
                                      : binary_op(vm, BinOpKind::Add, Value::real(loop_time()), delay);
        double when_d = 0;
        if (when.is_empty() || !to_double(vm, when, &when_d)) return -1;
        if (core->closed) return vm.raise(vm.exc.RuntimeError, "Event loop is closed"), -1;
        Value args[] = {fut, res};
        timer = new_timer(vm, when, when_d, Value::object(st.set_result_fn), args, 2, core);
        schedule_timer(core, timer);
    } else {
        Value h = vm.call_method(loop, vm.intern("call_later"), {delay, Value::object(st.set_result_fn), fut, res});
        if (h.is_empty()) return -1;
        if (!is_subtype(type_of(vm, h), st.timer_type))
            return vm.raise(vm.exc.TypeError, "loop.call_later() did not return a TimerHandle"), -1;
        timer = static_cast<HandleObj*>(h.o);
    }
    return wait_on(this, as_future(fut), out);
}

// `if self._value: return True`, then a future in self._waiters, awaited.
int EventWaitCoro::begin(VM& vm, Value* out) {
    Value v = get_attr(vm, event, vm.intern("_value"));
    if (v.is_empty()) return -1;
    int set = truthy(vm, v);
    if (set < 0) return -1;
    if (set) {
        *out = Value::boolean(true);
        return 1;
    }
    Value loop = vm.call_method(event, vm.intern("_get_loop"), {});
    if (loop.is_empty()) return -1;
    Value fut = make_future(vm, loop);
    if (fut.is_empty()) return -1;
    vm.heap.pin(fut.o);
    Value waiters = get_attr(vm, event, vm.intern("_waiters"));
    if (waiters.is_empty() || !set_item(vm, waiters, fut, Value::none())) return -1;
    return wait_on(this, as_future(fut), out);
}

bool EventWaitCoro::cleanup(VM& vm) {
    if (fut == nullptr) return true;
    Value f = Value::object(fut);
    Value waiters = get_attr(vm, event, vm.intern("_waiters"));
    return !waiters.is_empty() && del_item(vm, waiters, f);
}

bool coro_busy(Obj* self) { return static_cast<NativeCoro*>(self)->phase == Phase::Waiting; }

// One resumption (the SendSlot contract: 0 yielded *out, 1 returned *out, -1 error).
int coro_send_slot(VM& vm, Obj* self, Value, Value* out) {
    auto* c = static_cast<NativeCoro*>(self);
    switch (c->phase) {
    case Phase::Created: {
        start(vm, c, Phase::Waiting);
        int r = c->begin(vm, out);
        if (r != 0) c->phase = Phase::Done;
        return r;
    }
    case Phase::Waiting: {
        FutureObj* f = c->fut;
        if (f != nullptr && f->state == FutState::Pending) {
            // Resumed before the future finished: what CPython's `await future` says.
            finish(vm, c);
            vm.raise(vm.exc.RuntimeError, "await wasn't used with future");
            return -1;
        }
        if (f != nullptr) vm.heap.pin(f);
        if (!finish(vm, c)) return -1;
        *out = c->on_done(vm, f);
        return out->is_empty() ? -1 : 1;
    }
    case Phase::Done:
        break;
    }
    vm.raise(vm.exc.RuntimeError, "cannot reuse already awaited coroutine");
    return -1;
}

Value coro_send(VM& vm, const Args& a) {
    NativeCoro* c = self_of(vm, a, "send");
    if (c == nullptr || !check_args(vm, a, "send", 2, 2)) return Value::empty();
    if (c->phase == Phase::Created && !a.pos[1].is_none())
        return vm.raise(vm.exc.TypeError, "can't send non-None value to a just-started coroutine");
    Value out;
    int r = coro_send_slot(vm, c, a.pos[1], &out);
    if (r < 0) return Value::empty();
    if (r == 0) return out;
    raise_stop_iteration(vm, out);
    return Value::empty();
}

Value coro_next(VM& vm, const Args& a) {
    NativeCoro* c = self_of(vm, a, "__next__");
    if (c == nullptr || !check_args(vm, a, "__next__", 1, 1)) return Value::empty();
    Value args[] = {a.pos[0], Value::none()};
    return coro_send(vm, Args{args, 2});
}

// throw(): the exception is raised at the `await`, after the coroutine's `finally` ran.
Value coro_throw(VM& vm, const Args& a) {
    NativeCoro* c = self_of(vm, a, "throw");
    if (c == nullptr || !check_args(vm, a, "throw", 2, 4)) return Value::empty();
    Value exc = thrown_exception(vm, a.pos[1], a.npos > 2 ? a.pos[2] : Value::none());
    if (exc.is_empty()) return exc;
    if (c->phase == Phase::Done) return vm.raise(vm.exc.RuntimeError, "cannot reuse already awaited coroutine");
    vm.heap.pin(exc.o);
    start(vm, c, Phase::Waiting);
    if (!finish(vm, c)) return Value::empty();
    return vm.raise_value(exc);
}

Value coro_close(VM& vm, const Args& a) {
    NativeCoro* c = self_of(vm, a, "close");
    if (c == nullptr || !check_args(vm, a, "close", 1, 1)) return Value::empty();
    if (c->phase == Phase::Created) {
        start(vm, c, Phase::Done);
        return Value::none();
    }
    if (c->phase == Phase::Done) return Value::none();
    return finish(vm, c) ? Value::none() : Value::empty();
}

// coroutine.__await__() returns CPython's coroutine_wrapper: an iterator over the coroutine
// (`yield from sleep(0).__await__()`), while the coroutine itself is not iterable.
struct CoroWrapper : Obj {
    NativeCoro* coro = nullptr;
    void trace(Tracer& t) override { t.mark(coro); }
};

Obj* alloc_wrapper(VM& vm, Type* type) { return vm.alloc<CoroWrapper>(type); }

Value coro_await(VM& vm, const Args& a) {
    NativeCoro* c = self_of(vm, a, "__await__");
    if (c == nullptr || !check_args(vm, a, "__await__", 1, 1)) return Value::empty();
    auto* w = vm.alloc<CoroWrapper>(state(vm).sleep_wrapper_type);
    w->coro = c;
    return Value::object(w);
}

int wrapper_send_slot(VM& vm, Obj* self, Value arg, Value* out) {
    return coro_send_slot(vm, static_cast<CoroWrapper*>(self)->coro, arg, out);
}

// A wrapper method: the same method of the coroutine it wraps.
template <NativeFn Method>
Value forward(VM& vm, const Args& a) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type != state(vm).sleep_wrapper_type)
        return vm.raise(vm.exc.TypeError, "descriptor requires a 'coroutine_wrapper' object");
    std::vector<Value> args(a.pos, a.pos + a.npos);
    args[0] = Value::object(static_cast<CoroWrapper*>(a.pos[0].o)->coro);
    return Method(vm, Args{args.data(), static_cast<uint32_t>(args.size())});
}

Value wrapper_iter(VM&, const Args& a) { return a.pos[0]; }

Value coro_repr(VM& vm, const Args& a) {
    NativeCoro* c = self_of(vm, a, "__repr__");
    if (c == nullptr) return Value::empty();
    char buf[96];
    std::snprintf(buf, sizeof buf, "<coroutine object %s at %p>", c->qualname(), static_cast<void*>(c));
    return Value::object(new_str(vm, buf));
}

Value get_name(VM& vm, Value obj, GetSetDescr*) {
    return Value::object(vm.intern(static_cast<NativeCoro*>(obj.o)->name()));
}

Value get_qualname(VM& vm, Value obj, GetSetDescr*) {
    return Value::object(vm.intern(static_cast<NativeCoro*>(obj.o)->qualname()));
}

Value get_running(VM&, Value, GetSetDescr*) {
    return Value::boolean(false);  // it never runs Python code, so never observed running
}

// sleep(delay, result=None): the coroutine object; nothing runs until it is awaited.
Value sleep_new(VM& vm, const Args& a) {
    static const char* const kNames[] = {"delay", "result", nullptr};
    Value v[2];
    if (!parse_args_py(vm, a, "sleep", kNames, 1, 0, v)) return Value::empty();
    auto* s = new_coro<SleepCoro>(vm);
    s->delay = v[0];
    s->result = v[1];
    return Value::object(s);
}

// Event.wait(self): a method of asyncio.Event returning the coroutine object.
Value event_wait_new(VM& vm, const Args& a) {
    static const char* const kNames[] = {"self", nullptr};
    Value v[1];
    if (!parse_args_py(vm, a, "Event.wait", kNames, 1, 0, v)) return Value::empty();
    auto* w = new_coro<EventWaitCoro>(vm);
    w->event = v[0];
    return Value::object(w);
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

// _is_native_coroutine_function(f): asyncio.iscoroutinefunction's answer for sleep and
// Event.wait (bound or not), which are natives returning coroutine objects.
Value is_native_coroutine_function(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_is_native_coroutine_function", 1, 1)) return Value::empty();
    Value f = a.pos[0];
    if (!f.is_obj() || f.o->type != vm.types.native_function) return Value::boolean(false);
    NativeFn fn = static_cast<NativeFunction*>(f.o)->fn;
    return Value::boolean(fn == sleep_new || fn == event_wait_new);
}

}  // namespace

void init_sleep_type(VM& vm, State& st, Module* m) {
    // No alloc function: coroutine objects come only from sleep() and Event.wait().
    Type* t = new_builtin_type(vm, "coroutine", vm.types.object, Layout::Other, nullptr, 0);
    t->module = vm.intern("_asyncio");
    t->flags |= kTypeAwaitSelf;
    t->send_slot = coro_send_slot;
    t->await_busy = coro_busy;
    st.sleep_type = t;
    def_method(vm, t, "send", coro_send);
    def_method(vm, t, "throw", coro_throw);
    def_method(vm, t, "close", coro_close);
    def_method(vm, t, "__await__", coro_await);
    def_method(vm, t, "__repr__", coro_repr);
    def_getset(vm, t, "__name__", get_name);
    def_getset(vm, t, "__qualname__", get_qualname);
    def_getset(vm, t, "cr_running", get_running);
    Type* w = new_builtin_type(vm, "coroutine_wrapper", vm.types.object, Layout::Other, alloc_wrapper, 0);
    w->module = vm.intern("_asyncio");
    w->send_slot = wrapper_send_slot;
    st.sleep_wrapper_type = w;
    def_method(vm, w, "__iter__", wrapper_iter);
    def_method(vm, w, "__next__", forward<coro_next>);
    def_method(vm, w, "send", forward<coro_send>);
    def_method(vm, w, "throw", forward<coro_throw>);
    def_method(vm, w, "close", forward<coro_close>);
    st.set_result_fn = def_function(vm, m->dict, "_set_result_unless_cancelled", set_result_unless_cancelled);
    def_function(vm, m->dict, "sleep", sleep_new);
    def_function(vm, m->dict, "_is_native_coroutine_function", is_native_coroutine_function);
    NativeFunction* wait = def_function(vm, m->dict, "_event_wait", event_wait_new);
    wait->is_method = true;  // binds like a def in asyncio.Event's class body
    wait->name = vm.intern("wait");
    wait->qualname = vm.intern("Event.wait");
}

}  // namespace asy::stdlib::aio
