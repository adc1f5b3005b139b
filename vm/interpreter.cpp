// The bytecode dispatch loop: runs frames until the entry frame returns or yields, with
// script-to-script calls and returns handled in the loop (no C++ recursion), inline fast paths
// for the common cases, and exception unwinding through the code's exception table.
//
// Rules for code in this loop:
//  1. SAVE_STATE() before anything that can allocate, raise or call out: the collector scans
//     stack[0..sp) of every frame, so the saved sp must cover every live value.
//  2. Operands stay on the stack until the operation is complete (peek, compute, then pop): a
//     collection can run inside any call, and a popped operand is no longer a root.
//  3. Values returned by calls are pinned until the next safe point; at safe points (backward
//     jumps, after calls) every live value is on a frame's stack, so the temp roots made during
//     this run are released back to `run_mark`, and a passed memory limit becomes MemoryError.
//  4. On error, `goto error` with vm.pending set: the current instruction gets a traceback
//     entry and the exception table decides where to continue. Re-raises (RERAISE, bare
//     `raise`) `goto exception_unwind` and add no entry.
//  5. Only an entry frame (kFrameEntry: entered from native code) returns out of run_frame();
//     frames pushed by CALL pop back to their caller inside the loop.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "vm/config.hpp"
#include "vm/init.hpp"
#include "vm/interpreter.hpp"
#include "vm/interp_fast_paths.hpp"
#include "vm/lookup_cache.hpp"
#include "vm/objects/generator.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/iterators.hpp"
#include "vm/ops.hpp"
#include "vm/stack_guard.hpp"
#include "vm/thread_state.hpp"

namespace asy::vm {

bool enter_recursion(VM& vm, const char* where) {
    if (vm.call_depth >= vm.options.recursion_limit || c_stack_exhausted()) {
        vm.raise_format(vm.exc.RecursionError, "maximum recursion depth exceeded%s", where);
        return false;
    }
    ++vm.call_depth;
    return true;
}

namespace {

inline bool is_exception_value(const Value& v) {
    return v.is_obj() && v.o->type->layout == Layout::Exception;
}

// The traceback is printed outermost first and grows as the exception leaves each frame, so
// each frame's entry is a new outermost one (CPython's PyTraceBack_Here prepends too).
void add_traceback(Value exc, CodeObj* co, uint32_t lasti) {
    static_cast<Exception*>(exc.o)->traceback.push_front(TracebackEntry{co, lasti});
}

// CPython's _PyErr_SetObject context chaining: a new exception raised while another is being
// handled gets it as __context__ (cutting any cycle through the new exception).
void set_context(VM& vm, Value exc) {
    if (!is_exception_value(exc)) return;
    auto* e = static_cast<Exception*>(exc.o);
    if (!e->context.is_empty()) return;
    Obj*& done_for = interp_state(vm).context_set_for;
    // A fresh exception (empty traceback) is always computed, even at a reused address.
    if (done_for == exc.o && !e->traceback.empty()) return;
    done_for = exc.o;
    Value handled = frame_handled_exception(vm);
    if (handled.is_none() || handled.identical(exc) || !is_exception_value(handled)) return;
    Value o = handled;
    for (int guard = 0; guard < 10000; ++guard) {
        auto* oe = static_cast<Exception*>(o.o);
        Value c = oe->context;
        if (!is_exception_value(c)) break;
        if (c.identical(exc)) {
            oe->context = Value();
            break;
        }
        o = c;
    }
    e->context = handled;
}


}  // namespace

// ---- the loop ----------------------------------------------------------------------------------

Value run_frame(VM& vm, Frame* entry, bool throwing) {
    if (vm.call_depth >= vm.options.recursion_limit || c_stack_exhausted()) {
        vm.raise(vm.exc.RecursionError, "maximum recursion depth exceeded while calling a Python object");
        if ((entry->flags & kFrameGenerator) == 0) free_frame(vm, entry);
        return Value::empty();
    }
    ++vm.call_depth;
    entry->flags = static_cast<uint8_t>((entry->flags | kFrameEntry) & ~kFrameSuspended);
    entry->back = vm.frame;
    vm.frame = entry;
    const size_t run_mark = vm.heap.mark();

    Frame* f = entry;
    CodeObj* co;
    const Instr* code_start;
    const Instr* ip;
    Value* sp;
    Value* fast;
    const Value* consts;
    Str* const* names;
    Instr instr = 0;
    uint32_t arg = 0;
    // Shared by the CALL family.
    Tuple* call_kwnames = nullptr;
    uint32_t call_n = 0, call_extra = 0;

#define LOAD_STATE()                                   \
    do {                                               \
        co = f->code;                                  \
        code_start = co->code->code.data();            \
        ip = code_start + f->ip;                       \
        sp = f->sp;                                    \
        fast = f->localsplus();                        \
        consts = co->constants.data();                 \
        names = co->names.data();                      \
    } while (0)
#define SAVE_STATE() (f->ip = static_cast<uint32_t>(ip - code_start), f->sp = sp)
#define TOP() (sp[-1])
#define PEEK(n) (sp[-static_cast<std::ptrdiff_t>(n)])
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define SAFE_POINT()                                               \
    do {                                                           \
        vm.heap.release(run_mark);                                 \
        if (vm.gil_drop_request.load(std::memory_order_relaxed)) { \
            SAVE_STATE();                                          \
            yield_interpreter(vm);                                 \
        }                                                          \
        if (vm.heap.over_limit) {                                  \
            SAVE_STATE();                                          \
            vm.heap.over_limit = false;                            \
            vm.raise(vm.exc.MemoryError, "");                      \
            goto error;                                            \
        }                                                          \
    } while (0)
#define FETCH() (instr = *ip++, arg = instr >> 8)
#ifdef ASY_CHECK_STACK
    // Debug builds (-DASY_CHECK_STACK): the value stack stays within the compiler's max_stack
    // (generator frames have exactly that many slots), checked before every instruction and push.
    auto check_stack = [&](const Value* top) {
        if (top <= f->stack_base() + co->code->max_stack) return;
        uint32_t at = ip > code_start ? static_cast<uint32_t>(ip - code_start) - 1 : 0;
        std::fprintf(stderr, "stack overflow past max_stack %d in %s at %u (%s)\n", co->code->max_stack,
                     co->code->qualname.c_str(), at, op_name(instr_op(code_start[at])));
        std::abort();
    };
#undef PUSH
#define PUSH(v) (check_stack(sp + 1), *sp++ = (v))
#undef FETCH
#define FETCH() (check_stack(sp), instr = *ip++, arg = instr >> 8)
#endif

#if ASY_COMPUTED_GOTO
    static const void* const kLabels[] = {
#define ASY_OP(name, kind, pops, pushes) &&L_##name,
#include "vm/opcodes.def"
#undef ASY_OP
    };
#define ASY_CASE(name) L_##name:
#define ASY_DISPATCH()                     \
    do {                                   \
        FETCH();                           \
        goto* kLabels[instr & 0xff];       \
    } while (0)
#else
#define ASY_CASE(name) case Op::name:
#define ASY_DISPATCH() goto dispatch
#endif
#define ASY_NEXT() ASY_DISPATCH()

    LOAD_STATE();
    if (throwing) {
        // generator.throw(): like CPython, a thrown exception gets a traceback entry for the
        // frame but no implicit __context__.
        if (is_exception_value(vm.pending)) {
            uint32_t lasti = ip > code_start ? static_cast<uint32_t>(ip - code_start - 1) : 0;
            add_traceback(vm.pending, co, lasti);
        }
        goto exception_unwind;
    }
#if ASY_COMPUTED_GOTO
    ASY_DISPATCH();
#else
dispatch:
    FETCH();
    switch (static_cast<Op>(instr & 0xff)) {
#endif

    // -- stack manipulation
    ASY_CASE(NOP) { ASY_NEXT(); }
    ASY_CASE(POP_TOP) {
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(PUSH_NULL) {
        PUSH(Value());
        ASY_NEXT();
    }
    ASY_CASE(COPY) {
        Value v = PEEK(arg);
        PUSH(v);
        ASY_NEXT();
    }
    ASY_CASE(SWAP) {
        Value t = TOP();
        TOP() = PEEK(arg);
        PEEK(arg) = t;
        ASY_NEXT();
    }

    // -- constants and variables
    ASY_CASE(LOAD_CONST) {
        PUSH(consts[arg]);
        ASY_NEXT();
    }
    ASY_CASE(LOAD_FAST) {
        Value v = fast[arg];
        if (v.is_empty()) {
            SAVE_STATE();
            interp::unbound_local(vm, co, arg);
            goto error;
        }
        PUSH(v);
        ASY_NEXT();
    }
    ASY_CASE(STORE_FAST) {
        fast[arg] = POP();
        ASY_NEXT();
    }
    ASY_CASE(DELETE_FAST) {
        if (fast[arg].is_empty()) {
            SAVE_STATE();
            interp::unbound_local(vm, co, arg);
            goto error;
        }
        fast[arg] = Value();
        ASY_NEXT();
    }
    ASY_CASE(LOAD_DEREF) {
        auto* cell = static_cast<Cell*>(fast[co->varnames.size() + arg].o);
        if (cell->value.is_empty()) {
            SAVE_STATE();
            interp::unbound_deref(vm, co, arg);
            goto error;
        }
        PUSH(cell->value);
        ASY_NEXT();
    }
    ASY_CASE(STORE_DEREF) {
        static_cast<Cell*>(fast[co->varnames.size() + arg].o)->value = POP();
        ASY_NEXT();
    }
    ASY_CASE(DELETE_DEREF) {
        auto* cell = static_cast<Cell*>(fast[co->varnames.size() + arg].o);
        if (cell->value.is_empty()) {
            SAVE_STATE();
            interp::unbound_deref(vm, co, arg);
            goto error;
        }
        cell->value = Value();
        ASY_NEXT();
    }
    ASY_CASE(LOAD_CLOSURE) {
        PUSH(fast[co->varnames.size() + arg]);
        ASY_NEXT();
    }
    ASY_CASE(LOAD_CLASSDEREF) {
        Value v;
        if (f->locals != nullptr) v = dict_get_str(f->locals, co->cellvars[arg]);
        if (v.is_empty()) {
            auto* cell = static_cast<Cell*>(fast[co->varnames.size() + arg].o);
            if (cell->value.is_empty()) {
                SAVE_STATE();
                interp::unbound_deref(vm, co, arg);
                goto error;
            }
            v = cell->value;
        }
        PUSH(v);
        ASY_NEXT();
    }
    ASY_CASE(LOAD_GLOBAL) {
        // The cache holds the entry position (version2) in globals (kGlobal) or builtins
        // (kBuiltin): a globals hit is still valid while that entry holds the interned name
        // itself; a builtins hit also needs the globals' key set unchanged (versions change only
        // with the key set, so rebinding a global does not invalidate anything).
        Str* name = names[arg];
        InlineCache* c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
        if (c->key == f->globals) {
            size_t ix = static_cast<size_t>(c->version2);
            if (c->kind == cache::kGlobal) {
                auto& es = f->globals->entries;
                if (ix < es.size() && es[ix].key.is_obj() && es[ix].key.o == name) {
                    PUSH(es[ix].value);
                    ASY_NEXT();
                }
            } else if (c->kind == cache::kBuiltin && c->version == f->globals->version &&
                       c->key2 == f->builtins) {
                auto& es = f->builtins->entries;
                if (ix < es.size() && es[ix].key.is_obj() && es[ix].key.o == name) {
                    PUSH(es[ix].value);
                    ASY_NEXT();
                }
            }
        }
        SAVE_STATE();
        Value v = load_global_slow(vm, f->globals, f->builtins, name, c);
        if (v.is_empty()) goto error;
        PUSH(v);
        ASY_NEXT();
    }
    ASY_CASE(STORE_GLOBAL) {
        SAVE_STATE();
        dict_set_str(vm, f->globals, names[arg], TOP());
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(DELETE_GLOBAL) {
        if (!dict_del_str(f->globals, names[arg])) {
            SAVE_STATE();
            interp::name_error(vm, names[arg]);
            goto error;
        }
        ASY_NEXT();
    }
    ASY_CASE(LOAD_NAME) {
        Str* name = names[arg];
        Value v;
        InlineCache* c = nullptr;
        if (f->locals != nullptr) {
            // Module-level loops: the namespace entry found by position hint, as for instance
            // attributes; a site whose name was never found by pointer stops trying. A builtin
            // used at module level (kBuiltin) is cached as LOAD_GLOBAL does: its builtins entry,
            // valid while the namespace's key set is unchanged.
            c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
            if (c->kind == cache::kBuiltin) {
                if (c->key == f->locals && c->version == f->locals->version && c->key2 == f->builtins) {
                    auto& bs = f->builtins->entries;
                    size_t ix = static_cast<size_t>(c->version2);
                    if (ix < bs.size() && bs[ix].key.is_obj() && bs[ix].key.o == name) {
                        PUSH(bs[ix].value);
                        ASY_NEXT();
                    }
                }
                c->kind = cache::kEmpty;
            }
            if (c->kind != cache::kUncacheable) {
                auto& es = f->locals->entries;
                size_t h = static_cast<size_t>(c->version2);
                if (h < es.size() && es[h].key.is_obj() && es[h].key.o == name) {
                    PUSH(es[h].value);
                    ASY_NEXT();
                }
                if (name_entry_scan(f->locals, name, c) == nullptr) c->kind = cache::kUncacheable;
            }
            v = dict_get_str(f->locals, name);
        }
        if (v.is_empty() && f->globals != f->locals) v = dict_get_str(f->globals, name);
        if (v.is_empty()) {
            v = dict_get_str(f->builtins, name);
            if (v.is_empty()) {
                SAVE_STATE();
                interp::name_error(vm, name);
                goto error;
            }
            if (c != nullptr && f->locals == f->globals) load_name_cache_builtin(f->locals, f->builtins, name, c);
        }
        PUSH(v);
        ASY_NEXT();
    }
    ASY_CASE(STORE_NAME) {
        SAVE_STATE();
        if (f->locals == nullptr) {
            vm.raise_format(vm.exc.SystemError, "no locals found when storing '%s'", names[arg]->s.c_str());
            goto error;
        }
        {
            InlineCache* c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
            auto& es = f->locals->entries;
            size_t h = static_cast<size_t>(c->version2);
            if (f->locals->type == vm.types.dict && h < es.size() && es[h].key.is_obj() &&
                es[h].key.o == names[arg]) {
                es[h].value = TOP();   // a value update: the dict's keys version stays
                --sp;
                ASY_NEXT();
            }
            dict_set_str(vm, f->locals, names[arg], TOP());
            if (f->locals->type == vm.types.dict && c->kind != cache::kUncacheable &&
                name_entry_scan(f->locals, names[arg], c) == nullptr)
                c->kind = cache::kUncacheable;
        }
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(DELETE_NAME) {
        if (f->locals == nullptr || !dict_del_str(f->locals, names[arg])) {
            SAVE_STATE();
            interp::name_error(vm, names[arg]);
            goto error;
        }
        ASY_NEXT();
    }

    // -- attributes and items
    ASY_CASE(LOAD_ATTR) {
        {
            Value obj = TOP();
            InlineCache* c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
            if (obj.is_obj() && cache::type_matches(c, obj.o)) {
                if (c->kind == cache::kInstDict && obj.o->dict) {
                    Dict::Entry* e = inst_attr_entry(obj.o->dict, names[arg], c);
                    Value v = e != nullptr ? e->value : dict_get_str(obj.o->dict, names[arg]);
                    if (!v.is_empty()) {
                        TOP() = v;
                        ASY_NEXT();
                    }
                }
            } else {
                cache::fill_load_attr(vm, c, obj, names[arg]);
            }
        }
        SAVE_STATE();
        Value v = get_attr(vm, TOP(), names[arg]);
        if (v.is_empty()) goto error;
        TOP() = v;
        ASY_NEXT();
    }
    ASY_CASE(STORE_ATTR) {
        SAVE_STATE();
        {
            Value obj = TOP();
            InlineCache* c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
            if (obj.is_obj() && cache::type_matches(c, obj.o)) {
                if (c->kind == cache::kInstDict) {
                    if (!obj.o->dict) obj.o->dict = new_dict(vm);
                    Dict* d = obj.o->dict;
                    size_t h = static_cast<size_t>(c->version2);
                    if (h < d->entries.size() && d->entries[h].key.is_obj() && d->entries[h].key.o == names[arg]) {
                        d->entries[h].value = PEEK(2);
                    } else {
                        // Usually a new attribute (in __init__): it lands at the end.
                        dict_set_str(vm, d, names[arg], PEEK(2));
                        if (!d->entries.empty() && d->entries.back().key.is_obj() &&
                            d->entries.back().key.o == names[arg])
                            c->version2 = d->entries.size() - 1;
                        else
                            inst_attr_scan(d, names[arg], c);
                    }
                    sp -= 2;
                    ASY_NEXT();
                }
            } else {
                cache::fill_store_attr(vm, c, obj, names[arg]);
            }
        }
        if (!set_attr(vm, TOP(), names[arg], PEEK(2))) goto error;
        sp -= 2;
        ASY_NEXT();
    }
    ASY_CASE(DELETE_ATTR) {
        SAVE_STATE();
        if (!del_attr(vm, TOP(), names[arg])) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(LOAD_METHOD) {
        Value obj = TOP();
        {
            InlineCache* c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
            if (obj.is_obj() && cache::type_matches(c, obj.o)) {
                if (c->kind == cache::kMethod) {
                    Value v;
                    if (obj.o->dict) v = dict_get_str(obj.o->dict, names[arg]);
                    if (v.is_empty()) {
                        TOP() = c->value;
                        PUSH(obj);
                    } else {
                        TOP() = Value();
                        PUSH(v);
                    }
                    ASY_NEXT();
                }
                if (c->kind == cache::kInstDict && obj.o->dict) {
                    Value v = dict_get_str(obj.o->dict, names[arg]);
                    if (!v.is_empty()) {
                        TOP() = Value();
                        PUSH(v);
                        ASY_NEXT();
                    }
                }
            } else {
                cache::fill_load_method(vm, c, obj, names[arg]);
            }
        }
        SAVE_STATE();
        Value m;
        bool is_method = get_method(vm, obj, names[arg], &m);
        if (m.is_empty()) goto error;
        if (is_method) {
            TOP() = m;
            PUSH(obj);
        } else {
            TOP() = Value();
            PUSH(m);
        }
        ASY_NEXT();
    }
    ASY_CASE(BINARY_SUBSCR) {
        Value container = PEEK(2), key = TOP();
        if (container.is_obj() && key.is_int()) {
            Type* t = container.o->type;
            size_t idx;
            if (t == vm.types.list) {
                auto& items = static_cast<List*>(container.o)->items;
                if (fast_index(key.i, items.size(), &idx)) {
                    --sp;
                    TOP() = items[idx];
                    ASY_NEXT();
                }
            } else if (t == vm.types.tuple) {
                auto& items = static_cast<Tuple*>(container.o)->items;
                if (fast_index(key.i, items.size(), &idx)) {
                    --sp;
                    TOP() = items[idx];
                    ASY_NEXT();
                }
            }
        }
        SAVE_STATE();
        if (container.is_obj() && container.o->type == vm.types.dict) {
            Value v = dict_get(vm, static_cast<Dict*>(container.o), key);
            if (!v.is_empty()) {
                --sp;
                TOP() = v;
                ASY_NEXT();
            }
            if (vm.has_pending()) goto error;
        }
        Value v = get_item(vm, container, key);
        if (v.is_empty()) goto error;
        --sp;
        TOP() = v;
        ASY_NEXT();
    }
    ASY_CASE(STORE_SUBSCR) {
        Value key = TOP(), container = PEEK(2), value = PEEK(3);
        if (container.is_obj() && key.is_int() && container.o->type == vm.types.list) {
            auto& items = static_cast<List*>(container.o)->items;
            size_t idx;
            if (fast_index(key.i, items.size(), &idx)) {
                items[idx] = value;
                sp -= 3;
                ASY_NEXT();
            }
        }
        SAVE_STATE();
        if (container.is_obj() && container.o->type == vm.types.dict) {
            if (!dict_set(vm, static_cast<Dict*>(container.o), key, value)) goto error;
        } else if (!set_item(vm, container, key, value)) {
            goto error;
        }
        sp -= 3;
        ASY_NEXT();
    }
    ASY_CASE(DELETE_SUBSCR) {
        SAVE_STATE();
        if (!del_item(vm, PEEK(2), TOP())) goto error;
        sp -= 2;
        ASY_NEXT();
    }
    ASY_CASE(BUILD_SLICE) {
        SAVE_STATE();
        auto* s = vm.alloc<Slice>(vm.types.slice);
        if (arg == 3) {
            s->start = PEEK(3);
            s->stop = PEEK(2);
            s->step = TOP();
        } else {
            s->start = PEEK(2);
            s->stop = TOP();
            s->step = Value::none();
        }
        sp -= arg;
        PUSH(Value::object(s));
        ASY_NEXT();
    }

    // -- operators
    ASY_CASE(BINARY_OP) {
        Value r;
        if (fast_binary(static_cast<BinOpKind>(arg), PEEK(2), TOP(), &r)) {
            --sp;
            TOP() = r;
            ASY_NEXT();
        }
        SAVE_STATE();
        r = binary_op(vm, static_cast<BinOpKind>(arg), PEEK(2), TOP());
        if (r.is_empty()) goto error;
        --sp;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(UNARY_POSITIVE) {
        Value v = TOP();
        if (v.is_int() || v.is_float()) ASY_NEXT();
        SAVE_STATE();
        Value r = unary_op(vm, Op::UNARY_POSITIVE, v);
        if (r.is_empty()) goto error;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(UNARY_NEGATIVE) {
        Value v = TOP();
        if (v.is_int() && v.i != INT64_MIN) {
            TOP() = Value::integer(-v.i);
            ASY_NEXT();
        }
        if (v.is_float()) {
            TOP() = Value::real(-v.f);
            ASY_NEXT();
        }
        SAVE_STATE();
        Value r = unary_op(vm, Op::UNARY_NEGATIVE, v);
        if (r.is_empty()) goto error;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(UNARY_INVERT) {
        Value v = TOP();
        if (v.is_int()) {
            TOP() = Value::integer(~v.i);
            ASY_NEXT();
        }
        SAVE_STATE();
        Value r = unary_op(vm, Op::UNARY_INVERT, v);
        if (r.is_empty()) goto error;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(UNARY_NOT) {
        Value v = TOP();
        if (v.is_bool()) {
            TOP() = Value::boolean(!v.b);
            ASY_NEXT();
        }
        SAVE_STATE();
        int t = truthy(vm, v);
        if (t < 0) goto error;
        TOP() = Value::boolean(t == 0);
        ASY_NEXT();
    }
    ASY_CASE(COMPARE_OP) {
        bool b;
        auto kind = static_cast<CompareKind>(arg);
        if (fast_compare(vm, kind, PEEK(2), TOP(), &b)) {
            // A comparison feeding a conditional jump (if/while tests) branches directly
            // instead of materialising the bool (CPython's COMPARE_OP_*_JUMP).
            Instr next = *ip;
            Op next_op = instr_op(next);
            if (next_op == Op::POP_JUMP_IF_FALSE || next_op == Op::POP_JUMP_IF_TRUE) {
                sp -= 2;
                ++ip;
                if (b == (next_op == Op::POP_JUMP_IF_TRUE)) ip = code_start + instr_arg(next);
                ASY_NEXT();
            }
            --sp;
            TOP() = Value::boolean(b);
            ASY_NEXT();
        }
        SAVE_STATE();
        Value r = compare(vm, kind, PEEK(2), TOP());
        if (r.is_empty()) goto error;
        --sp;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(IS_OP) {
        bool same = PEEK(2).identical(TOP());
        --sp;
        TOP() = Value::boolean(same != (arg != 0));
        ASY_NEXT();
    }
    ASY_CASE(CONTAINS_OP) {
        SAVE_STATE();
        int r = contains(vm, TOP(), PEEK(2));
        if (r < 0) goto error;
        --sp;
        TOP() = Value::boolean((r != 0) != (arg != 0));
        ASY_NEXT();
    }

    // -- building values
    ASY_CASE(BUILD_TUPLE) {
        SAVE_STATE();
        Tuple* t = new_tuple(vm, sp - arg, arg);
        sp -= arg;
        PUSH(Value::object(t));
        ASY_NEXT();
    }
    ASY_CASE(BUILD_LIST) {
        SAVE_STATE();
        List* l = new_list(vm, arg);
        l->items.assign(sp - arg, sp);
        sp -= arg;
        PUSH(Value::object(l));
        ASY_NEXT();
    }
    ASY_CASE(BUILD_SET) {
        SAVE_STATE();
        Set* s = new_set(vm);
        PUSH(Value::object(s));  // keep it rooted while hashing items
        SAVE_STATE();
        for (uint32_t i = 0; i < arg; ++i)
            if (!set_add(vm, s, sp[-1 - static_cast<int>(arg) + static_cast<int>(i)])) goto error;
        sp -= arg + 1;
        PUSH(Value::object(s));
        ASY_NEXT();
    }
    ASY_CASE(BUILD_MAP) {
        SAVE_STATE();
        Dict* d = new_dict(vm);
        PUSH(Value::object(d));
        SAVE_STATE();
        Value* base = sp - 1 - 2 * arg;
        for (uint32_t i = 0; i < arg; ++i)
            if (!dict_set(vm, d, base[2 * i], base[2 * i + 1])) goto error;
        sp = base;
        PUSH(Value::object(d));
        ASY_NEXT();
    }
    ASY_CASE(BUILD_STRING) {
        SAVE_STATE();
        Value s = interp::build_string(vm, sp - arg, arg);
        if (s.is_empty()) goto error;
        sp -= arg;
        PUSH(s);
        ASY_NEXT();
    }
    ASY_CASE(LIST_APPEND) {
        static_cast<List*>(PEEK(arg + 1).o)->items.push_back(TOP());
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(SET_ADD) {
        SAVE_STATE();
        if (!set_add(vm, static_cast<Set*>(PEEK(arg + 1).o), TOP())) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(MAP_ADD) {
        SAVE_STATE();
        if (!dict_set(vm, static_cast<Dict*>(PEEK(arg + 2).o), PEEK(2), TOP())) goto error;
        sp -= 2;
        ASY_NEXT();
    }
    ASY_CASE(LIST_EXTEND) {
        SAVE_STATE();
        if (!interp::list_extend(vm, PEEK(arg + 1), TOP())) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(SET_UPDATE) {
        SAVE_STATE();
        if (!interp::set_update(vm, PEEK(arg + 1), TOP())) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(DICT_UPDATE) {
        SAVE_STATE();
        if (!interp::dict_update(vm, PEEK(arg + 1), TOP())) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(DICT_MERGE) {
        SAVE_STATE();
        if (!interp::dict_merge(vm, PEEK(arg + 1), TOP(), PEEK(arg + 3))) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(LIST_TO_TUPLE) {
        SAVE_STATE();
        auto& items = static_cast<List*>(TOP().o)->items;
        Tuple* t = new_tuple(vm, items.data(), items.size());
        TOP() = Value::object(t);
        ASY_NEXT();
    }
    ASY_CASE(UNPACK_SEQUENCE) {
        Value seq = TOP();
        if (seq.is_obj()) {
            const std::vector<Value>* items = nullptr;
            if (seq.o->type == vm.types.tuple) items = &static_cast<Tuple*>(seq.o)->items;
            else if (seq.o->type == vm.types.list) items = &static_cast<List*>(seq.o)->items;
            if (items != nullptr && items->size() == arg) {
                --sp;
                for (uint32_t i = arg; i-- > 0;) PUSH((*items)[i]);
                ASY_NEXT();
            }
        }
        SAVE_STATE();
        // Results are written above the sequence, then moved down over it.
        if (!interp::unpack(vm, seq, arg, -1, sp)) goto error;
        for (uint32_t i = 0; i < arg; ++i) sp[-1 + static_cast<int>(i)] = sp[i];
        sp += static_cast<std::ptrdiff_t>(arg) - 1;
        ASY_NEXT();
    }
    ASY_CASE(UNPACK_EX) {
        SAVE_STATE();
        uint32_t before = arg & 0xff, after = arg >> 8;
        uint32_t total = before + 1 + after;
        if (!interp::unpack(vm, TOP(), before, static_cast<int32_t>(after), sp)) goto error;
        for (uint32_t i = 0; i < total; ++i) sp[-1 + static_cast<int>(i)] = sp[i];
        sp += total - 1;
        ASY_NEXT();
    }
    ASY_CASE(FORMAT_VALUE) {
        SAVE_STATE();
        bool has_spec = (arg & 4) != 0;
        Value spec = has_spec ? TOP() : Value();
        Value v = has_spec ? PEEK(2) : TOP();
        Value r = interp::format_value(vm, v, arg, spec);
        if (r.is_empty()) goto error;
        if (has_spec) --sp;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(MAKE_FUNCTION) {
        SAVE_STATE();
        int nextra = __builtin_popcount(arg & 0xf);
        Value fn = interp::make_function(vm, f, sp - 1 - nextra, arg);
        if (fn.is_empty()) goto error;
        sp -= nextra + 1;
        PUSH(fn);
        ASY_NEXT();
    }

    // -- control flow
    ASY_CASE(JUMP) {
        const Instr* target = code_start + arg;
        bool backward = target < ip;
        ip = target;
        if (backward) SAFE_POINT();
        ASY_NEXT();
    }
    ASY_CASE(POP_JUMP_IF_FALSE) {
        Value v = TOP();
        int t;
        if (v.is_bool()) t = v.b;
        else if (v.is_int()) t = v.i != 0;
        else if (v.is_none()) t = 0;
        else {
            SAVE_STATE();
            t = truthy(vm, v);
            if (t < 0) goto error;
        }
        --sp;
        if (!t) ip = code_start + arg;
        ASY_NEXT();
    }
    ASY_CASE(POP_JUMP_IF_TRUE) {
        Value v = TOP();
        int t;
        if (v.is_bool()) t = v.b;
        else if (v.is_int()) t = v.i != 0;
        else if (v.is_none()) t = 0;
        else {
            SAVE_STATE();
            t = truthy(vm, v);
            if (t < 0) goto error;
        }
        --sp;
        if (t) ip = code_start + arg;
        ASY_NEXT();
    }
    ASY_CASE(POP_JUMP_IF_NONE) {
        if (POP().is_none()) ip = code_start + arg;
        ASY_NEXT();
    }
    ASY_CASE(POP_JUMP_IF_NOT_NONE) {
        if (!POP().is_none()) ip = code_start + arg;
        ASY_NEXT();
    }
    ASY_CASE(JUMP_IF_FALSE_OR_POP) {
        Value v = TOP();
        int t;
        if (v.is_bool()) t = v.b;
        else {
            SAVE_STATE();
            t = truthy(vm, v);
            if (t < 0) goto error;
        }
        if (!t) ip = code_start + arg;
        else --sp;
        ASY_NEXT();
    }
    ASY_CASE(JUMP_IF_TRUE_OR_POP) {
        Value v = TOP();
        int t;
        if (v.is_bool()) t = v.b;
        else {
            SAVE_STATE();
            t = truthy(vm, v);
            if (t < 0) goto error;
        }
        if (t) ip = code_start + arg;
        else --sp;
        ASY_NEXT();
    }
    ASY_CASE(GET_ITER) {
        SAVE_STATE();
        Value it = get_iter(vm, TOP());
        if (it.is_empty()) goto error;
        TOP() = it;
        ASY_NEXT();
    }
    ASY_CASE(FOR_ITER) {
        Value it = TOP();
        Value v;
        if (it.is_obj()) {
            Type* t = it.o->type;
            if (t == vm.iter_types[kRangeIter]) {
                v = range_iter_next(static_cast<RangeIterator*>(it.o));
                goto for_iter_done;
            }
            if (t == vm.iter_types[kListIter]) {
                v = list_iter_next(static_cast<ListIterator*>(it.o));
                goto for_iter_done;
            }
            if (t == vm.iter_types[kTupleIter]) {
                v = tuple_iter_next(static_cast<TupleIterator*>(it.o));
                goto for_iter_done;
            }
            if (t == vm.types.generator) {
                SAVE_STATE();
                SendStatus st = gen_send_ex(vm, static_cast<Generator*>(it.o), Value::none(), false, &v);
                if (st == SendStatus::Error) goto error;
                if (st == SendStatus::Return) v = Value();
                goto for_iter_done;
            }
        }
        SAVE_STATE();
        v = iter_next(vm, it);
        if (v.is_empty() && vm.has_pending()) goto error;
    for_iter_done:
        if (v.is_empty()) {
            --sp;
            ip = code_start + arg;
        } else {
            PUSH(v);
        }
        ASY_NEXT();
    }
    ASY_CASE(RETURN_VALUE) {
        Value result = TOP();
        --sp;
        Frame* done = f;
        vm.frame = f->back;
        --vm.call_depth;
        if (done->flags & kFrameEntry) {
            if (done->flags & kFrameGenerator) SAVE_STATE();
            else free_frame(vm, done);
            vm.heap.release(run_mark);
            if (result.is_obj()) vm.heap.pin(result.o);
            return result;
        }
        f = done->back;
        free_frame(vm, done);
        LOAD_STATE();
        PUSH(result);
        ASY_NEXT();
    }

    // -- calls
    ASY_CASE(CALL) {
        call_kwnames = nullptr;
        call_n = arg;
        call_extra = 0;
        goto do_call;
    }
    ASY_CASE(CALL_KW) {
        call_kwnames = static_cast<Tuple*>(TOP().o);
        call_n = arg;
        call_extra = 1;
        goto do_call;
    }
    ASY_CASE(CALL_FUNCTION_EX) {
        SAVE_STATE();
        bool has_kw = (arg & 1) != 0;
        Value kwargs = has_kw ? TOP() : Value();
        Value* p = has_kw ? sp - 1 : sp;
        Value* bottom = p - 3;
        Value callable = bottom[0], self = bottom[1];
        if (callable.is_empty()) {
            callable = self;
            self = Value();
        }
        Value r = interp::call_ex(vm, callable, self, p[-1], kwargs);
        if (r.is_empty()) goto error;
        sp = bottom;
        PUSH(r);
        SAFE_POINT();
        ASY_NEXT();
    }
    ASY_CASE(LOAD_BUILD_CLASS) {
        Value v = dict_get_str(f->builtins, vm.intern("__build_class__"));
        if (v.is_empty()) {
            SAVE_STATE();
            vm.raise(vm.exc.NameError, "__build_class__ not found");
            goto error;
        }
        PUSH(v);
        ASY_NEXT();
    }

    // -- modules
    ASY_CASE(IMPORT_NAME) {
        SAVE_STATE();
        int64_t level = 0;
        if (PEEK(2).is_int()) level = PEEK(2).i;
        Value m = import_name(vm, names[arg], f->globals, TOP(), level);
        if (m.is_empty()) goto error;
        --sp;
        TOP() = m;
        ASY_NEXT();
    }
    ASY_CASE(IMPORT_FROM) {
        SAVE_STATE();
        Value v = import_from(vm, TOP(), names[arg]);
        if (v.is_empty()) goto error;
        PUSH(v);
        ASY_NEXT();
    }
    ASY_CASE(IMPORT_STAR) {
        SAVE_STATE();
        if (f->locals == nullptr) {
            vm.raise(vm.exc.SystemError, "no locals found during 'import *'");
            goto error;
        }
        if (!import_star(vm, TOP(), f->locals)) goto error;
        --sp;
        ASY_NEXT();
    }
    ASY_CASE(SETUP_ANNOTATIONS) {
        SAVE_STATE();
        if (f->locals == nullptr) {
            vm.raise(vm.exc.SystemError, "no locals found when setting up annotations");
            goto error;
        }
        if (dict_get_str(f->locals, vm.names.__annotations__).is_empty())
            dict_set_str(vm, f->locals, vm.names.__annotations__, Value::object(new_dict(vm)));
        ASY_NEXT();
    }

    // -- exceptions
    ASY_CASE(RAISE_VARARGS) {
        SAVE_STATE();
        if (arg == 0) {
            Value exc = frame_handled_exception(vm);
            if (exc.is_none()) {
                vm.raise(vm.exc.RuntimeError, "No active exception to reraise");
                goto error;
            }
            vm.pending = exc;
            goto exception_unwind;
        }
        if (arg == 2) interp::do_raise(vm, PEEK(2), TOP(), true);
        else interp::do_raise(vm, TOP(), Value(), false);
        sp -= arg;
        interp_state(vm).context_set_for = nullptr;  // a raise statement always sets __context__
        goto error;
    }
    ASY_CASE(RERAISE) {
        vm.pending = TOP();
        --sp;
        SAVE_STATE();
        goto exception_unwind;
    }
    ASY_CASE(PUSH_EXC_INFO) {
        Value exc = TOP();
        TOP() = f->exc_info.is_empty() ? Value::none() : f->exc_info;
        PUSH(exc);
        f->exc_info = exc;
        ASY_NEXT();
    }
    ASY_CASE(POP_EXCEPT) {
        Value prev = POP();
        f->exc_info = prev.is_none() ? Value() : prev;
        ASY_NEXT();
    }
    ASY_CASE(CHECK_EXC_MATCH) {
        SAVE_STATE();
        int r = interp::check_exc_match(vm, PEEK(2), TOP());
        if (r < 0) goto error;
        TOP() = Value::boolean(r != 0);
        ASY_NEXT();
    }
    ASY_CASE(CHECK_EG_MATCH) {
        SAVE_STATE();
        Value rest;
        Value match = interp::check_eg_match(vm, PEEK(2), TOP(), &rest);
        if (match.is_empty()) goto error;
        if (match.is_none()) {
            TOP() = match;
        } else {
            PEEK(2) = rest;
            TOP() = match;
            f->exc_info = match;
        }
        ASY_NEXT();
    }
    ASY_CASE(PREP_RERAISE_STAR) {
        SAVE_STATE();
        Value r = interp::prep_reraise_star(vm, PEEK(2), TOP());
        if (r.is_empty()) goto error;
        --sp;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(LOAD_ASSERTION_ERROR) {
        PUSH(Value::object(vm.exc.AssertionError));
        ASY_NEXT();
    }
    ASY_CASE(BEFORE_WITH) {
        SAVE_STATE();
        Value exit;
        Value r = interp::before_with(vm, TOP(), &exit, false);
        if (r.is_empty()) goto error;
        TOP() = exit;
        PUSH(r);
        ASY_NEXT();
    }
    ASY_CASE(WITH_EXCEPT_START) {
        SAVE_STATE();
        Value r = interp::with_except_start(vm, PEEK(4), TOP());
        if (r.is_empty()) goto error;
        PUSH(r);
        ASY_NEXT();
    }

    // -- generators and coroutines
    ASY_CASE(YIELD_VALUE) {
        Value v = TOP();
        --sp;
        SAVE_STATE();
        if ((f->flags & kFrameEntry) == 0) {
            vm.raise(vm.exc.SystemError, "yield outside a generator frame");
            goto error;
        }
        f->flags |= kFrameSuspended;
        vm.frame = f->back;
        --vm.call_depth;
        vm.heap.release(run_mark);
        if (v.is_obj()) vm.heap.pin(v.o);
        return v;
    }
    ASY_CASE(GET_YIELD_FROM_ITER) {
        SAVE_STATE();
        Value it = get_yield_from_iter(vm, TOP(), co);
        if (it.is_empty()) goto error;
        TOP() = it;
        ASY_NEXT();
    }
    ASY_CASE(SEND) {
        SAVE_STATE();
        Value recv = PEEK(2), v = TOP();
        Value result;
        SendStatus st;
        if (recv.is_obj() && recv.o->type->layout == Layout::Generator &&
            (recv.o->type == vm.types.generator || recv.o->type == vm.types.coroutine)) {
            st = gen_send_ex(vm, static_cast<Generator*>(recv.o), v, false, &result);
        } else if (recv.is_obj() && recv.o->type->send_slot != nullptr) {
            int r = recv.o->type->send_slot(vm, recv.o, v, &result);
            st = r == 0 ? SendStatus::Yield : r == 1 ? SendStatus::Return : SendStatus::Error;
        } else {
            if (v.is_none()) result = call_special(vm, recv, vm.names.__next__, nullptr, 0);
            else result = call_special(vm, recv, vm.names.send, &v, 1);
            if (!result.is_empty()) {
                st = SendStatus::Yield;
            } else {
                if (!vm.has_pending()) {
                    vm.raise_format(vm.exc.TypeError, "'%s' object is not an iterator",
                                    type_name(vm, recv).c_str());
                }
                if (is_instance(vm, vm.pending, vm.exc.StopIteration)) {
                    result = stop_iteration_value(vm, vm.take_pending());
                    st = SendStatus::Return;
                } else {
                    st = SendStatus::Error;
                }
            }
        }
        if (st == SendStatus::Error) goto error;
        if (st == SendStatus::Return) {
            sp -= 2;
            PUSH(result);
            ip = code_start + arg;
            ASY_NEXT();
        }
        TOP() = result;
        ASY_NEXT();
    }
    ASY_CASE(GET_AWAITABLE) {
        SAVE_STATE();
        Value a = get_awaitable(vm, TOP(), static_cast<int>(arg));
        if (a.is_empty()) goto error;
        TOP() = a;
        ASY_NEXT();
    }
    ASY_CASE(GET_AITER) {
        SAVE_STATE();
        Value a = get_aiter(vm, TOP());
        if (a.is_empty()) goto error;
        TOP() = a;
        ASY_NEXT();
    }
    ASY_CASE(GET_ANEXT) {
        SAVE_STATE();
        Value a = get_anext(vm, TOP());
        if (a.is_empty()) goto error;
        PUSH(a);
        ASY_NEXT();
    }
    ASY_CASE(END_ASYNC_FOR) {
        Value exc = TOP();
        if (is_instance(vm, exc, vm.exc.StopAsyncIteration)) {
            sp -= 2;
            ASY_NEXT();
        }
        vm.pending = exc;
        sp -= 2;
        SAVE_STATE();
        goto exception_unwind;
    }
    ASY_CASE(BEFORE_ASYNC_WITH) {
        SAVE_STATE();
        Value exit;
        Value r = interp::before_with(vm, TOP(), &exit, true);
        if (r.is_empty()) goto error;
        TOP() = exit;
        PUSH(r);
        ASY_NEXT();
    }
    ASY_CASE(ASYNC_GEN_WRAP) {
        SAVE_STATE();
        Value w = async_gen_wrap(vm, TOP());
        TOP() = w;
        ASY_NEXT();
    }

    // -- match statement
    ASY_CASE(GET_LEN) {
        SAVE_STATE();
        int64_t n = length(vm, TOP());
        if (n < 0) goto error;
        PUSH(Value::integer(n));
        ASY_NEXT();
    }
    ASY_CASE(MATCH_MAPPING) {
        int r = interp::match_mapping(vm, TOP());
        PUSH(Value::boolean(r != 0));
        ASY_NEXT();
    }
    ASY_CASE(MATCH_SEQUENCE) {
        int r = interp::match_sequence(vm, TOP());
        PUSH(Value::boolean(r != 0));
        ASY_NEXT();
    }
    ASY_CASE(MATCH_KEYS) {
        SAVE_STATE();
        Value r = interp::match_keys(vm, PEEK(2), TOP());
        if (r.is_empty()) goto error;
        PUSH(r);
        ASY_NEXT();
    }
    ASY_CASE(MATCH_CLASS) {
        SAVE_STATE();
        Value r = interp::match_class(vm, PEEK(3), PEEK(2), arg, TOP());
        if (r.is_empty()) goto error;
        sp -= 2;
        TOP() = r;
        ASY_NEXT();
    }
    ASY_CASE(COPY_DICT_WITHOUT_KEYS) {
        SAVE_STATE();
        Value r = interp::copy_dict_without_keys(vm, PEEK(2), TOP());
        if (r.is_empty()) goto error;
        TOP() = r;
        ASY_NEXT();
    }

    // -- REPL
    ASY_CASE(PRINT_EXPR) {
        SAVE_STATE();
        if (interp::print_expr(vm, TOP()).is_empty()) goto error;
        --sp;
        ASY_NEXT();
    }

#if !ASY_COMPUTED_GOTO
    default:
        SAVE_STATE();
        vm.raise_format(vm.exc.SystemError, "unknown opcode %u", static_cast<unsigned>(instr & 0xff));
        goto error;
    }
#endif

do_call: {
    Value* args = sp - call_extra - call_n;
    Value* bottom = args - 2;
    Value callable;
    Value* argp;
    uint32_t n;
    if (!bottom[0].is_empty()) {
        callable = bottom[0];
        argp = bottom + 1;
        n = call_n + 1;
    } else {
        callable = bottom[1];
        if (callable.is_obj() && callable.o->type == vm.types.bound_method) {
            auto* bm = static_cast<BoundMethod*>(callable.o);
            bottom[0] = bm->func;
            bottom[1] = bm->self;
            callable = bm->func;
            argp = bottom + 1;
            n = call_n + 1;
        } else {
            argp = args;
            n = call_n;
        }
    }
    uint32_t nkw = call_kwnames != nullptr ? static_cast<uint32_t>(call_kwnames->items.size()) : 0;
    SAVE_STATE();
    if (callable.is_obj() && callable.o->type == vm.types.function) {
        auto* fn = static_cast<Function*>(callable.o);
        if ((fn->code->code->flags & (kCoGenerator | kCoCoroutine | kCoAsyncGenerator)) == 0) {
            if (vm.call_depth >= vm.options.recursion_limit) {
                vm.raise(vm.exc.RecursionError, "maximum recursion depth exceeded");
                goto error;
            }
            Frame* nf = new_frame(vm, fn->code, fn, fn->globals, nullptr);
            const Code& cc = *fn->code->code;
            if (nkw == 0 && n == static_cast<uint32_t>(cc.argcount) &&
                (cc.flags & (kCoVarargs | kCoVarkeywords)) == 0 && cc.kwonlyargcount == 0 &&
                cc.cellvars.empty() && cc.freevars.empty()) {
                // Exact positional call without cells: what bind_arguments would do, inline.
                Value* slots = nf->localsplus();
                for (uint32_t i = 0; i < n; ++i) slots[i] = argp[i];
            } else if (!bind_arguments(vm, nf, fn, argp, n - nkw, argp + (n - nkw), call_kwnames)) {
                free_frame(vm, nf);
                goto error;
            }
            sp = bottom;
            f->sp = sp;
            nf->back = f;
            vm.frame = nf;
            ++vm.call_depth;
            f = nf;
            LOAD_STATE();
            SAFE_POINT();
            ASY_DISPATCH();
        }
    }
    if (argp == args && callable.is_obj() && callable.o->type == vm.types.type) {
        // Instantiating a plain class: allocate and run its __init__ without the generic
        // type_call lookups of __call__/__new__/__init__ (cached per call site).
        auto* t = static_cast<Type*>(callable.o);
        InlineCache* c = cache::slot(co, static_cast<uint32_t>(ip - code_start - 1));
        if (c->key != t || c->version != t->version) cache::fill_call_type(vm, c, t);
        if (c->kind == cache::kInit) {
            Obj* inst = t->alloc_instance(vm, t);
            bottom[0] = callable;                 // keeps the class rooted
            bottom[1] = Value::object(inst);      // self, then the arguments, contiguous
            Value r = call_function(vm, static_cast<Function*>(c->value.o),
                                    Args{bottom + 1, n - nkw + 1, argp + (n - nkw), call_kwnames});
            if (r.is_empty()) goto error;
            if (!r.is_none()) {
                vm.raise_format(vm.exc.TypeError, "__init__() should return None, not '%s'",
                                type_name(vm, r).c_str());
                goto error;
            }
            sp = bottom;
            PUSH(Value::object(inst));
            SAFE_POINT();
            ASY_NEXT();
        }
    }
    Value r;
    if (callable.is_obj() && callable.o->type == vm.types.native_function &&
        static_cast<NativeFunction*>(callable.o)->self.is_empty()) {
        Args a{argp, n - nkw, argp + (n - nkw), call_kwnames};
        r = static_cast<NativeFunction*>(callable.o)->fn(vm, a);
        if (r.is_empty() && !vm.has_pending())
            vm.raise(vm.exc.SystemError, "native function returned no result without an exception");
    } else {
        r = call_object(vm, callable, Args{argp, n - nkw, argp + (n - nkw), call_kwnames});
    }
    if (r.is_empty()) goto error;
    sp = bottom;
    PUSH(r);
    SAFE_POINT();
    ASY_NEXT();
}

error: {
    Value exc = vm.pending;
    if (is_exception_value(exc)) {
        uint32_t lasti = ip > code_start ? static_cast<uint32_t>(ip - code_start - 1) : 0;
        set_context(vm, exc);
        add_traceback(exc, co, lasti);
    }
}
exception_unwind: {
    uint32_t lasti = ip > code_start ? static_cast<uint32_t>(ip - code_start - 1) : 0;
    const auto& table = co->code->exception_table;
    for (size_t i = table.size(); i-- > 0;) {
        const ExceptionEntry& h = table[i];
        if (h.start <= lasti && lasti < h.end) {
            sp = f->stack_base() + h.depth;
            if (h.push_lasti) PUSH(Value::integer(lasti));
            PUSH(vm.pending);
            vm.pending = Value();
            interp_state(vm).context_set_for = nullptr;
            ip = code_start + h.target;
            SAVE_STATE();
            ASY_DISPATCH();
        }
    }
    // No handler here: pop the frame and continue unwinding in the caller.
    Frame* done = f;
    vm.frame = f->back;
    --vm.call_depth;
    if (done->flags & kFrameEntry) {
        if (done->flags & kFrameGenerator) {
            done->sp = done->stack_base();
        } else {
            free_frame(vm, done);
        }
        vm.heap.release(run_mark);
        return Value::empty();
    }
    f = done->back;
    free_frame(vm, done);
    LOAD_STATE();
    goto error;
}

#undef LOAD_STATE
#undef SAVE_STATE
#undef TOP
#undef PEEK
#undef PUSH
#undef POP
#undef SAFE_POINT
#undef FETCH
#undef ASY_CASE
#undef ASY_DISPATCH
#undef ASY_NEXT
}

}  // namespace asy::vm
