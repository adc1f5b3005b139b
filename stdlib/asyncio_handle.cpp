// _asyncio.Handle and TimerHandle: callbacks scheduled by call_soon / call_at (repr, cancel,
// the timer comparisons) and running one with CPython's error reporting.
#include "stdlib/asyncio_core.hpp"

#include "vm/objects/str.hpp"

namespace asy::stdlib::aio {

namespace {

Obj* alloc_handle(VM& vm, Type* type) { return vm.alloc<HandleObj>(type); }

bool is_handle(State& st, Value v) { return v.is_obj() && is_subtype(v.o->type, st.handle_type); }
bool is_timer(State& st, Value v) { return v.is_obj() && is_subtype(v.o->type, st.timer_type); }

HandleObj* self_of(VM& vm, const Args& a, bool timer, const char* method) {
    State& st = state(vm);
    if (a.npos < 1 || !(timer ? is_timer(st, a.pos[0]) : is_handle(st, a.pos[0]))) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a '%s' object", method,
                        timer ? "TimerHandle" : "Handle");
        return nullptr;
    }
    return static_cast<HandleObj*>(a.pos[0].o);
}

Value or_none(Value v) { return v.is_empty() ? Value::none() : v; }

// The handle's arguments as `_args` shows them: a tuple, or None once cancelled.
Value args_value(VM& vm, HandleObj* h) {
    if (h->nargs == kArgsTuple) return or_none(h->a0);
    if (h->cancelled) return Value::none();
    Value items[] = {h->a0, h->a1};
    return Value::object(new_tuple(vm, items, h->nargs));
}

// Store `n` arguments (inline when they fit, else as a tuple).
void set_args(VM& vm, HandleObj* h, const Value* argv, size_t n) {
    if (n <= 2) {
        h->nargs = static_cast<uint8_t>(n);
        if (n > 0) h->a0 = argv[0];
        if (n > 1) h->a1 = argv[1];
    } else {
        h->nargs = kArgsTuple;
        h->a0 = Value::object(new_tuple(vm, argv, n));
    }
}

// asyncio's _format_callback: the callback's __qualname__ or __name__, else its repr.
Str* format_callback(VM& vm, Value cb) {
    cb = or_none(cb);
    for (Str* n : {vm.names.__qualname__, vm.names.__name__}) {
        Value v = get_attr_opt(vm, cb, n);
        if (vm.has_pending()) return nullptr;
        if (v.is_empty()) continue;
        int t = truthy(vm, v);
        if (t < 0) return nullptr;
        if (t) return is_instance(vm, v, vm.types.str) ? static_cast<Str*>(v.o) : to_str(vm, v);
    }
    return repr(vm, cb);
}

Value h_repr(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, false, "__repr__");
    if (h == nullptr) return Value::empty();
    Str* cb = format_callback(vm, h->callback);
    if (cb == nullptr) return Value::empty();
    std::string s = "<" + std::string(h->type->name->view()) + (h->cancelled ? " cancelled " : " ");
    s += cb->view();
    s += "()>";
    return Value::object(new_str(vm, s));
}

void cancel_plain(HandleObj* h) {
    if (!h->cancelled) {
        h->cancelled = true;
        h->callback = Value::empty();
        h->nargs = 0;
        h->a0 = h->a1 = Value::empty();
    }
}

Value h_cancel(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, false, "cancel");
    if (h == nullptr || !check_args(vm, a, "cancel", 1, 1)) return Value::empty();
    return handle_cancel(vm, h) ? Value::none() : Value::empty();
}

Value h_cancelled(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, false, "cancelled");
    if (h == nullptr || !check_args(vm, a, "cancelled", 1, 1)) return Value::empty();
    return Value::boolean(h->cancelled);
}

Value h_get_context(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, false, "get_context");
    if (h == nullptr || !check_args(vm, a, "get_context", 1, 1)) return Value::empty();
    return Value::none();
}

Value h_run(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, false, "_run");
    if (h == nullptr || !check_args(vm, a, "_run", 1, 1)) return Value::empty();
    if (!handle_run(vm, h)) return Value::empty();
    return Value::none();
}

// Handle(callback, args, loop, context=None)
Value h_new(VM& vm, const Args& a) {
    State& st = state(vm);
    if (a.npos < 1 || !a.pos[0].is_obj() || !is_subtype(static_cast<Type*>(a.pos[0].o), st.handle_type))
        return vm.raise(vm.exc.TypeError, "Handle.__new__ needs a Handle subtype");
    Type* t = static_cast<Type*>(a.pos[0].o);
    HandleObj* h = vm.alloc<HandleObj>(t);
    h->is_timer = is_subtype(t, st.timer_type);
    return Value::object(h);
}

Value h_init(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, false, "__init__");
    if (h == nullptr) return Value::empty();
    Args b = a;
    b.pos++;
    b.npos--;
    if (h->is_timer) {
        static const char* const kNames[] = {"when", "callback", "args", "loop", "context", nullptr};
        Value v[5];
        if (!parse_args(vm, b, "TimerHandle", kNames, 4, v)) return Value::empty();
        double d = 0;
        if (!to_double(vm, v[0], &d)) return Value::empty();
        h->when_v = v[0];
        h->when = d;
        h->callback = v[1];
        h->nargs = kArgsTuple;
        h->a0 = v[2];
        h->loop = v[3].is_obj() ? v[3].o : nullptr;
    } else {
        static const char* const kNames[] = {"callback", "args", "loop", "context", nullptr};
        Value v[4];
        if (!parse_args(vm, b, "Handle", kNames, 3, v)) return Value::empty();
        h->callback = v[0];
        h->nargs = kArgsTuple;
        h->a0 = v[1];
        h->loop = v[2].is_obj() ? v[2].o : nullptr;
    }
    return Value::none();
}

// ---- TimerHandle ----

Value t_when(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, true, "when");
    if (h == nullptr || !check_args(vm, a, "when", 1, 1)) return Value::empty();
    return h->when_v;
}

// TimerHandle == TimerHandle: same deadline, callback, args and cancelled state; -1 on error.
int timer_equal(VM& vm, HandleObj* h, HandleObj* o) {
    int r = equals(vm, h->when_v, o->when_v);
    if (r <= 0) return r;
    r = equals(vm, or_none(h->callback), or_none(o->callback));
    if (r <= 0) return r;
    Value ha = args_value(vm, h);
    if (ha.is_obj()) vm.heap.pin(ha.o);
    Value oa = args_value(vm, o);
    if (oa.is_obj()) vm.heap.pin(oa.o);
    r = equals(vm, ha, oa);
    if (r <= 0) return r;
    return h->cancelled == o->cancelled;
}

// CPython's comparisons: by deadline, <= and >= also true for equal handles; NotImplemented
// for anything but a TimerHandle.
Value t_compare(VM& vm, const Args& a, CompareKind op, const char* name) {
    HandleObj* h = self_of(vm, a, true, name);
    if (h == nullptr || !check_args(vm, a, name, 2, 2)) return Value::empty();
    if (!is_timer(state(vm), a.pos[1])) return vm.not_implemented;
    HandleObj* o = static_cast<HandleObj*>(a.pos[1].o);
    bool or_equal = op == CompareKind::Le || op == CompareKind::Ge;
    CompareKind strict = op == CompareKind::Le ? CompareKind::Lt : op == CompareKind::Ge ? CompareKind::Gt : op;
    Value r = compare(vm, strict, h->when_v, o->when_v);
    if (r.is_empty() || !or_equal) return r;
    int t = truthy(vm, r);
    if (t != 0) return t < 0 ? Value::empty() : r;
    int eq = timer_equal(vm, h, o);
    return eq < 0 ? Value::empty() : Value::boolean(eq);
}
Value t_lt(VM& vm, const Args& a) { return t_compare(vm, a, CompareKind::Lt, "__lt__"); }
Value t_le(VM& vm, const Args& a) { return t_compare(vm, a, CompareKind::Le, "__le__"); }
Value t_gt(VM& vm, const Args& a) { return t_compare(vm, a, CompareKind::Gt, "__gt__"); }
Value t_ge(VM& vm, const Args& a) { return t_compare(vm, a, CompareKind::Ge, "__ge__"); }

Value t_eq(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, true, "__eq__");
    if (h == nullptr || !check_args(vm, a, "__eq__", 2, 2)) return Value::empty();
    if (!is_timer(state(vm), a.pos[1])) return vm.not_implemented;
    int eq = timer_equal(vm, h, static_cast<HandleObj*>(a.pos[1].o));
    return eq < 0 ? Value::empty() : Value::boolean(eq);
}

// hash(self._when), as CPython.
Value t_hash(VM& vm, const Args& a) {
    HandleObj* h = self_of(vm, a, true, "__hash__");
    if (h == nullptr || !check_args(vm, a, "__hash__", 1, 1)) return Value::empty();
    uint64_t out = 0;
    if (!hash_value(vm, h->when_v, &out)) return Value::empty();
    return Value::integer(static_cast<int64_t>(out));
}

// ---- attributes ----

HandleObj* get_self(VM& vm, Value obj) {
    if (!is_handle(state(vm), obj)) {
        vm.raise(vm.exc.TypeError, "descriptor requires a 'Handle' object");
        return nullptr;
    }
    return static_cast<HandleObj*>(obj.o);
}
Value get_callback(VM& vm, Value obj, GetSetDescr*) {
    HandleObj* h = get_self(vm, obj);
    return h == nullptr ? Value::empty() : or_none(h->callback);
}
Value get_args(VM& vm, Value obj, GetSetDescr*) {
    HandleObj* h = get_self(vm, obj);
    return h == nullptr ? Value::empty() : args_value(vm, h);
}
Value get_cancelled(VM& vm, Value obj, GetSetDescr*) {
    HandleObj* h = get_self(vm, obj);
    return h == nullptr ? Value::empty() : Value::boolean(h->cancelled);
}
Value get_hloop(VM& vm, Value obj, GetSetDescr*) {
    HandleObj* h = get_self(vm, obj);
    return h == nullptr ? Value::empty() : (h->loop ? Value::object(h->loop) : Value::none());
}
Value get_when(VM& vm, Value obj, GetSetDescr*) {
    HandleObj* h = get_self(vm, obj);
    return h == nullptr ? Value::empty() : or_none(h->when_v);
}
Value get_scheduled(VM& vm, Value obj, GetSetDescr*) {
    HandleObj* h = get_self(vm, obj);
    return h == nullptr ? Value::empty() : Value::boolean(h->scheduled);
}

}  // namespace

HandleObj* new_handle(VM& vm, Value callback, Value args, Obj* loop) {
    HandleObj* h = vm.alloc<HandleObj>(state(vm).handle_type);
    h->callback = callback;
    h->nargs = kArgsTuple;
    h->a0 = args;
    h->loop = loop;
    return h;
}

HandleObj* new_handle(VM& vm, Value callback, const Value* argv, size_t n, Obj* loop) {
    HandleObj* h = vm.alloc<HandleObj>(state(vm).handle_type);
    h->callback = callback;
    h->loop = loop;
    set_args(vm, h, argv, n);
    return h;
}

bool handle_cancel(VM& vm, HandleObj* h) {
    if (h->is_timer && !h->cancelled) {
        State& st = state(vm);
        if (LoopCoreObj* core = core_of(st, h->loop)) {
            if (h->scheduled) ++core->timer_cancelled_count;
        } else if (h->loop != nullptr) {
            if (vm.call_method(Value::object(h->loop), st.s_timer_handle_cancelled, {Value::object(h)}).is_empty())
                return false;
        }
    }
    cancel_plain(h);
    return true;
}

HandleObj* new_timer(VM& vm, Value when, double when_d, Value callback, const Value* argv, size_t n, Obj* loop) {
    HandleObj* h = vm.alloc<HandleObj>(state(vm).timer_type);
    h->is_timer = true;
    h->when_v = when;
    h->when = when_d;
    h->callback = callback;
    h->loop = loop;
    set_args(vm, h, argv, n);
    return h;
}

namespace {

// loop.call_exception_handler({'message': 'Exception in callback f()', 'exception': exc,
// 'handle': handle}).
bool report(VM& vm, HandleObj* h, Value exc) {
    Str* cb = format_callback(vm, h->callback);
    if (cb == nullptr) return false;
    Dict* ctx = new_dict(vm);
    vm.heap.pin(ctx);
    dict_set_str(vm, ctx, vm.intern("message"),
                 Value::object(new_str(vm, "Exception in callback " + std::string(cb->view()) + "()")));
    dict_set_str(vm, ctx, vm.intern("exception"), exc);
    dict_set_str(vm, ctx, vm.intern("handle"), Value::object(h));
    if (h->loop == nullptr) return true;
    return !vm.call_method(Value::object(h->loop), state(vm).s_call_exception_handler, {Value::object(ctx)}).is_empty();
}

}  // namespace

bool report_callback_error(VM& vm, Obj* loop, Value callback, Value args, Value exc) {
    HandleObj* h = new_handle(vm, callback, args, loop);
    vm.heap.pin(h);
    return report(vm, h, exc);
}

bool handle_run(VM& vm, HandleObj* h) {
    Value cb = h->callback;
    if (cb.is_empty()) cb = Value::none();
    Value r;
    if (h->nargs != kArgsTuple) {
        Value argv[] = {h->a0, h->a1};
        r = vm.call(cb, argv, h->nargs);
    } else if (h->a0.is_obj() && h->a0.o->type == vm.types.tuple) {
        Tuple* t = static_cast<Tuple*>(h->a0.o);
        r = vm.call(cb, t->items.data(), t->items.size());
    } else {
        r = vm.call(cb, nullptr, 0);
    }
    if (!r.is_empty()) return true;
    Value exc = vm.pending;
    if (is_instance(vm, exc, vm.exc.SystemExit) || is_instance(vm, exc, vm.exc.KeyboardInterrupt)) return false;
    vm.pending = Value::empty();
    vm.heap.pin(exc.o);
    return report(vm, h, exc);
}

void init_handle_types(VM& vm, State& st, Module* m) {
    Type* h = new_builtin_type(vm, "Handle", vm.types.object, Layout::Other, alloc_handle);
    h->module = vm.intern("asyncio");
    st.handle_type = h;
    def_method(vm, h, "__new__", h_new);
    def_method(vm, h, "__init__", h_init);
    def_method(vm, h, "__repr__", h_repr);
    def_method(vm, h, "cancel", h_cancel);
    def_method(vm, h, "cancelled", h_cancelled);
    def_method(vm, h, "get_context", h_get_context);
    def_method(vm, h, "_run", h_run);
    def_getset(vm, h, "_callback", get_callback);
    def_getset(vm, h, "_args", get_args);
    def_getset(vm, h, "_cancelled", get_cancelled);
    def_getset(vm, h, "_loop", get_hloop);
    dict_set_str(vm, m->dict, vm.intern("Handle"), Value::object(h));

    Type* t = new_builtin_type(vm, "TimerHandle", h, Layout::Other, alloc_handle);
    t->module = vm.intern("asyncio");
    st.timer_type = t;
    def_method(vm, t, "when", t_when);
    def_method(vm, t, "__lt__", t_lt);
    def_method(vm, t, "__le__", t_le);
    def_method(vm, t, "__gt__", t_gt);
    def_method(vm, t, "__ge__", t_ge);
    def_method(vm, t, "__eq__", t_eq);
    def_method(vm, t, "__hash__", t_hash);
    def_getset(vm, t, "_when", get_when);
    def_getset(vm, t, "_scheduled", get_scheduled);
    dict_set_str(vm, m->dict, vm.intern("TimerHandle"), Value::object(t));
}

}  // namespace asy::stdlib::aio
