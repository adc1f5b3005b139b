// `range` (int64 fast paths, GMP for big bounds) and `slice` objects, with CPython's
// PySlice_GetIndicesEx (slice_indices) and sequence-index conversion (seq_index).
#include <gmp.h>

#include "vm/objects/container_util.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/iterators.hpp"

namespace asy::vm {

using namespace detail;

namespace {

using i128 = __int128;

bool has_index(VM& vm, Value v) {
    return v.is_int() || v.is_bool() || is_int_like(vm, v) ||
           (v.is_obj() && !type_lookup(v.o->type, vm.names.__index__).is_empty());
}

// Index bound of a slice: int64 clamped (big ints saturate), None -> `*none = true`.
bool slice_bound(VM& vm, Value v, int64_t* out, bool* none) {
    *none = false;
    if (v.is_none()) {
        *none = true;
        return true;
    }
    if (v.is_int()) {
        *out = v.i;
        return true;
    }
    if (!has_index(vm, v)) {
        vm.raise(vm.exc.TypeError, "slice indices must be integers or None or have an __index__ method");
        return false;
    }
    Value iv = index_value(vm, v);
    if (iv.is_empty()) return false;
    if (iv.is_int()) *out = iv.i;
    else *out = int_sign(iv) < 0 ? INT64_MIN : INT64_MAX;
    return true;
}

}  // namespace

// ---- slices --------------------------------------------------------------------------------

Slice* new_slice(VM& vm, Value start, Value stop, Value step) {
    Slice* s = vm.alloc<Slice>(vm.types.slice);
    s->start = start;
    s->stop = stop;
    s->step = step;
    return s;
}

bool slice_indices(VM& vm, Slice* s, int64_t len, int64_t* start, int64_t* stop, int64_t* step,
                   int64_t* slicelen) {
    bool none;
    if (!slice_bound(vm, s->step, step, &none)) return false;
    if (none) {
        *step = 1;
    } else if (*step == 0) {
        vm.raise(vm.exc.ValueError, "slice step cannot be zero");
        return false;
    } else if (*step < -INT64_MAX) {
        *step = -INT64_MAX;
    }
    if (!slice_bound(vm, s->start, start, &none)) return false;
    if (none) *start = *step < 0 ? INT64_MAX : 0;
    if (!slice_bound(vm, s->stop, stop, &none)) return false;
    if (none) *stop = *step < 0 ? INT64_MIN : INT64_MAX;
    // PySlice_AdjustIndices
    if (*start < 0) {
        *start += len;
        if (*start < 0) *start = *step < 0 ? -1 : 0;
    } else if (*start >= len) {
        *start = *step < 0 ? len - 1 : len;
    }
    if (*stop < 0) {
        *stop += len;
        if (*stop < 0) *stop = *step < 0 ? -1 : 0;
    } else if (*stop >= len) {
        *stop = *step < 0 ? len - 1 : len;
    }
    if (*step < 0) {
        *slicelen = *stop < *start ? (*start - *stop - 1) / (-*step) + 1 : 0;
    } else {
        *slicelen = *start < *stop ? (*stop - *start - 1) / *step + 1 : 0;
    }
    return true;
}

bool seq_index(VM& vm, Value key, const char* what, int64_t* out) {
    if (key.is_int()) {
        *out = key.i;
        return true;
    }
    if (key.is_bool()) {
        *out = key.b;
        return true;
    }
    if (!has_index(vm, key)) {
        vm.raise_format(vm.exc.TypeError, "%s indices must be integers or slices, not %s", what,
                        type_name(vm, key).c_str());
        return false;
    }
    Value iv = index_value(vm, key);
    if (iv.is_empty()) return false;
    if (!iv.is_int()) {
        vm.raise(vm.exc.IndexError, "cannot fit 'int' into an index-sized integer");
        return false;
    }
    *out = iv.i;
    return true;
}

// ---- ranges --------------------------------------------------------------------------------

Range* new_range(VM& vm, Value start, Value stop, Value step) {
    Range* r = vm.alloc<Range>(vm.types.range);
    r->start = start;
    r->stop = stop;
    r->step = step;
    return r;
}

bool range_small(const Range* r, int64_t* start, int64_t* stop, int64_t* step) {
    if (!r->start.is_int() || !r->stop.is_int() || !r->step.is_int()) return false;
    *start = r->start.i;
    *stop = r->stop.i;
    *step = r->step.i;
    return true;
}

namespace {

// Length of a small range (fits uint64 always).
uint64_t small_len(int64_t start, int64_t stop, int64_t step) {
    if (step > 0) {
        if (start >= stop) return 0;
        return (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) / static_cast<uint64_t>(step) + 1;
    }
    if (start <= stop) return 0;
    return (static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) / (0 - static_cast<uint64_t>(step)) + 1;
}

void range_len_mpz(const Range* r, mpz_t out) {
    mpz_t lo, hi, st;
    mpz_inits(lo, hi, st, nullptr);
    int_to_mpz(r->start, lo);
    int_to_mpz(r->stop, hi);
    int_to_mpz(r->step, st);
    if (mpz_sgn(st) > 0) {
        if (mpz_cmp(lo, hi) >= 0) mpz_set_ui(out, 0);
        else {
            mpz_sub(out, hi, lo);
            mpz_sub_ui(out, out, 1);
            mpz_fdiv_q(out, out, st);
            mpz_add_ui(out, out, 1);
        }
    } else {
        if (mpz_cmp(lo, hi) <= 0) mpz_set_ui(out, 0);
        else {
            mpz_sub(out, lo, hi);
            mpz_sub_ui(out, out, 1);
            mpz_neg(st, st);
            mpz_fdiv_q(out, out, st);
            mpz_add_ui(out, out, 1);
        }
    }
    mpz_clears(lo, hi, st, nullptr);
}

// len(r) as an int Value.
Value range_len_value(VM& vm, const Range* r) {
    int64_t a, b, c;
    if (range_small(r, &a, &b, &c)) {
        uint64_t n = small_len(a, b, c);
        if (n <= static_cast<uint64_t>(INT64_MAX)) return Value::integer(static_cast<int64_t>(n));
    }
    mpz_t n;
    mpz_init(n);
    range_len_mpz(r, n);
    Value v = int_from_mpz(vm, n);
    mpz_clear(n);
    return v;
}

// start + i * step, for an int Value i.
Value range_item(VM& vm, const Range* r, Value i) {
    if (r->start.is_int() && r->step.is_int() && i.is_int()) {
        i128 v = static_cast<i128>(r->start.i) + static_cast<i128>(i.i) * r->step.i;
        if (v >= INT64_MIN && v <= INT64_MAX) return Value::integer(static_cast<int64_t>(v));
    }
    mpz_t a, b, c;
    mpz_inits(a, b, c, nullptr);
    int_to_mpz(r->start, a);
    int_to_mpz(r->step, b);
    int_to_mpz(i, c);
    mpz_addmul(a, b, c);
    Value v = int_from_mpz(vm, a);
    mpz_clears(a, b, c, nullptr);
    return v;
}

// Is the int v an item of r? Returns its index through *index when asked.
bool range_has_int(const Range* r, Value v, mpz_t* index_out) {
    mpz_t x, lo, hi, st, q, rem;
    mpz_inits(x, lo, hi, st, q, rem, nullptr);
    int_to_mpz(v, x);
    int_to_mpz(r->start, lo);
    int_to_mpz(r->stop, hi);
    int_to_mpz(r->step, st);
    bool in;
    if (mpz_sgn(st) > 0) in = mpz_cmp(lo, x) <= 0 && mpz_cmp(x, hi) < 0;
    else in = mpz_cmp(hi, x) < 0 && mpz_cmp(x, lo) <= 0;
    if (in) {
        mpz_sub(x, x, lo);
        mpz_fdiv_qr(q, rem, x, st);
        in = mpz_sgn(rem) == 0;
        if (in && index_out) mpz_set(*index_out, q);
    }
    mpz_clears(x, lo, hi, st, q, rem, nullptr);
    return in;
}

int range_contains_small(int64_t start, int64_t stop, int64_t step, int64_t x) {
    if (step > 0) {
        if (x < start || x >= stop) return 0;
    } else {
        if (x > start || x <= stop) return 0;
    }
    i128 d = static_cast<i128>(x) - start;
    return d % step == 0;
}

#define RANGE_SELF(mname)                                                          \
    Range* self = static_cast<Range*>(method_self(vm, a, vm.types.range, mname));  \
    if (self == nullptr) return Value::empty();

Value range_new_m(VM& vm, const Args& a) {
    if (kw_count(a) != 0) return vm.raise(vm.exc.TypeError, "range() takes no keyword arguments");
    uint32_t n = a.npos - 1;
    if (n == 0) return vm.raise(vm.exc.TypeError, "range expected at least 1 argument, got 0");
    if (n > 3) return vm.raise_format(vm.exc.TypeError, "range expected at most 3 arguments, got %u", n);
    Value start = Value::integer(0), stop, step = Value::integer(1);
    if (n == 1) {
        stop = index_value(vm, a[1]);
        if (stop.is_empty()) return stop;
    } else {
        start = index_value(vm, a[1]);
        if (start.is_empty()) return start;
        stop = index_value(vm, a[2]);
        if (stop.is_empty()) return stop;
        if (n == 3) {
            step = index_value(vm, a[3]);
            if (step.is_empty()) return step;
            if (int_sign(step) == 0) return vm.raise(vm.exc.ValueError, "range() arg 3 must not be zero");
        }
    }
    return Value::object(new_range(vm, start, stop, step));
}

Value range_len_m(VM& vm, const Args& a) {
    RANGE_SELF("__len__");
    if (!method_args(vm, a, "range.__len__", 0, 0)) return Value::empty();
    Value n = range_len_value(vm, self);
    if (!n.is_int())
        return vm.raise(vm.exc.OverflowError, "Python int too large to convert to C ssize_t");
    return n;
}

Value range_bool_m(VM& vm, const Args& a) {
    RANGE_SELF("__bool__");
    Value n = range_len_value(vm, self);
    return Value::boolean(!(n.is_int() && n.i == 0));
}

Value range_getitem_m(VM& vm, const Args& a) {
    RANGE_SELF("__getitem__");
    if (!method_args(vm, a, "range.__getitem__", 1, 1)) return Value::empty();
    Value key = a[1];
    Value lenv = range_len_value(vm, self);
    if (has_layout(key, Layout::Slice)) {
        if (!lenv.is_int())
            return vm.raise(vm.exc.OverflowError, "Python int too large to convert to C ssize_t");
        int64_t start, stop, step, len;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), lenv.i, &start, &stop, &step, &len)) return Value::empty();
        Value nstart = range_item(vm, self, Value::integer(start));
        Value nstop = range_item(vm, self, Value::integer(stop));
        Value nstep;
        if (self->step.is_int()) {
            i128 s = static_cast<i128>(self->step.i) * step;
            if (s >= INT64_MIN && s <= INT64_MAX) nstep = Value::integer(static_cast<int64_t>(s));
        }
        if (nstep.is_empty()) {
            mpz_t x, y;
            mpz_inits(x, y, nullptr);
            int_to_mpz(self->step, x);
            mpz_set_si(y, step);
            mpz_mul(x, x, y);
            nstep = int_from_mpz(vm, x);
            mpz_clears(x, y, nullptr);
        }
        return Value::object(new_range(vm, nstart, nstop, nstep));
    }
    if (!has_index(vm, key))
        return vm.raise_format(vm.exc.TypeError, "range indices must be integers or slices, not %s",
                               type_name(vm, key).c_str());
    Value i = index_value(vm, key);
    if (i.is_empty()) return i;
    if (i.is_int() && lenv.is_int()) {
        int64_t k = i.i;
        if (k < 0) k += lenv.i;
        if (k < 0 || k >= lenv.i) return vm.raise(vm.exc.IndexError, "range object index out of range");
        return range_item(vm, self, Value::integer(k));
    }
    mpz_t k, n;
    mpz_inits(k, n, nullptr);
    int_to_mpz(i, k);
    int_to_mpz(lenv, n);
    if (mpz_sgn(k) < 0) mpz_add(k, k, n);
    bool bad = mpz_sgn(k) < 0 || mpz_cmp(k, n) >= 0;
    Value kv = bad ? Value::empty() : int_from_mpz(vm, k);
    mpz_clears(k, n, nullptr);
    if (bad) return vm.raise(vm.exc.IndexError, "range object index out of range");
    return range_item(vm, self, kv);
}

bool is_plain_int(VM& vm, Value v) {
    return v.is_int() || v.is_bool() || is_exact(vm, v, vm.types.int_) || is_bigint(v);
}

Value range_contains_m(VM& vm, const Args& a) {
    RANGE_SELF("__contains__");
    if (!method_args(vm, a, "range.__contains__", 1, 1)) return Value::empty();
    Value x = a[1];
    if (x.is_bool()) x = Value::integer(x.b);
    int64_t s, e, st;
    if (x.is_int() && range_small(self, &s, &e, &st)) return Value::boolean(range_contains_small(s, e, st, x.i));
    if (x.is_int() || is_bigint(x)) return Value::boolean(range_has_int(self, x, nullptr));
    // Anything else: compare with each item, as a generic sequence search.
    Value it = new_range_iterator(vm, self);
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) return vm.has_pending() ? v : Value::boolean(false);
        int r = same_or_equal(vm, v, a[1]);
        if (r < 0) return Value::empty();
        if (r) return Value::boolean(true);
    }
}

Value range_index_m(VM& vm, const Args& a) {
    RANGE_SELF("index");
    if (!method_args(vm, a, "range.index", 1, 1)) return Value::empty();
    Value x = a[1];
    if (is_plain_int(vm, x)) {
        if (x.is_bool()) x = Value::integer(x.b);
        mpz_t idx;
        mpz_init(idx);
        bool in = range_has_int(self, x, &idx);
        Value r = in ? int_from_mpz(vm, idx) : Value::empty();
        mpz_clear(idx);
        if (in) return r;
        Str* rs = repr(vm, x);
        if (rs == nullptr) return Value::empty();
        return vm.raise_format(vm.exc.ValueError, "%s is not in range", rs->s.c_str());
    }
    Value it = new_range_iterator(vm, self);
    for (int64_t i = 0;; ++i) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) break;
        int r = same_or_equal(vm, v, x);
        if (r < 0) return Value::empty();
        if (r) return Value::integer(i);
    }
    if (vm.has_pending()) return Value::empty();
    return vm.raise(vm.exc.ValueError, "sequence.index(x): x not in sequence");
}

Value range_count_m(VM& vm, const Args& a) {
    RANGE_SELF("count");
    if (!method_args(vm, a, "range.count", 1, 1)) return Value::empty();
    Value x = a[1];
    if (is_plain_int(vm, x)) {
        if (x.is_bool()) x = Value::integer(x.b);
        return Value::integer(range_has_int(self, x, nullptr) ? 1 : 0);
    }
    Value it = new_range_iterator(vm, self);
    int64_t count = 0;
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) break;
        int r = same_or_equal(vm, v, x);
        if (r < 0) return Value::empty();
        count += r;
    }
    if (vm.has_pending()) return Value::empty();
    return Value::integer(count);
}

Value range_iter_m(VM& vm, const Args& a) {
    RANGE_SELF("__iter__");
    return new_range_iterator(vm, self);
}

Value range_reversed_m(VM& vm, const Args& a) {
    RANGE_SELF("__reversed__");
    // reversed(range(a, b, s)) == iter(range(last, first - s, -s)).
    Value lenv = range_len_value(vm, self);
    Value last;
    if (lenv.is_int() && lenv.i == 0) {
        last = self->start;
    } else if (lenv.is_int()) {
        last = range_item(vm, self, Value::integer(lenv.i - 1));
    } else {
        mpz_t n;
        mpz_init(n);
        int_to_mpz(lenv, n);
        mpz_sub_ui(n, n, 1);
        Value nm1 = int_from_mpz(vm, n);
        mpz_clear(n);
        last = range_item(vm, self, nm1);
    }
    mpz_t s, st;
    mpz_inits(s, st, nullptr);
    int_to_mpz(self->start, s);
    int_to_mpz(self->step, st);
    mpz_sub(s, s, st);
    mpz_neg(st, st);
    Value nstop = int_from_mpz(vm, s);
    Value nstep = int_from_mpz(vm, st);
    mpz_clears(s, st, nullptr);
    if (lenv.is_int() && lenv.i == 0) nstop = last;
    Range* rr = new_range(vm, last, nstop, nstep);
    return new_range_iterator(vm, rr);
}

// 1 equal, 0 not (CPython's range_equals: same sequence of values).
int range_equal(VM& vm, Range* x, Range* y) {
    if (x == y) return 1;
    Value lx = range_len_value(vm, x), ly = range_len_value(vm, y);
    if (!lx.identical(ly)) {
        if (lx.is_int() || ly.is_int()) return 0;
        mpz_t p, q;
        mpz_inits(p, q, nullptr);
        int_to_mpz(lx, p);
        int_to_mpz(ly, q);
        int c = mpz_cmp(p, q);
        mpz_clears(p, q, nullptr);
        if (c != 0) return 0;
    }
    if (lx.is_int() && lx.i == 0) return 1;
    auto same = [](Value p, Value q) {
        if (p.is_int() || q.is_int()) return p.identical(q);
        return mpz_cmp(static_cast<BigInt*>(p.o)->z, static_cast<BigInt*>(q.o)->z) == 0;
    };
    if (!same(x->start, y->start)) return 0;
    if (lx.is_int() && lx.i == 1) return 1;
    return same(x->step, y->step) ? 1 : 0;
}

Value range_eq_m(VM& vm, const Args& a) {
    RANGE_SELF("__eq__");
    if (!method_args(vm, a, "range.__eq__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Range)) return vm.not_implemented;
    return Value::boolean(range_equal(vm, self, static_cast<Range*>(a[1].o)) == 1);
}

Value range_ne_m(VM& vm, const Args& a) {
    RANGE_SELF("__ne__");
    if (!method_args(vm, a, "range.__ne__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Range)) return vm.not_implemented;
    return Value::boolean(range_equal(vm, self, static_cast<Range*>(a[1].o)) == 0);
}

Value range_hash_m(VM& vm, const Args& a) {
    RANGE_SELF("__hash__");
    Value lenv = range_len_value(vm, self);
    Value items[3] = {lenv, Value::none(), Value::none()};
    bool empty = lenv.is_int() && lenv.i == 0;
    if (!empty) {
        items[1] = self->start;
        if (!(lenv.is_int() && lenv.i == 1)) items[2] = self->step;
    }
    Tuple* t = new_tuple(vm, items, 3);
    uint64_t h;
    if (!tuple_hash(vm, t, &h)) return Value::empty();
    return Value::integer(static_cast<int64_t>(h));
}

Value range_repr_m(VM& vm, const Args& a) {
    RANGE_SELF("__repr__");
    std::string out = "range(";
    if (!append_repr(vm, out, self->start)) return Value::empty();
    out += ", ";
    if (!append_repr(vm, out, self->stop)) return Value::empty();
    if (!(self->step.is_int() && self->step.i == 1)) {
        out += ", ";
        if (!append_repr(vm, out, self->step)) return Value::empty();
    }
    out += ")";
    return str_result(vm, out);
}

Value range_start_g(VM& vm, const Args& a) { RANGE_SELF("start"); return self->start; }
Value range_stop_g(VM& vm, const Args& a) { RANGE_SELF("stop"); return self->stop; }
Value range_step_g(VM& vm, const Args& a) { RANGE_SELF("step"); return self->step; }

// ---- slice type ----

#define SLICE_SELF(mname)                                                          \
    Slice* self = static_cast<Slice*>(method_self(vm, a, vm.types.slice, mname));  \
    if (self == nullptr) return Value::empty();

Value slice_new_m(VM& vm, const Args& a) {
    if (kw_count(a) != 0) return vm.raise(vm.exc.TypeError, "slice() takes no keyword arguments");
    uint32_t n = a.npos - 1;
    if (n == 0) return vm.raise(vm.exc.TypeError, "slice expected at least 1 argument, got 0");
    if (n > 3) return vm.raise_format(vm.exc.TypeError, "slice expected at most 3 arguments, got %u", n);
    if (n == 1) return Value::object(new_slice(vm, Value::none(), a[1], Value::none()));
    return Value::object(new_slice(vm, a[1], a[2], n == 3 ? a[3] : Value::none()));
}

Value slice_indices_m(VM& vm, const Args& a) {
    SLICE_SELF("indices");
    if (!method_args(vm, a, "slice.indices", 1, 1)) return Value::empty();
    Value lenv = index_value(vm, a[1]);
    if (lenv.is_empty()) return lenv;
    if (int_sign(lenv) < 0) return vm.raise(vm.exc.ValueError, "length should not be negative");
    int64_t len = lenv.is_int() ? lenv.i : INT64_MAX;
    int64_t start, stop, step, slen;
    if (!slice_indices(vm, self, len, &start, &stop, &step, &slen)) return Value::empty();
    Value items[3] = {Value::integer(start), Value::integer(stop), Value::integer(step)};
    return Value::object(new_tuple(vm, items, 3));
}

Value slice_repr_m(VM& vm, const Args& a) {
    SLICE_SELF("__repr__");
    std::string out = "slice(";
    if (!append_repr(vm, out, self->start)) return Value::empty();
    out += ", ";
    if (!append_repr(vm, out, self->stop)) return Value::empty();
    out += ", ";
    if (!append_repr(vm, out, self->step)) return Value::empty();
    out += ")";
    return str_result(vm, out);
}

template <CompareKind op>
Value slice_cmp_m(VM& vm, const Args& a) {
    SLICE_SELF("__eq__");
    if (!method_args(vm, a, "slice.__eq__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Slice)) return vm.not_implemented;
    Slice* o = static_cast<Slice*>(a[1].o);
    std::vector<Value> x = {self->start, self->stop, self->step};
    std::vector<Value> y = {o->start, o->stop, o->step};
    return sequence_compare(vm, x, y, op);
}

Value slice_start_g(VM& vm, const Args& a) { SLICE_SELF("start"); return self->start; }
Value slice_stop_g(VM& vm, const Args& a) { SLICE_SELF("stop"); return self->stop; }
Value slice_step_g(VM& vm, const Args& a) { SLICE_SELF("step"); return self->step; }

}  // namespace

void detail::def_getter(VM& vm, Type* type, const char* name, NativeFn fn) {
    NativeFunction* f = new_native(vm, name, fn);
    Value prop = vm.types.property ? vm.call(Value::object(vm.types.property), {Value::object(f)}) : Value::empty();
    if (prop.is_empty()) {
        vm.take_pending();
        return;
    }
    dict_set_str(vm, type->dict, vm.intern(name), prop);
}

void detail::init_range_type(VM& vm) {
    Type* t = vm.types.range;
    t->flags &= ~kTypeBaseType;
    def_method(vm, t, "__new__", range_new_m);
    def_method(vm, t, "__len__", range_len_m);
    def_method(vm, t, "__bool__", range_bool_m);
    def_method(vm, t, "__getitem__", range_getitem_m);
    def_method(vm, t, "__contains__", range_contains_m);
    def_method(vm, t, "__iter__", range_iter_m);
    def_method(vm, t, "__reversed__", range_reversed_m);
    def_method(vm, t, "index", range_index_m);
    def_method(vm, t, "count", range_count_m);
    def_method(vm, t, "__eq__", range_eq_m);
    def_method(vm, t, "__ne__", range_ne_m);
    def_method(vm, t, "__hash__", range_hash_m);
    def_method(vm, t, "__repr__", range_repr_m);
    def_getter(vm, t, "start", range_start_g);
    def_getter(vm, t, "stop", range_stop_g);
    def_getter(vm, t, "step", range_step_g);

    Type* s = vm.types.slice;
    s->flags &= ~kTypeBaseType;
    def_method(vm, s, "__new__", slice_new_m);
    def_method(vm, s, "indices", slice_indices_m);
    def_method(vm, s, "__repr__", slice_repr_m);
    def_method(vm, s, "__eq__", slice_cmp_m<CompareKind::Eq>);
    def_method(vm, s, "__ne__", slice_cmp_m<CompareKind::Ne>);
    def_method(vm, s, "__lt__", slice_cmp_m<CompareKind::Lt>);
    def_method(vm, s, "__le__", slice_cmp_m<CompareKind::Le>);
    def_method(vm, s, "__gt__", slice_cmp_m<CompareKind::Gt>);
    def_method(vm, s, "__ge__", slice_cmp_m<CompareKind::Ge>);
    dict_set_str(vm, s->dict, vm.names.__hash__, Value::none());
    def_getter(vm, s, "start", slice_start_g);
    def_getter(vm, s, "stop", slice_stop_g);
    def_getter(vm, s, "step", slice_step_g);
}

}  // namespace asy::vm
