// dict views: dict_keys, dict_values, dict_items (len, iteration, `in`, reversed, repr, and the
// set operations and comparisons of keys/items views).
#include "vm/objects/container_util.hpp"
#include "vm/objects/descriptors.hpp"
#include "vm/objects/iterators.hpp"

namespace asy::vm {

using namespace detail;

Value new_dict_view(VM& vm, Dict* d, Type* view_type) {
    auto* v = vm.alloc<DictView>(view_type);
    v->dict = d;
    return Value::object(v);
}

namespace {

bool is_view(VM& vm, Value v) {
    return v.is_obj() && (v.o->type == vm.types.dict_keys || v.o->type == vm.types.dict_items ||
                          v.o->type == vm.types.dict_values);
}
bool is_setlike_view(VM& vm, Value v) {
    return v.is_obj() && (v.o->type == vm.types.dict_keys || v.o->type == vm.types.dict_items);
}
bool is_anyset(Value v) { return has_layout(v, Layout::Set) || has_layout(v, Layout::FrozenSet); }

DictView* view_self(VM& vm, const Args& a, const char* mname) {
    if (a.npos > 0 && is_view(vm, a[0])) return static_cast<DictView*>(a[0].o);
    return static_cast<DictView*>(method_self(vm, a, vm.types.dict_keys, mname));
}

#define VIEW_SELF(mname)                          \
    DictView* self = view_self(vm, a, mname);     \
    if (self == nullptr) return Value::empty();

IterKind kind_for(VM& vm, DictView* v, bool reverse) {
    if (v->type == vm.types.dict_keys) return reverse ? kDictRevKeyIter : kDictKeyIter;
    if (v->type == vm.types.dict_values) return reverse ? kDictRevValueIter : kDictValueIter;
    return reverse ? kDictRevItemIter : kDictItemIter;
}

Value view_len_m(VM& vm, const Args& a) {
    VIEW_SELF("__len__");
    return Value::integer(static_cast<int64_t>(self->dict->used));
}

Value view_iter_m(VM& vm, const Args& a) {
    VIEW_SELF("__iter__");
    return new_dict_iterator(vm, self->dict, kind_for(vm, self, false));
}

Value view_reversed_m(VM& vm, const Args& a) {
    VIEW_SELF("__reversed__");
    return new_dict_iterator(vm, self->dict, kind_for(vm, self, true));
}

// `x in view`: 1, 0, -1.
int view_contains(VM& vm, DictView* v, Value x) {
    if (v->type == vm.types.dict_keys) {
        Value r = dict_get(vm, v->dict, x);
        if (vm.has_pending()) return -1;
        return r.is_empty() ? 0 : 1;
    }
    if (v->type == vm.types.dict_items) {
        if (!has_layout(x, Layout::Tuple) || static_cast<Tuple*>(x.o)->items.size() != 2) return 0;
        Tuple* t = static_cast<Tuple*>(x.o);
        Value r = dict_get(vm, v->dict, t->items[0]);
        if (r.is_empty()) return vm.has_pending() ? -1 : 0;
        if (r.is_obj()) vm.heap.pin(r.o);
        return same_or_equal(vm, r, t->items[1]);
    }
    Dict* d = v->dict;
    for (size_t i = 0; i < d->entries.size(); ++i) {
        Value val = d->entries[i].value;
        if (d->entries[i].key.is_empty()) continue;
        if (val.is_obj()) vm.heap.pin(val.o);
        int r = same_or_equal(vm, val, x);
        if (r != 0) return r;
    }
    return 0;
}

Value view_contains_m(VM& vm, const Args& a) {
    VIEW_SELF("__contains__");
    if (!method_args(vm, a, "dict_keys.__contains__", 1, 1)) return Value::empty();
    int r = view_contains(vm, self, a[1]);
    return r < 0 ? Value::empty() : Value::boolean(r);
}

Value view_repr_m(VM& vm, const Args& a) {
    VIEW_SELF("__repr__");
    std::string name(self->type->name->view());
    ReprGuard guard(vm, self);
    if (!guard.active) return str_result(vm, "...");
    List* items = list_from_iterable(vm, a[0]);
    if (items == nullptr) return Value::empty();
    std::string out = name + "(";
    if (!append_repr(vm, out, Value::object(items))) return Value::empty();
    out += ")";
    return str_result(vm, out);
}

// A new set of the items of `v` (any iterable).
Set* to_set(VM& vm, Value v) {
    Set* s = new_set(vm);
    if (!set_update(vm, s, v)) return nullptr;
    return s;
}

enum class ViewOp { And, Or, Sub, Xor };

Value view_binop(VM& vm, Value left, Value right, ViewOp op) {
    if (op == ViewOp::And) {
        // Iterate the operand that is not the view (CPython's _PyDictView_Intersect).
        Value view = left, other = right;
        if (!is_setlike_view(vm, view)) std::swap(view, other);
        if (!is_setlike_view(vm, view)) return vm.not_implemented;
        auto* dv = static_cast<DictView*>(view.o);
        Set* result = new_set(vm);
        Value it = get_iter(vm, other);
        if (it.is_empty()) return it;
        for (;;) {
            Value x = iter_next(vm, it);
            if (x.is_empty()) return vm.has_pending() ? x : Value::object(result);
            if (x.is_obj()) vm.heap.pin(x.o);
            int r = view_contains(vm, dv, x);
            if (r < 0) return Value::empty();
            if (r && !set_add(vm, result, x)) return Value::empty();
        }
    }
    Set* s = to_set(vm, left);
    if (s == nullptr) return Value::empty();
    switch (op) {
    case ViewOp::Or:
        if (!set_update(vm, s, right)) return Value::empty();
        break;
    case ViewOp::Sub: {
        Value it = get_iter(vm, right);
        if (it.is_empty()) return it;
        for (;;) {
            Value x = iter_next(vm, it);
            if (x.is_empty()) {
                if (vm.has_pending()) return x;
                break;
            }
            if (set_discard(vm, s, x) < 0) return Value::empty();
        }
        break;
    }
    case ViewOp::Xor: {
        Set* o = is_anyset(right) ? static_cast<Set*>(right.o) : to_set(vm, right);
        if (o == nullptr) return Value::empty();
        List* keys = new_list(vm, o->used);
        for (const Set::Entry& e : o->table)
            if (!e.key.is_empty()) keys->items.push_back(e.key);
        for (Value x : keys->items) {
            int r = set_discard(vm, s, x);
            if (r < 0) return Value::empty();
            if (r == 0 && !set_add(vm, s, x)) return Value::empty();
        }
        break;
    }
    default: break;
    }
    return Value::object(s);
}

template <ViewOp op, bool reflected>
Value view_binop_m(VM& vm, const Args& a) {
    VIEW_SELF("__and__");
    if (!method_args(vm, a, "dict_keys.__and__", 1, 1)) return Value::empty();
    // Any iterable works as the other operand; non-iterables give NotImplemented.
    Value other = a[1];
    Value probe = get_iter(vm, other);
    if (probe.is_empty()) {
        if (is_instance(vm, vm.pending, vm.exc.TypeError)) {
            vm.take_pending();
            return vm.not_implemented;
        }
        return probe;
    }
    return reflected ? view_binop(vm, other, a[0], op) : view_binop(vm, a[0], other, op);
}

Value view_isdisjoint_m(VM& vm, const Args& a) {
    VIEW_SELF("isdisjoint");
    if (!method_args(vm, a, "dict_keys.isdisjoint", 1, 1)) return Value::empty();
    Value it = get_iter(vm, a[1]);
    if (it.is_empty()) return it;
    for (;;) {
        Value x = iter_next(vm, it);
        if (x.is_empty()) return vm.has_pending() ? x : Value::boolean(true);
        if (x.is_obj()) vm.heap.pin(x.o);
        int r = view_contains(vm, self, x);
        if (r < 0) return Value::empty();
        if (r) return Value::boolean(false);
    }
}

// Every item of `a` is in `b` (b a set or view): 1, 0, -1.
int all_contained_in(VM& vm, Value a, Value b) {
    Value it = get_iter(vm, a);
    if (it.is_empty()) return -1;
    for (;;) {
        Value x = iter_next(vm, it);
        if (x.is_empty()) return vm.has_pending() ? -1 : 1;
        if (x.is_obj()) vm.heap.pin(x.o);
        int r = contains(vm, b, x);
        if (r <= 0) return r;
    }
}

template <CompareKind op>
Value view_cmp_m(VM& vm, const Args& a) {
    VIEW_SELF("__eq__");
    if (!method_args(vm, a, "dict_keys.__eq__", 1, 1)) return Value::empty();
    Value other = a[1];
    if (!is_anyset(other) && !is_setlike_view(vm, other)) return vm.not_implemented;
    int64_t n1 = static_cast<int64_t>(self->dict->used);
    int64_t n2 = length(vm, other);
    if (n2 < 0) return Value::empty();
    int r = 0;
    switch (op) {
    case CompareKind::Eq:
    case CompareKind::Ne: r = n1 == n2 ? all_contained_in(vm, a[0], other) : 0; break;
    case CompareKind::Lt: r = n1 < n2 ? all_contained_in(vm, a[0], other) : 0; break;
    case CompareKind::Le: r = n1 <= n2 ? all_contained_in(vm, a[0], other) : 0; break;
    case CompareKind::Gt: r = n1 > n2 ? all_contained_in(vm, other, a[0]) : 0; break;
    case CompareKind::Ge: r = n1 >= n2 ? all_contained_in(vm, other, a[0]) : 0; break;
    }
    if (r < 0) return Value::empty();
    return Value::boolean(op == CompareKind::Ne ? r == 0 : r == 1);
}

Value view_no_new_m(VM& vm, const Args& a) {
    std::string name = a.npos > 0 && a[0].is_obj() && a[0].o->type->layout == Layout::Type
                           ? std::string(static_cast<Type*>(a[0].o)->name->view())
                           : "dict_keys";
    return vm.raise_format(vm.exc.TypeError, "cannot create '%s' instances", name.c_str());
}

// view.mapping: a read-only mappingproxy of the underlying dict.
Value view_mapping_get(VM& vm, Value obj, GetSetDescr*) {
    MappingProxy* p = vm.alloc<MappingProxy>(vm.types.mappingproxy);
    p->mapping = Value::object(static_cast<DictView*>(obj.o)->dict);
    return Value::object(p);
}

void def_view_common(VM& vm, Type* t) {
    if (vm.types.mappingproxy != nullptr) def_getset(vm, t, "mapping", view_mapping_get);
    t->flags &= ~kTypeBaseType;
    def_method(vm, t, "__new__", view_no_new_m);
    def_method(vm, t, "__len__", view_len_m);
    def_method(vm, t, "__iter__", view_iter_m);
    def_method(vm, t, "__reversed__", view_reversed_m);
    def_method(vm, t, "__contains__", view_contains_m);
    def_method(vm, t, "__repr__", view_repr_m);
}

void def_setlike(VM& vm, Type* t) {
    def_method(vm, t, "__and__", view_binop_m<ViewOp::And, false>);
    def_method(vm, t, "__or__", view_binop_m<ViewOp::Or, false>);
    def_method(vm, t, "__sub__", view_binop_m<ViewOp::Sub, false>);
    def_method(vm, t, "__xor__", view_binop_m<ViewOp::Xor, false>);
    def_method(vm, t, "__rand__", view_binop_m<ViewOp::And, true>);
    def_method(vm, t, "__ror__", view_binop_m<ViewOp::Or, true>);
    def_method(vm, t, "__rsub__", view_binop_m<ViewOp::Sub, true>);
    def_method(vm, t, "__rxor__", view_binop_m<ViewOp::Xor, true>);
    def_method(vm, t, "isdisjoint", view_isdisjoint_m);
    def_method(vm, t, "__eq__", view_cmp_m<CompareKind::Eq>);
    def_method(vm, t, "__ne__", view_cmp_m<CompareKind::Ne>);
    def_method(vm, t, "__lt__", view_cmp_m<CompareKind::Lt>);
    def_method(vm, t, "__le__", view_cmp_m<CompareKind::Le>);
    def_method(vm, t, "__gt__", view_cmp_m<CompareKind::Gt>);
    def_method(vm, t, "__ge__", view_cmp_m<CompareKind::Ge>);
    dict_set_str(vm, t->dict, vm.names.__hash__, Value::none());
}

}  // namespace

void detail::init_dict_views(VM& vm) {
    def_view_common(vm, vm.types.dict_keys);
    def_view_common(vm, vm.types.dict_values);
    def_view_common(vm, vm.types.dict_items);
    def_setlike(vm, vm.types.dict_keys);
    def_setlike(vm, vm.types.dict_items);
}

}  // namespace asy::vm
