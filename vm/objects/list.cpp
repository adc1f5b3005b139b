// `list`: the C++ API (new_list, list_extend, list_sort, ...) and the list type's methods,
// including a stable natural merge sort that stops calling user code at the first error.
#include <algorithm>
#include <cstring>

#include "vm/objects/container_util.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/iterators.hpp"

namespace asy::vm {

using namespace detail;

List* new_list(VM& vm, size_t reserve) {
    List* l = vm.alloc<List>(vm.types.list);
    if (reserve) {
        l->items.reserve(reserve);
        vm.heap.account(static_cast<std::ptrdiff_t>(reserve * sizeof(Value)));
    }
    return l;
}

bool list_append(VM& vm, List* l, Value v) {
    size_t cap = l->items.capacity();
    l->items.push_back(v);
    if (l->items.capacity() != cap)
        vm.heap.account(static_cast<std::ptrdiff_t>((l->items.capacity() - cap) * sizeof(Value)));
    return true;
}

bool list_extend(VM& vm, List* l, Value iterable) {
    if (has_layout(iterable, Layout::List) || has_layout(iterable, Layout::Tuple)) {
        if (is_exact(vm, iterable, vm.types.list) || is_exact(vm, iterable, vm.types.tuple) ||
            iterable.o->type->layout == Layout::Tuple ||
            type_lookup(iterable.o->type, vm.names.__iter__).identical(type_lookup(vm.types.list, vm.names.__iter__))) {
            const std::vector<Value>& src = seq_items(iterable);
            size_t cap = l->items.capacity();
            if (static_cast<Obj*>(l) == iterable.o) {
                std::vector<Value> copy = src;
                l->items.insert(l->items.end(), copy.begin(), copy.end());
            } else {
                l->items.insert(l->items.end(), src.begin(), src.end());
            }
            vm.heap.account(static_cast<std::ptrdiff_t>((l->items.capacity() - cap) * sizeof(Value)));
            return true;
        }
    }
    Value it = get_iter(vm, iterable);
    if (it.is_empty()) return false;
    if (it.is_obj() && it.o->type == vm.iter_types[kRangeIter]) {
        auto* r = static_cast<RangeIterator*>(it.o);
        // Preallocate as CPython does from the length hint: a huge range is a MemoryError up front.
        uint64_t want = l->items.size() + static_cast<uint64_t>(r->remaining);
        if (!reserve_buffer(vm, want, sizeof(Value))) return false;
        l->items.reserve(static_cast<size_t>(want));
    }
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) return !vm.has_pending();
        list_append(vm, l, v);
    }
}

List* list_from_iterable(VM& vm, Value iterable) {
    List* l = new_list(vm);
    if (!list_extend(vm, l, iterable)) return nullptr;
    return l;
}

bool detail::repeat_count(VM& vm, Value n, int64_t* out) {
    if (n.is_int()) {
        *out = n.i;
        return true;
    }
    if (n.is_bool()) {
        *out = n.b;
        return true;
    }
    if (!is_int_like(vm, n) && (!n.is_obj() || type_lookup(n.o->type, vm.names.__index__).is_empty())) {
        vm.raise_format(vm.exc.TypeError, "can't multiply sequence by non-int of type '%s'", type_name(vm, n).c_str());
        return false;
    }
    if (!to_int64(vm, n, out)) {
        if (is_instance(vm, vm.pending, vm.exc.OverflowError)) {
            vm.take_pending();
            vm.raise(vm.exc.OverflowError, "cannot fit 'int' into an index-sized integer");
        }
        return false;
    }
    return true;
}

int detail::less_than(VM& vm, Value a, Value b) {
    if (a.tag == b.tag) {
        if (a.is_int()) return a.i < b.i;
        if (a.is_float()) return a.f < b.f;
        if (a.is_obj() && a.o->type == vm.types.str && b.o->type == vm.types.str)
            return static_cast<Str*>(a.o)->s < static_cast<Str*>(b.o)->s;
        // Exact tuples of small ints and exact strs (sort keys like `(x.qty, x.name)`): the
        // lexicographic comparison runs here without calls; any other item takes the slow path.
        if (a.is_obj() && a.o->type == vm.types.tuple && b.o->type == vm.types.tuple) {
            const auto& x = static_cast<Tuple*>(a.o)->items;
            const auto& y = static_cast<Tuple*>(b.o)->items;
            size_t n = std::min(x.size(), y.size()), i = 0;
            for (; i < n; ++i) {
                Value p = x[i], q = y[i];
                if (p.tag != q.tag) break;
                if (p.is_int()) {
                    if (p.i != q.i) return p.i < q.i;
                    continue;
                }
                if (p.is_obj() && p.o->type == vm.types.str && q.o->type == vm.types.str) {
                    int c = static_cast<Str*>(p.o)->s.compare(static_cast<Str*>(q.o)->s);
                    if (c != 0) return c < 0;
                    continue;
                }
                break;
            }
            if (i == n) return x.size() < y.size();
        }
    }
    return compare_bool(vm, CompareKind::Lt, a, b);
}

Value detail::sequence_compare(VM& vm, const std::vector<Value>& a, const std::vector<Value>& b,
                               CompareKind op) {
    if (a.size() != b.size() && (op == CompareKind::Eq || op == CompareKind::Ne))
        return Value::boolean(op == CompareKind::Ne);
    size_t i = 0;
    for (; i < a.size() && i < b.size(); ++i) {
        Value x = a[i], y = b[i];
        if (x.is_obj()) vm.heap.pin(x.o);
        if (y.is_obj()) vm.heap.pin(y.o);
        int r = same_or_equal(vm, x, y);
        if (r < 0) return Value::empty();
        if (r == 0) break;
    }
    if (i >= a.size() || i >= b.size()) {
        size_t la = a.size(), lb = b.size();
        bool r = false;
        switch (op) {
        case CompareKind::Lt: r = la < lb; break;
        case CompareKind::Le: r = la <= lb; break;
        case CompareKind::Eq: r = la == lb; break;
        case CompareKind::Ne: r = la != lb; break;
        case CompareKind::Gt: r = la > lb; break;
        case CompareKind::Ge: r = la >= lb; break;
        }
        return Value::boolean(r);
    }
    if (op == CompareKind::Eq) return Value::boolean(false);
    if (op == CompareKind::Ne) return Value::boolean(true);
    return compare(vm, op, a[i], b[i]);
}

bool detail::bound_index(VM& vm, Value v, int64_t len, int64_t* out) {
    int64_t x;
    if (v.is_int()) {
        x = v.i;
    } else if (is_int_like(vm, v) || (v.is_obj() && !type_lookup(v.o->type, vm.names.__index__).is_empty())) {
        if (!to_int64(vm, v, &x)) {
            if (!is_instance(vm, vm.pending, vm.exc.OverflowError)) return false;
            vm.take_pending();
            x = is_bigint(v) && mpz_sgn(static_cast<BigInt*>(v.o)->z) < 0 ? INT64_MIN : INT64_MAX;
        }
    } else {
        vm.raise(vm.exc.TypeError, "slice indices must be integers or have an __index__ method");
        return false;
    }
    if (x < 0) {
        x += len;
        if (x < 0) x = 0;
    } else if (x > len) {
        x = len;
    }
    *out = x;
    return true;
}

int list_equal(VM& vm, List* a, List* b) {
    Value r = sequence_compare(vm, a->items, b->items, CompareKind::Eq);
    if (r.is_empty()) return -1;
    return truthy(vm, r);
}

// ---- sorting -------------------------------------------------------------------------------

namespace {

// Stable natural merge sort of the elements themselves (values, or key/value pairs when there
// is a key function): moving 16/32-byte elements keeps the passes sequential in memory, where
// sorting a permutation of indexes made every comparison a random access. Comparisons go
// through less_than; after the first error every comparison answers "not less" without calling
// anything, so the result is still a permutation and the sort finishes quickly. The elements
// being sorted are copies: the objects stay rooted by the caller's lists while user code runs.
template <class E>
class Sorter {
public:
    explicit Sorter(VM& vm) : vm_(vm) {}

    bool sort(std::vector<E>& v) {
        size_t n = v.size();
        if (n < 2) return true;
        std::vector<std::pair<size_t, size_t>> runs;
        constexpr size_t kMinRun = 32;
        size_t i = 0;
        while (i < n) {
            size_t j = i + 1;
            if (j < n && lt(v[j], v[j - 1])) {
                while (j < n && lt(v[j], v[j - 1])) ++j;   // strictly descending
                std::reverse(v.begin() + i, v.begin() + j);
            } else {
                while (j < n && !lt(v[j], v[j - 1])) ++j;
            }
            size_t end = std::min(n, std::max(j, i + kMinRun));
            for (size_t k = j; k < end; ++k) insert(v, i, k);
            runs.push_back({i, end});
            i = end;
        }
        std::vector<E> tmp;
        while (runs.size() > 1) {
            std::vector<std::pair<size_t, size_t>> merged;
            for (size_t r = 0; r + 1 < runs.size(); r += 2) {
                merge(v, tmp, runs[r].first, runs[r].second, runs[r + 1].second);
                merged.push_back({runs[r].first, runs[r + 1].second});
            }
            if (runs.size() % 2) merged.push_back(runs.back());
            runs.swap(merged);
        }
        return !failed_;
    }

private:
    VM& vm_;
    bool failed_ = false;

    static Value key(const Value& e) { return e; }
    static Value key(const std::pair<Value, Value>& e) { return e.first; }

    bool lt(const E& a, const E& b) {
        if (failed_) return false;
        Value x = key(a), y = key(b);
        if (x.tag == y.tag) {   // the common homogeneous cases, without the call
            if (x.is_int()) return x.i < y.i;
            if (x.is_float()) return x.f < y.f;
        }
        // Whatever a user __lt__ pinned is garbage once its answer is known.
        TempRootScope scope(vm_.heap);
        int r = less_than(vm_, x, y);
        if (r < 0) {
            failed_ = true;
            return false;
        }
        return r == 1;
    }
    // Binary insertion of v[k] into the sorted v[lo, k).
    void insert(std::vector<E>& v, size_t lo, size_t k) {
        E pivot = v[k];
        size_t l = lo, h = k;
        while (l < h) {
            size_t mid = l + (h - l) / 2;
            if (lt(pivot, v[mid])) h = mid;
            else l = mid + 1;
        }
        for (size_t m = k; m > l; --m) v[m] = v[m - 1];
        v[l] = pivot;
    }
    void merge(std::vector<E>& v, std::vector<E>& tmp, size_t lo, size_t mid, size_t hi) {
        if (!lt(v[mid], v[mid - 1])) return;   // already in order
        tmp.assign(v.begin() + lo, v.begin() + mid);
        size_t a = 0, b = mid, out = lo;
        while (a < tmp.size() && b < hi) {
            if (lt(v[b], tmp[a])) v[out++] = v[b++];
            else v[out++] = tmp[a++];
        }
        while (a < tmp.size()) v[out++] = tmp[a++];
    }
};

}  // namespace

bool list_sort(VM& vm, List* l, Value key, bool reverse) {
    // The items move to a pinned holder while user code (keys, __lt__) runs; the list stays
    // empty so changes to it can be detected, as CPython does.
    List* hold = new_list(vm);
    hold->items.swap(l->items);
    std::vector<Value>& items = hold->items;
    if (reverse) std::reverse(items.begin(), items.end());
    List* keys = nullptr;
    bool ok = true;
    if (!key.is_empty() && !key.is_none()) {
        keys = new_list(vm, items.size());
        for (size_t i = 0; i < items.size(); ++i) {
            Value k = vm.call(key, {items[i]});
            if (k.is_empty()) {
                ok = false;
                break;
            }
            keys->items.push_back(k);
        }
    }
    if (ok && items.size() > 1) {
        // `hold` (and `keys`) keep every object rooted while the copies are sorted.
        if (keys != nullptr) {
            std::vector<std::pair<Value, Value>> work(items.size());
            for (size_t i = 0; i < items.size(); ++i) work[i] = {keys->items[i], items[i]};
            ok = Sorter<std::pair<Value, Value>>(vm).sort(work);
            for (size_t i = 0; i < items.size(); ++i) items[i] = work[i].second;
        } else {
            std::vector<Value> work(items);
            ok = Sorter<Value>(vm).sort(work);
            items.swap(work);
        }
    }
    if (reverse) std::reverse(items.begin(), items.end());
    bool modified = !l->items.empty();
    l->items.swap(hold->items);
    if (ok && modified) {
        vm.raise(vm.exc.ValueError, "list modified during sort");
        return false;
    }
    return ok;
}

// ---- methods -------------------------------------------------------------------------------

namespace {

#define LIST_SELF(mname)                                                          \
    List* self = static_cast<List*>(method_self(vm, a, vm.types.list, mname));    \
    if (self == nullptr) return Value::empty();

Value list_new_m(VM& vm, const Args& a) {
    if (a.npos == 0 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type)
        return vm.raise(vm.exc.TypeError, "list.__new__(X): X is not a type object");
    Type* cls = static_cast<Type*>(a[0].o);
    Obj* o = cls->alloc_instance ? cls->alloc_instance(vm, cls) : vm.alloc<List>(cls);
    return Value::object(o);
}

Value list_init_m(VM& vm, const Args& a) {
    LIST_SELF("__init__");
    if (kw_count(a) != 0) return vm.raise(vm.exc.TypeError, "list() takes no keyword arguments");
    if (a.npos > 2) return vm.raise_format(vm.exc.TypeError, "list expected at most 1 argument, got %u", a.npos - 1);
    self->items.clear();
    if (a.npos == 2 && !list_extend(vm, self, a[1])) return Value::empty();
    return Value::none();
}

Value list_append_m(VM& vm, const Args& a) {
    LIST_SELF("append");
    if (!method_args(vm, a, "list.append", 1, 1)) return Value::empty();
    list_append(vm, self, a[1]);
    return Value::none();
}

Value list_extend_m(VM& vm, const Args& a) {
    LIST_SELF("extend");
    if (!method_args(vm, a, "list.extend", 1, 1)) return Value::empty();
    if (!list_extend(vm, self, a[1])) return Value::empty();
    return Value::none();
}

// An index argument of insert/pop: int-like or __index__.
bool index_arg(VM& vm, Value v, int64_t* out) {
    if (v.is_int()) {
        *out = v.i;
        return true;
    }
    if (!is_int_like(vm, v) && (!v.is_obj() || type_lookup(v.o->type, vm.names.__index__).is_empty())) {
        vm.raise_format(vm.exc.TypeError, "'%s' object cannot be interpreted as an integer", type_name(vm, v).c_str());
        return false;
    }
    if (!to_int64(vm, v, out)) {
        if (!is_instance(vm, vm.pending, vm.exc.OverflowError)) return false;
        vm.take_pending();
        *out = is_bigint(v) && mpz_sgn(static_cast<BigInt*>(v.o)->z) < 0 ? INT64_MIN : INT64_MAX;
    }
    return true;
}

Value list_insert_m(VM& vm, const Args& a) {
    LIST_SELF("insert");
    if (!method_args(vm, a, "list.insert", 2, 2)) return Value::empty();
    int64_t i;
    if (!index_arg(vm, a[1], &i)) return Value::empty();
    int64_t n = static_cast<int64_t>(self->items.size());
    if (i < 0) {
        i += n;
        if (i < 0) i = 0;
    } else if (i > n) {
        i = n;
    }
    self->items.insert(self->items.begin() + i, a[2]);
    return Value::none();
}

// Position of x in items[start, stop) by ==, -1 when absent, -2 on error.
int64_t find_item(VM& vm, List* self, Value x, int64_t start, int64_t stop) {
    for (int64_t i = start; i < stop && i < static_cast<int64_t>(self->items.size()); ++i) {
        Value y = self->items[i];
        if (y.is_obj()) vm.heap.pin(y.o);
        int r = same_or_equal(vm, y, x);
        if (r < 0) return -2;
        if (r > 0) return i;
    }
    return -1;
}

Value list_remove_m(VM& vm, const Args& a) {
    LIST_SELF("remove");
    if (!method_args(vm, a, "list.remove", 1, 1)) return Value::empty();
    int64_t i = find_item(vm, self, a[1], 0, INT64_MAX);
    if (i == -2) return Value::empty();
    if (i == -1) return vm.raise(vm.exc.ValueError, "list.remove(x): x not in list");
    self->items.erase(self->items.begin() + i);
    return Value::none();
}

Value list_pop_m(VM& vm, const Args& a) {
    LIST_SELF("pop");
    if (!method_args(vm, a, "list.pop", 0, 1)) return Value::empty();
    int64_t i = -1;
    if (a.npos == 2 && !index_arg(vm, a[1], &i)) return Value::empty();
    int64_t n = static_cast<int64_t>(self->items.size());
    if (n == 0) return vm.raise(vm.exc.IndexError, "pop from empty list");
    if (i < 0) i += n;
    if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "pop index out of range");
    Value v = self->items[i];
    self->items.erase(self->items.begin() + i);
    return v;
}

Value list_index_m(VM& vm, const Args& a) {
    LIST_SELF("index");
    if (!method_args(vm, a, "list.index", 1, 3)) return Value::empty();
    int64_t n = static_cast<int64_t>(self->items.size());
    int64_t start = 0, stop = n;
    if (a.npos >= 3 && !bound_index(vm, a[2], n, &start)) return Value::empty();
    if (a.npos >= 4 && !bound_index(vm, a[3], n, &stop)) return Value::empty();
    int64_t i = find_item(vm, self, a[1], start, stop);
    if (i == -2) return Value::empty();
    if (i == -1) {
        Str* r = repr(vm, a[1]);
        if (r == nullptr) return Value::empty();
        return vm.raise_format(vm.exc.ValueError, "%s is not in list", r->s.c_str());
    }
    return Value::integer(i);
}

Value list_count_m(VM& vm, const Args& a) {
    LIST_SELF("count");
    if (!method_args(vm, a, "list.count", 1, 1)) return Value::empty();
    int64_t count = 0;
    for (size_t i = 0; i < self->items.size(); ++i) {
        Value y = self->items[i];
        if (y.is_obj()) vm.heap.pin(y.o);
        int r = same_or_equal(vm, y, a[1]);
        if (r < 0) return Value::empty();
        count += r;
    }
    return Value::integer(count);
}

Value list_clear_m(VM& vm, const Args& a) {
    LIST_SELF("clear");
    if (!method_args(vm, a, "list.clear", 0, 0)) return Value::empty();
    self->items.clear();
    return Value::none();
}

Value list_copy_m(VM& vm, const Args& a) {
    LIST_SELF("copy");
    if (!method_args(vm, a, "list.copy", 0, 0)) return Value::empty();
    List* r = new_list(vm, self->items.size());
    r->items = self->items;
    return Value::object(r);
}

Value list_reverse_m(VM& vm, const Args& a) {
    LIST_SELF("reverse");
    if (!method_args(vm, a, "list.reverse", 0, 0)) return Value::empty();
    std::reverse(self->items.begin(), self->items.end());
    return Value::none();
}

Value list_sort_m(VM& vm, const Args& a) {
    LIST_SELF("sort");
    if (a.npos > 1) return vm.raise(vm.exc.TypeError, "sort() takes no positional arguments");
    Value key = Value::none(), rev = Value::boolean(false);
    for (uint32_t i = 0; i < kw_count(a); ++i) {
        std::string_view name = kw_name(a, i);
        if (name == "key") key = a.kwvalues[i];
        else if (name == "reverse") rev = a.kwvalues[i];
        else
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for sort()",
                                   static_cast<int>(name.size()), name.data());
    }
    int64_t r;
    if (rev.is_bool()) r = rev.b;
    else if (!index_arg(vm, rev, &r)) return Value::empty();
    if (!list_sort(vm, self, key, r != 0)) return Value::empty();
    return Value::none();
}

Value list_getitem_m(VM& vm, const Args& a) {
    LIST_SELF("__getitem__");
    if (!method_args(vm, a, "list.__getitem__", 1, 1)) return Value::empty();
    Value key = a[1];
    int64_t n = static_cast<int64_t>(self->items.size());
    if (has_layout(key, Layout::Slice)) {
        int64_t start, stop, step, len;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), n, &start, &stop, &step, &len)) return Value::empty();
        List* r = new_list(vm, static_cast<size_t>(len));
        for (int64_t i = 0, j = start; i < len; ++i, j += step) r->items.push_back(self->items[j]);
        return Value::object(r);
    }
    int64_t i;
    if (!seq_index(vm, key, "list", &i)) return Value::empty();
    if (i < 0) i += n;
    if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "list index out of range");
    return self->items[i];
}

// The items of an iterable being assigned to a slice, copied (the source may be the list).
bool assigned_items(VM& vm, Value v, std::vector<Value>* out, List** holder) {
    if (has_layout(v, Layout::List) || has_layout(v, Layout::Tuple)) {
        *out = seq_items(v);
        return true;
    }
    Value it = get_iter(vm, v);
    if (it.is_empty()) {
        if (is_instance(vm, vm.pending, vm.exc.TypeError)) {
            vm.take_pending();
            vm.raise(vm.exc.TypeError, "can only assign an iterable");
        }
        return false;
    }
    List* l = list_from_iterable(vm, it);
    if (l == nullptr) return false;
    *holder = l;   // pinned: allocated here
    *out = l->items;
    return true;
}

Value list_setitem_m(VM& vm, const Args& a) {
    LIST_SELF("__setitem__");
    if (!method_args(vm, a, "list.__setitem__", 2, 2)) return Value::empty();
    Value key = a[1];
    if (has_layout(key, Layout::Slice)) {
        std::vector<Value> src;
        List* holder = nullptr;
        if (!assigned_items(vm, a[2], &src, &holder)) return Value::empty();
        int64_t n = static_cast<int64_t>(self->items.size());
        int64_t start, stop, step, len;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), n, &start, &stop, &step, &len)) return Value::empty();
        n = static_cast<int64_t>(self->items.size());
        if (step == 1) {
            if (stop < start) stop = start;
            if (start > n) start = n;
            if (stop > n) stop = n;
            self->items.erase(self->items.begin() + start, self->items.begin() + stop);
            self->items.insert(self->items.begin() + start, src.begin(), src.end());
            return Value::none();
        }
        if (static_cast<int64_t>(src.size()) != len)
            return vm.raise_format(vm.exc.ValueError,
                                   "attempt to assign sequence of size %zu to extended slice of size %lld",
                                   src.size(), static_cast<long long>(len));
        for (int64_t i = 0, j = start; i < len; ++i, j += step)
            if (j >= 0 && j < static_cast<int64_t>(self->items.size())) self->items[j] = src[i];
        return Value::none();
    }
    int64_t i;
    if (!seq_index(vm, key, "list", &i)) return Value::empty();
    int64_t n = static_cast<int64_t>(self->items.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "list assignment index out of range");
    self->items[i] = a[2];
    return Value::none();
}

Value list_delitem_m(VM& vm, const Args& a) {
    LIST_SELF("__delitem__");
    if (!method_args(vm, a, "list.__delitem__", 1, 1)) return Value::empty();
    Value key = a[1];
    int64_t n = static_cast<int64_t>(self->items.size());
    if (has_layout(key, Layout::Slice)) {
        int64_t start, stop, step, len;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), n, &start, &stop, &step, &len)) return Value::empty();
        if (len <= 0) return Value::none();
        if (step < 0) {
            start = start + step * (len - 1);
            step = -step;
        }
        std::vector<Value>& items = self->items;
        if (step == 1) {
            items.erase(items.begin() + start, items.begin() + start + len);
            return Value::none();
        }
        size_t out = static_cast<size_t>(start);
        int64_t next_del = start, deleted = 0;
        for (size_t i = static_cast<size_t>(start); i < items.size(); ++i) {
            if (deleted < len && static_cast<int64_t>(i) == next_del) {
                ++deleted;
                next_del += step;
                continue;
            }
            items[out++] = items[i];
        }
        items.resize(out);
        return Value::none();
    }
    int64_t i;
    if (!seq_index(vm, key, "list", &i)) return Value::empty();
    if (i < 0) i += n;
    if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "list assignment index out of range");
    self->items.erase(self->items.begin() + i);
    return Value::none();
}

Value list_add_m(VM& vm, const Args& a) {
    LIST_SELF("__add__");
    if (!method_args(vm, a, "list.__add__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::List) && reflected_first(vm, a[1], "__radd__")) return vm.not_implemented;
    if (!has_layout(a[1], Layout::List))
        return vm.raise_format(vm.exc.TypeError, "can only concatenate list (not \"%s\") to list",
                               type_name(vm, a[1]).c_str());
    const std::vector<Value>& b = static_cast<List*>(a[1].o)->items;
    List* r = new_list(vm, self->items.size() + b.size());
    r->items.insert(r->items.end(), self->items.begin(), self->items.end());
    r->items.insert(r->items.end(), b.begin(), b.end());
    return Value::object(r);
}

Value list_iadd_m(VM& vm, const Args& a) {
    LIST_SELF("__iadd__");
    if (!method_args(vm, a, "list.__iadd__", 1, 1)) return Value::empty();
    // CPython tries other.__radd__ before the in-place sequence concat.
    if (!has_layout(a[1], Layout::List) && reflected_first(vm, a[1], "__radd__")) return vm.not_implemented;
    if (!list_extend(vm, self, a[1])) return Value::empty();
    return a[0];
}

bool repeat_into(VM& vm, std::vector<Value>& out, const std::vector<Value>& src, int64_t n) {
    if (n <= 0 || src.empty()) return true;
    if (!reserve_buffer(vm, static_cast<uint64_t>(n), src.size() * sizeof(Value))) return false;
    std::vector<Value> copy = src;
    out.reserve(out.size() + copy.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out.insert(out.end(), copy.begin(), copy.end());
    return true;
}

template <bool Reflected> Value list_mul_m(VM& vm, const Args& a) {
    LIST_SELF(Reflected ? "__rmul__" : "__mul__");
    if (!method_args(vm, a, Reflected ? "list.__rmul__" : "list.__mul__", 1, 1)) return Value::empty();
    if (!Reflected && reflected_first(vm, a[1], "__rmul__")) return vm.not_implemented;
    int64_t n;
    if (!repeat_count(vm, a[1], &n)) return Value::empty();
    List* r = new_list(vm);
    if (!repeat_into(vm, r->items, self->items, n)) return Value::empty();
    return Value::object(r);
}

Value list_imul_m(VM& vm, const Args& a) {
    LIST_SELF("__imul__");
    if (!method_args(vm, a, "list.__imul__", 1, 1)) return Value::empty();
    int64_t n;
    if (!repeat_count(vm, a[1], &n)) return Value::empty();
    if (n <= 0) {
        self->items.clear();
        return a[0];
    }
    std::vector<Value> out;
    if (!repeat_into(vm, out, self->items, n)) return Value::empty();
    self->items.swap(out);
    return a[0];
}

Value list_contains_m(VM& vm, const Args& a) {
    LIST_SELF("__contains__");
    if (!method_args(vm, a, "list.__contains__", 1, 1)) return Value::empty();
    int64_t i = find_item(vm, self, a[1], 0, INT64_MAX);
    if (i == -2) return Value::empty();
    return Value::boolean(i >= 0);
}

Value list_len_m(VM& vm, const Args& a) {
    LIST_SELF("__len__");
    if (!method_args(vm, a, "list.__len__", 0, 0)) return Value::empty();
    return Value::integer(static_cast<int64_t>(self->items.size()));
}

Value list_iter_m(VM& vm, const Args& a) {
    LIST_SELF("__iter__");
    if (!method_args(vm, a, "list.__iter__", 0, 0)) return Value::empty();
    return new_list_iterator(vm, self);
}

Value list_reversed_m(VM& vm, const Args& a) {
    LIST_SELF("__reversed__");
    if (!method_args(vm, a, "list.__reversed__", 0, 0)) return Value::empty();
    auto* it = vm.alloc<ListRevIterator>(vm.iter_types[kListRevIter]);
    it->list = self;
    it->index = static_cast<int64_t>(self->items.size()) - 1;
    return Value::object(it);
}

template <CompareKind op>
Value list_cmp_m(VM& vm, const Args& a) {
    LIST_SELF("__eq__");
    if (!method_args(vm, a, "list.__eq__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::List)) return vm.not_implemented;
    return sequence_compare(vm, self->items, static_cast<List*>(a[1].o)->items, op);
}

Value list_repr_m(VM& vm, const Args& a) {
    LIST_SELF("__repr__");
    if (!method_args(vm, a, "list.__repr__", 0, 0)) return Value::empty();
    if (self->items.empty()) return str_result(vm, "[]");
    ReprGuard guard(vm, self);
    if (!guard.active) return str_result(vm, "[...]");
    std::string out = "[";
    for (size_t i = 0; i < self->items.size(); ++i) {
        if (i) out += ", ";
        Value v = self->items[i];
        if (v.is_obj()) vm.heap.pin(v.o);
        if (!append_repr(vm, out, v)) return Value::empty();
    }
    out += "]";
    return str_result(vm, out);
}

Value list_sizeof_m(VM& vm, const Args& a) {
    LIST_SELF("__sizeof__");
    return Value::integer(static_cast<int64_t>(40 + self->items.capacity() * 8));
}

}  // namespace

void detail::init_list_type(VM& vm) {
    Type* t = vm.types.list;
    t->alloc_instance = [](VM& vm, Type* type) -> Obj* { return vm.alloc<List>(type); };
    def_method(vm, t, "__new__", list_new_m);
    def_method(vm, t, "__init__", list_init_m);
    def_method(vm, t, "append", list_append_m);
    def_method(vm, t, "extend", list_extend_m);
    def_method(vm, t, "insert", list_insert_m);
    def_method(vm, t, "remove", list_remove_m);
    def_method(vm, t, "pop", list_pop_m);
    def_method(vm, t, "index", list_index_m);
    def_method(vm, t, "count", list_count_m);
    def_method(vm, t, "clear", list_clear_m);
    def_method(vm, t, "copy", list_copy_m);
    def_method(vm, t, "reverse", list_reverse_m);
    def_method(vm, t, "sort", list_sort_m);
    def_method(vm, t, "__getitem__", list_getitem_m);
    def_method(vm, t, "__setitem__", list_setitem_m);
    def_method(vm, t, "__delitem__", list_delitem_m);
    def_method(vm, t, "__add__", list_add_m);
    def_method(vm, t, "__iadd__", list_iadd_m);
    def_method(vm, t, "__mul__", list_mul_m<false>);
    def_method(vm, t, "__rmul__", list_mul_m<true>);
    def_method(vm, t, "__imul__", list_imul_m);
    def_method(vm, t, "__contains__", list_contains_m);
    def_method(vm, t, "__len__", list_len_m);
    def_method(vm, t, "__iter__", list_iter_m);
    def_method(vm, t, "__reversed__", list_reversed_m);
    def_method(vm, t, "__eq__", list_cmp_m<CompareKind::Eq>);
    def_method(vm, t, "__ne__", list_cmp_m<CompareKind::Ne>);
    def_method(vm, t, "__lt__", list_cmp_m<CompareKind::Lt>);
    def_method(vm, t, "__le__", list_cmp_m<CompareKind::Le>);
    def_method(vm, t, "__gt__", list_cmp_m<CompareKind::Gt>);
    def_method(vm, t, "__ge__", list_cmp_m<CompareKind::Ge>);
    def_method(vm, t, "__repr__", list_repr_m);
    def_method(vm, t, "__sizeof__", list_sizeof_m);
    dict_set_str(vm, t->dict, vm.names.__hash__, Value::none());
}

}  // namespace asy::vm
