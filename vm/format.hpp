// Text formatting of values: the format-spec mini-language (format(), __format__ of int, float,
// str), str.format / str.format_map, and printf-style `%` formatting of str (and bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vm/value.hpp"

namespace asy::vm {

class VM;
struct Args;
struct Str;

// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
struct FormatSpec {
    std::string fill = " ";      // one code point, UTF-8
    bool fill_given = false;
    char align = 0;              // '<' '>' '^' '=' or 0 (type's default)
    char sign = 0;               // '+' '-' ' ' or 0
    bool no_neg_zero = false;    // 'z'
    bool alternate = false;      // '#'
    int64_t width = -1;
    char grouping = 0;           // ',' '_' or 0
    int64_t precision = -1;
    uint32_t type = 0;           // presentation type (a code point) or 0
};

// Errors of the pure formatting functions: which exception and its message.
enum class FormatErrorKind { None, Value, Overflow, Type, Memory };
struct FormatError {
    FormatErrorKind kind = FormatErrorKind::None;
    std::string message;
};

// Parse a spec as CPython does for a type whose default presentation type is `default_type`
// ('d' int, 0 float, 's' str) and default alignment `default_align` ('>' numbers, '<' str).
// `type_name` names the object's type in error messages.
bool parse_format_spec(std::string_view spec, uint32_t default_type, char default_align, const char* type_name,
                       FormatSpec* out, FormatError* err);
// Pure formatting (no VM): double / int Value (small or BigInt) / UTF-8 text with a spec.
// `type_name` is the Python type name for messages ("float", "int", "bool", "MyStr").
bool format_double_spec(double d, std::string_view spec, std::string* out, FormatError* err,
                        const char* type_name = "float");
bool format_int_spec(Value v, std::string_view spec, std::string* out, FormatError* err,
                     const char* type_name = "int");
bool format_str_spec(std::string_view text, std::string_view spec, std::string* out, FormatError* err,
                     const char* type_name = "str");

// `__format__` of int (and bool), float, str: Empty + exception on error.
Value format_int(VM& vm, Value v, std::string_view spec);
Value format_float(VM& vm, Value v, std::string_view spec);
Value format_str(VM& vm, Value v, std::string_view spec);
Value format_str(VM& vm, Str* s, Str* spec);   // str.__format__(s, spec) as str.cpp calls it

// str.format(*args, **kwargs) and str.format_map(mapping) natives: args[0] is the str.
// (Registered on `str` by the text engineer.)
Value str_format_method(VM& vm, const Args& args);
Value str_format_map_method(VM& vm, const Args& args);

// `fmt % args` for str (fmt a Str) and bytes (fmt a bytes object; not yet supported).
Value percent_format(VM& vm, Value fmt, Value args);

}  // namespace asy::vm
