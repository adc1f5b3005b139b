// `bytes` (immutable) and `bytearray` (mutable) share one layout: a byte string. The type
// (vm.types.bytes / vm.types.bytearray, or a subclass) tells them apart; only bytes is hashable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vm/object.hpp"

namespace asy::vm {

struct Bytes : Obj {
    std::string data;
    uint64_t hash = 0; // valid when `hashed` (bytes only)
    bool hashed = false;

    std::string_view view() const { return data; }
    size_t external_size() const override { return data.capacity() > 15 ? data.capacity() + 1 : 0; }
};

// New objects of exactly `bytes` / `bytearray`.
Value new_bytes(VM& vm, std::string_view data);
Value new_bytearray(VM& vm, std::string_view data);

// bytes, bytearray and their subclasses.
inline bool is_bytes_like(const Value& v) {
    return v.tag == Tag::Obj && v.o->type->layout == Layout::Bytes;
}
inline Bytes* as_bytes(const Value& v) {
    return static_cast<Bytes*>(v.o);
}

// ---- operations for the interpreter's fast paths and other layers (bytes.cpp) ---------------
// Value-returning functions return Empty with an exception pending on error.
uint64_t bytes_hash(Bytes* b); // the caller refuses bytearray (unhashable)
// b'...' with CPython's escapes and quote choice (bytearray's repr also always escapes ').
std::string bytes_repr_text(std::string_view data, bool bytearray = false);
Str* bytes_repr(VM& vm, Value b);                // b'..' or bytearray(b'..')
Value bytes_getitem(VM& vm, Value b, Value key); // int -> int, slice -> same kind
Value bytes_concat(VM& vm, Value a, Value b);    // a is bytes-like; b any (TypeError if not bytes-like)
Value bytes_repeat(VM& vm, Value b, int64_t n);
int bytes_cmp(const Bytes* a, const Bytes* b);   // memcmp order
int bytes_contains(VM& vm, Value b, Value item); // int or bytes-like item: 1, 0, -1 error
Value bytes_iter(VM& vm, Value b);
Value bytes_iter_next(VM& vm, Value iterator); // Empty, no exception, when exhausted

// ---- shared by bytes.cpp and bytes_methods.cpp ---------------------------------------------
bool bytes_is_bytearray(VM& vm, Value v); // bytearray or a subclass
// A result of the same kind as `self` (bytes for bytes and its subclasses, bytearray likewise).
Value bytes_like(VM& vm, Value self, std::string&& data);
// A byte value 0..255 from an int-like item; -1 with an exception pending otherwise.
int bytes_byte_value(VM& vm, Value v, const char* range_msg);
// Registers the padding/case/tabs/lines/translate methods and bytearray's list-like mutators
// (bytes_methods.cpp); called by init_bytes.
void init_bytes_methods(VM& vm);

} // namespace asy::vm
