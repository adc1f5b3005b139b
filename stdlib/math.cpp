// The `math` module: CPython 3.11's functions and constants, with its error conventions
// (ValueError "math domain error", OverflowError "math range error") and exact integer
// functions (factorial, gcd, lcm, comb, perm, isqrt) over GMP.
#include <gmp.h>

#include <cerrno>
#include <cmath>
#include <limits>
#include <vector>

#include "stdlib/registry.hpp"
#include "vm/objects/float.hpp"
#include "vm/objects/int.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

// RAII holder for an mpz_t.
struct Mpz {
    mpz_t z;
    Mpz() { mpz_init(z); }
    ~Mpz() { mpz_clear(z); }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
};

bool arg_double(VM& vm, Value v, double* out) {
    if (v.is_float()) { *out = v.as_float(); return true; }
    if (v.is_int()) { *out = static_cast<double>(v.as_int()); return true; }
    return to_double(vm, v, out);
}

// An exact integer argument (int, bool, __index__); TypeError otherwise.
bool arg_int(VM& vm, Value v, mpz_t out) {
    if (v.is_float()) {
        vm.raise(vm.exc.TypeError, "'float' object cannot be interpreted as an integer");
        return false;
    }
    if (!is_int_like(vm, v)) {
        Value idx = get_attr_opt(vm, v, vm.names.__index__);
        if (idx.is_empty()) {
            if (!vm.has_pending()) {
                vm.raise_format(vm.exc.TypeError, "'%s' object cannot be interpreted as an integer",
                                type_name(vm, v).c_str());
            }
            return false;
        }
        v = vm.call(idx, nullptr, 0);
        if (v.is_empty()) return false;
        if (!is_int_like(vm, v)) {
            vm.raise_format(vm.exc.TypeError, "__index__ returned non-int (type %s)", type_name(vm, v).c_str());
            return false;
        }
    }
    if (v.is_bool()) {
        mpz_set_si(out, v.as_bool() ? 1 : 0);
        return true;
    }
    int_to_mpz(v, out);
    return true;
}

Value domain_error(VM& vm) { return vm.raise(vm.exc.ValueError, "math domain error"); }
Value range_error(VM& vm) { return vm.raise(vm.exc.OverflowError, "math range error"); }

// Apply a libm function with CPython's error classification: a NaN result from a non-NaN
// argument is a domain error; an infinite result from a finite argument is a range error
// (or a domain error for functions with poles, like log(0)).
Value unary(VM& vm, const Args& a, const char* name, double (*fn)(double), bool pole_is_domain = false) {
    if (!check_args(vm, a, name, 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    errno = 0;
    double r = fn(x);
    if (std::isnan(r) && !std::isnan(x)) return domain_error(vm);
    if (std::isinf(r) && std::isfinite(x)) return pole_is_domain ? domain_error(vm) : range_error(vm);
    return Value::real(r);
}

#define ASY_UNARY(pyname, cfn, pole)                                                 \
    Value math_##pyname(VM& vm, const Args& a) { return unary(vm, a, #pyname, cfn, pole); }

ASY_UNARY(acos, ::acos, false)
ASY_UNARY(acosh, ::acosh, false)
ASY_UNARY(asin, ::asin, false)
ASY_UNARY(asinh, ::asinh, false)
ASY_UNARY(atan, ::atan, false)
ASY_UNARY(atanh, ::atanh, true)
ASY_UNARY(cbrt, ::cbrt, false)
ASY_UNARY(cos, ::cos, false)
ASY_UNARY(cosh, ::cosh, false)
ASY_UNARY(erf, ::erf, false)
ASY_UNARY(erfc, ::erfc, false)
ASY_UNARY(exp, ::exp, false)
ASY_UNARY(exp2, ::exp2, false)
ASY_UNARY(expm1, ::expm1, false)
ASY_UNARY(fabs, ::fabs, false)
ASY_UNARY(sin, ::sin, false)
ASY_UNARY(sinh, ::sinh, false)
ASY_UNARY(tan, ::tan, false)
ASY_UNARY(tanh, ::tanh, false)
ASY_UNARY(lgamma, ::lgamma, true)
#undef ASY_UNARY

Value math_sqrt(VM& vm, const Args& a) {
    if (!check_args(vm, a, "sqrt", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    if (x < 0) return domain_error(vm);
    return Value::real(std::sqrt(x));
}

Value math_gamma(VM& vm, const Args& a) {
    if (!check_args(vm, a, "gamma", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    if (std::isinf(x) && x < 0) return domain_error(vm);
    if (x == std::floor(x) && x <= 0) return domain_error(vm);
    double r = std::tgamma(x);
    if (std::isinf(r) && std::isfinite(x)) return range_error(vm);
    return Value::real(r);
}

// log of any positive real, including ints too large for a double.
bool log_of(VM& vm, Value v, double* out) {
    if (is_int_like(vm, v) && !v.is_bool()) {
        Mpz z;
        int_to_mpz(v, z.z);
        if (mpz_sgn(z.z) <= 0) { domain_error(vm); return false; }
        long exp;
        double m = mpz_get_d_2exp(&exp, z.z);
        *out = std::log(m) + static_cast<double>(exp) * std::log(2.0);
        return true;
    }
    double x;
    if (!arg_double(vm, v, &x)) return false;
    if (std::isnan(x)) { *out = x; return true; }
    if (x <= 0) { domain_error(vm); return false; }
    *out = std::log(x);
    return true;
}

Value math_log(VM& vm, const Args& a) {
    if (!check_args(vm, a, "log", 1, 2)) return Value::empty();
    double num;
    if (!log_of(vm, a.pos[0], &num)) return Value::empty();
    if (a.npos == 1) return Value::real(num);
    double den;
    if (!log_of(vm, a.pos[1], &den)) return Value::empty();
    if (den == 0) return vm.raise(vm.exc.ZeroDivisionError, "float division by zero");
    return Value::real(num / den);
}

Value math_log2(VM& vm, const Args& a) {
    if (!check_args(vm, a, "log2", 1, 1)) return Value::empty();
    if (is_int_like(vm, a.pos[0]) && !a.pos[0].is_bool()) {
        Mpz z;
        int_to_mpz(a.pos[0], z.z);
        if (mpz_sgn(z.z) <= 0) return domain_error(vm);
        long exp;
        double m = mpz_get_d_2exp(&exp, z.z);
        return Value::real(std::log2(m) + static_cast<double>(exp));
    }
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    if (x <= 0) return domain_error(vm);
    return Value::real(std::log2(x));
}

Value math_log10(VM& vm, const Args& a) {
    if (!check_args(vm, a, "log10", 1, 1)) return Value::empty();
    double ln;
    if (!log_of(vm, a.pos[0], &ln)) return Value::empty();
    double x;
    if (a.pos[0].is_float() || a.pos[0].is_int()) {
        arg_double(vm, a.pos[0], &x);
        return Value::real(std::log10(x));
    }
    return Value::real(ln / std::log(10.0));
}

Value math_log1p(VM& vm, const Args& a) {
    if (!check_args(vm, a, "log1p", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    if (x <= -1) return domain_error(vm);
    return Value::real(std::log1p(x));
}

Value binary_doubles(VM& vm, const Args& a, const char* name, double* x, double* y) {
    if (!check_args(vm, a, name, 2, 2)) return Value::empty();
    if (!arg_double(vm, a.pos[0], x) || !arg_double(vm, a.pos[1], y)) return Value::empty();
    return Value::none();
}

Value math_atan2(VM& vm, const Args& a) {
    double y, x;
    if (binary_doubles(vm, a, "atan2", &y, &x).is_empty()) return Value::empty();
    return Value::real(std::atan2(y, x));
}

Value math_copysign(VM& vm, const Args& a) {
    double x, y;
    if (binary_doubles(vm, a, "copysign", &x, &y).is_empty()) return Value::empty();
    return Value::real(std::copysign(x, y));
}

Value math_fmod(VM& vm, const Args& a) {
    double x, y;
    if (binary_doubles(vm, a, "fmod", &x, &y).is_empty()) return Value::empty();
    if (std::isinf(x) && !std::isnan(y)) return domain_error(vm);
    if (y == 0 && !std::isnan(x)) return domain_error(vm);
    return Value::real(std::fmod(x, y));
}

Value math_remainder(VM& vm, const Args& a) {
    double x, y;
    if (binary_doubles(vm, a, "remainder", &x, &y).is_empty()) return Value::empty();
    if (std::isnan(x) || std::isnan(y)) return Value::real(std::numeric_limits<double>::quiet_NaN());
    if (std::isinf(x) || y == 0) return domain_error(vm);
    return Value::real(std::remainder(x, y));
}

Value math_pow(VM& vm, const Args& a) {
    double x, y;
    if (binary_doubles(vm, a, "pow", &x, &y).is_empty()) return Value::empty();
    if (x == 0 && y < 0 && std::isfinite(y)) return domain_error(vm);
    if (x < 0 && std::isfinite(x) && std::isfinite(y) && y != std::floor(y)) return domain_error(vm);
    double r = std::pow(x, y);
    if (std::isinf(r) && std::isfinite(x) && std::isfinite(y)) return range_error(vm);
    return Value::real(r);
}

Value math_nextafter(VM& vm, const Args& a) {
    double x, y;
    if (binary_doubles(vm, a, "nextafter", &x, &y).is_empty()) return Value::empty();
    return Value::real(std::nextafter(x, y));
}

Value math_ldexp(VM& vm, const Args& a) {
    if (!check_args(vm, a, "ldexp", 2, 2)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    if (a.pos[1].is_float()) return vm.raise(vm.exc.TypeError, "Expected an int as second argument to ldexp.");
    Mpz e;
    if (!arg_int(vm, a.pos[1], e.z)) return Value::empty();
    if (x == 0 || !std::isfinite(x)) return Value::real(x);
    long exp = mpz_fits_slong_p(e.z) ? mpz_get_si(e.z) : (mpz_sgn(e.z) > 0 ? 1L << 20 : -(1L << 20));
    if (exp > 1 << 20) exp = 1 << 20;
    if (exp < -(1 << 20)) exp = -(1 << 20);
    double r = std::ldexp(x, static_cast<int>(exp));
    if (std::isinf(r)) return range_error(vm);
    return Value::real(r);
}

Value math_frexp(VM& vm, const Args& a) {
    if (!check_args(vm, a, "frexp", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    int e = 0;
    double m = std::isfinite(x) ? std::frexp(x, &e) : x;
    Value items[] = {Value::real(m), Value::integer(e)};
    return Value::object(new_tuple(vm, items, 2));
}

Value math_modf(VM& vm, const Args& a) {
    if (!check_args(vm, a, "modf", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    double ip;
    double fp = std::isinf(x) ? std::copysign(0.0, x) : std::modf(x, &ip);
    if (std::isinf(x)) ip = x;
    Value items[] = {Value::real(fp), Value::real(ip)};
    return Value::object(new_tuple(vm, items, 2));
}

// floor/ceil/trunc: floats directly, ints unchanged, others via the dunder.
Value rounding(VM& vm, const Args& a, const char* name, double (*fn)(double), const char* dunder) {
    if (!check_args(vm, a, name, 1, 1)) return Value::empty();
    Value x = a.pos[0];
    if (x.is_float()) return int_from_double(vm, fn(x.as_float()));
    if (x.is_int()) return x;
    if (x.is_bool()) return Value::integer(x.as_bool() ? 1 : 0);
    if (is_int_like(vm, x) && x.is_obj() && x.o->type == vm.types.int_) return x;
    Value method = get_attr_opt(vm, x, vm.intern(dunder));
    if (!method.is_empty()) return vm.call(method, nullptr, 0);
    if (vm.has_pending()) return Value::empty();
    if (std::string_view(name) == "trunc") {
        return vm.raise_format(vm.exc.TypeError, "type %s doesn't define __trunc__ method", type_name(vm, x).c_str());
    }
    double d;
    if (!to_double(vm, x, &d)) return Value::empty();
    return int_from_double(vm, fn(d));
}

Value math_floor(VM& vm, const Args& a) { return rounding(vm, a, "floor", ::floor, "__floor__"); }
Value math_ceil(VM& vm, const Args& a) { return rounding(vm, a, "ceil", ::ceil, "__ceil__"); }
Value math_trunc(VM& vm, const Args& a) { return rounding(vm, a, "trunc", ::trunc, "__trunc__"); }

Value math_degrees(VM& vm, const Args& a) {
    if (!check_args(vm, a, "degrees", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    return Value::real(x * (180.0 / M_PI));
}

Value math_radians(VM& vm, const Args& a) {
    if (!check_args(vm, a, "radians", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    return Value::real(x * (M_PI / 180.0));
}

Value predicate(VM& vm, const Args& a, const char* name, bool (*fn)(double)) {
    if (!check_args(vm, a, name, 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    return Value::boolean(fn(x));
}

Value math_isfinite(VM& vm, const Args& a) { return predicate(vm, a, "isfinite", [](double x) { return std::isfinite(x); }); }
Value math_isinf(VM& vm, const Args& a) { return predicate(vm, a, "isinf", [](double x) { return std::isinf(x); }); }
Value math_isnan(VM& vm, const Args& a) { return predicate(vm, a, "isnan", [](double x) { return std::isnan(x); }); }

Value math_isclose(VM& vm, const Args& a) {
    static const char* const kNames[] = {"a", "b", "rel_tol", "abs_tol", nullptr};
    Value v[4];
    if (!parse_args(vm, a, "isclose", kNames, 2, v)) return Value::empty();
    double x, y, rel = 1e-9, abs_tol = 0;
    if (!arg_double(vm, v[0], &x) || !arg_double(vm, v[1], &y)) return Value::empty();
    if (!v[2].is_empty() && !arg_double(vm, v[2], &rel)) return Value::empty();
    if (!v[3].is_empty() && !arg_double(vm, v[3], &abs_tol)) return Value::empty();
    if (rel < 0 || abs_tol < 0) return vm.raise(vm.exc.ValueError, "tolerances must be non-negative");
    if (x == y) return Value::boolean(true);
    if (std::isinf(x) || std::isinf(y)) return Value::boolean(false);
    double diff = std::fabs(y - x);
    return Value::boolean((diff <= std::fabs(rel * y)) || (diff <= std::fabs(rel * x)) || diff <= abs_tol);
}

// Neumaier-compensated summation is not exactly CPython's fsum; use its exact algorithm
// (Shewchuk partials) so results match bit for bit.
Value math_fsum(VM& vm, const Args& a) {
    if (!check_args(vm, a, "fsum", 1, 1)) return Value::empty();
    Value it = get_iter(vm, a.pos[0]);
    if (it.is_empty()) return it;
    std::vector<double> partials;
    double special_sum = 0, inf_sum = 0;
    while (true) {
        Value item = iter_next(vm, it);
        if (item.is_empty()) {
            if (vm.has_pending()) return item;
            break;
        }
        double x;
        if (!arg_double(vm, item, &x)) return Value::empty();
        if (!std::isfinite(x)) {
            if (std::isinf(x)) inf_sum += x;
            special_sum += x;
            continue;
        }
        size_t i = 0;
        for (double y : partials) {
            if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0.0) partials[i++] = lo;
            x = hi;
        }
        partials.resize(i);
        if (std::isinf(x)) return vm.raise(vm.exc.OverflowError, "intermediate overflow in fsum");
        partials.push_back(x);
    }
    if (special_sum != 0.0) {
        if (std::isnan(inf_sum)) return vm.raise(vm.exc.ValueError, "-inf + inf in fsum");
        return Value::real(special_sum);
    }
    double hi = 0.0;
    size_t n = partials.size();
    if (n > 0) {
        hi = partials[--n];
        double lo = 0;
        while (n > 0) {
            double x = hi;
            double y = partials[--n];
            hi = x + y;
            double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) break;
        }
        // Round-half-even correction, as CPython does.
        if (n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0))) {
            double y = lo * 2.0;
            double x = hi + y;
            double yr = x - hi;
            if (y == yr) hi = x;
        }
    }
    return Value::real(hi);
}

Value math_hypot(VM& vm, const Args& a) {
    if (!check_no_kwargs(vm, a, "hypot")) return Value::empty();
    double r = 0;
    bool any_inf = false, any_nan = false;
    std::vector<double> xs;
    for (uint32_t i = 0; i < a.npos; ++i) {
        double x;
        if (!arg_double(vm, a.pos[i], &x)) return Value::empty();
        if (std::isinf(x)) any_inf = true;
        if (std::isnan(x)) any_nan = true;
        xs.push_back(x);
    }
    if (any_inf) return Value::real(std::numeric_limits<double>::infinity());
    if (any_nan) return Value::real(std::numeric_limits<double>::quiet_NaN());
    if (xs.size() == 2) return Value::real(std::hypot(xs[0], xs[1]));
    double scale = 0;
    for (double x : xs) scale = std::max(scale, std::fabs(x));
    if (scale == 0) return Value::real(0.0);
    for (double x : xs) r += (x / scale) * (x / scale);
    return Value::real(scale * std::sqrt(r));
}

Value math_dist(VM& vm, const Args& a) {
    if (!check_args(vm, a, "dist", 2, 2)) return Value::empty();
    Value p = a.pos[0], q = a.pos[1];
    int64_t n = length(vm, p);
    if (n < 0) return Value::empty();
    int64_t m = length(vm, q);
    if (m < 0) return Value::empty();
    if (n != m) return vm.raise(vm.exc.ValueError, "both points must have the same number of dimensions");
    std::vector<Value> diffs;
    List* tmp = new_list(vm, n);
    for (int64_t i = 0; i < n; ++i) {
        Value pi = get_item(vm, p, Value::integer(i));
        if (pi.is_empty()) return pi;
        Value qi = get_item(vm, q, Value::integer(i));
        if (qi.is_empty()) return qi;
        double x, y;
        if (!arg_double(vm, pi, &x) || !arg_double(vm, qi, &y)) return Value::empty();
        tmp->items.push_back(Value::real(x - y));
    }
    Args inner;
    inner.pos = tmp->items.data();
    inner.npos = static_cast<uint32_t>(tmp->items.size());
    return math_hypot(vm, inner);
}

Value math_factorial(VM& vm, const Args& a) {
    if (!check_args(vm, a, "factorial", 1, 1)) return Value::empty();
    Mpz n;
    if (!arg_int(vm, a.pos[0], n.z)) return Value::empty();
    if (mpz_sgn(n.z) < 0) return vm.raise(vm.exc.ValueError, "factorial() not defined for negative values");
    if (!mpz_fits_ulong_p(n.z)) return vm.raise(vm.exc.OverflowError, "factorial() argument should not exceed 9223372036854775807");
    Mpz r;
    mpz_fac_ui(r.z, mpz_get_ui(n.z));
    return int_from_mpz(vm, r.z);
}

Value math_gcd(VM& vm, const Args& a) {
    if (!check_no_kwargs(vm, a, "gcd")) return Value::empty();
    Mpz r, x;
    for (uint32_t i = 0; i < a.npos; ++i) {
        if (!arg_int(vm, a.pos[i], x.z)) return Value::empty();
        mpz_gcd(r.z, r.z, x.z);
    }
    return int_from_mpz(vm, r.z);
}

Value math_lcm(VM& vm, const Args& a) {
    if (!check_no_kwargs(vm, a, "lcm")) return Value::empty();
    Mpz r, x;
    mpz_set_ui(r.z, 1);
    for (uint32_t i = 0; i < a.npos; ++i) {
        if (!arg_int(vm, a.pos[i], x.z)) return Value::empty();
        mpz_lcm(r.z, r.z, x.z);
    }
    return int_from_mpz(vm, r.z);
}

Value math_isqrt(VM& vm, const Args& a) {
    if (!check_args(vm, a, "isqrt", 1, 1)) return Value::empty();
    Mpz n;
    if (!arg_int(vm, a.pos[0], n.z)) return Value::empty();
    if (mpz_sgn(n.z) < 0) return vm.raise(vm.exc.ValueError, "isqrt() argument must be nonnegative");
    mpz_sqrt(n.z, n.z);
    return int_from_mpz(vm, n.z);
}

Value math_comb(VM& vm, const Args& a) {
    if (!check_args(vm, a, "comb", 2, 2)) return Value::empty();
    Mpz n, k;
    if (!arg_int(vm, a.pos[0], n.z) || !arg_int(vm, a.pos[1], k.z)) return Value::empty();
    if (mpz_sgn(n.z) < 0) return vm.raise(vm.exc.ValueError, "n must be a non-negative integer");
    if (mpz_sgn(k.z) < 0) return vm.raise(vm.exc.ValueError, "k must be a non-negative integer");
    if (mpz_cmp(k.z, n.z) > 0) return Value::integer(0);
    if (!mpz_fits_ulong_p(k.z)) return vm.raise(vm.exc.OverflowError, "k must not exceed 9223372036854775807");
    Mpz r;
    mpz_bin_ui(r.z, n.z, mpz_get_ui(k.z));
    return int_from_mpz(vm, r.z);
}

Value math_perm(VM& vm, const Args& a) {
    if (!check_args(vm, a, "perm", 1, 2)) return Value::empty();
    Mpz n, k;
    if (!arg_int(vm, a.pos[0], n.z)) return Value::empty();
    if (a.npos == 2 && !a.pos[1].is_none()) {
        if (!arg_int(vm, a.pos[1], k.z)) return Value::empty();
    } else {
        mpz_set(k.z, n.z);
    }
    if (mpz_sgn(n.z) < 0) return vm.raise(vm.exc.ValueError, "n must be a non-negative integer");
    if (mpz_sgn(k.z) < 0) return vm.raise(vm.exc.ValueError, "k must be a non-negative integer");
    if (mpz_cmp(k.z, n.z) > 0) return Value::integer(0);
    if (!mpz_fits_ulong_p(k.z)) return vm.raise(vm.exc.OverflowError, "k must not exceed 9223372036854775807");
    Mpz r, f;
    mpz_set_ui(r.z, 1);
    mpz_set(f.z, n.z);
    for (unsigned long i = 0, kk = mpz_get_ui(k.z); i < kk; ++i) {
        mpz_mul(r.z, r.z, f.z);
        mpz_sub_ui(f.z, f.z, 1);
    }
    return int_from_mpz(vm, r.z);
}

Value math_prod(VM& vm, const Args& a) {
    static const char* const kNames[] = {"iterable", "start", nullptr};
    Value v[2];
    if (!parse_args(vm, a, "prod", kNames, 1, v)) return Value::empty();
    Value acc = v[1].is_empty() ? Value::integer(1) : v[1];
    Value it = get_iter(vm, v[0]);
    if (it.is_empty()) return it;
    List* keep = new_list(vm, 1);  // keeps the running product rooted across calls
    keep->items.push_back(acc);
    while (true) {
        Value item = iter_next(vm, it);
        if (item.is_empty()) return vm.has_pending() ? item : keep->items[0];
        Value r = binary_op(vm, BinOpKind::Multiply, keep->items[0], item);
        if (r.is_empty()) return r;
        keep->items[0] = r;
    }
}

Value math_ulp(VM& vm, const Args& a) {
    if (!check_args(vm, a, "ulp", 1, 1)) return Value::empty();
    double x;
    if (!arg_double(vm, a.pos[0], &x)) return Value::empty();
    if (std::isnan(x)) return Value::real(x);
    x = std::fabs(x);
    if (std::isinf(x)) return Value::real(x);
    double next = std::nextafter(x, std::numeric_limits<double>::infinity());
    if (std::isinf(next)) return Value::real(x - std::nextafter(x, 0.0));
    return Value::real(next - x);
}

}  // namespace

bool init_math_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    struct Entry { const char* name; NativeFn fn; };
    static const Entry kFunctions[] = {
        {"acos", math_acos}, {"acosh", math_acosh}, {"asin", math_asin}, {"asinh", math_asinh},
        {"atan", math_atan}, {"atan2", math_atan2}, {"atanh", math_atanh}, {"cbrt", math_cbrt},
        {"ceil", math_ceil}, {"comb", math_comb}, {"copysign", math_copysign}, {"cos", math_cos},
        {"cosh", math_cosh}, {"degrees", math_degrees}, {"dist", math_dist}, {"erf", math_erf},
        {"erfc", math_erfc}, {"exp", math_exp}, {"exp2", math_exp2}, {"expm1", math_expm1},
        {"fabs", math_fabs}, {"factorial", math_factorial}, {"floor", math_floor}, {"fmod", math_fmod},
        {"frexp", math_frexp}, {"fsum", math_fsum}, {"gamma", math_gamma}, {"gcd", math_gcd},
        {"hypot", math_hypot}, {"isclose", math_isclose}, {"isfinite", math_isfinite},
        {"isinf", math_isinf}, {"isnan", math_isnan}, {"isqrt", math_isqrt}, {"lcm", math_lcm},
        {"ldexp", math_ldexp}, {"lgamma", math_lgamma}, {"log", math_log}, {"log10", math_log10},
        {"log1p", math_log1p}, {"log2", math_log2}, {"modf", math_modf}, {"nextafter", math_nextafter},
        {"perm", math_perm}, {"pow", math_pow}, {"prod", math_prod}, {"radians", math_radians},
        {"remainder", math_remainder}, {"sin", math_sin}, {"sinh", math_sinh}, {"sqrt", math_sqrt},
        {"tan", math_tan}, {"tanh", math_tanh}, {"trunc", math_trunc}, {"ulp", math_ulp},
    };
    for (const Entry& e : kFunctions) def_function(vm, ns, e.name, e.fn);
    dict_set_str(vm, ns, vm.intern("pi"), Value::real(M_PI));
    dict_set_str(vm, ns, vm.intern("e"), Value::real(M_E));
    dict_set_str(vm, ns, vm.intern("tau"), Value::real(2 * M_PI));
    dict_set_str(vm, ns, vm.intern("inf"), Value::real(std::numeric_limits<double>::infinity()));
    dict_set_str(vm, ns, vm.intern("nan"), Value::real(std::numeric_limits<double>::quiet_NaN()));
    return true;
}

}  // namespace asy::stdlib
