// The built-in containers' layouts: list, tuple, dict, set/frozenset, range, slice. Their
// operations and methods live in list.cpp, tuple.cpp, dict.cpp, set.cpp, range.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "vm/object.hpp"

namespace asy::vm {

struct List : Obj {
    std::vector<Value> items;
    void trace(Tracer& t) override { t.mark_range(items.begin(), items.end()); }
    size_t external_size() const override { return items.capacity() * sizeof(Value); }
};

struct Tuple : Obj {
    std::vector<Value> items;
    uint64_t hash = 0;
    bool hashed = false;
    void trace(Tracer& t) override { t.mark_range(items.begin(), items.end()); }
    size_t external_size() const override { return items.capacity() * sizeof(Value); }
};

// Insertion-ordered hash table (CPython's compact dict): `entries` in insertion order (deleted
// entries have an Empty key until compaction). Small dicts (most instance __dict__s) have no
// index and are searched by scanning `entries`; past kDictSmallMax entries `index` maps hash
// slots to entry positions. Kept compact because every instance with attributes owns one.
constexpr uint32_t kDictSmallMax = 8;

struct Dict : Obj {
    struct Entry {
        Value key, value;
        uint64_t hash;
    };
    // A vector of trivially copyable entries in one malloc'd block (16 bytes instead of 24,
    // with exact small growth); indexable by position like std::vector. Managed by dict.cpp.
    class Entries {
    public:
        Entries() = default;
        Entries(const Entries&) = delete;
        Entries& operator=(const Entries&) = delete;
        ~Entries();
        size_t size() const { return n_; }
        bool empty() const { return n_ == 0; }
        size_t capacity() const { return cap_; }
        Entry& operator[](size_t i) { return p_[i]; }
        const Entry& operator[](size_t i) const { return p_[i]; }
        Entry& back() { return p_[n_ - 1]; }
        const Entry& back() const { return p_[n_ - 1]; }
        Entry* begin() { return p_; }
        Entry* end() { return p_ + n_; }
        const Entry* begin() const { return p_; }
        const Entry* end() const { return p_ + n_; }
        void pop_back() { --n_; }
        void shrink_size(size_t n) { n_ = static_cast<uint32_t>(n); }   // n <= size()
        void push_back(const Entry& e) {   // capacity must have room (see dict.cpp's grow)
            p_[n_++] = e;
        }
        void reserve(size_t cap);          // exact capacity (never shrinks)
        void release();                    // free the storage: size and capacity 0
    private:
        Entry* p_ = nullptr;
        uint32_t n_ = 0, cap_ = 0;
    };

    uint8_t index_log2 = 0;       // index has 1 << index_log2 slots (these two fields sit in
    uint32_t used = 0;            // Obj's tail padding); used = live entries
    Entries entries;
    int32_t* index = nullptr;     // null for small dicts, else -1 empty, -2 deleted (tombstone),
                                  // else entry position
    uint64_t version = 0;         // keys version: bumped when the key set or entry positions
                                  // change (not on value updates), so LOAD_GLOBAL caches that
                                  // hold an entry position survive `counter += 1` on a global

    ~Dict() override;
    void trace(Tracer& t) override;
    size_t external_size() const override {
        return entries.capacity() * sizeof(Entry) + (index ? sizeof(int32_t) << index_log2 : 0);
    }
};

// set and frozenset share a layout: CPython's set table (open addressing, no separate entry
// order), so iteration order matches CPython's. `table` has mask+1 slots; a slot whose key is
// Empty is free (hash 0) or a deleted "dummy" (hash kSetDummyHash); see set.cpp.
struct Set : Obj {
    struct Entry {
        Value key;
        uint64_t hash = 0;
    };
    std::vector<Entry> table;     // empty until first insert (then 8 slots)
    size_t mask = 0;              // table.size() - 1 once allocated
    size_t fill = 0;              // active + dummy slots
    size_t used = 0;              // active slots
    size_t finger = 0;            // set.pop() search start
    uint64_t version = 0;         // bumped on every mutation
    uint64_t frozen_hash = 0;
    bool frozen_hashed = false;

    void trace(Tracer& t) override;
    size_t external_size() const override { return table.capacity() * sizeof(Entry); }
};
constexpr uint64_t kSetDummyHash = ~uint64_t(0);   // CPython's -1

struct Range : Obj {
    Value start, stop, step;   // ints (small or big)
    void trace(Tracer& t) override { t.mark(start); t.mark(stop); t.mark(step); }
};

struct Slice : Obj {
    Value start, stop, step;   // any values; None when omitted
    void trace(Tracer& t) override { t.mark(start); t.mark(stop); t.mark(step); }
};

// ---- the C++ API other layers use (implemented in list.cpp, dict.cpp, ...) --------------
// Functions returning Value return Value::empty() with an exception pending on error.

List* new_list(VM& vm, size_t reserve = 0);
Tuple* new_tuple(VM& vm, size_t n);           // n items, all None
Tuple* new_tuple(VM& vm, const Value* items, size_t n);
Dict* new_dict(VM& vm);

// Dict access. Keys of any hashable type; may call __hash__/__eq__ (and so raise).
// dict_get returns Empty with NO exception pending when the key is missing.
Value dict_get(VM& vm, Dict* d, Value key);
bool dict_set(VM& vm, Dict* d, Value key, Value value);      // false: exception pending
bool dict_del(VM& vm, Dict* d, Value key);                   // false: exception (KeyError if missing)
// Fast paths for str keys (no user code can run): used for globals, attributes, kwargs.
Value dict_get_str(Dict* d, Str* key);                       // Empty when missing
void dict_set_str(VM& vm, Dict* d, Str* key, Value value);
bool dict_del_str(Dict* d, Str* key);                        // false when missing

Set* new_set(VM& vm, bool frozen = false);
bool set_add(VM& vm, Set* s, Value key);                     // false: exception pending
int set_contains(VM& vm, Set* s, Value key);                 // 1 yes, 0 no, -1 exception

// Used by protocol.cpp/builtins.cpp (types engineer); implemented by the containers engineer.
// iter(seq) for objects with __getitem__ only (type `iterator`): seq[0], seq[1], ... until
// IndexError/StopIteration. (iterators.cpp)
Value new_seq_iterator(VM& vm, Value seq);
// iter(callable, sentinel) (type `callable_iterator`). (iterators.cpp)
Value new_callable_iterator(VM& vm, Value callable, Value sentinel);
int set_discard(VM& vm, Set* s, Value key);                  // 1 removed, 0 absent, -1 exception
bool set_update(VM& vm, Set* s, Value iterable);             // add every item of iterable

// ---- more C++ API (list.cpp, tuple.cpp, dict.cpp, set.cpp, range.cpp) ----
// Growing and sorting lists. list_sort is list.sort (stable; key may be Empty/None).
bool list_append(VM& vm, List* l, Value v);                  // never fails today; true
bool list_extend(VM& vm, List* l, Value iterable);
bool list_sort(VM& vm, List* l, Value key, bool reverse);
// list(iterable) / tuple(iterable) as new objects (fast paths for list/tuple/dict/range/...).
List* list_from_iterable(VM& vm, Value iterable);
Tuple* tuple_from_iterable(VM& vm, Value iterable);
// Hashes with CPython 3.11's algorithms (tuple: xxHash-based; frozenset: shuffled xor).
bool tuple_hash(VM& vm, Tuple* t, uint64_t* out);
bool frozenset_hash(VM& vm, Set* s, uint64_t* out);
// Number of live entries; iteration over a dict in order without user code: `pos` starts at
// 0; returns false at the end.
inline size_t dict_size(const Dict* d) { return d->used; }
bool dict_next(const Dict* d, size_t* pos, Value* key, Value* value);
Dict* dict_copy(VM& vm, Dict* d);
// dict.update(other) semantics: a mapping (keys() + [] ), or an iterable of pairs.
bool dict_update(VM& vm, Dict* d, Value other);
// d[key] for a key known to exist in an exact-dict context, else KeyError (with __missing__
// handled for subclasses by the dict's __getitem__).
Value dict_getitem(VM& vm, Dict* d, Value key);
// Equality of containers as `==` (NotImplemented handling is the caller's): 1, 0, -1.
int list_equal(VM& vm, List* a, List* b);
int tuple_equal(VM& vm, Tuple* a, Tuple* b);

// Slices. CPython's PySlice_GetIndicesEx: resolves None/negative/out-of-range bounds (and
// __index__) against a sequence of length `len`; false with an exception pending on error
// (non-integer bound, zero step).
Slice* new_slice(VM& vm, Value start, Value stop, Value step);
bool slice_indices(VM& vm, Slice* s, int64_t len, int64_t* start, int64_t* stop, int64_t* step,
                   int64_t* slicelen);
// Sequence index from an int/bool/BigInt/__index__ value for error messages such as
// "list indices must be integers or slices, not str" (`what` = "list"). Negative indexes are
// NOT adjusted. A too-large value raises IndexError "cannot fit 'int' into an index-sized integer".
bool seq_index(VM& vm, Value key, const char* what, int64_t* out);

// range objects: a small-int range as a fast (start, len, step) triple when possible.
Range* new_range(VM& vm, Value start, Value stop, Value step);
// True and the values when the range's start/stop/step all fit int64 (the common case).
bool range_small(const Range* r, int64_t* start, int64_t* stop, int64_t* step);

}  // namespace asy::vm
