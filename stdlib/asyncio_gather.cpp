// gather()'s per-child done callback, native: counts finished children and completes the outer
// future with the results (or the first error) as CPython's `_done_callback` does.
#include "stdlib/asyncio_core.hpp"

namespace asy::stdlib::aio {

namespace {

// What CPython's closure captures: the outer future, the children, the counters.
struct GatherState : Obj {
    bool return_exceptions = false;
    int64_t finished = 0;
    int64_t total = 0;
    Value outer;
    Value children;              // a list, in argument order (duplicates repeated)
    void trace(Tracer& t) override {
        t.mark(outer);
        t.mark(children);
    }
};

Obj* alloc_state(VM& vm, Type* type) { return vm.alloc<GatherState>(type); }

// fut.cancelled() of a done child.
int child_cancelled(VM& vm, Value fut) {
    if (is_future(state(vm), fut)) return as_future(fut)->state == FutState::Cancelled;
    Value r = vm.call_method(fut, vm.intern("cancelled"), {});
    return r.is_empty() ? -1 : truthy(vm, r);
}

// fut.exception() of a done, not cancelled child (None when it has a result); marks the
// exception retrieved. Empty on error.
Value child_exception(VM& vm, Value fut) {
    if (is_future(state(vm), fut)) {
        FutureObj* f = as_future(fut);
        f->log_tb = false;
        return f->has_exc ? f->result : Value::none();
    }
    return vm.call_method(fut, vm.intern("exception"), {});
}

Value child_cancelled_error(VM& vm, Value fut) {
    if (is_future(state(vm), fut)) return make_cancelled_error(vm, as_future(fut));
    return vm.call_method(fut, vm.intern("_make_cancelled_error"), {});
}

// A cancelled child's entry in the results: CancelledError(its message or ''), a new one (as
// CPython's gather, which does not reuse the child's stored error here).
Value result_cancelled_error(VM& vm, Value fut) {
    Value msg;
    if (is_future(state(vm), fut)) {
        FutureObj* f = as_future(fut);
        msg = f->extra ? f->extra->cancel_msg : Value::empty();
    } else {
        msg = get_attr(vm, fut, vm.intern("_cancel_message"));
        if (msg.is_empty()) return msg;
    }
    if (msg.is_empty() || msg.is_none()) msg = Value::object(vm.intern(""));
    return vm.call(state(vm).cancelled_error, {msg});
}

Value outer_set(VM& vm, Value outer, bool exception, Value v) {
    if (is_future(state(vm), outer)) {
        FutureObj* f = as_future(outer);
        bool ok = exception ? future_set_exception(vm, f, v) : future_set_result(vm, f, v);
        return ok ? Value::none() : Value::empty();
    }
    return vm.call_method(outer, vm.intern(exception ? "set_exception" : "set_result"), {v});
}

// The results list: each child's result, exception or CancelledError.
Value collect(VM& vm, List* children) {
    List* results = new_list(vm);
    vm.heap.pin(results);
    for (size_t i = 0; i < children->items.size(); ++i) {
        Value child = children->items[i];
        int c = child_cancelled(vm, child);
        if (c < 0) return Value::empty();
        Value res = c ? result_cancelled_error(vm, child) : child_exception(vm, child);
        if (res.is_empty()) return res;
        if (!c && res.is_none()) {
            res = is_future(state(vm), child) ? future_result(vm, as_future(child))
                                              : vm.call_method(child, vm.intern("result"), {});
            if (res.is_empty()) return res;
        }
        results->items.push_back(res);
    }
    return Value::object(results);
}

// _done_callback(fut)
Value done_callback(VM& vm, const Args& a) {
    if (a.npos != 2 || !a.pos[0].is_obj()) return vm.raise(vm.exc.TypeError, "_done_callback() takes 1 argument");
    auto* g = static_cast<GatherState*>(a.pos[0].o);
    Value fut = a.pos[1];
    ++g->finished;
    Value outer = g->outer;
    int outer_done;
    if (is_future(state(vm), outer)) {
        outer_done = as_future(outer)->state != FutState::Pending;
    } else {
        Value d = vm.call_method(outer, vm.intern("done"), {});
        outer_done = d.is_empty() ? -1 : truthy(vm, d);
    }
    if (outer_done < 0) return Value::empty();
    int cancelled = child_cancelled(vm, fut);
    if (cancelled < 0) return Value::empty();
    if (outer_done) {
        if (!cancelled && child_exception(vm, fut).is_empty()) return Value::empty();
        return Value::none();
    }
    if (!g->return_exceptions) {
        if (cancelled) {
            Value exc = child_cancelled_error(vm, fut);
            return exc.is_empty() ? exc : outer_set(vm, outer, true, exc);
        }
        Value exc = child_exception(vm, fut);
        if (exc.is_empty()) return exc;
        if (!exc.is_none()) return outer_set(vm, outer, true, exc);
    }
    if (g->finished < g->total) return Value::none();
    if (!g->children.is_obj() || g->children.o->type != vm.types.list)
        return vm.raise(vm.exc.TypeError, "gather's children must be a list");
    auto* children = static_cast<List*>(g->children.o);
    Value results = collect(vm, children);
    if (results.is_empty()) return results;
    Value requested = get_attr(vm, outer, vm.intern("_cancel_requested"));
    if (requested.is_empty()) return requested;
    int req = truthy(vm, requested);
    if (req < 0) return Value::empty();
    if (!req) return outer_set(vm, outer, false, results);
    Value exc;
    Value last = children->items.empty() ? Value::none() : children->items.back();
    int last_cancelled = children->items.empty() ? 0 : child_cancelled(vm, last);
    if (last_cancelled < 0) return Value::empty();
    if (last_cancelled) exc = child_cancelled_error(vm, last);
    else exc = vm.call(state(vm).cancelled_error, nullptr, 0);
    return exc.is_empty() ? exc : outer_set(vm, outer, true, exc);
}

// _gather_callback(outer, children, total, return_exceptions) -> the done callback to add to
// each distinct child.
Value gather_callback(VM& vm, const Args& a) {
    if (!check_args(vm, a, "_gather_callback", 4, 4)) return Value::empty();
    if (!a.pos[1].is_obj() || a.pos[1].o->type != vm.types.list || !a.pos[2].is_int())
        return vm.raise(vm.exc.TypeError, "_gather_callback() needs a list and a count");
    State& st = state(vm);
    auto* g = vm.alloc<GatherState>(st.gather_state_type);
    vm.heap.pin(g);
    g->outer = a.pos[0];
    g->children = a.pos[1];
    g->total = a.pos[2].i;
    int re = truthy(vm, a.pos[3]);
    if (re < 0) return Value::empty();
    g->return_exceptions = re != 0;
    NativeFunction* f = new_native(vm, "_done_callback", done_callback);
    f->qualname = vm.intern("gather.<locals>._done_callback");
    f->self = Value::object(g);
    return Value::object(f);
}

}  // namespace

void init_gather(VM& vm, State& st, Module* m) {
    st.gather_state_type = new_builtin_type(vm, "_GatherState", vm.types.object, Layout::Other, alloc_state, 0);
    st.gather_state_type->module = vm.intern("_asyncio");
    def_function(vm, m->dict, "_gather_callback", gather_callback);
}

}  // namespace asy::stdlib::aio
