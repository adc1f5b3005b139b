// `dict`: CPython's compact ordered dict (entries in insertion order + an open-addressing index
// probed with perturbation; small dicts have no index and are scanned), its C++ API, and the dict
// type's methods. Views are in dict_views.cpp.
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include "vm/objects/container_util.hpp"
#include "vm/objects/iterators.hpp"

namespace asy::vm {

using namespace detail;

static_assert(std::is_trivially_copyable_v<Dict::Entry>, "Dict::Entries moves entries with realloc");

Dict::Entries::~Entries() { std::free(p_); }

void Dict::Entries::reserve(size_t cap) {
    if (cap <= cap_) return;
    void* p = std::realloc(p_, cap * sizeof(Entry));
    if (p == nullptr) throw std::bad_alloc();
    p_ = static_cast<Entry*>(p);
    cap_ = static_cast<uint32_t>(cap);
}

void Dict::Entries::release() {
    std::free(p_);
    p_ = nullptr;
    n_ = cap_ = 0;
}

Dict::~Dict() { std::free(index); }

namespace {

constexpr int32_t kIxEmpty = -1;
constexpr int32_t kIxDummy = -2;
constexpr unsigned kMinLog2 = 4;   // the first index (built past kDictSmallMax entries): 16 slots
constexpr unsigned kPerturbShift = 5;

size_t index_size(const Dict* d) { return size_t(1) << d->index_log2; }
size_t usable(const Dict* d) { return index_size(d) * 2 / 3; }

// Drop deleted entries (positions of the live ones change; the caller rebuilds any index).
void compact(Dict* d) {
    if (d->used == d->entries.size()) return;
    size_t j = 0;
    for (size_t i = 0; i < d->entries.size(); ++i)
        if (!d->entries[i].key.is_empty()) d->entries[j++] = d->entries[i];
    d->entries.shrink_size(j);
}

// Rebuild the index with room for `minused` entries, dropping deleted entries (compaction).
void dict_resize(Dict* d, size_t minused) {
    unsigned log2 = kMinLog2;
    while ((size_t(1) << log2) * 2 / 3 <= minused) ++log2;
    size_t size = size_t(1) << log2;
    compact(d);
    std::free(d->index);
    d->index = static_cast<int32_t*>(std::malloc(size * sizeof(int32_t)));
    if (d->index == nullptr) throw std::bad_alloc();
    d->index_log2 = static_cast<uint8_t>(log2);
    std::memset(d->index, 0xff, size * sizeof(int32_t));   // all kIxEmpty
    size_t mask = size - 1;
    for (size_t e = 0; e < d->entries.size(); ++e) {
        uint64_t h = d->entries[e].hash;
        size_t i = h & mask;
        for (uint64_t perturb = h; d->index[i] != kIxEmpty;) {
            perturb >>= kPerturbShift;
            i = (i * 5 + perturb + 1) & mask;
        }
        d->index[i] = static_cast<int32_t>(e);
    }
    d->entries.reserve(size * 2 / 3);
}

// First index slot for `hash` that holds no live entry (empty or deleted).
size_t find_empty_slot(const Dict* d, uint64_t hash) {
    size_t mask = index_size(d) - 1;
    size_t i = hash & mask;
    for (uint64_t perturb = hash; d->index[i] >= 0;) {
        perturb >>= kPerturbShift;
        i = (i * 5 + perturb + 1) & mask;
    }
    return i;
}

// Compare entry `e` (hash already equal) with `key`: 1 equal, 0 not, -1 error, 2 the dict changed
// under __eq__ (the caller restarts its search, as CPython does).
int entry_matches(VM& vm, Dict* d, size_t e, Value key) {
    Value startkey = d->entries[e].key;
    // Cheap exact cases that cannot run user code.
    if (startkey.is_int() && key.is_int()) return 0;   // identical() already compared them
    if (startkey.is_obj() && key.is_obj() && startkey.o->type == vm.types.str && key.o->type == vm.types.str)
        return static_cast<Str*>(startkey.o)->s == static_cast<Str*>(key.o)->s ? 1 : 0;
    uint64_t version = d->version;
    if (startkey.is_obj()) vm.heap.pin(startkey.o);
    int r = equals(vm, startkey, key);
    if (r < 0) return -1;
    if (d->version != version || e >= d->entries.size() || !d->entries[e].key.identical(startkey)) return 2;
    return r > 0 ? 1 : 0;
}

// Find `key`: 1 found (*slot = index slot, meaningless for a small dict; *ix = entry), 0 missing,
// -1 error.
int lookup(VM& vm, Dict* d, Value key, uint64_t hash, size_t* slot, int32_t* ix) {
restart:
    if (d->index == nullptr) {
        for (size_t e = 0; e < d->entries.size(); ++e) {
            const Dict::Entry& ent = d->entries[e];
            int r = 0;
            if (ent.key.identical(key)) r = 1;
            else if (ent.hash == hash && !ent.key.is_empty()) r = entry_matches(vm, d, e, key);
            if (r == 0) continue;
            if (r == 2) goto restart;
            if (r < 0) return -1;
            *slot = 0;
            *ix = static_cast<int32_t>(e);
            return 1;
        }
        return 0;
    }
    size_t mask = index_size(d) - 1;
    size_t i = hash & mask;
    for (uint64_t perturb = hash;;) {
        int32_t e = d->index[i];
        if (e == kIxEmpty) return 0;
        if (e >= 0) {
            const Dict::Entry& ent = d->entries[e];
            int r = 0;
            if (ent.key.identical(key)) r = 1;
            else if (ent.hash == hash) r = entry_matches(vm, d, static_cast<size_t>(e), key);
            if (r == 2) goto restart;
            if (r < 0) return -1;
            if (r > 0) {
                *slot = i;
                *ix = e;
                return 1;
            }
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + perturb + 1) & mask;
    }
}

inline bool str_entry_matches(const Dict::Entry& ent, Str* key, uint64_t hash) {
    return ent.key.is_obj() && (ent.key.o == key || (ent.hash == hash && ent.key.o->type->layout == Layout::Str &&
                                                      static_cast<Str*>(ent.key.o)->s == key->s));
}

// Str-only lookup: pointer, then hash + bytes. No user code.
int32_t lookup_str(const Dict* d, Str* key, uint64_t hash, size_t* slot) {
    if (d->index == nullptr) {
        // One pass: keys are unique, so the first match is the only one. Interned names
        // (attributes) match by pointer; the hash test keeps a miss (the usual case when a
        // lookup walks an MRO) from comparing any bytes.
        *slot = 0;
        const Dict::Entry* ents = d->entries.begin();
        for (size_t e = 0, n = d->entries.size(); e < n; ++e)
            if (str_entry_matches(ents[e], key, hash)) return static_cast<int32_t>(e);
        return -1;
    }
    size_t mask = index_size(d) - 1;
    size_t i = hash & mask;
    for (uint64_t perturb = hash;;) {
        int32_t e = d->index[i];
        if (e == kIxEmpty) return -1;
        if (e >= 0 && str_entry_matches(d->entries[e], key, hash)) {
            *slot = i;
            return e;
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + perturb + 1) & mask;
    }
}

// Capacity after `cap` for a small dict: exact steps (1, 2, 3, 4, 6, 8) so an instance's few
// attributes do not pay for a large first reservation.
size_t small_growth(size_t cap) { return cap < 4 ? cap + 1 : cap + 2; }

// Append a new entry (the key is known to be absent).
void insert_new(VM& vm, Dict* d, Value key, uint64_t hash, Value value) {
    if (d->index == nullptr) {
        if (d->entries.size() >= kDictSmallMax) compact(d);
        if (d->entries.size() < kDictSmallMax) {
            if (d->entries.size() == d->entries.capacity()) {
                size_t cap = std::min<size_t>(small_growth(d->entries.capacity()), kDictSmallMax);
                vm.heap.account(static_cast<std::ptrdiff_t>((cap - d->entries.capacity()) * sizeof(Dict::Entry)));
                d->entries.reserve(cap);
            }
            d->entries.push_back({key, value, hash});
            d->used++;
            d->version++;
            return;
        }
        size_t before = d->external_size();
        dict_resize(d, d->used + 1);
        vm.heap.account(static_cast<std::ptrdiff_t>(d->external_size()) - static_cast<std::ptrdiff_t>(before));
    } else if (d->entries.size() >= usable(d)) {
        size_t before = d->external_size();
        dict_resize(d, d->used * 3);
        vm.heap.account(static_cast<std::ptrdiff_t>(d->external_size()) - static_cast<std::ptrdiff_t>(before));
    }
    size_t slot = find_empty_slot(d, hash);
    d->index[slot] = static_cast<int32_t>(d->entries.size());
    d->entries.push_back({key, value, hash});
    d->used++;
    d->version++;
}

void delete_at(Dict* d, size_t slot, int32_t ix) {
    if (d->index != nullptr) d->index[slot] = kIxDummy;
    d->entries[ix].key = Value::empty();
    d->entries[ix].value = Value::empty();
    d->used--;
    d->version++;
    // Trailing deleted entries can simply go (keeps popitem() amortised O(1)); no index slot
    // points to them any more: their slots were made dummies.
    while (!d->entries.empty() && d->entries.back().key.is_empty() && d->used < d->entries.size())
        d->entries.pop_back();
}

}  // namespace

void Dict::trace(Tracer& t) {
    for (const Entry& e : entries) {
        t.mark(e.key);
        t.mark(e.value);
    }
}

Dict* new_dict(VM& vm) { return vm.alloc<Dict>(vm.types.dict); }

Value dict_get(VM& vm, Dict* d, Value key) {
    uint64_t hash;
    if (key.is_obj() && key.o->type == vm.types.str) {
        Str* s = static_cast<Str*>(key.o);
        size_t slot;
        int32_t e = lookup_str(d, s, str_hash(s), &slot);
        return e < 0 ? Value::empty() : d->entries[e].value;
    }
    if (!hash_value(vm, key, &hash)) return Value::empty();
    size_t slot;
    int32_t ix;
    int r = lookup(vm, d, key, hash, &slot, &ix);
    if (r <= 0) return Value::empty();
    return d->entries[ix].value;
}

bool dict_set(VM& vm, Dict* d, Value key, Value value) {
    uint64_t hash;
    if (!hash_value(vm, key, &hash)) return false;
    size_t slot;
    int32_t ix;
    int r = lookup(vm, d, key, hash, &slot, &ix);
    if (r < 0) return false;
    if (r > 0) {
        d->entries[ix].value = value;   // same key set: version unchanged (see Dict::version)
        return true;
    }
    insert_new(vm, d, key, hash, value);
    return true;
}

bool dict_del(VM& vm, Dict* d, Value key) {
    uint64_t hash;
    if (!hash_value(vm, key, &hash)) return false;
    size_t slot;
    int32_t ix;
    int r = lookup(vm, d, key, hash, &slot, &ix);
    if (r < 0) return false;
    if (r == 0) {
        raise_key_error(vm, key);
        return false;
    }
    delete_at(d, slot, ix);
    return true;
}

Value dict_get_str(Dict* d, Str* key) {
    size_t slot;
    int32_t e = lookup_str(d, key, str_hash(key), &slot);
    return e < 0 ? Value::empty() : d->entries[e].value;
}

void dict_set_str(VM& vm, Dict* d, Str* key, Value value) {
    uint64_t hash = str_hash(key);
    size_t slot;
    int32_t e = lookup_str(d, key, hash, &slot);
    if (e >= 0) {
        d->entries[e].value = value;
        return;
    }
    insert_new(vm, d, Value::object(key), hash, value);
}

bool dict_del_str(Dict* d, Str* key) {
    size_t slot;
    int32_t e = lookup_str(d, key, str_hash(key), &slot);
    if (e < 0) return false;
    delete_at(d, slot, e);
    return true;
}

bool dict_next(const Dict* d, size_t* pos, Value* key, Value* value) {
    while (*pos < d->entries.size()) {
        const Dict::Entry& e = d->entries[(*pos)++];
        if (e.key.is_empty()) continue;
        if (key) *key = e.key;
        if (value) *value = e.value;
        return true;
    }
    return false;
}

Dict* dict_copy(VM& vm, Dict* d) {
    Dict* r = new_dict(vm);
    if (d->used == 0) return r;
    if (d->index == nullptr || d->used <= kDictSmallMax) {
        // Small result: the live entries in order, exactly sized.
        r->entries.reserve(d->used);
        for (const Dict::Entry& e : d->entries)
            if (!e.key.is_empty()) r->entries.push_back(e);
    } else if (d->used == d->entries.size()) {
        // No holes: copy both tables as they are.
        r->entries.reserve(d->entries.capacity());
        for (const Dict::Entry& e : d->entries) r->entries.push_back(e);
        size_t bytes = sizeof(int32_t) * index_size(d);
        r->index = static_cast<int32_t*>(std::malloc(bytes));
        if (r->index == nullptr) throw std::bad_alloc();
        std::memcpy(r->index, d->index, bytes);
        r->index_log2 = d->index_log2;
    } else {
        dict_resize(r, d->used);
        for (const Dict::Entry& e : d->entries)
            if (!e.key.is_empty()) {
                size_t slot = find_empty_slot(r, e.hash);
                r->index[slot] = static_cast<int32_t>(r->entries.size());
                r->entries.push_back(e);
            }
    }
    r->used = d->used;
    vm.heap.account(static_cast<std::ptrdiff_t>(r->external_size()));
    return r;
}

// Insert every entry of `src` (a dict whose iteration is the plain one) into d.
static bool dict_merge(VM& vm, Dict* d, Dict* src, bool override_existing) {
    if (src == d || src->used == 0) return true;
    for (size_t i = 0; i < src->entries.size(); ++i) {
        Dict::Entry e = src->entries[i];
        if (e.key.is_empty()) continue;
        size_t before = src->used;
        if (e.key.is_obj()) vm.heap.pin(e.key.o);
        if (e.value.is_obj()) vm.heap.pin(e.value.o);
        size_t slot;
        int32_t ix;
        int r = lookup(vm, d, e.key, e.hash, &slot, &ix);
        if (r < 0) return false;
        if (r > 0) {
            if (override_existing) {
                d->entries[ix].value = e.value;
            }
        } else {
            insert_new(vm, d, e.key, e.hash, e.value);
        }
        if (src->used != before) {
            vm.raise(vm.exc.RuntimeError, "dict mutated during update");
            return false;
        }
    }
    return true;
}

// A dict (or subclass) whose __iter__/keys are dict's own can be merged without user code.
static bool plain_dict(VM& vm, Value v) {
    if (!has_layout(v, Layout::Dict)) return false;
    if (v.o->type == vm.types.dict) return true;
    return type_lookup(v.o->type, vm.names.keys).identical(type_lookup(vm.types.dict, vm.names.keys));
}

bool dict_update(VM& vm, Dict* d, Value other) {
    if (plain_dict(vm, other)) return dict_merge(vm, d, static_cast<Dict*>(other.o), true);
    Value keys_fn = get_attr_opt(vm, other, vm.names.keys);
    if (vm.has_pending()) return false;
    if (!keys_fn.is_empty()) {
        Value keys = vm.call(keys_fn, {});
        if (keys.is_empty()) return false;
        Value it = get_iter(vm, keys);
        if (it.is_empty()) return false;
        for (;;) {
            Value k = iter_next(vm, it);
            if (k.is_empty()) return !vm.has_pending();
            Value v = get_item(vm, other, k);
            if (v.is_empty()) return false;
            if (!dict_set(vm, d, k, v)) return false;
        }
    }
    // An iterable of pairs.
    Value it = get_iter(vm, other);
    if (it.is_empty()) return false;
    for (int64_t n = 0;; ++n) {
        Value item = iter_next(vm, it);
        if (item.is_empty()) return !vm.has_pending();
        Value k, v;
        if (has_layout(item, Layout::Tuple) || has_layout(item, Layout::List)) {
            const std::vector<Value>& xs = item.o->type->layout == Layout::Tuple
                                               ? static_cast<Tuple*>(item.o)->items
                                               : static_cast<List*>(item.o)->items;
            if (xs.size() != 2) {
                vm.raise_format(vm.exc.ValueError,
                                "dictionary update sequence element #%lld has length %zu; 2 is required",
                                static_cast<long long>(n), xs.size());
                return false;
            }
            k = xs[0];
            v = xs[1];
        } else {
            Value sub = get_iter(vm, item);
            if (sub.is_empty()) {
                if (is_instance(vm, vm.pending, vm.exc.TypeError)) {
                    vm.take_pending();
                    vm.raise_format(vm.exc.TypeError,
                                    "cannot convert dictionary update sequence element #%lld to a sequence",
                                    static_cast<long long>(n));
                }
                return false;
            }
            List* parts = list_from_iterable(vm, sub);
            if (parts == nullptr) return false;
            if (parts->items.size() != 2) {
                vm.raise_format(vm.exc.ValueError,
                                "dictionary update sequence element #%lld has length %zu; 2 is required",
                                static_cast<long long>(n), parts->items.size());
                return false;
            }
            k = parts->items[0];
            v = parts->items[1];
        }
        if (!dict_set(vm, d, k, v)) return false;
    }
}

Value dict_getitem(VM& vm, Dict* d, Value key) {
    uint64_t hash;
    if (!hash_value(vm, key, &hash)) return Value::empty();
    size_t slot;
    int32_t ix;
    int r = lookup(vm, d, key, hash, &slot, &ix);
    if (r < 0) return Value::empty();
    if (r > 0) return d->entries[ix].value;
    if (d->type != vm.types.dict) {
        Value missing = type_lookup(d->type, vm.names.__missing__);
        if (!missing.is_empty()) {
            Value args[2] = {Value::object(d), key};
            return call_object(vm, missing, Args{args, 2, nullptr, nullptr});
        }
    }
    return raise_key_error(vm, key);
}

// ---- the dict type's methods ---------------------------------------------------------------

namespace {

#define DICT_SELF(mname)                                                 \
    Dict* self = static_cast<Dict*>(method_self(vm, a, vm.types.dict, mname)); \
    if (self == nullptr) return Value::empty();

Value dict_new_m(VM& vm, const Args& a) {
    if (a.npos == 0 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type)
        return vm.raise(vm.exc.TypeError, "dict.__new__(X): X is not a type object");
    Type* cls = static_cast<Type*>(a[0].o);
    if (!is_subtype(cls, vm.types.dict))
        return vm.raise_format(vm.exc.TypeError, "dict.__new__(%s): %s is not a subtype of dict",
                               std::string(cls->name->view()).c_str(), std::string(cls->name->view()).c_str());
    Obj* o = cls->alloc_instance ? cls->alloc_instance(vm, cls) : vm.alloc<Dict>(cls);
    return Value::object(o);
}

// Positional mapping/iterable then keyword arguments, as dict() and dict.update() take them.
bool update_common(VM& vm, Dict* self, const Args& a, const char* name) {
    if (a.npos > 2) {
        vm.raise_format(vm.exc.TypeError, "%s expected at most 1 argument, got %u", name, a.npos - 1);
        return false;
    }
    if (a.npos == 2 && !dict_update(vm, self, a[1])) return false;
    for (uint32_t i = 0; i < kw_count(a); ++i)
        if (!dict_set(vm, self, a.kwnames->items[i], a.kwvalues[i])) return false;
    return true;
}

Value dict_init_m(VM& vm, const Args& a) {
    DICT_SELF("__init__");
    if (!update_common(vm, self, a, "dict")) return Value::empty();
    return Value::none();
}

Value dict_update_m(VM& vm, const Args& a) {
    DICT_SELF("update");
    if (!update_common(vm, self, a, "update")) return Value::empty();
    return Value::none();
}

Value fromkeys_impl(VM& vm, Value cls, Value iterable, Value value) {
    Value d;
    if (cls.is_empty() || cls.identical(Value::object(vm.types.dict))) {
        d = Value::object(new_dict(vm));
    } else {
        d = vm.call(cls, {});
        if (d.is_empty()) return d;
    }
    bool fast = is_exact(vm, d, vm.types.dict);
    Value it = get_iter(vm, iterable);
    if (it.is_empty()) return it;
    for (;;) {
        Value k = iter_next(vm, it);
        if (k.is_empty()) break;
        bool ok = fast ? dict_set(vm, static_cast<Dict*>(d.o), k, value) : set_item(vm, d, k, value);
        if (!ok) return Value::empty();
    }
    if (vm.has_pending()) return Value::empty();
    return d;
}

// Registered through classmethod(): (cls, iterable[, value]).
Value dict_fromkeys_cls(VM& vm, const Args& a) {
    if (a.npos < 2 || a.npos > 3)
        return vm.raise_format(vm.exc.TypeError, "fromkeys expected at least 1 argument, got %u",
                               a.npos > 0 ? a.npos - 1 : 0);
    return fromkeys_impl(vm, a[0], a[1], a.npos == 3 ? a[2] : Value::none());
}

// Fallback when classmethod() is unavailable: (iterable[, value]).
Value dict_fromkeys_static(VM& vm, const Args& a) {
    if (a.npos < 1 || a.npos > 2)
        return vm.raise_format(vm.exc.TypeError, "fromkeys expected at least 1 argument, got %u", a.npos);
    return fromkeys_impl(vm, Value::empty(), a[0], a.npos == 2 ? a[1] : Value::none());
}

Value dict_get_m(VM& vm, const Args& a) {
    DICT_SELF("get");
    if (!method_args(vm, a, "dict.get", 1, 2)) return Value::empty();
    Value v = dict_get(vm, self, a[1]);
    if (v.is_empty()) return vm.has_pending() ? v : (a.npos == 3 ? a[2] : Value::none());
    return v;
}

Value dict_setdefault_m(VM& vm, const Args& a) {
    DICT_SELF("setdefault");
    if (!method_args(vm, a, "dict.setdefault", 1, 2)) return Value::empty();
    Value v = dict_get(vm, self, a[1]);
    if (!v.is_empty()) return v;
    if (vm.has_pending()) return v;
    Value dflt = a.npos == 3 ? a[2] : Value::none();
    if (!dict_set(vm, self, a[1], dflt)) return Value::empty();
    return dflt;
}

Value dict_pop_m(VM& vm, const Args& a) {
    DICT_SELF("pop");
    if (!method_args(vm, a, "dict.pop", 1, 2)) return Value::empty();
    uint64_t hash;
    if (!hash_value(vm, a[1], &hash)) return Value::empty();
    size_t slot;
    int32_t ix;
    int r = lookup(vm, self, a[1], hash, &slot, &ix);
    if (r < 0) return Value::empty();
    if (r == 0) return a.npos == 3 ? a[2] : raise_key_error(vm, a[1]);
    Value v = self->entries[ix].value;
    if (v.is_obj()) vm.heap.pin(v.o);
    delete_at(self, slot, ix);
    return v;
}

Value dict_popitem_m(VM& vm, const Args& a) {
    DICT_SELF("popitem");
    if (!method_args(vm, a, "dict.popitem", 0, 0)) return Value::empty();
    if (self->used == 0) return vm.raise(vm.exc.KeyError, "popitem(): dictionary is empty");
    size_t e = self->entries.size();
    while (self->entries[e - 1].key.is_empty()) --e;
    Dict::Entry ent = self->entries[e - 1];
    Value kv[2] = {ent.key, ent.value};
    Tuple* t = new_tuple(vm, kv, 2);
    // Find the index slot pointing at this entry.
    size_t i = 0;
    if (self->index != nullptr) {
        size_t mask = index_size(self) - 1;
        i = ent.hash & mask;
        for (uint64_t perturb = ent.hash; self->index[i] != static_cast<int32_t>(e - 1);) {
            perturb >>= kPerturbShift;
            i = (i * 5 + perturb + 1) & mask;
        }
    }
    delete_at(self, i, static_cast<int32_t>(e - 1));
    return Value::object(t);
}

Value dict_keys_m(VM& vm, const Args& a) {
    DICT_SELF("keys");
    if (!method_args(vm, a, "dict.keys", 0, 0)) return Value::empty();
    return new_dict_view(vm, self, vm.types.dict_keys);
}
Value dict_values_m(VM& vm, const Args& a) {
    DICT_SELF("values");
    if (!method_args(vm, a, "dict.values", 0, 0)) return Value::empty();
    return new_dict_view(vm, self, vm.types.dict_values);
}
Value dict_items_m(VM& vm, const Args& a) {
    DICT_SELF("items");
    if (!method_args(vm, a, "dict.items", 0, 0)) return Value::empty();
    return new_dict_view(vm, self, vm.types.dict_items);
}

Value dict_clear_m(VM& vm, const Args& a) {
    DICT_SELF("clear");
    if (!method_args(vm, a, "dict.clear", 0, 0)) return Value::empty();
    self->entries.release();
    std::free(self->index);
    self->index = nullptr;
    self->index_log2 = 0;
    self->used = 0;
    self->version++;
    return Value::none();
}

Value dict_copy_m(VM& vm, const Args& a) {
    DICT_SELF("copy");
    if (!method_args(vm, a, "dict.copy", 0, 0)) return Value::empty();
    return Value::object(dict_copy(vm, self));
}

Value dict_getitem_m(VM& vm, const Args& a) {
    DICT_SELF("__getitem__");
    if (!method_args(vm, a, "dict.__getitem__", 1, 1)) return Value::empty();
    return dict_getitem(vm, self, a[1]);
}

Value dict_setitem_m(VM& vm, const Args& a) {
    DICT_SELF("__setitem__");
    if (!method_args(vm, a, "dict.__setitem__", 2, 2)) return Value::empty();
    if (!dict_set(vm, self, a[1], a[2])) return Value::empty();
    return Value::none();
}

Value dict_delitem_m(VM& vm, const Args& a) {
    DICT_SELF("__delitem__");
    if (!method_args(vm, a, "dict.__delitem__", 1, 1)) return Value::empty();
    if (!dict_del(vm, self, a[1])) return Value::empty();
    return Value::none();
}

Value dict_contains_m(VM& vm, const Args& a) {
    DICT_SELF("__contains__");
    if (!method_args(vm, a, "dict.__contains__", 1, 1)) return Value::empty();
    Value v = dict_get(vm, self, a[1]);
    if (vm.has_pending()) return Value::empty();
    return Value::boolean(!v.is_empty());
}

Value dict_len_m(VM& vm, const Args& a) {
    DICT_SELF("__len__");
    if (!method_args(vm, a, "dict.__len__", 0, 0)) return Value::empty();
    return Value::integer(static_cast<int64_t>(self->used));
}

Value dict_iter_m(VM& vm, const Args& a) {
    DICT_SELF("__iter__");
    if (!method_args(vm, a, "dict.__iter__", 0, 0)) return Value::empty();
    return new_dict_iterator(vm, self, kDictKeyIter);
}

Value dict_reversed_m(VM& vm, const Args& a) {
    DICT_SELF("__reversed__");
    if (!method_args(vm, a, "dict.__reversed__", 0, 0)) return Value::empty();
    return new_dict_iterator(vm, self, kDictRevKeyIter);
}

// 1 equal, 0 not, -1 error.
int dict_equal(VM& vm, Dict* a, Dict* b) {
    if (a->used != b->used) return 0;
    for (size_t i = 0; i < a->entries.size(); ++i) {
        Dict::Entry e = a->entries[i];
        if (e.key.is_empty()) continue;
        if (e.key.is_obj()) vm.heap.pin(e.key.o);
        if (e.value.is_obj()) vm.heap.pin(e.value.o);
        size_t slot;
        int32_t ix;
        int r = lookup(vm, b, e.key, e.hash, &slot, &ix);
        if (r <= 0) return r;
        Value bv = b->entries[ix].value;
        if (bv.is_obj()) vm.heap.pin(bv.o);
        r = same_or_equal(vm, e.value, bv);
        if (r <= 0) return r;
    }
    return 1;
}

Value dict_eq_m(VM& vm, const Args& a) {
    DICT_SELF("__eq__");
    if (!method_args(vm, a, "dict.__eq__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Dict)) return vm.not_implemented;
    int r = dict_equal(vm, self, static_cast<Dict*>(a[1].o));
    return r < 0 ? Value::empty() : Value::boolean(r == 1);
}

Value dict_ne_m(VM& vm, const Args& a) {
    DICT_SELF("__ne__");
    if (!method_args(vm, a, "dict.__ne__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Dict)) return vm.not_implemented;
    int r = dict_equal(vm, self, static_cast<Dict*>(a[1].o));
    return r < 0 ? Value::empty() : Value::boolean(r == 0);
}

Value dict_or_m(VM& vm, const Args& a) {
    DICT_SELF("__or__");
    if (!method_args(vm, a, "dict.__or__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Dict)) return vm.not_implemented;
    Dict* r = dict_copy(vm, self);
    if (!dict_update(vm, r, a[1])) return Value::empty();
    return Value::object(r);
}

Value dict_ror_m(VM& vm, const Args& a) {
    DICT_SELF("__ror__");
    if (!method_args(vm, a, "dict.__ror__", 1, 1)) return Value::empty();
    if (!has_layout(a[1], Layout::Dict)) return vm.not_implemented;
    Dict* r = dict_copy(vm, static_cast<Dict*>(a[1].o));
    if (!dict_update(vm, r, a[0])) return Value::empty();
    return Value::object(r);
}

Value dict_ior_m(VM& vm, const Args& a) {
    DICT_SELF("__ior__");
    if (!method_args(vm, a, "dict.__ior__", 1, 1)) return Value::empty();
    if (!dict_update(vm, self, a[1])) return Value::empty();
    return a[0];
}

Value dict_repr_m(VM& vm, const Args& a) {
    DICT_SELF("__repr__");
    if (!method_args(vm, a, "dict.__repr__", 0, 0)) return Value::empty();
    if (self->used == 0) return str_result(vm, "{}");
    ReprGuard guard(vm, self);
    if (!guard.active) return str_result(vm, "{...}");
    std::string out = "{";
    bool first = true;
    for (size_t i = 0; i < self->entries.size(); ++i) {
        Dict::Entry e = self->entries[i];
        if (e.key.is_empty()) continue;
        if (e.key.is_obj()) vm.heap.pin(e.key.o);
        if (e.value.is_obj()) vm.heap.pin(e.value.o);
        if (!first) out += ", ";
        first = false;
        if (!append_repr(vm, out, e.key)) return Value::empty();
        out += ": ";
        if (!append_repr(vm, out, e.value)) return Value::empty();
    }
    out += "}";
    return str_result(vm, out);
}

Value dict_sizeof_m(VM& vm, const Args& a) {
    DICT_SELF("__sizeof__");
    return Value::integer(static_cast<int64_t>(48 + self->external_size()));
}

}  // namespace

void detail::init_dict_type(VM& vm) {
    Type* t = vm.types.dict;
    t->alloc_instance = [](VM& vm, Type* type) -> Obj* { return vm.alloc<Dict>(type); };
    def_method(vm, t, "__new__", dict_new_m);
    def_method(vm, t, "__init__", dict_init_m);
    def_method(vm, t, "get", dict_get_m);
    def_method(vm, t, "setdefault", dict_setdefault_m);
    def_method(vm, t, "pop", dict_pop_m);
    def_method(vm, t, "popitem", dict_popitem_m);
    def_method(vm, t, "keys", dict_keys_m);
    def_method(vm, t, "values", dict_values_m);
    def_method(vm, t, "items", dict_items_m);
    def_method(vm, t, "update", dict_update_m);
    def_method(vm, t, "clear", dict_clear_m);
    def_method(vm, t, "copy", dict_copy_m);
    def_method(vm, t, "__getitem__", dict_getitem_m);
    def_method(vm, t, "__setitem__", dict_setitem_m);
    def_method(vm, t, "__delitem__", dict_delitem_m);
    def_method(vm, t, "__contains__", dict_contains_m);
    def_method(vm, t, "__len__", dict_len_m);
    def_method(vm, t, "__iter__", dict_iter_m);
    def_method(vm, t, "__reversed__", dict_reversed_m);
    def_method(vm, t, "__eq__", dict_eq_m);
    def_method(vm, t, "__ne__", dict_ne_m);
    def_method(vm, t, "__or__", dict_or_m);
    def_method(vm, t, "__ror__", dict_ror_m);
    def_method(vm, t, "__ior__", dict_ior_m);
    def_method(vm, t, "__repr__", dict_repr_m);
    def_method(vm, t, "__sizeof__", dict_sizeof_m);
    dict_set_str(vm, t->dict, vm.names.__hash__, Value::none());
    // fromkeys is a classmethod: wrap the native when classmethod() is available.
    NativeFunction* fk = new_native(vm, "fromkeys", dict_fromkeys_cls);
    Value cm = vm.types.classmethod ? vm.call(Value::object(vm.types.classmethod), {Value::object(fk)})
                                    : Value::empty();
    if (cm.is_empty()) {
        vm.take_pending();
        NativeFunction* st = new_native(vm, "fromkeys", dict_fromkeys_static);
        cm = Value::object(st);
    }
    dict_set_str(vm, t->dict, vm.intern("fromkeys"), cm);
}

}  // namespace asy::vm
