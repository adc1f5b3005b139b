// _asyncio.LoopCore: the native base of asyncio's EventLoop — the FIFO ready queue, the timer
// heap (heapq's exact order), call_soon/call_at, and the loop turn (_run_once), which also
// runs async generators' finalizer hooks.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "loop/event_loop.hpp"
#include "stdlib/asyncio_core.hpp"
#include "vm/objects/generator.hpp"

namespace asy::stdlib::aio {

void LoopCoreObj::trace(Tracer& t) {
    t.mark(current_task);
    for (size_t i = head; i < ready.size(); ++i) {
        t.mark(ready[i].a);
        t.mark(ready[i].b);
    }
    for (HandleObj* h : timers) t.mark(h);
}

namespace {

double now() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

Obj* alloc_core(VM& vm, Type* type) { return vm.alloc<LoopCoreObj>(type); }

LoopCoreObj* self_of(VM& vm, const Args& a, const char* method) {
    State& st = state(vm);
    LoopCoreObj* c = a.npos >= 1 && a.pos[0].is_obj() ? core_of(st, a.pos[0].o) : nullptr;
    if (c == nullptr) vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'LoopCore' object", method);
    return c;
}

// ---- heapq's algorithm, so equal deadlines pop in CPython's order ----

void sift_down(std::vector<HandleObj*>& heap, size_t start, size_t pos) {
    HandleObj* item = heap[pos];
    while (pos > start) {
        size_t parent = (pos - 1) >> 1;
        if (item->when < heap[parent]->when) {
            heap[pos] = heap[parent];
            pos = parent;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

void sift_up(std::vector<HandleObj*>& heap, size_t pos) {
    size_t end = heap.size(), start = pos;
    HandleObj* item = heap[pos];
    size_t child = 2 * pos + 1;
    while (child < end) {
        size_t right = child + 1;
        if (right < end && !(heap[child]->when < heap[right]->when)) child = right;
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(heap, start, pos);
}

void heap_push(std::vector<HandleObj*>& heap, HandleObj* h) {
    heap.push_back(h);
    sift_down(heap, 0, heap.size() - 1);
}

HandleObj* heap_pop(std::vector<HandleObj*>& heap) {
    HandleObj* last = heap.back();
    heap.pop_back();
    if (heap.empty()) return last;
    HandleObj* top = heap[0];
    heap[0] = last;
    sift_up(heap, 0);
    return top;
}

bool check_closed(VM& vm, LoopCoreObj* c) {
    if (c->closed) {
        vm.raise(vm.exc.RuntimeError, "Event loop is closed");
        return false;
    }
    return true;
}

// self._check_callback(callback, method) in debug mode.
bool debug_check(VM& vm, LoopCoreObj* c, Value callback, const char* method) {
    if (!c->debug) return true;
    return !vm.call_method(Value::object(c), state(vm).s_check_callback,
                           {callback, Value::object(vm.intern(method))}).is_empty();
}

// Keywords of call_soon/call_at: only `context` is accepted (and ignored).
bool check_context_kw(VM& vm, const Args& a, const char* fname) {
    uint32_t nkw = a.nkw();
    for (uint32_t i = 0; i < nkw; ++i) {
        Str* k = static_cast<Str*>(a.kwnames->items[i].o);
        if (k->view() != "context") {
            vm.raise_format(vm.exc.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                            std::string(k->view()).c_str());
            return false;
        }
    }
    return true;
}

Value core_call_soon(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "call_soon");
    if (c == nullptr) return Value::empty();
    if (a.npos < 2) return vm.raise(vm.exc.TypeError, "call_soon() missing 1 required positional argument: 'callback'");
    if (!check_closed(vm, c) || !debug_check(vm, c, a.pos[1], "call_soon")) return Value::empty();
    if (!check_context_kw(vm, a, "call_soon")) return Value::empty();
    HandleObj* h = new_handle(vm, a.pos[1], a.pos + 2, a.npos - 2, c);
    c->push(EntryKind::Handle, Value::object(h));
    return Value::object(h);
}

Value core_call_soon_pair(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "_call_soon_pair");
    if (c == nullptr || !check_args(vm, a, "_call_soon_pair", 3, 3)) return Value::empty();
    if (!check_closed(vm, c)) return Value::empty();
    c->push(EntryKind::Pair, a.pos[1], a.pos[2]);
    return Value::none();
}

Value call_at_impl(VM& vm, LoopCoreObj* c, Value when, const Args& a) {
    if (!check_closed(vm, c) || !debug_check(vm, c, a.pos[2], "call_at")) return Value::empty();
    double d = 0;
    if (!to_double(vm, when, &d)) return Value::empty();
    if (!check_context_kw(vm, a, "call_at")) return Value::empty();
    HandleObj* h = new_timer(vm, when, d, a.pos[2], a.pos + 3, a.npos - 3, c);
    schedule_timer(c, h);
    return Value::object(h);
}

Value core_call_at(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "call_at");
    if (c == nullptr) return Value::empty();
    if (a.npos < 3) return vm.raise(vm.exc.TypeError, "call_at() missing required positional arguments: 'when' and 'callback'");
    if (a.pos[1].is_none()) return vm.raise(vm.exc.TypeError, "when cannot be None");
    return call_at_impl(vm, c, a.pos[1], a);
}

Value core_call_later(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "call_later");
    if (c == nullptr) return Value::empty();
    if (a.npos < 3) return vm.raise(vm.exc.TypeError, "call_later() missing required positional arguments: 'delay' and 'callback'");
    if (a.pos[1].is_none()) return vm.raise(vm.exc.TypeError, "delay must not be None");
    Value when = binary_op(vm, BinOpKind::Add, Value::real(now()), a.pos[1]);
    if (when.is_empty()) return when;
    return call_at_impl(vm, c, when, a);
}

Value core_time(VM& vm, const Args& a) {
    if (self_of(vm, a, "time") == nullptr || !check_args(vm, a, "time", 1, 1)) return Value::empty();
    return Value::real(now());
}

Value core_timer_handle_cancelled(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "_timer_handle_cancelled");
    if (c == nullptr || !check_args(vm, a, "_timer_handle_cancelled", 2, 2)) return Value::empty();
    if (is_subtype(type_of(vm, a.pos[1]), state(vm).timer_type) && static_cast<HandleObj*>(a.pos[1].o)->scheduled)
        ++c->timer_cancelled_count;
    return Value::none();
}

// Run one ready entry (already removed from the queue and pinned).
bool run_entry(VM& vm, LoopCoreObj* c, const Entry& e) {
    Value r;
    switch (e.kind) {
    case EntryKind::Handle: {
        HandleObj* h = static_cast<HandleObj*>(e.a.o);
        return h->cancelled || handle_run(vm, h);
    }
    case EntryKind::Pair:
        r = vm.call(e.a, {e.b});
        if (!r.is_empty()) return true;
        break;
    case EntryKind::Step:
        if (task_step(vm, static_cast<TaskObj*>(e.a.o), Value::empty())) return true;
        break;
    case EntryKind::Wake:
        if (task_wakeup(vm, static_cast<TaskObj*>(e.a.o), e.b)) return true;
        break;
    }
    Value exc = vm.pending;
    if (is_instance(vm, exc, vm.exc.SystemExit) || is_instance(vm, exc, vm.exc.KeyboardInterrupt)) return false;
    vm.pending = Value::empty();
    vm.heap.pin(exc.o);
    State& st = state(vm);
    Value cb = e.a, arg = e.b;
    if (e.kind == EntryKind::Step) {
        cb = Value::object(st.step_fn);
        arg = Value::none();
    } else if (e.kind == EntryKind::Wake) {
        cb = wake_callable(vm, e.a);
        vm.heap.pin(cb.o);
    }
    Tuple* args = new_tuple(vm, &arg, 1);
    vm.heap.pin(args);
    return report_callback_error(vm, c, cb, Value::object(args), exc);
}

bool run_once(VM& vm, LoopCoreObj* c) {
    // Async generators a collection found unreachable: their finalizer hook (asyncio's
    // schedules aclose()) runs here, outside the collector.
    run_asyncgen_finalizers(vm);
    auto& timers = c->timers;
    if (c->timer_cancelled_count > 0 && static_cast<size_t>(c->timer_cancelled_count) * 2 > timers.size()) {
        std::vector<HandleObj*> kept;
        for (HandleObj* h : timers) {
            if (h->cancelled) h->scheduled = false;
            else kept.push_back(h);
        }
        std::stable_sort(kept.begin(), kept.end(), [](HandleObj* x, HandleObj* y) { return x->when < y->when; });
        timers.swap(kept);
        c->timer_cancelled_count = 0;
    } else {
        while (!timers.empty() && timers[0]->cancelled) {
            --c->timer_cancelled_count;
            heap_pop(timers)->scheduled = false;
        }
    }

    double timeout;
    if (c->ready_size() > 0 || c->stopping) timeout = 0;
    else if (!timers.empty()) timeout = std::min(std::max(0.0, timers[0]->when - now()), 86400.0);
    else timeout = -1;
    if (std::isnan(timeout)) timeout = 0;
    // About to block: an async generator dropped by its consumer (an `async for` left by break)
    // would be finalized at once in CPython; collect now so its aclose() runs before the wait.
    if (timeout != 0 && collect_abandoned_async_generators(vm) > 0) {
        run_asyncgen_finalizers(vm);
        if (c->ready_size() > 0) timeout = 0;
    }
    bool deadlock = false;
    std::vector<loop::Completion> done = loop::EventLoop::of(vm).wait(timeout, &deadlock);
    if (deadlock) {
        vm.raise(vm.exc.RuntimeError, "event loop deadlock: no task can make progress (nothing scheduled, no timer, no I/O)");
        return false;
    }
    for (auto& d : done) {
        vm.heap.pin(d.args);
        if (d.callback.is_obj()) vm.heap.pin(d.callback.o);
    }
    for (auto& d : done) c->push(EntryKind::Handle, Value::object(new_handle(vm, d.callback, Value::object(d.args), c)));

    double end_time = now() + 1e-09;
    while (!timers.empty()) {
        if (timers[0]->when >= end_time) break;
        HandleObj* h = heap_pop(timers);
        h->scheduled = false;
        c->push(EntryKind::Handle, Value::object(h));
    }

    // Run exactly the entries ready now; what they schedule runs next turn. An entry leaves the
    // queue as it runs, so a fatal exception leaves the rest ready, ahead of new entries.
    size_t n = c->ready_size();
    for (size_t i = 0; i < n; ++i) {
        TempRootScope scope(vm.heap);
        Entry e = c->ready[c->head];
        c->ready[c->head] = Entry{};
        ++c->head;
        if (e.a.is_obj()) vm.heap.pin(e.a.o);
        if (e.b.is_obj()) vm.heap.pin(e.b.o);
        if (!run_entry(vm, c, e)) {
            // Compact before leaving so the queue does not keep its consumed prefix.
            c->ready.erase(c->ready.begin(), c->ready.begin() + static_cast<std::ptrdiff_t>(c->head));
            c->head = 0;
            return false;
        }
    }
    if (c->head == c->ready.size()) {
        c->ready.clear();
        c->head = 0;
    } else if (c->head > 64 && c->head * 2 > c->ready.size()) {
        c->ready.erase(c->ready.begin(), c->ready.begin() + static_cast<std::ptrdiff_t>(c->head));
        c->head = 0;
    }
    return true;
}

Value core_run_once(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "_run_once");
    if (c == nullptr || !check_args(vm, a, "_run_once", 1, 1)) return Value::empty();
    if (!run_once(vm, c)) return Value::empty();
    return Value::none();
}

// run_forever's loop: turns until stop() was called.
Value core_run_turns(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "_run_turns");
    if (c == nullptr || !check_args(vm, a, "_run_turns", 1, 1)) return Value::empty();
    for (;;) {
        TempRootScope scope(vm.heap);
        if (!run_once(vm, c)) return Value::empty();
        if (c->stopping) break;
    }
    return Value::none();
}

Value core_clear(VM& vm, const Args& a) {
    LoopCoreObj* c = self_of(vm, a, "_clear_queues");
    if (c == nullptr || !check_args(vm, a, "_clear_queues", 1, 1)) return Value::empty();
    c->ready.clear();
    c->head = 0;
    c->timers.clear();
    c->timer_cancelled_count = 0;
    return Value::none();
}

// ---- attributes ----

LoopCoreObj* get_self(VM& vm, Value obj) {
    LoopCoreObj* c = obj.is_obj() ? core_of(state(vm), obj.o) : nullptr;
    if (c == nullptr) vm.raise(vm.exc.TypeError, "descriptor requires a 'LoopCore' object");
    return c;
}

template <bool LoopCoreObj::*F>
Value get_flag(VM& vm, Value obj, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    return c == nullptr ? Value::empty() : Value::boolean(c->*F);
}
template <bool LoopCoreObj::*F>
bool set_flag(VM& vm, Value obj, Value v, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    if (c == nullptr) return false;
    int b = v.is_empty() ? 0 : truthy(vm, v);
    if (b < 0) return false;
    c->*F = b;
    return true;
}

Value get_current_task(VM& vm, Value obj, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    return c == nullptr ? Value::empty() : (c->current_task.is_empty() ? Value::none() : c->current_task);
}
bool set_current_task(VM& vm, Value obj, Value v, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    if (c == nullptr) return false;
    c->current_task = v.is_none() ? Value::empty() : v;
    return true;
}
Value get_cancelled_count(VM& vm, Value obj, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    return c == nullptr ? Value::empty() : Value::integer(c->timer_cancelled_count);
}
Value get_scheduled(VM& vm, Value obj, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    if (c == nullptr) return Value::empty();
    List* l = new_list(vm, c->timers.size());
    for (HandleObj* h : c->timers) l->items.push_back(Value::object(h));
    return Value::object(l);
}
Value get_ready_count(VM& vm, Value obj, GetSetDescr*) {
    LoopCoreObj* c = get_self(vm, obj);
    return c == nullptr ? Value::empty() : Value::integer(static_cast<int64_t>(c->ready_size()));
}

}  // namespace

double loop_time() { return now(); }

void schedule_timer(LoopCoreObj* c, HandleObj* h) {
    heap_push(c->timers, h);
    h->scheduled = true;
}

void init_loop_core_type(VM& vm, State& st, Module* m) {
    Type* t = new_builtin_type(vm, "LoopCore", vm.types.object, Layout::Other, alloc_core);
    t->module = vm.intern("_asyncio");
    st.core_type = t;
    def_method(vm, t, "call_soon", core_call_soon);
    def_method(vm, t, "_call_soon_pair", core_call_soon_pair);
    def_method(vm, t, "call_at", core_call_at);
    def_method(vm, t, "call_later", core_call_later);
    def_method(vm, t, "time", core_time);
    def_method(vm, t, "_timer_handle_cancelled", core_timer_handle_cancelled);
    def_method(vm, t, "_run_once", core_run_once);
    def_method(vm, t, "_run_turns", core_run_turns);
    def_method(vm, t, "_clear_queues", core_clear);
    def_getset(vm, t, "_closed", get_flag<&LoopCoreObj::closed>, set_flag<&LoopCoreObj::closed>);
    def_getset(vm, t, "_stopping", get_flag<&LoopCoreObj::stopping>, set_flag<&LoopCoreObj::stopping>);
    def_getset(vm, t, "_debug", get_flag<&LoopCoreObj::debug>, set_flag<&LoopCoreObj::debug>);
    def_getset(vm, t, "_current_task", get_current_task, set_current_task);
    def_getset(vm, t, "_timer_cancelled_count", get_cancelled_count);
    def_getset(vm, t, "_scheduled", get_scheduled);
    def_getset(vm, t, "_ready_count", get_ready_count);
    dict_set_str(vm, m->dict, vm.intern("LoopCore"), Value::object(t));
}

}  // namespace asy::stdlib::aio
