// `int`: small ints are unboxed in `Value` (Tag::Int); ints outside int64 are `BigInt` objects
// holding a GMP `mpz_t`. Every operation returns the smallest form (a BigInt that fits int64
// is always turned back into a small int), so `is_int()` on a result means "fits int64".
#pragma once

#include <gmp.h>

#include <string>

#include "vm/object.hpp"

namespace asy::vm {

struct BigInt : Obj {
    mpz_t z;
    BigInt() { mpz_init(z); }
    ~BigInt() override { mpz_clear(z); }
    size_t external_size() const override { return mpz_size(z) * sizeof(mp_limb_t); }
};

// Boxed int/float for instances of user subclasses of int/float (`class Celsius(float)`).
struct IntObj : Obj { Value value; };      // value: Tag::Int or a BigInt
struct FloatObj : Obj { double value = 0; };

// Normalising constructors: small int when it fits, else a BigInt.
Value int_from_mpz(VM& vm, const mpz_t z);
Value int_from_decimal(VM& vm, std::string_view digits);  // optional leading '-'
bool is_bigint(Value v);
// Load any int Value (small or big) into `out` (initialised by the caller).
void int_to_mpz(Value v, mpz_t out);

}  // namespace asy::vm
