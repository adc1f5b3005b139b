// Descriptor objects: property, staticmethod, classmethod, super, and the native getset
// descriptors built-in types use for computed attributes (`type.__name__`, `exc.args`, slots).
#pragma once

#include "vm/object.hpp"
#include "vm/objects/str.hpp"

namespace asy::vm {

struct Property : Obj {
    Value fget, fset, fdel, doc;   // None when absent
    Value name;                    // set by __set_name__ (for error messages), else Empty
    void trace(Tracer& t) override { t.mark(fget); t.mark(fset); t.mark(fdel); t.mark(doc); t.mark(name); }
};

struct StaticMethod : Obj {
    Value func;
    void trace(Tracer& t) override { t.mark(func); }
};

struct ClassMethod : Obj {
    Value func;
    void trace(Tracer& t) override { t.mark(func); }
};

// super(type, obj): attribute lookups start after `thisclass` in `obj_type.__mro__`.
struct Super : Obj {
    Type* thisclass = nullptr;     // the class the method was defined in (not `type`: Obj::type)
    Value obj;                     // the instance (or class), Empty when unbound
    Type* obj_type = nullptr;      // type(obj), or obj itself when obj is a class
    void trace(Tracer& t) override { t.mark(thisclass); t.mark(obj); t.mark(obj_type); }
};

struct GetSetDescr;
// Getter: the attribute value of `obj`, or Empty with an exception pending.
using GetterFn = Value (*)(VM& vm, Value obj, GetSetDescr* d);
// Setter: `value` Empty means delete. false with an exception pending on error.
using SetterFn = bool (*)(VM& vm, Value obj, Value value, GetSetDescr* d);

// A data descriptor implemented in C++ (CPython's getset_descriptor / member_descriptor).
struct GetSetDescr : Obj {
    Str* name = nullptr;
    Type* owner = nullptr;         // the type whose dict holds it
    GetterFn get = nullptr;
    SetterFn set = nullptr;        // null: read-only ("attribute 'x' of 'T' objects is not writable")
    Value data;                    // free slot for the getter/setter
    void trace(Tracer& t) override { t.mark(name); t.mark(owner); t.mark(data); }
};

// types.MappingProxyType: the read-only view `C.__dict__` returns.
struct MappingProxy : Obj {
    Value mapping;
    void trace(Tracer& t) override { t.mark(mapping); }
};

// types.UnionType: `int | str`, usable with isinstance/issubclass.
struct UnionObj : Obj {
    Value args;                    // tuple of the member types (None as type(None))
    void trace(Tracer& t) override { t.mark(args); }
};

}  // namespace asy::vm
