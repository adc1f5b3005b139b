// Interpreter frames: one heap block per call holding the frame header, the local slots
// (varnames + cellvars + freevars) and the value stack inline. Frames are not GC objects: they
// live on per-VM free lists and are freed on return; a generator/coroutine frame instead lives
// inside the generator object's own block (Generator::frame) and dies with it.
#pragma once

#include <cstdint>

#include "vm/vm.hpp"

namespace asy::vm {

enum FrameFlags : uint8_t {
    kFrameEntry = 1,      // entered from native code: its RETURN_VALUE returns out of run()
    kFrameGenerator = 2,  // inside a generator/coroutine object (Generator::frame), never freed
    kFrameSuspended = 4,  // stopped at YIELD_VALUE (set by run(), cleared on resume)
};

struct Frame {
    CodeObj* code = nullptr;
    Function* func = nullptr;      // null for module code and exec()
    Dict* globals = nullptr;
    Dict* builtins = nullptr;
    Dict* locals = nullptr;        // module/class bodies (LOAD_NAME); null for optimized code
    Frame* back = nullptr;         // the caller (valid while the frame runs)
    Value* sp = nullptr;           // saved stack top (one past the last live slot)
    uint32_t ip = 0;               // next instruction to run
    // Size of the inline slot array (free-list frames: its size class; generator frames: exact),
    // packed with the FrameFlags so the header stays 88 bytes (a frame never nears 2^24 slots).
    // The owning generator of a kFrameGenerator frame is found from the frame's address
    // (generator_of), not stored.
    uint32_t nslots : 24 = 0;
    uint32_t flags : 8 = 0;
    // The exception handled by `except` blocks of this frame (PUSH_EXC_INFO/POP_EXCEPT), Empty
    // when none. sys.exc_info() takes the innermost non-empty one along the `back` chain.
    Value exc_info;
    // Optimized frames: the dict locals() returns, kept so repeated calls (and exec() writing
    // into it) see one mapping, as CPython 3.11's frame f_locals.
    Dict* locals_snapshot = nullptr;

    Value* localsplus() { return reinterpret_cast<Value*>(this + 1); }
    Value* stack_base() { return localsplus() + code->nlocalsplus; }
};

// A frame for `code` with every slot Empty and an empty stack. `locals` is for module and class
// bodies. Never fails (allocation failure aborts, as for any C++ allocation).
Frame* new_frame(VM& vm, CodeObj* code, Function* func, Dict* globals, Dict* locals);
void free_frame(VM& vm, Frame* f);
// Mark everything a frame references (code, function, namespaces, slots, live stack, exc_info).
void trace_frame(Frame* f, Tracer& t);

}  // namespace asy::vm
