// `str`: immutable UTF-8 text with cached code-point length, hash and an ASCII flag
// (ASCII strings index in O(1)). Identifiers are interned (VM::intern) so attribute and global
// lookups can compare pointers first.
#pragma once

#include <string>
#include <string_view>

#include "vm/object.hpp"

namespace asy::vm {

struct Str : Obj {
    std::string s;            // UTF-8, always valid (surrogates are stored WTF-8 style)
    int64_t length = 0;       // in code points
    uint64_t hash = 0;        // valid when `hashed`
    bool hashed = false;
    bool ascii = false;
    bool interned = false;

    std::string_view view() const { return s; }
};

// A new (not interned) string; `text` must be valid UTF-8.
Str* new_str(VM& vm, std::string_view text);
// Convenience: a str Value.
Value str_value(VM& vm, std::string_view text);
// Code-point count of valid UTF-8.
int64_t utf8_length(std::string_view text);
uint64_t str_hash(Str* s);

}  // namespace asy::vm
