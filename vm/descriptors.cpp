// Descriptors and the root of the object model: getset descriptors, property, staticmethod,
// classmethod, super, and the dunder methods of `object` itself.
#include <cstdio>

#include "vm/type_internal.hpp"

namespace asy::vm {

GetSetDescr* def_getset(VM& vm, Type* type, const char* name, GetterFn get, SetterFn set) {
    GetSetDescr* g = vm.alloc<GetSetDescr>(vm.types.getset_descriptor);
    g->name = vm.intern(name);
    g->owner = type;
    g->get = get;
    g->set = set;
    dict_set_str(vm, type->dict, g->name, Value::object(g));
    type_modified(type);
    return g;
}

static Value none_if_empty(Value v) { return v.is_empty() ? Value::none() : v; }

static Value getset_get(VM& vm, const Args& a) {
    if (a.npos < 2) return vm.raise(vm.exc.TypeError, "expected at least 1 argument, got 0");
    GetSetDescr* g = static_cast<GetSetDescr*>(a.pos[0].o);
    if (a.pos[1].is_none()) return a.pos[0];
    return g->get(vm, a.pos[1], g);
}

static Value getset_set(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__set__", 3, 3)) return Value::empty();
    GetSetDescr* g = static_cast<GetSetDescr*>(a.pos[0].o);
    if (!g->set)
        return vm.raise_format(vm.exc.AttributeError, "attribute '%s' of '%s' objects is not writable", g->name->s.c_str(),
                               g->owner->name->s.c_str());
    return g->set(vm, a.pos[1], a.pos[2], g) ? Value::none() : Value::empty();
}

static Value getset_repr(VM& vm, const Args& a) {
    GetSetDescr* g = static_cast<GetSetDescr*>(a.pos[0].o);
    return str_value(vm, "<attribute '" + g->name->s + "' of '" + g->owner->name->s + "' objects>");
}

// ---- object -----------------------------------------------------------------------------------

static bool excess_args(const Args& a) { return a.npos > 1 || kwcount(a) > 0; }

static Value object_new(VM& vm, const Args& a);
static Value object_init(VM& vm, const Args& a);

static bool overrides(VM& vm, Type* t, Str* name, NativeFn base) {
    Value f = type_lookup(t, name);
    if (f.is_obj() && f.o->type == vm.types.native_function) return static_cast<NativeFunction*>(f.o)->fn != base;
    return true;
}

static Value object_new(VM& vm, const Args& a) {
    if (a.npos < 1) return vm.raise(vm.exc.TypeError, "object.__new__(): not enough arguments");
    if (!is_type_obj(a.pos[0]))
        return vm.raise_format(vm.exc.TypeError, "object.__new__(X): X is not a type object (%s)", type_name(vm, a.pos[0]).c_str());
    Type* t = as_type(a.pos[0]);
    if (!t->alloc_instance) return vm.raise_format(vm.exc.TypeError, "cannot create '%s' instances", t->name->s.c_str());
    if (excess_args(a)) {
        if (overrides(vm, t, vm.names.__new__, object_new))
            return vm.raise(vm.exc.TypeError, "object.__new__() takes exactly one argument (the type to instantiate)");
        if (!overrides(vm, t, vm.names.__init__, object_init))
            return vm.raise_format(vm.exc.TypeError, "%s() takes no arguments", t->name->s.c_str());
    }
    Type* bb = builtin_base(t);
    if (!t->alloc_instance || (bb != vm.types.object && !(bb->layout == Layout::Object)
                               && overrides(vm, bb, vm.names.__new__, object_new)))
        return vm.raise_format(vm.exc.TypeError, "object.__new__(%s) is not safe, use %s.__new__()", t->name->s.c_str(),
                               bb->name->s.c_str());
    return Value::object(t->alloc_instance(vm, t));
}

static Value object_init(VM& vm, const Args& a) {
    if (a.npos < 1) return vm.raise(vm.exc.TypeError, "descriptor '__init__' of 'object' object needs an argument");
    if (excess_args(a)) {
        Type* t = type_of(vm, a.pos[0]);
        if (overrides(vm, t, vm.names.__init__, object_init))
            return vm.raise(vm.exc.TypeError, "object.__init__() takes exactly one argument (the instance to initialize)");
        if (!overrides(vm, t, vm.names.__new__, object_new))
            return vm.raise_format(vm.exc.TypeError, "%s() takes no arguments", t->name->s.c_str());
    }
    return Value::none();
}

static Value object_repr(VM& vm, const Args& a) {
    Type* t = type_of(vm, a.pos[0]);
    std::string mod = type_module(vm, t);
    char addr[32];
    std::snprintf(addr, sizeof addr, "%p", a.pos[0].is_obj() ? static_cast<void*>(a.pos[0].o) : nullptr);
    std::string s = "<";
    if (mod != "builtins") s += mod + "." + type_qualname(t);
    else s += t->name->s;
    s += " object at ";
    s += addr;
    s += ">";
    return str_value(vm, s);
}

static Value object_str(VM& vm, const Args& a) {
    Str* s = repr(vm, a.pos[0]);
    return s ? Value::object(s) : Value::empty();
}

static Value object_eq(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__eq__", 2, 2)) return Value::empty();
    return a.pos[0].identical(a.pos[1]) ? Value::boolean(true) : vm.not_implemented;
}

static Value object_ne(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__ne__", 2, 2)) return Value::empty();
    Value r = call_special(vm, a.pos[0], vm.names.__eq__, &a.pos[1], 1);
    if (r.is_empty()) return vm.has_pending() ? r : vm.not_implemented;
    if (r.identical(vm.not_implemented)) return r;
    int b = truthy(vm, r);
    if (b < 0) return Value::empty();
    return Value::boolean(!b);
}

static Value object_richcmp_ni(VM& vm, const Args& a) {
    if (!check_args(vm, a, "comparison", 2, 2)) return Value::empty();
    return vm.not_implemented;
}

static Value object_hash(VM& vm, const Args& a) {
    uint64_t h;
    if (!hash_value(vm, a.pos[0], &h)) return Value::empty();
    return Value::integer(static_cast<int64_t>(h));
}

static Value object_format(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__format__", 2, 2)) return Value::empty();
    if (!is_str_value(a.pos[1]))
        return vm.raise_format(vm.exc.TypeError, "__format__() argument must be str, not %s", type_name(vm, a.pos[1]).c_str());
    if (!sv(a.pos[1]).empty())
        return vm.raise_format(vm.exc.TypeError, "unsupported format string passed to %s.__format__",
                               type_name(vm, a.pos[0]).c_str());
    Str* s = to_str(vm, a.pos[0]);
    return s ? Value::object(s) : Value::empty();
}

static Str* attr_name_arg(VM& vm, Value v) {
    if (!is_str_value(v)) {
        vm.raise_format(vm.exc.TypeError, "attribute name must be string, not '%s'", type_name(vm, v).c_str());
        return nullptr;
    }
    Str* s = static_cast<Str*>(v.o);
    return s->interned ? s : vm.intern(s->view());
}

static Value object_getattribute(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__getattribute__", 2, 2)) return Value::empty();
    Str* n = attr_name_arg(vm, a.pos[1]);
    if (!n) return Value::empty();
    Value r = is_type_obj(a.pos[0]) ? type_getattr(vm, as_type(a.pos[0]), n) : generic_getattr(vm, a.pos[0], n);
    if (r.is_empty() && !vm.has_pending()) return raise_attribute_error(vm, a.pos[0], n);
    return r;
}

static Value object_setattr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__setattr__", 3, 3)) return Value::empty();
    Str* n = attr_name_arg(vm, a.pos[1]);
    if (!n) return Value::empty();
    bool ok = is_type_obj(a.pos[0]) ? type_setattr(vm, as_type(a.pos[0]), n, a.pos[2]) : generic_setattr(vm, a.pos[0], n, a.pos[2]);
    return ok ? Value::none() : Value::empty();
}

static Value object_delattr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__delattr__", 2, 2)) return Value::empty();
    Str* n = attr_name_arg(vm, a.pos[1]);
    if (!n) return Value::empty();
    bool ok = is_type_obj(a.pos[0]) ? type_setattr(vm, as_type(a.pos[0]), n, Value::empty())
                                    : generic_setattr(vm, a.pos[0], n, Value::empty());
    return ok ? Value::none() : Value::empty();
}

static Value object_init_subclass(VM& vm, const Args& a) {
    if (kwcount(a) > 0) {
        std::string q = a.npos > 0 && is_type_obj(a.pos[0]) ? type_qualname(as_type(a.pos[0])) : "object";
        return vm.raise_format(vm.exc.TypeError, "%s.__init_subclass__() takes no keyword arguments", q.c_str());
    }
    if (a.npos > 1) return vm.raise(vm.exc.TypeError, "__init_subclass__() takes no arguments");
    return Value::none();
}

static Value object_subclasshook(VM& vm, const Args&) { return vm.not_implemented; }

static Value object_dir(VM& vm, const Args& a) {
    Value obj = a.pos[0];
    Dict* seen = new_dict(vm);
    size_t pos = 0;
    Value k, v;
    if (obj.is_obj() && obj.o->dict)
        while (dict_next(obj.o->dict, &pos, &k, &v))
            if (!dict_set(vm, seen, k, Value::none())) return Value::empty();
    for (Type* m : type_of(vm, obj)->mro) {
        pos = 0;
        while (dict_next(m->dict, &pos, &k, &v))
            if (!dict_set(vm, seen, k, Value::none())) return Value::empty();
    }
    List* l = new_list(vm, dict_size(seen));
    pos = 0;
    while (dict_next(seen, &pos, &k, &v)) l->items.push_back(k);
    return Value::object(l);
}

static Value get_class(VM& vm, Value obj, GetSetDescr*) { return Value::object(type_of(vm, obj)); }

static bool set_class(VM& vm, Value obj, Value v, GetSetDescr*) {
    if (v.is_empty()) {
        vm.raise(vm.exc.TypeError, "can't delete __class__ attribute");
        return false;
    }
    if (!is_type_obj(v)) {
        vm.raise_format(vm.exc.TypeError, "__class__ must be set to a class, not '%s' object", type_name(vm, v).c_str());
        return false;
    }
    Type* cur = type_of(vm, obj);
    Type* nt = as_type(v);
    if (!obj.is_obj() || !(cur->flags & kTypeHeap) || !(nt->flags & kTypeHeap)) {
        vm.raise(vm.exc.TypeError, "__class__ assignment only supported for mutable types or ModuleType subclasses");
        return false;
    }
    if (nt->layout != cur->layout || nt->alloc_instance != cur->alloc_instance) {
        vm.raise_format(vm.exc.TypeError, "__class__ assignment: '%s' object layout differs from '%s'",
                        nt->name->s.c_str(), cur->name->s.c_str());
        return false;
    }
    obj.o->type = nt;
    return true;
}

static Value get_dict(VM& vm, Value obj, GetSetDescr* d) {
    if (!has_instance_dict(obj)) return raise_attribute_error(vm, obj, d->name);
    if (!obj.o->dict) obj.o->dict = new_dict(vm);
    return Value::object(obj.o->dict);
}

static bool set_dict(VM& vm, Value obj, Value v, GetSetDescr* d) {
    if (!has_instance_dict(obj)) {
        raise_attribute_error(vm, obj, d->name);
        return false;
    }
    if (v.is_empty()) {
        obj.o->dict = nullptr;
        return true;
    }
    if (!(v.is_obj() && v.o->type->layout == Layout::Dict)) {
        vm.raise_format(vm.exc.TypeError, "__dict__ must be set to a dictionary, not a '%s'", type_name(vm, v).c_str());
        return false;
    }
    obj.o->dict = static_cast<Dict*>(v.o);
    return true;
}

// ---- property ---------------------------------------------------------------------------------

static std::string prop_desc(VM& vm, Property* p, Value obj) {
    std::string s = "property ";
    if (is_str_value(p->name)) s += "'" + std::string(sv(p->name)) + "' ";
    s += "of '" + type_name(vm, obj) + "' object";
    return s;
}

Value property_get(VM& vm, Property* p, Value obj) {
    if (p->fget.is_none() || p->fget.is_empty())
        return vm.raise_format(vm.exc.AttributeError, "%s has no getter", prop_desc(vm, p, obj).c_str());
    return call_object(vm, p->fget, make_args(&obj, 1));
}

bool property_set(VM& vm, Property* p, Value obj, Value value) {
    if (value.is_empty()) {
        if (p->fdel.is_none() || p->fdel.is_empty()) {
            vm.raise_format(vm.exc.AttributeError, "%s has no deleter", prop_desc(vm, p, obj).c_str());
            return false;
        }
        return !call_object(vm, p->fdel, make_args(&obj, 1)).is_empty();
    }
    if (p->fset.is_none() || p->fset.is_empty()) {
        vm.raise_format(vm.exc.AttributeError, "%s has no setter", prop_desc(vm, p, obj).c_str());
        return false;
    }
    Value args[2] = {obj, value};
    return !call_object(vm, p->fset, make_args(args, 2)).is_empty();
}

static Property* prop_self(VM& vm, const Args& a, const char* what) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type->layout != Layout::Property) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'property' object", what);
        return nullptr;
    }
    return static_cast<Property*>(a.pos[0].o);
}

static Value property_init(VM& vm, const Args& a) {
    Property* p = prop_self(vm, a, "__init__");
    if (!p) return Value::empty();
    static const char* const names[] = {"fget", "fset", "fdel", "doc", nullptr};
    Value out[4];
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    if (!parse_args(vm, rest, "property", names, 0, out)) return Value::empty();
    p->fget = none_if_empty(out[0]);
    p->fset = none_if_empty(out[1]);
    p->fdel = none_if_empty(out[2]);
    p->doc = none_if_empty(out[3]);
    if (p->doc.is_none() && !p->fget.is_none()) {
        Value d = get_attr_opt(vm, p->fget, vm.names.__doc__);
        if (vm.has_pending()) return Value::empty();
        p->doc = none_if_empty(d);
    }
    return Value::none();
}

static Value property_copy_with(VM& vm, const Args& a, int which, const char* what) {
    Property* p = prop_self(vm, a, what);
    if (!p || !check_args(vm, a, what, 2, 2)) return Value::empty();
    Value f[3] = {p->fget, p->fset, p->fdel};
    f[which] = a.pos[1];
    Value doc = p->doc;
    // Like CPython: a doc taken from the old getter is re-derived from the new one.
    if (which == 0) doc = Value::none();
    Value args[4] = {f[0], f[1], f[2], doc};
    Value r = call_object(vm, Value::object(a.pos[0].o->type), make_args(args, 4));
    if (r.is_empty()) return r;
    if (r.is_obj() && r.o->type->layout == Layout::Property) static_cast<Property*>(r.o)->name = p->name;
    return r;
}

static Value property_getter(VM& vm, const Args& a) { return property_copy_with(vm, a, 0, "getter"); }
static Value property_setter(VM& vm, const Args& a) { return property_copy_with(vm, a, 1, "setter"); }
static Value property_deleter(VM& vm, const Args& a) { return property_copy_with(vm, a, 2, "deleter"); }

static Value property_dunder_get(VM& vm, const Args& a) {
    Property* p = prop_self(vm, a, "__get__");
    if (!p) return Value::empty();
    if (a.npos < 2 || a.pos[1].is_none()) return a.pos[0];
    return property_get(vm, p, a.pos[1]);
}

static Value property_dunder_set(VM& vm, const Args& a) {
    Property* p = prop_self(vm, a, "__set__");
    if (!p || !check_args(vm, a, "__set__", 3, 3)) return Value::empty();
    return property_set(vm, p, a.pos[1], a.pos[2]) ? Value::none() : Value::empty();
}

static Value property_dunder_delete(VM& vm, const Args& a) {
    Property* p = prop_self(vm, a, "__delete__");
    if (!p || !check_args(vm, a, "__delete__", 2, 2)) return Value::empty();
    return property_set(vm, p, a.pos[1], Value::empty()) ? Value::none() : Value::empty();
}

static Value property_set_name(VM& vm, const Args& a) {
    Property* p = prop_self(vm, a, "__set_name__");
    if (!p || !check_args(vm, a, "__set_name__", 3, 3)) return Value::empty();
    p->name = a.pos[2];
    return Value::none();
}

static Value prop_fget(VM&, Value o, GetSetDescr*) { return static_cast<Property*>(o.o)->fget; }
static Value prop_fset(VM&, Value o, GetSetDescr*) { return static_cast<Property*>(o.o)->fset; }
static Value prop_fdel(VM&, Value o, GetSetDescr*) { return static_cast<Property*>(o.o)->fdel; }
static Value prop_doc(VM&, Value o, GetSetDescr*) { return static_cast<Property*>(o.o)->doc; }
static bool prop_set_doc(VM&, Value o, Value v, GetSetDescr*) {
    static_cast<Property*>(o.o)->doc = none_if_empty(v);
    return true;
}

// ---- staticmethod / classmethod ---------------------------------------------------------------

static Value wrapper_init(VM& vm, const Args& a) {
    if (a.npos != 2 || kwcount(a))
        return vm.raise_format(vm.exc.TypeError, "%s expected 1 argument, got %u",
                               a.npos ? type_name(vm, a.pos[0]).c_str() : "staticmethod", a.npos ? a.npos - 1 : 0);
    Obj* o = a.pos[0].o;
    if (o->type->layout == Layout::StaticMethod) static_cast<StaticMethod*>(o)->func = a.pos[1];
    else static_cast<ClassMethod*>(o)->func = a.pos[1];
    return Value::none();
}

static Value wrapped_func(const Value& v) {
    Obj* o = v.o;
    return o->type->layout == Layout::StaticMethod ? static_cast<StaticMethod*>(o)->func : static_cast<ClassMethod*>(o)->func;
}

static Value wrapper_func_get(VM&, Value o, GetSetDescr*) { return wrapped_func(o); }

static Value wrapper_getattr_passthrough(VM& vm, Value o, GetSetDescr* d) {
    // __doc__, __name__, __qualname__ of the wrapped function (3.10+ copies them).
    return get_attr(vm, wrapped_func(o), d->name);
}

static Value staticmethod_get(VM& vm, const Args& a) {
    if (a.npos < 2) return vm.raise(vm.exc.TypeError, "__get__(None, None) is invalid");
    return wrapped_func(a.pos[0]);
}

static Value staticmethod_call(VM& vm, const Args& a) {
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    return call_object(vm, wrapped_func(a.pos[0]), rest);
}

static Value classmethod_get(VM& vm, const Args& a) {
    if (a.npos < 2) return vm.raise(vm.exc.TypeError, "__get__(None, None) is invalid");
    Value type = a.npos > 2 && !a.pos[2].is_none() ? a.pos[2] : Value::object(type_of(vm, a.pos[1]));
    return descr_get(vm, a.pos[0], a.pos[1], is_type_obj(type) ? as_type(type) : type_of(vm, a.pos[1]));
}

static Value wrapper_repr(VM& vm, const Args& a) {
    Str* f = repr(vm, wrapped_func(a.pos[0]));
    if (!f) return Value::empty();
    char addr[32];
    std::snprintf(addr, sizeof addr, "%p", static_cast<void*>(a.pos[0].o));
    return str_value(vm, "<" + type_name(vm, a.pos[0]) + "(" + f->s + ")>");
}

// ---- super ------------------------------------------------------------------------------------

static Value super_init(VM& vm, const Args& a) {
    if (kwcount(a)) return vm.raise(vm.exc.TypeError, "super() takes no keyword arguments");
    Super* s = static_cast<Super*>(a.pos[0].o);
    Value type, obj;
    if (a.npos == 1) {
        if (!current_super_args(vm, &type, &obj)) return Value::empty();
    } else if (a.npos <= 3) {
        type = a.pos[1];
        if (a.npos == 3 && !a.pos[2].is_none()) obj = a.pos[2];
    } else {
        return vm.raise_format(vm.exc.TypeError, "super() takes at most 2 arguments (%u given)", a.npos - 1);
    }
    if (!is_type_obj(type))
        return vm.raise_format(vm.exc.TypeError, "super() argument 1 must be a type, not %s", type_name(vm, type).c_str());
    s->thisclass = as_type(type);
    s->obj = obj;
    s->obj_type = nullptr;
    if (!obj.is_empty()) {
        if (is_type_obj(obj) && is_subtype(as_type(obj), s->thisclass)) s->obj_type = as_type(obj);
        else if (is_instance(vm, obj, s->thisclass)) s->obj_type = type_of(vm, obj);
        else return vm.raise(vm.exc.TypeError, "super(type, obj): obj must be an instance or subtype of type");
    }
    return Value::none();
}

static Value super_getattr(VM& vm, Super* s, Str* name) {
    if (s->obj_type && name != vm.names.__class__) {
        auto& mro = s->obj_type->mro;
        size_t i = 0;
        while (i < mro.size() && mro[i] != s->thisclass) ++i;
        for (++i; i < mro.size(); ++i) {
            Value d = dict_get_str(mro[i]->dict, name);
            if (d.is_empty()) continue;
            Value inst = s->obj.identical(Value::object(s->obj_type)) ? Value::none() : s->obj;
            return descr_get(vm, d, inst, s->obj_type);
        }
    }
    Value r = generic_getattr(vm, Value::object(s), name);
    if (r.is_empty() && !vm.has_pending()) return raise_attribute_error(vm, Value::object(s), name);
    return r;
}

static Value super_getattribute(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__getattribute__", 2, 2)) return Value::empty();
    Str* n = attr_name_arg(vm, a.pos[1]);
    if (!n) return Value::empty();
    return super_getattr(vm, static_cast<Super*>(a.pos[0].o), n);
}

Value super_get_attr(VM& vm, Value super_obj, Str* name) {
    return super_getattr(vm, static_cast<Super*>(super_obj.o), name);
}

static Value super_repr(VM& vm, const Args& a) {
    Super* s = static_cast<Super*>(a.pos[0].o);
    std::string r = "<super: <class '" + (s->thisclass ? s->thisclass->name->s : std::string("NULL")) + "'>, ";
    if (s->obj_type) r += "<" + s->obj_type->name->s + " object>>";
    else r += "NULL>";
    return str_value(vm, r);
}

static Value super_thisclass(VM&, Value o, GetSetDescr*) {
    Super* s = static_cast<Super*>(o.o);
    return s->thisclass ? Value::object(s->thisclass) : Value::none();
}
static Value super_self(VM&, Value o, GetSetDescr*) { return none_if_empty(static_cast<Super*>(o.o)->obj); }
static Value super_self_class(VM&, Value o, GetSetDescr*) {
    Super* s = static_cast<Super*>(o.o);
    return s->obj_type ? Value::object(s->obj_type) : Value::none();
}

// ---- mappingproxy ----------------------------------------------------------------------------

static Value mp_of(const Args& a) { return static_cast<MappingProxy*>(a.pos[0].o)->mapping; }

static Value mp_forward(VM& vm, const Args& a, const char* name) {
    Value m = mp_of(a);
    Value f = get_attr(vm, m, vm.intern(name));
    if (f.is_empty()) return f;
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    return call_object(vm, f, rest);
}

static Value mp_getitem(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__getitem__", 2, 2)) return Value::empty();
    return get_item(vm, mp_of(a), a.pos[1]);
}
static Value mp_get(VM& vm, const Args& a) { return mp_forward(vm, a, "get"); }
static Value mp_keys(VM& vm, const Args& a) { return mp_forward(vm, a, "keys"); }
static Value mp_values(VM& vm, const Args& a) { return mp_forward(vm, a, "values"); }
static Value mp_items(VM& vm, const Args& a) { return mp_forward(vm, a, "items"); }
static Value mp_copy(VM& vm, const Args& a) { return mp_forward(vm, a, "copy"); }
static Value mp_iter(VM& vm, const Args& a) { return get_iter(vm, mp_of(a)); }
static Value mp_len(VM& vm, const Args& a) {
    int64_t n = length(vm, mp_of(a));
    return n < 0 ? Value::empty() : Value::integer(n);
}
static Value mp_contains(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__contains__", 2, 2)) return Value::empty();
    int r = contains(vm, mp_of(a), a.pos[1]);
    return r < 0 ? Value::empty() : Value::boolean(r);
}
static Value mp_repr(VM& vm, const Args& a) {
    Str* r = repr(vm, mp_of(a));
    if (!r) return Value::empty();
    return str_value(vm, "mappingproxy(" + r->s + ")");
}
static Value mp_str(VM& vm, const Args& a) {
    Str* r = to_str(vm, mp_of(a));
    return r ? Value::object(r) : Value::empty();
}
static Value mp_eq(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__eq__", 2, 2)) return Value::empty();
    Value other = a.pos[1];
    if (other.is_obj() && other.o->type == vm.types.mappingproxy) other = static_cast<MappingProxy*>(other.o)->mapping;
    return compare(vm, CompareKind::Eq, mp_of(a), other);
}

// mappingproxy(mapping): a read-only view of any mapping (types.MappingProxyType).
static Value mp_new(VM& vm, const Args& a) {
    if (a.npos < 2) return vm.raise(vm.exc.TypeError, "mappingproxy() missing required argument 'mapping' (pos 1)");
    Value m = a.pos[1];
    bool mapping = m.is_obj() && (is_instance(vm, m, vm.types.dict) || m.o->type == vm.types.mappingproxy);
    if (!mapping && !is_instance(vm, m, vm.types.list) && !is_instance(vm, m, vm.types.tuple)) {
        mapping = !get_attr_opt(vm, m, vm.intern("keys")).is_empty() &&
                  !get_attr_opt(vm, m, vm.intern("__getitem__")).is_empty();
        if (vm.has_pending()) return Value::empty();
    }
    if (!mapping)
        return vm.raise_format(vm.exc.TypeError, "mappingproxy() argument must be a mapping, not %s",
                               type_name(vm, m).c_str());
    MappingProxy* p = vm.alloc<MappingProxy>(vm.types.mappingproxy);
    p->mapping = m;
    return Value::object(p);
}

static ClassMethod* classmethod_of(VM& vm, NativeFunction* f) {
    ClassMethod* cm = vm.alloc<ClassMethod>(vm.types.classmethod);
    cm->func = Value::object(f);
    return cm;
}

void init_descriptor_methods(VM& vm) {
    BuiltinTypes& T = vm.types;
    Type* O = T.object;
    def_method(vm, O, "__new__", object_new);
    def_method(vm, O, "__init__", object_init);
    def_method(vm, O, "__repr__", object_repr);
    def_method(vm, O, "__str__", object_str);
    def_method(vm, O, "__eq__", object_eq);
    def_method(vm, O, "__ne__", object_ne);
    for (const char* n : {"__lt__", "__le__", "__gt__", "__ge__"}) def_method(vm, O, n, object_richcmp_ni);
    def_method(vm, O, "__hash__", object_hash);
    def_method(vm, O, "__format__", object_format);
    def_method(vm, O, "__getattribute__", object_getattribute);
    def_method(vm, O, "__setattr__", object_setattr);
    def_method(vm, O, "__delattr__", object_delattr);
    def_method(vm, O, "__dir__", object_dir);
    dict_set_str(vm, O->dict, vm.names.__init_subclass__,
                 Value::object(classmethod_of(vm, new_native(vm, "__init_subclass__", object_init_subclass))));
    dict_set_str(vm, O->dict, vm.intern("__subclasshook__"),
                 Value::object(classmethod_of(vm, new_native(vm, "__subclasshook__", object_subclasshook))));
    def_getset(vm, O, "__class__", get_class, set_class);
    def_getset(vm, O, "__dict__", get_dict, set_dict);
    dict_set_str(vm, O->dict, vm.names.__doc__, str_value(vm, "The base class of the class hierarchy."));
    // `type` shares object's attribute protocol natives so overrides can be detected by identity.
    def_method(vm, T.type, "__getattribute__", object_getattribute);
    def_method(vm, T.type, "__setattr__", object_setattr);
    def_method(vm, T.type, "__delattr__", object_delattr);

    Type* G = T.getset_descriptor;
    def_method(vm, G, "__get__", getset_get);
    def_method(vm, G, "__set__", getset_set);
    def_method(vm, G, "__repr__", getset_repr);

    Type* P = T.property;
    def_method(vm, P, "__init__", property_init);
    def_method(vm, P, "getter", property_getter);
    def_method(vm, P, "setter", property_setter);
    def_method(vm, P, "deleter", property_deleter);
    def_method(vm, P, "__get__", property_dunder_get);
    def_method(vm, P, "__set__", property_dunder_set);
    def_method(vm, P, "__delete__", property_dunder_delete);
    def_method(vm, P, "__set_name__", property_set_name);
    def_getset(vm, P, "fget", prop_fget);
    def_getset(vm, P, "fset", prop_fset);
    def_getset(vm, P, "fdel", prop_fdel);
    def_getset(vm, P, "__doc__", prop_doc, prop_set_doc);

    for (Type* W : {T.staticmethod, T.classmethod}) {
        def_method(vm, W, "__init__", wrapper_init);
        def_method(vm, W, "__repr__", wrapper_repr);
        def_getset(vm, W, "__func__", wrapper_func_get);
        def_getset(vm, W, "__wrapped__", wrapper_func_get);
        def_getset(vm, W, "__name__", wrapper_getattr_passthrough);
        def_getset(vm, W, "__qualname__", wrapper_getattr_passthrough);
        def_getset(vm, W, "__doc__", wrapper_getattr_passthrough);
    }
    def_method(vm, T.staticmethod, "__get__", staticmethod_get);
    def_method(vm, T.staticmethod, "__call__", staticmethod_call);
    def_method(vm, T.classmethod, "__get__", classmethod_get);

    Type* MP = T.mappingproxy;
    def_method(vm, MP, "__new__", mp_new);
    def_method(vm, MP, "__getitem__", mp_getitem);
    def_method(vm, MP, "get", mp_get);
    def_method(vm, MP, "keys", mp_keys);
    def_method(vm, MP, "values", mp_values);
    def_method(vm, MP, "items", mp_items);
    def_method(vm, MP, "copy", mp_copy);
    def_method(vm, MP, "__iter__", mp_iter);
    def_method(vm, MP, "__len__", mp_len);
    def_method(vm, MP, "__contains__", mp_contains);
    def_method(vm, MP, "__repr__", mp_repr);
    def_method(vm, MP, "__str__", mp_str);
    def_method(vm, MP, "__eq__", mp_eq);

    Type* S = T.super;
    def_method(vm, S, "__init__", super_init);
    def_method(vm, S, "__getattribute__", super_getattribute);
    def_method(vm, S, "__repr__", super_repr);
    def_getset(vm, S, "__thisclass__", super_thisclass);
    def_getset(vm, S, "__self__", super_self);
    def_getset(vm, S, "__self_class__", super_self_class);
}

}  // namespace asy::vm
