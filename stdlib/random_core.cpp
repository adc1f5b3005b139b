// `_random`: the Mersenne Twister (MT19937) core of the random module, seeded exactly as
// CPython seeds it (init_by_array over the 32-bit words of abs(seed)), so the same seed gives
// the same sequence as CPython. The distributions live in random.asy.
#include <gmp.h>

#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include "stdlib/registry.hpp"
#include "vm/objects/int.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

constexpr int kN = 624;
constexpr int kM = 397;

struct RandomState : Obj {
    uint32_t mt[kN];
    int index = kN + 1;

    void init_genrand(uint32_t s) {
        mt[0] = s;
        for (int i = 1; i < kN; ++i) mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + static_cast<uint32_t>(i);
        index = kN;
    }

    void init_by_array(const std::vector<uint32_t>& key) {
        init_genrand(19650218u);
        int i = 1;
        size_t j = 0;
        size_t k = kN > key.size() ? kN : key.size();
        for (; k > 0; --k) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + static_cast<uint32_t>(j);
            ++i;
            ++j;
            if (i >= kN) { mt[0] = mt[kN - 1]; i = 1; }
            if (j >= key.size()) j = 0;
        }
        for (k = kN - 1; k > 0; --k) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - static_cast<uint32_t>(i);
            ++i;
            if (i >= kN) { mt[0] = mt[kN - 1]; i = 1; }
        }
        mt[0] = 0x80000000u;
        index = kN;
    }

    uint32_t next32() {
        static const uint32_t mag01[2] = {0u, 0x9908b0dfu};
        if (index >= kN) {
            int kk = 0;
            for (; kk < kN - kM; ++kk) {
                uint32_t y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
                mt[kk] = mt[kk + kM] ^ (y >> 1) ^ mag01[y & 1u];
            }
            for (; kk < kN - 1; ++kk) {
                uint32_t y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
                mt[kk] = mt[kk + (kM - kN)] ^ (y >> 1) ^ mag01[y & 1u];
            }
            uint32_t y = (mt[kN - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
            mt[kN - 1] = mt[kM - 1] ^ (y >> 1) ^ mag01[y & 1u];
            index = 0;
        }
        uint32_t y = mt[index++];
        y ^= (y >> 11);
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= (y >> 18);
        return y;
    }

    double next_double() {
        uint32_t a = next32() >> 5, b = next32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }
};

RandomState* self_state(VM& vm, const Args& a, const char* name) {
    RandomState* s = a.npos > 0 && a.pos[0].is_obj() ? dynamic_cast<RandomState*>(a.pos[0].o) : nullptr;
    if (s == nullptr) vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'Random' object", name);
    return s;
}

Obj* alloc_random(VM& vm, Type* type) {
    RandomState* s = vm.alloc<RandomState>(type);
    s->init_genrand(5489u);
    return s;
}

// seed(n): n an int (or None: from the OS entropy source and the clock).
Value random_seed(VM& vm, const Args& a) {
    RandomState* s = self_state(vm, a, "seed");
    if (s == nullptr) return Value::empty();
    if (!check_args(vm, a, "seed", 1, 2)) return Value::empty();
    std::vector<uint32_t> key;
    Value n = a.npos > 1 ? a.pos[1] : Value::none();
    if (n.is_none()) {
        std::random_device rd;
        for (int i = 0; i < 8; ++i) key.push_back(rd());
        key.push_back(static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    } else {
        if (!is_int_like(vm, n)) {
            return vm.raise(vm.exc.TypeError, "The only supported seed types are: None, int, float, str, bytes, and bytearray.");
        }
        mpz_t z;
        mpz_init(z);
        if (n.is_bool()) mpz_set_si(z, n.as_bool()); else int_to_mpz(n, z);
        mpz_abs(z, z);
        size_t words = (mpz_sizeinbase(z, 2) + 31) / 32;
        key.assign(words == 0 ? 1 : words, 0);
        size_t count = 0;
        mpz_export(key.data(), &count, -1, sizeof(uint32_t), 0, 0, z);
        mpz_clear(z);
    }
    s->init_by_array(key);
    return Value::none();
}

Value random_random(VM& vm, const Args& a) {
    RandomState* s = self_state(vm, a, "random");
    if (s == nullptr) return Value::empty();
    return Value::real(s->next_double());
}

// getrandbits(k): k random bits as a non-negative int, 32 bits per generator output,
// least significant word first (CPython's order).
Value random_getrandbits(VM& vm, const Args& a) {
    RandomState* s = self_state(vm, a, "getrandbits");
    if (s == nullptr) return Value::empty();
    if (!check_args(vm, a, "getrandbits", 2, 2)) return Value::empty();
    int64_t k;
    if (!to_int64(vm, a.pos[1], &k)) return Value::empty();
    if (k < 0) return vm.raise(vm.exc.ValueError, "number of bits must be non-negative");
    if (k == 0) return Value::integer(0);
    if (k <= 32) return Value::integer(s->next32() >> (32 - k));
    size_t words = static_cast<size_t>((k - 1) / 32 + 1);
    std::vector<uint32_t> w(words);
    int64_t remaining = k;
    for (size_t i = 0; i < words; ++i, remaining -= 32) {
        uint32_t r = s->next32();
        if (remaining < 32) r >>= (32 - remaining);
        w[i] = r;
    }
    mpz_t z;
    mpz_init(z);
    mpz_import(z, words, -1, sizeof(uint32_t), 0, 0, w.data());
    Value v = int_from_mpz(vm, z);
    mpz_clear(z);
    return v;
}

Value random_getstate(VM& vm, const Args& a) {
    RandomState* s = self_state(vm, a, "getstate");
    if (s == nullptr) return Value::empty();
    Tuple* t = new_tuple(vm, kN + 1);
    for (int i = 0; i < kN; ++i) t->items[i] = Value::integer(s->mt[i]);
    t->items[kN] = Value::integer(s->index);
    return Value::object(t);
}

Value random_setstate(VM& vm, const Args& a) {
    RandomState* s = self_state(vm, a, "setstate");
    if (s == nullptr) return Value::empty();
    if (!check_args(vm, a, "setstate", 2, 2)) return Value::empty();
    Value st = a.pos[1];
    if (!st.is_obj() || st.o->type != vm.types.tuple || static_cast<Tuple*>(st.o)->items.size() != kN + 1) {
        return vm.raise(vm.exc.ValueError, "state vector is the wrong size");
    }
    Tuple* t = static_cast<Tuple*>(st.o);
    for (int i = 0; i <= kN; ++i) {
        int64_t v;
        if (!to_int64(vm, t->items[i], &v)) return Value::empty();
        if (i < kN) s->mt[i] = static_cast<uint32_t>(v); else s->index = static_cast<int>(v);
    }
    if (s->index < 0 || s->index > kN) return vm.raise(vm.exc.ValueError, "invalid state");
    return Value::none();
}

}  // namespace

bool init_random_core_module(VM& vm, Module* m) {
    Type* t = new_builtin_type(vm, "Random", vm.types.object, Layout::Other, alloc_random);
    def_method(vm, t, "seed", random_seed);
    def_method(vm, t, "random", random_random);
    def_method(vm, t, "getrandbits", random_getrandbits);
    def_method(vm, t, "getstate", random_getstate);
    def_method(vm, t, "setstate", random_setstate);
    dict_set_str(vm, m->dict, vm.intern("Random"), Value::object(t));
    return true;
}

}  // namespace asy::stdlib
