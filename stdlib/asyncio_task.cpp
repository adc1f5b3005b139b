// _asyncio.Task: runs a coroutine on the loop one step per ready-queue turn, resuming asy
// coroutines directly (gen_send_ex) and waking on its awaited future without a bound method.
#include "stdlib/asyncio_core.hpp"

#include "vm/interpreter.hpp"
#include "vm/objects/generator.hpp"
#include "vm/objects/str.hpp"

namespace asy::stdlib::aio {

void TaskObj::trace(Tracer& t) {
    FutureObj::trace(t);
    t.mark(coro);
    t.mark(name);
    t.mark(fut_waiter);
}

namespace {

// Queue a step of `t` (no exception): a Step entry on a native loop, else the (_step, task) pair.
bool schedule_step(VM& vm, TaskObj* t) {
    State& st = state(vm);
    if (LoopCoreObj* c = core_of(st, t->loop)) {
        if (c->closed) {
            vm.raise(vm.exc.RuntimeError, "Event loop is closed");
            return false;
        }
        c->push(EntryKind::Step, Value::object(t));
        return true;
    }
    return schedule_pair(vm, t->loop, Value::object(st.step_fn), Value::object(t));
}

Obj* alloc_task(VM& vm, Type* type) {
    TaskObj* t = vm.alloc<TaskObj>(type);
    t->is_task = true;
    return t;
}

bool is_task(State& st, Value v) { return v.is_obj() && is_subtype(v.o->type, st.task_type); }

TaskObj* self_of(VM& vm, const Args& a, const char* method) {
    if (a.npos < 1 || !is_task(state(vm), a.pos[0])) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a '_asyncio.Task' object", method);
        return nullptr;
    }
    return static_cast<TaskObj*>(a.pos[0].o);
}

Args rest(const Args& a) {
    Args b = a;
    b.pos = a.pos + 1;
    b.npos = a.npos - 1;
    return b;
}

// fut.cancel(msg=msg) through the method (subclasses such as gather's override it); -1 on error.
int call_cancel(VM& vm, Value fut, Value msg) {
    State& st = state(vm);
    Value m = get_attr(vm, fut, st.s_cancel);
    if (m.is_empty()) return -1;
    Value args[] = {msg};
    Value r = vm.call(m, args, 0, st.msg_kw);
    if (r.is_empty()) return -1;
    return truthy(vm, r);
}

// True when `t`'s add_done_callback is the native one (not overridden by a subclass), cached
// per type version.
bool native_add_callback(VM& vm, State& st, Type* t) {
    static thread_local Type* cached_type = nullptr;
    static thread_local uint64_t cached_version = 0;
    static thread_local bool cached_ok = false;
    if (t == cached_type && t->version == cached_version) return cached_ok;
    Value m = type_lookup(t, st.s_add_done_callback);
    Value base = type_lookup(st.future_type, st.s_add_done_callback);
    cached_type = t;
    cached_version = t->version;
    cached_ok = m.is_obj() && base.is_obj() && m.o == base.o;
    (void)vm;
    return cached_ok;
}

// call_soon(self._step, error) for the task's own errors (a visible Handle, as CPython).
bool call_soon_step(VM& vm, TaskObj* t, Value error) {
    State& st = state(vm);
    Value step = get_attr(vm, Value::object(t), st.s_step);
    if (step.is_empty()) return false;
    return !vm.call_method(Value::object(t->loop), st.s_call_soon, {step, error}).is_empty();
}

Value runtime_error(VM& vm, const std::string& msg) { return vm.new_exception(vm.exc.RuntimeError, msg); }

std::string repr_text(VM& vm, Value v, bool* ok) {
    Str* s = repr(vm, v);
    if (s == nullptr) {
        *ok = false;
        return {};
    }
    return std::string(s->view());
}

// What the coroutine yielded (`result`): wait on it, or schedule a step with the error.
bool handle_yield(VM& vm, TaskObj* t, Value result) {
    State& st = state(vm);
    Value self = Value::object(t);
    if (result.is_none()) return schedule_step(vm, t);
    bool native = is_future(st, result);
    Value blocking;
    if (native) {
        blocking = Value::boolean(as_future(result)->blocking);
    } else {
        blocking = get_attr_opt(vm, result, st.s_blocking);
        if (vm.has_pending()) return false;
    }
    bool ok = true;
    if (blocking.is_empty() || blocking.is_none()) {
        std::string text = "Task got bad yield: " + repr_text(vm, result, &ok);
        return ok && call_soon_step(vm, t, runtime_error(vm, text));
    }
    Value rloop = native ? Value::object(as_future(result)->loop) : get_attr(vm, result, st.s_loop);
    if (rloop.is_empty()) return false;
    if (!(rloop.is_obj() && rloop.o == t->loop)) {
        std::string a = repr_text(vm, self, &ok);
        std::string b = ok ? repr_text(vm, result, &ok) : "";
        if (!ok) return false;
        return call_soon_step(vm, t, runtime_error(vm, "Task " + a + " got Future " + b + " attached to a different loop"));
    }
    int b = truthy(vm, blocking);
    if (b < 0) return false;
    if (!b) {
        std::string a = repr_text(vm, self, &ok);
        std::string r = ok ? repr_text(vm, result, &ok) : "";
        if (!ok) return false;
        return call_soon_step(vm, t, runtime_error(vm, "yield was used instead of yield from in task " + a + " with " + r));
    }
    if (result.o == t) {
        std::string a = repr_text(vm, self, &ok);
        if (!ok) return false;
        return call_soon_step(vm, t, runtime_error(vm, "Task cannot await on itself: " + a));
    }
    if (native && native_add_callback(vm, st, result.o->type)) {
        FutureObj* f = as_future(result);
        f->blocking = false;
        if (!future_add_callback(vm, f, self, true)) return false;
    } else {
        if (!set_attr(vm, result, st.s_blocking, Value::boolean(false))) return false;
        Value wake = get_attr(vm, self, st.s_wakeup);
        if (wake.is_empty()) return false;
        if (vm.call_method(result, st.s_add_done_callback, {wake}).is_empty()) return false;
    }
    t->fut_waiter = result.o;
    if (t->must_cancel) {
        Value msg = t->extra && !t->extra->cancel_msg.is_empty() ? t->extra->cancel_msg : Value::none();
        int c = call_cancel(vm, result, msg);
        if (c < 0) return false;
        if (c) t->must_cancel = false;
    }
    return true;
}

}  // namespace

bool task_step(VM& vm, TaskObj* t, Value exc) {
    State& st = state(vm);
    Value self = Value::object(t);
    if (t->state != FutState::Pending) {
        bool ok = true;
        std::string a = repr_text(vm, self, &ok);
        std::string e = ok ? repr_text(vm, exc.is_empty() ? Value::none() : exc, &ok) : "";
        if (!ok) return false;
        Value err = vm.call(st.invalid_state_error,
                            {Value::object(new_str(vm, "_step(): already done: " + a + ", " + e))});
        if (!err.is_empty()) vm.raise_value(err);
        return false;
    }
    if (t->must_cancel) {
        if (exc.is_empty() || !is_instance(vm, exc, static_cast<Type*>(st.cancelled_error.o))) {
            exc = make_cancelled_error(vm, t);
            if (exc.is_empty()) return false;
        }
        t->must_cancel = false;
    }
    t->fut_waiter = nullptr;
    Value loop = Value::object(t->loop);
    LoopCoreObj* core = core_of(st, t->loop);
    if (core) core->current_task = self;
    else if (!set_attr(vm, loop, st.s_current_task, self)) return false;
    vm.heap.pin(t);
    if (!exc.is_empty() && exc.is_obj()) vm.heap.pin(exc.o);

    // Resume the coroutine.
    Value coro = t->coro ? Value::object(t->coro) : Value::none();
    Value out;
    SendStatus status;
    bool gen = coro.is_obj() && (coro.o->type == vm.types.coroutine || coro.o->type == vm.types.generator);
    if (gen && exc.is_empty()) {
        status = gen_send_ex(vm, static_cast<Generator*>(coro.o), Value::none(), false, &out);
    } else if (exc.is_empty() && coro.is_obj() && coro.o->type->send_slot != nullptr) {
        // A native coroutine (asyncio.sleep's) through its send slot: no StopIteration object.
        int r = coro.o->type->send_slot(vm, coro.o, Value::none(), &out);
        status = r == 0 ? SendStatus::Yield : r == 1 ? SendStatus::Return : SendStatus::Error;
    } else {
        if (gen) out = gen_throw(vm, static_cast<Generator*>(coro.o), exc);
        else if (exc.is_empty()) out = vm.call_method(coro, vm.intern("send"), {Value::none()});
        else out = vm.call_method(coro, vm.intern("throw"), {exc});
        if (!out.is_empty()) {
            status = SendStatus::Yield;
        } else if (is_instance(vm, vm.pending, vm.exc.StopIteration)) {
            out = stop_iteration_value(vm, vm.take_pending());
            status = SendStatus::Return;
        } else {
            status = SendStatus::Error;
        }
    }

    bool ok = true;
    if (status == SendStatus::Return) {
        if (t->must_cancel) {
            t->must_cancel = false;
            Value msg = t->extra && !t->extra->cancel_msg.is_empty() ? t->extra->cancel_msg : Value::none();
            ok = future_cancel(vm, t, msg);
        } else {
            ok = future_set_result(vm, t, out);
        }
        if (ok) ok = set_discard(vm, st.all_tasks, self) >= 0;
    } else if (status == SendStatus::Error) {
        Value error = vm.take_pending();
        vm.heap.pin(error.o);
        if (is_instance(vm, error, static_cast<Type*>(st.cancelled_error.o))) {
            t->ex().cancelled_exc = error;
            ok = future_cancel(vm, t, Value::none());
            if (ok) ok = set_discard(vm, st.all_tasks, self) >= 0;
        } else {
            bool fatal = is_instance(vm, error, vm.exc.KeyboardInterrupt) || is_instance(vm, error, vm.exc.SystemExit);
            ok = future_set_exception(vm, t, error);
            if (ok) ok = set_discard(vm, st.all_tasks, self) >= 0;
            if (ok && fatal) {
                vm.pending = error;
                ok = false;
            }
        }
    } else {
        ok = handle_yield(vm, t, out);
    }

    // finally: leave current_task as it was unless something else replaced it.
    if (core) {
        if (core->current_task.is_obj() && core->current_task.o == t) core->current_task = Value::empty();
        return ok;
    }
    Value pending = vm.take_pending();
    Value cur = get_attr(vm, loop, st.s_current_task);
    if (cur.is_empty()) return false;
    if (cur.is_obj() && cur.o == t && !set_attr(vm, loop, st.s_current_task, Value::none())) return false;
    if (!pending.is_empty()) {
        vm.pending = pending;
        return false;
    }
    return ok;
}

bool task_wakeup(VM& vm, TaskObj* t, Value fut) {
    State& st = state(vm);
    if (is_future(st, fut)) {
        FutureObj* f = as_future(fut);
        if (f->state == FutState::Finished && !f->has_exc) return task_step(vm, t, Value::empty());
        if (f->state == FutState::Finished) {
            f->log_tb = false;
            return task_step(vm, t, f->result);
        }
        if (f->state == FutState::Cancelled) {
            Value e = make_cancelled_error(vm, f);
            if (e.is_empty()) return false;
            return task_step(vm, t, e);
        }
    }
    Value r = vm.call_method(fut, st.s_result, {});
    if (!r.is_empty()) return task_step(vm, t, Value::empty());
    Value error = vm.take_pending();
    vm.heap.pin(error.o);
    return task_step(vm, t, error);
}

namespace {

// Task.__init__'s work once the arguments are bound: `loop` may be Empty/None (the current loop).
bool task_setup(VM& vm, TaskObj* t, Value coro, Value loop, Value name) {
    State& st = state(vm);
    if (loop.is_empty() || loop.is_none()) {
        loop = vm.call(st.get_event_loop, nullptr, 0);
        if (loop.is_empty()) return false;
    }
    if (!loop.is_obj()) return vm.raise(vm.exc.TypeError, "loop must be an object"), false;
    t->loop = loop.o;
    bool is_coro = coro.is_obj() && (coro.o->type == vm.types.coroutine || coro.o->type == st.sleep_type);
    if (!is_coro) {
        Value r = vm.call(st.iscoroutine, {coro});
        if (r.is_empty()) return false;
        int b = truthy(vm, r);
        if (b < 0) return false;
        if (!b) {
            t->log_destroy_pending = false;
            Str* s = repr(vm, coro);
            if (s == nullptr) return false;
            vm.raise(vm.exc.TypeError, "a coroutine was expected, got " + std::string(s->view()));
            return false;
        }
    }
    ++st.task_counter;
    if (name.is_empty() || name.is_none()) {
        t->name = Value::integer(st.task_counter);
    } else {
        Str* s = to_str(vm, name);
        if (s == nullptr) return false;
        t->name = Value::object(s);
    }
    if (!coro.is_obj()) return vm.raise(vm.exc.TypeError, "a coroutine was expected"), false;
    t->coro = coro.o;
    if (!schedule_step(vm, t)) return false;
    return set_add(vm, st.all_tasks, Value::object(t));
}

Value task_init(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "__init__");
    if (t == nullptr) return Value::empty();
    static const char* const kNames[] = {"coro", "$loop", "$name", "$context", nullptr};
    Value v[4];
    if (!parse_args(vm, rest(a), "Task", kNames, 1, v)) return Value::empty();
    return task_setup(vm, t, v[0], v[1], v[2]) ? Value::none() : Value::empty();
}

// loop.create_task(coro, *, name=None, context=None) for the native loop: asyncio.Task made
// without a class call (asyncio.Task adds no __init__ of its own).
Value new_task(VM& vm, LoopCoreObj* core, Value coro, Value name) {
    State& st = state(vm);
    if (core->closed) return vm.raise(vm.exc.RuntimeError, "Event loop is closed");
    Type* cls = st.task_class != nullptr ? st.task_class : st.task_type;
    auto* t = static_cast<TaskObj*>(cls->alloc_instance(vm, cls));
    Value self = Value::object(t);
    vm.heap.pin(t);
    if (!task_setup(vm, t, coro, Value::object(core), name)) return Value::empty();
    return self;
}

Value core_create_task(VM& vm, const Args& a) {
    State& st = state(vm);
    LoopCoreObj* core = a.npos > 0 && a.pos[0].is_obj() ? core_of(st, a.pos[0].o) : nullptr;
    if (core == nullptr) return vm.raise(vm.exc.TypeError, "descriptor 'create_task' requires a '_asyncio.LoopCore' object");
    static const char* const kNames[] = {"coro", "$name", "$context", nullptr};
    Value v[3];
    if (!parse_args_py(vm, rest(a), "BaseEventLoop.create_task", kNames, 1, 1, v)) return Value::empty();
    return new_task(vm, core, v[0], v[1]);
}

// loop.create_future(): an asyncio.Future of this loop, made without a class call.
Value core_create_future(VM& vm, const Args& a) {
    State& st = state(vm);
    LoopCoreObj* core = a.npos > 0 && a.pos[0].is_obj() ? core_of(st, a.pos[0].o) : nullptr;
    if (core == nullptr) return vm.raise(vm.exc.TypeError, "descriptor 'create_future' requires a '_asyncio.LoopCore' object");
    if (!check_args(vm, a, "create_future", 1, 1)) return Value::empty();
    return Value::object(new_future(vm, core));
}

// asyncio.create_task(coro, *, name=None, context=None).
Value module_create_task(VM& vm, const Args& a) {
    static const char* const kNames[] = {"coro", "$name", "$context", nullptr};
    Value v[3];
    if (!parse_args_py(vm, a, "create_task", kNames, 1, 0, v)) return Value::empty();
    Value loop = running_loop(vm);
    if (loop.is_empty()) return vm.raise(vm.exc.RuntimeError, "no running event loop");
    State& st = state(vm);
    if (LoopCoreObj* core = core_of(st, loop.o)) {
        Value m = type_lookup(loop.o->type, vm.intern("create_task"));
        if (m.is_obj() && m.o == st.core_create_task) return new_task(vm, core, v[0], v[1]);
    }
    Value name = v[1].is_empty() ? Value::none() : v[1];
    Value kwn = Value::object(vm.intern("name"));
    Tuple* kw = new_tuple(vm, &kwn, 1);
    Value args[] = {v[0], name};
    Value meth = get_attr(vm, loop, vm.intern("create_task"));
    if (meth.is_empty()) return meth;
    return vm.call(meth, args, 2, kw);
}

Value task_get_coro(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "get_coro");
    if (t == nullptr || !check_args(vm, a, "get_coro", 1, 1)) return Value::empty();
    return t->coro ? Value::object(t->coro) : Value::none();
}

Value task_get_context(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "get_context");
    if (t == nullptr || !check_args(vm, a, "get_context", 1, 1)) return Value::empty();
    return Value::none();
}

Value name_of(VM& vm, TaskObj* t) {
    if (t->name.is_int()) {
        t->name = Value::object(new_str(vm, "Task-" + std::to_string(t->name.i)));
    }
    return t->name.is_empty() ? Value::none() : t->name;
}

Value task_get_name(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "get_name");
    if (t == nullptr || !check_args(vm, a, "get_name", 1, 1)) return Value::empty();
    return name_of(vm, t);
}

Value task_set_name(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "set_name");
    if (t == nullptr || !check_args(vm, a, "set_name", 2, 2)) return Value::empty();
    Str* s = to_str(vm, a.pos[1]);
    if (s == nullptr) return Value::empty();
    t->name = Value::object(s);
    return Value::none();
}

Value task_set_result(VM& vm, const Args& a) {
    if (self_of(vm, a, "set_result") == nullptr || !check_args(vm, a, "set_result", 2, 2)) return Value::empty();
    return vm.raise(vm.exc.RuntimeError, "Task does not support set_result operation");
}

Value task_set_exception(VM& vm, const Args& a) {
    if (self_of(vm, a, "set_exception") == nullptr || !check_args(vm, a, "set_exception", 2, 2)) return Value::empty();
    return vm.raise(vm.exc.RuntimeError, "Task does not support set_exception operation");
}

Value task_get_stack(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "get_stack");
    if (t == nullptr) return Value::empty();
    static const char* const kNames[] = {"$limit", nullptr};
    Value v[1];
    if (!parse_args(vm, rest(a), "get_stack", kNames, 0, v)) return Value::empty();
    return Value::object(new_list(vm));
}

Value task_cancel(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "cancel");
    if (t == nullptr) return Value::empty();
    static const char* const kNames[] = {"msg", nullptr};
    Value v[1];
    if (!parse_args(vm, rest(a), "cancel", kNames, 0, v)) return Value::empty();
    Value msg = v[0].is_empty() ? Value::none() : v[0];
    t->log_tb = false;
    if (t->state != FutState::Pending) return Value::boolean(false);
    ++t->num_cancels;
    if (t->fut_waiter != nullptr) {
        int c = call_cancel(vm, Value::object(t->fut_waiter), msg);
        if (c < 0) return Value::empty();
        if (c) return Value::boolean(true);
    }
    t->must_cancel = true;
    if (!msg.is_none() || t->extra) t->ex().cancel_msg = msg.is_none() ? Value::empty() : msg;
    return Value::boolean(true);
}

Value task_cancelling(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "cancelling");
    if (t == nullptr || !check_args(vm, a, "cancelling", 1, 1)) return Value::empty();
    return Value::integer(t->num_cancels);
}

Value task_uncancel(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "uncancel");
    if (t == nullptr || !check_args(vm, a, "uncancel", 1, 1)) return Value::empty();
    if (t->num_cancels > 0) --t->num_cancels;
    return Value::integer(t->num_cancels);
}

Value task_step_m(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "_step");
    if (t == nullptr || !check_args(vm, a, "_step", 1, 2)) return Value::empty();
    Value exc = a.npos > 1 && !a.pos[1].is_none() ? a.pos[1] : Value::empty();
    if (!task_step(vm, t, exc)) return Value::empty();
    return Value::none();
}

Value task_wakeup_m(VM& vm, const Args& a) {
    TaskObj* t = self_of(vm, a, "_wakeup");
    if (t == nullptr || !check_args(vm, a, "_wakeup", 2, 2)) return Value::empty();
    if (!task_wakeup(vm, t, a.pos[1])) return Value::empty();
    return Value::none();
}

TaskObj* get_self(VM& vm, Value obj) {
    if (!is_task(state(vm), obj)) {
        vm.raise(vm.exc.TypeError, "descriptor requires a '_asyncio.Task' object");
        return nullptr;
    }
    return static_cast<TaskObj*>(obj.o);
}

Value get_coro(VM& vm, Value obj, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    return t == nullptr ? Value::empty() : (t->coro ? Value::object(t->coro) : Value::none());
}
Value get_fut_waiter(VM& vm, Value obj, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    return t == nullptr ? Value::empty() : (t->fut_waiter ? Value::object(t->fut_waiter) : Value::none());
}
Value get_must_cancel(VM& vm, Value obj, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    return t == nullptr ? Value::empty() : Value::boolean(t->must_cancel);
}
Value get_num_cancels(VM& vm, Value obj, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    return t == nullptr ? Value::empty() : Value::integer(t->num_cancels);
}
Value get_name_attr(VM& vm, Value obj, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    return t == nullptr ? Value::empty() : name_of(vm, t);
}
Value get_log_destroy(VM& vm, Value obj, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    return t == nullptr ? Value::empty() : Value::boolean(t->log_destroy_pending);
}
bool set_log_destroy(VM& vm, Value obj, Value v, GetSetDescr*) {
    TaskObj* t = get_self(vm, obj);
    if (t == nullptr) return false;
    int b = v.is_empty() ? 0 : truthy(vm, v);
    if (b < 0) return false;
    t->log_destroy_pending = b;
    return true;
}

// _task_step(task): the ready-queue entry of a task step (no bound method per step).
Value step_entry(VM& vm, const Args& a) {
    if (a.npos != 1 || !is_task(state(vm), a.pos[0])) return vm.raise(vm.exc.TypeError, "_step() needs a task");
    if (!task_step(vm, static_cast<TaskObj*>(a.pos[0].o), Value::empty())) return Value::empty();
    return Value::none();
}

}  // namespace

void init_task_type(VM& vm, State& st, Module* m) {
    Type* t = new_builtin_type(vm, "Task", st.future_type, Layout::Other, alloc_task);
    t->module = vm.intern("_asyncio");
    st.task_type = t;
    def_method(vm, t, "__init__", task_init);
    def_method(vm, t, "get_coro", task_get_coro);
    def_method(vm, t, "get_context", task_get_context);
    def_method(vm, t, "get_name", task_get_name);
    def_method(vm, t, "set_name", task_set_name);
    def_method(vm, t, "set_result", task_set_result);
    def_method(vm, t, "set_exception", task_set_exception);
    def_method(vm, t, "get_stack", task_get_stack);
    def_method(vm, t, "cancel", task_cancel);
    def_method(vm, t, "cancelling", task_cancelling);
    def_method(vm, t, "uncancel", task_uncancel);
    def_method(vm, t, "_step", task_step_m);
    def_method(vm, t, "_wakeup", task_wakeup_m);
    def_getset(vm, t, "_coro", get_coro);
    def_getset(vm, t, "_fut_waiter", get_fut_waiter);
    def_getset(vm, t, "_must_cancel", get_must_cancel);
    def_getset(vm, t, "_num_cancels_requested", get_num_cancels);
    def_getset(vm, t, "_name", get_name_attr);
    def_getset(vm, t, "_log_destroy_pending", get_log_destroy, set_log_destroy);
    dict_set_str(vm, m->dict, vm.intern("Task"), Value::object(t));

    def_function(vm, m->dict, "create_task", module_create_task);

    st.step_fn = new_native(vm, "_step", step_entry);
    st.step_fn->qualname = vm.intern("Task._step");
    st.wakeup_fn = new_native(vm, "task_wakeup", task_wakeup_m);
    st.wakeup_fn->qualname = vm.intern("Task._wakeup");
}

void init_loop_task_methods(VM& vm, State& st) {
    st.core_create_task = def_method(vm, st.core_type, "create_task", core_create_task);
    def_method(vm, st.core_type, "create_future", core_create_future);
}

}  // namespace asy::stdlib::aio
