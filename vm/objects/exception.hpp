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

// An exception's traceback entries. Indexed outermost first (the printed order), but stored
// innermost first: the traceback grows at the outer end as the exception leaves each frame,
// and prepending to a vector would cost O(depth) per frame (O(depth^2) for deep recursion).
class Traceback {
public:
    size_t size() const { return v_.size(); }
    bool empty() const { return v_.empty(); }
    const TracebackEntry& operator[](size_t i) const { return v_[v_.size() - 1 - i]; }
    TracebackEntry& operator[](size_t i) { return v_[v_.size() - 1 - i]; }
    void push_front(const TracebackEntry& e) {    // a new outermost entry
        if (v_.empty()) v_.reserve(4);
        v_.push_back(e);
    }
    void clear() { v_.clear(); }
    // This traceback becomes src's entries from printed position `from` on (src may be *this).
    void assign_tail(const Traceback& src, size_t from) {
        if (from >= src.size()) {
            v_.clear();
            return;
        }
        std::vector<TracebackEntry> t(src.v_.begin(), src.v_.end() - static_cast<std::ptrdiff_t>(from));
        v_ = std::move(t);
    }
    // Innermost first, for code that does not care about order (GC tracing).
    const std::vector<TracebackEntry>& raw() const { return v_; }

private:
    std::vector<TracebackEntry> v_;
};

struct Exception : Obj {
    Tuple* args = nullptr;                 // `args`
    Value cause;                           // `__cause__` (Empty: None)
    Value context;                         // `__context__`
    bool suppress_context = false;         // `__suppress_context__`
    Traceback traceback;                   // innermost last, as printed
    Value notes;                           // `__notes__` list or Empty
    Value tb_object;                       // last `__traceback__` object handed out (a cache)
    Str* suggestion = nullptr;             // NameError "Did you mean" text (interned: never freed)

    void trace(Tracer& t) override;
};

// A new instance of the exception class `type` with args (args[0..n)), made directly: only for
// built-in exception classes (their __new__/__init__ just store args). Never fails.
Value new_exception_args(VM& vm, Type* type, const Value* args, size_t n);

}  // namespace asy::vm
