// Per-instruction inline caches for LOAD_ATTR / STORE_ATTR / LOAD_METHOD / LOAD_GLOBAL: the fast
// paths the interpreter tries first, and the (slow, side-effect free) fills that make them valid.
#pragma once

#include "vm/objects/containers.hpp"
#include "vm/objects/function.hpp"
#include "vm/vm.hpp"

namespace asy::vm::cache {

// What a filled entry promises while (key, version) still match.
enum Kind : uint8_t {
    kEmpty = 0,
    kInstDict,     // default __getattribute__/__setattr__, name nowhere on the MRO: use obj.__dict__
    kMethod,       // LOAD_METHOD: plain function/method `value` found on the type (non-data)
    kGlobal,       // LOAD_GLOBAL: the name is globals `key`'s entry at position version2
    kBuiltin,      // LOAD_GLOBAL: builtins `key2`'s entry version2, while globals `key` keeps
                   // keys version `version` (the name still absent from it)
    kUncacheable,  // tried once and found ineligible (e.g. property, __getattr__ override)
    kInit,         // CALL of class `key`: object.__new__ then the plain Python __init__ `value`
};

inline InlineCache* slot(CodeObj* co, uint32_t index) {
    if (co->caches.empty()) co->caches.resize(co->code->code.size());
    return &co->caches[index];
}

inline bool type_matches(const InlineCache* c, const Obj* o) {
    return c->key == o->type && c->version == o->type->version;
}

// Fills (never call user code): inspect the type and record what the site may skip next time.
void fill_load_attr(VM& vm, InlineCache* c, Value obj, Str* name);
void fill_load_method(VM& vm, InlineCache* c, Value obj, Str* name);
void fill_store_attr(VM& vm, InlineCache* c, Value obj, Str* name);
// CALL of a class whose metaclass is `type`: kInit when instantiation is just "allocate, run
// the Python __init__" (object.__new__ inherited, __init__ a plain function), else kUncacheable.
void fill_call_type(VM& vm, InlineCache* c, Type* t);

}  // namespace asy::vm::cache
