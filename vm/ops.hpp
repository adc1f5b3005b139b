// The object protocol: every generic operation the interpreter and natives perform on values
// (attribute access, operators, comparison, hashing, iteration, conversion to text). Fast paths
// for built-in types come first; everything else dispatches to dunder methods found on the
// type's MRO, as CPython does. All return Value::empty() / false / -1 with an exception pending
// on error.
#pragma once

#include <string>

#include "vm/bytecode.hpp"
#include "vm/vm.hpp"

namespace asy::vm {

// ---- attributes (attributes.cpp) ----
// Look `name` up on type's MRO dicts only (no descriptors invoked); Empty when missing.
Value type_lookup(Type* type, Str* name);
Value get_attr(VM& vm, Value obj, Str* name);               // AttributeError when missing
Value get_attr_opt(VM& vm, Value obj, Str* name);           // Empty, no exception, when missing
bool set_attr(VM& vm, Value obj, Str* name, Value value);
bool del_attr(VM& vm, Value obj, Str* name);
// For LOAD_METHOD: if `name` resolves to a plain function/method descriptor on the type (and
// is not shadowed by an instance attribute), set *method and return true (call with obj as
// first argument); else store the bound attribute in *method and return false. On error,
// *method is Empty and an exception is pending.
bool get_method(VM& vm, Value obj, Str* name, Value* method);

// ---- operators (operators.cpp) ----
Value binary_op(VM& vm, BinOpKind op, Value a, Value b);     // incl. in-place forms
Value unary_op(VM& vm, Op op, Value a);                      // UNARY_POSITIVE/NEGATIVE/INVERT
Value compare(VM& vm, CompareKind op, Value a, Value b);     // rich comparison result
int compare_bool(VM& vm, CompareKind op, Value a, Value b);  // truth of it: 1, 0, -1 error
int equals(VM& vm, Value a, Value b);                        // a == b as bool: 1, 0, -1 error
int truthy(VM& vm, Value v);                                 // bool(v): 1, 0, -1 error
int contains(VM& vm, Value container, Value item);           // item in container

// ---- items (operators.cpp) ----
Value get_item(VM& vm, Value obj, Value key);
bool set_item(VM& vm, Value obj, Value key, Value value);
bool del_item(VM& vm, Value obj, Value key);

// ---- hashing, length, text (protocol.cpp) ----
bool hash_value(VM& vm, Value v, uint64_t* out);             // TypeError: unhashable type
int64_t length(VM& vm, Value v);                             // -1 on error
Str* repr(VM& vm, Value v);                                  // nullptr on error
Str* to_str(VM& vm, Value v);                                // str(v)
Str* ascii_repr(VM& vm, Value v);
Value format(VM& vm, Value v, Str* spec);                    // format(v, spec)
// Python-style name of a value's type, for messages: "int", "NoneType", "MyClass".
std::string type_name(VM& vm, Value v);

// ---- iteration (protocol.cpp) ----
Value get_iter(VM& vm, Value iterable);
// Next item; Empty with NO exception pending when exhausted (StopIteration is swallowed).
Value iter_next(VM& vm, Value iterator);

// ---- numbers (int.cpp / float.cpp) ----
// Python int/index conversion: bool and int (small/big) and __index__. Overflow -> OverflowError.
bool to_int64(VM& vm, Value v, int64_t* out);
bool to_double(VM& vm, Value v, double* out);                // int, float, __float__
bool is_int_like(VM& vm, Value v);                           // int, bool, BigInt (not float)
// Float arithmetic for the generic operators (operators.cpp calls it after its own fast paths;
// int_binary_op is in int.hpp). NotImplemented (vm.not_implemented) when an operand is not
// float/int; Empty with an exception pending on error (ZeroDivisionError ...).
Value float_binary_op(VM& vm, BinOpKind op, Value a, Value b);  // float.cpp: float with int/float
std::string float_repr(double d);                               // float.cpp: repr(float), "0.1", "inf"

// ---- hashing helpers (protocol.cpp), for the natives of built-in types' __hash__ ----
uint64_t hash_int64(int64_t i);                              // CPython's numeric hash (mod 2**61-1)
uint64_t hash_double(double d);                              // equal to hash_int64 for integral floats
uint64_t hash_pointer(const void* p);                        // object.__hash__ (identity)

// ---- types (type.cpp) ----
bool is_subtype(Type* a, Type* b);                           // b in a.__mro__
bool is_instance(VM& vm, Value v, Type* t);                  // fast, no __instancecheck__
int isinstance_full(VM& vm, Value v, Value cls);             // isinstance() with tuples and hooks
Type* new_builtin_type(VM& vm, const char* name, Type* base, Layout layout, AllocFn alloc,
                       uint32_t flags = kTypeBaseType);
// Register a native method/function in a type or module dict.
NativeFunction* def_method(VM& vm, Type* type, const char* name, NativeFn fn);
NativeFunction* def_function(VM& vm, Dict* ns, const char* name, NativeFn fn);
NativeFunction* new_native(VM& vm, const char* name, NativeFn fn);
// Note: def_method(vm, type, "__new__", fn) registers a *static* native (is_method=false, like
// CPython's __new__ staticmethod): it receives the class as pos[0] and never binds.
// A native computed attribute (getset descriptor) in a type's dict (descriptors.cpp).
struct GetSetDescr;
using GetterFn = Value (*)(VM& vm, Value obj, GetSetDescr* d);
using SetterFn = bool (*)(VM& vm, Value obj, Value value, GetSetDescr* d);  // value Empty: delete
GetSetDescr* def_getset(VM& vm, Type* type, const char* name, GetterFn get, SetterFn set = nullptr);
// The nearest built-in (non-heap) type on `t`'s base chain (t itself when built-in).
Type* builtin_base(Type* t);
// Look a special method up on type(obj) (not the instance) and call it bound to obj; Empty with
// NO exception pending when the type has no such method (check vm.has_pending()).
Value call_special(VM& vm, Value obj, Str* name, const Value* args, size_t nargs);
// Call a descriptor found on a type as a method of `self` (binds functions/natives/classmethods).
Value call_descriptor(VM& vm, Value descr, Value self, const Value* args, size_t nargs);
// Raise AttributeError worded as CPython for a missing attribute of obj.
Value raise_attribute_error(VM& vm, Value obj, Str* name);
// Class creation: type(name, bases, dict) proper, and the builtin __build_class__ (type.cpp).
Value build_class(VM& vm, const Args& args);

// ---- calls ----
// Call any callable (call.cpp): functions (re-entering the interpreter), natives, bound
// methods, types (-> type_call), instances with __call__.
Value call_object(VM& vm, Value callable, const Args& args);
// type(...)(*args): __new__ then __init__, or type(x) with one argument (type.cpp).
Value type_call(VM& vm, Type* type, const Args& args);

// ---- imports (import.cpp) ----
// `__import__(name, globals, locals, fromlist, level)` semantics: resolves relative names
// against globals' __package__/__name__, imports every package on the dotted path (sys.modules
// first, then VM::module_loaders), and returns the top package, or the leaf module when
// `fromlist` is non-empty.
Value import_name(VM& vm, Str* name, Dict* globals, Value fromlist, int64_t level);
// `from m import name`: attribute, else the submodule "m.name" from sys.modules; ImportError
// "cannot import name 'x' from 'm' (path)".
Value import_from(VM& vm, Value module, Str* name);
// `from m import *`: copy __all__ (or public names) into `locals`.
bool import_star(VM& vm, Value module, Dict* locals);

// ---- services of the interpreter for the types layer (call.cpp / interpreter.cpp) ----
// Run a class body function with `locals` as its locals mapping (LOAD_NAME/STORE_NAME go to
// it); returns the body's return value (the __class__ cell or None). (call.cpp)
Value call_with_locals(VM& vm, Function* func, Dict* locals);
// Zero-argument super(): the innermost script frame's `__class__` cell value and its first
// argument. false with RuntimeError pending ("super(): no arguments" /
// "super(): __class__ cell not found") when unavailable. (call.cpp)
bool current_super_args(VM& vm, Value* type, Value* self);
// The exception currently handled by an `except` block of the innermost frame(s), or None. (interpreter.cpp)
Value frame_handled_exception(VM& vm);
// globals() / locals() of the innermost script frame. (interpreter.cpp)
Dict* current_globals(VM& vm);
Value current_locals(VM& vm);

// ---- argument checking helpers for natives (args.cpp) ----
// Check positional count in [min, max] and no keywords: TypeError worded as CPython
// ("len() takes exactly one argument (2 given)", "... takes at most 2 arguments (3 given)").
bool check_args(VM& vm, const Args& a, const char* fname, uint32_t min, uint32_t max);
bool check_no_kwargs(VM& vm, const Args& a, const char* fname);
// Bind positional+keyword arguments to `names` (nullptr-terminated list); `out` gets Empty for
// missing optional ones. `required` = number of leading names that must be given. A name that
// starts with '$' is keyword-only (the '$' is not part of the name), as are all after it.
bool parse_args(VM& vm, const Args& a, const char* fname, const char* const* names,
                uint32_t required, Value* out);
// parse_args for natives that stand in for Python functions (asyncio.sleep, create_task): the
// errors a `def` with these parameters raises. `nself` (0 or 1) counts a bound self in the
// positional counts ("C.m() takes 2 positional arguments but 3 were given").
bool parse_args_py(VM& vm, const Args& a, const char* fname, const char* const* names, uint32_t required,
                   uint32_t nself, Value* out);

}  // namespace asy::vm
