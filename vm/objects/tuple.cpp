// `tuple`: construction, CPython 3.11's xxHash-based tuple hash, and the tuple type's methods.
#include "vm/objects/container_util.hpp"
#include "vm/objects/iterators.hpp"

namespace asy::vm {

using namespace detail;

Tuple* new_tuple(VM& vm, size_t n) {
    Tuple* t = vm.alloc<Tuple>(vm.types.tuple);
    t->items.assign(n, Value::none());
    if (n) vm.heap.account(static_cast<std::ptrdiff_t>(n * sizeof(Value)));
    return t;
}

Tuple* new_tuple(VM& vm, const Value* items, size_t n) {
    Tuple* t = vm.alloc<Tuple>(vm.types.tuple);
    t->items.assign(items, items + n);
    if (n) vm.heap.account(static_cast<std::ptrdiff_t>(n * sizeof(Value)));
    return t;
}

Tuple* tuple_from_iterable(VM& vm, Value iterable) {
    if (is_exact(vm, iterable, vm.types.tuple)) return static_cast<Tuple*>(iterable.o);
    if (has_layout(iterable, Layout::List) || has_layout(iterable, Layout::Tuple)) {
        const std::vector<Value>& src = seq_items(iterable);
        return new_tuple(vm, src.data(), src.size());
    }
    List* l = list_from_iterable(vm, iterable);
    if (l == nullptr) return nullptr;
    Tuple* t = vm.alloc<Tuple>(vm.types.tuple);
    t->items.swap(l->items);
    return t;
}

bool tuple_hash(VM& vm, Tuple* t, uint64_t* out) {
    if (t->hashed) {
        *out = t->hash;
        return true;
    }
    constexpr uint64_t kPrime1 = 11400714785074694791ULL;
    constexpr uint64_t kPrime2 = 14029467366897019727ULL;
    constexpr uint64_t kPrime5 = 2870177450012600261ULL;
    uint64_t acc = kPrime5;
    for (const Value& v : t->items) {
        uint64_t lane;
        if (!hash_value(vm, v, &lane)) return false;
        acc += lane * kPrime2;
        acc = (acc << 31) | (acc >> 33);
        acc *= kPrime1;
    }
    acc += t->items.size() ^ (kPrime5 ^ 3527539ULL);
    if (acc == ~uint64_t(0)) acc = 1546275796;
    t->hash = acc;
    t->hashed = true;
    *out = acc;
    return true;
}

int tuple_equal(VM& vm, Tuple* a, Tuple* b) {
    Value r = sequence_compare(vm, a->items, b->items, CompareKind::Eq);
    if (r.is_empty()) return -1;
    return truthy(vm, r);
}

namespace {

#define TUPLE_SELF(mname)                                                          \
    Tuple* self = static_cast<Tuple*>(method_self(vm, a, vm.types.tuple, mname));  \
    if (self == nullptr) return Value::empty();

Value tuple_new_m(VM& vm, const Args& a) {
    if (a.npos == 0 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type)
        return vm.raise(vm.exc.TypeError, "tuple.__new__(X): X is not a type object");
    Type* cls = static_cast<Type*>(a[0].o);
    if (kw_count(a) != 0 && cls == vm.types.tuple)
        return vm.raise(vm.exc.TypeError, "tuple() takes no keyword arguments");
    if (a.npos > 2) return vm.raise_format(vm.exc.TypeError, "tuple expected at most 1 argument, got %u", a.npos - 1);
    if (cls == vm.types.tuple) {
        if (a.npos == 1) return Value::object(new_tuple(vm, 0));
        Tuple* t = tuple_from_iterable(vm, a[1]);
        return t ? Value::object(t) : Value::empty();
    }
    Tuple* t = static_cast<Tuple*>(cls->alloc_instance ? cls->alloc_instance(vm, cls) : vm.alloc<Tuple>(cls));
    if (a.npos == 2) {
        Tuple* src = tuple_from_iterable(vm, a[1]);
        if (src == nullptr) return Value::empty();
        t->items = src->items;
    }
    return Value::object(t);
}

// tuple has no __init__ of its own in CPython; this accepts what __new__ accepted.
Value tuple_init_m(VM& vm, const Args& a) { return Value::none(); }

Value tuple_index_m(VM& vm, const Args& a) {
    TUPLE_SELF("index");
    if (!method_args(vm, a, "tuple.index", 1, 3)) return Value::empty();
    int64_t n = static_cast<int64_t>(self->items.size());
    int64_t start = 0, stop = n;
    if (a.npos >= 3 && !bound_index(vm, a[2], n, &start)) return Value::empty();
    if (a.npos >= 4 && !bound_index(vm, a[3], n, &stop)) return Value::empty();
    for (int64_t i = start; i < stop; ++i) {
        int r = same_or_equal(vm, self->items[i], a[1]);
        if (r < 0) return Value::empty();
        if (r > 0) return Value::integer(i);
    }
    return vm.raise(vm.exc.ValueError, "tuple.index(x): x not in tuple");
}

Value tuple_count_m(VM& vm, const Args& a) {
    TUPLE_SELF("count");
    if (!method_args(vm, a, "tuple.count", 1, 1)) return Value::empty();
    int64_t count = 0;
    for (const Value& v : self->items) {
        int r = same_or_equal(vm, v, a[1]);
        if (r < 0) return Value::empty();
        count += r;
    }
    return Value::integer(count);
}

Value tuple_getitem_m(VM& vm, const Args& a) {
    TUPLE_SELF("__getitem__");
    if (!method_args(vm, a, "tuple.__getitem__", 1, 1)) return Value::empty();
    Value key = a[1];
    int64_t n = static_cast<int64_t>(self->items.size());
    if (has_layout(key, Layout::Slice)) {
        int64_t start, stop, step, len;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), n, &start, &stop, &step, &len)) return Value::empty();
        if (step == 1 && len == n && self->type == vm.types.tuple) return a[0];
        Tuple* r = vm.alloc<Tuple>(vm.types.tuple);
        r->items.reserve(static_cast<size_t>(len));
        for (int64_t i = 0, j = start; i < len; ++i, j += step) r->items.push_back(self->items[j]);
        return Value::object(r);
    }
    int64_t i;
    if (!seq_index(vm, key, "tuple", &i)) return Value::empty();
    if (i < 0) i += n;
    if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "tuple index out of range");
    return self->items[i];
}

Value tuple_add_m(VM& vm, const Args& a) {
    TUPLE_SELF("__add__");
    if (!method_args(vm, a, "tuple.__add__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Tuple) && reflected_first(vm, a[1], "__radd__")) return vm.not_implemented;
    if (!has_layout(a[1], Layout::Tuple))
        return vm.raise_format(vm.exc.TypeError, "can only concatenate tuple (not \"%s\") to tuple",
                               type_name(vm, a[1]).c_str());
    const std::vector<Value>& b = static_cast<Tuple*>(a[1].o)->items;
    Tuple* r = vm.alloc<Tuple>(vm.types.tuple);
    r->items.reserve(self->items.size() + b.size());
    r->items.insert(r->items.end(), self->items.begin(), self->items.end());
    r->items.insert(r->items.end(), b.begin(), b.end());
    return Value::object(r);
}

template <bool Reflected> Value tuple_mul_m(VM& vm, const Args& a) {
    TUPLE_SELF(Reflected ? "__rmul__" : "__mul__");
    if (!method_args(vm, a, Reflected ? "tuple.__rmul__" : "tuple.__mul__", 1, 1)) return Value::empty();
    if (!Reflected && reflected_first(vm, a[1], "__rmul__")) return vm.not_implemented;
    int64_t n;
    if (!repeat_count(vm, a[1], &n)) return Value::empty();
    if (n == 1 && self->type == vm.types.tuple) return a[0];
    Tuple* r = vm.alloc<Tuple>(vm.types.tuple);
    if (n <= 0 || self->items.empty()) return Value::object(r);
    if (!reserve_buffer(vm, static_cast<uint64_t>(n), self->items.size() * sizeof(Value))) return Value::empty();
    r->items.reserve(self->items.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) r->items.insert(r->items.end(), self->items.begin(), self->items.end());
    return Value::object(r);
}

Value tuple_contains_m(VM& vm, const Args& a) {
    TUPLE_SELF("__contains__");
    if (!method_args(vm, a, "tuple.__contains__", 1, 1)) return Value::empty();
    for (const Value& v : self->items) {
        int r = same_or_equal(vm, v, a[1]);
        if (r < 0) return Value::empty();
        if (r > 0) return Value::boolean(true);
    }
    return Value::boolean(false);
}

Value tuple_len_m(VM& vm, const Args& a) {
    TUPLE_SELF("__len__");
    if (!method_args(vm, a, "tuple.__len__", 0, 0)) return Value::empty();
    return Value::integer(static_cast<int64_t>(self->items.size()));
}

Value tuple_iter_m(VM& vm, const Args& a) {
    TUPLE_SELF("__iter__");
    if (!method_args(vm, a, "tuple.__iter__", 0, 0)) return Value::empty();
    return new_tuple_iterator(vm, self);
}

template <CompareKind op>
Value tuple_cmp_m(VM& vm, const Args& a) {
    TUPLE_SELF("__eq__");
    if (!method_args(vm, a, "tuple.__eq__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Tuple)) return vm.not_implemented;
    return sequence_compare(vm, self->items, static_cast<Tuple*>(a[1].o)->items, op);
}

Value tuple_hash_m(VM& vm, const Args& a) {
    TUPLE_SELF("__hash__");
    if (!method_args(vm, a, "tuple.__hash__", 0, 0)) return Value::empty();
    uint64_t h;
    if (!tuple_hash(vm, self, &h)) return Value::empty();
    return Value::integer(static_cast<int64_t>(h));
}

Value tuple_repr_m(VM& vm, const Args& a) {
    TUPLE_SELF("__repr__");
    if (!method_args(vm, a, "tuple.__repr__", 0, 0)) return Value::empty();
    if (self->items.empty()) return str_result(vm, "()");
    ReprGuard guard(vm, self);
    if (!guard.active) return str_result(vm, "(...)");
    std::string out = "(";
    for (size_t i = 0; i < self->items.size(); ++i) {
        if (i) out += ", ";
        if (!append_repr(vm, out, self->items[i])) return Value::empty();
    }
    out += self->items.size() == 1 ? ",)" : ")";
    return str_result(vm, out);
}

Value tuple_getnewargs_m(VM& vm, const Args& a) {
    TUPLE_SELF("__getnewargs__");
    Value inner = Value::object(new_tuple(vm, self->items.data(), self->items.size()));
    return Value::object(new_tuple(vm, &inner, 1));
}

}  // namespace

void detail::init_tuple_type(VM& vm) {
    Type* t = vm.types.tuple;
    t->alloc_instance = [](VM& vm, Type* type) -> Obj* { return vm.alloc<Tuple>(type); };
    def_method(vm, t, "__new__", tuple_new_m);
    def_method(vm, t, "__init__", tuple_init_m);
    def_method(vm, t, "index", tuple_index_m);
    def_method(vm, t, "count", tuple_count_m);
    def_method(vm, t, "__getitem__", tuple_getitem_m);
    def_method(vm, t, "__add__", tuple_add_m);
    def_method(vm, t, "__mul__", tuple_mul_m<false>);
    def_method(vm, t, "__rmul__", tuple_mul_m<true>);
    def_method(vm, t, "__contains__", tuple_contains_m);
    def_method(vm, t, "__len__", tuple_len_m);
    def_method(vm, t, "__iter__", tuple_iter_m);
    def_method(vm, t, "__eq__", tuple_cmp_m<CompareKind::Eq>);
    def_method(vm, t, "__ne__", tuple_cmp_m<CompareKind::Ne>);
    def_method(vm, t, "__lt__", tuple_cmp_m<CompareKind::Lt>);
    def_method(vm, t, "__le__", tuple_cmp_m<CompareKind::Le>);
    def_method(vm, t, "__gt__", tuple_cmp_m<CompareKind::Gt>);
    def_method(vm, t, "__ge__", tuple_cmp_m<CompareKind::Ge>);
    def_method(vm, t, "__hash__", tuple_hash_m);
    def_method(vm, t, "__repr__", tuple_repr_m);
    def_method(vm, t, "__getnewargs__", tuple_getnewargs_m);
}

}  // namespace asy::vm
