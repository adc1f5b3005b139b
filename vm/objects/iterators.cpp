// The iterator types of the containers and the builtin iterator types (enumerate, zip, map,
// filter, reversed, sequence and callable iterators), and init_containers, which registers
// every container type's methods.
#include "vm/objects/iterators.hpp"

#include "vm/init.hpp"
#include "vm/objects/container_util.hpp"
#include "vm/objects/int.hpp"

namespace asy::vm {

using namespace detail;

namespace {

inline void keep(VM& vm, Value v) {
    if (v.is_obj()) vm.heap.pin(v.o);
}

// True when the pending exception is one of `t` (then it is cleared).
bool swallow(VM& vm, Type* t) {
    if (!vm.has_pending() || !is_instance(vm, vm.pending, t)) return false;
    vm.take_pending();
    return true;
}

Value next_dict(VM& vm, DictIterator* it, IterKind kind) {
    Dict* d = it->dict;
    if (d == nullptr) return Value::empty();
    if (d->used != it->used) {
        it->used = SIZE_MAX;   // keep failing, as CPython does
        return vm.raise(vm.exc.RuntimeError, "dictionary changed size during iteration");
    }
    bool reverse = kind >= kDictRevKeyIter;
    const Dict::Entry* e = nullptr;
    if (!reverse) {
        while (it->pos < d->entries.size()) {
            const Dict::Entry& x = d->entries[it->pos++];
            if (!x.key.is_empty()) {
                e = &x;
                break;
            }
        }
    } else {
        if (it->pos > d->entries.size()) it->pos = d->entries.size();
        while (it->pos > 0) {
            const Dict::Entry& x = d->entries[--it->pos];
            if (!x.key.is_empty()) {
                e = &x;
                break;
            }
        }
    }
    if (e == nullptr) {
        it->dict = nullptr;
        return Value::empty();
    }
    if (it->remaining) it->remaining--;
    switch (kind) {
    case kDictKeyIter: case kDictRevKeyIter: return e->key;
    case kDictValueIter: case kDictRevValueIter: return e->value;
    default: {
        Value kv[2] = {e->key, e->value};
        return Value::object(new_tuple(vm, kv, 2));
    }
    }
}

Value next_set(VM& vm, SetIterator* it) {
    Set* s = it->set;
    if (s == nullptr) return Value::empty();
    if (s->used != it->used) {
        it->used = SIZE_MAX;
        return vm.raise(vm.exc.RuntimeError, "Set changed size during iteration");
    }
    while (it->pos < s->table.size()) {
        const Set::Entry& e = s->table[it->pos++];
        if (!e.key.is_empty()) {
            if (it->remaining) it->remaining--;
            return e.key;
        }
    }
    it->set = nullptr;
    return Value::empty();
}

Value next_zip(VM& vm, Zip* z) {
    size_t n = z->iters.size();
    if (n == 0) return Value::empty();
    Tuple* t = new_tuple(vm, n);
    for (size_t i = 0; i < n; ++i) {
        Value v = iter_next(vm, z->iters[i]);
        if (v.is_empty()) {
            if (!z->strict || vm.has_pending()) return Value::empty();
            if (i > 0)
                return vm.raise_format(vm.exc.ValueError, "zip() argument %zu is shorter than argument%s%zu", i + 1,
                                       i == 1 ? " " : "s 1-", i);
            for (size_t k = 1; k < n; ++k) {
                Value w = iter_next(vm, z->iters[k]);
                if (!w.is_empty())
                    return vm.raise_format(vm.exc.ValueError, "zip() argument %zu is longer than argument%s%zu",
                                           k + 1, k == 1 ? " " : "s 1-", k);
                if (vm.has_pending()) return Value::empty();
            }
            return Value::empty();
        }
        t->items[i] = v;
    }
    return Value::object(t);
}

Value next_map(VM& vm, MapObj* m) {
    size_t n = m->iters.size();
    List* args = new_list(vm, n);
    for (size_t i = 0; i < n; ++i) {
        Value v = iter_next(vm, m->iters[i]);
        if (v.is_empty()) return Value::empty();
        args->items.push_back(v);
    }
    return vm.call(m->func, args->items.data(), n);
}

Value next_filter(VM& vm, FilterObj* f) {
    for (;;) {
        Value v = iter_next(vm, f->iter);
        if (v.is_empty()) return v;
        keep(vm, v);
        int ok;
        if (f->func.is_none() || f->func.identical(Value::object(vm.types.bool_))) {
            ok = truthy(vm, v);
        } else {
            Value r = vm.call(f->func, {v});
            if (r.is_empty()) return r;
            ok = truthy(vm, r);
        }
        if (ok < 0) return Value::empty();
        if (ok) return v;
    }
}

Value next_enumerate(VM& vm, Enumerate* e) {
    Value v = iter_next(vm, e->iter);
    if (v.is_empty()) return v;
    keep(vm, v);
    Value count = e->count;
    Value next;
    if (count.is_int() && count.i < INT64_MAX) {
        next = Value::integer(count.i + 1);
    } else {
        next = int_binary_op(vm, BinOpKind::Add, count, Value::integer(1));  // pinned: ours
        if (next.is_empty()) return next;
    }
    // Build the pair while `count` is still reachable through e->count (a big int would be
    // collectable once replaced).
    Value kv[2] = {count, v};
    Tuple* pair = new_tuple(vm, kv, 2);
    e->count = next;
    return Value::object(pair);
}

Value next_seq(VM& vm, SeqIterator* s) {
    if (s->seq.is_empty()) return Value::empty();
    Value v = get_item(vm, s->seq, Value::integer(s->index));
    if (v.is_empty()) {
        if (swallow(vm, vm.exc.IndexError) || swallow(vm, vm.exc.StopIteration)) s->seq = Value::empty();
        return Value::empty();
    }
    s->index++;
    return v;
}

Value next_callable(VM& vm, CallableIterator* c) {
    if (c->callable.is_empty()) return Value::empty();
    Value v = vm.call(c->callable, {});
    if (v.is_empty()) {
        if (swallow(vm, vm.exc.StopIteration)) c->callable = Value::empty();
        return v;
    }
    keep(vm, v);
    int r = same_or_equal(vm, v, c->sentinel);
    if (r < 0) return Value::empty();
    if (r) {
        c->callable = Value::empty();
        return Value::empty();
    }
    return v;
}

Value next_reversed(VM& vm, Reversed* r) {
    if (r->seq.is_empty()) return Value::empty();
    if (r->index < 0) {
        r->seq = Value::empty();
        return Value::empty();
    }
    Value v = get_item(vm, r->seq, Value::integer(r->index));
    if (v.is_empty()) {
        if (swallow(vm, vm.exc.IndexError) || swallow(vm, vm.exc.StopIteration)) r->seq = Value::empty();
        return v;
    }
    r->index--;
    return v;
}

Value next_long_range(VM& vm, LongRangeIterator* it) {
    if (mpz_sgn(it->remaining) <= 0) return Value::empty();
    Value v = int_from_mpz(vm, it->next);
    mpz_add(it->next, it->next, it->step);
    mpz_sub_ui(it->remaining, it->remaining, 1);
    return v;
}

// Next item of an iterator of kind `k` (Empty at the end; Empty + pending on error).
Value next_of(VM& vm, Obj* o, int k) {
    switch (k) {
    case kListIter: return list_iter_next(static_cast<ListIterator*>(o));
    case kListRevIter: {
        auto* it = static_cast<ListRevIterator*>(o);
        if (it->list == nullptr) return Value::empty();
        if (it->index >= 0 && it->index < static_cast<int64_t>(it->list->items.size()))
            return it->list->items[it->index--];
        it->list = nullptr;
        return Value::empty();
    }
    case kTupleIter: return tuple_iter_next(static_cast<TupleIterator*>(o));
    case kRangeIter: return range_iter_next(static_cast<RangeIterator*>(o));
    case kLongRangeIter: return next_long_range(vm, static_cast<LongRangeIterator*>(o));
    case kDictKeyIter: case kDictValueIter: case kDictItemIter:
    case kDictRevKeyIter: case kDictRevValueIter: case kDictRevItemIter:
        return next_dict(vm, static_cast<DictIterator*>(o), static_cast<IterKind>(k));
    case kSetIter: return next_set(vm, static_cast<SetIterator*>(o));
    case kSeqIter: return next_seq(vm, static_cast<SeqIterator*>(o));
    case kCallableIter: return next_callable(vm, static_cast<CallableIterator*>(o));
    case kEnumerate: return next_enumerate(vm, static_cast<Enumerate*>(o));
    case kZip: return next_zip(vm, static_cast<Zip*>(o));
    case kMap: return next_map(vm, static_cast<MapObj*>(o));
    case kFilter: return next_filter(vm, static_cast<FilterObj*>(o));
    case kReversed: return next_reversed(vm, static_cast<Reversed*>(o));
    default: return Value::empty();
    }
}

// The IterKind of an object's type (or of its base for subclasses of enumerate etc.); -1.
int kind_of(VM& vm, Obj* o) {
    for (Type* t = o->type; t != nullptr; t = t->base) {
        for (int k = 0; k < kIterKindCount; ++k)
            if (vm.iter_types[k] == t) return k;
        if (t->layout != Layout::Iterator) break;
    }
    return -1;
}

template <int K>
Value iter_next_m(VM& vm, const Args& a) {
    if (a.npos != 1 || !a[0].is_obj() || kind_of(vm, a[0].o) != K)
        return vm.raise(vm.exc.TypeError, "descriptor '__next__' requires an iterator of this type");
    Value v = next_of(vm, a[0].o, K);
    if (v.is_empty() && !vm.has_pending()) return vm.raise_value(Value::object(vm.exc.StopIteration));
    return v;
}

Value iter_self_m(VM& vm, const Args& a) {
    if (a.npos != 1) return vm.raise(vm.exc.TypeError, "expected 0 arguments");
    return a[0];
}

template <int K>
Value length_hint_m(VM& vm, const Args& a) {
    if (a.npos != 1 || !a[0].is_obj() || kind_of(vm, a[0].o) != K) return Value::integer(0);
    Obj* o = a[0].o;
    int64_t n = 0;
    switch (K) {
    case kListIter: {
        auto* it = static_cast<ListIterator*>(o);
        if (it->list && it->index < it->list->items.size()) n = static_cast<int64_t>(it->list->items.size() - it->index);
        break;
    }
    case kListRevIter: {
        auto* it = static_cast<ListRevIterator*>(o);
        if (it->list && it->index < static_cast<int64_t>(it->list->items.size())) n = it->index + 1;
        break;
    }
    case kTupleIter: {
        auto* it = static_cast<TupleIterator*>(o);
        if (it->tuple) n = static_cast<int64_t>(it->tuple->items.size() - it->index);
        break;
    }
    case kRangeIter: n = static_cast<int64_t>(static_cast<RangeIterator*>(o)->remaining); break;
    case kSetIter: {
        auto* it = static_cast<SetIterator*>(o);
        n = it->set && it->used == it->set->used ? static_cast<int64_t>(it->remaining) : 0;
        break;
    }
    default: {
        auto* it = static_cast<DictIterator*>(o);
        n = it->dict && it->used == it->dict->used ? static_cast<int64_t>(it->remaining) : 0;
        break;
    }
    }
    return Value::integer(n);
}

// ---- constructors of the builtin iterator types ----

Type* cls_arg(VM& vm, const Args& a) {
    if (a.npos == 0 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type) {
        vm.raise(vm.exc.TypeError, "__new__(X): X is not a type object");
        return nullptr;
    }
    return static_cast<Type*>(a[0].o);
}

template <class T>
T* alloc_as(VM& vm, Type* cls) {
    return static_cast<T*>(cls->alloc_instance ? cls->alloc_instance(vm, cls) : vm.alloc<T>(cls));
}

Value enumerate_new_m(VM& vm, const Args& a) {
    Type* cls = cls_arg(vm, a);
    if (cls == nullptr) return Value::empty();
    Value iterable = a.npos > 1 ? a[1] : Value::empty();
    Value start = a.npos > 2 ? a[2] : Value::empty();
    if (a.npos > 3)
        return vm.raise_format(vm.exc.TypeError, "enumerate() takes at most 2 arguments (%u given)", a.npos - 1);
    for (uint32_t i = 0; i < kw_count(a); ++i) {
        std::string_view n = kw_name(a, i);
        if (n == "iterable" && iterable.is_empty()) iterable = a.kwvalues[i];
        else if (n == "start" && start.is_empty()) start = a.kwvalues[i];
        else
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for enumerate()",
                                   static_cast<int>(n.size()), n.data());
    }
    if (iterable.is_empty()) {
        // CPython's vectorcall names a lone keyword that is not `iterable` as invalid.
        if (kw_count(a) > 0) {
            std::string_view n = kw_name(a, 0);
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for enumerate()",
                                   static_cast<int>(n.size()), n.data());
        }
        return vm.raise(vm.exc.TypeError, "enumerate() missing required argument 'iterable'");
    }
    Value count = Value::integer(0);
    if (!start.is_empty()) {
        count = index_value(vm, start);
        if (count.is_empty()) return count;
    }
    Value it = get_iter(vm, iterable);
    if (it.is_empty()) return it;
    auto* e = alloc_as<Enumerate>(vm, cls);
    e->iter = it;
    e->count = count;
    return Value::object(e);
}

Value zip_new_m(VM& vm, const Args& a) {
    Type* cls = cls_arg(vm, a);
    if (cls == nullptr) return Value::empty();
    bool strict = false;
    if (kw_count(a) > 1)
        return vm.raise_format(vm.exc.TypeError, "zip() takes at most 1 keyword argument (%u given)", kw_count(a));
    for (uint32_t i = 0; i < kw_count(a); ++i) {
        std::string_view n = kw_name(a, i);
        if (n != "strict")
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for zip()",
                                   static_cast<int>(n.size()), n.data());
        int t = truthy(vm, a.kwvalues[i]);
        if (t < 0) return Value::empty();
        strict = t;
    }
    auto* z = alloc_as<Zip>(vm, cls);
    z->strict = strict;
    for (uint32_t i = 1; i < a.npos; ++i) {
        Value it = get_iter(vm, a[i]);
        if (it.is_empty()) return it;
        z->iters.push_back(it);
    }
    return Value::object(z);
}

Value map_new_m(VM& vm, const Args& a) {
    Type* cls = cls_arg(vm, a);
    if (cls == nullptr) return Value::empty();
    if (kw_count(a) != 0 && cls == vm.iter_types[kMap])
        return vm.raise(vm.exc.TypeError, "map() takes no keyword arguments");
    if (a.npos < 3) return vm.raise(vm.exc.TypeError, "map() must have at least two arguments.");
    auto* m = alloc_as<MapObj>(vm, cls);
    m->func = a[1];
    for (uint32_t i = 2; i < a.npos; ++i) {
        Value it = get_iter(vm, a[i]);
        if (it.is_empty()) return it;
        m->iters.push_back(it);
    }
    return Value::object(m);
}

Value filter_new_m(VM& vm, const Args& a) {
    Type* cls = cls_arg(vm, a);
    if (cls == nullptr) return Value::empty();
    if (kw_count(a) != 0 && cls == vm.iter_types[kFilter])
        return vm.raise(vm.exc.TypeError, "filter() takes no keyword arguments");
    if (a.npos != 3) return vm.raise_format(vm.exc.TypeError, "filter expected 2 arguments, got %u", a.npos - 1);
    Value it = get_iter(vm, a[2]);
    if (it.is_empty()) return it;
    auto* f = alloc_as<FilterObj>(vm, cls);
    f->func = a[1];
    f->iter = it;
    return Value::object(f);
}

Value reversed_new_m(VM& vm, const Args& a) {
    Type* cls = cls_arg(vm, a);
    if (cls == nullptr) return Value::empty();
    if (kw_count(a) != 0 && cls == vm.iter_types[kReversed])
        return vm.raise(vm.exc.TypeError, "reversed() takes no keyword arguments");
    if (a.npos != 2) return vm.raise_format(vm.exc.TypeError, "reversed expected 1 argument, got %u", a.npos - 1);
    Value seq = a[1];
    Type* t = type_of(vm, seq);
    Value rev = type_lookup(t, vm.names.__reversed__);
    if (rev.is_none())
        return vm.raise_format(vm.exc.TypeError, "'%s' object is not reversible", type_name(vm, seq).c_str());
    if (!rev.is_empty() && cls == vm.iter_types[kReversed]) return vm.call_method(seq, vm.names.__reversed__, {});
    if (type_lookup(t, vm.names.__getitem__).is_empty() || type_lookup(t, vm.names.__len__).is_empty() ||
        t->layout == Layout::Dict)
        return vm.raise_format(vm.exc.TypeError, "'%s' object is not reversible", type_name(vm, seq).c_str());
    int64_t n = length(vm, seq);
    if (n < 0) return Value::empty();
    auto* r = alloc_as<Reversed>(vm, cls);
    r->seq = seq;
    r->index = n - 1;
    return Value::object(r);
}

// enumerate/zip/map/filter/reversed do all their work in __new__; __init__ accepts anything.
Value noop_init_m(VM& vm, const Args& a) { return Value::none(); }

Value no_new_m(VM& vm, const Args& a) {
    Type* cls = cls_arg(vm, a);
    if (cls == nullptr) return Value::empty();
    return vm.raise_format(vm.exc.TypeError, "cannot create '%s' instances", std::string(cls->name->view()).c_str());
}

Type* make_type(VM& vm, const char* name, bool subclassable, AllocFn alloc) {
    return new_builtin_type(vm, name, vm.types.object, Layout::Iterator, alloc, subclassable ? uint32_t(kTypeBaseType) : uint32_t(0));
}

template <int K>
void def_iter_methods(VM& vm, Type* t, bool hint) {
    def_method(vm, t, "__iter__", iter_self_m);
    def_method(vm, t, "__next__", iter_next_m<K>);
    if (hint) def_method(vm, t, "__length_hint__", length_hint_m<K>);
}

}  // namespace

// ---- public constructors ----

Value new_list_iterator(VM& vm, List* l) {
    auto* it = vm.alloc<ListIterator>(vm.iter_types[kListIter]);
    it->list = l;
    return Value::object(it);
}

Value new_tuple_iterator(VM& vm, Tuple* t) {
    auto* it = vm.alloc<TupleIterator>(vm.iter_types[kTupleIter]);
    it->tuple = t;
    return Value::object(it);
}

Value new_range_iterator(VM& vm, Range* r) {
    int64_t start, stop, step;
    if (range_small(r, &start, &stop, &step)) {
        uint64_t n;
        if (step > 0) n = start >= stop ? 0 : (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) / static_cast<uint64_t>(step) + 1;
        else n = start <= stop ? 0 : (static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) / (0 - static_cast<uint64_t>(step)) + 1;
        auto* it = vm.alloc<RangeIterator>(vm.iter_types[kRangeIter]);
        it->next = start;
        it->step = step;
        it->remaining = n;
        return Value::object(it);
    }
    auto* it = vm.alloc<LongRangeIterator>(vm.iter_types[kLongRangeIter]);
    mpz_t lo, hi;
    mpz_inits(lo, hi, nullptr);
    int_to_mpz(r->start, lo);
    int_to_mpz(r->stop, hi);
    int_to_mpz(r->step, it->step);
    mpz_set(it->next, lo);
    if (mpz_sgn(it->step) > 0) {
        if (mpz_cmp(lo, hi) < 0) {
            mpz_sub(it->remaining, hi, lo);
            mpz_sub_ui(it->remaining, it->remaining, 1);
            mpz_fdiv_q(it->remaining, it->remaining, it->step);
            mpz_add_ui(it->remaining, it->remaining, 1);
        }
    } else if (mpz_cmp(lo, hi) > 0) {
        mpz_t neg;
        mpz_init(neg);
        mpz_neg(neg, it->step);
        mpz_sub(it->remaining, lo, hi);
        mpz_sub_ui(it->remaining, it->remaining, 1);
        mpz_fdiv_q(it->remaining, it->remaining, neg);
        mpz_add_ui(it->remaining, it->remaining, 1);
        mpz_clear(neg);
    }
    mpz_clears(lo, hi, nullptr);
    return Value::object(it);
}

Value new_dict_iterator(VM& vm, Dict* d, IterKind kind) {
    auto* it = vm.alloc<DictIterator>(vm.iter_types[kind]);
    it->dict = d;
    it->used = d->used;
    it->remaining = d->used;
    it->pos = kind >= kDictRevKeyIter ? d->entries.size() : 0;
    return Value::object(it);
}

Value new_set_iterator(VM& vm, Set* s) {
    auto* it = vm.alloc<SetIterator>(vm.iter_types[kSetIter]);
    it->set = s;
    it->used = s->used;
    it->remaining = s->used;
    return Value::object(it);
}

Value new_seq_iterator(VM& vm, Value seq) {
    auto* it = vm.alloc<SeqIterator>(vm.iter_types[kSeqIter]);
    it->seq = seq;
    return Value::object(it);
}

Value new_callable_iterator(VM& vm, Value callable, Value sentinel) {
    auto* it = vm.alloc<CallableIterator>(vm.iter_types[kCallableIter]);
    it->callable = callable;
    it->sentinel = sentinel;
    return Value::object(it);
}

Value iterator_fast_next(VM& vm, Value it, bool* handled) {
    *handled = false;
    if (!it.is_obj() || it.o->type->layout != Layout::Iterator) return Value::empty();
    int k = -1;
    for (int i = 0; i < kIterKindCount; ++i)
        if (vm.iter_types[i] == it.o->type) {
            k = i;
            break;
        }
    if (k < 0) return Value::empty();
    *handled = true;
    return next_of(vm, it.o, k);
}

Value container_get_iter(VM& vm, Value v, bool* handled) {
    *handled = true;
    if (v.is_obj()) {
        Type* t = v.o->type;
        if (t == vm.types.list) return new_list_iterator(vm, static_cast<List*>(v.o));
        if (t == vm.types.tuple) return new_tuple_iterator(vm, static_cast<Tuple*>(v.o));
        if (t == vm.types.range) return new_range_iterator(vm, static_cast<Range*>(v.o));
        if (t == vm.types.dict) return new_dict_iterator(vm, static_cast<Dict*>(v.o), kDictKeyIter);
        if (t == vm.types.set || t == vm.types.frozenset) return new_set_iterator(vm, static_cast<Set*>(v.o));
        if (t == vm.types.dict_keys) return new_dict_iterator(vm, static_cast<DictView*>(v.o)->dict, kDictKeyIter);
        if (t == vm.types.dict_values)
            return new_dict_iterator(vm, static_cast<DictView*>(v.o)->dict, kDictValueIter);
        if (t == vm.types.dict_items) return new_dict_iterator(vm, static_cast<DictView*>(v.o)->dict, kDictItemIter);
        if (t->layout == Layout::Iterator)
            for (int i = 0; i < kIterKindCount; ++i)
                if (vm.iter_types[i] == t) return v;
    }
    *handled = false;
    return Value::empty();
}

void detail::init_iterator_types(VM& vm) {
    Type** T = vm.iter_types;
    T[kListIter] = make_type(vm, "list_iterator", false, nullptr);
    T[kListRevIter] = make_type(vm, "list_reverseiterator", false, nullptr);
    T[kTupleIter] = make_type(vm, "tuple_iterator", false, nullptr);
    T[kRangeIter] = make_type(vm, "range_iterator", false, nullptr);
    T[kLongRangeIter] = make_type(vm, "longrange_iterator", false, nullptr);
    T[kDictKeyIter] = make_type(vm, "dict_keyiterator", false, nullptr);
    T[kDictValueIter] = make_type(vm, "dict_valueiterator", false, nullptr);
    T[kDictItemIter] = make_type(vm, "dict_itemiterator", false, nullptr);
    T[kDictRevKeyIter] = make_type(vm, "dict_reversekeyiterator", false, nullptr);
    T[kDictRevValueIter] = make_type(vm, "dict_reversevalueiterator", false, nullptr);
    T[kDictRevItemIter] = make_type(vm, "dict_reverseitemiterator", false, nullptr);
    T[kSetIter] = make_type(vm, "set_iterator", false, nullptr);
    if (vm.types.iterator != nullptr) {
        T[kSeqIter] = vm.types.iterator;
        vm.types.iterator->layout = Layout::Iterator;
        vm.types.iterator->flags &= ~kTypeBaseType;
    } else {
        T[kSeqIter] = make_type(vm, "iterator", false, nullptr);
    }
    T[kCallableIter] = make_type(vm, "callable_iterator", false, nullptr);
    T[kEnumerate] = make_type(vm, "enumerate", true, [](VM& vm, Type* t) -> Obj* { return vm.alloc<Enumerate>(t); });
    T[kZip] = make_type(vm, "zip", true, [](VM& vm, Type* t) -> Obj* { return vm.alloc<Zip>(t); });
    T[kMap] = make_type(vm, "map", true, [](VM& vm, Type* t) -> Obj* { return vm.alloc<MapObj>(t); });
    T[kFilter] = make_type(vm, "filter", true, [](VM& vm, Type* t) -> Obj* { return vm.alloc<FilterObj>(t); });
    T[kReversed] = make_type(vm, "reversed", true, [](VM& vm, Type* t) -> Obj* { return vm.alloc<Reversed>(t); });

    def_iter_methods<kListIter>(vm, T[kListIter], true);
    def_iter_methods<kListRevIter>(vm, T[kListRevIter], true);
    def_iter_methods<kTupleIter>(vm, T[kTupleIter], true);
    def_iter_methods<kRangeIter>(vm, T[kRangeIter], true);
    def_iter_methods<kLongRangeIter>(vm, T[kLongRangeIter], false);
    def_iter_methods<kDictKeyIter>(vm, T[kDictKeyIter], true);
    def_iter_methods<kDictValueIter>(vm, T[kDictValueIter], true);
    def_iter_methods<kDictItemIter>(vm, T[kDictItemIter], true);
    def_iter_methods<kDictRevKeyIter>(vm, T[kDictRevKeyIter], true);
    def_iter_methods<kDictRevValueIter>(vm, T[kDictRevValueIter], true);
    def_iter_methods<kDictRevItemIter>(vm, T[kDictRevItemIter], true);
    def_iter_methods<kSetIter>(vm, T[kSetIter], true);
    def_iter_methods<kSeqIter>(vm, T[kSeqIter], false);
    def_iter_methods<kCallableIter>(vm, T[kCallableIter], false);
    def_iter_methods<kEnumerate>(vm, T[kEnumerate], false);
    def_iter_methods<kZip>(vm, T[kZip], false);
    def_iter_methods<kMap>(vm, T[kMap], false);
    def_iter_methods<kFilter>(vm, T[kFilter], false);
    def_iter_methods<kReversed>(vm, T[kReversed], false);
    for (int k = kListIter; k <= kCallableIter; ++k) def_method(vm, T[k], "__new__", no_new_m);
    def_method(vm, T[kEnumerate], "__new__", enumerate_new_m);
    def_method(vm, T[kZip], "__new__", zip_new_m);
    def_method(vm, T[kMap], "__new__", map_new_m);
    def_method(vm, T[kFilter], "__new__", filter_new_m);
    def_method(vm, T[kReversed], "__new__", reversed_new_m);
    for (int k : {kEnumerate, kZip, kMap, kFilter, kReversed}) def_method(vm, T[k], "__init__", noop_init_m);

    if (vm.builtins != nullptr) {
        for (int k : {kEnumerate, kZip, kMap, kFilter, kReversed})
            dict_set_str(vm, vm.builtins, T[k]->name, Value::object(T[k]));
    }
}

void init_containers(VM& vm) {
    vm.root_tracers.push_back([&vm](Tracer& t) {
        for (Type* type : vm.iter_types) t.mark(type);
    });
    init_iterator_types(vm);
    init_dict_type(vm);
    init_list_type(vm);
    init_tuple_type(vm);
    init_set_type(vm);
    init_range_type(vm);
    init_dict_views(vm);
    if (vm.builtins != nullptr) {
        for (Type* t : {vm.types.list, vm.types.tuple, vm.types.dict, vm.types.set, vm.types.frozenset,
                        vm.types.range, vm.types.slice})
            if (t != nullptr) dict_set_str(vm, vm.builtins, t->name, Value::object(t));
    }
}

}  // namespace asy::vm
