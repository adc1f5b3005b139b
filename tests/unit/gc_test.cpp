// Unit tests of the garbage collector: unreachable objects and cycles are freed, rooted and
// pinned objects survive, and a collection at every allocation (GC stress) keeps programs correct.
#include <catch2/catch.hpp>

#include "vm/heap.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"

using namespace asy::vm;

namespace {

// Builds `n` two-element cycles (list a -> list b -> list a) that nothing else references.
void make_cycles(VM& vm, int n) {
    TempRootScope scope(vm.heap);
    for (int i = 0; i < n; ++i) {
        List* a = new_list(vm);
        List* b = new_list(vm);
        a->items.push_back(Value::object(b));
        b->items.push_back(Value::object(a));
    }
}

}  // namespace

TEST_CASE("gc: unreachable cycles are collected", "[gc]") {
    VM vm;
    vm.heap.collect();
    size_t before = vm.heap.object_count();
    make_cycles(vm, 1000);
    CHECK(vm.heap.object_count() >= before);  // (some may already be gone if a collection ran)
    vm.heap.collect();
    CHECK(vm.heap.object_count() <= before + 8);
}

TEST_CASE("gc: pinned temporaries survive a collection", "[gc]") {
    VM vm;
    size_t mark = vm.heap.mark();
    List* keep = new_list(vm);
    keep->items.push_back(str_value(vm, "kept"));
    vm.heap.collect();
    REQUIRE(keep->items.size() == 1);
    Str* s = static_cast<Str*>(keep->items[0].o);
    CHECK(s->view() == "kept");
    vm.heap.release(mark);
}

TEST_CASE("gc: objects reachable from a global survive, and die when unbound", "[gc]") {
    VM vm;
    Str* name = vm.intern("big_global");
    {
        TempRootScope scope(vm.heap);
        List* l = new_list(vm);
        for (int i = 0; i < 100; ++i) l->items.push_back(Value::object(new_list(vm)));
        dict_set_str(vm, vm.builtins, name, Value::object(l));
    }
    vm.heap.collect();
    size_t with_global = vm.heap.object_count();
    Value v = dict_get_str(vm.builtins, name);
    REQUIRE(v.is_obj());
    CHECK(static_cast<List*>(v.o)->items.size() == 100);
    dict_del_str(vm.builtins, name);
    vm.heap.collect();
    CHECK(vm.heap.object_count() + 100 <= with_global);
}

TEST_CASE("gc: stress mode collects at every allocation without losing live objects", "[gc]") {
    VM vm;
    vm.heap.stress = true;
    size_t collections = vm.heap.collections();
    {
        TempRootScope scope(vm.heap);
        List* l = new_list(vm);
        for (int i = 0; i < 200; ++i) l->items.push_back(str_value(vm, std::to_string(i)));
        for (int i = 0; i < 200; ++i) {
            REQUIRE(l->items[i].is_obj());
            CHECK(static_cast<Str*>(l->items[i].o)->view() == std::to_string(i));
        }
    }
    CHECK(vm.heap.collections() >= collections + 200);
    vm.heap.stress = false;
}
