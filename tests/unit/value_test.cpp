// Unit tests of the types layer on a real VM: numeric hashing, the generic operators and their
// error messages, type creation and the MRO, attribute access, and exception reprs.
#include <catch2/catch.hpp>

#include <string>

#include "vm/objects/containers.hpp"
#include "vm/objects/descriptors.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"

using namespace asy::vm;

namespace {

std::string text(VM& vm, Value v) {
    Str* s = repr(vm, v);
    REQUIRE(s != nullptr);
    return std::string(s->view());
}

std::string pending_message(VM& vm) {
    REQUIRE(vm.has_pending());
    Value e = vm.take_pending();
    Str* s = to_str(vm, e);
    REQUIRE(s != nullptr);
    return type_name(vm, e) + ": " + std::string(s->view());
}

Value make_class(VM& vm, const char* name, std::initializer_list<Value> bases) {
    Value args[3] = {str_value(vm, name), Value::object(new_tuple(vm, bases.begin(), bases.size())),
                     Value::object(new_dict(vm))};
    return vm.call(Value::object(vm.types.type), args, 3);
}

}  // namespace

TEST_CASE("numeric hashes follow CPython", "[types]") {
    CHECK(static_cast<int64_t>(hash_int64(-1)) == -2);
    CHECK(hash_int64(1) == 1);
    CHECK(hash_int64((int64_t(1) << 61) - 1) == 0);
    CHECK(hash_double(1.0) == hash_int64(1));
    CHECK(hash_double(-3.0) == hash_int64(-3));
    CHECK(hash_double(1.5) == 1152921504606846977ull);
    CHECK(hash_double(1.0 / 0.0) == 314159);
}

TEST_CASE("binary operators: fast paths and messages", "[types]") {
    VM vm;
    Value r = binary_op(vm, BinOpKind::Add, Value::integer(2), Value::integer(3));
    REQUIRE(r.is_int());
    CHECK(r.i == 5);
    r = binary_op(vm, BinOpKind::FloorDivide, Value::integer(-7), Value::integer(2));
    CHECK(r.i == -4);
    r = binary_op(vm, BinOpKind::Remainder, Value::integer(-7), Value::integer(2));
    CHECK(r.i == 1);
    r = binary_op(vm, BinOpKind::Multiply, Value::real(1.5), Value::integer(2));
    REQUIRE(r.is_float());
    CHECK(r.f == 3.0);
    r = binary_op(vm, BinOpKind::Add, Value::integer(1), str_value(vm, "a"));
    CHECK(r.is_empty());
    CHECK(pending_message(vm) == "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
    r = binary_op(vm, BinOpKind::Add, str_value(vm, "a"), Value::integer(1));
    CHECK(pending_message(vm) == "TypeError: can only concatenate str (not \"int\") to str");
    r = binary_op(vm, BinOpKind::Add, str_value(vm, "ab"), str_value(vm, "cd"));
    CHECK(text(vm, r) == "'abcd'");
}

TEST_CASE("comparisons", "[types]") {
    VM vm;
    CHECK(compare_bool(vm, CompareKind::Lt, Value::integer(1), Value::real(1.5)) == 1);
    CHECK(equals(vm, Value::integer(1), Value::real(1.0)) == 1);
    CHECK(compare_bool(vm, CompareKind::Lt, Value::integer(1), str_value(vm, "a")) == -1);
    CHECK(pending_message(vm) == "TypeError: '<' not supported between instances of 'int' and 'str'");
    Value o1 = vm.call(Value::object(vm.types.object), {});
    Value o2 = vm.call(Value::object(vm.types.object), {});
    CHECK(equals(vm, o1, o1) == 1);
    CHECK(equals(vm, o1, o2) == 0);
}

TEST_CASE("class creation, MRO and attributes", "[types]") {
    VM vm;
    Value a = make_class(vm, "A", {});
    Value b = make_class(vm, "B", {a});
    Value c = make_class(vm, "C", {a});
    Value d = make_class(vm, "D", {b, c});
    REQUIRE(d.is_obj());
    Type* dt = static_cast<Type*>(d.o);
    std::string mro;
    for (Type* t : dt->mro) mro += t->name->s + " ";
    CHECK(mro == "D B C A object ");
    Value bad = make_class(vm, "X", {a, b});
    CHECK(bad.is_empty());
    CHECK(pending_message(vm) == "TypeError: Cannot create a consistent method resolution\norder (MRO) for bases A, B");

    Str* x = vm.intern("x");
    REQUIRE(set_attr(vm, a, x, Value::integer(7)));
    Value inst = vm.call(d, {});
    REQUIRE(inst.is_obj());
    CHECK(get_attr(vm, inst, x).i == 7);
    REQUIRE(set_attr(vm, inst, x, Value::integer(8)));
    CHECK(get_attr(vm, inst, x).i == 8);
    CHECK(get_attr(vm, d, x).i == 7);
    CHECK(get_attr(vm, inst, vm.intern("nope")).is_empty());
    CHECK(pending_message(vm) == "AttributeError: 'D' object has no attribute 'nope'");
    CHECK(!set_attr(vm, Value::integer(1), x, Value::none()));
    CHECK(pending_message(vm) == "AttributeError: 'int' object has no attribute 'x'");
    CHECK(!set_attr(vm, Value::object(vm.types.int_), x, Value::none()));
    CHECK(pending_message(vm) == "TypeError: cannot set 'x' attribute of immutable type 'int'");
    CHECK(text(vm, d) == "<class 'D'>");
    CHECK(isinstance_full(vm, inst, a) == 1);
}

TEST_CASE("exceptions", "[types]") {
    VM vm;
    Value e = vm.call(Value::object(vm.exc.KeyError), {str_value(vm, "k")});
    CHECK(text(vm, e) == "KeyError('k')");
    CHECK(std::string(to_str(vm, e)->view()) == "'k'");
    Value args[3] = {Value::integer(2), str_value(vm, "No such file or directory"), str_value(vm, "x")};
    Value os = vm.call(Value::object(vm.exc.OSError), args, 3);
    CHECK(type_name(vm, os) == "FileNotFoundError");
    CHECK(std::string(to_str(vm, os)->view()) == "[Errno 2] No such file or directory: 'x'");
    vm.raise_value(Value::integer(3));
    CHECK(pending_message(vm) == "TypeError: exceptions must derive from BaseException");
    CHECK(is_subtype(vm.exc.ExceptionGroup, vm.exc.Exception));
    CHECK(is_subtype(vm.exc.FileNotFoundError, vm.exc.OSError));
}
