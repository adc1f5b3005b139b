// The tagged `Value`: the one representation of every asy value inside the VM.
// 16 bytes: a tag and a payload. None, bool, 64-bit int and float are unboxed, so
// arithmetic on them never allocates; everything else is a pointer to a heap `Obj`.
#pragma once

#include <cstdint>
#include <cstring>

namespace asy::vm {

struct Obj;
struct Type;

enum class Tag : uint8_t {
    None = 0,
    Bool,
    Int,    // int64 fits; larger ints are `BigInt` objects (Tag::Obj)
    Float,
    Obj,    // pointer to a heap object (str, list, bigint, function, ...)
    Empty,  // internal "no value" marker: unbound local, missing dict slot. Never visible to scripts.
};

struct Value {
    Tag tag;
    union {
        bool b;
        int64_t i;
        double f;
        Obj* o;
    };

    Value() : tag(Tag::Empty), i(0) {}

    static Value none() { Value v; v.tag = Tag::None; v.i = 0; return v; }
    static Value empty() { return Value(); }
    static Value boolean(bool x) { Value v; v.tag = Tag::Bool; v.i = 0; v.b = x; return v; }
    static Value integer(int64_t x) { Value v; v.tag = Tag::Int; v.i = x; return v; }
    static Value real(double x) { Value v; v.tag = Tag::Float; v.f = x; return v; }
    static Value object(Obj* p) { Value v; v.tag = Tag::Obj; v.o = p; return v; }

    bool is_none() const { return tag == Tag::None; }
    bool is_empty() const { return tag == Tag::Empty; }
    bool is_bool() const { return tag == Tag::Bool; }
    bool is_int() const { return tag == Tag::Int; }      // small int only; see is_int_like in ops.hpp
    bool is_float() const { return tag == Tag::Float; }
    bool is_obj() const { return tag == Tag::Obj; }

    bool as_bool() const { return b; }
    int64_t as_int() const { return i; }
    double as_float() const { return f; }
    Obj* as_obj() const { return o; }

    // Identity (`is`): same tag and same bits. Floats compare by bits, as CPython's `is`
    // on two distinct float objects would be False anyway; ints by value (small-int cache).
    bool identical(const Value& other) const {
        if (tag != other.tag) return false;
        switch (tag) {
        case Tag::None: case Tag::Empty: return true;
        case Tag::Bool: return b == other.b;
        case Tag::Int: return i == other.i;
        case Tag::Float: return std::memcmp(&f, &other.f, sizeof f) == 0;
        case Tag::Obj: return o == other.o;
        }
        return false;
    }
};

static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

}  // namespace asy::vm
