// `int`: small ints are unboxed in `Value` (Tag::Int); ints outside int64 are `BigInt` objects
// holding a GMP `mpz_t`. Every operation returns the smallest form (a BigInt that fits int64
// is always turned back into a small int), so `is_int()` on a result means "fits int64".
#pragma once

#include <gmp.h>

#include <string>
#include <string_view>

#include "vm/bytecode.hpp"
#include "vm/object.hpp"

namespace asy::vm {

struct Str;

// RAII holder for a GMP temporary.
struct Mpz {
    mpz_t z;
    Mpz() { mpz_init(z); }
    ~Mpz() { mpz_clear(z); }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
};

struct BigInt : Obj {
    mpz_t z;
    BigInt() { mpz_init(z); }
    ~BigInt() override { mpz_clear(z); }
    size_t external_size() const override { return mpz_size(z) * sizeof(mp_limb_t); }
};

// Boxed int/float for instances of user subclasses of int/float (`class Celsius(float)`).
struct IntObj : Obj { Value value; void trace(Tracer& t) override { t.mark(value); } };  // value: Tag::Int or a BigInt
struct FloatObj : Obj { double value = 0; };

// Normalising constructors: small int when it fits, else a BigInt.
Value int_from_mpz(VM& vm, const mpz_t z);
Value int_from_decimal(VM& vm, std::string_view digits);  // optional leading '-'
bool is_bigint(Value v);
// Load any int Value (small or big) into `out` (initialised by the caller).
void int_to_mpz(Value v, mpz_t out);

// ---- int protocol used by operators.cpp / protocol.cpp / builtins.cpp -------------------
// The plain int inside an int-like value: bool -> 0/1, small int, BigInt, and the value of an
// IntObj (user subclass of int). False when `v` is not an int (floats are not ints).
bool int_unwrap(Value v, Value* out);
// a <op> b where both should be ints (bool, int, BigInt, int subclasses); in-place kinds
// behave as the plain ones. Returns vm.not_implemented when either operand is not an int
// (TrueDivide of two ints gives a float). Empty with an exception pending on error.
Value int_binary_op(VM& vm, BinOpKind op, Value a, Value b);
// Unary -, +, ~ and abs() on an int-like value (Op::UNARY_NEGATIVE etc. use these).
Value int_neg(VM& vm, Value a);
Value int_invert(VM& vm, Value a);
Value int_abs(VM& vm, Value a);
// divmod(a, b) as a tuple; pow(a, b, m) (negative b: modular inverse). NotImplemented for non-ints.
Value int_divmod(VM& vm, Value a, Value b);
Value int_pow_mod(VM& vm, Value a, Value b, Value m);
// Exact three-way comparison of two int-like values: -1, 0, 1.
int int_cmp(Value a, Value b);
// Python's numeric hash of an int (modulus 2**61-1, -1 -> -2), as the bits of a Py_hash_t.
uint64_t int_hash(Value v);
// Decimal text of an int-like value (fast for big ints: mpz_get_str).
std::string int_to_decimal(Value v);
// The same with CPython 3.11's 4300-digit limit (ValueError "Exceeds the limit ...").
bool int_decimal_checked(VM& vm, Value v, std::string* out);
Str* int_repr(VM& vm, Value v);
// Text of `v` in `base` (2..36), lower-case digits, '-' for negatives, no prefix.
std::string int_to_base(Value v, int base);
// Nearest double of an int (round half to even); false + OverflowError
// ("int too large to convert to float") when it does not fit.
bool int_to_double(VM& vm, Value v, double* out);
// Parse int(text, base) as CPython: base 0 or 2..36, underscores, surrounding whitespace,
// sign, prefixes. Empty + ValueError ("invalid literal for int() with base 10: 'abc'").
Value int_from_string(VM& vm, std::string_view text, int base);
// Text with Python's surrounding whitespace removed (for int()/float() parsing).
std::string_view strip_number_text(std::string_view s);
// Unicode decimal digits -> ASCII digits and Unicode spaces -> ' ' (int("٣") == 3).
std::string ascii_number_text(std::string_view s);
// int(x) for a double: truncation; OverflowError/ValueError for inf/nan.
Value int_from_double(VM& vm, double d);
// The ints' Value for bool/int-subclass instance etc. used by int(x) / operator.index(x):
// calls __index__ on other types. Empty + TypeError when not possible.
Value index_value(VM& vm, Value v);
// Bit length of |v|.
uint64_t int_bit_length(Value v);
// int_cmp(v, 0)
int int_sign(Value v);

}  // namespace asy::vm
