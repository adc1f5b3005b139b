// `set` and `frozenset`: CPython 3.11's set table (linear probing of LINEAR_PROBES slots, then
// perturbation; resize at 60% fill), so iteration order matches CPython's, plus every method.
#include <utility>

#include "vm/objects/container_util.hpp"
#include "vm/objects/iterators.hpp"

namespace asy::vm {

using namespace detail;

namespace {

constexpr size_t kSetMinSize = 8;
constexpr size_t kLinearProbes = 9;
constexpr unsigned kPerturbShift = 5;

bool is_unused(const Set::Entry& e) { return e.key.is_empty() && e.hash == 0; }

void ensure_table(Set* s) {
    if (s->table.empty()) {
        s->table.assign(kSetMinSize, Set::Entry{});
        s->mask = kSetMinSize - 1;
    }
}

void insert_clean(std::vector<Set::Entry>& table, size_t mask, Value key, uint64_t hash) {
    uint64_t perturb = hash;
    size_t i = hash & mask;
    size_t j;
    for (;;) {
        j = i;
        if (table[j].key.is_empty()) goto found;
        if (i + kLinearProbes <= mask) {
            for (size_t k = 0; k < kLinearProbes; ++k)
                if (table[++j].key.is_empty()) goto found;
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + 1 + perturb) & mask;
    }
found:
    table[j].key = key;
    table[j].hash = hash;
}

void table_resize(VM& vm, Set* s, size_t minused) {
    size_t newsize = kSetMinSize;
    while (newsize <= minused) newsize <<= 1;
    std::vector<Set::Entry> old;
    old.swap(s->table);
    size_t before = old.capacity() * sizeof(Set::Entry);
    s->table.assign(newsize, Set::Entry{});
    s->mask = newsize - 1;
    s->fill = s->used;
    for (const Set::Entry& e : old)
        if (!e.key.is_empty()) insert_clean(s->table, s->mask, e.key, e.hash);
    vm.heap.account(static_cast<std::ptrdiff_t>(s->table.capacity() * sizeof(Set::Entry)) -
                    static_cast<std::ptrdiff_t>(before));
}

// 1 equal, 0 not, -1 error; *restart when the table changed under a user __eq__.
int entry_matches(VM& vm, Set* s, size_t i, Value key, uint64_t hash, bool* restart) {
    Set::Entry& e = s->table[i];
    if (e.hash != hash || e.key.is_empty()) return 0;
    Value startkey = e.key;
    if (startkey.identical(key)) return 1;
    if (startkey.is_int() && key.is_int()) return 0;
    if (startkey.is_obj() && key.is_obj() && startkey.o->type == vm.types.str && key.o->type == vm.types.str)
        return static_cast<Str*>(startkey.o)->s == static_cast<Str*>(key.o)->s;
    const Set::Entry* data = s->table.data();
    uint64_t version = s->version;
    if (startkey.is_obj()) vm.heap.pin(startkey.o);
    int r = equals(vm, startkey, key);
    if (r < 0) return -1;
    if (s->table.data() != data || s->version != version || i > s->mask ||
        !s->table[i].key.identical(startkey)) {
        *restart = true;
        return 0;
    }
    return r;
}

// Index of key's slot, or -1 when absent; -2 on error. (CPython's set_lookkey: LINEAR_PROBES
// neighbours of each probe position, then a perturbed jump from the probe position.)
int64_t lookkey(VM& vm, Set* s, Value key, uint64_t hash) {
restart:
    if (s->table.empty()) return -1;
    size_t mask = s->mask;
    size_t i = hash & mask;
    uint64_t perturb = hash;
    bool again = false;
    for (;;) {
        size_t probes = (i + kLinearProbes <= mask) ? kLinearProbes : 0;
        size_t j = i;
        for (;;) {
            if (is_unused(s->table[j])) return -1;
            int r = entry_matches(vm, s, j, key, hash, &again);
            if (r < 0) return -2;
            if (again) goto restart;
            if (r) return static_cast<int64_t>(j);
            if (probes-- == 0) break;
            ++j;
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

bool add_entry(VM& vm, Set* s, Value key, uint64_t hash) {
restart:
    ensure_table(s);
    size_t mask = s->mask;
    size_t i = hash & mask;
    uint64_t perturb = hash;
    int64_t freeslot = -1;
    size_t j = 0;
    bool again = false;
    for (;;) {
        size_t probes = (i + kLinearProbes <= mask) ? kLinearProbes : 0;
        for (j = i;; ++j) {
            Set::Entry& e = s->table[j];
            if (is_unused(e)) goto found_unused_or_dummy;
            if (e.hash == hash && !e.key.is_empty()) {
                int r = entry_matches(vm, s, j, key, hash, &again);
                if (r < 0) return false;
                if (again) goto restart;
                if (r) return true;   // already present
                mask = s->mask;
            } else if (e.key.is_empty() && e.hash == kSetDummyHash) {
                if (freeslot < 0) freeslot = static_cast<int64_t>(j);
            }
            if (probes-- == 0) break;
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + 1 + perturb) & mask;
    }
found_unused_or_dummy:
    s->version++;
    if (freeslot >= 0) {
        s->used++;
        s->table[freeslot].key = key;
        s->table[freeslot].hash = hash;
        return true;
    }
    s->fill++;
    s->used++;
    s->table[j].key = key;
    s->table[j].hash = hash;
    if (s->fill * 5 < mask * 3) return true;
    table_resize(vm, s, s->used > 50000 ? s->used * 2 : s->used * 4);
    return true;
}

// 1 removed, 0 absent, -1 error.
int discard_entry(VM& vm, Set* s, Value key, uint64_t hash) {
    int64_t i = lookkey(vm, s, key, hash);
    if (i == -2) return -1;
    if (i < 0) return 0;
    s->table[i].key = Value::empty();
    s->table[i].hash = kSetDummyHash;
    s->used--;
    s->version++;
    return 1;
}

bool is_anyset(Value v) { return has_layout(v, Layout::Set) || has_layout(v, Layout::FrozenSet); }
bool is_frozen(const Set* s) { return s->type->layout == Layout::FrozenSet; }

// hash(key) for set lookups: an unhashable `set` key is looked up as a frozenset (CPython).
bool set_key_hash(VM& vm, Value* key, uint64_t* hash) {
    if (hash_value(vm, *key, hash)) return true;
    if (!has_layout(*key, Layout::Set) || !is_instance(vm, vm.pending, vm.exc.TypeError)) return false;
    vm.take_pending();
    Set* f = new_set(vm, true);
    if (!set_update(vm, f, *key)) return false;
    *key = Value::object(f);
    return frozenset_hash(vm, f, hash);
}

void clear_set(Set* s) {
    s->table.clear();
    s->table.shrink_to_fit();
    s->mask = 0;
    s->fill = 0;
    s->used = 0;
    s->version++;
}

void swap_bodies(Set* a, Set* b) {
    std::swap(a->table, b->table);
    std::swap(a->mask, b->mask);
    std::swap(a->fill, b->fill);
    std::swap(a->used, b->used);
    a->version++;
    b->version++;
}

bool set_merge(VM& vm, Set* s, Set* other) {
    if (other == s || other->used == 0) return true;
    ensure_table(s);
    if ((s->fill + other->used) * 5 >= s->mask * 3) table_resize(vm, s, (s->used + other->used) * 2);
    s->version++;
    if (s->fill == 0 && s->mask == other->mask && other->fill == other->used) {
        for (size_t i = 0; i <= other->mask; ++i)
            if (!other->table[i].key.is_empty()) s->table[i] = other->table[i];
        s->fill = other->fill;
        s->used = other->used;
        return true;
    }
    if (s->fill == 0) {
        s->fill = other->used;
        s->used = other->used;
        for (const Set::Entry& e : other->table)
            if (!e.key.is_empty()) insert_clean(s->table, s->mask, e.key, e.hash);
        return true;
    }
    for (size_t i = 0; i < other->table.size(); ++i) {
        Set::Entry e = other->table[i];
        if (e.key.is_empty()) continue;
        if (!add_entry(vm, s, e.key, e.hash)) return false;
    }
    return true;
}

// Make an empty set of the same base kind (set or frozenset) as `like`.
Set* new_like(VM& vm, const Set* like) { return new_set(vm, is_frozen(like)); }

Set* copy_set(VM& vm, Set* s) {
    Set* r = new_like(vm, s);
    set_merge(vm, r, s);
    return r;
}

}  // namespace

void Set::trace(Tracer& t) {
    for (const Entry& e : table) t.mark(e.key);
}

Set* new_set(VM& vm, bool frozen) { return vm.alloc<Set>(frozen ? vm.types.frozenset : vm.types.set); }

bool set_add(VM& vm, Set* s, Value key) {
    uint64_t hash;
    if (!hash_value(vm, key, &hash)) return false;
    return add_entry(vm, s, key, hash);
}

int set_contains(VM& vm, Set* s, Value key) {
    uint64_t hash;
    if (!set_key_hash(vm, &key, &hash)) return -1;
    int64_t i = lookkey(vm, s, key, hash);
    if (i == -2) return -1;
    return i >= 0 ? 1 : 0;
}

int set_discard(VM& vm, Set* s, Value key) {
    uint64_t hash;
    if (!set_key_hash(vm, &key, &hash)) return -1;
    return discard_entry(vm, s, key, hash);
}

bool set_update(VM& vm, Set* s, Value iterable) {
    if (is_anyset(iterable)) return set_merge(vm, s, static_cast<Set*>(iterable.o));
    if (is_exact(vm, iterable, vm.types.dict)) {
        Dict* d = static_cast<Dict*>(iterable.o);
        ensure_table(s);
        if ((s->fill + d->used) * 5 >= s->mask * 3) table_resize(vm, s, (s->used + d->used) * 2);
        for (size_t i = 0; i < d->entries.size(); ++i) {
            Dict::Entry e = d->entries[i];
            if (e.key.is_empty()) continue;
            if (!add_entry(vm, s, e.key, e.hash)) return false;
        }
        return true;
    }
    Value it = get_iter(vm, iterable);
    if (it.is_empty()) return false;
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) return !vm.has_pending();
        if (!set_add(vm, s, v)) return false;
    }
}

bool frozenset_hash(VM& vm, Set* s, uint64_t* out) {
    if (s->frozen_hashed) {
        *out = s->frozen_hash;
        return true;
    }
    auto shuffle = [](uint64_t h) { return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL; };
    uint64_t hash = 0;
    for (const Set::Entry& e : s->table)
        if (!e.key.is_empty()) hash ^= shuffle(e.hash);
    hash ^= (static_cast<uint64_t>(s->used) + 1) * 1927868237ULL;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069U + 907133923ULL;
    if (hash == ~uint64_t(0)) hash = 590923713ULL;
    s->frozen_hash = hash;
    s->frozen_hashed = true;
    *out = hash;
    return true;
}

// ---- operations on sets (CPython's algorithms, which fix the result's iteration order) ------

namespace {

Set* intersection2(VM& vm, Set* so, Value other) {
    Set* result = new_like(vm, so);
    if (is_anyset(other)) {
        Set* o = static_cast<Set*>(other.o);
        if (o->used > so->used) std::swap(so, o);
        for (size_t i = 0; i < o->table.size(); ++i) {
            Set::Entry e = o->table[i];
            if (e.key.is_empty()) continue;
            int64_t r = lookkey(vm, so, e.key, e.hash);
            if (r == -2) return nullptr;
            if (r >= 0 && !add_entry(vm, result, e.key, e.hash)) return nullptr;
        }
        return result;
    }
    Value it = get_iter(vm, other);
    if (it.is_empty()) return nullptr;
    for (;;) {
        Value key = iter_next(vm, it);
        if (key.is_empty()) return vm.has_pending() ? nullptr : result;
        uint64_t hash;
        if (!hash_value(vm, key, &hash)) return nullptr;
        int64_t r = lookkey(vm, so, key, hash);
        if (r == -2) return nullptr;
        if (r >= 0 && !add_entry(vm, result, key, hash)) return nullptr;
    }
}

bool difference_update(VM& vm, Set* so, Value other) {
    if (other.is_obj() && other.o == so) {
        clear_set(so);
        return true;
    }
    if (is_anyset(other)) {
        Set* o = static_cast<Set*>(other.o);
        for (size_t i = 0; i < o->table.size(); ++i) {
            Set::Entry e = o->table[i];
            if (!e.key.is_empty() && discard_entry(vm, so, e.key, e.hash) < 0) return false;
        }
    } else {
        Value it = get_iter(vm, other);
        if (it.is_empty()) return false;
        for (;;) {
            Value key = iter_next(vm, it);
            if (key.is_empty()) {
                if (vm.has_pending()) return false;
                break;
            }
            if (set_discard(vm, so, key) < 0) return false;
        }
    }
    if (so->fill - so->used <= so->mask / 4) return true;
    table_resize(vm, so, so->used > 50000 ? so->used * 2 : so->used * 4);
    return true;
}

Set* difference2(VM& vm, Set* so, Value other) {
    size_t other_size;
    bool dict = is_exact(vm, other, vm.types.dict);
    if (is_anyset(other)) other_size = static_cast<Set*>(other.o)->used;
    else if (dict) other_size = static_cast<Dict*>(other.o)->used;
    else other_size = SIZE_MAX;
    if (other_size == SIZE_MAX || (so->used >> 2) > other_size) {
        Set* r = copy_set(vm, so);
        if (!difference_update(vm, r, other)) return nullptr;
        return r;
    }
    Set* result = new_like(vm, so);
    for (size_t i = 0; i < so->table.size(); ++i) {
        Set::Entry e = so->table[i];
        if (e.key.is_empty()) continue;
        int present;
        if (dict) {
            Value v = dict_get(vm, static_cast<Dict*>(other.o), e.key);
            if (vm.has_pending()) return nullptr;
            present = !v.is_empty();
        } else {
            int64_t r = lookkey(vm, static_cast<Set*>(other.o), e.key, e.hash);
            if (r == -2) return nullptr;
            present = r >= 0;
        }
        if (!present && !add_entry(vm, result, e.key, e.hash)) return nullptr;
    }
    return result;
}

bool symmetric_difference_update(VM& vm, Set* so, Value other) {
    if (other.is_obj() && other.o == so) {
        clear_set(so);
        return true;
    }
    Set* o;
    if (is_anyset(other)) {
        o = static_cast<Set*>(other.o);
    } else {
        o = new_like(vm, so);
        if (!set_update(vm, o, other)) return false;
    }
    for (size_t i = 0; i < o->table.size(); ++i) {
        Set::Entry e = o->table[i];
        if (e.key.is_empty()) continue;
        int r = discard_entry(vm, so, e.key, e.hash);
        if (r < 0) return false;
        if (r == 0 && !add_entry(vm, so, e.key, e.hash)) return false;
    }
    return true;
}

Set* symmetric_difference2(VM& vm, Set* so, Value other) {
    Set* r = new_like(vm, so);
    if (!set_update(vm, r, other)) return nullptr;
    if (!symmetric_difference_update(vm, r, Value::object(so))) return nullptr;
    return r;
}

// 1 yes, 0 no, -1 error.
int issubset(VM& vm, Set* so, Set* other) {
    if (so->used > other->used) return 0;
    for (size_t i = 0; i < so->table.size(); ++i) {
        Set::Entry e = so->table[i];
        if (e.key.is_empty()) continue;
        int64_t r = lookkey(vm, other, e.key, e.hash);
        if (r == -2) return -1;
        if (r < 0) return 0;
    }
    return 1;
}

Value result(Set* s) { return s ? Value::object(s) : Value::empty(); }

Set* set_self(VM& vm, const Args& a, const char* mname) {
    if (a.npos > 0 && is_anyset(a[0])) return static_cast<Set*>(a[0].o);
    return static_cast<Set*>(method_self(vm, a, vm.types.set, mname));
}

#define SET_SELF(mname)                               \
    Set* self = set_self(vm, a, mname);               \
    if (self == nullptr) return Value::empty();
#define MUT_SET_SELF(mname)                                                    \
    Set* self = static_cast<Set*>(method_self(vm, a, vm.types.set, mname));    \
    if (self == nullptr) return Value::empty();

Value set_new_m(VM& vm, const Args& a) {
    if (a.npos == 0 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type)
        return vm.raise(vm.exc.TypeError, "set.__new__(X): X is not a type object");
    Type* cls = static_cast<Type*>(a[0].o);
    return Value::object(cls->alloc_instance ? cls->alloc_instance(vm, cls) : vm.alloc<Set>(cls));
}

Value set_init_m(VM& vm, const Args& a) {
    MUT_SET_SELF("__init__");
    if (kw_count(a) != 0 && self->type == vm.types.set)
        return vm.raise(vm.exc.TypeError, "set() takes no keyword arguments");
    if (a.npos > 2) return vm.raise_format(vm.exc.TypeError, "set expected at most 1 argument, got %u", a.npos - 1);
    if (self->used) clear_set(self);
    if (a.npos == 2 && !set_update(vm, self, a[1])) return Value::empty();
    return Value::none();
}

Value frozenset_new_m(VM& vm, const Args& a) {
    if (a.npos == 0 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type)
        return vm.raise(vm.exc.TypeError, "frozenset.__new__(X): X is not a type object");
    Type* cls = static_cast<Type*>(a[0].o);
    if (kw_count(a) != 0 && cls == vm.types.frozenset)
        return vm.raise(vm.exc.TypeError, "frozenset() takes no keyword arguments");
    if (a.npos > 2)
        return vm.raise_format(vm.exc.TypeError, "frozenset expected at most 1 argument, got %u", a.npos - 1);
    if (cls == vm.types.frozenset && a.npos == 2 && is_exact(vm, a[1], vm.types.frozenset)) return a[1];
    Set* s = static_cast<Set*>(cls->alloc_instance ? cls->alloc_instance(vm, cls) : vm.alloc<Set>(cls));
    if (a.npos == 2 && !set_update(vm, s, a[1])) return Value::empty();
    return Value::object(s);
}

Value set_add_m(VM& vm, const Args& a) {
    MUT_SET_SELF("add");
    if (!method_args(vm, a, "set.add", 1, 1)) return Value::empty();
    if (!set_add(vm, self, a[1])) return Value::empty();
    return Value::none();
}

Value set_remove_m(VM& vm, const Args& a) {
    MUT_SET_SELF("remove");
    if (!method_args(vm, a, "set.remove", 1, 1)) return Value::empty();
    int r = set_discard(vm, self, a[1]);
    if (r < 0) return Value::empty();
    if (r == 0) return raise_key_error(vm, a[1]);
    return Value::none();
}

Value set_discard_m(VM& vm, const Args& a) {
    MUT_SET_SELF("discard");
    if (!method_args(vm, a, "set.discard", 1, 1)) return Value::empty();
    if (set_discard(vm, self, a[1]) < 0) return Value::empty();
    return Value::none();
}

Value set_pop_m(VM& vm, const Args& a) {
    MUT_SET_SELF("pop");
    if (!method_args(vm, a, "set.pop", 0, 0)) return Value::empty();
    if (self->used == 0) return vm.raise(vm.exc.KeyError, "pop from an empty set");
    size_t i = self->finger & self->mask;
    while (self->table[i].key.is_empty()) {
        ++i;
        if (i > self->mask) i = 0;
    }
    Value key = self->table[i].key;
    self->table[i].key = Value::empty();
    self->table[i].hash = kSetDummyHash;
    self->used--;
    self->version++;
    self->finger = i + 1;
    return key;
}

Value set_clear_m(VM& vm, const Args& a) {
    MUT_SET_SELF("clear");
    if (!method_args(vm, a, "set.clear", 0, 0)) return Value::empty();
    clear_set(self);
    return Value::none();
}

Value set_copy_m(VM& vm, const Args& a) {
    SET_SELF("copy");
    if (!method_args(vm, a, "set.copy", 0, 0)) return Value::empty();
    if (self->type == vm.types.frozenset) return a[0];
    return Value::object(copy_set(vm, self));
}

Value set_update_m(VM& vm, const Args& a) {
    MUT_SET_SELF("update");
    if (!method_args(vm, a, "set.update", 0, UINT32_MAX)) return Value::empty();
    for (uint32_t i = 1; i < a.npos; ++i)
        if (!set_update(vm, self, a[i])) return Value::empty();
    return Value::none();
}

Value set_union_m(VM& vm, const Args& a) {
    SET_SELF("union");
    if (!method_args(vm, a, "set.union", 0, UINT32_MAX)) return Value::empty();
    Set* r = copy_set(vm, self);
    for (uint32_t i = 1; i < a.npos; ++i) {
        if (a[i].is_obj() && a[i].o == self) continue;
        if (!set_update(vm, r, a[i])) return Value::empty();
    }
    return Value::object(r);
}

Value set_intersection_m(VM& vm, const Args& a) {
    SET_SELF("intersection");
    if (!method_args(vm, a, "set.intersection", 0, UINT32_MAX)) return Value::empty();
    if (a.npos == 1) return Value::object(copy_set(vm, self));
    Set* r = self;
    for (uint32_t i = 1; i < a.npos; ++i) {
        r = intersection2(vm, r, a[i]);
        if (r == nullptr) return Value::empty();
    }
    return Value::object(r);
}

Value set_intersection_update_m(VM& vm, const Args& a) {
    MUT_SET_SELF("intersection_update");
    if (!method_args(vm, a, "set.intersection_update", 0, UINT32_MAX)) return Value::empty();
    Set* r = self;
    for (uint32_t i = 1; i < a.npos; ++i) {
        r = intersection2(vm, r, a[i]);
        if (r == nullptr) return Value::empty();
    }
    if (r != self) swap_bodies(self, r);
    return Value::none();
}

Value set_difference_m(VM& vm, const Args& a) {
    SET_SELF("difference");
    if (!method_args(vm, a, "set.difference", 0, UINT32_MAX)) return Value::empty();
    if (a.npos == 1) return Value::object(copy_set(vm, self));
    Set* r = difference2(vm, self, a[1]);
    if (r == nullptr) return Value::empty();
    for (uint32_t i = 2; i < a.npos; ++i)
        if (!difference_update(vm, r, a[i])) return Value::empty();
    return Value::object(r);
}

Value set_difference_update_m(VM& vm, const Args& a) {
    MUT_SET_SELF("difference_update");
    if (!method_args(vm, a, "set.difference_update", 0, UINT32_MAX)) return Value::empty();
    for (uint32_t i = 1; i < a.npos; ++i)
        if (!difference_update(vm, self, a[i])) return Value::empty();
    return Value::none();
}

Value set_symmetric_difference_m(VM& vm, const Args& a) {
    SET_SELF("symmetric_difference");
    if (!method_args(vm, a, "set.symmetric_difference", 1, 1)) return Value::empty();
    return result(symmetric_difference2(vm, self, a[1]));
}

Value set_symmetric_difference_update_m(VM& vm, const Args& a) {
    MUT_SET_SELF("symmetric_difference_update");
    if (!method_args(vm, a, "set.symmetric_difference_update", 1, 1)) return Value::empty();
    if (!symmetric_difference_update(vm, self, a[1])) return Value::empty();
    return Value::none();
}

// A set of the items of `v` when it is not a set already (pinned: freshly allocated).
Set* as_set(VM& vm, Value v) {
    if (is_anyset(v)) return static_cast<Set*>(v.o);
    Set* s = new_set(vm);
    if (!set_update(vm, s, v)) return nullptr;
    return s;
}

Value set_issubset_m(VM& vm, const Args& a) {
    SET_SELF("issubset");
    if (!method_args(vm, a, "set.issubset", 1, 1)) return Value::empty();
    Set* o = as_set(vm, a[1]);
    if (o == nullptr) return Value::empty();
    int r = issubset(vm, self, o);
    return r < 0 ? Value::empty() : Value::boolean(r);
}

Value set_issuperset_m(VM& vm, const Args& a) {
    SET_SELF("issuperset");
    if (!method_args(vm, a, "set.issuperset", 1, 1)) return Value::empty();
    if (is_anyset(a[1])) {
        int r = issubset(vm, static_cast<Set*>(a[1].o), self);
        return r < 0 ? Value::empty() : Value::boolean(r);
    }
    Value it = get_iter(vm, a[1]);
    if (it.is_empty()) return it;
    for (;;) {
        Value key = iter_next(vm, it);
        if (key.is_empty()) return vm.has_pending() ? key : Value::boolean(true);
        int r = set_contains(vm, self, key);
        if (r < 0) return Value::empty();
        if (r == 0) return Value::boolean(false);
    }
}

Value set_isdisjoint_m(VM& vm, const Args& a) {
    SET_SELF("isdisjoint");
    if (!method_args(vm, a, "set.isdisjoint", 1, 1)) return Value::empty();
    if (is_anyset(a[1])) {
        Set* x = self;
        Set* y = static_cast<Set*>(a[1].o);
        if (x->used > y->used) std::swap(x, y);
        for (size_t i = 0; i < x->table.size(); ++i) {
            Set::Entry e = x->table[i];
            if (e.key.is_empty()) continue;
            int64_t r = lookkey(vm, y, e.key, e.hash);
            if (r == -2) return Value::empty();
            if (r >= 0) return Value::boolean(false);
        }
        return Value::boolean(true);
    }
    Value it = get_iter(vm, a[1]);
    if (it.is_empty()) return it;
    for (;;) {
        Value key = iter_next(vm, it);
        if (key.is_empty()) return vm.has_pending() ? key : Value::boolean(true);
        int r = set_contains(vm, self, key);
        if (r < 0) return Value::empty();
        if (r) return Value::boolean(false);
    }
}

// Binary operators: both operands must be sets (else NotImplemented).
enum class SetOp { Or, And, Sub, Xor };

Value binop(VM& vm, Value x, Value y, SetOp op) {
    if (!is_anyset(x) || !is_anyset(y)) return vm.not_implemented;
    Set* so = static_cast<Set*>(x.o);
    switch (op) {
    case SetOp::Or: {
        Set* r = copy_set(vm, so);
        if (x.o != y.o && !set_update(vm, r, y)) return Value::empty();
        return Value::object(r);
    }
    case SetOp::And: return result(intersection2(vm, so, y));
    case SetOp::Sub: return result(difference2(vm, so, y));
    case SetOp::Xor: return result(symmetric_difference2(vm, so, y));
    }
    return Value::empty();
}

template <SetOp op>
Value set_binop_m(VM& vm, const Args& a) {
    SET_SELF("__or__");
    if (!method_args(vm, a, "set.__or__", 1, 1)) return Value::empty();
    return binop(vm, a[0], a[1], op);
}

template <SetOp op>
Value set_rbinop_m(VM& vm, const Args& a) {
    SET_SELF("__ror__");
    if (!method_args(vm, a, "set.__ror__", 1, 1)) return Value::empty();
    return binop(vm, a[1], a[0], op);
}

template <SetOp op>
Value set_ibinop_m(VM& vm, const Args& a) {
    MUT_SET_SELF("__ior__");
    if (!method_args(vm, a, "set.__ior__", 1, 1)) return Value::empty();
    if (!is_anyset(a[1])) return vm.not_implemented;
    bool ok = true;
    switch (op) {
    case SetOp::Or: ok = set_update(vm, self, a[1]); break;
    case SetOp::And: {
        Set* r = intersection2(vm, self, a[1]);
        if (r == nullptr) return Value::empty();
        swap_bodies(self, r);
        break;
    }
    case SetOp::Sub: ok = difference_update(vm, self, a[1]); break;
    case SetOp::Xor: ok = symmetric_difference_update(vm, self, a[1]); break;
    }
    return ok ? a[0] : Value::empty();
}

template <CompareKind op>
Value set_cmp_m(VM& vm, const Args& a) {
    SET_SELF("__eq__");
    if (!method_args(vm, a, "set.__eq__", 1, 1)) return Value::empty();
    if (!is_anyset(a[1])) return vm.not_implemented;
    Set* o = static_cast<Set*>(a[1].o);
    int r = 0;
    switch (op) {
    case CompareKind::Eq:
    case CompareKind::Ne:
        if (self->used != o->used) r = 0;
        else if (self->frozen_hashed && o->frozen_hashed && self->frozen_hash != o->frozen_hash) r = 0;
        else r = issubset(vm, self, o);
        if (r < 0) return Value::empty();
        return Value::boolean(op == CompareKind::Eq ? r == 1 : r == 0);
    case CompareKind::Le: r = issubset(vm, self, o); break;
    case CompareKind::Ge: r = issubset(vm, o, self); break;
    case CompareKind::Lt: r = self->used < o->used ? issubset(vm, self, o) : 0; break;
    case CompareKind::Gt: r = self->used > o->used ? issubset(vm, o, self) : 0; break;
    }
    return r < 0 ? Value::empty() : Value::boolean(r == 1);
}

Value set_contains_m(VM& vm, const Args& a) {
    SET_SELF("__contains__");
    if (!method_args(vm, a, "set.__contains__", 1, 1)) return Value::empty();
    int r = set_contains(vm, self, a[1]);
    return r < 0 ? Value::empty() : Value::boolean(r);
}

Value set_len_m(VM& vm, const Args& a) {
    SET_SELF("__len__");
    if (!method_args(vm, a, "set.__len__", 0, 0)) return Value::empty();
    return Value::integer(static_cast<int64_t>(self->used));
}

Value set_iter_m(VM& vm, const Args& a) {
    SET_SELF("__iter__");
    return new_set_iterator(vm, self);
}

Value frozenset_hash_m(VM& vm, const Args& a) {
    SET_SELF("__hash__");
    uint64_t h;
    if (!frozenset_hash(vm, self, &h)) return Value::empty();
    return Value::integer(static_cast<int64_t>(h));
}

Value set_repr_m(VM& vm, const Args& a) {
    SET_SELF("__repr__");
    std::string name(self->type->name->view());
    bool plain = self->type == vm.types.set;
    if (self->used == 0) return str_result(vm, name + "()");
    ReprGuard guard(vm, self);
    if (!guard.active) return str_result(vm, name + "(...)");
    // Snapshot the keys first (repr of an element may mutate the set).
    List* keys = new_list(vm, self->used);
    for (const Set::Entry& e : self->table)
        if (!e.key.is_empty()) keys->items.push_back(e.key);
    std::string out = plain ? "{" : name + "({";
    for (size_t i = 0; i < keys->items.size(); ++i) {
        if (i) out += ", ";
        if (!append_repr(vm, out, keys->items[i])) return Value::empty();
    }
    out += plain ? "}" : "})";
    return str_result(vm, out);
}

Value set_sizeof_m(VM& vm, const Args& a) {
    SET_SELF("__sizeof__");
    return Value::integer(static_cast<int64_t>(200 + self->table.capacity() * 16));
}

void def_shared(VM& vm, Type* t) {
    def_method(vm, t, "copy", set_copy_m);
    def_method(vm, t, "union", set_union_m);
    def_method(vm, t, "intersection", set_intersection_m);
    def_method(vm, t, "difference", set_difference_m);
    def_method(vm, t, "symmetric_difference", set_symmetric_difference_m);
    def_method(vm, t, "issubset", set_issubset_m);
    def_method(vm, t, "issuperset", set_issuperset_m);
    def_method(vm, t, "isdisjoint", set_isdisjoint_m);
    def_method(vm, t, "__or__", set_binop_m<SetOp::Or>);
    def_method(vm, t, "__and__", set_binop_m<SetOp::And>);
    def_method(vm, t, "__sub__", set_binop_m<SetOp::Sub>);
    def_method(vm, t, "__xor__", set_binop_m<SetOp::Xor>);
    def_method(vm, t, "__ror__", set_rbinop_m<SetOp::Or>);
    def_method(vm, t, "__rand__", set_rbinop_m<SetOp::And>);
    def_method(vm, t, "__rsub__", set_rbinop_m<SetOp::Sub>);
    def_method(vm, t, "__rxor__", set_rbinop_m<SetOp::Xor>);
    def_method(vm, t, "__eq__", set_cmp_m<CompareKind::Eq>);
    def_method(vm, t, "__ne__", set_cmp_m<CompareKind::Ne>);
    def_method(vm, t, "__lt__", set_cmp_m<CompareKind::Lt>);
    def_method(vm, t, "__le__", set_cmp_m<CompareKind::Le>);
    def_method(vm, t, "__gt__", set_cmp_m<CompareKind::Gt>);
    def_method(vm, t, "__ge__", set_cmp_m<CompareKind::Ge>);
    def_method(vm, t, "__contains__", set_contains_m);
    def_method(vm, t, "__len__", set_len_m);
    def_method(vm, t, "__iter__", set_iter_m);
    def_method(vm, t, "__repr__", set_repr_m);
    def_method(vm, t, "__sizeof__", set_sizeof_m);
}

}  // namespace

void detail::init_set_type(VM& vm) {
    Type* t = vm.types.set;
    t->alloc_instance = [](VM& vm, Type* type) -> Obj* { return vm.alloc<Set>(type); };
    def_method(vm, t, "__new__", set_new_m);
    def_method(vm, t, "__init__", set_init_m);
    def_shared(vm, t);
    def_method(vm, t, "add", set_add_m);
    def_method(vm, t, "remove", set_remove_m);
    def_method(vm, t, "discard", set_discard_m);
    def_method(vm, t, "pop", set_pop_m);
    def_method(vm, t, "clear", set_clear_m);
    def_method(vm, t, "update", set_update_m);
    def_method(vm, t, "intersection_update", set_intersection_update_m);
    def_method(vm, t, "difference_update", set_difference_update_m);
    def_method(vm, t, "symmetric_difference_update", set_symmetric_difference_update_m);
    def_method(vm, t, "__ior__", set_ibinop_m<SetOp::Or>);
    def_method(vm, t, "__iand__", set_ibinop_m<SetOp::And>);
    def_method(vm, t, "__isub__", set_ibinop_m<SetOp::Sub>);
    def_method(vm, t, "__ixor__", set_ibinop_m<SetOp::Xor>);
    dict_set_str(vm, t->dict, vm.names.__hash__, Value::none());

    Type* f = vm.types.frozenset;
    f->alloc_instance = [](VM& vm, Type* type) -> Obj* { return vm.alloc<Set>(type); };
    def_method(vm, f, "__new__", frozenset_new_m);
    def_shared(vm, f);
    def_method(vm, f, "__hash__", frozenset_hash_m);
}

}  // namespace asy::vm
