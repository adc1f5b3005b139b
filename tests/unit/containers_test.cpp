// Unit tests of the containers' C++ API on a real VM: dict ordering/deletion/growth, the str
// fast paths, set iteration order (CPython's), list sorting, tuple/frozenset hashes, slices,
// ranges, and the iterator fast paths.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vm/objects/containers.hpp"
#include "vm/objects/iterators.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"

using namespace asy::vm;

namespace {

Value I(int64_t x) { return Value::integer(x); }

std::string repr_of(VM& vm, Value v) {
    Str* s = repr(vm, v);
    REQUIRE(s != nullptr);
    return std::string(s->view());
}

std::vector<int64_t> dict_keys(Dict* d) {
    std::vector<int64_t> out;
    size_t pos = 0;
    Value k;
    while (dict_next(d, &pos, &k, nullptr)) out.push_back(k.as_int());
    return out;
}

}  // namespace

TEST_CASE("dict keeps insertion order across deletes and growth", "[containers]") {
    VM vm;
    Dict* d = new_dict(vm);
    for (int64_t i = 0; i < 1000; ++i) REQUIRE(dict_set(vm, d, I(i), I(i * i)));
    REQUIRE(dict_size(d) == 1000);
    for (int64_t i = 0; i < 1000; i += 2) REQUIRE(dict_del(vm, d, I(i)));
    REQUIRE(dict_size(d) == 500);
    REQUIRE(dict_get(vm, d, I(2)).is_empty());
    REQUIRE(!vm.has_pending());
    REQUIRE(dict_get(vm, d, I(3)).as_int() == 9);
    REQUIRE(dict_set(vm, d, I(0), I(-1)));   // re-inserted: goes last
    std::vector<int64_t> keys = dict_keys(d);
    REQUIRE(keys.size() == 501);
    REQUIRE(keys.front() == 1);
    REQUIRE(keys.back() == 0);
    REQUIRE(!dict_del(vm, d, I(2)));          // KeyError
    REQUIRE(vm.has_pending());
    vm.take_pending();
}

TEST_CASE("dict str fast paths agree with the generic path", "[containers]") {
    VM vm;
    Dict* d = new_dict(vm);
    Str* a = vm.intern("alpha");
    dict_set_str(vm, d, a, I(1));
    Str* copy = new_str(vm, "alpha");        // equal but not the interned object
    REQUIRE(dict_get_str(d, copy).as_int() == 1);
    REQUIRE(dict_get(vm, d, Value::object(copy)).as_int() == 1);
    REQUIRE(dict_set(vm, d, Value::object(copy), I(2)));
    REQUIRE(dict_size(d) == 1);
    REQUIRE(dict_get_str(d, a).as_int() == 2);
    REQUIRE(dict_del_str(d, a));
    REQUIRE(!dict_del_str(d, a));
    REQUIRE(dict_size(d) == 0);
}

TEST_CASE("dict repr and recursion guard", "[containers]") {
    VM vm;
    Dict* d = new_dict(vm);
    dict_set_str(vm, d, vm.intern("a"), I(1));
    dict_set_str(vm, d, vm.intern("self"), Value::object(d));
    REQUIRE(repr_of(vm, Value::object(d)) == "{'a': 1, 'self': {...}}");
}

TEST_CASE("set iteration order matches CPython for small ints", "[containers]") {
    VM vm;
    auto build = [&](std::initializer_list<int64_t> xs) {
        Set* s = new_set(vm);
        for (int64_t x : xs) REQUIRE(set_add(vm, s, I(x)));
        return repr_of(vm, Value::object(s));
    };
    REQUIRE(build({3, 1, 2}) == "{1, 2, 3}");
    REQUIRE(build({5, 3, 100, 7, 8, 64, 33}) == "{64, 33, 3, 100, 5, 7, 8}");
    REQUIRE(build({}) == "set()");
    Set* f = new_set(vm, true);
    for (int64_t x : {1, 9, 17}) REQUIRE(set_add(vm, f, I(x)));
    REQUIRE(repr_of(vm, Value::object(f)) == "frozenset({1, 9, 17})");
    REQUIRE(set_contains(vm, f, I(9)) == 1);
    REQUIRE(set_contains(vm, f, I(2)) == 0);
}

TEST_CASE("tuple and frozenset hashes are CPython's", "[containers]") {
    VM vm;
    uint64_t h;
    REQUIRE(tuple_hash(vm, new_tuple(vm, 0), &h));
    REQUIRE(static_cast<int64_t>(h) == 5740354900026072187LL);
    Value xs[2] = {I(1), I(2)};
    REQUIRE(tuple_hash(vm, new_tuple(vm, xs, 2), &h));
    REQUIRE(static_cast<int64_t>(h) == -3550055125485641917LL);
    Set* f = new_set(vm, true);
    REQUIRE(frozenset_hash(vm, f, &h));
    REQUIRE(static_cast<int64_t>(h) == 133146708735736LL);
    Set* g = new_set(vm, true);
    for (int64_t x : {1, 2, 3}) REQUIRE(set_add(vm, g, I(x)));
    REQUIRE(frozenset_hash(vm, g, &h));
    REQUIRE(static_cast<int64_t>(h) == -272375401224217160LL);
}

TEST_CASE("list_sort is stable, honours reverse, and reports errors", "[containers]") {
    VM vm;
    List* l = new_list(vm);
    for (int64_t x : {5, 3, 9, 1, 3, 7, 0, 2, 8}) list_append(vm, l, I(x));
    REQUIRE(list_sort(vm, l, Value::empty(), false));
    REQUIRE(repr_of(vm, Value::object(l)) == "[0, 1, 2, 3, 3, 5, 7, 8, 9]");
    REQUIRE(list_sort(vm, l, Value::none(), true));
    REQUIRE(repr_of(vm, Value::object(l)) == "[9, 8, 7, 5, 3, 3, 2, 1, 0]");
    List* big = new_list(vm);
    for (int64_t i = 0; i < 500; ++i) list_append(vm, big, I((i * 7919) % 500));
    REQUIRE(list_sort(vm, big, Value::empty(), false));
    for (int64_t i = 0; i < 500; ++i) REQUIRE(big->items[i].as_int() == i);
    List* mixed = new_list(vm);
    list_append(vm, mixed, I(1));
    list_append(vm, mixed, str_value(vm, "a"));
    REQUIRE(!list_sort(vm, mixed, Value::empty(), false));
    REQUIRE(vm.has_pending());
    vm.take_pending();
    REQUIRE(mixed->items.size() == 2);
}

TEST_CASE("slice_indices follows PySlice_GetIndicesEx", "[containers]") {
    VM vm;
    int64_t start, stop, step, len;
    Slice* s = new_slice(vm, Value::none(), Value::none(), I(-1));
    REQUIRE(slice_indices(vm, s, 5, &start, &stop, &step, &len));
    REQUIRE((start == 4 && stop == -1 && step == -1 && len == 5));
    s = new_slice(vm, I(-3), I(100), Value::none());
    REQUIRE(slice_indices(vm, s, 10, &start, &stop, &step, &len));
    REQUIRE((start == 7 && stop == 10 && step == 1 && len == 3));
    s = new_slice(vm, I(1), I(2), I(0));
    REQUIRE(!slice_indices(vm, s, 10, &start, &stop, &step, &len));
    vm.take_pending();
}

TEST_CASE("range iterators advance without calls", "[containers]") {
    VM vm;
    Range* r = new_range(vm, I(10), I(0), I(-3));
    Value it = new_range_iterator(vm, r);
    REQUIRE(it.o->type == vm.iter_types[kRangeIter]);
    std::vector<int64_t> got;
    for (Value v; !(v = range_iter_next(static_cast<RangeIterator*>(it.o))).is_empty();) got.push_back(v.as_int());
    REQUIRE(got == std::vector<int64_t>{10, 7, 4, 1});
    REQUIRE(repr_of(vm, Value::object(r)) == "range(10, 0, -3)");
    List* l = list_from_iterable(vm, Value::object(r));
    REQUIRE(l != nullptr);
    REQUIRE(repr_of(vm, Value::object(l)) == "[10, 7, 4, 1]");
    bool handled = false;
    Value li = container_get_iter(vm, Value::object(l), &handled);
    REQUIRE(handled);
    REQUIRE(iterator_fast_next(vm, li, &handled).as_int() == 10);
    REQUIRE(handled);
}
