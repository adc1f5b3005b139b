// The dispatch loop's inline fast paths and their out-of-line miss paths: int/float arithmetic
// and comparison, index normalisation, and the attribute / global / builtin lookups through
// per-site caches. Private to vm/interpreter.cpp (its only includer): internal linkage, so the
// always-inline helpers stay in the loop's translation unit.
#pragma once

#include <algorithm>
#include <cstdint>

#include "vm/interpreter.hpp"
#include "vm/lookup_cache.hpp"
#include "vm/objects/containers.hpp"
#include "vm/ops.hpp"

namespace asy::vm {
namespace {

// The dispatch loop is too big for GCC's inliner heuristics, and an out-of-line fast path
// costs a call plus a store/reload of its result on every arithmetic instruction.
#define ASY_HOT_INLINE [[gnu::always_inline]] inline

// Python floor division and modulo for int64 (y != 0, not INT64_MIN / -1).
ASY_HOT_INLINE int64_t floor_div(int64_t x, int64_t y) {
    int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return q;
}
ASY_HOT_INLINE int64_t floor_mod(int64_t x, int64_t y) {
    int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return r;
}

constexpr int64_t kExactDouble = int64_t(1) << 53;
ASY_HOT_INLINE bool exact_in_double(int64_t i) { return i >= -kExactDouble && i <= kExactDouble; }

// Small int / float arithmetic without calls; false when the slow path must run.
ASY_HOT_INLINE bool fast_binary(BinOpKind op, Value a, Value b, Value* out) {
    int k = static_cast<int>(op);
    if (k >= kBinOpInplaceOffset) k -= kBinOpInplaceOffset;
    if (a.is_int() && b.is_int()) {
        int64_t x = a.i, y = b.i, r;
        switch (static_cast<BinOpKind>(k)) {
        case BinOpKind::Add:
            if (__builtin_add_overflow(x, y, &r)) return false;
            *out = Value::integer(r);
            return true;
        case BinOpKind::Subtract:
            if (__builtin_sub_overflow(x, y, &r)) return false;
            *out = Value::integer(r);
            return true;
        case BinOpKind::Multiply:
            if (__builtin_mul_overflow(x, y, &r)) return false;
            *out = Value::integer(r);
            return true;
        case BinOpKind::FloorDivide:
            if (y == 0 || (x == INT64_MIN && y == -1)) return false;
            *out = Value::integer(floor_div(x, y));
            return true;
        case BinOpKind::Remainder:
            if (y == 0 || (x == INT64_MIN && y == -1)) return false;
            *out = Value::integer(floor_mod(x, y));
            return true;
        case BinOpKind::And: *out = Value::integer(x & y); return true;
        case BinOpKind::Or: *out = Value::integer(x | y); return true;
        case BinOpKind::Xor: *out = Value::integer(x ^ y); return true;
        case BinOpKind::RShift:
            if (y < 0) return false;
            *out = Value::integer(y >= 64 ? (x < 0 ? -1 : 0) : (x >> y));
            return true;
        case BinOpKind::LShift:
            if (y < 0 || y >= 63) return false;
            if (x != 0 && ((x << y) >> y) != x) return false;
            *out = Value::integer(x << y);
            return true;
        case BinOpKind::TrueDivide:
            if (y == 0 || !exact_in_double(x) || !exact_in_double(y)) return false;
            *out = Value::real(static_cast<double>(x) / static_cast<double>(y));
            return true;
        default: return false;
        }
    }
    double x, y;
    if (a.is_float()) x = a.f;
    else if (a.is_int() && exact_in_double(a.i)) x = static_cast<double>(a.i);
    else return false;
    if (b.is_float()) y = b.f;
    else if (b.is_int() && exact_in_double(b.i)) y = static_cast<double>(b.i);
    else return false;
    switch (static_cast<BinOpKind>(k)) {
    case BinOpKind::Add: *out = Value::real(x + y); return true;
    case BinOpKind::Subtract: *out = Value::real(x - y); return true;
    case BinOpKind::Multiply: *out = Value::real(x * y); return true;
    case BinOpKind::TrueDivide:
        if (y == 0) return false;
        *out = Value::real(x / y);
        return true;
    default: return false;
    }
}

ASY_HOT_INLINE bool fast_compare(VM& vm, CompareKind op, Value a, Value b, bool* out) {
    if (a.is_int() && b.is_int()) { *out = compare_with(op, a.i, b.i); return true; }
    if (a.is_float() && b.is_float()) { *out = compare_with(op, a.f, b.f); return true; }
    if (a.is_float() && b.is_int() && exact_in_double(b.i)) {
        *out = compare_with(op, a.f, static_cast<double>(b.i));
        return true;
    }
    if (a.is_int() && b.is_float() && exact_in_double(a.i)) {
        *out = compare_with(op, static_cast<double>(a.i), b.f);
        return true;
    }
    if (a.is_obj() && b.is_obj() && a.o->type == vm.types.str && b.o->type == vm.types.str) {
        // UTF-8 byte order is code point order.
        int c = static_cast<Str*>(a.o)->s.compare(static_cast<Str*>(b.o)->s);
        *out = compare_with(op, c, 0);
        return true;
    }
    return false;
}

// Index normalisation for list/tuple fast paths: false when out of range.
ASY_HOT_INLINE bool fast_index(int64_t i, size_t n, size_t* out) {
    if (i < 0) i += static_cast<int64_t>(n);
    if (i < 0 || static_cast<uint64_t>(i) >= n) return false;
    *out = static_cast<size_t>(i);
    return true;
}

// Instance-dict attribute entry through a per-site position hint (kept in the cache's unused
// version2): instances of one class usually insert their attributes in the same order, so the
// hinted entry holds the interned name itself and no hashing is needed. Null means "not found
// by pointer": the caller falls back to the hashed lookup (a non-interned equal key may exist).
[[gnu::noinline]] Dict::Entry* inst_attr_scan(Dict* d, Str* name, InlineCache* c) {
    auto& es = d->entries;
    size_t n = es.size();
    if (n > 16) return nullptr;
    for (size_t i = 0; i < n; ++i) {
        if (es[i].key.is_obj() && es[i].key.o == name) {
            c->version2 = i;
            return &es[i];
        }
    }
    return nullptr;
}

// A namespace entry by pointer (module dicts are larger than instance dicts), remembering its
// position in the cache; null when not found that way.
[[gnu::noinline]] Dict::Entry* name_entry_scan(Dict* d, Str* name, InlineCache* c) {
    auto& es = d->entries;
    size_t n = std::min<size_t>(es.size(), 256);
    for (size_t i = 0; i < n; ++i) {
        if (es[i].key.is_obj() && es[i].key.o == name && !es[i].value.is_empty()) {
            c->version2 = i;
            return &es[i];
        }
    }
    return nullptr;
}

// LOAD_GLOBAL's miss path: the lookup (globals, then builtins; NameError) and the cache fill
// with the entry's position, found by pointer (the interned name) so the hit test stays a
// pointer compare; a name stored under an equal non-interned key is looked up every time.
[[gnu::noinline]] Value load_global_slow(VM& vm, Dict* globals, Dict* builtins, Str* name, InlineCache* c) {
    auto position = [&](Dict* d) -> int64_t {
        auto& es = d->entries;
        for (size_t i = 0; i < es.size(); ++i)
            if (es[i].key.is_obj() && es[i].key.o == name) return static_cast<int64_t>(i);
        return -1;
    };
    Value v = dict_get_str(globals, name);
    if (!v.is_empty()) {
        int64_t ix = position(globals);
        c->key = globals;
        c->kind = ix >= 0 ? cache::kGlobal : cache::kEmpty;
        c->version2 = static_cast<uint64_t>(ix);
        return v;
    }
    v = dict_get_str(builtins, name);
    if (v.is_empty()) return interp::name_error(vm, name);
    int64_t ix = position(builtins);
    c->key = globals;
    c->version = globals->version;
    c->key2 = builtins;
    c->kind = ix >= 0 ? cache::kBuiltin : cache::kEmpty;
    c->version2 = static_cast<uint64_t>(ix);
    return v;
}

// LOAD_NAME in a module namespace found `name` in builtins: remember its builtins entry while
// the namespace keeps its key set (by pointer only, as load_global_slow).
[[gnu::noinline]] void load_name_cache_builtin(Dict* ns, Dict* builtins, Str* name, InlineCache* c) {
    auto& es = builtins->entries;
    for (size_t i = 0; i < es.size(); ++i) {
        if (es[i].key.is_obj() && es[i].key.o == name) {
            c->kind = cache::kBuiltin;
            c->key = ns;
            c->version = ns->version;
            c->key2 = builtins;
            c->version2 = i;
            return;
        }
    }
}

ASY_HOT_INLINE Dict::Entry* inst_attr_entry(Dict* d, Str* name, InlineCache* c) {
    auto& es = d->entries;
    size_t h = static_cast<size_t>(c->version2);
    if (h < es.size() && es[h].key.is_obj() && es[h].key.o == name) return &es[h];
    return inst_attr_scan(d, name, c);
}

}  // namespace
}  // namespace asy::vm
