// `float` and `complex`: arithmetic with CPython's special cases, exact mixed int/float
// comparison, the numeric hash, shortest round-trip printing, parsing, and both types' methods.
#include "vm/objects/float.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "vm/format.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/int.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"
#include "vm/objects/descriptors.hpp"  // after vm.hpp: it needs Str complete

namespace asy::vm {

namespace {

constexpr uint64_t kHashModulus = (uint64_t{1} << 61) - 1;
constexpr int kHashBits = 61;
constexpr int64_t kHashInf = 314159;
constexpr uint64_t kHashImag = 1000003;

bool is_odd_integer(double x) { return std::fmod(std::fabs(x), 2.0) == 1.0; }

Value zero_division(VM& vm, const char* msg) { return vm.raise(vm.exc.ZeroDivisionError, msg); }

// A real operand as a double: floats directly, ints converted (OverflowError when too big).
// 0 = not a real number, 1 = ok, -1 = error pending.
int real_operand(VM& vm, Value v, double* out) {
    if (v.is_float()) { *out = v.f; return 1; }
    if (float_unwrap(v, out)) return 1;
    Value x;
    if (int_unwrap(v, &x)) return int_to_double(vm, x, out) ? 1 : -1;
    return 0;
}

BinOpKind plain_kind(BinOpKind op) {
    int k = static_cast<int>(op);
    if (k >= kBinOpInplaceOffset) k -= kBinOpInplaceOffset;
    return static_cast<BinOpKind>(k);
}

struct Cplx { double re, im; };

Value float_pow(VM& vm, double iv, double iw);

// CPython's float_divmod: floor quotient and modulo with the sign of the divisor.
void float_divmod_parts(double vx, double wx, double* floordiv, double* mod) {
    double m = std::fmod(vx, wx);
    double div = (vx - m) / wx;
    if (m != 0.0) {
        if ((wx < 0) != (m < 0)) { m += wx; div -= 1.0; }
    } else {
        m = std::copysign(0.0, wx);
    }
    double fd;
    if (div != 0.0) {
        fd = std::floor(div);
        if (div - fd > 0.5) fd += 1.0;
    } else {
        fd = std::copysign(0.0, vx / wx);
    }
    *floordiv = fd;
    *mod = m;
}

}  // namespace

// ---- complex arithmetic (CPython's algorithms, for identical rounding) ----------------------

static Cplx c_prod(Cplx a, Cplx b) { return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

// 0: ok; 1: division by zero.
static int c_quot(Cplx a, Cplx b, Cplx* r) {
    double abs_br = std::fabs(b.re), abs_bi = std::fabs(b.im);
    if (abs_br >= abs_bi) {
        if (abs_br == 0.0) return 1;
        double ratio = b.im / b.re, denom = b.re + b.im * ratio;
        *r = {(a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom};
    } else if (abs_bi >= abs_br) {
        double ratio = b.re / b.im, denom = b.re * ratio + b.im;
        *r = {(a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom};
    } else {
        *r = {NAN, NAN};
    }
    return 0;
}

static Value complex_value(VM& vm, double re, double im) {
    ComplexObj* c = vm.alloc<ComplexObj>(vm.types.complex);
    c->real = re;
    c->imag = im;
    return Value::object(c);
}

// A complex operand: complex, float or int. 0 = not a number, 1 = ok, -1 = error.
static int complex_operand(VM& vm, Value v, Cplx* out) {
    if (v.is_obj()) {
        if (auto* c = dynamic_cast<ComplexObj*>(v.o)) { *out = {c->real, c->imag}; return 1; }
    }
    double d;
    int r = real_operand(vm, v, &d);
    if (r == 1) *out = {d, 0.0};
    return r;
}

static Value complex_pow(VM& vm, Cplx a, Cplx b) {
    Cplx r;
    if (b.im == 0.0 && b.re == std::floor(b.re) && std::fabs(b.re) <= 100.0) {
        long n = static_cast<long>(b.re);
        Cplx p = a, acc = {1.0, 0.0};
        unsigned long u = n < 0 ? static_cast<unsigned long>(-n) : static_cast<unsigned long>(n);
        for (unsigned long mask = 1; mask > 0 && u >= mask; mask <<= 1) {
            if (u & mask) acc = c_prod(acc, p);
            p = c_prod(p, p);
        }
        if (n < 0) {
            if (c_quot({1.0, 0.0}, acc, &r)) return zero_division(vm, "0.0 to a negative or complex power");
        } else {
            r = acc;
        }
    } else if (b.re == 0.0 && b.im == 0.0) {
        r = {1.0, 0.0};
    } else if (a.re == 0.0 && a.im == 0.0) {
        if (b.im != 0.0 || b.re < 0.0) return zero_division(vm, "0.0 to a negative or complex power");
        r = {0.0, 0.0};
    } else {
        double vabs = std::hypot(a.re, a.im);
        double len = std::pow(vabs, b.re);
        double at = std::atan2(a.im, a.re);
        double phase = at * b.re;
        if (b.im != 0.0) {
            len /= std::exp(at * b.im);
            phase += b.im * std::log(vabs);
        }
        r = {len * std::cos(phase), len * std::sin(phase)};
    }
    if (std::isinf(r.re) || std::isinf(r.im)) {
        if (!(std::isinf(a.re) || std::isinf(a.im) || std::isinf(b.re) || std::isinf(b.im)))
            return vm.raise(vm.exc.OverflowError, "complex exponentiation");
    }
    return complex_value(vm, r.re, r.im);
}

static Value complex_binary_op(VM& vm, BinOpKind op, Value a, Value b) {
    Cplx x, y;
    int ra = complex_operand(vm, a, &x);
    if (ra <= 0) return ra < 0 ? Value() : vm.not_implemented;
    int rb = complex_operand(vm, b, &y);
    if (rb <= 0) return rb < 0 ? Value() : vm.not_implemented;
    switch (plain_kind(op)) {
    case BinOpKind::Add: return complex_value(vm, x.re + y.re, x.im + y.im);
    case BinOpKind::Subtract: return complex_value(vm, x.re - y.re, x.im - y.im);
    case BinOpKind::Multiply: { Cplx r = c_prod(x, y); return complex_value(vm, r.re, r.im); }
    case BinOpKind::TrueDivide: {
        Cplx r;
        if (c_quot(x, y, &r)) return zero_division(vm, "complex division by zero");
        return complex_value(vm, r.re, r.im);
    }
    case BinOpKind::Power: return complex_pow(vm, x, y);
    default: return vm.not_implemented;
    }
}

// ---- float arithmetic ----------------------------------------------------------------------

bool float_unwrap(Value v, double* out) {
    if (v.is_float()) { *out = v.f; return true; }
    if (v.is_obj()) {
        if (auto* f = dynamic_cast<FloatObj*>(v.o)) { *out = f->value; return true; }
    }
    return false;
}

namespace {

Value float_pow(VM& vm, double iv, double iw) {
    if (iw == 0.0) return Value::real(1.0);
    if (std::isnan(iv)) return Value::real(iv);
    if (std::isnan(iw)) return Value::real(iv == 1.0 ? 1.0 : iw);
    if (std::isinf(iw)) {
        iv = std::fabs(iv);
        if (iv == 1.0) return Value::real(1.0);
        if ((iw > 0.0) == (iv > 1.0)) return Value::real(std::fabs(iw));
        return Value::real(0.0);
    }
    if (std::isinf(iv)) {
        bool odd = is_odd_integer(iw);
        if (iw > 0.0) return Value::real(odd ? iv : std::fabs(iv));
        return Value::real(odd ? std::copysign(0.0, iv) : 0.0);
    }
    if (iv == 0.0) {
        bool odd = is_odd_integer(iw);
        if (iw < 0.0) return zero_division(vm, "0.0 cannot be raised to a negative power");
        return Value::real(odd ? iv : 0.0);
    }
    bool negate = false;
    if (iv < 0.0) {
        if (iw != std::floor(iw)) return complex_pow(vm, {iv, 0.0}, {iw, 0.0});
        iv = -iv;
        negate = is_odd_integer(iw);
    }
    if (iv == 1.0) return Value::real(negate ? -1.0 : 1.0);
    double ix = std::pow(iv, iw);
    if (std::isinf(ix)) return vm.raise(vm.exc.OverflowError, "(34, 'Numerical result out of range')");
    return Value::real(negate ? -ix : ix);
}

}  // namespace

Value float_binary_op(VM& vm, BinOpKind op, Value a, Value b) {
    double x, y;
    int ra = real_operand(vm, a, &x);
    if (ra <= 0) return ra < 0 ? Value() : vm.not_implemented;
    int rb = real_operand(vm, b, &y);
    if (rb <= 0) return rb < 0 ? Value() : vm.not_implemented;
    switch (plain_kind(op)) {
    case BinOpKind::Add: return Value::real(x + y);
    case BinOpKind::Subtract: return Value::real(x - y);
    case BinOpKind::Multiply: return Value::real(x * y);
    case BinOpKind::TrueDivide:
        if (y == 0.0) return zero_division(vm, "float division by zero");
        return Value::real(x / y);
    case BinOpKind::FloorDivide: {
        if (y == 0.0) return zero_division(vm, "float floor division by zero");
        double fd, m;
        float_divmod_parts(x, y, &fd, &m);
        return Value::real(fd);
    }
    case BinOpKind::Remainder: {
        if (y == 0.0) return zero_division(vm, "float modulo");
        double fd, m;
        float_divmod_parts(x, y, &fd, &m);
        return Value::real(m);
    }
    case BinOpKind::Power: return float_pow(vm, x, y);
    default: return vm.not_implemented;
    }
}

static Value float_divmod(VM& vm, Value a, Value b) {
    double x, y;
    int ra = real_operand(vm, a, &x);
    if (ra <= 0) return ra < 0 ? Value() : vm.not_implemented;
    int rb = real_operand(vm, b, &y);
    if (rb <= 0) return rb < 0 ? Value() : vm.not_implemented;
    if (y == 0.0) return zero_division(vm, "float divmod()");
    double fd, m;
    float_divmod_parts(x, y, &fd, &m);
    Value items[2] = {Value::real(fd), Value::real(m)};
    return Value::object(new_tuple(vm, items, 2));
}

static bool is_complex(Value v) { return v.is_obj() && dynamic_cast<ComplexObj*>(v.o) != nullptr; }

Value number_binary_op(VM& vm, BinOpKind op, Value a, Value b) {
    Value x;
    if (int_unwrap(a, &x) && int_unwrap(b, &x)) return int_binary_op(vm, op, a, b);
    if (is_complex(a) || is_complex(b)) return complex_binary_op(vm, op, a, b);
    return float_binary_op(vm, op, a, b);
}

// ---- comparison ----------------------------------------------------------------------------

// Exact comparison of an int with a double: -1, 0, 1, or 2 when d is NaN.
static int cmp_int_double(Value i, double d) {
    if (std::isnan(d)) return 2;
    if (std::isinf(d)) return d > 0 ? -1 : 1;
    Value x;
    int_unwrap(i, &x);
    constexpr int64_t kExact = int64_t{1} << 53;
    if (x.is_int() && x.i >= -kExact && x.i <= kExact) {
        double a = static_cast<double>(x.i);
        return (a > d) - (a < d);
    }
    Mpz m;
    int_to_mpz(x, m.z);
    int c = mpz_cmp_d(m.z, d);
    return (c > 0) - (c < 0);
}

int number_cmp3(Value a, Value b) {
    double x, y;
    bool fa = float_unwrap(a, &x), fb = float_unwrap(b, &y);
    if (fa && fb) {
        if (std::isnan(x) || std::isnan(y)) return 2;
        return (x > y) - (x < y);
    }
    if (fa) { int c = cmp_int_double(b, x); return c == 2 ? 2 : -c; }
    if (fb) return cmp_int_double(a, y);
    return int_cmp(a, b);
}

static bool cmp_holds(CompareKind op, int c) {
    if (c == 2) return op == CompareKind::Ne;
    switch (op) {
    case CompareKind::Lt: return c < 0;
    case CompareKind::Le: return c <= 0;
    case CompareKind::Eq: return c == 0;
    case CompareKind::Ne: return c != 0;
    case CompareKind::Gt: return c > 0;
    case CompareKind::Ge: return c >= 0;
    }
    return false;
}

static bool is_real(Value v) {
    double d;
    Value x;
    return float_unwrap(v, &d) || int_unwrap(v, &x);
}

Value number_compare(VM& vm, CompareKind op, Value a, Value b) {
    if (is_real(a) && is_real(b)) return Value::boolean(cmp_holds(op, number_cmp3(a, b)));
    if ((op == CompareKind::Eq || op == CompareKind::Ne) && (is_complex(a) || is_complex(b))) {
        if (!(is_complex(a) || is_real(a)) || !(is_complex(b) || is_real(b))) return vm.not_implemented;
        // Compare parts exactly (an int part must not be rounded through a double).
        auto parts = [](Value v, Value* re, double* im) {
            if (auto* c = v.is_obj() ? dynamic_cast<ComplexObj*>(v.o) : nullptr) {
                *re = Value::real(c->real);
                *im = c->imag;
            } else {
                *re = v;
                *im = 0.0;
            }
        };
        Value ra, rb;
        double ia, ib;
        parts(a, &ra, &ia);
        parts(b, &rb, &ib);
        bool eq = ia == ib && number_cmp3(ra, rb) == 0;
        return Value::boolean(op == CompareKind::Eq ? eq : !eq);
    }
    return vm.not_implemented;
}

// ---- hashing -------------------------------------------------------------------------------

uint64_t float_hash(double v) {
    if (std::isinf(v)) return static_cast<uint64_t>(v > 0 ? kHashInf : -kHashInf);
    if (std::isnan(v)) return 0;
    int e;
    double m = std::frexp(v, &e);
    int sign = 1;
    if (m < 0) { sign = -1; m = -m; }
    uint64_t x = 0;
    while (m != 0.0) {
        x = ((x << 28) & kHashModulus) | x >> (kHashBits - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = static_cast<uint64_t>(m);
        m -= static_cast<double>(y);
        x += y;
        if (x >= kHashModulus) x -= kHashModulus;
    }
    e = e >= 0 ? e % kHashBits : kHashBits - 1 - ((-1 - e) % kHashBits);
    x = ((x << e) & kHashModulus) | x >> (kHashBits - e);
    int64_t h = static_cast<int64_t>(x) * sign;
    if (h == -1) h = -2;
    return static_cast<uint64_t>(h);
}

static uint64_t complex_hash(double re, double im) {
    uint64_t h = float_hash(re) + kHashImag * float_hash(im);
    if (h == static_cast<uint64_t>(-1)) h = static_cast<uint64_t>(-2);
    return h;
}

// ---- text ----------------------------------------------------------------------------------

// Digits and decimal-point position of |d| (d finite): value = 0.DIGITS * 10**decpt, with
// trailing zeros stripped ("0" with decpt 1 for zero). mode 'r': shortest round trip; 'e':
// `ndigits` significant digits, correctly rounded.
static void decimal_digits(double d, char mode, int ndigits, std::string* digits, int* decpt) {
    d = std::fabs(d);
    char buf[400];
    char* end;
    if (mode == 'r') {
        end = std::to_chars(buf, buf + sizeof buf - 1, d, std::chars_format::scientific).ptr;
        *end = '\0';
    } else {
        int n = std::snprintf(buf, sizeof buf, "%.*e", ndigits - 1, d);
        end = buf + n;
    }
    // buf: D[.DDD]e[+-]XX
    char* epos = std::find(buf, end, 'e');
    digits->clear();
    for (char* p = buf; p < epos; ++p) if (*p != '.') digits->push_back(*p);
    int exp10 = std::atoi(epos + 1);
    while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
    if (*digits == "0") { *decpt = 1; return; }
    *decpt = exp10 + 1;
}

std::string double_to_string(double d, char mode, int precision, bool alt, bool add_dot_0) {
    bool upper = mode >= 'A' && mode <= 'Z';
    char m = static_cast<char>(upper ? mode + 32 : mode);
    std::string out;
    if (std::signbit(d) && !std::isnan(d)) out.push_back('-');
    if (std::isnan(d)) return upper ? "NAN" : "nan";
    if (std::isinf(d)) return out + (upper ? "INF" : "inf");
    if (m == 'e' || m == 'f') {
        // glibc's printf rounds correctly and formats exactly like CPython here.
        std::string fmt = alt ? "%#.*" : "%.*";
        fmt.push_back(m);
        int n = std::snprintf(nullptr, 0, fmt.c_str(), precision, std::fabs(d));
        std::string s(static_cast<size_t>(n) + 1, '\0');
        std::snprintf(s.data(), s.size(), fmt.c_str(), precision, std::fabs(d));
        s.resize(static_cast<size_t>(n));
        if (upper) for (char& c : s) if (c == 'e') c = 'E';
        return out + s;
    }
    // 'g' and 'r': CPython's format_float_short over the decimal digits.
    if (m == 'g' && precision == 0) precision = 1;
    std::string digits;
    int decpt;
    decimal_digits(d, m, precision, &digits, &decpt);
    int ndig = static_cast<int>(digits.size());
    bool use_exp = false;
    int vend = ndig;
    if (m == 'g') {
        if (decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision)) use_exp = true;
        if (alt) vend = precision;
    } else {
        if (decpt <= -4 || decpt > 16) use_exp = true;
    }
    int exp = 0;
    if (use_exp) { exp = decpt - 1; decpt = 1; }
    int vstart = decpt <= 0 ? decpt - 1 : 0;
    if (!use_exp && add_dot_0) vend = vend > decpt ? vend : decpt + 1;
    else vend = vend > decpt ? vend : decpt;
    std::string s;
    if (decpt <= 0) {
        s.append(static_cast<size_t>(decpt - vstart), '0');
        s.push_back('.');
        s.append(static_cast<size_t>(-decpt), '0');
    } else {
        s.append(static_cast<size_t>(-vstart), '0');
    }
    if (0 < decpt && decpt <= ndig) {
        s.append(digits, 0, static_cast<size_t>(decpt));
        s.push_back('.');
        s.append(digits, static_cast<size_t>(decpt), std::string::npos);
    } else {
        s += digits;
    }
    if (ndig < decpt) {
        s.append(static_cast<size_t>(decpt - ndig), '0');
        s.push_back('.');
        s.append(static_cast<size_t>(vend - decpt), '0');
    } else {
        s.append(static_cast<size_t>(vend - ndig), '0');
    }
    if (s.back() == '.' && !alt) s.pop_back();
    if (use_exp) {
        char eb[16];
        std::snprintf(eb, sizeof eb, "%c%+.02d", upper ? 'E' : 'e', exp);
        s += eb;
    }
    return out + s;
}

std::string float_repr(double d) { return double_to_string(d, 'r', 0, false, true); }

std::string complex_repr(double re, double im) {
    std::string imag = double_to_string(im, 'r', 0, false, false);
    if (re == 0.0 && !std::signbit(re)) return imag + "j";
    std::string real = double_to_string(re, 'r', 0, false, false);
    if (imag[0] != '-') imag = "+" + imag;
    return "(" + real + imag + "j)";
}

// ---- parsing -------------------------------------------------------------------------------

static bool ieq(std::string_view a, const char* b) {
    if (a.size() != std::strlen(b)) return false;
    for (size_t i = 0; i < a.size(); ++i) if ((a[i] | 0x20) != b[i]) return false;
    return true;
}

// A decimal float literal without sign or whitespace: digits with single underscores between
// digits, optional fraction and exponent. Appends the text without underscores to `out`.
static bool scan_decimal(std::string_view s, std::string* out) {
    size_t i = 0, n = s.size();
    auto digits = [&](bool required) {
        size_t start = i;
        while (i < n) {
            if (s[i] >= '0' && s[i] <= '9') { out->push_back(s[i]); ++i; continue; }
            if (s[i] == '_' && i > start && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9' &&
                s[i - 1] != '_') { ++i; continue; }
            break;
        }
        return !required || i > start;
    };
    size_t before = i;
    digits(false);
    bool int_part = i > before;
    bool frac_part = false;
    if (i < n && s[i] == '.') {
        out->push_back('.');
        ++i;
        size_t f = i;
        digits(false);
        frac_part = i > f;
    }
    if (!int_part && !frac_part) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        out->push_back('e');
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) out->push_back(s[i++]);
        if (!digits(true)) return false;
    }
    return i == n;
}

// Floats are unboxed and `is` compares their bits, so each parsed NaN gets its own payload: two
// float('nan') calls then differ by identity as CPython's distinct objects do (float('nan') in
// [float('nan')] is False) while one NaN stays identical to itself (nan in [nan] is True).
static double fresh_nan(bool neg) {
    static std::atomic<uint64_t> counter{0};
    uint64_t bits = 0x7ff8000000000000ull | (++counter & 0x0007ffffffffffffull);
    if (neg) bits |= 0x8000000000000000ull;
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

bool parse_float_text(std::string_view text, double* out) {
    std::string ascii;
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) { ascii = ascii_number_text(text); text = ascii; break; }
    }
    std::string_view s = strip_number_text(text);
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) { neg = s[0] == '-'; s.remove_prefix(1); }
    if (ieq(s, "inf") || ieq(s, "infinity")) { *out = neg ? -INFINITY : INFINITY; return true; }
    if (ieq(s, "nan")) { *out = fresh_nan(neg); return true; }
    std::string clean;
    if (!scan_decimal(s, &clean)) return false;
    double d = std::strtod(clean.c_str(), nullptr);
    *out = neg ? -d : d;
    return true;
}

Value float_from_value(VM& vm, Value v) {
    double d;
    if (float_unwrap(v, &d)) return Value::real(d);
    Value x;
    if (int_unwrap(v, &x)) return int_to_double(vm, x, &d) ? Value::real(d) : Value();
    if (v.is_obj() && v.o->type->layout == Layout::Str) {
        Str* s = static_cast<Str*>(v.o);
        if (!parse_float_text(s->s, &d)) {
            Str* r = repr(vm, v);
            if (!r) return {};
            return vm.raise(vm.exc.ValueError, "could not convert string to float: " + r->s);
        }
        return Value::real(d);
    }
    Type* t = type_of(vm, v);
    Value method = type_lookup(t, vm.names.__float__);
    if (!method.is_empty()) {
        Value r = vm.call(method, {v});
        if (r.is_empty()) return r;
        if (!float_unwrap(r, &d)) {
            return vm.raise_format(vm.exc.TypeError, "%s.__float__ returned non-float (type %s)",
                                   type_name(vm, v).c_str(), type_name(vm, r).c_str());
        }
        return Value::real(d);
    }
    if (!type_lookup(t, vm.names.__index__).is_empty()) {
        Value i = index_value(vm, v);
        if (i.is_empty()) return i;
        return int_to_double(vm, i, &d) ? Value::real(d) : Value();
    }
    if (v.is_obj() && v.o->type->layout == Layout::Bytes) {
        // float(b'2.5') / float(bytearray(...)): ASCII text only.
        std::string_view text = static_cast<Bytes*>(v.o)->view();
        bool ascii = true;
        for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        if (!ascii || !parse_float_text(text, &d)) {
            Str* r = repr(vm, v);
            if (!r) return {};
            return vm.raise(vm.exc.ValueError, "could not convert string to float: " + r->s);
        }
        return Value::real(d);
    }
    return vm.raise_format(vm.exc.TypeError, "float() argument must be a string or a real number, not '%s'",
                           type_name(vm, v).c_str());
}

// ---- float methods -------------------------------------------------------------------------

namespace {

bool self_float(VM& vm, const Args& a, const char* name, double* out) {
    if (a.npos >= 1 && float_unwrap(a[0], out)) return true;
    if (a.npos == 0) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' of 'float' object needs an argument", name);
    } else {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'float' object but received a '%s'", name,
                        type_name(vm, a[0]).c_str());
    }
    return false;
}

constexpr const char* kOpNames[] = {"add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or",
                                    "pow", "rshift", "sub", "truediv", "xor"};

template <BinOpKind K, bool Reflected>
Value float_dunder(VM& vm, const Args& a) {
    static const std::string name = std::string(Reflected ? "__r" : "__") + kOpNames[static_cast<int>(K)] + "__";
    double self;
    if (!self_float(vm, a, name.c_str(), &self)) return {};
    uint32_t max = K == BinOpKind::Power ? 3 : 2;
    if (!check_args(vm, a, name.c_str(), 2, max)) return {};
    if (a.npos == 3 && !a[2].is_none()) {
        return vm.raise(vm.exc.TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    }
    return Reflected ? float_binary_op(vm, K, a[1], a[0]) : float_binary_op(vm, K, a[0], a[1]);
}

template <CompareKind K>
Value float_cmp_dunder(VM& vm, const Args& a) {
    double self;
    if (!self_float(vm, a, "__eq__", &self)) return {};
    if (!check_args(vm, a, "__eq__", 2, 2)) return {};
    return number_compare(vm, K, a[0], a[1]);
}

Value float_divmod_m(VM& vm, const Args& a) {
    double self;
    if (!self_float(vm, a, "__divmod__", &self) || !check_args(vm, a, "__divmod__", 2, 2)) return {};
    return float_divmod(vm, a[0], a[1]);
}

Value float_rdivmod_m(VM& vm, const Args& a) {
    double self;
    if (!self_float(vm, a, "__rdivmod__", &self) || !check_args(vm, a, "__rdivmod__", 2, 2)) return {};
    return float_divmod(vm, a[1], a[0]);
}

#define ASY_FLOAT_UNARY(fname, pyname, expr)                                        \
    Value fname(VM& vm, const Args& a) {                                             \
        double x;                                                                    \
        if (!self_float(vm, a, pyname, &x) || !check_args(vm, a, pyname, 1, 1)) return {}; \
        return expr;                                                                 \
    }

ASY_FLOAT_UNARY(float_neg_m, "__neg__", Value::real(-x))
ASY_FLOAT_UNARY(float_pos_m, "__pos__", Value::real(x))
ASY_FLOAT_UNARY(float_abs_m, "__abs__", Value::real(std::fabs(x)))
ASY_FLOAT_UNARY(float_bool_m, "__bool__", Value::boolean(x != 0.0))
ASY_FLOAT_UNARY(float_float_m, "__float__", Value::real(x))
ASY_FLOAT_UNARY(float_int_m, "__int__", int_from_double(vm, x))
ASY_FLOAT_UNARY(float_trunc_m, "__trunc__", int_from_double(vm, x))
ASY_FLOAT_UNARY(float_floor_m, "__floor__", int_from_double(vm, std::floor(x)))
ASY_FLOAT_UNARY(float_ceil_m, "__ceil__", int_from_double(vm, std::ceil(x)))
ASY_FLOAT_UNARY(float_hash_m, "__hash__", Value::integer(static_cast<int64_t>(float_hash(x))))
ASY_FLOAT_UNARY(float_repr_m, "__repr__", str_value(vm, float_repr(x)))
ASY_FLOAT_UNARY(float_is_integer_m, "is_integer", Value::boolean(std::isfinite(x) && x == std::floor(x)))
ASY_FLOAT_UNARY(float_conjugate_m, "conjugate", Value::real(x))
ASY_FLOAT_UNARY(float_getnewargs_m, "__getnewargs__", Value::object(new_tuple(vm, &a.pos[0], 1)))
#undef ASY_FLOAT_UNARY

// round(x, n) as CPython's double_round: correctly rounded through the decimal string.
Value round_double(VM& vm, double x, int64_t n) {
    if (!std::isfinite(x) || x == 0.0) return Value::real(x);
    if (n > 323) return Value::real(x);
    if (n < -308) return Value::real(0.0 * x);
    char buf[512];
    double r;
    if (n >= 0) {
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(n), x);
        r = std::strtod(buf, nullptr);
    } else {
        std::snprintf(buf, sizeof buf, "%.40e", std::fabs(x));
        int e10 = std::atoi(std::strchr(buf, 'e') + 1);
        int64_t sig = e10 + 1 + n;
        double p = std::pow(10.0, static_cast<double>(-n));
        if (sig > 0) {
            std::snprintf(buf, sizeof buf, "%.*e", static_cast<int>(sig - 1), std::fabs(x));
            r = std::strtod(buf, nullptr);
        } else if (sig == 0) {
            // Round to 0 or 10**-n: the leading digit decides (ties go to the even 0).
            std::snprintf(buf, sizeof buf, "%.40e", std::fabs(x));
            bool above_half = buf[0] > '5' || (buf[0] == '5' && std::strspn(buf + 2, "0") < std::strcspn(buf + 2, "e"));
            r = above_half ? p : 0.0;
        } else {
            r = 0.0;
        }
        r = std::copysign(r, x);
    }
    if (std::isinf(r)) return vm.raise(vm.exc.OverflowError, "rounded value too large to represent");
    return Value::real(r);
}

Value float_round_m(VM& vm, const Args& a) {
    double x;
    if (!self_float(vm, a, "__round__", &x) || !check_args(vm, a, "__round__", 1, 2)) return {};
    if (a.npos == 1 || a[1].is_none()) {
        double r = std::nearbyint(x);  // default rounding mode: half to even
        return int_from_double(vm, r);
    }
    int64_t n;
    Value idx = index_value(vm, a[1]);
    if (idx.is_empty()) return idx;
    n = idx.is_int() ? idx.i : (int_sign(idx) < 0 ? INT64_MIN : INT64_MAX);
    return round_double(vm, x, n);
}

Value float_format_m(VM& vm, const Args& a) {
    double x;
    if (!self_float(vm, a, "__format__", &x) || !check_args(vm, a, "__format__", 2, 2)) return {};
    if (!(a[1].is_obj() && a[1].o->type->layout == Layout::Str)) {
        return vm.raise_format(vm.exc.TypeError, "__format__() argument must be str, not %s",
                               type_name(vm, a[1]).c_str());
    }
    return format_float(vm, a[0], static_cast<Str*>(a[1].o)->s);
}

Value float_as_integer_ratio_m(VM& vm, const Args& a) {
    double x;
    if (!self_float(vm, a, "as_integer_ratio", &x) || !check_args(vm, a, "as_integer_ratio", 1, 1)) return {};
    if (std::isinf(x)) return vm.raise(vm.exc.OverflowError, "cannot convert Infinity to integer ratio");
    if (std::isnan(x)) return vm.raise(vm.exc.ValueError, "cannot convert NaN to integer ratio");
    int e;
    double m = std::frexp(x, &e);
    for (int i = 0; i < 300 && m != std::floor(m); ++i) { m *= 2.0; e--; }
    Mpz num, den;
    mpz_set_d(num.z, m);
    mpz_set_ui(den.z, 1);
    if (e > 0) mpz_mul_2exp(num.z, num.z, static_cast<unsigned long>(e));
    else mpz_mul_2exp(den.z, den.z, static_cast<unsigned long>(-e));
    Value items[2] = {int_from_mpz(vm, num.z), int_from_mpz(vm, den.z)};
    return Value::object(new_tuple(vm, items, 2));
}

Value float_hex_m(VM& vm, const Args& a) {
    double x;
    if (!self_float(vm, a, "hex", &x) || !check_args(vm, a, "hex", 1, 1)) return {};
    if (!std::isfinite(x)) return str_value(vm, float_repr(x));
    if (x == 0.0) return str_value(vm, std::signbit(x) ? "-0x0.0p+0" : "0x0.0p+0");
    int e;
    double m = std::frexp(std::fabs(x), &e);
    int shift = 1 - std::max(-1021 - e, 0);
    m = std::ldexp(m, shift);
    e -= shift;
    std::string s;
    s.push_back("0123456789abcdef"[static_cast<int>(m)]);
    m -= static_cast<int>(m);
    s.push_back('.');
    for (int i = 0; i < 13; ++i) {
        m *= 16.0;
        s.push_back("0123456789abcdef"[static_cast<int>(m)]);
        m -= static_cast<int>(m);
    }
    char eb[16];
    std::snprintf(eb, sizeof eb, "p%+d", e);
    return str_value(vm, (x < 0 ? "-0x" : "0x") + s + eb);
}

Value float_fromhex_m(VM& vm, const Args& a) {
    // Called as a classmethod (cls, string) or, when registered plainly, (string).
    if (a.npos < 1) return vm.raise(vm.exc.TypeError, "fromhex() takes exactly one argument (0 given)");
    Value arg = a[a.npos - 1];
    if (!(arg.is_obj() && arg.o->type->layout == Layout::Str)) {
        return vm.raise_format(vm.exc.TypeError, "must be str, not %s", type_name(vm, arg).c_str());
    }
    std::string_view s = strip_number_text(static_cast<Str*>(arg.o)->s);
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) { neg = s[0] == '-'; s.remove_prefix(1); }
    double d;
    if (ieq(s, "inf") || ieq(s, "infinity")) {
        d = INFINITY;
    } else if (ieq(s, "nan")) {
        d = NAN;
    } else {
        if (s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') s.remove_prefix(2);
        size_t i = 0, nd = 0;
        while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) { ++i; ++nd; }
        if (i < s.size() && s[i] == '.') {
            ++i;
            while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) { ++i; ++nd; }
        }
        bool ok = nd > 0;
        if (ok && i < s.size() && (s[i] | 0x20) == 'p') {
            ++i;
            if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
            size_t ed = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; ++ed; }
            ok = ed > 0;
        }
        if (!ok || i != s.size()) return vm.raise(vm.exc.ValueError, "invalid hexadecimal floating-point string");
        std::string t = "0x" + std::string(s);
        errno = 0;
        d = std::strtod(t.c_str(), nullptr);
        if (std::isinf(d)) return vm.raise(vm.exc.OverflowError, "hexadecimal value too large to represent as a float");
    }
    d = neg ? -d : d;
    if (a.npos == 2 && a[0].is_obj() && a[0].o != vm.types.float_) {
        return vm.call(a[0], {Value::real(d)});  // subclass.fromhex(...) -> subclass(value)
    }
    return Value::real(d);
}

Value float_new_m(VM& vm, const Args& a) {
    static const char* const names[] = {"cls", "x", nullptr};
    if (a.nkw() > 0) {
        if (a.npos >= 1 && a.kwnames) {
            return vm.raise(vm.exc.TypeError, "float() takes no keyword arguments");
        }
    }
    if (a.npos < 1 || !a[0].is_obj()) return vm.raise(vm.exc.TypeError, "float.__new__(): not enough arguments");
    (void)names;
    Type* cls = static_cast<Type*>(a[0].o);
    if (a.npos > 2) {
        return vm.raise_format(vm.exc.TypeError, "float expected at most 1 argument, got %u", a.npos - 1);
    }
    if (!is_subtype(cls, vm.types.float_)) {
        return vm.raise_format(vm.exc.TypeError, "float.__new__(%s): %s is not a subtype of float",
                               cls->name->s.c_str(), cls->name->s.c_str());
    }
    Value v = a.npos == 2 ? float_from_value(vm, a[1]) : Value::real(0.0);
    if (v.is_empty() || cls == vm.types.float_) return v;
    FloatObj* f = vm.alloc<FloatObj>(cls);
    f->value = v.f;
    return Value::object(f);
}

Value float_real_get(VM& vm, Value obj, GetSetDescr*) {
    double x = 0;
    float_unwrap(obj, &x);
    return Value::real(x);
}

Value float_imag_get(VM& vm, Value obj, GetSetDescr*) { return Value::real(0.0); }

// ---- complex methods -----------------------------------------------------------------------

bool self_complex(VM& vm, const Args& a, const char* name, Cplx* out) {
    if (a.npos >= 1 && is_complex(a[0])) {
        auto* c = static_cast<ComplexObj*>(a[0].o);
        *out = {c->real, c->imag};
        return true;
    }
    vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'complex' object but received a '%s'", name,
                    a.npos ? type_name(vm, a[0]).c_str() : "nothing");
    return false;
}

template <BinOpKind K, bool Reflected>
Value complex_dunder(VM& vm, const Args& a) {
    static const std::string name = std::string(Reflected ? "__r" : "__") + kOpNames[static_cast<int>(K)] + "__";
    Cplx self;
    if (!self_complex(vm, a, name.c_str(), &self)) return {};
    if (!check_args(vm, a, name.c_str(), 2, K == BinOpKind::Power ? 3 : 2)) return {};
    if (a.npos == 3 && !a[2].is_none()) return vm.raise(vm.exc.ValueError, "complex modulo");
    return Reflected ? complex_binary_op(vm, K, a[1], a[0]) : complex_binary_op(vm, K, a[0], a[1]);
}

template <CompareKind K>
Value complex_cmp_dunder(VM& vm, const Args& a) {
    Cplx self;
    if (!self_complex(vm, a, "__eq__", &self) || !check_args(vm, a, "__eq__", 2, 2)) return {};
    if (K != CompareKind::Eq && K != CompareKind::Ne) return vm.not_implemented;
    return number_compare(vm, K, a[0], a[1]);
}

#define ASY_COMPLEX_UNARY(fname, pyname, expr)                                      \
    Value fname(VM& vm, const Args& a) {                                             \
        Cplx c;                                                                      \
        if (!self_complex(vm, a, pyname, &c) || !check_args(vm, a, pyname, 1, 1)) return {}; \
        return expr;                                                                 \
    }

ASY_COMPLEX_UNARY(complex_neg_m, "__neg__", complex_value(vm, -c.re, -c.im))
ASY_COMPLEX_UNARY(complex_pos_m, "__pos__", complex_value(vm, c.re, c.im))
ASY_COMPLEX_UNARY(complex_bool_m, "__bool__", Value::boolean(c.re != 0.0 || c.im != 0.0))
ASY_COMPLEX_UNARY(complex_hash_m, "__hash__", Value::integer(static_cast<int64_t>(complex_hash(c.re, c.im))))
ASY_COMPLEX_UNARY(complex_repr_m, "__repr__", str_value(vm, complex_repr(c.re, c.im)))
ASY_COMPLEX_UNARY(complex_conjugate_m, "conjugate", complex_value(vm, c.re, -c.im))
#undef ASY_COMPLEX_UNARY

Value complex_real_get(VM& vm, Value obj, GetSetDescr*) {
    return Value::real(is_complex(obj) ? static_cast<ComplexObj*>(obj.o)->real : 0.0);
}

Value complex_imag_get(VM& vm, Value obj, GetSetDescr*) {
    return Value::real(is_complex(obj) ? static_cast<ComplexObj*>(obj.o)->imag : 0.0);
}

Value complex_abs_m(VM& vm, const Args& a) {
    Cplx c;
    if (!self_complex(vm, a, "__abs__", &c) || !check_args(vm, a, "__abs__", 1, 1)) return {};
    double r = std::hypot(c.re, c.im);
    if (std::isinf(r) && std::isfinite(c.re) && std::isfinite(c.im))
        return vm.raise(vm.exc.OverflowError, "absolute value too large");
    return Value::real(r);
}

// complex("1+2j"), "(1-2.5j)", "j", "-1.5e3J", "inf+nanj".
bool parse_complex_text(std::string_view text, Cplx* out) {
    std::string_view s = strip_number_text(text);
    if (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = strip_number_text(s.substr(1, s.size() - 2));
    if (s.empty()) return false;
    // Find the split between real and imaginary parts: a sign not at the start and not after 'e'.
    bool imag_only = (s.back() | 0x20) == 'j';
    if (!imag_only) return parse_float_text(s, &out->re) && (out->im = 0.0, true);
    std::string_view body = s.substr(0, s.size() - 1);
    size_t split = std::string_view::npos;
    for (size_t i = body.size(); i-- > 1;) {
        if ((body[i] == '+' || body[i] == '-') && (body[i - 1] | 0x20) != 'e') { split = i; break; }
    }
    std::string_view re_text = split == std::string_view::npos ? std::string_view() : body.substr(0, split);
    std::string_view im_text = split == std::string_view::npos ? body : body.substr(split);
    if (re_text.find_first_of(" \t\n") != std::string_view::npos) return false;
    double re = 0.0, im;
    if (!re_text.empty() && !parse_float_text(re_text, &re)) return false;
    if (im_text.empty() || im_text == "+") im = 1.0;
    else if (im_text == "-") im = -1.0;
    else if (im_text.find_first_of(" \t\n") != std::string_view::npos || !parse_float_text(im_text, &im)) return false;
    *out = {re, im};
    return true;
}

Value complex_new_m(VM& vm, const Args& a) {
    static const char* const names[] = {"cls", "real", "imag", nullptr};
    Value args[3];
    if (!parse_args(vm, a, "complex", names, 1, args)) return {};
    Type* cls = static_cast<Type*>(args[0].o);
    Value re = args[1], im = args[2];
    Cplx r = {0.0, 0.0};
    if (!re.is_empty() && re.is_obj() && re.o->type->layout == Layout::Str) {
        if (!im.is_empty()) return vm.raise(vm.exc.TypeError, "complex() can't take second arg if first is a string");
        if (!parse_complex_text(static_cast<Str*>(re.o)->s, &r))
            return vm.raise(vm.exc.ValueError, "complex() arg is a malformed string");
    } else {
        Cplx x = {0.0, 0.0}, y = {0.0, 0.0};
        if (!re.is_empty()) {
            int k = complex_operand(vm, re, &x);
            if (k < 0) return {};
            if (k == 0) {
                return vm.raise_format(vm.exc.TypeError,
                                       "complex() first argument must be a string or a number, not '%s'",
                                       type_name(vm, re).c_str());
            }
        }
        if (!im.is_empty()) {
            if (im.is_obj() && im.o->type->layout == Layout::Str)
                return vm.raise(vm.exc.TypeError, "complex() second arg can't be a string");
            int k = complex_operand(vm, im, &y);
            if (k < 0) return {};
            if (k == 0) {
                return vm.raise_format(vm.exc.TypeError, "complex() second argument must be a number, not '%s'",
                                       type_name(vm, im).c_str());
            }
        }
        r = {x.re - y.im, x.im + y.re};
    }
    ComplexObj* c = vm.alloc<ComplexObj>(cls);
    c->real = r.re;
    c->imag = r.im;
    return Value::object(c);
}

}  // namespace

void def_classmethod_native(VM& vm, Type* type, const char* name, NativeFn fn) {
    NativeFunction* f = new_native(vm, name, fn);
    ClassMethod* cm = vm.alloc<ClassMethod>(vm.types.classmethod);
    cm->func = Value::object(f);
    dict_set_str(vm, type->dict, f->name, Value::object(cm));
}

void init_float_complex(VM& vm) {
    Type* f = vm.types.float_;
#define ASY_DEF_BIN(kind, name) \
    def_method(vm, f, "__" name "__", float_dunder<BinOpKind::kind, false>); \
    def_method(vm, f, "__r" name "__", float_dunder<BinOpKind::kind, true>);
    ASY_DEF_BIN(Add, "add") ASY_DEF_BIN(Subtract, "sub") ASY_DEF_BIN(Multiply, "mul")
    ASY_DEF_BIN(TrueDivide, "truediv") ASY_DEF_BIN(FloorDivide, "floordiv") ASY_DEF_BIN(Remainder, "mod")
    ASY_DEF_BIN(Power, "pow")
#undef ASY_DEF_BIN
    def_method(vm, f, "__divmod__", float_divmod_m);
    def_method(vm, f, "__rdivmod__", float_rdivmod_m);
    def_method(vm, f, "__eq__", float_cmp_dunder<CompareKind::Eq>);
    def_method(vm, f, "__ne__", float_cmp_dunder<CompareKind::Ne>);
    def_method(vm, f, "__lt__", float_cmp_dunder<CompareKind::Lt>);
    def_method(vm, f, "__le__", float_cmp_dunder<CompareKind::Le>);
    def_method(vm, f, "__gt__", float_cmp_dunder<CompareKind::Gt>);
    def_method(vm, f, "__ge__", float_cmp_dunder<CompareKind::Ge>);
    def_method(vm, f, "__neg__", float_neg_m);
    def_method(vm, f, "__pos__", float_pos_m);
    def_method(vm, f, "__abs__", float_abs_m);
    def_method(vm, f, "__bool__", float_bool_m);
    def_method(vm, f, "__float__", float_float_m);
    def_method(vm, f, "__int__", float_int_m);
    def_method(vm, f, "__trunc__", float_trunc_m);
    def_method(vm, f, "__floor__", float_floor_m);
    def_method(vm, f, "__ceil__", float_ceil_m);
    def_method(vm, f, "__round__", float_round_m);
    def_method(vm, f, "__hash__", float_hash_m);
    def_method(vm, f, "__repr__", float_repr_m);
    def_method(vm, f, "__format__", float_format_m);
    def_method(vm, f, "__getnewargs__", float_getnewargs_m);
    def_method(vm, f, "__new__", float_new_m);
    def_method(vm, f, "is_integer", float_is_integer_m);
    def_method(vm, f, "as_integer_ratio", float_as_integer_ratio_m);
    def_method(vm, f, "hex", float_hex_m);
    def_method(vm, f, "conjugate", float_conjugate_m);
    def_classmethod_native(vm, f, "fromhex", float_fromhex_m);
    def_getset(vm, f, "real", float_real_get);
    def_getset(vm, f, "imag", float_imag_get);

    Type* c = vm.types.complex;
#define ASY_DEF_BIN(kind, name) \
    def_method(vm, c, "__" name "__", complex_dunder<BinOpKind::kind, false>); \
    def_method(vm, c, "__r" name "__", complex_dunder<BinOpKind::kind, true>);
    ASY_DEF_BIN(Add, "add") ASY_DEF_BIN(Subtract, "sub") ASY_DEF_BIN(Multiply, "mul")
    ASY_DEF_BIN(TrueDivide, "truediv") ASY_DEF_BIN(Power, "pow")
#undef ASY_DEF_BIN
    def_method(vm, c, "__eq__", complex_cmp_dunder<CompareKind::Eq>);
    def_method(vm, c, "__ne__", complex_cmp_dunder<CompareKind::Ne>);
    def_method(vm, c, "__lt__", complex_cmp_dunder<CompareKind::Lt>);
    def_method(vm, c, "__le__", complex_cmp_dunder<CompareKind::Le>);
    def_method(vm, c, "__gt__", complex_cmp_dunder<CompareKind::Gt>);
    def_method(vm, c, "__ge__", complex_cmp_dunder<CompareKind::Ge>);
    def_method(vm, c, "__neg__", complex_neg_m);
    def_method(vm, c, "__pos__", complex_pos_m);
    def_method(vm, c, "__abs__", complex_abs_m);
    def_method(vm, c, "__bool__", complex_bool_m);
    def_method(vm, c, "__hash__", complex_hash_m);
    def_method(vm, c, "__repr__", complex_repr_m);
    def_method(vm, c, "conjugate", complex_conjugate_m);
    def_method(vm, c, "__new__", complex_new_m);
    def_getset(vm, c, "real", complex_real_get);
    def_getset(vm, c, "imag", complex_imag_get);
}

}  // namespace asy::vm
