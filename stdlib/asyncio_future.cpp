// _asyncio.Future: the native future under asyncio.Future (state, result, done callbacks and
// the iterator `await fut` drives), with CPython's methods and errors.
#include "stdlib/asyncio_core.hpp"

#include "vm/interpreter.hpp"
#include "vm/objects/str.hpp"

namespace asy::stdlib::aio {

void FutureObj::trace(Tracer& t) {
    t.mark(loop);
    t.mark(result);
    t.mark(cb0);
    if (extra) {
        for (auto& c : extra->more) t.mark(c.fn);
        t.mark(extra->cancel_msg);
        t.mark(extra->cancelled_exc);
    }
}

namespace {

Obj* alloc_future(VM& vm, Type* type) { return vm.alloc<FutureObj>(type); }
Obj* alloc_iter(VM& vm, Type* type) { return vm.alloc<FutureIter>(type); }

// The method's receiver, or nullptr with TypeError pending.
FutureObj* self_of(VM& vm, const Args& a, const char* method) {
    State& st = state(vm);
    if (a.npos < 1 || !is_future(st, a.pos[0])) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a '_asyncio.Future' object", method);
        return nullptr;
    }
    return as_future(a.pos[0]);
}

// Arguments after self.
Args rest(const Args& a) {
    Args b = a;
    b.pos = a.pos + 1;
    b.npos = a.npos - 1;
    return b;
}

Value raise_invalid(VM& vm, const char* msg) {
    Value e = vm.call(state(vm).invalid_state_error, {Value::object(new_str(vm, msg))});
    if (e.is_empty()) return e;
    return vm.raise_value(e);
}

Value fut_init(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "__init__");
    if (f == nullptr) return Value::empty();
    static const char* const kNames[] = {"$loop", nullptr};
    Value v[1];
    if (!parse_args(vm, rest(a), "Future", kNames, 0, v)) return Value::empty();
    Value loop = v[0];
    if (loop.is_empty() || loop.is_none()) {
        loop = vm.call(state(vm).get_event_loop, nullptr, 0);
        if (loop.is_empty()) return loop;
    }
    if (!loop.is_obj()) return vm.raise(vm.exc.TypeError, "loop must be an object");
    f->loop = loop.o;
    return Value::none();
}

Value fut_cancel(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "cancel");
    if (f == nullptr) return Value::empty();
    static const char* const kNames[] = {"msg", nullptr};
    Value v[1];
    if (!parse_args(vm, rest(a), "cancel", kNames, 0, v)) return Value::empty();
    f->log_tb = false;
    if (f->state != FutState::Pending) return Value::boolean(false);
    if (!future_cancel(vm, f, v[0].is_empty() ? Value::none() : v[0])) return Value::empty();
    return Value::boolean(true);
}

Value fut_cancelled(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "cancelled");
    if (f == nullptr || !check_args(vm, a, "cancelled", 1, 1)) return Value::empty();
    return Value::boolean(f->state == FutState::Cancelled);
}

Value fut_done(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "done");
    if (f == nullptr || !check_args(vm, a, "done", 1, 1)) return Value::empty();
    return Value::boolean(f->state != FutState::Pending);
}

Value fut_result(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "result");
    if (f == nullptr || !check_args(vm, a, "result", 1, 1)) return Value::empty();
    return future_result(vm, f);
}

}  // namespace

Value future_result(VM& vm, FutureObj* f) {
    if (f->state == FutState::Cancelled) {
        Value e = make_cancelled_error(vm, f);
        return e.is_empty() ? e : vm.raise_value(e);
    }
    if (f->state != FutState::Finished) return raise_invalid(vm, "Result is not set.");
    f->log_tb = false;
    if (f->has_exc) return vm.raise_value(f->result);
    return f->result.is_empty() ? Value::none() : f->result;
}

FutureObj* new_future(VM& vm, Obj* loop) {
    State& st = state(vm);
    Type* cls = st.future_class != nullptr ? st.future_class : st.future_type;
    auto* f = static_cast<FutureObj*>(cls->alloc_instance(vm, cls));
    f->loop = loop;
    return f;
}

Value thrown_exception(VM& vm, Value typ, Value val) {
    if (!typ.is_obj() || typ.o->type->layout != Layout::Type) return typ;
    if (val.is_empty() || val.is_none()) return vm.call(typ, nullptr, 0);
    if (is_instance(vm, val, static_cast<Type*>(typ.o))) return val;
    return vm.call(typ, {val});
}

namespace {

Value fut_exception(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "exception");
    if (f == nullptr || !check_args(vm, a, "exception", 1, 1)) return Value::empty();
    if (f->state == FutState::Cancelled) {
        Value e = make_cancelled_error(vm, f);
        return e.is_empty() ? e : vm.raise_value(e);
    }
    if (f->state != FutState::Finished) return raise_invalid(vm, "Exception is not set.");
    f->log_tb = false;
    return f->has_exc ? f->result : Value::none();
}

Value fut_add_done_callback(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "add_done_callback");
    if (f == nullptr) return Value::empty();
    static const char* const kNames[] = {"fn", "$context", nullptr};
    Value v[2];
    if (!parse_args(vm, rest(a), "add_done_callback", kNames, 1, v)) return Value::empty();
    if (!future_add_callback(vm, f, v[0], false)) return Value::empty();
    return Value::none();
}

Value fut_remove_done_callback(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "remove_done_callback");
    if (f == nullptr || !check_args(vm, a, "remove_done_callback", 2, 2)) return Value::empty();
    Value fn = a.pos[1];
    size_t n = f->ncallbacks();
    if (n == 0) return Value::integer(0);
    // Compare every entry first (the comparisons may run code), then rebuild.
    std::vector<Callback> all;
    all.reserve(n);
    if (!f->cb0.is_empty()) all.push_back({f->cb0, f->cb0_wake});
    if (f->extra) all.insert(all.end(), f->extra->more.begin(), f->extra->more.end());
    std::vector<Callback> kept;
    for (auto& c : all) {
        int eq = c.wake ? 0 : equals(vm, c.fn, fn);
        if (eq < 0) return Value::empty();
        if (!eq) kept.push_back(c);
    }
    int64_t removed = static_cast<int64_t>(all.size() - kept.size());
    if (removed) {
        f->cb0 = Value::empty();
        f->cb0_wake = false;
        if (f->extra) f->extra->more.clear();
        size_t i = 0;
        if (!kept.empty()) {
            f->cb0 = kept[0].fn;
            f->cb0_wake = kept[0].wake;
            i = 1;
        }
        for (; i < kept.size(); ++i) f->ex().more.push_back(kept[i]);
    }
    return Value::integer(removed);
}

Value fut_set_result(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "set_result");
    if (f == nullptr || !check_args(vm, a, "set_result", 2, 2)) return Value::empty();
    if (f->state != FutState::Pending) return raise_invalid(vm, "invalid state");
    if (!future_set_result(vm, f, a.pos[1])) return Value::empty();
    return Value::none();
}

Value fut_set_exception(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "set_exception");
    if (f == nullptr || !check_args(vm, a, "set_exception", 2, 2)) return Value::empty();
    if (f->state != FutState::Pending) return raise_invalid(vm, "invalid state");
    Value exc = a.pos[1];
    if (exc.is_obj() && exc.o->type->layout == Layout::Type) {
        exc = vm.call(exc, nullptr, 0);
        if (exc.is_empty()) return exc;
    }
    if (type_of(vm, exc) == vm.exc.StopIteration) {
        return vm.raise(vm.exc.TypeError,
                        "StopIteration interacts badly with generators and cannot be raised into a Future");
    }
    if (!future_set_exception(vm, f, exc)) return Value::empty();
    return Value::none();
}

Value fut_get_loop(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "get_loop");
    if (f == nullptr || !check_args(vm, a, "get_loop", 1, 1)) return Value::empty();
    return f->loop ? Value::object(f->loop) : Value::none();
}

Value fut_make_cancelled_error(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "_make_cancelled_error");
    if (f == nullptr || !check_args(vm, a, "_make_cancelled_error", 1, 1)) return Value::empty();
    return make_cancelled_error(vm, f);
}

Value fut_await(VM& vm, const Args& a) {
    FutureObj* f = self_of(vm, a, "__await__");
    if (f == nullptr || !check_args(vm, a, "__await__", 1, 1)) return Value::empty();
    FutureIter* it = vm.alloc<FutureIter>(state(vm).iter_type);
    it->fut = f;
    return Value::object(it);
}

// ---- the iterator ----

FutureIter* iter_self(VM& vm, const Args& a) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type != state(vm).iter_type) {
        vm.raise(vm.exc.TypeError, "descriptor requires a 'FutureIter' object");
        return nullptr;
    }
    return static_cast<FutureIter*>(a.pos[0].o);
}

// One resumption: 0 yielded *out, 1 returned *out, -1 error (the SendSlot contract).
int iter_send_slot(VM& vm, Obj* self, Value, Value* out) {
    auto* it = static_cast<FutureIter*>(self);
    FutureObj* f = it->fut;
    if (f == nullptr) {
        *out = Value::none();
        return 1;
    }
    if (f->state == FutState::Pending) {
        if (it->yielded) {
            vm.raise(vm.exc.RuntimeError, "await wasn't used with future");
            return -1;
        }
        it->yielded = true;
        f->blocking = true;
        *out = Value::object(f);
        return 0;
    }
    it->fut = nullptr;
    Value args[] = {Value::object(f)};
    *out = fut_result(vm, Args{args, 1});
    return out->is_empty() ? -1 : 1;
}

Value iter_step(VM& vm, FutureIter* it) {
    FutureObj* f = it->fut;
    if (f == nullptr) return vm.raise(vm.exc.StopIteration, "");
    if (f->state == FutState::Pending) {
        if (it->yielded) return vm.raise(vm.exc.RuntimeError, "await wasn't used with future");
        it->yielded = true;
        f->blocking = true;
        return Value::object(f);
    }
    it->fut = nullptr;
    Value args[] = {Value::object(f)};
    Value r = fut_result(vm, Args{args, 1});
    if (r.is_empty()) return r;
    raise_stop_iteration(vm, r);
    return Value::empty();
}

Value iter_next(VM& vm, const Args& a) {
    FutureIter* it = iter_self(vm, a);
    if (it == nullptr || !check_args(vm, a, "__next__", 1, 1)) return Value::empty();
    return iter_step(vm, it);
}

Value iter_send(VM& vm, const Args& a) {
    FutureIter* it = iter_self(vm, a);
    if (it == nullptr || !check_args(vm, a, "send", 2, 2)) return Value::empty();
    return iter_step(vm, it);
}

Value iter_throw(VM& vm, const Args& a) {
    FutureIter* it = iter_self(vm, a);
    if (it == nullptr || !check_args(vm, a, "throw", 2, 4)) return Value::empty();
    it->fut = nullptr;
    Value exc = thrown_exception(vm, a.pos[1], a.npos > 2 ? a.pos[2] : Value::none());
    return exc.is_empty() ? exc : vm.raise_value(exc);
}

Value iter_close(VM& vm, const Args& a) {
    FutureIter* it = iter_self(vm, a);
    if (it == nullptr) return Value::empty();
    it->fut = nullptr;
    return Value::none();
}

Value iter_iter(VM&, const Args& a) { return a.pos[0]; }

// ---- attributes ----

FutureObj* get_self(VM& vm, Value obj) {
    if (!is_future(state(vm), obj)) {
        vm.raise(vm.exc.TypeError, "descriptor requires a '_asyncio.Future' object");
        return nullptr;
    }
    return as_future(obj);
}

Value or_none(Value v) { return v.is_empty() ? Value::none() : v; }

Value get_state(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return Value::empty();
    const char* s = f->state == FutState::Pending ? "PENDING" : f->state == FutState::Cancelled ? "CANCELLED" : "FINISHED";
    return Value::object(vm.intern(s));
}
Value get_loop(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return Value::empty();
    return f->loop ? Value::object(f->loop) : Value::none();
}
Value get_result(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    return f == nullptr ? Value::empty() : (f->has_exc ? Value::none() : or_none(f->result));
}
Value get_exception(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    return f == nullptr ? Value::empty() : (f->has_exc ? f->result : Value::none());
}
Value get_callbacks(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return Value::empty();
    if (f->ncallbacks() == 0) return Value::none();
    List* l = new_list(vm, f->ncallbacks());
    auto add = [&](const Callback& c) { l->items.push_back(c.wake ? wake_callable(vm, c.fn) : c.fn); };
    if (!f->cb0.is_empty()) add({f->cb0, f->cb0_wake});
    if (f->extra) for (auto& c : f->extra->more) add(c);
    return Value::object(l);
}
Value get_blocking(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    return f == nullptr ? Value::empty() : Value::boolean(f->blocking);
}
// The truth of the value a bool attribute's setter receives; -1 with an error pending when the
// attribute is being deleted or __bool__ fails.
int setter_truth(VM& vm, Value v) {
    if (v.is_empty()) {
        vm.raise(vm.exc.AttributeError, "cannot delete attribute");
        return -1;
    }
    return truthy(vm, v);
}
bool set_blocking(VM& vm, Value obj, Value v, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return false;
    int t = setter_truth(vm, v);
    if (t < 0) return false;
    f->blocking = t;
    return true;
}
Value get_log_tb(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    return f == nullptr ? Value::empty() : Value::boolean(f->log_tb);
}
bool set_log_tb(VM& vm, Value obj, Value v, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return false;
    int t = setter_truth(vm, v);
    if (t < 0) return false;
    if (t) {
        vm.raise(vm.exc.ValueError, "_log_traceback can only be set to False");
        return false;
    }
    f->log_tb = false;
    return true;
}
Value get_cancel_message(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return Value::empty();
    return f->extra ? or_none(f->extra->cancel_msg) : Value::none();
}
bool set_cancel_message(VM& vm, Value obj, Value v, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return false;
    f->ex().cancel_msg = v.is_none() ? Value::empty() : v;
    return true;
}
Value get_cancelled_exc(VM& vm, Value obj, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return Value::empty();
    return f->extra ? or_none(f->extra->cancelled_exc) : Value::none();
}
bool set_cancelled_exc(VM& vm, Value obj, Value v, GetSetDescr*) {
    FutureObj* f = get_self(vm, obj);
    if (f == nullptr) return false;
    f->ex().cancelled_exc = v.is_none() ? Value::empty() : v;
    return true;
}

}  // namespace

// ---- shared operations ----

// A wake entry as a plain callable (for _callbacks and for loops without a native core).
Value wake_callable(VM& vm, Value task) {
    State& st = state(vm);
    NativeFunction* f = new_native(vm, "task_wakeup", st.wakeup_fn->fn);
    f->self = task;
    f->qualname = st.wakeup_fn->qualname;
    return Value::object(f);
}


Value make_cancelled_error(VM& vm, FutureObj* f) {
    if (f->extra && !f->extra->cancelled_exc.is_empty()) {
        Value e = f->extra->cancelled_exc;
        f->extra->cancelled_exc = Value::empty();
        return e;
    }
    State& st = state(vm);
    if (!f->extra || f->extra->cancel_msg.is_empty()) return vm.call(st.cancelled_error, nullptr, 0);
    return vm.call(st.cancelled_error, {f->extra->cancel_msg});
}

bool schedule_pair(VM& vm, Obj* loop, Value callback, Value arg) {
    State& st = state(vm);
    if (LoopCoreObj* c = core_of(st, loop)) {
        if (c->closed) {
            vm.raise(vm.exc.RuntimeError, "Event loop is closed");
            return false;
        }
        c->push(EntryKind::Pair, callback, arg);
        return true;
    }
    Value lv = Value::object(loop);
    Value ready = get_attr(vm, lv, st.s_ready);
    if (ready.is_empty()) return false;
    Value closed = get_attr(vm, lv, st.s_closed);
    if (closed.is_empty()) return false;
    int c = truthy(vm, closed);
    if (c < 0) return false;
    if (c) {
        vm.raise(vm.exc.RuntimeError, "Event loop is closed");
        return false;
    }
    if (!ready.is_obj() || ready.o->type != vm.types.list) {
        vm.raise(vm.exc.TypeError, "loop._ready must be a list");
        return false;
    }
    Value pair[] = {callback, arg};
    Tuple* t = new_tuple(vm, pair, 2);
    static_cast<List*>(ready.o)->items.push_back(Value::object(t));
    return true;
}

bool schedule_callbacks(VM& vm, FutureObj* f) {
    if (f->ncallbacks() == 0) return true;
    Value self = Value::object(f);
    if (LoopCoreObj* c = core_of(state(vm), f->loop)) {
        // The native queue: no allocation at all.
        if (c->closed) {
            vm.raise(vm.exc.RuntimeError, "Event loop is closed");
            return false;
        }
        c->push(f->cb0_wake ? EntryKind::Wake : EntryKind::Pair, f->cb0, self);
        f->cb0 = Value::empty();
        f->cb0_wake = false;
        if (f->extra) {
            for (auto& cb : f->extra->more) c->push(cb.wake ? EntryKind::Wake : EntryKind::Pair, cb.fn, self);
            std::vector<Callback>().swap(f->extra->more);
        }
        return true;
    }
    Value cb0 = f->cb0;
    bool w0 = f->cb0_wake;
    std::vector<Callback> more;
    if (f->extra) more.swap(f->extra->more);
    f->cb0 = Value::empty();
    f->cb0_wake = false;
    // The callbacks are off the future now: keep them reachable while scheduling allocates.
    if (cb0.is_obj()) vm.heap.pin(cb0.o);
    for (auto& c : more)
        if (c.fn.is_obj()) vm.heap.pin(c.fn.o);
    auto one = [&](Value fn, bool wake) {
        if (wake) {
            fn = wake_callable(vm, fn);
            vm.heap.pin(fn.o);
        }
        return schedule_pair(vm, f->loop, fn, self);
    };
    if (!cb0.is_empty() && !one(cb0, w0)) return false;
    for (auto& c : more)
        if (!one(c.fn, c.wake)) return false;
    return true;
}

bool future_cancel(VM& vm, FutureObj* f, Value msg) {
    f->log_tb = false;
    f->state = FutState::Cancelled;
    if (!msg.is_none() || f->extra) f->ex().cancel_msg = msg.is_none() ? Value::empty() : msg;
    return schedule_callbacks(vm, f);
}

bool future_set_result(VM& vm, FutureObj* f, Value result) {
    f->result = result;
    f->state = FutState::Finished;
    return schedule_callbacks(vm, f);
}

bool future_set_exception(VM& vm, FutureObj* f, Value exc) {
    f->result = exc;
    f->has_exc = !exc.is_none();
    f->state = FutState::Finished;
    if (!schedule_callbacks(vm, f)) return false;
    f->log_tb = true;
    return true;
}

bool future_add_callback(VM& vm, FutureObj* f, Value fn, bool wake) {
    if (f->state != FutState::Pending) {
        if (LoopCoreObj* c = wake ? core_of(state(vm), f->loop) : nullptr) {
            if (c->closed) {
                vm.raise(vm.exc.RuntimeError, "Event loop is closed");
                return false;
            }
            c->push(EntryKind::Wake, fn, Value::object(f));
            return true;
        }
        if (wake) fn = wake_callable(vm, fn);
        return schedule_pair(vm, f->loop, fn, Value::object(f));
    }
    if (f->cb0.is_empty() && (!f->extra || f->extra->more.empty())) {
        f->cb0 = fn;
        f->cb0_wake = wake;
    } else {
        f->ex().more.push_back({fn, wake});
    }
    return true;
}

void init_future_type(VM& vm, State& st, Module* m) {
    Type* t = new_builtin_type(vm, "Future", vm.types.object, Layout::Other, alloc_future);
    t->module = vm.intern("_asyncio");
    st.future_type = t;
    def_method(vm, t, "__init__", fut_init);
    def_method(vm, t, "cancel", fut_cancel);
    def_method(vm, t, "cancelled", fut_cancelled);
    def_method(vm, t, "done", fut_done);
    def_method(vm, t, "result", fut_result);
    def_method(vm, t, "exception", fut_exception);
    def_method(vm, t, "add_done_callback", fut_add_done_callback);
    def_method(vm, t, "remove_done_callback", fut_remove_done_callback);
    def_method(vm, t, "set_result", fut_set_result);
    def_method(vm, t, "set_exception", fut_set_exception);
    def_method(vm, t, "get_loop", fut_get_loop);
    def_method(vm, t, "_make_cancelled_error", fut_make_cancelled_error);
    def_method(vm, t, "__await__", fut_await);
    def_method(vm, t, "__iter__", fut_await);
    def_getset(vm, t, "_state", get_state);
    def_getset(vm, t, "_loop", get_loop);
    def_getset(vm, t, "_result", get_result);
    def_getset(vm, t, "_exception", get_exception);
    def_getset(vm, t, "_callbacks", get_callbacks);
    def_getset(vm, t, "_asyncio_future_blocking", get_blocking, set_blocking);
    def_getset(vm, t, "_log_traceback", get_log_tb, set_log_tb);
    def_getset(vm, t, "_cancel_message", get_cancel_message, set_cancel_message);
    def_getset(vm, t, "_cancelled_exc", get_cancelled_exc, set_cancelled_exc);
    dict_set_str(vm, m->dict, vm.intern("Future"), Value::object(t));

    Type* it = new_builtin_type(vm, "FutureIter", vm.types.object, Layout::Other, alloc_iter, 0);
    it->module = vm.intern("_asyncio");
    st.iter_type = it;
    def_method(vm, it, "__iter__", iter_iter);
    def_method(vm, it, "__await__", iter_iter);
    def_method(vm, it, "__next__", iter_next);
    def_method(vm, it, "send", iter_send);
    it->send_slot = iter_send_slot;
    def_method(vm, it, "throw", iter_throw);
    def_method(vm, it, "close", iter_close);
}

}  // namespace asy::stdlib::aio
