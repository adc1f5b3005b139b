// `float`, `complex` and the mixed int/float numeric protocol: arithmetic, exact comparisons,
// CPython's numeric hash, shortest round-trip repr and float parsing.
#pragma once

#include <string>
#include <string_view>

#include "vm/bytecode.hpp"
#include "vm/object.hpp"
#include "vm/objects/function.hpp"

namespace asy::vm {

// complex numbers (type vm.types.complex).
struct ComplexObj : Obj { double real = 0, imag = 0; };

// The double inside a float or float-subclass instance (FloatObj). False when `v` is not a float.
bool float_unwrap(Value v, double* out);
// a <op> b where one operand is a float and the other a float or an int (bool, int, BigInt,
// subclasses). vm.not_implemented for anything else.
Value float_binary_op(VM& vm, BinOpKind op, Value a, Value b);
// Any mix of int/bool/float (and their subclasses): dispatches to int_binary_op or
// float_binary_op; complex operands go to complex arithmetic. NotImplemented otherwise.
Value number_binary_op(VM& vm, BinOpKind op, Value a, Value b);
// Exact rich comparison between int/bool/float/BigInt (and subclasses): True/False Value, or
// vm.not_implemented when either operand is not such a number. Complex supports == / != only.
Value number_compare(VM& vm, CompareKind op, Value a, Value b);
// Three-way exact comparison of two real numbers (ints or floats): -1, 0, 1; 2 when unordered
// (a NaN is involved). Both must be int-like or float (caller checks).
int number_cmp3(Value a, Value b);
// Python's hash of a double (equal to the hash of an equal int; inf 314159; nan 0).
uint64_t float_hash(double d);
// repr(float): shortest round trip, CPython's 'r' format ("1.0", "1e+16", "inf", "-0.0").
std::string float_repr(double d);
// CPython's PyOS_double_to_string: mode 'e','f','g','r' (upper-case variants allowed),
// `alt` = '#', `add_dot_0` keeps "1.0" style for integral values (repr and format type '').
std::string double_to_string(double d, char mode, int precision, bool alt, bool add_dot_0);
// float(text): "1.5", " -inf ", "nan", "1_000.5"; false when not a valid float literal.
bool parse_float_text(std::string_view text, double* out);
// The Value float(x) returns: float, int, str, bytes, __float__, __index__. Empty + error.
Value float_from_value(VM& vm, Value v);
// repr of complex: "(1+2j)", "2j", "(-0-1j)".
std::string complex_repr(double real, double imag);
// Register a native as a classmethod (called with the class first) in a type's dict.
void def_classmethod_native(VM& vm, Type* type, const char* name, NativeFn fn);
// Registration of float/complex methods (called from init_int_float in int.cpp).
void init_float_complex(VM& vm);

}  // namespace asy::vm
