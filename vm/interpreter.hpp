// The bytecode interpreter's entry points and the per-VM state it keeps (frame free lists,
// source texts for tracebacks). The dispatch loop itself is in interpreter.cpp.
#pragma once

#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

#include "vm/frame.hpp"
#include "vm/objects/generator.hpp"
#include "vm/vm.hpp"

namespace asy::vm {

// Interpreter-private per-VM state, reached through `VM::interp` (created on first use).
struct InterpState {
    // Free frames by size class (number of Value slots rounded up to a multiple of 8).
    std::vector<std::vector<Frame*>> free_frames;
    // Coroutines (asy's and native ones like asyncio.sleep's) created but not started yet: at
    // teardown, a reason to collect so that they report "coroutine ... was never awaited".
    size_t unstarted = 0;
    size_t unstarted_native = 0;
    GenTypes gen_types;
    // The exception whose __context__ was last computed: propagating it through the callers'
    // frames must not walk the frame chain again at every level (quadratic in the depth).
    // Cleared whenever a handler catches, so a later re-raise computes it afresh.
    Obj* context_set_for = nullptr;
    ~InterpState();
};

InterpState& interp_state(VM& vm);

// Run `f` as an entry frame (called from native code: vm.call, generators, run_code) until its
// RETURN_VALUE or YIELD_VALUE: returns the value, or Empty with vm.pending set. On a yield the
// frame gets kFrameSuspended. With `throwing`, the exception in vm.pending is raised in the frame
// at its current instruction first (generator.throw()). The frame is freed on return/error
// unless it has kFrameGenerator.
Value run_frame(VM& vm, Frame* f, bool throwing = false);

// Fill a new frame's argument slots as CPython's argument binding does (positional, keywords,
// defaults, *args, **kwargs, keyword-only, positional-only), create the cells for cellvars and
// copy the closure into the freevar slots. False with a TypeError pending.
bool bind_arguments(VM& vm, Frame* f, Function* fn, const Value* pos, uint32_t npos,
                    const Value* kwvalues, Tuple* kwnames);

// Call a script function (generator/coroutine code returns a new generator object).
Value call_function(VM& vm, Function* fn, const Args& args);

// exec()/eval() of a code object: run it with `globals` and `locals` (LOAD_NAME mapping).
// (Class bodies use call_with_locals, declared in ops.hpp.)
Value run_code_with_locals(VM& vm, CodeObj* code, Dict* globals, Dict* locals);

// Native recursion guard (repr of nested containers, __eq__ re-entry...): counts against the same
// limit as calls. False with RecursionError("maximum recursion depth exceeded<where>") pending.
bool enter_recursion(VM& vm, const char* where);
inline void leave_recursion(VM& vm) { --vm.call_depth; }

// StopIteration's value (args[0] or None) for an exception instance.
Value stop_iteration_value(VM& vm, Value exc);
// Raise StopIteration(value) (no args when value is None, as CPython does for `return`).
void raise_stop_iteration(VM& vm, Value value);

}  // namespace asy::vm

namespace asy::vm::interp {
// Slow paths of the dispatch loop (interp_ops.cpp). Each returns false / Empty with an
// exception pending on error. Stack operands are passed by pointer and stay on the stack
// (still rooted) while the helper runs.
bool unpack(VM& vm, Value seq, uint32_t before, int32_t after, Value* out);  // after -1: exact
Value build_string(VM& vm, const Value* items, uint32_t n);
Value format_value(VM& vm, Value v, uint32_t flags, Value spec);
bool list_extend(VM& vm, Value list, Value iterable);
bool set_update(VM& vm, Value set, Value iterable);
bool dict_update(VM& vm, Value dict, Value other);
bool dict_merge(VM& vm, Value dict, Value other, Value func);
Value make_function(VM& vm, Frame* f, Value* items, uint32_t flags);
Value do_raise(VM& vm, Value exc, Value cause, bool has_cause);  // always Empty (pending set)
int check_exc_match(VM& vm, Value exc, Value type);  // 1/0, -1 error
Value before_with(VM& vm, Value mgr, Value* exit_out, bool async);
Value with_except_start(VM& vm, Value exit, Value exc);
Value call_ex(VM& vm, Value callable, Value self, Value args, Value kwargs);
void unbound_local(VM& vm, CodeObj* co, uint32_t slot);
void unbound_deref(VM& vm, CodeObj* co, uint32_t idx);
Value name_error(VM& vm, Str* name);
Value print_expr(VM& vm, Value v);
Value match_keys(VM& vm, Value subject, Value keys);
Value match_class(VM& vm, Value subject, Value cls, uint32_t nargs, Value names);
Value copy_dict_without_keys(VM& vm, Value subject, Value keys);
int match_mapping(VM& vm, Value v);
int match_sequence(VM& vm, Value v);
Value check_eg_match(VM& vm, Value exc, Value type, Value* rest);
Value prep_reraise_star(VM& vm, Value orig, Value excs);
// "f()" / "__main__.f()" / "print()": how CPython names a callable in call error messages.
std::string function_str(VM& vm, Value func);
}  // namespace asy::vm::interp
