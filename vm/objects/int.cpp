// `int` arithmetic and conversions: int64 fast paths that overflow into GMP big ints, results
// always normalised back to the smallest form; parsing and printing; CPython's numeric hash.
// Also the int and bool types' methods (dunders, bit_length, to_bytes, ...) and int()/bool().
#include "vm/objects/int.hpp"

#include <cmath>
#include <cstring>

#include <utf8proc.h>

#include "vm/format.hpp"
#include "vm/init.hpp"
#include "vm/objects/float.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"
#include "vm/objects/descriptors.hpp"  // after vm.hpp: it needs Str complete

namespace asy::vm {

namespace {

constexpr int kMaxStrDigits = 4300;          // CPython 3.11's default int_max_str_digits
constexpr uint64_t kHashModulus = (uint64_t{1} << 61) - 1;
constexpr uint64_t kMaxBits = uint64_t{1} << 36;  // refuse ints beyond 8 GiB (MemoryError)

// Move `m` into a result: small int when it fits, else a new BigInt that steals the limbs.
Value take_mpz(VM& vm, Mpz& m) {
    if (mpz_fits_slong_p(m.z)) return Value::integer(mpz_get_si(m.z));
    BigInt* b = vm.alloc<BigInt>(vm.types.int_);
    mpz_swap(b->z, m.z);
    vm.heap.account(static_cast<std::ptrdiff_t>(b->external_size()));
    return Value::object(b);
}

const mpz_t& big_of(Value v) { return static_cast<BigInt*>(v.o)->z; }

// Check the size of a result about to be built: MemoryError when absurd or over the limit.
bool reserve_bits(VM& vm, uint64_t bits) {
    if (bits > kMaxBits) { vm.raise(vm.exc.MemoryError, ""); return false; }
    return vm.heap.reserve(bits / 8);
}

Value zero_division(VM& vm, const char* msg) { return vm.raise(vm.exc.ZeroDivisionError, msg); }

// Round the (at most 64-bit) mantissa `q`, whose lowest bit is sticky, by dropping `drop` low
// bits half-to-even; returns q >> drop, rounded (may carry to one more bit).
uint64_t round_drop(uint64_t q, int drop) {
    if (drop <= 0) return q;
    if (drop >= 64) return 0;
    uint64_t kept = q >> drop;
    uint64_t rest = q & ((uint64_t{1} << drop) - 1);
    uint64_t half = uint64_t{1} << (drop - 1);
    if (rest > half || (rest == half && (kept & 1))) kept++;
    return kept;
}

// Correctly rounded a / b for positive mpz a, b. Sets *overflow when the result is too big.
double mpz_div_to_double(const mpz_t a, const mpz_t b, bool* overflow) {
    *overflow = false;
    if (mpz_sgn(a) == 0) return 0.0;
    long e = static_cast<long>(mpz_sizeinbase(a, 2)) - static_cast<long>(mpz_sizeinbase(b, 2));
    if (e > 1025) { *overflow = true; return 0; }
    if (e < -1080) return 0.0;  // far below the smallest subnormal: rounds to zero
    long s = std::min<long>(55 - e, 1076);  // q = floor(a * 2^s / b) has 55..56 bits (fewer if subnormal)
    Mpz num, den, q, r;
    if (s >= 0) { mpz_mul_2exp(num.z, a, static_cast<unsigned long>(s)); mpz_set(den.z, b); }
    else { mpz_set(num.z, a); mpz_mul_2exp(den.z, b, static_cast<unsigned long>(-s)); }
    mpz_tdiv_qr(q.z, r.z, num.z, den.z);
    uint64_t qq = mpz_get_ui(q.z);
    if (mpz_sgn(r.z) != 0) qq |= 1;
    int bits = 64 - __builtin_clzll(qq);
    int drop = std::max<long>(bits - 53, s - 1074);
    uint64_t kept = round_drop(qq, drop);
    double d = std::ldexp(static_cast<double>(kept), static_cast<int>(drop - s));
    if (std::isinf(d)) *overflow = true;
    return d;
}

// Small-int helpers ------------------------------------------------------------------------

int64_t floordiv64(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

int64_t mod64(int64_t a, int64_t b) {
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

BinOpKind plain_kind(BinOpKind op) {
    int k = static_cast<int>(op);
    if (k >= kBinOpInplaceOffset) k -= kBinOpInplaceOffset;
    return static_cast<BinOpKind>(k);
}

// a ** b for ints, b >= 0.
Value int_pow_nonneg(VM& vm, Value a, Value b) {
    if (!b.is_int()) {
        // Huge exponent: only trivial bases are representable.
        if (a.is_int() && (a.i == 0 || a.i == 1)) return a;
        if (a.is_int() && a.i == -1) return Value::integer(mpz_odd_p(big_of(b)) ? -1 : 1);
        vm.raise(vm.exc.MemoryError, "");
        return {};
    }
    uint64_t e = static_cast<uint64_t>(b.i);
    if (a.is_int()) {
        int64_t base = a.i, result = 1;
        if (base == 0) return Value::integer(e == 0 ? 1 : 0);
        if (base == 1) return Value::integer(1);
        if (base == -1) return Value::integer((e & 1) ? -1 : 1);
        bool overflow = false;
        uint64_t ee = e;
        int64_t bb = base;
        while (ee) {
            if (ee & 1) { if (__builtin_mul_overflow(result, bb, &result)) { overflow = true; break; } }
            ee >>= 1;
            if (ee && __builtin_mul_overflow(bb, bb, &bb)) { overflow = true; break; }
        }
        if (!overflow) return Value::integer(result);
    }
    if (!reserve_bits(vm, int_bit_length(a) * e)) return {};
    Mpz r;
    int_to_mpz(a, r.z);
    mpz_pow_ui(r.z, r.z, e);
    return take_mpz(vm, r);
}

Value int_shift(VM& vm, bool left, Value a, Value b) {
    if (int_sign(b) < 0) return vm.raise(vm.exc.ValueError, "negative shift count");
    if (int_sign(a) == 0) return Value::integer(0);
    if (!b.is_int()) {
        if (left) return vm.raise(vm.exc.MemoryError, "");
        return Value::integer(int_sign(a) < 0 ? -1 : 0);
    }
    uint64_t s = static_cast<uint64_t>(b.i);
    if (a.is_int()) {
        if (!left) return Value::integer(s >= 64 ? (a.i < 0 ? -1 : 0) : (a.i >> s));
        if (s < 63) {
            int64_t r = static_cast<int64_t>(static_cast<uint64_t>(a.i) << s);
            if ((r >> s) == a.i) return Value::integer(r);
        }
    }
    Mpz r;
    int_to_mpz(a, r.z);
    if (left) {
        if (!reserve_bits(vm, int_bit_length(a) + s)) return {};
        mpz_mul_2exp(r.z, r.z, s);
    } else {
        mpz_fdiv_q_2exp(r.z, r.z, s);
    }
    return take_mpz(vm, r);
}

}  // namespace

// ---- representation ------------------------------------------------------------------------

bool is_bigint(Value v) { return v.is_obj() && dynamic_cast<BigInt*>(v.o) != nullptr; }

void int_to_mpz(Value v, mpz_t out) {
    if (v.is_int()) mpz_set_si(out, v.i);
    else if (v.is_bool()) mpz_set_si(out, v.b ? 1 : 0);
    else mpz_set(out, big_of(v));
}

Value int_from_mpz(VM& vm, const mpz_t z) {
    if (mpz_fits_slong_p(z)) return Value::integer(mpz_get_si(z));
    BigInt* b = vm.alloc<BigInt>(vm.types.int_);
    mpz_set(b->z, z);
    vm.heap.account(static_cast<std::ptrdiff_t>(b->external_size()));
    return Value::object(b);
}

Value int_from_decimal(VM& vm, std::string_view digits) {
    Mpz m;
    std::string s(digits);
    if (mpz_set_str(m.z, s.c_str(), 10) != 0) mpz_set_ui(m.z, 0);
    return take_mpz(vm, m);
}

bool int_unwrap(Value v, Value* out) {
    switch (v.tag) {
    case Tag::Int: *out = v; return true;
    case Tag::Bool: *out = Value::integer(v.b ? 1 : 0); return true;
    case Tag::Obj:
        if (dynamic_cast<BigInt*>(v.o)) { *out = v; return true; }
        if (auto* io = dynamic_cast<IntObj*>(v.o)) { *out = io->value; return true; }
        return false;
    default: return false;
    }
}

int int_sign(Value v) {
    if (v.is_int()) return (v.i > 0) - (v.i < 0);
    if (v.is_bool()) return v.b ? 1 : 0;
    return mpz_sgn(big_of(v));
}

uint64_t int_bit_length(Value v) {
    if (v.is_int() || v.is_bool()) {
        int64_t x = v.is_bool() ? v.b : v.i;
        uint64_t u = x < 0 ? uint64_t(0) - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
        return u == 0 ? 0 : 64 - __builtin_clzll(u);
    }
    return mpz_sizeinbase(big_of(v), 2);
}

int int_cmp(Value a, Value b) {
    Value x, y;
    int_unwrap(a, &x);
    int_unwrap(b, &y);
    if (x.is_int() && y.is_int()) return (x.i > y.i) - (x.i < y.i);
    if (x.is_int()) { int c = mpz_cmp_si(big_of(y), x.i); return (c < 0) - (c > 0); }
    if (y.is_int()) { int c = mpz_cmp_si(big_of(x), y.i); return (c > 0) - (c < 0); }
    int c = mpz_cmp(big_of(x), big_of(y));
    return (c > 0) - (c < 0);
}

uint64_t int_hash(Value v) {
    Value x;
    int_unwrap(v, &x);
    int64_t h;
    if (x.is_int()) {
        uint64_t u = x.i < 0 ? uint64_t(0) - static_cast<uint64_t>(x.i) : static_cast<uint64_t>(x.i);
        h = static_cast<int64_t>(u % kHashModulus);
        if (x.i < 0) h = -h;
    } else {
        const mpz_t& z = big_of(x);
        h = static_cast<int64_t>(mpz_fdiv_ui(z, kHashModulus));  // of |z|: fix the sign below
        if (mpz_sgn(z) < 0) {
            Mpz t;
            mpz_neg(t.z, z);
            h = -static_cast<int64_t>(mpz_fdiv_ui(t.z, kHashModulus));
        }
    }
    if (h == -1) h = -2;
    return static_cast<uint64_t>(h);
}

std::string int_to_base(Value v, int base) {
    Value x;
    int_unwrap(v, &x);
    if (x.is_int()) {
        if (base == 10) return std::to_string(x.i);
        uint64_t u = x.i < 0 ? uint64_t(0) - static_cast<uint64_t>(x.i) : static_cast<uint64_t>(x.i);
        char buf[72];
        char* p = buf + sizeof buf;
        do { *--p = "0123456789abcdefghijklmnopqrstuvwxyz"[u % base]; u /= base; } while (u);
        if (x.i < 0) *--p = '-';
        return std::string(p, buf + sizeof buf);
    }
    const mpz_t& z = big_of(x);
    std::string s(mpz_sizeinbase(z, base) + 2, '\0');
    mpz_get_str(s.data(), base, z);
    s.resize(std::strlen(s.c_str()));
    return s;
}

std::string int_to_decimal(Value v) { return int_to_base(v, 10); }

bool int_decimal_checked(VM& vm, Value v, std::string* out) {
    Value x;
    int_unwrap(v, &x);
    if (!x.is_int() && mpz_sizeinbase(big_of(x), 10) > kMaxStrDigits + 1) {
        vm.raise(vm.exc.ValueError, "Exceeds the limit (4300 digits) for integer string conversion; "
                                    "use sys.set_int_max_str_digits() to increase the limit");
        return false;
    }
    *out = int_to_decimal(x);
    size_t ndigits = out->size() - (out->front() == '-' ? 1 : 0);
    if (ndigits > static_cast<size_t>(kMaxStrDigits)) {
        vm.raise(vm.exc.ValueError, "Exceeds the limit (4300 digits) for integer string conversion; "
                                    "use sys.set_int_max_str_digits() to increase the limit");
        return false;
    }
    return true;
}

Str* int_repr(VM& vm, Value v) {
    std::string s;
    if (!int_decimal_checked(vm, v, &s)) return nullptr;
    return new_str(vm, s);
}

bool int_to_double(VM& vm, Value v, double* out) {
    Value x;
    int_unwrap(v, &x);
    if (x.is_int()) { *out = static_cast<double>(x.i); return true; }
    const mpz_t& z = big_of(x);
    size_t bits = mpz_sizeinbase(z, 2);
    if (bits <= 53) { *out = mpz_get_d(z); return true; }
    if (bits > 1024) {
        vm.raise(vm.exc.OverflowError, "int too large to convert to float");
        return false;
    }
    // Keep the top 55 bits plus a sticky bit and round half to even ourselves (mpz_get_d truncates).
    Mpz t;
    mpz_abs(t.z, z);
    unsigned long shift = bits - 55;
    bool sticky = mpz_scan1(t.z, 0) < shift;
    mpz_tdiv_q_2exp(t.z, t.z, shift);
    uint64_t q = mpz_get_ui(t.z) | (sticky ? 1 : 0);
    uint64_t kept = round_drop(q, 2);
    double d = std::ldexp(static_cast<double>(kept), static_cast<int>(shift + 2));
    if (std::isinf(d)) {
        vm.raise(vm.exc.OverflowError, "int too large to convert to float");
        return false;
    }
    *out = mpz_sgn(z) < 0 ? -d : d;
    return true;
}

Value int_from_double(VM& vm, double d) {
    if (std::isinf(d)) return vm.raise(vm.exc.OverflowError, "cannot convert float infinity to integer");
    if (std::isnan(d)) return vm.raise(vm.exc.ValueError, "cannot convert float NaN to integer");
    double t = std::trunc(d);
    if (t >= -9223372036854775808.0 && t < 9223372036854775808.0) return Value::integer(static_cast<int64_t>(t));
    Mpz m;
    mpz_set_d(m.z, t);
    return take_mpz(vm, m);
}

// ---- arithmetic ----------------------------------------------------------------------------

Value int_neg(VM& vm, Value a) {
    Value x;
    if (!int_unwrap(a, &x)) return vm.not_implemented;
    if (x.is_int() && x.i != INT64_MIN) return Value::integer(-x.i);
    Mpz m;
    int_to_mpz(x, m.z);
    mpz_neg(m.z, m.z);
    return take_mpz(vm, m);
}

Value int_abs(VM& vm, Value a) {
    Value x;
    if (!int_unwrap(a, &x)) return vm.not_implemented;
    if (int_sign(x) >= 0) return x;
    return int_neg(vm, x);
}

Value int_invert(VM& vm, Value a) {
    Value x;
    if (!int_unwrap(a, &x)) return vm.not_implemented;
    if (x.is_int()) return Value::integer(~x.i);
    Mpz m;
    mpz_com(m.z, big_of(x));
    return take_mpz(vm, m);
}

// True division of two ints, correctly rounded.
static Value int_true_divide(VM& vm, Value a, Value b) {
    if (int_sign(b) == 0) return zero_division(vm, "division by zero");
    constexpr int64_t kExact = int64_t{1} << 53;
    if (a.is_int() && b.is_int() && a.i >= -kExact && a.i <= kExact && b.i >= -kExact && b.i <= kExact)
        return Value::real(static_cast<double>(a.i) / static_cast<double>(b.i));
    Mpz x, y;
    int_to_mpz(a, x.z);
    int_to_mpz(b, y.z);
    bool neg = (mpz_sgn(x.z) < 0) != (mpz_sgn(y.z) < 0);
    mpz_abs(x.z, x.z);
    mpz_abs(y.z, y.z);
    bool overflow;
    double d = mpz_div_to_double(x.z, y.z, &overflow);
    if (overflow) return vm.raise(vm.exc.OverflowError, "integer division result too large for a float");
    return Value::real(neg ? -d : d);
}

Value int_binary_op(VM& vm, BinOpKind op, Value a, Value b) {
    Value x, y;
    if (!int_unwrap(a, &x) || !int_unwrap(b, &y)) return vm.not_implemented;
    op = plain_kind(op);
    if (x.is_int() && y.is_int()) {
        int64_t p = x.i, q = y.i, r;
        switch (op) {
        case BinOpKind::Add: if (!__builtin_add_overflow(p, q, &r)) return Value::integer(r); break;
        case BinOpKind::Subtract: if (!__builtin_sub_overflow(p, q, &r)) return Value::integer(r); break;
        case BinOpKind::Multiply: if (!__builtin_mul_overflow(p, q, &r)) return Value::integer(r); break;
        case BinOpKind::FloorDivide:
            if (q == 0) return zero_division(vm, "integer division or modulo by zero");
            if (!(p == INT64_MIN && q == -1)) return Value::integer(floordiv64(p, q));
            break;
        case BinOpKind::Remainder:
            if (q == 0) return zero_division(vm, "integer modulo by zero");
            if (q == -1) return Value::integer(0);
            return Value::integer(mod64(p, q));
        case BinOpKind::And: return Value::integer(p & q);
        case BinOpKind::Or: return Value::integer(p | q);
        case BinOpKind::Xor: return Value::integer(p ^ q);
        default: break;
        }
    }
    switch (op) {
    case BinOpKind::TrueDivide: return int_true_divide(vm, x, y);
    case BinOpKind::Power:
        if (int_sign(y) < 0) {
            double fx, fy;
            if (!int_to_double(vm, x, &fx) || !int_to_double(vm, y, &fy)) return {};
            return float_binary_op(vm, BinOpKind::Power, Value::real(fx), Value::real(fy));
        }
        return int_pow_nonneg(vm, x, y);
    case BinOpKind::LShift: return int_shift(vm, true, x, y);
    case BinOpKind::RShift: return int_shift(vm, false, x, y);
    case BinOpKind::MatrixMultiply: return vm.not_implemented;
    default: break;
    }
    Mpz m, p, q;
    int_to_mpz(x, p.z);
    int_to_mpz(y, q.z);
    switch (op) {
    case BinOpKind::Add: mpz_add(m.z, p.z, q.z); break;
    case BinOpKind::Subtract: mpz_sub(m.z, p.z, q.z); break;
    case BinOpKind::Multiply:
        if (!reserve_bits(vm, int_bit_length(x) + int_bit_length(y))) return {};
        mpz_mul(m.z, p.z, q.z);
        break;
    case BinOpKind::FloorDivide:
        if (mpz_sgn(q.z) == 0) return zero_division(vm, "integer division or modulo by zero");
        mpz_fdiv_q(m.z, p.z, q.z);
        break;
    case BinOpKind::Remainder:
        if (mpz_sgn(q.z) == 0) return zero_division(vm, "integer modulo by zero");
        mpz_fdiv_r(m.z, p.z, q.z);
        break;
    case BinOpKind::And: mpz_and(m.z, p.z, q.z); break;
    case BinOpKind::Or: mpz_ior(m.z, p.z, q.z); break;
    case BinOpKind::Xor: mpz_xor(m.z, p.z, q.z); break;
    default: return vm.not_implemented;
    }
    return take_mpz(vm, m);
}

Value int_divmod(VM& vm, Value a, Value b) {
    Value x, y;
    if (!int_unwrap(a, &x) || !int_unwrap(b, &y)) return vm.not_implemented;
    if (int_sign(y) == 0) return zero_division(vm, "integer division or modulo by zero");
    Value q = int_binary_op(vm, BinOpKind::FloorDivide, x, y);
    if (q.is_empty()) return q;
    Value r = int_binary_op(vm, BinOpKind::Remainder, x, y);
    if (r.is_empty()) return r;
    Value items[2] = {q, r};
    return Value::object(new_tuple(vm, items, 2));
}

Value int_pow_mod(VM& vm, Value a, Value b, Value m) {
    Value x, y, z;
    if (!int_unwrap(a, &x) || !int_unwrap(b, &y) || !int_unwrap(m, &z)) return vm.not_implemented;
    if (int_sign(z) == 0) return vm.raise(vm.exc.ValueError, "pow() 3rd argument cannot be 0");
    Mpz base, exp, mod, r;
    int_to_mpz(x, base.z);
    int_to_mpz(y, exp.z);
    int_to_mpz(z, mod.z);
    bool neg_mod = mpz_sgn(mod.z) < 0;
    mpz_abs(mod.z, mod.z);
    if (mpz_sgn(exp.z) < 0) {
        if (!mpz_invert(base.z, base.z, mod.z) && mpz_cmp_ui(mod.z, 1) != 0)
            return vm.raise(vm.exc.ValueError, "base is not invertible for the given modulus");
        mpz_neg(exp.z, exp.z);
    }
    mpz_powm(r.z, base.z, exp.z, mod.z);
    if (neg_mod && mpz_sgn(r.z) != 0) mpz_sub(r.z, r.z, mod.z);
    return take_mpz(vm, r);
}

// ---- parsing -------------------------------------------------------------------------------

static bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x1f; }

// Strip Python whitespace (ASCII; plus the common Unicode spaces in UTF-8).
std::string_view strip_number_text(std::string_view s) {
    auto lead = [](std::string_view t) -> size_t {
        if (!t.empty() && is_space(static_cast<unsigned char>(t[0]))) return 1;
        if (t.size() >= 2 && static_cast<unsigned char>(t[0]) == 0xc2 && static_cast<unsigned char>(t[1]) == 0xa0) return 2;
        if (t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xe3 && static_cast<unsigned char>(t[1]) == 0x80 &&
            static_cast<unsigned char>(t[2]) == 0x80) return 3;
        return 0;
    };
    auto trail = [](std::string_view t) -> size_t {
        size_t n = t.size();
        if (n && is_space(static_cast<unsigned char>(t[n - 1]))) return 1;
        if (n >= 2 && static_cast<unsigned char>(t[n - 2]) == 0xc2 && static_cast<unsigned char>(t[n - 1]) == 0xa0) return 2;
        if (n >= 3 && static_cast<unsigned char>(t[n - 3]) == 0xe3 && static_cast<unsigned char>(t[n - 2]) == 0x80 &&
            static_cast<unsigned char>(t[n - 1]) == 0x80) return 3;
        return 0;
    };
    for (size_t k; (k = lead(s)) != 0;) s.remove_prefix(k);
    for (size_t k; (k = trail(s)) != 0;) s.remove_suffix(k);
    return s;
}

std::string ascii_number_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) { out.push_back(static_cast<char>(c)); ++i; continue; }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
        if (n <= 0) { out.push_back(static_cast<char>(c)); ++i; continue; }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_ND) {
            // Decimal digits come in runs of ten starting at zero: count back to the run's start.
            int k = 0;
            while (utf8proc_category(cp - k - 1) == UTF8PROC_CATEGORY_ND) ++k;
            out.push_back(static_cast<char>('0' + k % 10));
        } else if (cat == UTF8PROC_CATEGORY_ZS || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
            out.push_back(' ');
        } else {
            out.append(s.substr(i, static_cast<size_t>(n)));
        }
        i += static_cast<size_t>(n);
    }
    return out;
}

static int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

// Parse int text; false when invalid. *too_long = digit count when over the 4300 limit.
static bool parse_int_text(std::string_view text, int base, Mpz& out, size_t* too_long) {
    std::string_view s = strip_number_text(text);
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) { neg = s[0] == '-'; s.remove_prefix(1); }
    if (s.empty()) return false;
    bool had_prefix = false;
    if (s.size() >= 2 && s[0] == '0') {
        char p = static_cast<char>(s[1] | 0x20);
        int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
        if (pb && (base == 0 || base == pb)) { base = pb; s.remove_prefix(2); had_prefix = true; }
    }
    if (base == 0) {
        base = 10;
        // Base 0 forbids leading zeros in non-zero decimals ("010").
        size_t i = 0;
        if (s[0] == '0') {
            for (; i < s.size(); ++i) if (s[i] != '0' && s[i] != '_') break;
            if (i < s.size()) return false;
        }
    }
    std::string digits;
    digits.reserve(s.size());
    bool prev_us = !had_prefix;  // a leading '_' is allowed only right after a prefix
    for (char c : s) {
        if (c == '_') { if (prev_us) return false; prev_us = true; continue; }
        if (digit_value(c) >= base) return false;
        digits.push_back(c);
        prev_us = false;
    }
    if (prev_us || digits.empty()) return false;
    if ((base & (base - 1)) != 0 && digits.size() > static_cast<size_t>(kMaxStrDigits)) {
        *too_long = digits.size();
        return true;
    }
    if (mpz_set_str(out.z, digits.c_str(), base) != 0) return false;
    if (neg) mpz_neg(out.z, out.z);
    return true;
}

Value int_from_string(VM& vm, std::string_view text, int base) {
    if (base != 0 && (base < 2 || base > 36))
        return vm.raise(vm.exc.ValueError, "int() base must be >= 2 and <= 36, or 0");
    Mpz m;
    size_t too_long = 0;
    std::string ascii;
    std::string_view digits = text;
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) { ascii = ascii_number_text(text); digits = ascii; break; }
    }
    if (!parse_int_text(digits, base, m, &too_long)) {
        Str* r = repr(vm, str_value(vm, text));
        if (!r) return {};
        std::string msg = "invalid literal for int() with base " + std::to_string(base) + ": " + r->s;
        return vm.raise(vm.exc.ValueError, msg);
    }
    if (too_long) {
        std::string msg = "Exceeds the limit (4300 digits) for integer string conversion: value has " +
                          std::to_string(too_long) + " digits; use sys.set_int_max_str_digits() to increase the limit";
        return vm.raise(vm.exc.ValueError, msg);
    }
    return take_mpz(vm, m);
}

// ---- protocol glue declared in ops.hpp -----------------------------------------------------

bool is_int_like(VM& vm, Value v) {
    Value x;
    return int_unwrap(v, &x);
}

Value index_value(VM& vm, Value v) {
    Value x;
    if (int_unwrap(v, &x)) return x;
    Value method = type_lookup(type_of(vm, v), vm.names.__index__);
    if (method.is_empty()) {
        return vm.raise_format(vm.exc.TypeError, "'%s' object cannot be interpreted as an integer",
                               type_name(vm, v).c_str());
    }
    Value r = vm.call(method, {v});
    if (r.is_empty()) return r;
    if (!int_unwrap(r, &x)) {
        return vm.raise_format(vm.exc.TypeError, "__index__ returned non-int (type %s)", type_name(vm, r).c_str());
    }
    return x;
}

bool to_int64(VM& vm, Value v, int64_t* out) {
    Value x = index_value(vm, v);
    if (x.is_empty()) return false;
    if (!x.is_int()) {
        vm.raise(vm.exc.OverflowError, "Python int too large to convert to C ssize_t");
        return false;
    }
    *out = x.i;
    return true;
}

bool to_double(VM& vm, Value v, double* out) {
    if (v.is_float()) { *out = v.f; return true; }
    if (float_unwrap(v, out)) return true;
    Value x;
    if (int_unwrap(v, &x)) return int_to_double(vm, x, out);
    Value method = type_lookup(type_of(vm, v), vm.names.__float__);
    if (method.is_empty()) {
        Value idx = type_lookup(type_of(vm, v), vm.names.__index__);
        if (!idx.is_empty()) {
            Value i = index_value(vm, v);
            return !i.is_empty() && int_to_double(vm, i, out);
        }
        vm.raise_format(vm.exc.TypeError, "must be real number, not %s", type_name(vm, v).c_str());
        return false;
    }
    Value r = vm.call(method, {v});
    if (r.is_empty()) return false;
    if (!float_unwrap(r, out)) {
        vm.raise_format(vm.exc.TypeError, "%s.__float__ returned non-float (type %s)", type_name(vm, v).c_str(),
                        type_name(vm, r).c_str());
        return false;
    }
    return true;
}

// ---- int and bool methods ------------------------------------------------------------------

namespace {

constexpr const char* kOpNames[] = {"add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or",
                                    "pow", "rshift", "sub", "truediv", "xor"};

bool is_str_value(Value v) { return v.is_obj() && v.o->type->layout == Layout::Str; }

// Self of a dunder ("descriptor '__add__' requires a 'int' object ...").
bool self_int(VM& vm, const Args& a, const char* name, Value* out) {
    if (a.npos >= 1 && int_unwrap(a[0], out)) return true;
    if (a.npos == 0) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' of 'int' object needs an argument", name);
    } else {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'int' object but received a '%s'", name,
                        type_name(vm, a[0]).c_str());
    }
    return false;
}

// Self of a plain method ("descriptor 'bit_length' for 'int' objects doesn't apply to ...").
bool self_int_method(VM& vm, const Args& a, const char* name, Value* out) {
    if (a.npos >= 1 && int_unwrap(a[0], out)) return true;
    if (a.npos == 0) {
        vm.raise_format(vm.exc.TypeError, "unbound method int.%s() needs an argument", name);
    } else {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' for 'int' objects doesn't apply to a '%s' object", name,
                        type_name(vm, a[0]).c_str());
    }
    return false;
}

template <BinOpKind K, bool Reflected>
Value int_dunder(VM& vm, const Args& a) {
    static const std::string name = std::string(Reflected ? "__r" : "__") + kOpNames[static_cast<int>(K)] + "__";
    Value self;
    if (!self_int(vm, a, name.c_str(), &self)) return {};
    if (!check_args(vm, a, name.c_str(), 2, K == BinOpKind::Power ? 3 : 2)) return {};
    if (a.npos == 3 && !a[2].is_none()) {
        return Reflected ? int_pow_mod(vm, a[1], a[0], a[2]) : int_pow_mod(vm, a[0], a[1], a[2]);
    }
    return Reflected ? int_binary_op(vm, K, a[1], a[0]) : int_binary_op(vm, K, a[0], a[1]);
}

template <CompareKind K>
Value int_cmp_dunder(VM& vm, const Args& a) {
    Value self, other;
    if (!self_int(vm, a, "__eq__", &self) || !check_args(vm, a, "__eq__", 2, 2)) return {};
    if (!int_unwrap(a[1], &other)) return vm.not_implemented;
    int c = int_cmp(self, other);
    switch (K) {
    case CompareKind::Lt: return Value::boolean(c < 0);
    case CompareKind::Le: return Value::boolean(c <= 0);
    case CompareKind::Eq: return Value::boolean(c == 0);
    case CompareKind::Ne: return Value::boolean(c != 0);
    case CompareKind::Gt: return Value::boolean(c > 0);
    case CompareKind::Ge: return Value::boolean(c >= 0);
    }
    return {};
}

Value int_divmod_m(VM& vm, const Args& a) {
    Value self;
    if (!self_int(vm, a, "__divmod__", &self) || !check_args(vm, a, "__divmod__", 2, 2)) return {};
    return int_divmod(vm, a[0], a[1]);
}

Value int_rdivmod_m(VM& vm, const Args& a) {
    Value self;
    if (!self_int(vm, a, "__rdivmod__", &self) || !check_args(vm, a, "__rdivmod__", 2, 2)) return {};
    return int_divmod(vm, a[1], a[0]);
}

#define ASY_INT_UNARY(fname, pyname, expr)                                          \
    Value fname(VM& vm, const Args& a) {                                             \
        Value x;                                                                     \
        if (!self_int(vm, a, pyname, &x) || !check_args(vm, a, pyname, 1, 1)) return {}; \
        return expr;                                                                 \
    }

ASY_INT_UNARY(int_neg_m, "__neg__", int_neg(vm, x))
ASY_INT_UNARY(int_pos_m, "__pos__", x)
ASY_INT_UNARY(int_abs_m, "__abs__", int_abs(vm, x))
ASY_INT_UNARY(int_invert_m, "__invert__", int_invert(vm, x))
ASY_INT_UNARY(int_bool_m, "__bool__", Value::boolean(int_sign(x) != 0))
ASY_INT_UNARY(int_int_m, "__int__", x)
ASY_INT_UNARY(int_index_m, "__index__", x)
ASY_INT_UNARY(int_trunc_m, "__trunc__", x)
ASY_INT_UNARY(int_floor_m, "__floor__", x)
ASY_INT_UNARY(int_ceil_m, "__ceil__", x)
ASY_INT_UNARY(int_hash_m, "__hash__", Value::integer(static_cast<int64_t>(int_hash(x))))
#undef ASY_INT_UNARY

Value int_float_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int(vm, a, "__float__", &x) || !check_args(vm, a, "__float__", 1, 1)) return {};
    double d;
    if (!int_to_double(vm, x, &d)) return {};
    return Value::real(d);
}

Value int_repr_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int(vm, a, "__repr__", &x) || !check_args(vm, a, "__repr__", 1, 1)) return {};
    Str* s = int_repr(vm, x);
    return s ? Value::object(s) : Value();
}

Value int_format_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int(vm, a, "__format__", &x) || !check_args(vm, a, "__format__", 2, 2)) return {};
    if (!is_str_value(a[1])) {
        return vm.raise_format(vm.exc.TypeError, "__format__() argument must be str, not %s",
                               type_name(vm, a[1]).c_str());
    }
    return format_int(vm, a[0], static_cast<Str*>(a[1].o)->s);
}

Value int_round_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int(vm, a, "__round__", &x) || !check_args(vm, a, "__round__", 1, 2)) return {};
    if (a.npos == 1 || a[1].is_none()) return x;
    Value nd = index_value(vm, a[1]);
    if (nd.is_empty()) return nd;
    if (int_sign(nd) >= 0) return x;
    // Round half to even at 10**-ndigits.
    Value nn = int_neg(vm, nd);
    if (!nn.is_int() || nn.i > 100000000) return Value::integer(0);
    Mpz v, p, q, r, twice;
    int_to_mpz(x, v.z);
    mpz_ui_pow_ui(p.z, 10, static_cast<unsigned long>(nn.i));
    mpz_fdiv_qr(q.z, r.z, v.z, p.z);
    mpz_mul_2exp(twice.z, r.z, 1);
    int c = mpz_cmp(twice.z, p.z);
    if (c > 0 || (c == 0 && mpz_odd_p(q.z))) mpz_add_ui(q.z, q.z, 1);
    mpz_mul(q.z, q.z, p.z);
    return take_mpz(vm, q);
}

Value int_bit_length_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int_method(vm, a, "bit_length", &x) || !check_args(vm, a, "bit_length", 1, 1)) return {};
    return Value::integer(static_cast<int64_t>(int_bit_length(x)));
}

Value int_bit_count_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int_method(vm, a, "bit_count", &x) || !check_args(vm, a, "bit_count", 1, 1)) return {};
    if (x.is_int()) {
        uint64_t u = x.i < 0 ? uint64_t(0) - static_cast<uint64_t>(x.i) : static_cast<uint64_t>(x.i);
        return Value::integer(__builtin_popcountll(u));
    }
    Mpz t;
    mpz_abs(t.z, big_of(x));
    return Value::integer(static_cast<int64_t>(mpz_popcount(t.z)));
}

Value int_conjugate_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int_method(vm, a, "conjugate", &x) || !check_args(vm, a, "conjugate", 1, 1)) return {};
    return x;
}

Value int_as_integer_ratio_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int_method(vm, a, "as_integer_ratio", &x) || !check_args(vm, a, "as_integer_ratio", 1, 1)) return {};
    Value items[2] = {x, Value::integer(1)};
    return Value::object(new_tuple(vm, items, 2));
}

Value int_getnewargs_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int_method(vm, a, "__getnewargs__", &x) || !check_args(vm, a, "__getnewargs__", 1, 1)) return {};
    return Value::object(new_tuple(vm, &x, 1));
}

Value int_self_get(VM& vm, Value obj, GetSetDescr*) {
    Value x;
    if (!int_unwrap(obj, &x)) return Value::integer(0);
    return x;
}

Value int_zero_get(VM& vm, Value obj, GetSetDescr*) { return Value::integer(0); }
Value int_one_get(VM& vm, Value obj, GetSetDescr*) { return Value::integer(1); }

// byteorder argument: 1 big, 0 little, -1 error.
int byteorder_arg(VM& vm, Value v) {
    if (v.is_empty()) return 1;
    if (!is_str_value(v)) {
        vm.raise_format(vm.exc.TypeError, "to_bytes() argument 'byteorder' must be str, not %s", type_name(vm, v).c_str());
        return -1;
    }
    const std::string& s = static_cast<Str*>(v.o)->s;
    if (s == "big") return 1;
    if (s == "little") return 0;
    vm.raise(vm.exc.ValueError, "byteorder must be either 'little' or 'big'");
    return -1;
}

Value int_to_bytes_m(VM& vm, const Args& a) {
    Value x;
    if (!self_int_method(vm, a, "to_bytes", &x)) return {};
    static const char* const names[] = {"self", "length", "byteorder", "signed", nullptr};
    Value v[4];
    if (!parse_args(vm, a, "to_bytes", names, 1, v)) return {};
    int64_t length = 1;
    if (!v[1].is_empty() && !to_int64(vm, v[1], &length)) return {};
    if (length < 0) return vm.raise(vm.exc.ValueError, "length argument must be non-negative");
    int big = byteorder_arg(vm, v[2]);
    if (big < 0) return {};
    int is_signed = 0;
    if (!v[3].is_empty() && (is_signed = truthy(vm, v[3])) < 0) return {};
    // CPython allocates the result before converting: a huge length is a MemoryError.
    if (!reserve_buffer(vm, static_cast<uint64_t>(length), sizeof(Value))) return {};
    if (!is_signed && int_sign(x) < 0) return vm.raise(vm.exc.OverflowError, "can't convert negative int to unsigned");
    // Fits when the two's complement needs at most length*8 bits (one more for the sign).
    Mpz m, lim;
    int_to_mpz(x, m.z);
    uint64_t bits = static_cast<uint64_t>(length) * 8;
    if (int_sign(x) < 0) {
        // -2**(bits-1) <= x
        if (bits == 0) return vm.raise(vm.exc.OverflowError, "int too big to convert");
        mpz_ui_pow_ui(lim.z, 2, bits - 1);
        mpz_neg(lim.z, lim.z);
        if (mpz_cmp(m.z, lim.z) < 0) return vm.raise(vm.exc.OverflowError, "int too big to convert");
        mpz_ui_pow_ui(lim.z, 2, bits);
        mpz_add(m.z, m.z, lim.z);  // two's complement as an unsigned number
    } else {
        uint64_t need = int_bit_length(x) + (is_signed ? 1 : 0);
        if (need > bits) return vm.raise(vm.exc.OverflowError, "int too big to convert");
    }
    List* list = new_list(vm, static_cast<size_t>(length));
    list->items.resize(static_cast<size_t>(length), Value::integer(0));
    size_t count = 0;
    std::vector<unsigned char> buf(mpz_sizeinbase(m.z, 256) + 1);
    if (mpz_sgn(m.z) != 0) mpz_export(buf.data(), &count, -1, 1, 0, 0, m.z);  // little-endian bytes
    for (size_t i = 0; i < count && i < static_cast<size_t>(length); ++i) {
        size_t pos = big ? static_cast<size_t>(length) - 1 - i : i;
        list->items[pos] = Value::integer(buf[i]);
    }
    return vm.call(Value::object(vm.types.bytes), {Value::object(list)});
}

Value int_from_bytes_m(VM& vm, const Args& a) {
    // classmethod: a[0] is the class.
    static const char* const names[] = {"cls", "bytes", "byteorder", "signed", nullptr};
    Value v[4];
    if (!parse_args(vm, a, "from_bytes", names, 2, v)) return {};
    int big = byteorder_arg(vm, v[2]);
    if (big < 0) return {};
    int is_signed = 0;
    if (!v[3].is_empty() && (is_signed = truthy(vm, v[3])) < 0) return {};
    Value src = v[1];
    if (is_str_value(src) || int_unwrap(src, &src) || src.is_float() || src.is_none()) {
        return vm.raise_format(vm.exc.TypeError, "cannot convert '%s' object to bytes", type_name(vm, v[1]).c_str());
    }
    src = v[1];
    Value it = get_iter(vm, src);
    if (it.is_empty()) return it;
    std::vector<unsigned char> bytes;
    for (;;) {
        Value item = iter_next(vm, it);
        if (item.is_empty()) {
            if (vm.has_pending()) return {};
            break;
        }
        int64_t b;
        if (!to_int64(vm, item, &b)) return {};
        if (b < 0 || b > 255) return vm.raise(vm.exc.ValueError, "bytes must be in range(0, 256)");
        bytes.push_back(static_cast<unsigned char>(b));
    }
    Mpz m;
    if (!bytes.empty()) mpz_import(m.z, bytes.size(), big ? 1 : -1, 1, 0, 0, bytes.data());
    if (is_signed && !bytes.empty() && (bytes[big ? 0 : bytes.size() - 1] & 0x80)) {
        Mpz lim;
        mpz_ui_pow_ui(lim.z, 2, bytes.size() * 8);
        mpz_sub(m.z, m.z, lim.z);
    }
    Value r = take_mpz(vm, m);
    Value cls = v[0];
    if (cls.is_obj() && cls.o != vm.types.int_) return vm.call(cls, {r});
    return r;
}

// int(x=0) / int(x, base=10), as int.__new__(cls, ...).
Value int_new_m(VM& vm, const Args& a) {
    if (a.npos < 1 || !a[0].is_obj()) return vm.raise(vm.exc.TypeError, "int.__new__(): not enough arguments");
    Type* cls = static_cast<Type*>(a[0].o);
    if (!is_subtype(cls, vm.types.int_)) {
        return vm.raise_format(vm.exc.TypeError, "int.__new__(%s): %s is not a subtype of int", cls->name->s.c_str(),
                               cls->name->s.c_str());
    }
    if (cls == vm.types.bool_) return vm.raise(vm.exc.TypeError, "int.__new__(bool) is not safe, use bool.__new__()");
    Value x, base;
    uint32_t npos = a.npos - 1;
    if (npos > 2) return vm.raise_format(vm.exc.TypeError, "int() takes at most 2 arguments (%u given)", npos);
    if (npos >= 1) x = a[1];
    if (npos >= 2) base = a[2];
    uint32_t nkw = a.kwnames ? a.nkw() : 0;
    for (uint32_t i = 0; i < nkw; ++i) {
        Str* k = static_cast<Str*>(a.kwnames->items[i].o);
        if (k->s == "base" && base.is_empty()) { base = a.kwvalues[i]; continue; }
        if (k->s == "base") return vm.raise(vm.exc.TypeError, "argument for int() given by name ('base') and position (2)");
        return vm.raise_format(vm.exc.TypeError, "'%s' is an invalid keyword argument for int()", k->s.c_str());
    }
    Value result;
    if (x.is_empty()) {
        if (!base.is_empty()) return vm.raise(vm.exc.TypeError, "int() missing string argument");
        result = Value::integer(0);
    } else if (!base.is_empty()) {
        int64_t b;
        Value bi = index_value(vm, base);
        if (bi.is_empty()) return bi;
        b = bi.is_int() ? bi.i : -1;
        if (is_str_value(x)) {
            if (b != 0 && (b < 2 || b > 36)) return vm.raise(vm.exc.ValueError, "int() base must be >= 2 and <= 36, or 0");
            result = int_from_string(vm, static_cast<Str*>(x.o)->s, static_cast<int>(b));
        } else {
            return vm.raise(vm.exc.TypeError, "int() can't convert non-string with explicit base");
        }
    } else if (int_unwrap(x, &result)) {
        // int(int) / int(bool) / int(subclass instance): the plain value
    } else if (x.is_float() || dynamic_cast<FloatObj*>(x.is_obj() ? x.o : nullptr)) {
        double d;
        float_unwrap(x, &d);
        result = int_from_double(vm, d);
    } else if (is_str_value(x)) {
        result = int_from_string(vm, static_cast<Str*>(x.o)->s, 10);
    } else {
        Type* t = type_of(vm, x);
        Value m;
        if (!(m = type_lookup(t, vm.names.__int__)).is_empty()) {
            result = vm.call(m, {x});
            if (result.is_empty()) return result;
            Value plain;
            if (!int_unwrap(result, &plain)) {
                return vm.raise_format(vm.exc.TypeError, "__int__ returned non-int (type %s)", type_name(vm, result).c_str());
            }
            result = plain;
        } else if (!(m = type_lookup(t, vm.names.__index__)).is_empty()) {
            result = index_value(vm, x);
        } else if (!(m = type_lookup(t, vm.intern("__trunc__"))).is_empty()) {
            result = vm.call(m, {x});
            if (result.is_empty()) return result;
            Value plain;
            if (!int_unwrap(result, &plain)) {
                if (type_lookup(type_of(vm, result), vm.names.__index__).is_empty()) {
                    return vm.raise_format(vm.exc.TypeError, "__trunc__ returned non-Integral (type %s)",
                                           type_name(vm, result).c_str());
                }
                plain = index_value(vm, result);
            }
            result = plain;
        } else if (x.is_obj() && x.o->type->layout == Layout::Bytes) {
            // bytes/bytearray: parse their text (ASCII digits).
            Value text = vm.call_method(x, vm.intern("decode"), {str_value(vm, "latin-1")});
            if (text.is_empty()) return text;
            result = int_from_string(vm, static_cast<Str*>(text.o)->s, 10);
        } else {
            return vm.raise_format(vm.exc.TypeError,
                                   "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                                   type_name(vm, x).c_str());
        }
    }
    if (result.is_empty() || cls == vm.types.int_) return result;
    IntObj* o = vm.alloc<IntObj>(cls);
    o->value = result;
    return Value::object(o);
}

// ---- bool ----

Value bool_new_m(VM& vm, const Args& a) {
    if (a.kwnames && a.nkw() > 0) return vm.raise(vm.exc.TypeError, "bool() takes no keyword arguments");
    if (a.npos > 2) return vm.raise_format(vm.exc.TypeError, "bool expected at most 1 argument, got %u", a.npos - 1);
    if (a.npos < 2) return Value::boolean(false);
    int t = truthy(vm, a[1]);
    if (t < 0) return {};
    return Value::boolean(t != 0);
}

Value bool_repr_m(VM& vm, const Args& a) {
    if (a.npos != 1 || !a[0].is_bool()) {
        return vm.raise_format(vm.exc.TypeError, "descriptor '__repr__' requires a 'bool' object but received a '%s'",
                               a.npos ? type_name(vm, a[0]).c_str() : "nothing");
    }
    return Value::object(vm.intern(a[0].b ? "True" : "False"));
}

template <BinOpKind K>
Value bool_logic_m(VM& vm, const Args& a) {
    static const std::string name = std::string("__") + kOpNames[static_cast<int>(K)] + "__";
    if (!check_args(vm, a, name.c_str(), 2, 2)) return {};
    if (a[0].is_bool() && a[1].is_bool()) {
        bool x = a[0].b, y = a[1].b;
        return Value::boolean(K == BinOpKind::And ? (x && y) : K == BinOpKind::Or ? (x || y) : (x != y));
    }
    return int_binary_op(vm, K, a[0], a[1]);
}

}  // namespace

void init_int_float(VM& vm) {
    Type* t = vm.types.int_;
#define ASY_DEF_BIN(kind, name)                                         \
    def_method(vm, t, "__" name "__", int_dunder<BinOpKind::kind, false>); \
    def_method(vm, t, "__r" name "__", int_dunder<BinOpKind::kind, true>);
    ASY_DEF_BIN(Add, "add") ASY_DEF_BIN(Subtract, "sub") ASY_DEF_BIN(Multiply, "mul")
    ASY_DEF_BIN(TrueDivide, "truediv") ASY_DEF_BIN(FloorDivide, "floordiv") ASY_DEF_BIN(Remainder, "mod")
    ASY_DEF_BIN(Power, "pow") ASY_DEF_BIN(LShift, "lshift") ASY_DEF_BIN(RShift, "rshift")
    ASY_DEF_BIN(And, "and") ASY_DEF_BIN(Or, "or") ASY_DEF_BIN(Xor, "xor")
#undef ASY_DEF_BIN
    def_method(vm, t, "__divmod__", int_divmod_m);
    def_method(vm, t, "__rdivmod__", int_rdivmod_m);
    def_method(vm, t, "__eq__", int_cmp_dunder<CompareKind::Eq>);
    def_method(vm, t, "__ne__", int_cmp_dunder<CompareKind::Ne>);
    def_method(vm, t, "__lt__", int_cmp_dunder<CompareKind::Lt>);
    def_method(vm, t, "__le__", int_cmp_dunder<CompareKind::Le>);
    def_method(vm, t, "__gt__", int_cmp_dunder<CompareKind::Gt>);
    def_method(vm, t, "__ge__", int_cmp_dunder<CompareKind::Ge>);
    def_method(vm, t, "__neg__", int_neg_m);
    def_method(vm, t, "__pos__", int_pos_m);
    def_method(vm, t, "__abs__", int_abs_m);
    def_method(vm, t, "__invert__", int_invert_m);
    def_method(vm, t, "__bool__", int_bool_m);
    def_method(vm, t, "__int__", int_int_m);
    def_method(vm, t, "__index__", int_index_m);
    def_method(vm, t, "__float__", int_float_m);
    def_method(vm, t, "__trunc__", int_trunc_m);
    def_method(vm, t, "__floor__", int_floor_m);
    def_method(vm, t, "__ceil__", int_ceil_m);
    def_method(vm, t, "__round__", int_round_m);
    def_method(vm, t, "__hash__", int_hash_m);
    def_method(vm, t, "__repr__", int_repr_m);
    def_method(vm, t, "__format__", int_format_m);
    def_method(vm, t, "__getnewargs__", int_getnewargs_m);
    def_method(vm, t, "__new__", int_new_m);
    def_method(vm, t, "bit_length", int_bit_length_m);
    def_method(vm, t, "bit_count", int_bit_count_m);
    def_method(vm, t, "conjugate", int_conjugate_m);
    def_method(vm, t, "as_integer_ratio", int_as_integer_ratio_m);
    def_method(vm, t, "to_bytes", int_to_bytes_m);
    def_classmethod_native(vm, t, "from_bytes", int_from_bytes_m);
    def_getset(vm, t, "real", int_self_get);
    def_getset(vm, t, "imag", int_zero_get);
    def_getset(vm, t, "numerator", int_self_get);
    def_getset(vm, t, "denominator", int_one_get);

    Type* b = vm.types.bool_;
    def_method(vm, b, "__new__", bool_new_m);
    def_method(vm, b, "__repr__", bool_repr_m);
    def_method(vm, b, "__and__", bool_logic_m<BinOpKind::And>);
    def_method(vm, b, "__rand__", bool_logic_m<BinOpKind::And>);
    def_method(vm, b, "__or__", bool_logic_m<BinOpKind::Or>);
    def_method(vm, b, "__ror__", bool_logic_m<BinOpKind::Or>);
    def_method(vm, b, "__xor__", bool_logic_m<BinOpKind::Xor>);
    def_method(vm, b, "__rxor__", bool_logic_m<BinOpKind::Xor>);

    init_float_complex(vm);
}

}  // namespace asy::vm
