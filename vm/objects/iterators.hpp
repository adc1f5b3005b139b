// Iterator objects of the built-in containers (list/tuple/range/dict/set iterators, dict views)
// and the builtin iterator types enumerate, zip, map, filter, reversed, the sequence iterator
// and the callable iterator. Layouts are public so the interpreter's FOR_ITER can advance the
// common ones inline (see list_iter_next / range_iter_next / tuple_iter_next).
#pragma once

#include <gmp.h>

#include <cstdint>
#include <vector>

#include "vm/objects/containers.hpp"
#include "vm/vm.hpp"

namespace asy::vm {

// Index into VM::iter_types. The Python names are CPython's.
enum IterKind : uint8_t {
    kListIter,          // list_iterator
    kListRevIter,       // list_reverseiterator
    kTupleIter,         // tuple_iterator
    kRangeIter,         // range_iterator
    kLongRangeIter,     // longrange_iterator
    kDictKeyIter,       // dict_keyiterator
    kDictValueIter,     // dict_valueiterator
    kDictItemIter,      // dict_itemiterator
    kDictRevKeyIter,    // dict_reversekeyiterator
    kDictRevValueIter,  // dict_reversevalueiterator
    kDictRevItemIter,   // dict_reverseitemiterator
    kSetIter,           // set_iterator
    kSeqIter,           // iterator (objects with only __getitem__); same as vm.types.iterator
    kCallableIter,      // callable_iterator (iter(callable, sentinel))
    kEnumerate,         // enumerate
    kZip,               // zip
    kMap,               // map
    kFilter,            // filter
    kReversed,          // reversed
    kIterKindCount,
};
static_assert(kIterKindCount <= 32, "VM::iter_types is too small");

struct ListIterator : Obj {
    List* list = nullptr;      // null once exhausted
    size_t index = 0;
    void trace(Tracer& t) override { t.mark(list); }
};

struct ListRevIterator : Obj {
    List* list = nullptr;
    int64_t index = -1;        // next index to yield, counting down
    void trace(Tracer& t) override { t.mark(list); }
};

struct TupleIterator : Obj {
    Tuple* tuple = nullptr;
    size_t index = 0;
    void trace(Tracer& t) override { t.mark(tuple); }
};

// Ranges whose items all fit int64: no allocation per step.
struct RangeIterator : Obj {
    int64_t next = 0, step = 1;
    uint64_t remaining = 0;
};

struct LongRangeIterator : Obj {
    mpz_t next, step, remaining;
    LongRangeIterator() { mpz_inits(next, step, remaining, nullptr); }
    ~LongRangeIterator() override { mpz_clears(next, step, remaining, nullptr); }
};

// Keys, values or items of a dict, forwards or backwards (the kind is the type).
struct DictIterator : Obj {
    Dict* dict = nullptr;      // null once exhausted
    size_t pos = 0;            // next entry position (reverse: one past it)
    size_t used = 0;           // dict->used when created: size changes raise RuntimeError
    size_t remaining = 0;      // for __length_hint__
    void trace(Tracer& t) override { t.mark(dict); }
};

struct SetIterator : Obj {
    Set* set = nullptr;
    size_t pos = 0;
    size_t used = 0;
    size_t remaining = 0;
    void trace(Tracer& t) override { t.mark(set); }
};

// dict_keys / dict_values / dict_items (vm.types.dict_keys, ...).
struct DictView : Obj {
    Dict* dict = nullptr;
    void trace(Tracer& t) override { t.mark(dict); }
};

struct SeqIterator : Obj {
    Value seq;                 // Empty once exhausted
    int64_t index = 0;
    void trace(Tracer& t) override { t.mark(seq); }
};

struct CallableIterator : Obj {
    Value callable, sentinel;  // callable Empty once exhausted
    void trace(Tracer& t) override { t.mark(callable); t.mark(sentinel); }
};

struct Enumerate : Obj {
    Value iter;
    Value count;               // an int (small or big)
    void trace(Tracer& t) override { t.mark(iter); t.mark(count); }
};

struct Zip : Obj {
    std::vector<Value> iters;
    bool strict = false;
    void trace(Tracer& t) override { t.mark_range(iters.begin(), iters.end()); }
};

struct MapObj : Obj {
    Value func;
    std::vector<Value> iters;
    void trace(Tracer& t) override { t.mark(func); t.mark_range(iters.begin(), iters.end()); }
};

struct FilterObj : Obj {
    Value func, iter;          // func None: truthiness
    void trace(Tracer& t) override { t.mark(func); t.mark(iter); }
};

struct Reversed : Obj {
    Value seq;                 // Empty once exhausted
    int64_t index = -1;
    void trace(Tracer& t) override { t.mark(seq); }
};

// ---- constructors (iterators.cpp) ----
Value new_list_iterator(VM& vm, List* l);
Value new_tuple_iterator(VM& vm, Tuple* t);
Value new_range_iterator(VM& vm, Range* r);   // range_iterator or longrange_iterator
Value new_dict_iterator(VM& vm, Dict* d, IterKind kind);
Value new_set_iterator(VM& vm, Set* s);
Value new_seq_iterator(VM& vm, Value seq);    // iter() of an object with only __getitem__
Value new_callable_iterator(VM& vm, Value callable, Value sentinel);
Value new_dict_view(VM& vm, Dict* d, Type* view_type);

// ---- fast paths (no call, no allocation except items tuples) ----
// Each returns the next item, or Empty when exhausted (no exception).
inline Value list_iter_next(ListIterator* it) {
    if (it->list == nullptr) return Value::empty();
    if (it->index < it->list->items.size()) return it->list->items[it->index++];
    it->list = nullptr;
    return Value::empty();
}
inline Value tuple_iter_next(TupleIterator* it) {
    if (it->tuple == nullptr) return Value::empty();
    if (it->index < it->tuple->items.size()) return it->tuple->items[it->index++];
    it->tuple = nullptr;
    return Value::empty();
}
inline Value range_iter_next(RangeIterator* it) {
    if (it->remaining == 0) return Value::empty();
    --it->remaining;
    int64_t v = it->next;
    // The last step may overflow int64 (range(0, 2**63-1, 2**62)); wrap harmlessly as unsigned.
    it->next = static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(it->step));
    return Value::integer(v);
}

// Any iterator created by this file's types (exact type match): the next item, Empty when
// exhausted, Empty with vm.pending set on error. `*handled` is false when `it` is not one of
// them (then nothing was done). For protocol.cpp's iter_next fast path.
Value iterator_fast_next(VM& vm, Value it, bool* handled);
// iter(v) for the built-in containers (list, tuple, dict, set, frozenset, range, dict views,
// and the iterators themselves); Empty with *handled false for anything else.
Value container_get_iter(VM& vm, Value v, bool* handled);

}  // namespace asy::vm
