// `str`: immutable UTF-8 text with cached code-point length, hash and an ASCII flag
// (ASCII strings index in O(1)). Identifiers are interned (VM::intern) so attribute and global
// lookups can compare pointers first.
//
// Encoding. The bytes are "generalised UTF-8": every code point 0..0x10FFFF in its shortest
// UTF-8 form, *including* lone surrogates U+D800..U+DFFF (3 bytes, ED A0..BF xx), which Python
// strings may hold ('\ud800', surrogateescape). Two surrogates are never merged into one
// 4-byte sequence ('\ud83d\ude00' != '\U0001F600', as in CPython). Every code point has exactly
// one encoding, so equality is byte equality and code-point order is byte (memcmp) order.
// Only the UTF-8 codec's encoder/decoder treat surrogates specially (not allowed in real UTF-8).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vm/object.hpp"

namespace asy::vm {

struct Slice;
struct Args;

struct Str : Obj {
    std::string s;      // UTF-8, always valid (surrogates are stored WTF-8 style)
    int64_t length = 0; // in code points
    uint64_t hash = 0;  // valid when `hashed`
    bool hashed = false;
    bool ascii = false;
    bool interned = false;
    // Sparse code point -> byte offset index of long non-ASCII strings, built on first
    // indexing: offsets[k] is the byte offset of code point k * kStrIndexStride.
    std::unique_ptr<uint32_t[]> offsets;

    std::string_view view() const { return s; }
    size_t external_size() const override { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
};

constexpr int64_t kStrIndexStride = 32;

// ---- UTF-8 primitives (pure; no VM) ---------------------------------------------------------
// Append the encoding of `cp` (0..0x10FFFF, surrogates included) to `out`.
void utf8_append(std::string& out, uint32_t cp);
// Length of the sequence starting with lead byte `b` (1..4); valid text assumed.
inline int utf8_seq_len(unsigned char b) {
    return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}
// Decode the code point at `p` (valid text assumed); *len gets its byte length.
uint32_t utf8_decode(const char* p, int* len);
// Code-point count of valid UTF-8.
int64_t utf8_length(std::string_view text);
// Is `text` valid generalised UTF-8 (surrogate code points accepted when allow_surrogates)?
bool utf8_valid(std::string_view text, bool allow_surrogates = true);
// One UTF-8 sequence at p (avail bytes): its length, or 0 with *errlen the bytes CPython's
// decoder reports as undecodable and *reason its wording.
int utf8_check(const unsigned char* p, size_t avail, bool allow_surrogates, uint32_t* cp, int* errlen,
               const char** reason);
// Every byte below 0x80.
bool all_ascii(std::string_view t);
// `\xhh`, `\uhhhh` or `\Uhhhhhhhh` for code point cp (repr's and backslashreplace's escape).
void append_escape(std::string& out, uint32_t cp);
// The hash function of str and bytes (64-bit, never ~0 which CPython reserves for errors).
uint64_t hash_bytes(const void* data, size_t n);
// Python's repr() of text: quote choice and escapes as CPython; ascii_only: ascii().
std::string str_repr_text(std::string_view text, bool ascii_only = false);
// Python str.isprintable() of one code point.
// Python's per-character predicates (str.isX of a one-character string; CPython's
// Py_UNICODE_ISX), case mappings (full: 'ß' -> "SS") and folding.
bool unicode_isprintable(uint32_t cp);
bool unicode_isspace(uint32_t cp);
bool unicode_islower(uint32_t cp);
bool unicode_isupper(uint32_t cp);
bool unicode_istitle(uint32_t cp);
bool unicode_iscased(uint32_t cp);
bool unicode_iscaseignorable(uint32_t cp);
bool unicode_isalpha(uint32_t cp);
bool unicode_isdecimal(uint32_t cp);
bool unicode_isdigit(uint32_t cp);
bool unicode_isnumeric(uint32_t cp);
bool unicode_isalnum(uint32_t cp);
bool unicode_isxid_start(uint32_t cp); // identifier start ('_' included)
bool unicode_isxid_continue(uint32_t cp);
int unicode_decimal_value(uint32_t cp); // 0..9 for Nd digits ('７' -> 7), else -1
void unicode_append_upper(std::string& out, uint32_t cp);
void unicode_append_title(std::string& out, uint32_t cp);
void unicode_append_lower(std::string& out, uint32_t cp, bool final_sigma = false);
void unicode_append_casefold(std::string& out, uint32_t cp);

// ---- construction --------------------------------------------------------------------------
// A new (not interned) string; `text` must be valid UTF-8.
Str* new_str(VM& vm, std::string_view text);
// Takes ownership of `text`; `length` in code points when known (-1: count).
Str* new_str_owned(VM& vm, std::string&& text, int64_t length = -1);
// Convenience: a str Value.
Value str_value(VM& vm, std::string_view text);
// chr(cp): single-character string (ASCII ones are shared, interned).
Str* str_from_codepoint(VM& vm, uint32_t cp);
uint64_t str_hash(Str* s);

inline bool is_str(const Value& v) {
    return v.tag == Tag::Obj && v.o->type->layout == Layout::Str;
}
inline Str* as_str(const Value& v) {
    return static_cast<Str*>(v.o);
}

// ---- size guard (str.cpp) -------------------------------------------------------------------
// Call before building a result of `count` elements of `unit` bytes (str/bytes/list/tuple
// repetition, padding, joins): false with MemoryError pending when the size overflows, exceeds
// the machine's physical memory (so std::bad_alloc is never reached) or the VM's memory limit.
bool reserve_buffer(VM& vm, uint64_t count, uint64_t unit = 1);
// The physical-memory part of that check, for code without a VM (format.cpp): no exception.
bool buffer_fits(uint64_t count, uint64_t unit = 1);

// ---- operations used by the interpreter's fast paths and other layers ----------------------
// All functions returning Value/Str* return Empty/nullptr with an exception pending on error.
inline bool str_eq(const Str* a, const Str* b) {
    if (a == b)
        return true;
    if (a->s.size() != b->s.size())
        return false;
    if (a->hashed && b->hashed && a->hash != b->hash)
        return false;
    return a->s == b->s;
}
// <0, 0, >0 in code-point order.
int str_cmp(const Str* a, const Str* b);
Str* str_concat(VM& vm, Str* a, Str* b);
Value str_repeat(VM& vm, Str* s, int64_t n); // n <= 0: ''
// s[key] with an int (negative counts from the end) or a slice.
Value str_getitem(VM& vm, Str* s, Value key);
// The character at code point index i (0 <= i < length; not checked).
Str* str_char_at(VM& vm, Str* s, int64_t i);
// Byte offset of code point index i, 0 <= i <= length.
size_t str_offset(Str* s, int64_t i);
// Code points [start, stop) (clamped to 0..length).
Str* str_substr(VM& vm, Str* s, int64_t start, int64_t stop);
// Code point index of the first/last occurrence of `needle` within code points [start, end)
// of `hay`, or -1. Indices are already normalised (0 <= start, end <= length).
int64_t str_find(Str* hay, std::string_view needle, int64_t start, int64_t end, bool reverse = false);
bool str_contains(Str* hay, Str* needle);
Str* str_repr(VM& vm, Str* s);  // repr(s)
Str* str_ascii(VM& vm, Str* s); // ascii(s)
// Iteration: iter(s), and next() on the iterator (Empty, no exception, when exhausted).
Value str_iter(VM& vm, Str* s);
Value str_iter_next(VM& vm, Value iterator);

// CPython tries the right operand's numeric slot (a class's __radd__/__rmul__) before the
// sequence concat/repeat of str/bytes/list/tuple; our dunders run first, so they return
// NotImplemented when this says the other operand's class defines `rname` in Python.
bool reflected_first(VM& vm, Value other, const char* rname);

// Integer value of an index-like subscript (int, bool, __index__). False with *is_index false
// (no exception) when `v` is not index-like; false with *is_index true and an exception pending
// on error (a too-large int: IndexError "cannot fit 'int' into an index-sized integer").
bool str_index_arg(VM& vm, Value v, int64_t* out, bool* is_index);

// ---- codecs (str.cpp) -----------------------------------------------------------------------
// bytes -> str for 'utf-8' / 'ascii' / 'latin-1' (and aliases) with errors 'strict', 'ignore',
// 'replace', 'surrogateescape', 'backslashreplace'. encoding/errors null: the defaults.
Value decode_text(VM& vm, std::string_view data, Str* encoding, Str* errors);
// str -> bytes (a Bytes value).
Value encode_text(VM& vm, Str* s, Str* encoding, Str* errors);
// UTF-16/UTF-32 (str_codecs.cpp), used by decode_text/encode_text: the codec of an encoding
// name (bits 16/32; order 0 = BOM written/detected, 1 little, 2 big), false if not one of them.
bool lookup_wide_codec(std::string_view name, int* bits, int* order, const char** canonical);
Value wide_decode(VM& vm, std::string_view data, int bits, int order, Str* errors);
Value wide_encode(VM& vm, Str* s, int bits, int order, const char* canonical, Str* errors);
// Raises UnicodeDecodeError/UnicodeEncodeError(encoding, object, start, end, reason) (their
// attributes and CPython's message come from exceptions.cpp); returns Empty.
Value raise_unicode_error(VM& vm, bool decode, const char* encoding, Value object, int64_t start, int64_t end,
                          const char* reason);

// `str(...)` / str.__new__(cls, object='', encoding='utf-8', errors='strict').
Value str_new(VM& vm, const Args& a);

// Registration of the str methods (str_methods.cpp), called by init_str_bytes.
void init_str_methods(VM& vm);
// bytes/bytearray (bytes.cpp), called by init_str_bytes.
void init_bytes(VM& vm);

// ---- argument checks worded as CPython's, for the str/bytes methods (str_methods.cpp) -------
// Each checks that a[0] (self) is an instance of `self_type` (null: no check) and that the
// number of other positional arguments is in [min, max], with no keywords.
enum class ArgStyle {
    NoArgs,  // METH_NOARGS: "str.upper() takes no arguments (1 given)"
    One,     // METH_O: "str.join() takes exactly one argument (0 given)"
    Clinic,  // Argument Clinic: "center expected at least 1 argument, got 0"
    Old,     // PyArg_ParseTuple: "find() takes at least 1 argument (0 given)"
    Wrapper, // slot wrappers (dunders): "expected 1 argument, got 0"
};
bool text_args(VM& vm, const Args& a, Type* self_type, ArgStyle style, const char* type_name,
               const char* method, uint32_t min, uint32_t max);
// Keyword-capable methods (split, encode, ...; `a` WITHOUT self): binds positional and keyword
// arguments to `names` (nullptr-terminated); unbound ones are left Empty. Messages as
// CPython's: "split() takes at most 2 arguments (3 given)", "'x' is an invalid keyword argument
// for split()", "argument for split() given by name ('sep') and position (1)".
bool text_parse(VM& vm, const Args& a, const char* fname, const char* const* names, uint32_t max_pos,
                Value* out);
// An int argument (int, bool, __index__): "'float' object cannot be interpreted as an integer".
bool text_int_arg(VM& vm, Value v, int64_t* out);

} // namespace asy::vm
