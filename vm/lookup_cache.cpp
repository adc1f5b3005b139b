// Inline cache fills: decide, without running user code, whether an attribute site on a given
// type may take the interpreter's fast path until the type's version changes.
#include "vm/lookup_cache.hpp"

#include "vm/type_internal.hpp"

namespace asy::vm::cache {

static void set_entry(InlineCache* c, Type* t, Kind kind, Value value = Value()) {
    c->key = t;
    c->version = t->version;
    c->kind = kind;
    c->value = value;
}

// Types whose instances use CPython's generic attribute lookup and may have an instance dict.
static bool plain_heap_instance(VM& vm, Value obj) {
    if (!obj.is_obj()) return false;
    Type* t = obj.o->type;
    return (t->flags & kTypeHeap) && t->layout != Layout::Type && t->layout != Layout::Module &&
           t != vm.types.super;
}

static bool default_slot(VM& vm, Type* t, Str* which) {
    Value v = type_lookup(t, which);
    return v.is_empty() || v.identical(dict_get_str(vm.types.object->dict, which));
}

void fill_load_attr(VM& vm, InlineCache* c, Value obj, Str* name) {
    if (!obj.is_obj()) return;
    Type* t = obj.o->type;
    if (plain_heap_instance(vm, obj) && default_slot(vm, t, vm.names.__getattribute__) &&
        type_lookup(t, name).is_empty()) {
        set_entry(c, t, kInstDict);
        return;
    }
    set_entry(c, t, kUncacheable);
}

void fill_load_method(VM& vm, InlineCache* c, Value obj, Str* name) {
    if (!obj.is_obj()) return;
    Type* t = obj.o->type;
    if (t->layout == Layout::Type || t == vm.types.super ||
        ((t->flags & kTypeHeap) && !default_slot(vm, t, vm.names.__getattribute__))) {
        set_entry(c, t, kUncacheable);
        return;
    }
    Value d = type_lookup(t, name);
    if (d.is_obj() && (d.o->type == vm.types.function ||
                       (d.o->type == vm.types.native_function && static_cast<NativeFunction*>(d.o)->is_method))) {
        set_entry(c, t, kMethod, d);
        return;
    }
    if (d.is_empty() && plain_heap_instance(vm, obj)) {
        set_entry(c, t, kInstDict);
        return;
    }
    set_entry(c, t, kUncacheable);
}

void fill_store_attr(VM& vm, InlineCache* c, Value obj, Str* name) {
    if (!obj.is_obj()) return;
    Type* t = obj.o->type;
    if (plain_heap_instance(vm, obj) && (t->flags & kTypeInstanceDict) &&
        default_slot(vm, t, vm.names.__setattr__)) {
        Value d = type_lookup(t, name);
        // A descriptor of a built-in type cannot change kind; one of a heap type could gain __set__.
        if (d.is_empty() || !d.is_obj() || (!(d.o->type->flags & kTypeHeap) && !descr_is_data(vm, d))) {
            set_entry(c, t, kInstDict);
            return;
        }
    }
    set_entry(c, t, kUncacheable);
}

void fill_call_type(VM& vm, InlineCache* c, Type* t) {
    if (t->type == vm.types.type && t->alloc_instance != nullptr && (t->flags & kTypeHeap) &&
        builtin_base(t) == vm.types.object && t->layout == Layout::Object &&
        type_lookup(t, vm.names.__new__).identical(dict_get_str(vm.types.object->dict, vm.names.__new__))) {
        Value init = type_lookup(t, vm.names.__init__);
        if (init.is_obj() && init.o->type == vm.types.function &&
            (static_cast<Function*>(init.o)->code->code->flags & (kCoGenerator | kCoCoroutine | kCoAsyncGenerator)) == 0) {
            set_entry(c, t, kInit, init);
            return;
        }
    }
    set_entry(c, t, kUncacheable);
}

}  // namespace asy::vm::cache
