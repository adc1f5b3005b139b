// Exception instances (BaseException and every subclass, built-in or user-defined) and their
// tracebacks, which record (code, instruction) pairs rather than frames.
#pragma once

#include <vector>

#include "vm/object.hpp"

namespace asy::vm {

struct CodeObj;
struct Tuple;

struct TracebackEntry {
    CodeObj* code;
    uint32_t ip;       // the instruction that raised or called
};

struct Exception : Obj {
    Tuple* args = nullptr;                 // `args`
    Value cause;                           // `__cause__` (Empty: None)
    Value context;                         // `__context__`
    bool suppress_context = false;         // `__suppress_context__`
    std::vector<TracebackEntry> traceback; // innermost last, as printed
    Value notes;                           // `__notes__` list or Empty
    Value tb_object;                       // last `__traceback__` object handed out (a cache)
    Str* suggestion = nullptr;             // NameError "Did you mean" text (interned: never freed)

    void trace(Tracer& t) override;
};

}  // namespace asy::vm
