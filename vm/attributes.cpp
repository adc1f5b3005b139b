// Attribute access: type_lookup along the MRO, CPython's generic getattr/setattr/delattr for
// instances and for types, __getattribute__/__getattr__/__setattr__/__delattr__ overrides, and
// the LOAD_METHOD fast path (get_method) that avoids creating bound methods.
#include "vm/type_internal.hpp"

namespace asy::vm {

// Out of line, so a cache hit in type_lookup needs no stack frame.
[[gnu::noinline]] static Value mro_lookup(Type* type, Str* name) {
    for (Type* t : type->mro) {
        Value v = dict_get_str(t->dict, name);
        if (!v.is_empty()) return v;
    }
    return Value::empty();
}

[[gnu::noinline]] static Value cache_fill(TypeAttrCache::Entry* e, Type* type, Str* name) {
    Value v = mro_lookup(type, name);
    e->version = type->version;
    e->name = name;
    e->value = v;
    return v;
}

// Through the VM's TypeAttrCache (vm.hpp) for interned names; others (getattr with a computed
// string) walk the MRO, as their pointer could be reused by another text after a collection.
Value type_lookup(Type* type, Str* name) {
    TypeAttrCache* c = type->attr_cache;
    if (c != nullptr && name->interned && c->enabled) [[likely]] {
        TypeAttrCache::Entry* e = &c->entries[TypeAttrCache::index(type->version, name)];
        if (e->version == type->version && e->name == name) [[likely]] return e->value;
        return cache_fill(e, type, name);
    }
    return mro_lookup(type, name);
}

bool has_instance_dict(const Value& obj) {
    return obj.is_obj() && (obj.o->type->flags & kTypeInstanceDict);
}

// ---- descriptors ------------------------------------------------------------------------------

bool descr_has_get(VM& vm, Value d) {
    if (!d.is_obj()) return false;
    Type* t = d.o->type;
    if (t == vm.types.function || t == vm.types.property || t == vm.types.classmethod ||
        t == vm.types.staticmethod || t == vm.types.getset_descriptor)
        return true;
    if (t == vm.types.native_function) return static_cast<NativeFunction*>(d.o)->is_method;
    if (!(t->flags & kTypeHeap) && t->layout != Layout::Property && t->layout != Layout::ClassMethod &&
        t->layout != Layout::StaticMethod)
        return false;
    return !type_lookup(t, vm.names.__get__).is_empty();
}

bool descr_is_data(VM& vm, Value d) {
    if (!d.is_obj()) return false;
    Type* t = d.o->type;
    if (t == vm.types.property || t == vm.types.getset_descriptor) return true;
    if (t == vm.types.function || t == vm.types.native_function || t == vm.types.classmethod ||
        t == vm.types.staticmethod || !(t->flags & kTypeHeap))
        return t->layout == Layout::Property;
    return !type_lookup(t, vm.names.__set__).is_empty() || !type_lookup(t, vm.names.__delete__).is_empty();
}

static Value bind(VM& vm, Value func, Value self) {
    BoundMethod* m = vm.alloc<BoundMethod>(vm.types.bound_method);
    m->func = func;
    m->self = self;
    return Value::object(m);
}

Value descr_get(VM& vm, Value d, Value obj, Type* type) {
    if (!d.is_obj()) return d;
    bool on_class = obj.is_empty() || obj.is_none();
    Type* t = d.o->type;
    if (t == vm.types.function) return on_class ? d : bind(vm, d, obj);
    if (t == vm.types.native_function) {
        NativeFunction* nf = static_cast<NativeFunction*>(d.o);
        if (!nf->is_method || on_class) return d;
        // A bound built-in method is a native with `self` set ("<built-in method append of list ...>").
        NativeFunction* b = vm.alloc<NativeFunction>(vm.types.native_function);
        b->fn = nf->fn;
        b->name = nf->name;
        b->qualname = nf->qualname;
        b->self = obj;
        b->data = nf->data;
        b->ptr = nf->ptr;
        b->doc = nf->doc;
        return Value::object(b);
    }
    if (t->layout == Layout::StaticMethod && !(t->flags & kTypeHeap)) return static_cast<StaticMethod*>(d.o)->func;
    if (t->layout == Layout::ClassMethod && !(t->flags & kTypeHeap)) {
        Type* cls = type ? type : type_of(vm, obj);
        Value f = static_cast<ClassMethod*>(d.o)->func;
        // 3.9-3.12 chain through the wrapped object's __get__ (classmethod(property(...))).
        if (f.is_obj() && f.o->type != vm.types.function && f.o->type != vm.types.native_function && descr_has_get(vm, f))
            return descr_get(vm, f, Value::object(cls), cls);
        return bind(vm, f, Value::object(cls));
    }
    if (t == vm.types.getset_descriptor) {
        if (on_class) return d;
        GetSetDescr* g = static_cast<GetSetDescr*>(d.o);
        return g->get(vm, obj, g);
    }
    if (t == vm.types.property) return on_class ? d : property_get(vm, static_cast<Property*>(d.o), obj);
    Value getf = type_lookup(t, vm.names.__get__);
    if (getf.is_empty()) return d;
    Value args[2] = {on_class ? Value::none() : obj, type ? Value::object(type) : Value::none()};
    return call_descriptor(vm, getf, d, args, 2);
}

Value call_descriptor(VM& vm, Value descr, Value self, const Value* args, size_t nargs) {
    if (descr.is_obj()) {
        Type* t = descr.o->type;
        if (t == vm.types.function || t == vm.types.native_function) {
            Value buf[8];
            std::vector<Value> big;
            Value* p = buf;
            if (nargs + 1 > 8) {
                big.resize(nargs + 1);
                p = big.data();
            }
            p[0] = self;
            for (size_t i = 0; i < nargs; ++i) p[i + 1] = args[i];
            if (t == vm.types.native_function && !static_cast<NativeFunction*>(descr.o)->is_method)
                return call_object(vm, descr, make_args(args, nargs));
            return call_object(vm, descr, make_args(p, nargs + 1));
        }
    }
    Value bound = descr_get(vm, descr, self, type_of(vm, self));
    if (bound.is_empty()) return bound;
    return call_object(vm, bound, make_args(args, nargs));
}

Value call_special(VM& vm, Value obj, Str* name, const Value* args, size_t nargs) {
    Value d = lookup_special(vm, obj, name);
    if (d.is_empty()) return d;
    return call_descriptor(vm, d, obj, args, nargs);
}

// ---- AttributeError ---------------------------------------------------------------------------

Value raise_attribute_error(VM& vm, Value obj, Str* name) {
    if (is_type_obj(obj)) {
        vm.raise_format(vm.exc.AttributeError, "type object '%s' has no attribute '%s'",
                        as_type(obj)->name->s.c_str(), name->s.c_str());
    } else if (obj.is_obj() && obj.o->type->layout == Layout::Module) {
        Module* m = static_cast<Module*>(obj.o);
        Value n = m->dict ? dict_get_str(m->dict, vm.names.__name__) : Value::empty();
        if (is_str_value(n))
            vm.raise_format(vm.exc.AttributeError, "module '%s' has no attribute '%s'", std::string(sv(n)).c_str(),
                            name->s.c_str());
        else
            vm.raise_format(vm.exc.AttributeError, "module has no attribute '%s'", name->s.c_str());
    } else {
        vm.raise_format(vm.exc.AttributeError, "'%s' object has no attribute '%s'", type_name(vm, obj).c_str(),
                        name->s.c_str());
    }
    // AttributeError.name / .obj (3.10+), used by suggestions and user code.
    if (vm.pending.is_obj() && vm.pending.o->dict == nullptr) vm.pending.o->dict = new_dict(vm);
    if (vm.pending.is_obj()) {
        Value p = vm.pending;
        dict_set_str(vm, p.o->dict, vm.intern("name"), Value::object(name));
        dict_set_str(vm, p.o->dict, vm.intern("obj"), obj);
    }
    return Value::empty();
}

static bool pending_is(VM& vm, Type* t) { return vm.has_pending() && is_instance(vm, vm.pending, t); }

// ---- get --------------------------------------------------------------------------------------

Value generic_getattr(VM& vm, Value obj, Str* name) {
    Type* t = type_of(vm, obj);
    Value d = type_lookup(t, name);
    if (!d.is_empty() && d.is_obj()) {
        Type* dt = d.o->type;
        // Plain methods are the common case: not data descriptors, so the instance dict wins.
        if (dt != vm.types.function && dt != vm.types.native_function && descr_is_data(vm, d) &&
            descr_has_get(vm, d))
            return descr_get(vm, d, obj, t);
    }
    if (obj.is_obj() && obj.o->dict) {
        Value v = dict_get_str(obj.o->dict, name);
        if (!v.is_empty()) return v;
    }
    if (!d.is_empty()) return descr_get(vm, d, obj, t);
    return Value::empty();
}

Value type_getattr(VM& vm, Type* t, Str* name) {
    Type* meta = t->type;
    Value md = type_lookup(meta, name);
    if (!md.is_empty() && descr_is_data(vm, md)) return descr_get(vm, md, Value::object(t), meta);
    Value d = type_lookup(t, name);
    if (!d.is_empty()) return descr_get(vm, d, Value::none(), t);
    if (!md.is_empty()) return descr_get(vm, md, Value::object(t), meta);
    return Value::empty();
}

static bool is_default_getattribute(VM& vm, Value ga) {
    if (!(ga.is_obj() && ga.o->type == vm.types.native_function)) return false;
    // Through the cache: object's and type's own dicts are the first entries of their MROs.
    return ga.identical(type_lookup(vm.types.object, vm.names.__getattribute__)) ||
           ga.identical(type_lookup(vm.types.type, vm.names.__getattribute__));
}

// get_attr without the AttributeError for a missing attribute (other errors stay pending).
static Value get_attr_impl(VM& vm, Value obj, Str* name, bool* missing) {
    *missing = false;
    Type* t = type_of(vm, obj);
    Value r;
    if (t == vm.types.super) return super_get_attr(vm, obj, name);
    if (t->flags & kTypeHeap) {
        Value ga = type_lookup(t, vm.names.__getattribute__);
        if (!ga.is_empty() && !is_default_getattribute(vm, ga)) {
            Value arg = Value::object(name);
            r = call_descriptor(vm, ga, obj, &arg, 1);
            if (r.is_empty() && pending_is(vm, vm.exc.AttributeError)) {
                Value gattr = type_lookup(t, vm.names.__getattr__);
                if (gattr.is_empty()) return r;
                vm.take_pending();
                return call_descriptor(vm, gattr, obj, &arg, 1);
            }
            return r;
        }
    }
    r = is_type_obj(obj) ? type_getattr(vm, as_type(obj), name) : generic_getattr(vm, obj, name);
    if (!r.is_empty() || vm.has_pending()) {
        if (r.is_empty() && (t->flags & kTypeHeap) && pending_is(vm, vm.exc.AttributeError)) {
            Value gattr = type_lookup(t, vm.names.__getattr__);
            if (!gattr.is_empty()) {
                vm.take_pending();
                Value arg = Value::object(name);
                return call_descriptor(vm, gattr, obj, &arg, 1);
            }
        }
        return r;
    }
    if (t->flags & kTypeHeap) {
        Value gattr = type_lookup(t, vm.names.__getattr__);
        if (!gattr.is_empty()) {
            Value arg = Value::object(name);
            return call_descriptor(vm, gattr, obj, &arg, 1);
        }
    }
    if (t->layout == Layout::Module && obj.o->dict) {
        // PEP 562: a module-level __getattr__(name).
        Value gattr = dict_get_str(obj.o->dict, vm.names.__getattr__);
        if (!gattr.is_empty()) {
            Value arg = Value::object(name);
            return call_object(vm, gattr, make_args(&arg, 1));
        }
    }
    *missing = true;
    return Value::empty();
}

Value get_attr(VM& vm, Value obj, Str* name) {
    bool missing;
    Value r = get_attr_impl(vm, obj, name, &missing);
    if (missing) return raise_attribute_error(vm, obj, name);
    return r;
}

Value get_attr_opt(VM& vm, Value obj, Str* name) {
    bool missing;
    Value r = get_attr_impl(vm, obj, name, &missing);
    if (r.is_empty() && pending_is(vm, vm.exc.AttributeError)) vm.take_pending();
    return r;
}

bool get_method(VM& vm, Value obj, Str* name, Value* method) {
    Type* t = type_of(vm, obj);
    if (!is_type_obj(obj) && t != vm.types.super) {
        bool plain = true;
        if (t->flags & kTypeHeap) {
            Value ga = type_lookup(t, vm.names.__getattribute__);
            plain = ga.is_empty() || is_default_getattribute(vm, ga);
        }
        if (plain) {
            Value d = type_lookup(t, name);
            if (d.is_obj() && (d.o->type == vm.types.function ||
                               (d.o->type == vm.types.native_function && static_cast<NativeFunction*>(d.o)->is_method))) {
                if (obj.is_obj() && obj.o->dict) {
                    Value v = dict_get_str(obj.o->dict, name);
                    if (!v.is_empty()) {
                        *method = v;
                        return false;
                    }
                }
                *method = d;
                return true;
            }
        }
    }
    *method = get_attr(vm, obj, name);
    return false;
}

// ---- set / delete -----------------------------------------------------------------------------

static bool descr_set(VM& vm, Value d, Value obj, Value value) {
    Type* dt = d.o->type;
    if (dt == vm.types.getset_descriptor) {
        GetSetDescr* g = static_cast<GetSetDescr*>(d.o);
        if (!g->set) {
            vm.raise_format(vm.exc.AttributeError, "attribute '%s' of '%s' objects is not writable", g->name->s.c_str(),
                            g->owner ? g->owner->name->s.c_str() : "?");
            return false;
        }
        return g->set(vm, obj, value, g);
    }
    if (dt == vm.types.property) return property_set(vm, static_cast<Property*>(d.o), obj, value);
    Value f = type_lookup(dt, value.is_empty() ? vm.names.__delete__ : vm.names.__set__);
    if (f.is_empty()) {
        vm.raise_format(vm.exc.AttributeError, value.is_empty() ? "__delete__" : "__set__");
        return false;
    }
    Value args[2] = {obj, value};
    return !call_descriptor(vm, f, d, args, value.is_empty() ? 1 : 2).is_empty();
}

bool generic_setattr(VM& vm, Value obj, Str* name, Value value) {
    Type* t = type_of(vm, obj);
    Value d = type_lookup(t, name);
    if (!d.is_empty() && descr_is_data(vm, d)) return descr_set(vm, d, obj, value);
    if (has_instance_dict(obj)) {
        if (value.is_empty()) {
            if (!obj.o->dict || !dict_del_str(obj.o->dict, name)) {
                raise_attribute_error(vm, obj, name);
                return false;
            }
            return true;
        }
        if (!obj.o->dict) obj.o->dict = new_dict(vm);
        dict_set_str(vm, obj.o->dict, name, value);
        return true;
    }
    if (!d.is_empty())
        vm.raise_format(vm.exc.AttributeError, "'%s' object attribute '%s' is read-only", t->name->s.c_str(),
                        name->s.c_str());
    else
        raise_attribute_error(vm, obj, name);
    return false;
}

bool type_setattr(VM& vm, Type* t, Str* name, Value value) {
    Type* meta = t->type;
    Value md = type_lookup(meta, name);
    if (!md.is_empty() && descr_is_data(vm, md)) return descr_set(vm, md, Value::object(t), value);
    if (!(t->flags & kTypeHeap)) {
        vm.raise_format(vm.exc.TypeError, "cannot %s '%s' attribute of immutable type '%s'",
                        value.is_empty() ? "delete" : "set", name->s.c_str(), t->name->s.c_str());
        return false;
    }
    Str* key = name->interned ? name : vm.intern(name->view());
    if (value.is_empty()) {
        if (!dict_del_str(t->dict, key)) {
            raise_attribute_error(vm, Value::object(t), name);
            return false;
        }
    } else {
        dict_set_str(vm, t->dict, key, value);
    }
    type_modified(t);
    return true;
}

static bool is_default_setattr(VM& vm, Value f, Str* which) {
    if (!(f.is_obj() && f.o->type == vm.types.native_function)) return false;
    return f.identical(dict_get_str(vm.types.object->dict, which)) || f.identical(dict_get_str(vm.types.type->dict, which));
}

static bool set_or_del(VM& vm, Value obj, Str* name, Value value) {
    Type* t = type_of(vm, obj);
    if (t->flags & kTypeHeap) {
        Str* which = value.is_empty() ? vm.names.__delattr__ : vm.names.__setattr__;
        Value f = type_lookup(t, which);
        if (!f.is_empty() && !is_default_setattr(vm, f, which)) {
            Value args[2] = {Value::object(name), value};
            return !call_descriptor(vm, f, obj, args, value.is_empty() ? 1 : 2).is_empty();
        }
    }
    if (is_type_obj(obj)) return type_setattr(vm, as_type(obj), name, value);
    return generic_setattr(vm, obj, name, value);
}

bool set_attr(VM& vm, Value obj, Str* name, Value value) { return set_or_del(vm, obj, name, value); }
bool del_attr(VM& vm, Value obj, Str* name) { return set_or_del(vm, obj, name, Value::empty()); }

}  // namespace asy::vm
