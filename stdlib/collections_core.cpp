// `_collections`: the native collections.deque (CPython's _collections.deque) — a ring buffer of
// Values, amortised O(1) at both ends, with CPython 3.11's methods, errors and mutation checks.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include "stdlib/registry.hpp"
#include "vm/objects/container_util.hpp"
#include "vm/objects/descriptors.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/type_internal.hpp"

namespace asy::stdlib {

using namespace asy::vm;
using vm::detail::ReprGuard;

namespace {

constexpr size_t kMinCapacity = 8;

// The deque's instance (also of every subclass). `buf` holds `cap` slots (a power of two, or 0);
// the items are buf[(head + i) & (cap - 1)] for i < len. `state` changes on every append/pop
// so iterators and comparisons notice mutation (CPython's deque->state).
struct DequeObj : Obj {
    Value* buf = nullptr;
    size_t cap = 0;
    size_t head = 0;
    size_t len = 0;
    int64_t maxlen = -1;         // -1: unbounded
    uint64_t state = 0;

    ~DequeObj() override { std::free(buf); }
    Value& at(size_t i) { return buf[(head + i) & (cap - 1)]; }
    void trace(Tracer& t) override {
        for (size_t i = 0; i < len; ++i) t.mark(at(i));
    }
    size_t external_size() const override { return cap * sizeof(Value); }
};

// Iterator over a deque, forwards or backwards (CPython's dequeiterobject): `index` is the
// logical position of the next item, `counter` the items left; a changed `state` means the
// deque was mutated: next() raises once, then the iterator is exhausted.
struct DequeIter : Obj {
    DequeObj* deque = nullptr;
    size_t index = 0;
    size_t counter = 0;
    uint64_t state = 0;
    bool reverse = false;
    void trace(Tracer& t) override { t.mark(deque); }
};

Obj* alloc_deque(VM& vm, Type* type) { return vm.alloc<DequeObj>(type); }
Obj* alloc_iter(VM& vm, Type* type) { return vm.alloc<DequeIter>(type); }

bool is_deque(Value v) { return v.is_obj() && v.o->type->alloc_instance == alloc_deque; }
DequeObj* as_deque(Value v) { return static_cast<DequeObj*>(v.o); }

// ---- storage ----------------------------------------------------------------------------------

static_assert(std::is_trivially_copyable_v<Value>, "deque buffers are moved with memcpy");

// Slots are malloc'd uninitialised: only [0, len) is ever read (or traced).
Value* alloc_slots(size_t n) { return static_cast<Value*>(std::malloc(n * sizeof(Value))); }

// Move the items into a fresh buffer of `newcap` slots (>= len), starting at slot 0: the two
// runs of the ring (head..end, then the wrapped start) are copied as blocks.
// false (nothing changed) when malloc fails.
bool reshape(VM& vm, DequeObj* d, size_t newcap) {
    Value* nb = newcap ? alloc_slots(newcap) : nullptr;
    if (newcap && nb == nullptr) return false;
    if (d->len) {
        size_t first = std::min(d->len, d->cap - d->head);
        std::memcpy(static_cast<void*>(nb), d->buf + d->head, first * sizeof(Value));
        std::memcpy(static_cast<void*>(nb + first), d->buf, (d->len - first) * sizeof(Value));
    }
    std::free(d->buf);
    vm.heap.account(static_cast<std::ptrdiff_t>(newcap * sizeof(Value)) -
                    static_cast<std::ptrdiff_t>(d->cap * sizeof(Value)));
    d->buf = nb;
    d->cap = newcap;
    d->head = 0;
    return true;
}

// Room for `extra` more items. `keep` (the value about to be stored) is pinned first: the
// memory-limit check may collect, and a value fresh from an iterator may be rooted nowhere.
bool ensure_room(VM& vm, DequeObj* d, size_t extra, Value keep = Value()) {
    if (d->len + extra <= d->cap) return true;
    size_t newcap = d->cap ? d->cap : kMinCapacity;
    while (newcap < d->len + extra) {
        if (newcap > (SIZE_MAX / sizeof(Value)) / 4) {
            vm.raise(vm.exc.MemoryError, "");
            return false;
        }
        newcap *= 2;
    }
    if (keep.is_obj()) vm.heap.pin(keep.o);
    if (!vm.heap.reserve((newcap - d->cap) * sizeof(Value))) return false;
    if (reshape(vm, d, newcap)) return true;
    vm.raise(vm.exc.MemoryError, "");
    return false;
}

// Give memory back once the deque is mostly empty (hysteresis: grow at full, shrink at 1/4).
void maybe_shrink(VM& vm, DequeObj* d) {
    if (d->cap > 4 * kMinCapacity && d->len < d->cap / 4) reshape(vm, d, d->cap / 2);
}

Value take_front(VM& vm, DequeObj* d) {
    Value v = d->at(0);
    d->head = (d->head + 1) & (d->cap - 1);
    --d->len;
    ++d->state;
    maybe_shrink(vm, d);
    return v;
}

Value take_back(VM& vm, DequeObj* d) {
    Value v = d->at(d->len - 1);
    --d->len;
    ++d->state;
    maybe_shrink(vm, d);
    return v;
}

// append / appendleft with maxlen trimming from the other end (CPython appends, then trims).
bool push_back(VM& vm, DequeObj* d, Value v) {
    if (d->len == d->cap && !ensure_room(vm, d, 1, v)) return false;
    d->at(d->len) = v;
    ++d->len;
    ++d->state;
    if (d->maxlen >= 0 && static_cast<int64_t>(d->len) > d->maxlen) take_front(vm, d);
    return true;
}

bool push_front(VM& vm, DequeObj* d, Value v) {
    if (d->len == d->cap && !ensure_room(vm, d, 1, v)) return false;
    d->head = (d->head - 1) & (d->cap - 1);
    d->at(0) = v;
    ++d->len;
    ++d->state;
    if (d->maxlen >= 0 && static_cast<int64_t>(d->len) > d->maxlen) take_back(vm, d);
    return true;
}

void clear_deque(VM& vm, DequeObj* d) {
    if (d->len) ++d->state;
    d->len = 0;
    reshape(vm, d, 0);
}

// Remove the item at logical position i (< len), shifting the shorter side.
void erase_at(VM& vm, DequeObj* d, size_t i) {
    if (i < d->len / 2) {
        for (size_t k = i; k > 0; --k) d->at(k) = d->at(k - 1);
        take_front(vm, d);
    } else {
        for (size_t k = i; k + 1 < d->len; ++k) d->at(k) = d->at(k + 1);
        take_back(vm, d);
    }
}

// Insert v before logical position i (0 < i < len), shifting the shorter side.
bool insert_at(VM& vm, DequeObj* d, size_t i, Value v) {
    if (!ensure_room(vm, d, 1, v)) return false;
    if (i < d->len / 2) {
        d->head = (d->head - 1) & (d->cap - 1);
        for (size_t k = 0; k < i; ++k) d->at(k) = d->at(k + 1);
    } else {
        for (size_t k = d->len; k > i; --k) d->at(k) = d->at(k - 1);
    }
    d->at(i) = v;
    ++d->len;
    ++d->state;
    return true;
}

// rotate(n): n > 0 moves items from the right end to the left.
void rotate(DequeObj* d, int64_t n) {
    int64_t len = static_cast<int64_t>(d->len);
    if (len <= 1) return;
    ++d->state;  // even for a no-op rotation, as CPython
    n %= len;
    if (n < 0) n += len;
    if (n == 0) return;
    size_t mask = d->cap - 1;
    if (d->len == d->cap) {
        d->head = (d->head - static_cast<size_t>(n)) & mask;
        return;
    }
    // Move min(n, len - n) items across the gap, one slot at a time.
    if (n <= len / 2) {
        for (int64_t k = 0; k < n; ++k) {
            Value v = d->at(d->len - 1);
            d->head = (d->head - 1) & mask;
            d->at(0) = v;
        }
    } else {
        for (int64_t k = 0; k < len - n; ++k) {
            Value v = d->at(0);
            d->head = (d->head + 1) & mask;
            d->at(d->len - 1) = v;
        }
    }
}

// ---- argument helpers (CPython's wordings) ------------------------------------------------------

DequeObj* self_of(VM& vm, const Args& a, const char* method) {
    if (a.npos == 0) {
        vm.raise_format(vm.exc.TypeError, "unbound method deque.%s() needs an argument", method);
        return nullptr;
    }
    if (!is_deque(a.pos[0])) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' for 'collections.deque' objects doesn't apply to a '%s' object",
                        method, type_name(vm, a.pos[0]).c_str());
        return nullptr;
    }
    return as_deque(a.pos[0]);
}

bool no_kwargs(VM& vm, const Args& a, const char* method) {
    if (a.kwnames == nullptr || a.kwnames->items.empty()) return true;
    vm.raise_format(vm.exc.TypeError, "deque.%s() takes no keyword arguments", method);
    return false;
}

// METH_NOARGS / METH_O methods: "deque.pop() takes no arguments (1 given)".
bool fixed_args(VM& vm, const Args& a, const char* method, uint32_t n) {
    if (!no_kwargs(vm, a, method)) return false;
    if (a.npos - 1 == n) return true;
    if (n == 0) vm.raise_format(vm.exc.TypeError, "deque.%s() takes no arguments (%u given)", method, a.npos - 1);
    else vm.raise_format(vm.exc.TypeError, "deque.%s() takes exactly one argument (%u given)", method, a.npos - 1);
    return false;
}

// Slot wrappers (__len__, __getitem__, __eq__, ...): "expected 1 argument, got 0".
bool wrapper_args(VM& vm, const Args& a, const char* method, uint32_t n) {
    if (!no_kwargs(vm, a, method)) return false;
    if (a.npos - 1 == n) return true;
    vm.raise_format(vm.exc.TypeError, "expected %u argument%s, got %u", n, n == 1 ? "" : "s", a.npos - 1);
    return false;
}

// An item index: int-like or __index__, negative counts from the end; IndexError when outside.
bool item_index(VM& vm, DequeObj* d, Value key, size_t* out) {
    int64_t i;
    if (key.is_int()) {
        i = key.i;
    } else if (is_int_like(vm, key) || (key.is_obj() && !type_lookup(key.o->type, vm.names.__index__).is_empty())) {
        if (!to_int64(vm, key, &i)) {
            if (is_instance(vm, vm.pending, vm.exc.OverflowError)) {
                vm.take_pending();
                vm.raise(vm.exc.IndexError, "cannot fit 'int' into an index-sized integer");
            }
            return false;
        }
    } else {
        vm.raise_format(vm.exc.TypeError, "sequence index must be integer, not '%s'", type_name(vm, key).c_str());
        return false;
    }
    int64_t n = static_cast<int64_t>(d->len);
    if (i < 0) i += n;
    if (i < 0 || i >= n) {
        vm.raise(vm.exc.IndexError, "deque index out of range");
        return false;
    }
    *out = static_cast<size_t>(i);
    return true;
}

Value raise_mutated(VM& vm, Type* type) { return vm.raise(type, "deque mutated during iteration"); }

// Compare the item at position i with v (==, identity first), keeping the item alive while user
// code runs. 1, 0, -1 error.
int item_equals(VM& vm, DequeObj* d, size_t i, Value v) {
    Value item = d->at(i);
    if (item.is_obj()) vm.heap.pin(item.o);
    return detail::same_or_equal(vm, item, v);
}

// ---- extend ---------------------------------------------------------------------------------

bool extend(VM& vm, DequeObj* d, Value iterable, bool left) {
    auto push = [&](Value v) { return left ? push_front(vm, d, v) : push_back(vm, d, v); };
    if (iterable.is_obj() && iterable.o == d) {
        // d.extend(d): iterate a snapshot.
        List* snap = new_list(vm, d->len);
        for (size_t i = 0; i < d->len; ++i) snap->items.push_back(d->at(i));
        iterable = Value::object(snap);
    }
    if (iterable.is_obj() && (iterable.o->type == vm.types.list || iterable.o->type == vm.types.tuple)) {
        // No user code runs while copying, so the item vector stays put.
        const std::vector<Value>& src = detail::seq_items(iterable);
        if (!left && d->maxlen < 0 && !ensure_room(vm, d, src.size())) return false;
        for (size_t i = 0; i < src.size(); ++i)
            if (!push(src[i])) return false;
        return true;
    }
    if (is_deque(iterable) && !(iterable.o->type->flags & kTypeHeap)) {
        // Another exact deque (not d): its items are copied directly, no user code runs.
        DequeObj* src = as_deque(iterable);
        for (size_t i = 0, n = src->len; i < n; ++i)
            if (!push(src->at(i))) return false;
        return true;
    }
    Value it = get_iter(vm, iterable);
    if (it.is_empty()) return false;
    if (it.is_obj()) vm.heap.pin(it.o);
    // Pins made while fetching an item are dropped once it is stored (the deque roots it), so a
    // long extend does not pile them up.
    size_t mark = vm.heap.mark();
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) return !vm.has_pending();
        if (!push(v)) return false;
        vm.heap.release(mark);
    }
}

// ---- deque methods ----------------------------------------------------------------------------

Value deque_new(VM& vm, const Args& a) {
    if (a.npos < 1) return vm.raise(vm.exc.TypeError, "deque.__new__(): not enough arguments");
    if (!is_type_obj(a.pos[0]))
        return vm.raise_format(vm.exc.TypeError, "deque.__new__(X): X is not a type object (%s)",
                               type_name(vm, a.pos[0]).c_str());
    Type* t = as_type(a.pos[0]);
    if (t->alloc_instance != alloc_deque)
        return vm.raise_format(vm.exc.TypeError, "collections.deque.__new__(%s): %s is not a subtype of collections.deque",
                               t->name->s.c_str(), t->name->s.c_str());
    return Value::object(alloc_deque(vm, t));
}

Value deque_init(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__init__");
    if (d == nullptr) return Value::empty();
    if (a.npos - 1 + a.nkw() > 2)
        return vm.raise_format(vm.exc.TypeError, "deque() takes at most 2 arguments (%u given)", a.npos - 1 + a.nkw());
    Value iterable = a.npos > 1 ? a.pos[1] : Value();
    Value maxlen = a.npos > 2 ? a.pos[2] : Value();
    for (uint32_t k = 0; k < a.nkw(); ++k) {
        std::string_view name = static_cast<Str*>(a.kwnames->items[k].o)->view();
        Value* slot = name == "iterable" ? &iterable : name == "maxlen" ? &maxlen : nullptr;
        if (slot == nullptr)
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for deque()",
                                   static_cast<int>(name.size()), name.data());
        if (!slot->is_empty())
            return vm.raise_format(vm.exc.TypeError, "argument for deque() given by name ('%.*s') and position (%d)",
                                   static_cast<int>(name.size()), name.data(), slot == &iterable ? 1 : 2);
        *slot = a.kwvalues[k];
    }
    int64_t m = -1;
    if (!maxlen.is_empty() && !maxlen.is_none()) {
        if (!is_int_like(vm, maxlen)) return vm.raise(vm.exc.TypeError, "an integer is required");
        if (!to_int64(vm, maxlen, &m)) return Value::empty();
        if (m < 0) return vm.raise(vm.exc.ValueError, "maxlen must be non-negative");
    }
    d->maxlen = m;
    if (d->len) clear_deque(vm, d);
    if (!iterable.is_empty() && !extend(vm, d, iterable, false)) return Value::empty();
    return Value::none();
}

Value deque_append(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "append");
    if (d == nullptr || !fixed_args(vm, a, "append", 1)) return Value::empty();
    if (!push_back(vm, d, a.pos[1])) return Value::empty();
    return Value::none();
}

Value deque_appendleft(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "appendleft");
    if (d == nullptr || !fixed_args(vm, a, "appendleft", 1)) return Value::empty();
    if (!push_front(vm, d, a.pos[1])) return Value::empty();
    return Value::none();
}

Value deque_pop(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "pop");
    if (d == nullptr || !fixed_args(vm, a, "pop", 0)) return Value::empty();
    if (d->len == 0) return vm.raise(vm.exc.IndexError, "pop from an empty deque");
    return take_back(vm, d);
}

Value deque_popleft(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "popleft");
    if (d == nullptr || !fixed_args(vm, a, "popleft", 0)) return Value::empty();
    if (d->len == 0) return vm.raise(vm.exc.IndexError, "pop from an empty deque");
    return take_front(vm, d);
}

Value deque_extend(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "extend");
    if (d == nullptr || !fixed_args(vm, a, "extend", 1)) return Value::empty();
    if (!extend(vm, d, a.pos[1], false)) return Value::empty();
    return Value::none();
}

Value deque_extendleft(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "extendleft");
    if (d == nullptr || !fixed_args(vm, a, "extendleft", 1)) return Value::empty();
    if (!extend(vm, d, a.pos[1], true)) return Value::empty();
    return Value::none();
}

Value deque_clear(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "clear");
    if (d == nullptr || !fixed_args(vm, a, "clear", 0)) return Value::empty();
    clear_deque(vm, d);
    return Value::none();
}

// copy(): an exact deque copies natively; a subclass is rebuilt as type(d)(d[, maxlen]).
Value copy_deque(VM& vm, DequeObj* d) {
    if (d->type->flags & kTypeHeap) {
        Value self = Value::object(d);
        if (d->maxlen < 0) return vm.call(Value::object(d->type), {self});
        return vm.call(Value::object(d->type), {self, Value::integer(d->maxlen)});
    }
    auto* c = static_cast<DequeObj*>(alloc_deque(vm, d->type));
    c->maxlen = d->maxlen;
    if (d->len) {
        if (!ensure_room(vm, c, d->len)) return Value::empty();
        for (size_t i = 0; i < d->len; ++i) c->buf[i] = d->at(i);
        c->len = d->len;
    }
    return Value::object(c);
}

Value deque_copy(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "copy");
    if (d == nullptr || !fixed_args(vm, a, "copy", 0)) return Value::empty();
    return copy_deque(vm, d);
}

Value deque_count(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "count");
    if (d == nullptr || !fixed_args(vm, a, "count", 1)) return Value::empty();
    uint64_t state = d->state;
    int64_t count = 0;
    for (size_t i = 0, n = d->len; i < n; ++i) {
        int r = item_equals(vm, d, i, a.pos[1]);
        if (r < 0) return Value::empty();
        count += r;
        if (d->state != state) return raise_mutated(vm, vm.exc.RuntimeError);
    }
    return Value::integer(count);
}

Value deque_index(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "index");
    if (d == nullptr || !no_kwargs(vm, a, "index")) return Value::empty();
    if (a.npos < 2) return vm.raise_format(vm.exc.TypeError, "index() takes at least 1 argument (%u given)", a.npos - 1);
    if (a.npos > 4) return vm.raise_format(vm.exc.TypeError, "index() takes at most 3 arguments (%u given)", a.npos - 1);
    int64_t n = static_cast<int64_t>(d->len);
    int64_t start = 0, stop = n;
    if (a.npos > 2 && !detail::bound_index(vm, a.pos[2], n, &start)) return Value::empty();
    if (a.npos > 3 && !detail::bound_index(vm, a.pos[3], n, &stop)) return Value::empty();
    // bound_index clamped both into [0, len], as CPython's deque.index does.
    uint64_t state = d->state;
    for (int64_t i = start; i < stop; ++i) {
        int r = item_equals(vm, d, static_cast<size_t>(i), a.pos[1]);
        if (r < 0) return Value::empty();
        if (d->state != state) return raise_mutated(vm, vm.exc.RuntimeError);
        if (r > 0) return Value::integer(i);
    }
    Str* r = repr(vm, a.pos[1]);
    if (r == nullptr) return Value::empty();
    return vm.raise_format(vm.exc.ValueError, "%s is not in deque", r->s.c_str());
}

Value deque_insert(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "insert");
    if (d == nullptr || !no_kwargs(vm, a, "insert")) return Value::empty();
    if (a.npos != 3) return vm.raise_format(vm.exc.TypeError, "insert() takes exactly 2 arguments (%u given)", a.npos - 1);
    int64_t i;
    if (!to_int64(vm, a.pos[1], &i)) return Value::empty();
    if (d->maxlen == static_cast<int64_t>(d->len))
        return vm.raise(vm.exc.IndexError, "deque already at its maximum size");
    int64_t n = static_cast<int64_t>(d->len);
    bool ok;
    if (i >= n) ok = push_back(vm, d, a.pos[2]);
    else if (i <= -n || i == 0) ok = push_front(vm, d, a.pos[2]);
    else ok = insert_at(vm, d, static_cast<size_t>(i < 0 ? i + n : i), a.pos[2]);
    return ok ? Value::none() : Value::empty();
}

Value deque_remove(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "remove");
    if (d == nullptr || !fixed_args(vm, a, "remove", 1)) return Value::empty();
    uint64_t state = d->state;
    for (size_t i = 0, n = d->len; i < n; ++i) {
        int r = item_equals(vm, d, i, a.pos[1]);
        if (r < 0) return Value::empty();
        if (d->state != state) return raise_mutated(vm, vm.exc.IndexError);
        if (r > 0) {
            erase_at(vm, d, i);
            return Value::none();
        }
    }
    Str* r = repr(vm, a.pos[1]);
    if (r == nullptr) return Value::empty();
    return vm.raise_format(vm.exc.ValueError, "%s is not in deque", r->s.c_str());
}

Value deque_reverse(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "reverse");
    if (d == nullptr || !fixed_args(vm, a, "reverse", 0)) return Value::empty();
    for (size_t i = 0, j = d->len; i + 1 < j; ++i, --j) std::swap(d->at(i), d->at(j - 1));
    return Value::none();
}

Value deque_rotate(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "rotate");
    if (d == nullptr || !no_kwargs(vm, a, "rotate")) return Value::empty();
    if (a.npos > 2)
        return vm.raise_format(vm.exc.TypeError, "deque.rotate expected at most 1 argument, got %u", a.npos - 1);
    int64_t n = 1;
    if (a.npos == 2 && !to_int64(vm, a.pos[1], &n)) return Value::empty();
    rotate(d, n);
    return Value::none();
}

Value get_maxlen(VM& vm, Value obj, GetSetDescr*) {
    if (!is_deque(obj)) return vm.raise(vm.exc.TypeError, "descriptor 'maxlen' requires a 'collections.deque' object");
    DequeObj* d = as_deque(obj);
    return d->maxlen < 0 ? Value::none() : Value::integer(d->maxlen);
}

// ---- sequence protocol ------------------------------------------------------------------------

Value deque_len(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__len__");
    if (d == nullptr || !wrapper_args(vm, a, "__len__", 0)) return Value::empty();
    return Value::integer(static_cast<int64_t>(d->len));
}

Value deque_getitem(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__getitem__");
    if (d == nullptr || !wrapper_args(vm, a, "__getitem__", 1)) return Value::empty();
    size_t i;
    if (!item_index(vm, d, a.pos[1], &i)) return Value::empty();
    return d->at(i);
}

Value deque_setitem(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__setitem__");
    if (d == nullptr || !wrapper_args(vm, a, "__setitem__", 2)) return Value::empty();
    size_t i;
    if (!item_index(vm, d, a.pos[1], &i)) return Value::empty();
    d->at(i) = a.pos[2];
    return Value::none();
}

Value deque_delitem(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__delitem__");
    if (d == nullptr || !wrapper_args(vm, a, "__delitem__", 1)) return Value::empty();
    size_t i;
    if (!item_index(vm, d, a.pos[1], &i)) return Value::empty();
    erase_at(vm, d, i);
    return Value::none();
}

Value deque_contains(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__contains__");
    if (d == nullptr || !wrapper_args(vm, a, "__contains__", 1)) return Value::empty();
    uint64_t state = d->state;
    for (size_t i = 0, n = d->len; i < n; ++i) {
        int r = item_equals(vm, d, i, a.pos[1]);
        if (r < 0) return Value::empty();
        if (d->state != state) return raise_mutated(vm, vm.exc.RuntimeError);
        if (r > 0) return Value::boolean(true);
    }
    return Value::boolean(false);
}

// The iterator types hang off the deque type itself: the `data` slot of its __iter__ and
// __reversed__ natives (set at init, traced with them), found from any subclass instance.
Type* iter_type(VM& vm, DequeObj* d, bool reverse) {
    Type* base = builtin_base(d->type);
    Value f = dict_get_str(base->dict, reverse ? vm.names.__reversed__ : vm.names.__iter__);
    if (f.is_obj() && f.o->type == vm.types.native_function) {
        Value t = static_cast<NativeFunction*>(f.o)->data;
        if (is_type_obj(t) && as_type(t)->alloc_instance == alloc_iter) return as_type(t);
    }
    vm.raise(vm.exc.SystemError, "deque iterator type not found");
    return nullptr;
}

Value new_iter(VM& vm, DequeObj* d, bool reverse) {
    Type* t = iter_type(vm, d, reverse);
    if (t == nullptr) return Value::empty();
    auto* it = static_cast<DequeIter*>(alloc_iter(vm, t));
    it->deque = d;
    it->index = reverse ? d->len - 1 : 0;
    it->counter = d->len;
    it->state = d->state;
    it->reverse = reverse;
    return Value::object(it);
}

Value deque_iter(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__iter__");
    if (d == nullptr || !wrapper_args(vm, a, "__iter__", 0)) return Value::empty();
    return new_iter(vm, d, false);
}

Value deque_reversed(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__reversed__");
    if (d == nullptr || !fixed_args(vm, a, "__reversed__", 0)) return Value::empty();
    return new_iter(vm, d, true);
}

DequeIter* iter_self(VM& vm, const Args& a) {
    if (a.npos >= 1 && a.pos[0].is_obj() && a.pos[0].o->type->alloc_instance == alloc_iter)
        return static_cast<DequeIter*>(a.pos[0].o);
    vm.raise(vm.exc.TypeError, "descriptor requires a '_collections._deque_iterator' object");
    return nullptr;
}

Value diter_next(VM& vm, const Args& a) {
    DequeIter* it = iter_self(vm, a);
    if (it == nullptr) return Value::empty();
    DequeObj* d = it->deque;
    if (it->counter == 0) return vm.raise(vm.exc.StopIteration, "");
    if (d->state != it->state) {
        it->counter = 0;  // exhausted from now on
        return raise_mutated(vm, vm.exc.RuntimeError);
    }
    Value v = d->at(it->index);
    it->index = it->reverse ? it->index - 1 : it->index + 1;
    --it->counter;
    return v;
}

Value diter_iter(VM&, const Args& a) { return a.pos[0]; }

Value iter_length_hint(VM& vm, const Args& a) {
    DequeIter* it = iter_self(vm, a);
    if (it == nullptr) return Value::empty();
    return Value::integer(static_cast<int64_t>(it->counter));
}

// ---- comparison, arithmetic, repr -------------------------------------------------------------

// CPython's deque_richcompare: the first differing pair decides, else the lengths do. Both
// deques are walked as by their iterators, so a mutation raises RuntimeError.
template <CompareKind op>
Value deque_compare(VM& vm, const Args& a) {
    DequeObj* v = self_of(vm, a, "__eq__");
    if (v == nullptr || !wrapper_args(vm, a, "__eq__", 1)) return Value::empty();
    if (!is_deque(a.pos[1])) return vm.not_implemented;
    DequeObj* w = as_deque(a.pos[1]);
    if (op == CompareKind::Eq || op == CompareKind::Ne) {
        bool eq = op == CompareKind::Eq;
        if (v == w) return Value::boolean(eq);
        if (v->len != w->len) return Value::boolean(!eq);
    }
    uint64_t vstate = v->state, wstate = w->state;
    size_t vn = v->len, wn = w->len;
    for (size_t i = 0;; ++i) {
        if (v->state != vstate) return raise_mutated(vm, vm.exc.RuntimeError);
        bool vend = i >= vn;
        if (w->state != wstate) return raise_mutated(vm, vm.exc.RuntimeError);
        bool wend = i >= wn;
        if (vend || wend) {
            switch (op) {
            case CompareKind::Lt: return Value::boolean(!wend);
            case CompareKind::Le: return Value::boolean(vend);
            case CompareKind::Eq: return Value::boolean(vend && wend);
            case CompareKind::Ne: return Value::boolean(vend != wend);
            case CompareKind::Gt: return Value::boolean(!vend);
            case CompareKind::Ge: return Value::boolean(wend);
            default: return vm.not_implemented;
            }
        }
        Value x = v->at(i), y = w->at(i);
        if (x.is_obj()) vm.heap.pin(x.o);
        if (y.is_obj()) vm.heap.pin(y.o);
        int b = detail::same_or_equal(vm, x, y);
        if (b < 0) return Value::empty();
        if (b == 0) return compare(vm, op, x, y);
    }
}

Value deque_add(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__add__");
    if (d == nullptr || !wrapper_args(vm, a, "__add__", 1)) return Value::empty();
    if (!is_deque(a.pos[1]))
        return vm.raise_format(vm.exc.TypeError, "can only concatenate deque (not \"%s\") to deque",
                               type_name(vm, a.pos[1]).c_str());
    Value r = copy_deque(vm, d);
    if (r.is_empty()) return r;
    if (is_deque(r)) {
        if (!extend(vm, as_deque(r), a.pos[1], false)) return Value::empty();
        return r;
    }
    Value e = vm.call_method(r, vm.intern("extend"), {a.pos[1]});
    return e.is_empty() ? e : r;
}

Value deque_iadd(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__iadd__");
    if (d == nullptr || !wrapper_args(vm, a, "__iadd__", 1)) return Value::empty();
    if (!extend(vm, d, a.pos[1], false)) return Value::empty();
    return a.pos[0];
}

// d *= n in place: the items repeated n times, keeping only the last maxlen when bounded.
bool repeat_in_place(VM& vm, DequeObj* d, int64_t n) {
    if (n <= 0) {
        clear_deque(vm, d);
        return true;
    }
    size_t size = d->len;
    if (n == 1 || size == 0) return true;
    if (static_cast<uint64_t>(n) > SIZE_MAX / size) {
        vm.raise(vm.exc.MemoryError, "");
        return false;
    }
    size_t total = size * static_cast<size_t>(n);
    size_t keep = d->maxlen >= 0 ? std::min(total, static_cast<size_t>(d->maxlen)) : total;
    if (keep > SIZE_MAX / sizeof(Value) / 2 || !vm.heap.reserve(keep * sizeof(Value))) {
        if (!vm.has_pending()) vm.raise(vm.exc.MemoryError, "");
        return false;
    }
    size_t newcap = kMinCapacity;
    while (newcap < keep) newcap *= 2;
    Value* nb = alloc_slots(newcap);
    if (nb == nullptr) {
        vm.raise(vm.exc.MemoryError, "");
        return false;
    }
    size_t first = total - keep;
    for (size_t j = 0; j < keep; ++j) nb[j] = d->at((first + j) % size);
    std::free(d->buf);
    vm.heap.account(static_cast<std::ptrdiff_t>(newcap * sizeof(Value)) - static_cast<std::ptrdiff_t>(d->cap * sizeof(Value)));
    d->buf = nb;
    d->cap = newcap;
    d->head = 0;
    d->len = keep;
    ++d->state;
    return true;
}

Value deque_imul(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__imul__");
    if (d == nullptr || !wrapper_args(vm, a, "__imul__", 1)) return Value::empty();
    int64_t n;
    if (!detail::repeat_count(vm, a.pos[1], &n) || !repeat_in_place(vm, d, n)) return Value::empty();
    return a.pos[0];
}

Value deque_mul(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__mul__");
    if (d == nullptr || !wrapper_args(vm, a, "__mul__", 1)) return Value::empty();
    int64_t n;
    if (!detail::repeat_count(vm, a.pos[1], &n)) return Value::empty();
    Value r = copy_deque(vm, d);
    if (r.is_empty()) return r;
    if (!is_deque(r)) return vm.raise(vm.exc.TypeError, "deque copy is not a deque");
    if (!repeat_in_place(vm, as_deque(r), n)) return Value::empty();
    return r;
}

Value deque_repr(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__repr__");
    if (d == nullptr || !wrapper_args(vm, a, "__repr__", 0)) return Value::empty();
    ReprGuard guard(vm, d);
    if (!guard.active) return Value::object(new_str(vm, "[...]"));
    List* items = new_list(vm, d->len);
    for (size_t i = 0; i < d->len; ++i) items->items.push_back(d->at(i));
    Str* inner = repr(vm, Value::object(items));
    if (inner == nullptr) return Value::empty();
    std::string out(d->type->name->view());
    out += "(";
    out += inner->view();
    if (d->maxlen >= 0) out += ", maxlen=" + std::to_string(d->maxlen);
    out += ")";
    return Value::object(new_str(vm, out));
}

Value deque_reduce(VM& vm, const Args& a) {
    DequeObj* d = self_of(vm, a, "__reduce__");
    if (d == nullptr || !fixed_args(vm, a, "__reduce__", 0)) return Value::empty();
    Tuple* args = new_tuple(vm, d->maxlen < 0 ? 0 : 2);
    if (d->maxlen >= 0) {
        args->items[0] = Value::object(new_tuple(vm, 0));
        args->items[1] = Value::integer(d->maxlen);
    }
    Value it = new_iter(vm, d, false);
    if (it.is_empty()) return it;
    Value state = d->dict ? Value::object(d->dict) : Value::none();
    Value parts[] = {Value::object(d->type), Value::object(args), state, it};
    return Value::object(new_tuple(vm, parts, 4));
}

}  // namespace

bool init_collections_core_module(VM& vm, Module* m) {
    Type* t = new_builtin_type(vm, "deque", vm.types.object, Layout::Other, alloc_deque);
    t->module = vm.intern("collections");
    def_method(vm, t, "__new__", deque_new);
    def_method(vm, t, "__init__", deque_init);
    def_method(vm, t, "append", deque_append);
    def_method(vm, t, "appendleft", deque_appendleft);
    def_method(vm, t, "pop", deque_pop);
    def_method(vm, t, "popleft", deque_popleft);
    def_method(vm, t, "extend", deque_extend);
    def_method(vm, t, "extendleft", deque_extendleft);
    def_method(vm, t, "clear", deque_clear);
    def_method(vm, t, "copy", deque_copy);
    def_method(vm, t, "__copy__", deque_copy);
    def_method(vm, t, "count", deque_count);
    def_method(vm, t, "index", deque_index);
    def_method(vm, t, "insert", deque_insert);
    def_method(vm, t, "remove", deque_remove);
    def_method(vm, t, "reverse", deque_reverse);
    def_method(vm, t, "rotate", deque_rotate);
    def_method(vm, t, "__len__", deque_len);
    def_method(vm, t, "__getitem__", deque_getitem);
    def_method(vm, t, "__setitem__", deque_setitem);
    def_method(vm, t, "__delitem__", deque_delitem);
    def_method(vm, t, "__contains__", deque_contains);
    NativeFunction* iter_fn = def_method(vm, t, "__iter__", deque_iter);
    NativeFunction* reversed_fn = def_method(vm, t, "__reversed__", deque_reversed);
    def_method(vm, t, "__eq__", deque_compare<CompareKind::Eq>);
    def_method(vm, t, "__ne__", deque_compare<CompareKind::Ne>);
    def_method(vm, t, "__lt__", deque_compare<CompareKind::Lt>);
    def_method(vm, t, "__le__", deque_compare<CompareKind::Le>);
    def_method(vm, t, "__gt__", deque_compare<CompareKind::Gt>);
    def_method(vm, t, "__ge__", deque_compare<CompareKind::Ge>);
    def_method(vm, t, "__add__", deque_add);
    def_method(vm, t, "__iadd__", deque_iadd);
    def_method(vm, t, "__mul__", deque_mul);
    def_method(vm, t, "__rmul__", deque_mul);
    def_method(vm, t, "__imul__", deque_imul);
    def_method(vm, t, "__repr__", deque_repr);
    def_method(vm, t, "__reduce__", deque_reduce);
    def_getset(vm, t, "maxlen", get_maxlen);
    dict_set_str(vm, t->dict, vm.names.__hash__, Value::none());
    // deque[int]: list's __class_getitem__ classmethod makes a GenericAlias of whatever class it
    // is looked up on, so the same object serves here.
    Value cg = dict_get_str(vm.types.list->dict, vm.names.__class_getitem__);
    if (!cg.is_empty()) dict_set_str(vm, t->dict, vm.names.__class_getitem__, cg);
    dict_set_str(vm, m->dict, vm.intern("deque"), Value::object(t));

    for (bool reverse : {false, true}) {
        Type* it = new_builtin_type(vm, reverse ? "_deque_reverse_iterator" : "_deque_iterator", vm.types.object,
                                    Layout::Other, alloc_iter, 0);
        it->module = vm.intern("_collections");
        def_method(vm, it, "__iter__", diter_iter);
        def_method(vm, it, "__next__", diter_next);
        def_method(vm, it, "__length_hint__", iter_length_hint);
        dict_set_str(vm, m->dict, it->name, Value::object(it));
        (reverse ? reversed_fn : iter_fn)->data = Value::object(it);
    }
    return true;
}

}  // namespace asy::stdlib
