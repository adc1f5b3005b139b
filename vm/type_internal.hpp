// Helpers shared by the types layer's files (type.cpp, attributes.cpp, descriptors.cpp,
// operators.cpp, protocol.cpp, exceptions.cpp, builtins.cpp); not part of the VM-wide contract.
#pragma once

#include <string>
#include <vector>

#include "vm/objects/descriptors.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

inline bool is_type_obj(const Value& v) { return v.tag == Tag::Obj && v.o->type->layout == Layout::Type; }
inline Type* as_type(const Value& v) { return static_cast<Type*>(v.o); }
inline uint32_t kwcount(const Args& a) { return a.kwnames ? static_cast<uint32_t>(a.kwnames->items.size()) : 0; }
inline Args make_args(const Value* pos, size_t n) {
    Args a;
    a.pos = pos;
    a.npos = static_cast<uint32_t>(n);
    return a;
}
inline bool is_exact(const Value& v, Type* t) { return v.tag == Tag::Obj && v.o->type == t; }
inline bool is_native_method(const Value& v, const VM& vm) {
    return v.tag == Tag::Obj && v.o->type == vm.types.native_function &&
           static_cast<NativeFunction*>(v.o)->is_method;
}

// Call `fn` with `self` prepended to the arguments of `a` (keywords kept).
Value call_with_self(VM& vm, Value fn, Value self, const Args& a);
// Call `fn` with plain positional arguments.
Value call_pos(VM& vm, Value fn, std::initializer_list<Value> args);
// descr.__get__(obj, type) for any descriptor (fast paths for the built-in descriptor kinds);
// obj Empty or None means "looked up on the class". Returns descr itself when it has no __get__.
Value descr_get(VM& vm, Value descr, Value obj, Type* type);
// Does type(descr) define __get__ / __set__ or __delete__ (a data descriptor)?
bool descr_has_get(VM& vm, Value descr);
bool descr_is_data(VM& vm, Value descr);
// The __qualname__ / __module__ of a type as text (for reprs and messages).
std::string type_qualname(Type* t);
std::string type_module(VM& vm, Type* t);
// Bump the version of t and every subclass (attribute caches validate against it).
void type_modified(Type* t);
// Generic attribute access of CPython's object.__getattribute__ / type.__getattribute__:
// Empty with NO exception when missing (unless another error is pending).
Value generic_getattr(VM& vm, Value obj, Str* name);
Value type_getattr(VM& vm, Type* t, Str* name);
bool generic_setattr(VM& vm, Value obj, Str* name, Value value);   // value Empty: delete
bool type_setattr(VM& vm, Type* t, Str* name, Value value);
// Does obj's type allow a per-instance __dict__?
bool has_instance_dict(const Value& obj);
// The exception class of an exception value (exceptions.cpp).
bool is_exception_instance(VM& vm, Value v);
// Look a dunder up on type(obj) (no instance dict).
inline Value lookup_special(VM& vm, Value obj, Str* name) { return type_lookup(type_of(vm, obj), name); }
// property / super internals (descriptors.cpp), used by the attribute fast paths.
Value property_get(VM& vm, Property* p, Value obj);
bool property_set(VM& vm, Property* p, Value obj, Value value);      // value Empty: delete
Value super_get_attr(VM& vm, Value super_obj, Str* name);
int issubclass_full(VM& vm, Value sub, Value cls);                   // type.cpp
// The binary-operator protocol with an arbitrary dunder pair (divmod: "divmod" -> __divmod__ /
// __rdivmod__); `what` names the operation in the TypeError (operators.cpp).
Value binary_op_named(VM& vm, Value a, Value b, const char* name, const char* what);
// Per-file init functions called from init_object_methods (type.cpp).
void init_type_methods(VM& vm);        // type.cpp
void init_descriptor_methods(VM& vm);  // descriptors.cpp: object, property, staticmethod, classmethod, super
void init_file_objects(VM& vm);       // file_object.cpp: the file types and the open() builtin
// Text of a Str value (no checks).
inline std::string_view sv(const Value& v) { return static_cast<Str*>(v.o)->view(); }
inline bool is_str_value(const Value& v) { return v.tag == Tag::Obj && v.o->type->layout == Layout::Str; }

}  // namespace asy::vm
