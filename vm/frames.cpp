// Interpreter frames and per-VM interpreter state: frame allocation from size-class free
// lists, tracing the frame chain for the collector, and what natives read from the frame
// chain (the handled exception, globals(), locals()).
#include <cstdlib>
#include <new>

#include "vm/frame.hpp"
#include "vm/interpreter.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

// ---- per-VM state and frames ---------------------------------------------------------------

InterpState::~InterpState() {
    for (auto& list : free_frames)
        for (Frame* f : list) std::free(f);
}

InterpState& interp_state(VM& vm) {
    if (!vm.interp) vm.interp = std::make_shared<InterpState>();
    return *vm.interp;
}

namespace {
constexpr size_t kMaxFreePerClass = 32;
}

Frame* new_frame(VM& vm, CodeObj* code, Function* func, Dict* globals, Dict* locals) {
    uint32_t nslots = static_cast<uint32_t>(code->nlocalsplus + code->code->max_stack);
    size_t cls = (nslots + 7) / 8;
    InterpState& st = interp_state(vm);
    void* mem = nullptr;
    if (cls < st.free_frames.size() && !st.free_frames[cls].empty()) {
        mem = st.free_frames[cls].back();
        st.free_frames[cls].pop_back();
    } else {
        mem = std::malloc(sizeof(Frame) + cls * 8 * sizeof(Value));
        if (mem == nullptr) std::abort();
    }
    Frame* f = new (mem) Frame();
    f->code = code;
    f->func = func;
    f->globals = globals;
    f->builtins = vm.builtins;
    f->locals = locals;
    f->nslots = static_cast<uint32_t>(cls * 8);
    Value* slots = f->localsplus();
    for (int i = 0; i < code->nlocalsplus; ++i) slots[i] = Value();
    f->sp = f->stack_base();
    return f;
}

void free_frame(VM& vm, Frame* f) {
    size_t cls = f->nslots / 8;
    // Generator frames may be freed during VM teardown, after the interpreter state is gone.
    if ((f->flags & kFrameGenerator) == 0 && vm.interp) {
        auto& lists = vm.interp->free_frames;
        if (lists.size() <= cls) lists.resize(cls + 1);
        if (lists[cls].size() < kMaxFreePerClass) {
            lists[cls].push_back(f);
            return;
        }
    }
    std::free(f);
}

void trace_frame(Frame* f, Tracer& t) {
    t.mark(f->code);
    t.mark(f->func);
    t.mark(f->globals);
    t.mark(f->builtins);
    t.mark(f->locals);
    if (f->flags & kFrameGenerator) t.mark(generator_of(f));
    t.mark(f->exc_info);
    t.mark(f->locals_snapshot);
    Value* slots = f->localsplus();
    t.mark_range(slots, slots + f->code->nlocalsplus);
    t.mark_range(f->stack_base(), f->sp);
}

void trace_frames(VM& vm, Tracer& t) {
    for (Frame* f = vm.frame; f != nullptr; f = f->back) trace_frame(f, t);
}

// ---- exceptions seen from the frame chain ----------------------------------------------------

Value frame_handled_exception(VM& vm) {
    for (Frame* f = vm.frame; f != nullptr; f = f->back)
        if (!f->exc_info.is_empty() && !f->exc_info.is_none()) return f->exc_info;
    return Value::none();
}

Dict* current_globals(VM& vm) { return vm.frame != nullptr ? vm.frame->globals : nullptr; }

Value current_locals(VM& vm) {
    Frame* f = vm.frame;
    if (f == nullptr) return Value::none();
    if (f->locals != nullptr) return Value::object(f->locals);
    // Optimized function: a snapshot of the bound fast locals and cells, as CPython's locals().
    if (f->locals_snapshot == nullptr) f->locals_snapshot = new_dict(vm);
    Dict* d = f->locals_snapshot;
    CodeObj* co = f->code;
    Value* slots = f->localsplus();
    size_t nvar = co->varnames.size();
    for (size_t i = 0; i < nvar; ++i)
        if (!slots[i].is_empty()) dict_set_str(vm, d, co->varnames[i], slots[i]);
        else dict_del_str(d, co->varnames[i]);
    for (size_t i = 0; i < co->cellvars.size(); ++i) {
        Value c = slots[nvar + i];
        if (c.is_obj() && c.o->type == vm.types.cell) {
            Value v = static_cast<Cell*>(c.o)->value;
            if (!v.is_empty()) dict_set_str(vm, d, co->cellvars[i], v);
            else dict_del_str(d, co->cellvars[i]);
        }
    }
    return Value::object(d);
}

}  // namespace asy::vm
