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
// entries have an Empty key until compaction), `index` maps hash slots to entry positions.
struct Dict : Obj {
    struct Entry {
        Value key, value;
        uint64_t hash;
    };
    std::vector<Entry> entries;
    std::vector<int32_t> index;   // -1 empty, -2 deleted (tombstone), else entry position
    size_t used = 0;              // live entries
    uint64_t version = 0;         // bumped on every mutation (iteration checks, caches)

    void trace(Tracer& t) override;
    size_t external_size() const override {
        return entries.capacity() * sizeof(Entry) + index.capacity() * sizeof(int32_t);
    }
};

// set and frozenset share a layout: a Dict-like table without values.
struct Set : Obj {
    struct Entry {
        Value key;
        uint64_t hash;
    };
    std::vector<Entry> entries;
    std::vector<int32_t> index;
    size_t used = 0;
    uint64_t version = 0;
    uint64_t frozen_hash = 0;
    bool frozen_hashed = false;

    void trace(Tracer& t) override;
    size_t external_size() const override {
        return entries.capacity() * sizeof(Entry) + index.capacity() * sizeof(int32_t);
    }
};

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

}  // namespace asy::vm
