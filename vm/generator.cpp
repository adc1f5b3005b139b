// Generators, coroutines and async generators: resuming their frames (send/throw/close with
// yield-from delegation, PEP 479), the awaitable protocol helpers used by the async opcodes,
// the async generator asend/athrow awaitables, and the types' Python-visible methods.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "vm/interpreter.hpp"
#include "vm/objects/descriptors.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"
#include "vm/traceback.hpp"

namespace asy::vm {

// ---- object lifetime -------------------------------------------------------------------------

void Generator::finalize(VM& vm) {
    if (renamed && vm.interp) {
        renamed = false;
        vm.interp->gen_types.renamed.erase(this);
    }
    if (!in_unstarted || !vm.interp) return;
    in_unstarted = false;
    --vm.interp->unstarted;
    report_unawaited(vm, frame.code->code->qualname, origin ? origin->code.get() : nullptr, origin_ip);
}

void Generator::trace(Tracer& t) {
    if (renamed) {
        auto& names = gen_types(t.vm()).renamed;
        auto it = names.find(this);
        if (it != names.end()) {
            t.mark(it->second.name);
            t.mark(it->second.qualname);
        }
    }
    if (in_unstarted) t.mark(origin);
    if (state == GenState::Finished) t.mark(frame.code);  // gi_code; the rest of the frame is dead
    else trace_frame(&frame, t);
}

GenTypes& gen_types(VM& vm) { return interp_state(vm).gen_types; }

void report_unawaited(VM& vm, std::string_view qualname, const Code* origin, uint32_t ip) {
    std::string what = "RuntimeWarning: coroutine '" + std::string(qualname) + "' was never awaited\n";
    const Position* pos = origin != nullptr ? origin->position_at(ip) : nullptr;
    if (pos == nullptr) {
        vm.write_out("sys:1: " + what, true);
        return;
    }
    std::string msg = origin->filename + ":" + std::to_string(pos->line) + ": " + what;
    std::string line = source_line(vm, origin->filename, pos->line);
    if (!line.empty()) msg += "  " + line + "\n";
    msg += "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n";
    vm.write_out(msg, true);
}

void shutdown_generators(VM& vm) {
    if (!vm.interp) return;
    // Coroutines that became garbage report where they were created (as CPython does when the
    // last reference goes); the ones still referenced at exit report "sys:1".
    if ((vm.interp->unstarted != 0 || vm.interp->unstarted_native != 0) && vm.frame == nullptr) {
        bool was_paused = vm.heap.paused;
        vm.heap.paused = false;
        vm.heap.collect();
        vm.heap.paused = was_paused;
    }
    if (vm.interp->unstarted == 0) return;
    std::vector<Generator*> left;
    Type* coro_type = vm.types.coroutine;
    vm.heap.for_each_object([&](Obj* o) {
        if (o->type == coro_type && static_cast<Generator*>(o)->in_unstarted) left.push_back(static_cast<Generator*>(o));
    });
    // Newest first: what CPython prints for coroutines kept in a list (freed last to first).
    for (Generator* g : left) {
        g->in_unstarted = false;
        --vm.interp->unstarted;
        if (!g->renamed) g->gc_flags &= static_cast<uint8_t>(~kGcFinalize);
        report_unawaited(vm, g->frame.code->code->qualname);
    }
}

namespace {

void forget_unstarted(VM& vm, Generator* g) {
    if (!g->in_unstarted) return;
    g->in_unstarted = false;
    g->origin = nullptr;
    if (!g->renamed) g->gc_flags &= static_cast<uint8_t>(~kGcFinalize);
    --interp_state(vm).unstarted;
}

}  // namespace

Generator* new_generator(VM& vm, Function* fn, Frame* frame) {
    uint32_t flags = fn->code->code->flags;
    Type* t = vm.types.generator;
    GenKind kind = GenKind::Generator;
    if (flags & kCoCoroutine) {
        t = vm.types.coroutine;
        kind = GenKind::Coroutine;
    } else if (flags & kCoAsyncGenerator) {
        t = vm.types.async_generator;
        kind = GenKind::AsyncGenerator;
    }
    // Exactly the slots the code needs: no size-class rounding, no spare slot (the compiler's
    // max_stack covers handlers and the value send() pushes).
    CodeObj* code = frame->code;
    size_t nlocals = static_cast<size_t>(code->nlocalsplus);
    size_t nslots = nlocals + static_cast<size_t>(code->code->max_stack);
    size_t bytes = sizeof(Generator) + nslots * sizeof(Value);
    auto* g = new (::operator new(bytes)) Generator();
    g->type = t;
    g->kind = kind;
    bool same_name = fn->name.is_obj() && fn->name.o == code->name;
    bool same_qualname = fn->qualname.is_obj() && fn->qualname.o == code->qualname;
    if (!same_name || !same_qualname) {
        // The function was renamed (functools.wraps, ...): the generator keeps the new names.
        GenNames n;
        if (fn->name.is_obj() && fn->name.o->type->layout == Layout::Str) n.name = static_cast<Str*>(fn->name.o);
        if (fn->qualname.is_obj() && fn->qualname.o->type->layout == Layout::Str)
            n.qualname = static_cast<Str*>(fn->qualname.o);
        gen_types(vm).renamed[g] = n;
        g->renamed = true;
        g->gc_flags |= kGcFinalize;
    }
    // Move the bound frame in: header, then the locals (the value stack is still empty). The
    // temporary goes back to the free lists; nothing can see it between the copy and the free.
    Frame* f = &g->frame;
    f->code = code;
    f->func = frame->func;
    f->globals = frame->globals;
    f->builtins = frame->builtins;
    f->locals = frame->locals;
    f->nslots = static_cast<uint32_t>(nslots);
    f->flags = static_cast<uint8_t>(frame->flags | kFrameGenerator);
    Value* src = frame->localsplus();
    Value* dst = f->localsplus();
    for (size_t i = 0; i < nlocals; ++i) dst[i] = src[i];
    f->sp = f->stack_base();
    free_frame(vm, frame);
    vm.heap.track(g, bytes);
    if (kind == GenKind::Coroutine) {
        if (vm.frame != nullptr) {
            g->origin = vm.frame->code;
            g->origin_ip = vm.frame->ip > 0 ? vm.frame->ip - 1 : 0;
        }
        g->in_unstarted = true;
        g->gc_flags |= kGcFinalize;
        ++interp_state(vm).unstarted;
    }
    return g;
}

// ---- async generator finalization (sys.set_asyncgen_hooks' finalizer) -------------------------

namespace {

// The collector's resurrect pass: registered generators it found unreachable leave the
// registry; unfinished ones are marked (kept alive with everything they reference) and queued,
// in registration order, for their hook.
void resurrect_async_generators(VM& vm, Tracer& t) {
    if (!vm.interp) return;
    GenTypes& gt = vm.interp->gen_types;
    gt.ag_yielded = false;
    std::vector<std::pair<uint64_t, std::pair<Generator*, Value>>> found;
    for (auto it = gt.ag_finalizers.begin(); it != gt.ag_finalizers.end();) {
        Generator* g = it->first;
        if (g->gc_marked) {
            ++it;
            continue;
        }
        if (!it->second.hook.is_empty() && g->state != GenState::Finished && !g->ag_closed) {
            t.mark(g);
            found.push_back({it->second.seq, {g, it->second.hook}});
        }
        it = gt.ag_finalizers.erase(it);
    }
    std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (auto& f : found) gt.ag_finalize_queue.push_back(f.second);
}

}  // namespace

size_t run_asyncgen_finalizers(VM& vm) {
    GenTypes& gt = gen_types(vm);
    if (gt.ag_finalize_queue.empty()) return 0;
    std::vector<std::pair<Generator*, Value>> items;
    items.swap(gt.ag_finalize_queue);
    // Off the queue they are no longer roots.
    for (auto& [g, hook] : items) {
        vm.heap.pin(g);
        if (hook.is_obj()) vm.heap.pin(hook.o);
    }
    Value saved = vm.take_pending();
    if (saved.is_obj()) vm.heap.pin(saved.o);
    for (auto& [g, hook] : items) {
        Value arg = Value::object(g);
        if (!vm.call(hook, {arg}).is_empty()) continue;
        // CPython's PyErr_WriteUnraisable(agen).
        Value err = vm.take_pending();
        vm.heap.pin(err.o);
        Str* r = repr(vm, arg);
        std::string who = r != nullptr ? r->s : "?";
        vm.pending = Value();
        vm.write_out("Exception ignored in: " + who + "\n" + format_exception(vm, err), true);
    }
    vm.pending = saved;
    return items.size();
}

size_t collect_abandoned_async_generators(VM& vm) {
    GenTypes& gt = gen_types(vm);
    if (!gt.ag_yielded || gt.ag_finalizers.empty() || vm.heap.paused) return 0;
    using Clock = std::chrono::steady_clock;
    Clock::time_point start = Clock::now();
    if (start < gt.ag_collect_not_before && vm.heap.bytes_allocated() < gt.ag_collect_after) return 0;
    vm.heap.collect();
    size_t n = gt.ag_finalize_queue.size();
    if (n == 0) {
        // Found nothing: a loop iterating a long-lived generator between timers must not collect
        // at every wait. The next try waits for 20x this collection's time (<= 5% of the run)
        // or for 256 KiB of allocation, whichever comes first.
        Clock::time_point end = Clock::now();
        gt.ag_collect_not_before = end + 20 * (end - start);
        gt.ag_collect_after = vm.heap.bytes_allocated() + 256 * 1024;
    } else {
        gt.ag_collect_not_before = {};
        gt.ag_collect_after = 0;
    }
    return n;
}

std::vector<Generator*> live_async_generators(VM& vm, Value firstiter) {
    GenTypes& gt = gen_types(vm);
    std::vector<std::pair<uint64_t, Generator*>> found;
    for (auto& [g, fin] : gt.ag_finalizers) {
        bool same = fin.firstiter.tag == firstiter.tag && (!firstiter.is_obj() || fin.firstiter.o == firstiter.o);
        if (same && g->state != GenState::Finished && !g->ag_closed) found.push_back({fin.seq, g});
    }
    std::sort(found.begin(), found.end());
    std::vector<Generator*> out;
    for (auto& f : found) out.push_back(f.second);
    return out;
}

// ---- StopIteration helpers -------------------------------------------------------------------

Value stop_iteration_value(VM& vm, Value exc) {
    if (exc.is_obj() && exc.o->type->layout == Layout::Exception) {
        vm.heap.pin(exc.o);  // often just taken from vm.pending: keep it (and its value) alive
        Value v = get_attr_opt(vm, exc, vm.names.value);
        if (!v.is_empty()) return v;
        vm.pending = Value();
        auto* e = static_cast<Exception*>(exc.o);
        if (e->args != nullptr && !e->args->items.empty()) return e->args->items[0];
    }
    return Value::none();
}

void raise_stop_iteration(VM& vm, Value value) {
    Value exc = value.is_none() ? call_object(vm, Value::object(vm.exc.StopIteration), Args{})
                                : call_object(vm, Value::object(vm.exc.StopIteration), Args{&value, 1});
    if (exc.is_empty()) return;
    vm.raise_value(exc);
}

// ---- resuming ----------------------------------------------------------------------------------

namespace {

const char* kind_word(GenKind k) {
    switch (k) {
    case GenKind::Generator: return "generator";
    case GenKind::Coroutine: return "coroutine";
    case GenKind::AsyncGenerator: return "async generator";
    }
    return "generator";
}

bool pending_is(VM& vm, Type* t) { return vm.has_pending() && is_instance(vm, vm.pending, t); }

// The sub-iterator `g` delegates to when suspended inside a yield-from/await loop
// (YIELD_VALUE followed by a JUMP back to a SEND), else Empty.
Value delegate_of(Generator* g) {
    if (g->state != GenState::Suspended) return Value();
    Frame* f = &g->frame;
    const auto& code = f->code->code->code;
    if (f->ip >= code.size()) return Value();
    Instr next = code[f->ip];
    if (instr_op(next) != Op::JUMP) return Value();
    uint32_t target = instr_arg(next);
    if (target >= code.size() || instr_op(code[target]) != Op::SEND) return Value();
    if (f->sp <= f->stack_base()) return Value();
    return f->sp[-1];
}

// After the delegate of a yield-from finished while being thrown into: drop the receiver and
// continue after the SEND loop (CPython's gen_throw "Termination repetition of SEND loop").
void leave_send_loop(Generator* g) {
    Frame* f = &g->frame;
    const auto& code = f->code->code->code;
    uint32_t send_ip = instr_arg(code[f->ip]);
    --f->sp;
    f->ip = instr_arg(code[send_ip]);
}

bool is_gen_or_coro(VM& vm, Value v) {
    return v.is_obj() && (v.o->type == vm.types.generator || v.o->type == vm.types.coroutine);
}

// close() of a yield-from delegate; false with an error pending.
bool close_iter(VM& vm, Value yf) {
    if (is_gen_or_coro(vm, yf)) return !gen_close(vm, static_cast<Generator*>(yf.o)).is_empty();
    Value meth = get_attr_opt(vm, yf, vm.names.close);
    if (meth.is_empty()) return !vm.has_pending();
    return !vm.call(meth, {}).is_empty();
}

// The frame stopped at a return or an error (not a yield): finish g, applying PEP 479.
SendStatus gen_finished(VM& vm, Generator* g, Value r, Value* out);

// Everything but the resume of a suspended generator with a value (gen_send_ex's fast path).
SendStatus gen_send_slow(VM& vm, Generator* g, Value value, bool throwing, Value* out) {
    *out = Value();
    if (g->state == GenState::Running) {
        if (throwing) vm.pending = Value();
        vm.raise_format(vm.exc.ValueError, "%s already executing", kind_word(g->kind));
        return SendStatus::Error;
    }
    if (g->state == GenState::Finished) {
        if (g->kind == GenKind::Coroutine && !throwing) {
            vm.raise(vm.exc.RuntimeError, "cannot reuse already awaited coroutine");
            return SendStatus::Error;
        }
        if (throwing) return SendStatus::Error;
        *out = Value::none();
        return SendStatus::Return;
    }
    if (g->state == GenState::Created && !throwing && !value.is_none()) {
        vm.raise_format(vm.exc.TypeError, "can't send non-None value to a just-started %s", kind_word(g->kind));
        return SendStatus::Error;
    }
    if (vm.call_depth >= vm.options.recursion_limit) {
        if (throwing) vm.pending = Value();
        vm.raise(vm.exc.RecursionError, "maximum recursion depth exceeded");
        return SendStatus::Error;
    }
    forget_unstarted(vm, g);
    Frame* f = &g->frame;
    Value r;
    if (g->state == GenState::Created && throwing) {
        // Thrown before the first instruction: no handler of the body applies (CPython raises
        // at RESUME, before any try block); the traceback shows the def line.
        if (vm.pending.is_obj() && vm.pending.o->type->layout == Layout::Exception) {
            auto& tb = static_cast<Exception*>(vm.pending.o)->traceback;
            tb.push_front(TracebackEntry{g->code(), kTracebackDefLine});
        }
    } else {
        if (g->state == GenState::Suspended && !throwing) *f->sp++ = value;
        g->state = GenState::Running;
        r = run_frame(vm, f, throwing);
    }
    if (f->flags & kFrameSuspended) {
        g->state = GenState::Suspended;
        *out = r;
        return SendStatus::Yield;
    }
    return gen_finished(vm, g, r, out);
}

SendStatus gen_finished(VM& vm, Generator* g, Value r, Value* out) {
    g->state = GenState::Finished;
    *out = Value();
    if (!r.is_empty()) {
        *out = r;
        return SendStatus::Return;
    }
    // PEP 479: StopIteration (and StopAsyncIteration in async generators) escaping the body.
    bool stop = pending_is(vm, vm.exc.StopIteration);
    bool async_stop = g->kind == GenKind::AsyncGenerator && pending_is(vm, vm.exc.StopAsyncIteration);
    if (stop || async_stop) {
        Value cause = vm.take_pending();
        vm.heap.pin(cause.o);
        std::string msg = std::string(kind_word(g->kind)) + " raised " + (stop ? "StopIteration" : "StopAsyncIteration");
        Value exc = vm.new_exception(vm.exc.RuntimeError, msg);
        if (exc.is_empty()) return SendStatus::Error;
        auto* e = static_cast<Exception*>(exc.o);
        e->cause = cause;
        e->context = cause;
        e->suppress_context = true;
        vm.raise_value(exc);
    }
    return SendStatus::Error;
}

}  // namespace

SendStatus gen_send_ex(VM& vm, Generator* g, Value value, bool throwing, Value* out) {
    // The hot path (send()/SEND/await into a suspended frame) without the checks of the rare
    // states; everything else goes through gen_send_slow.
    if (g->state != GenState::Suspended || throwing || vm.call_depth >= vm.options.recursion_limit)
        return gen_send_slow(vm, g, value, throwing, out);
    Frame* f = &g->frame;
    *f->sp++ = value;
    g->state = GenState::Running;
    Value r = run_frame(vm, f, false);
    if (f->flags & kFrameSuspended) {
        g->state = GenState::Suspended;
        *out = r;
        return SendStatus::Yield;
    }
    return gen_finished(vm, g, r, out);
}

Value gen_send(VM& vm, Generator* g, Value value) {
    Value r;
    SendStatus st = gen_send_ex(vm, g, value, false, &r);
    if (st == SendStatus::Yield) return r;
    if (st == SendStatus::Return) {
        if (g->kind == GenKind::AsyncGenerator) vm.raise(vm.exc.StopAsyncIteration, "");
        else raise_stop_iteration(vm, r);
    }
    return Value::empty();
}

namespace {

// After the delegate of g answered a throw(): a yield passes through; a return or an error
// ends g's yield-from loop and resumes g with the value / the exception.
SendStatus finish_delegated(VM& vm, Generator* g, SendStatus st, Value ret, Value* out) {
    if (st == SendStatus::Yield) {
        *out = ret;
        return SendStatus::Yield;
    }
    leave_send_loop(g);
    if (st == SendStatus::Return) return gen_send_ex(vm, g, ret, false, out);
    return gen_send_ex(vm, g, Value::none(), true, out);
}

// Throw `exc` into g (CPython's _gen_throw); the result as gen_send_ex reports it.
SendStatus gen_throw_ex(VM& vm, Generator* g, Value exc, Value* out) {
    Value yf = delegate_of(g);
    if (!yf.is_empty()) {
        if (is_instance(vm, exc, vm.exc.GeneratorExit)) {
            g->state = GenState::Running;
            bool ok = close_iter(vm, yf);
            g->state = GenState::Suspended;
            if (!ok) return gen_send_ex(vm, g, Value::none(), true, out);
            vm.pending = exc;
            return gen_send_ex(vm, g, Value::none(), true, out);
        }
        Value ret;
        SendStatus st;
        g->state = GenState::Running;
        if (is_gen_or_coro(vm, yf)) {
            st = gen_throw_ex(vm, static_cast<Generator*>(yf.o), exc, &ret);
        } else {
            Value meth = get_attr_opt(vm, yf, vm.names.throw_);
            if (meth.is_empty()) {
                g->state = GenState::Suspended;
                if (vm.has_pending()) return gen_send_ex(vm, g, Value::none(), true, out);
                vm.pending = exc;
                return gen_send_ex(vm, g, Value::none(), true, out);
            }
            ret = vm.call(meth, {exc});
            st = ret.is_empty() ? SendStatus::Error : SendStatus::Yield;
            if (st == SendStatus::Error && pending_is(vm, vm.exc.StopIteration)) {
                ret = stop_iteration_value(vm, vm.take_pending());
                st = SendStatus::Return;
            }
        }
        g->state = GenState::Suspended;
        return finish_delegated(vm, g, st, ret, out);
    }
    vm.pending = exc;
    return gen_send_ex(vm, g, Value::none(), true, out);
}

// throw() arguments that do not make an exception: CPython validates them in the innermost
// generator of a yield-from chain, so the TypeError surfaces there and is thrown into its
// delegating parent.
SendStatus throw_error_from_innermost(VM& vm, Generator* g, Value err, Value* out) {
    Value yf = delegate_of(g);
    if (is_gen_or_coro(vm, yf) && !delegate_of(static_cast<Generator*>(yf.o)).is_empty()) {
        Value ret;
        g->state = GenState::Running;
        SendStatus st = throw_error_from_innermost(vm, static_cast<Generator*>(yf.o), err, &ret);
        g->state = GenState::Suspended;
        return finish_delegated(vm, g, st, ret, out);
    }
    leave_send_loop(g);
    vm.pending = err;
    return gen_send_ex(vm, g, Value::none(), true, out);
}

}  // namespace

Value gen_throw(VM& vm, Generator* g, Value exc) {
    Value r;
    SendStatus st = gen_throw_ex(vm, g, exc, &r);
    if (st == SendStatus::Yield) return r;
    if (st == SendStatus::Return) {
        if (g->kind == GenKind::AsyncGenerator) vm.raise(vm.exc.StopAsyncIteration, "");
        else raise_stop_iteration(vm, r);
    }
    return Value::empty();
}

Value gen_close(VM& vm, Generator* g) {
    if (g->state == GenState::Created) {
        g->state = GenState::Finished;
        forget_unstarted(vm, g);
        return Value::none();
    }
    if (g->state == GenState::Finished) return Value::none();
    Value yf = delegate_of(g);
    bool err = false;
    if (!yf.is_empty()) {
        g->state = GenState::Running;
        err = !close_iter(vm, yf);
        g->state = GenState::Suspended;
    }
    if (!err) {
        Value exc = call_object(vm, Value::object(vm.exc.GeneratorExit), Args{});
        if (exc.is_empty()) return exc;
        vm.pending = exc;
    }
    Value r;
    SendStatus st = gen_send_ex(vm, g, Value::none(), true, &r);
    if (st == SendStatus::Yield) {
        return vm.raise_format(vm.exc.RuntimeError, "%s ignored GeneratorExit", kind_word(g->kind));
    }
    if (st == SendStatus::Return) return Value::none();
    if (pending_is(vm, vm.exc.StopIteration) || pending_is(vm, vm.exc.GeneratorExit)) {
        vm.pending = Value();
        return Value::none();
    }
    return Value::empty();
}

// ---- awaitables ------------------------------------------------------------------------------

namespace {

bool has_next(VM& vm, Value v) { return !type_lookup(type_of(vm, v), vm.names.__next__).is_empty(); }

// CPython's _PyCoro_GetAwaitableIter; Empty without an exception when `o` has no __await__.
Value awaitable_iter(VM& vm, Value o) {
    if (o.is_obj() && (o.o->type == vm.types.coroutine || (o.o->type->flags & kTypeAwaitSelf))) return o;
    Value getter = type_lookup(type_of(vm, o), vm.names.__await__);
    if (getter.is_empty()) return Value();
    Value res = call_descriptor(vm, getter, o, nullptr, 0);
    if (res.is_empty()) return res;
    if (res.is_obj() && res.o->type == vm.types.coroutine)
        return vm.raise(vm.exc.TypeError, "__await__() returned a coroutine");
    if (!has_next(vm, res))
        return vm.raise_format(vm.exc.TypeError, "__await__() returned non-iterator of type '%s'",
                               type_name(vm, res).c_str());
    return res;
}

}  // namespace

Value get_awaitable(VM& vm, Value obj, int where) {
    Value it = awaitable_iter(vm, obj);
    if (it.is_empty()) {
        if (vm.has_pending()) return it;
        const std::string tn = type_name(vm, obj);
        if (where == 1)
            return vm.raise_format(vm.exc.TypeError,
                                   "'async with' received an object from __aenter__ that does not implement __await__: %s",
                                   tn.c_str());
        if (where == 2)
            return vm.raise_format(vm.exc.TypeError,
                                   "'async with' received an object from __aexit__ that does not implement __await__: %s",
                                   tn.c_str());
        return vm.raise_format(vm.exc.TypeError, "object %s can't be used in 'await' expression", tn.c_str());
    }
    if (it.is_obj() && it.o->type == vm.types.coroutine) {
        if (!delegate_of(static_cast<Generator*>(it.o)).is_empty())
            return vm.raise(vm.exc.RuntimeError, "coroutine is being awaited already");
    } else if (it.is_obj() && it.o->type->await_busy != nullptr && it.o->type->await_busy(it.o)) {
        return vm.raise(vm.exc.RuntimeError, "coroutine is being awaited already");
    }
    return it;
}

Value get_aiter(VM& vm, Value obj) {
    Value m = type_lookup(type_of(vm, obj), vm.names.__aiter__);
    if (m.is_empty())
        return vm.raise_format(vm.exc.TypeError, "'async for' requires an object with __aiter__ method, got %s",
                               type_name(vm, obj).c_str());
    Value it = call_descriptor(vm, m, obj, nullptr, 0);
    if (it.is_empty()) return it;
    if (type_lookup(type_of(vm, it), vm.names.__anext__).is_empty())
        return vm.raise_format(vm.exc.TypeError,
                               "'async for' received an object from __aiter__ that does not implement __anext__: %s",
                               type_name(vm, it).c_str());
    return it;
}

namespace {
Value new_asend(VM& vm, Generator* g, Value v);
}

Value get_anext(VM& vm, Value aiter) {
    if (aiter.is_obj() && aiter.o->type == vm.types.async_generator)
        return new_asend(vm, static_cast<Generator*>(aiter.o), Value::none());
    Value m = type_lookup(type_of(vm, aiter), vm.names.__anext__);
    if (m.is_empty())
        return vm.raise_format(vm.exc.TypeError, "'async for' requires an iterator with __anext__ method, got %s",
                               type_name(vm, aiter).c_str());
    Value next = call_descriptor(vm, m, aiter, nullptr, 0);
    if (next.is_empty()) return next;
    Value aw = awaitable_iter(vm, next);
    if (aw.is_empty() && !vm.has_pending())
        return vm.raise_format(vm.exc.TypeError, "'async for' received an invalid object from __anext__: %s",
                               type_name(vm, next).c_str());
    return aw;
}

Value get_yield_from_iter(VM& vm, Value obj, CodeObj* current) {
    if (obj.is_obj() && obj.o->type == vm.types.coroutine) {
        if ((current->code->flags & kCoCoroutine) == 0)
            return vm.raise(vm.exc.TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
        return obj;
    }
    if (obj.is_obj() && obj.o->type == vm.types.generator) return obj;
    return get_iter(vm, obj);
}

Value async_gen_wrap(VM& vm, Value v) {
    auto* w = vm.alloc<AsyncGenWrapped>(gen_types(vm).async_gen_wrapped);
    w->value = v;
    return Value::object(w);
}

// ---- async generator operations --------------------------------------------------------------

namespace {

// CPython's async_gen_init_hooks: the first __anext__/asend/athrow/aclose of an async generator
// calls sys.set_asyncgen_hooks' firstiter with it (asyncio uses this to track generators it
// must aclose at shutdown). False: the hook raised.
bool init_hooks(VM& vm, Generator* g) {
    if (g->ag_hooks_inited) return true;
    g->ag_hooks_inited = true;
    GenTypes& gt = gen_types(vm);
    // The finalizer is captured before firstiter runs, as CPython does.
    auto set = [](Value v) { return !v.is_empty() && !v.is_none(); };
    if (set(gt.asyncgen_finalizer) || set(gt.asyncgen_firstiter)) {
        gt.ag_finalizers[g] = GenTypes::AgFinalizer{set(gt.asyncgen_finalizer) ? gt.asyncgen_finalizer : Value(),
                                                    set(gt.asyncgen_firstiter) ? gt.asyncgen_firstiter : Value(),
                                                    gt.ag_next_seq++};
    }
    Value hook = gt.asyncgen_firstiter;
    if (hook.is_empty() || hook.is_none()) return true;
    vm.heap.pin(g);
    if (hook.is_obj()) vm.heap.pin(hook.o);
    Value arg = Value::object(g);
    Args args;
    args.pos = &arg;
    args.npos = 1;
    return !call_object(vm, hook, args).is_empty();
}

Value new_asend(VM& vm, Generator* g, Value v) {
    if (!init_hooks(vm, g)) return Value::empty();
    auto* op = vm.alloc<AsyncGenOp>(gen_types(vm).async_gen_asend);
    op->gen = g;
    op->sendval = v;
    return Value::object(op);
}

Value new_athrow(VM& vm, Generator* g, Value exc, bool close) {
    if (!init_hooks(vm, g)) return Value::empty();
    auto* op = vm.alloc<AsyncGenOp>(gen_types(vm).async_gen_athrow);
    op->gen = g;
    op->exc = exc;
    op->is_throw = true;
    op->is_close = close;
    return Value::object(op);
}

bool is_wrapped(VM& vm, Value v) { return v.is_obj() && v.o->type == gen_types(vm).async_gen_wrapped; }

// CPython's async_gen_unwrap_value: a wrapped yield completes the awaitable with
// StopIteration(value); anything else passes through to the event loop.
Value unwrap(VM& vm, Generator* g, SendStatus st, Value r) {
    if (st == SendStatus::Return) {
        g->ag_running_async = false;
        g->ag_closed = true;
        return vm.raise(vm.exc.StopAsyncIteration, "");
    }
    if (st == SendStatus::Error) {
        g->ag_running_async = false;
        if (pending_is(vm, vm.exc.StopAsyncIteration) || pending_is(vm, vm.exc.GeneratorExit)) g->ag_closed = true;
        return Value::empty();
    }
    if (is_wrapped(vm, r)) {
        g->ag_running_async = false;
        gen_types(vm).ag_yielded = true;  // its consumer may drop it now (collect_abandoned_...)
        raise_stop_iteration(vm, static_cast<AsyncGenWrapped*>(r.o)->value);
        return Value::empty();
    }
    return r;
}

Value asend_send(VM& vm, AsyncGenOp* op, Value v) {
    Generator* g = op->gen;
    if (op->state == 2)
        return vm.raise(vm.exc.RuntimeError, "cannot reuse already awaited __anext__()/asend()");
    if (op->state == 0) {
        if (g->ag_running_async)
            return vm.raise(vm.exc.RuntimeError, "anext(): asynchronous generator is already running");
        if (v.is_none()) v = op->sendval;
        op->state = 1;
    }
    g->ag_running_async = true;
    Value r;
    SendStatus st = gen_send_ex(vm, g, v, false, &r);
    Value out = unwrap(vm, g, st, r);
    if (out.is_empty()) op->state = 2;
    return out;
}

Value athrow_send(VM& vm, AsyncGenOp* op, Value v) {
    Generator* g = op->gen;
    const char* what = op->is_close ? "aclose()" : "athrow()";
    if (op->state == 2)
        return vm.raise_format(vm.exc.RuntimeError, "cannot reuse already awaited %s/athrow()", "aclose()");
    if (g->state == GenState::Finished) {
        op->state = 2;
        if (op->is_close) return vm.raise(vm.exc.StopIteration, "");
        return vm.raise(vm.exc.StopAsyncIteration, "");
    }
    Value r;
    SendStatus st;
    if (op->state == 0) {
        if (g->ag_running_async) {
            op->state = 2;
            return vm.raise_format(vm.exc.RuntimeError, "%s: asynchronous generator is already running", what);
        }
        if (g->ag_closed) {
            op->state = 2;
            return vm.raise(vm.exc.StopAsyncIteration, "");
        }
        if (!v.is_none()) return vm.raise(vm.exc.RuntimeError, "can't send non-None value to a just-started coroutine");
        op->state = 1;
        g->ag_running_async = true;
        Value exc = op->exc;
        if (op->is_close) {
            g->ag_closed = true;
            exc = call_object(vm, Value::object(vm.exc.GeneratorExit), Args{});
            if (exc.is_empty()) return exc;
        }
        st = gen_throw_ex(vm, g, exc, &r);
    } else {
        st = gen_send_ex(vm, g, v, false, &r);
    }
    if (op->is_close) {
        if (st == SendStatus::Yield && is_wrapped(vm, r)) {
            g->ag_running_async = false;
            op->state = 2;
            return vm.raise(vm.exc.RuntimeError, "async generator ignored GeneratorExit");
        }
        if (st == SendStatus::Yield) return r;
        g->ag_running_async = false;
        op->state = 2;
        if (st == SendStatus::Return || pending_is(vm, vm.exc.StopAsyncIteration) ||
            pending_is(vm, vm.exc.GeneratorExit)) {
            vm.pending = Value();
            return vm.raise(vm.exc.StopIteration, "");
        }
        return Value::empty();
    }
    Value out = unwrap(vm, g, st, r);
    if (out.is_empty()) op->state = 2;
    return out;
}

Value op_send_value(VM& vm, AsyncGenOp* op, Value v) {
    return op->is_throw ? athrow_send(vm, op, v) : asend_send(vm, op, v);
}

// ---- argument helpers ----

// throw(typ[, val[, tb]]) / throw(exc) -> the exception instance, or Empty with TypeError.
Value normalize_throw(VM& vm, const Args& a, size_t first) {
    Value typ = a[static_cast<uint32_t>(first)];
    Value val = a.npos > first + 1 ? a[static_cast<uint32_t>(first + 1)] : Value::none();
    if (a.npos > first + 2) {
        Value tb = a[static_cast<uint32_t>(first + 2)];
        if (!tb.is_none() && !(tb.is_obj() && tb.o->type == gen_types(vm).traceback))
            return vm.raise(vm.exc.TypeError, "throw() third argument must be a traceback object");
    }
    bool is_cls = typ.is_obj() && typ.o->type->layout == Layout::Type &&
                  is_subtype(static_cast<Type*>(typ.o), vm.exc.BaseException);
    if (is_cls) {
        if (is_instance(vm, val, static_cast<Type*>(typ.o))) return val;
        if (val.is_none()) return call_object(vm, typ, Args{});
        if (val.is_obj() && val.o->type == vm.types.tuple) {
            auto& items = static_cast<Tuple*>(val.o)->items;
            return call_object(vm, typ, Args{items.data(), static_cast<uint32_t>(items.size())});
        }
        return call_object(vm, typ, Args{&val, 1});
    }
    if (typ.is_obj() && typ.o->type->layout == Layout::Exception) {
        if (!val.is_none()) return vm.raise(vm.exc.TypeError, "instance exception may not have a separate value");
        return typ;
    }
    return vm.raise_format(vm.exc.TypeError,
                           "exceptions must be classes or instances deriving from BaseException, not %s",
                           type_name(vm, typ).c_str());
}

Generator* as_gen(Value v) { return static_cast<Generator*>(v.o); }
AsyncGenOp* as_op(Value v) { return static_cast<AsyncGenOp*>(v.o); }

std::string addr(const void* p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%p", p);
    return buf;
}

// -- generator / coroutine methods
Value m_iter_self(VM&, const Args& a) { return a[0]; }
Value gen_next(VM& vm, const Args& a) { return gen_send(vm, as_gen(a[0]), Value::none()); }
Value gen_send_m(VM& vm, const Args& a) {
    if ((a.npos != 2 || a.kwnames != nullptr) && !check_args(vm, a, "send", 2, 2)) return Value::empty();
    return gen_send(vm, as_gen(a[0]), a[1]);
}
Value throw_invalid(VM& vm, Generator* g) {
    if (delegate_of(g).is_empty()) return Value::empty();
    Value err = vm.take_pending();
    vm.heap.pin(err.o);
    Value r;
    SendStatus st = throw_error_from_innermost(vm, g, err, &r);
    if (st == SendStatus::Yield) return r;
    if (st == SendStatus::Return) {
        if (g->kind == GenKind::AsyncGenerator) vm.raise(vm.exc.StopAsyncIteration, "");
        else raise_stop_iteration(vm, r);
    }
    return Value::empty();
}
Value gen_throw_m(VM& vm, const Args& a) {
    if (!check_args(vm, a, "throw", 2, 4)) return Value::empty();
    Value exc = normalize_throw(vm, a, 1);
    if (exc.is_empty()) return throw_invalid(vm, as_gen(a[0]));
    return gen_throw(vm, as_gen(a[0]), exc);
}
Value gen_close_m(VM& vm, const Args& a) { return gen_close(vm, as_gen(a[0])); }
Str* gen_qualname_of(VM& vm, Generator* g) {
    return g->renamed ? gen_types(vm).renamed[g].qualname : g->code()->qualname;
}
// g's entry in GenTypes::renamed, created from the code's names on first use.
GenNames& own_names(VM& vm, Generator* g) {
    if (!g->renamed) {
        gen_types(vm).renamed[g] = GenNames{g->code()->name, g->code()->qualname};
        g->renamed = true;
        g->gc_flags |= kGcFinalize;
    }
    return gen_types(vm).renamed[g];
}
Value gen_repr(VM& vm, const Args& a) {
    Generator* g = as_gen(a[0]);
    Str* qs = gen_qualname_of(vm, g);
    std::string q = qs != nullptr ? qs->s : "?";
    const char* kind = g->kind == GenKind::Generator ? "generator" : g->kind == GenKind::Coroutine ? "coroutine"
                                                                                                   : "async_generator";
    return str_value(vm, std::string("<") + kind + " object " + q + " at " + addr(g) + ">");
}
Value gen_name(VM& vm, Value o, GetSetDescr*) {
    Generator* g = as_gen(o);
    Str* s = g->renamed ? gen_types(vm).renamed[g].name : g->code()->name;
    return s != nullptr ? Value::object(s) : Value::none();
}
bool gen_set_name(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty() || !(v.is_obj() && v.o->type->layout == Layout::Str)) {
        vm.raise(vm.exc.TypeError, "__name__ must be set to a string object");
        return false;
    }
    own_names(vm, as_gen(o)).name = static_cast<Str*>(v.o);
    return true;
}
Value gen_qualname(VM& vm, Value o, GetSetDescr*) {
    Str* s = gen_qualname_of(vm, as_gen(o));
    return s != nullptr ? Value::object(s) : Value::none();
}
bool gen_set_qualname(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty() || !(v.is_obj() && v.o->type->layout == Layout::Str)) {
        vm.raise(vm.exc.TypeError, "__qualname__ must be set to a string object");
        return false;
    }
    own_names(vm, as_gen(o)).qualname = static_cast<Str*>(v.o);
    return true;
}
Value gen_running(VM&, Value o, GetSetDescr*) { return Value::boolean(as_gen(o)->state == GenState::Running); }
Value gen_suspended(VM&, Value o, GetSetDescr*) { return Value::boolean(as_gen(o)->state == GenState::Suspended); }
Value gen_code(VM&, Value o, GetSetDescr*) { return Value::object(as_gen(o)->code()); }
Value gen_yieldfrom(VM&, Value o, GetSetDescr*) {
    Value yf = delegate_of(as_gen(o));
    return yf.is_empty() ? Value::none() : yf;
}
Value gen_frame(VM&, Value o, GetSetDescr*) {
    // No frame objects in asy: a finished generator reports None, a live one itself.
    Generator* g = as_gen(o);
    return g->state == GenState::Finished ? Value::none() : o;
}
Value coro_await(VM& vm, const Args& a) {
    auto* w = vm.alloc<CoroWrapper>(gen_types(vm).coroutine_wrapper);
    w->coro = as_gen(a[0]);
    return Value::object(w);
}

// -- coroutine_wrapper
Generator* wrapped(Value v) { return static_cast<CoroWrapper*>(v.o)->coro; }
Value cw_next(VM& vm, const Args& a) { return gen_send(vm, wrapped(a[0]), Value::none()); }
Value cw_send(VM& vm, const Args& a) {
    if (!check_args(vm, a, "send", 2, 2)) return Value::empty();
    return gen_send(vm, wrapped(a[0]), a[1]);
}
Value cw_throw(VM& vm, const Args& a) {
    if (!check_args(vm, a, "throw", 2, 4)) return Value::empty();
    Value exc = normalize_throw(vm, a, 1);
    if (exc.is_empty()) return throw_invalid(vm, wrapped(a[0]));
    return gen_throw(vm, wrapped(a[0]), exc);
}
Value cw_close(VM& vm, const Args& a) { return gen_close(vm, wrapped(a[0])); }

// -- async generator
Value ag_anext(VM& vm, const Args& a) { return new_asend(vm, as_gen(a[0]), Value::none()); }
Value ag_asend(VM& vm, const Args& a) {
    if (!check_args(vm, a, "asend", 2, 2)) return Value::empty();
    return new_asend(vm, as_gen(a[0]), a[1]);
}
Value ag_athrow(VM& vm, const Args& a) {
    if (!check_args(vm, a, "athrow", 2, 4)) return Value::empty();
    Value exc = normalize_throw(vm, a, 1);
    if (exc.is_empty()) return exc;
    return new_athrow(vm, as_gen(a[0]), exc, false);
}
Value ag_aclose(VM& vm, const Args& a) { return new_athrow(vm, as_gen(a[0]), Value(), true); }
Value ag_running(VM&, Value o, GetSetDescr*) { return Value::boolean(as_gen(o)->ag_running_async); }

// -- asend / athrow awaitables
Value op_next(VM& vm, const Args& a) { return op_send_value(vm, as_op(a[0]), Value::none()); }
Value op_send(VM& vm, const Args& a) {
    if (!check_args(vm, a, "send", 2, 2)) return Value::empty();
    return op_send_value(vm, as_op(a[0]), a[1]);
}
Value op_throw(VM& vm, const Args& a) {
    if (!check_args(vm, a, "throw", 2, 4)) return Value::empty();
    AsyncGenOp* op = as_op(a[0]);
    if (op->state == 2) {
        return vm.raise(vm.exc.RuntimeError, op->is_throw ? "cannot reuse already awaited aclose()/athrow()"
                                                          : "cannot reuse already awaited __anext__()/asend()");
    }
    Value exc = normalize_throw(vm, a, 1);
    if (exc.is_empty()) return exc;
    Generator* g = op->gen;
    Value r;
    SendStatus st = gen_throw_ex(vm, g, exc, &r);
    if (op->is_close && st == SendStatus::Yield && is_wrapped(vm, r)) {
        g->ag_running_async = false;
        op->state = 2;
        return vm.raise(vm.exc.RuntimeError, "async generator ignored GeneratorExit");
    }
    Value out = unwrap(vm, g, st, r);
    if (out.is_empty()) op->state = 2;
    return out;
}
Value op_close(VM&, const Args& a) {
    as_op(a[0])->state = 2;
    return Value::none();
}

}  // namespace

void init_generator_types(VM& vm) {
    GenTypes& gt = gen_types(vm);
    Type* object = vm.types.object;
    gt.async_gen_wrapped = new_builtin_type(vm, "async_generator_wrapped_value", object, Layout::Other, nullptr, 0);
    gt.async_gen_asend = new_builtin_type(vm, "async_generator_asend", object, Layout::Other, nullptr, 0);
    gt.async_gen_athrow = new_builtin_type(vm, "async_generator_athrow", object, Layout::Other, nullptr, 0);
    gt.coroutine_wrapper = new_builtin_type(vm, "coroutine_wrapper", object, Layout::Other, nullptr, 0);
    VM* vmp = &vm;
    vm.root_tracers.push_back([vmp](Tracer& t) {
        if (!vmp->interp) return;
        GenTypes& g = vmp->interp->gen_types;
        t.mark(g.async_gen_wrapped);
        t.mark(g.async_gen_asend);
        t.mark(g.async_gen_athrow);
        t.mark(g.coroutine_wrapper);
        t.mark(g.traceback);
        t.mark(g.asyncgen_firstiter);
        t.mark(g.asyncgen_finalizer);
        t.mark(g.asyncgen_hooks);
        for (auto& [gen, fin] : g.ag_finalizers) {  // the generators are weak
            t.mark(fin.hook);
            t.mark(fin.firstiter);
        }
        for (auto& [gen, hook] : g.ag_finalize_queue) {
            t.mark(gen);
            t.mark(hook);
        }
    });
    vm.heap.resurrectors.push_back([vmp](Tracer& t) { resurrect_async_generators(*vmp, t); });
    init_traceback_type(vm);

    for (Type* t : {vm.types.generator, vm.types.coroutine, vm.types.async_generator}) {
        def_getset(vm, t, "__name__", gen_name, gen_set_name);
        def_getset(vm, t, "__qualname__", gen_qualname, gen_set_qualname);
        def_method(vm, t, "__repr__", gen_repr);
    }
    Type* g = vm.types.generator;
    def_method(vm, g, "__iter__", m_iter_self);
    def_method(vm, g, "__next__", gen_next);
    def_method(vm, g, "send", gen_send_m);
    def_method(vm, g, "throw", gen_throw_m);
    def_method(vm, g, "close", gen_close_m);
    def_getset(vm, g, "gi_running", gen_running);
    def_getset(vm, g, "gi_suspended", gen_suspended);
    def_getset(vm, g, "gi_code", gen_code);
    def_getset(vm, g, "gi_yieldfrom", gen_yieldfrom);
    def_getset(vm, g, "gi_frame", gen_frame);

    Type* c = vm.types.coroutine;
    def_method(vm, c, "send", gen_send_m);
    def_method(vm, c, "throw", gen_throw_m);
    def_method(vm, c, "close", gen_close_m);
    def_method(vm, c, "__await__", coro_await);
    def_getset(vm, c, "cr_running", gen_running);
    def_getset(vm, c, "cr_suspended", gen_suspended);
    def_getset(vm, c, "cr_code", gen_code);
    def_getset(vm, c, "cr_await", gen_yieldfrom);
    def_getset(vm, c, "cr_frame", gen_frame);

    Type* w = gt.coroutine_wrapper;
    def_method(vm, w, "__iter__", m_iter_self);
    def_method(vm, w, "__next__", cw_next);
    def_method(vm, w, "send", cw_send);
    def_method(vm, w, "throw", cw_throw);
    def_method(vm, w, "close", cw_close);

    Type* ag = vm.types.async_generator;
    def_method(vm, ag, "__aiter__", m_iter_self);
    def_method(vm, ag, "__anext__", ag_anext);
    def_method(vm, ag, "asend", ag_asend);
    def_method(vm, ag, "athrow", ag_athrow);
    def_method(vm, ag, "aclose", ag_aclose);
    def_getset(vm, ag, "ag_running", ag_running);
    def_getset(vm, ag, "ag_code", gen_code);
    def_getset(vm, ag, "ag_await", gen_yieldfrom);
    def_getset(vm, ag, "ag_frame", gen_frame);

    for (Type* t : {gt.async_gen_asend, gt.async_gen_athrow}) {
        def_method(vm, t, "__await__", m_iter_self);
        def_method(vm, t, "__iter__", m_iter_self);
        def_method(vm, t, "__next__", op_next);
        def_method(vm, t, "send", op_send);
        def_method(vm, t, "throw", op_throw);
        def_method(vm, t, "close", op_close);
    }
}

}  // namespace asy::vm
