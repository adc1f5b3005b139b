// The type object: creation of the built-in types, isinstance/issubclass, instantiation
// (type.__call__), and class creation (type(name, bases, dict), __build_class__, C3 MRO).
#include <algorithm>
#include <atomic>
#include <cstring>

#include "vm/init.hpp"
#include "vm/objects/int.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm {

// ---- instance allocation per layout ---------------------------------------------------------

template <class T> static Obj* alloc_plain(VM& vm, Type* t) { return vm.alloc<T>(t); }
static Obj* alloc_dict(VM& vm, Type* t) { Dict* d = new_dict(vm); d->type = t; return d; }
static Obj* alloc_set(VM& vm, Type* t) { Set* s = new_set(vm, false); s->type = t; return s; }
static Obj* alloc_frozenset(VM& vm, Type* t) { Set* s = new_set(vm, true); s->type = t; return s; }
static Obj* alloc_intobj(VM& vm, Type* t) {
    IntObj* o = vm.alloc<IntObj>(t);
    o->value = Value::integer(0);
    return o;
}
static Obj* alloc_property(VM& vm, Type* t) {
    Property* p = vm.alloc<Property>(t);
    p->fget = p->fset = p->fdel = p->doc = Value::none();
    return p;
}
// Type versions come from one process-wide counter, so a version never names two types (or two
// states of one type), even across VMs or after a type's address is reused.
static std::atomic<uint64_t> next_type_version{1};

static uint64_t new_type_version() { return next_type_version.fetch_add(1, std::memory_order_relaxed); }

// Every new type object gets its VM's attribute cache and a version of its own.
static Type* new_type_object(VM& vm, Type* meta) {
    Type* t = vm.alloc<Type>(meta);
    t->attr_cache = vm.type_cache.get();
    t->version = new_type_version();
    return t;
}

static Obj* alloc_type(VM& vm, Type* t) {
    Type* n = new_type_object(vm, t);
    n->dict = new_dict(vm);
    return n;
}

// ---- small helpers ----------------------------------------------------------------------------

Value call_with_self(VM& vm, Value fn, Value self, const Args& a) {
    Value buf[8];
    std::vector<Value> big;
    uint32_t nkw = kwcount(a);
    size_t total = 1 + a.npos + nkw;
    Value* p = buf;
    if (total > 8) {
        big.resize(total);
        p = big.data();
    }
    p[0] = self;
    for (uint32_t i = 0; i < a.npos; ++i) p[1 + i] = a.pos[i];
    for (uint32_t i = 0; i < nkw; ++i) p[1 + a.npos + i] = a.kwvalues[i];
    Args b;
    b.pos = p;
    b.npos = a.npos + 1;
    b.kwvalues = p + 1 + a.npos;
    b.kwnames = a.kwnames;
    return call_object(vm, fn, b);
}

Value call_pos(VM& vm, Value fn, std::initializer_list<Value> args) {
    return call_object(vm, fn, make_args(args.begin(), args.size()));
}

std::string type_qualname(Type* t) {
    if (t->qualname) return t->qualname->s;
    return t->name ? t->name->s : "?";
}

std::string type_module(VM& vm, Type* t) {
    if (t->flags & kTypeHeap) {
        Value m = dict_get_str(t->dict, vm.names.__module__);
        if (is_str_value(m)) return std::string(sv(m));
        return "builtins";
    }
    return t->module ? t->module->s : "builtins";
}

void type_modified(Type* t) {
    t->version = new_type_version();
    for (Type* s : t->subclasses) type_modified(s);
}

Type* builtin_base(Type* t) {
    while (t && (t->flags & kTypeHeap)) t = t->base;
    return t;
}

bool is_subtype(Type* a, Type* b) {
    if (a == b) return true;
    for (Type* m : a->mro)
        if (m == b) return true;
    return false;
}

bool is_instance(VM& vm, Value v, Type* t) { return is_subtype(type_of(vm, v), t); }

// ---- built-in type construction ---------------------------------------------------------------

static void init_type_fields(VM& vm, Type* t, const char* name, Type* base, Layout layout, AllocFn alloc,
                             uint32_t flags) {
    t->name = vm.intern(name);
    t->qualname = t->name;
    t->module = vm.intern("builtins");
    t->base = base;
    t->bases.clear();
    if (base) t->bases.push_back(base);
    t->layout = layout;
    t->alloc_instance = alloc;
    t->flags = flags;
    if (!t->dict) t->dict = new_dict(vm);
    t->mro.clear();
    t->mro.push_back(t);
    if (base) {
        t->mro.insert(t->mro.end(), base->mro.begin(), base->mro.end());
        base->subclasses.push_back(t);
    }
}

Type* new_builtin_type(VM& vm, const char* name, Type* base, Layout layout, AllocFn alloc, uint32_t flags) {
    Type* t = new_type_object(vm, vm.types.type);
    if (!base) base = vm.types.object;
    init_type_fields(vm, t, name, base, layout, alloc, flags);
    return t;
}

NativeFunction* new_native(VM& vm, const char* name, NativeFn fn) {
    NativeFunction* f = vm.alloc<NativeFunction>(vm.types.native_function);
    f->fn = fn;
    f->name = vm.intern(name);
    return f;
}

NativeFunction* def_method(VM& vm, Type* type, const char* name, NativeFn fn) {
    NativeFunction* f = new_native(vm, name, fn);
    f->is_method = std::strcmp(name, "__new__") != 0;
    f->qualname = vm.intern(type_qualname(type) + "." + name);
    dict_set_str(vm, type->dict, f->name, Value::object(f));
    type_modified(type);
    return f;
}

NativeFunction* def_function(VM& vm, Dict* ns, const char* name, NativeFn fn) {
    NativeFunction* f = new_native(vm, name, fn);
    dict_set_str(vm, ns, f->name, Value::object(f));
    return f;
}

void init_core_types(VM& vm) {
    // Every Type object exists before any name or dict is made: interning needs `str`, dicts
    // need `dict`, and both need `type`.
    BuiltinTypes& T = vm.types;
#define ASY_X(name) T.name = new_type_object(vm, nullptr);
    ASY_BUILTIN_TYPES(ASY_X)
#undef ASY_X
#define ASY_X(name) T.name->type = T.type;
    ASY_BUILTIN_TYPES(ASY_X)
#undef ASY_X
    const uint32_t B = kTypeBaseType, D = kTypeInstanceDict;
    init_type_fields(vm, T.object, "object", nullptr, Layout::Object, alloc_plain<Instance>, B);
    init_type_fields(vm, T.type, "type", T.object, Layout::Type, alloc_type, B);
    struct Row {
        Type* t;
        const char* name;
        Type* base;
        Layout layout;
        AllocFn alloc;
        uint32_t flags;
    };
    const Row rows[] = {
        {T.none, "NoneType", nullptr, Layout::Other, nullptr, 0},
        {T.notimplemented, "NotImplementedType", nullptr, Layout::Other, nullptr, 0},
        {T.ellipsis, "ellipsis", nullptr, Layout::Other, nullptr, 0},
        {T.int_, "int", nullptr, Layout::Int, alloc_intobj, B},
        {T.bool_, "bool", T.int_, Layout::Int, alloc_intobj, 0},
        {T.float_, "float", nullptr, Layout::Float, alloc_plain<FloatObj>, B},
        {T.complex, "complex", nullptr, Layout::Other, nullptr, B},
        {T.str, "str", nullptr, Layout::Str, alloc_plain<Str>, B},
        {T.bytes, "bytes", nullptr, Layout::Bytes, nullptr, B},
        {T.bytearray, "bytearray", nullptr, Layout::Bytes, nullptr, B},
        {T.list, "list", nullptr, Layout::List, alloc_plain<List>, B},
        {T.tuple, "tuple", nullptr, Layout::Tuple, alloc_plain<Tuple>, B},
        {T.dict, "dict", nullptr, Layout::Dict, alloc_dict, B},
        {T.set, "set", nullptr, Layout::Set, alloc_set, B},
        {T.frozenset, "frozenset", nullptr, Layout::FrozenSet, alloc_frozenset, B},
        {T.range, "range", nullptr, Layout::Range, nullptr, 0},
        {T.slice, "slice", nullptr, Layout::Slice, nullptr, 0},
        {T.function, "function", nullptr, Layout::Function, nullptr, D},
        {T.native_function, "builtin_function_or_method", nullptr, Layout::NativeFunction, nullptr, 0},
        {T.bound_method, "method", nullptr, Layout::BoundMethod, nullptr, 0},
        {T.code, "code", nullptr, Layout::Code, nullptr, 0},
        {T.cell, "cell", nullptr, Layout::Cell, nullptr, 0},
        {T.module, "module", nullptr, Layout::Module, alloc_plain<Module>, B | D},
        {T.generator, "generator", nullptr, Layout::Generator, nullptr, 0},
        {T.coroutine, "coroutine", nullptr, Layout::Generator, nullptr, 0},
        {T.async_generator, "async_generator", nullptr, Layout::Generator, nullptr, 0},
        {T.property, "property", nullptr, Layout::Property, alloc_property, B},
        {T.staticmethod, "staticmethod", nullptr, Layout::StaticMethod, alloc_plain<StaticMethod>, B | D},
        {T.classmethod, "classmethod", nullptr, Layout::ClassMethod, alloc_plain<ClassMethod>, B | D},
        {T.super, "super", nullptr, Layout::Super, alloc_plain<Super>, B},
        {T.dict_keys, "dict_keys", nullptr, Layout::Other, nullptr, 0},
        {T.dict_values, "dict_values", nullptr, Layout::Other, nullptr, 0},
        {T.dict_items, "dict_items", nullptr, Layout::Other, nullptr, 0},
        {T.iterator, "iterator", nullptr, Layout::Iterator, nullptr, 0},
        {T.frame, "frame", nullptr, Layout::Other, nullptr, 0},
        {T.getset_descriptor, "getset_descriptor", nullptr, Layout::Other, nullptr, 0},
        {T.generic_alias, "GenericAlias", nullptr, Layout::Other, nullptr, 0},
        {T.mappingproxy, "mappingproxy", nullptr, Layout::Other, nullptr, 0},
        {T.union_type, "UnionType", nullptr, Layout::Other, nullptr, 0},
    };
    for (const Row& r : rows) init_type_fields(vm, r.t, r.name, r.base ? r.base : T.object, r.layout, r.alloc, r.flags);
    T.generic_alias->module = vm.intern("types");
    T.union_type->module = vm.intern("types");
    vm.not_implemented = Value::object(vm.alloc<Instance>(T.notimplemented));
    vm.ellipsis = Value::object(vm.alloc<Instance>(T.ellipsis));
    // Mutable containers are unhashable (their dicts are filled in by their owners later).
    for (Type* t : {T.list, T.dict, T.set, T.bytearray, T.dict_keys, T.dict_items})
        dict_set_str(vm, t->dict, vm.intern("__hash__"), Value::none());
}

// ---- isinstance / issubclass ------------------------------------------------------------------

static int subclass_check(VM& vm, Value sub, Value cls, const char* fname);

int isinstance_full(VM& vm, Value v, Value cls) {
    Type* vt = type_of(vm, v);
    if (cls.is_obj() && cls.o == vt) return 1;
    if (is_type_obj(cls) && cls.o->type == vm.types.type) return is_subtype(vt, as_type(cls)) ? 1 : 0;
    if (cls.is_obj() && cls.o->type == vm.types.union_type) cls = static_cast<UnionObj*>(cls.o)->args;
    if (cls.is_obj() && cls.o->type == vm.types.generic_alias) {
        vm.raise(vm.exc.TypeError, "isinstance() argument 2 cannot be a parameterized generic");
        return -1;
    }
    if (cls.is_obj() && cls.o->type->layout == Layout::Tuple) {
        Tuple* t = static_cast<Tuple*>(cls.o);
        for (size_t i = 0; i < t->items.size(); ++i) {
            int r = isinstance_full(vm, v, t->items[i]);
            if (r != 0) return r;
        }
        return 0;
    }
    if (is_type_obj(cls)) {
        Value chk = type_lookup(cls.o->type, vm.names.__instancecheck__);
        Value dflt = type_lookup(vm.types.type, vm.names.__instancecheck__);
        if (!chk.is_empty() && !chk.identical(dflt)) {
            Value r = call_descriptor(vm, chk, cls, &v, 1);
            if (r.is_empty()) return -1;
            return truthy(vm, r);
        }
        return is_subtype(vt, as_type(cls)) ? 1 : 0;
    }
    Value chk = lookup_special(vm, cls, vm.names.__instancecheck__);
    if (!chk.is_empty()) {
        Value r = call_descriptor(vm, chk, cls, &v, 1);
        if (r.is_empty()) return -1;
        return truthy(vm, r);
    }
    vm.raise(vm.exc.TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
    return -1;
}

static int subclass_check(VM& vm, Value sub, Value cls, const char* fname) {
    if (cls.is_obj() && cls.o->type == vm.types.union_type) cls = static_cast<UnionObj*>(cls.o)->args;
    if (cls.is_obj() && cls.o->type == vm.types.generic_alias) {
        vm.raise_format(vm.exc.TypeError, "%s() argument 2 cannot be a parameterized generic", fname);
        return -1;
    }
    if (cls.is_obj() && cls.o->type->layout == Layout::Tuple) {
        Tuple* t = static_cast<Tuple*>(cls.o);
        for (size_t i = 0; i < t->items.size(); ++i) {
            int r = subclass_check(vm, sub, t->items[i], fname);
            if (r != 0) return r;
        }
        return 0;
    }
    if (is_type_obj(cls)) {
        Value chk = type_lookup(cls.o->type, vm.names.__subclasscheck__);
        Value dflt = type_lookup(vm.types.type, vm.names.__subclasscheck__);
        if (!chk.is_empty() && !chk.identical(dflt)) {
            Value r = call_descriptor(vm, chk, cls, &sub, 1);
            if (r.is_empty()) return -1;
            return truthy(vm, r);
        }
        if (!is_type_obj(sub)) {
            vm.raise_format(vm.exc.TypeError, "%s() arg 1 must be a class", fname);
            return -1;
        }
        return is_subtype(as_type(sub), as_type(cls)) ? 1 : 0;
    }
    // Any other object may answer through its type's __subclasscheck__ (typing's aliases).
    Value chk = lookup_special(vm, cls, vm.names.__subclasscheck__);
    if (!chk.is_empty()) {
        Value r = call_descriptor(vm, chk, cls, &sub, 1);
        if (r.is_empty()) return -1;
        return truthy(vm, r);
    }
    if (!is_type_obj(sub)) {
        vm.raise_format(vm.exc.TypeError, "%s() arg 1 must be a class", fname);
        return -1;
    }
    vm.raise_format(vm.exc.TypeError, "%s() arg 2 must be a class, a tuple of classes, or a union", fname);
    return -1;
}

int issubclass_full(VM& vm, Value sub, Value cls) { return subclass_check(vm, sub, cls, "issubclass"); }

// ---- instantiation ----------------------------------------------------------------------------

static Value call_new(VM& vm, Value newf, Type* type, const Args& a) {
    if (newf.is_obj() && newf.o->type->layout == Layout::StaticMethod) newf = static_cast<StaticMethod*>(newf.o)->func;
    return call_with_self(vm, newf, Value::object(type), a);
}

static Value type_call_default(VM& vm, Type* type, const Args& a) {
    if (type == vm.types.type && a.npos == 1 && kwcount(a) == 0) return Value::object(type_of(vm, a.pos[0]));
    Value newf = type_lookup(type, vm.names.__new__);
    if (newf.is_empty()) return vm.raise_format(vm.exc.TypeError, "cannot create '%s' instances", type_qualname(type).c_str());
    Value obj = call_new(vm, newf, type, a);
    if (obj.is_empty()) return obj;
    Type* ot = type_of(vm, obj);
    if (!is_subtype(ot, type)) return obj;
    Value initf = type_lookup(ot, vm.names.__init__);
    if (initf.is_empty()) return obj;
    Value r = call_with_self(vm, initf, obj, a);
    if (r.is_empty()) return r;
    if (!r.is_none())
        return vm.raise_format(vm.exc.TypeError, "__init__() should return None, not '%s'", type_name(vm, r).c_str());
    return obj;
}

static Value type_dunder_call(VM& vm, const Args& a) {
    if (a.npos < 1 || !is_type_obj(a.pos[0]))
        return vm.raise(vm.exc.TypeError, "descriptor '__call__' requires a 'type' object");
    Args b = a;
    b.pos = a.pos + 1;
    b.npos = a.npos - 1;
    return type_call_default(vm, as_type(a.pos[0]), b);
}

Value type_call(VM& vm, Type* type, const Args& a) {
    Type* meta = type->type;
    if (meta != vm.types.type) {
        Value c = type_lookup(meta, vm.names.__call__);
        if (!c.is_empty() && !(c.is_obj() && c.o->type == vm.types.native_function &&
                               static_cast<NativeFunction*>(c.o)->fn == type_dunder_call))
            return call_with_self(vm, c, Value::object(type), a);
    }
    return type_call_default(vm, type, a);
}

// ---- C3 linearisation -------------------------------------------------------------------------

static bool c3_mro(VM& vm, Type* t, std::vector<Type*>* out) {
    std::vector<std::vector<Type*>> seqs;
    for (Type* b : t->bases) seqs.push_back(b->mro);
    seqs.push_back(t->bases);
    out->clear();
    out->push_back(t);
    for (;;) {
        bool any = false;
        for (auto& s : seqs) if (!s.empty()) { any = true; break; }
        if (!any) return true;
        Type* cand = nullptr;
        for (auto& s : seqs) {
            if (s.empty()) continue;
            Type* head = s.front();
            bool in_tail = false;
            for (auto& s2 : seqs)
                if (std::find(s2.begin() + (s2.empty() ? 0 : 1), s2.end(), head) != s2.end()) { in_tail = true; break; }
            if (!in_tail) { cand = head; break; }
        }
        if (!cand) {
            // Name the classes still in conflict: the remaining heads, each once.
            std::vector<Type*> heads;
            for (auto& s : seqs)
                if (!s.empty() && std::find(heads.begin(), heads.end(), s.front()) == heads.end()) heads.push_back(s.front());
            std::string names;
            for (size_t i = 0; i < heads.size(); ++i) {
                if (i) names += ", ";
                names += heads[i]->name->s;
            }
            vm.raise_format(vm.exc.TypeError, "Cannot create a consistent method resolution\norder (MRO) for bases %s",
                            names.c_str());
            return false;
        }
        out->push_back(cand);
        for (auto& s : seqs)
            if (!s.empty() && s.front() == cand) s.erase(s.begin());
    }
}

// ---- class creation ---------------------------------------------------------------------------

static Type* calculate_metaclass(VM& vm, Type* meta, Tuple* bases) {
    Type* winner = meta;
    for (Value b : bases->items) {
        Type* bt = type_of(vm, b);
        if (is_subtype(winner, bt)) continue;
        if (is_subtype(bt, winner)) { winner = bt; continue; }
        vm.raise(vm.exc.TypeError, "metaclass conflict: the metaclass of a derived class must be a (non-strict) "
                                   "subclass of the metaclasses of all its bases");
        return nullptr;
    }
    return winner;
}

static bool call_set_names(VM& vm, Type* t) {
    // Iterate over a snapshot: __set_name__ may modify the class dict.
    std::vector<std::pair<Value, Value>> items;
    size_t pos = 0;
    Value k, v;
    while (dict_next(t->dict, &pos, &k, &v)) items.emplace_back(k, v);
    Str* set_name = vm.names.__set_name__;
    for (auto& [key, val] : items) {
        Value m = lookup_special(vm, val, set_name);
        if (m.is_empty()) continue;
        Value args[2] = {Value::object(t), key};
        Value r = call_descriptor(vm, m, val, args, 2);
        if (r.is_empty()) {
            Value cause = vm.take_pending();
            Str* kr = repr(vm, key);
            vm.raise_format(vm.exc.RuntimeError, "Error calling __set_name__ on '%s' instance %s in '%s'",
                            type_name(vm, val).c_str(), kr ? kr->s.c_str() : "?", t->name->s.c_str());
            if (vm.pending.is_obj() && is_exception_instance(vm, vm.pending)) {
                Exception* e = static_cast<Exception*>(vm.pending.o);
                e->cause = cause;
                e->context = cause;
                e->suppress_context = true;
            }
            return false;
        }
    }
    return true;
}

static bool call_init_subclass(VM& vm, Type* t, const Args& kw) {
    for (size_t i = 1; i < t->mro.size(); ++i) {
        Value f = dict_get_str(t->mro[i]->dict, vm.names.__init_subclass__);
        if (f.is_empty()) continue;
        Value bound = descr_get(vm, f, Value::object(t), t);
        if (bound.is_empty()) return false;
        return !call_object(vm, bound, kw).is_empty();
    }
    return true;
}

// Slots: names listed in __slots__ become data descriptors storing into the instance's
// attribute table; instances get no __dict__ unless '__dict__' is listed or a base has one.
static Value slot_get(VM& vm, Value obj, GetSetDescr* d) {
    if (obj.is_obj() && obj.o->dict) {
        Value v = dict_get_str(obj.o->dict, d->name);
        if (!v.is_empty()) return v;
    }
    return raise_attribute_error(vm, obj, d->name);
}

static bool slot_set(VM& vm, Value obj, Value value, GetSetDescr* d) {
    if (!obj.is_obj()) return false;
    if (!obj.o->dict) obj.o->dict = new_dict(vm);
    if (value.is_empty()) {
        if (!dict_del_str(obj.o->dict, d->name)) {
            raise_attribute_error(vm, obj, d->name);
            return false;
        }
        return true;
    }
    dict_set_str(vm, obj.o->dict, d->name, value);
    return true;
}

static Value weakref_get(VM&, Value, GetSetDescr*) { return Value::none(); }

static bool apply_slots(VM& vm, Type* t, Value slots, bool* wants_dict) {
    std::vector<Value> names;
    if (is_str_value(slots)) {
        names.push_back(slots);
    } else {
        Value it = get_iter(vm, slots);
        if (it.is_empty()) return false;
        for (;;) {
            Value n = iter_next(vm, it);
            if (n.is_empty()) {
                if (vm.has_pending()) return false;
                break;
            }
            names.push_back(n);
        }
    }
    std::vector<Str*> slot_names;
    for (Value n : names) {
        if (!is_str_value(n)) {
            vm.raise_format(vm.exc.TypeError, "__slots__ items must be strings, not '%s'", type_name(vm, n).c_str());
            return false;
        }
        Str* s = vm.intern(sv(n));
        if (s == vm.names.__dict__) { *wants_dict = true; continue; }
        if (s == vm.names.__weakref__) continue;
        if (!dict_get_str(t->dict, s).is_empty()) {
            vm.raise_format(vm.exc.ValueError, "'%s' in __slots__ conflicts with class variable", s->s.c_str());
            return false;
        }
        slot_names.push_back(s);
    }
    for (Str* s : slot_names) def_getset(vm, t, s->s.c_str(), slot_get, slot_set);
    return true;
}

// type.__new__(meta, name, bases, ns, **kw)
static Value type_new(VM& vm, const Args& a) {
    if (a.npos < 1 || !is_type_obj(a.pos[0])) return vm.raise(vm.exc.TypeError, "type.__new__(X): X is not a type object");
    Type* meta = as_type(a.pos[0]);
    if (meta == vm.types.type && a.npos == 2 && kwcount(a) == 0) return Value::object(type_of(vm, a.pos[1]));
    if (a.npos != 4) return vm.raise(vm.exc.TypeError, "type() takes 1 or 3 arguments");
    Value name = a.pos[1], bases_v = a.pos[2], ns_v = a.pos[3];
    if (!is_str_value(name))
        return vm.raise_format(vm.exc.TypeError, "type.__new__() argument 1 must be str, not %s", type_name(vm, name).c_str());
    if (!(bases_v.is_obj() && bases_v.o->type->layout == Layout::Tuple))
        return vm.raise_format(vm.exc.TypeError, "type.__new__() argument 2 must be tuple, not %s", type_name(vm, bases_v).c_str());
    if (!(ns_v.is_obj() && ns_v.o->type->layout == Layout::Dict))
        return vm.raise_format(vm.exc.TypeError, "type.__new__() argument 3 must be dict, not %s", type_name(vm, ns_v).c_str());
    Tuple* bases = static_cast<Tuple*>(bases_v.o);
    Dict* ns = static_cast<Dict*>(ns_v.o);
    Type* winner = calculate_metaclass(vm, meta, bases);
    if (!winner) return Value::empty();
    meta = winner;

    Type* t = static_cast<Type*>(alloc_type(vm, meta));
    t->name = vm.intern(sv(name));
    t->qualname = t->name;
    t->flags = kTypeBaseType | kTypeHeap;
    // Bases, solid base (instance layout) and the dict capability.
    if (bases->items.empty()) t->bases.push_back(vm.types.object);
    bool base_has_dict = false;
    Type* solid = vm.types.object;
    for (Value b : bases->items) {
        if (!is_type_obj(b))
            return vm.raise_format(vm.exc.TypeError, "bases must be types");
        Type* bt = as_type(b);
        if (!(bt->flags & kTypeBaseType))
            return vm.raise_format(vm.exc.TypeError, "type '%s' is not an acceptable base type", type_qualname(bt).c_str());
        if (std::find(t->bases.begin(), t->bases.end(), bt) != t->bases.end())
            return vm.raise_format(vm.exc.TypeError, "duplicate base class %s", bt->name->s.c_str());
        t->bases.push_back(bt);
        if (bt->flags & kTypeInstanceDict) base_has_dict = true;
        if (bt->layout != Layout::Object) {
            if (solid->layout == Layout::Object || is_subtype(bt, solid)) {
                solid = bt;
            } else if (!is_subtype(solid, bt) && bt->layout != solid->layout) {
                return vm.raise(vm.exc.TypeError, "multiple bases have instance lay-out conflict");
            }
        }
    }
    t->base = solid != vm.types.object ? solid : t->bases[0];
    // __base__ is the first base whose layout is the solid one (CPython's best_base).
    for (Type* bt : t->bases)
        if (is_subtype(bt, solid)) { t->base = bt; break; }
    t->layout = solid->layout;
    t->alloc_instance = solid->alloc_instance;
    if (!c3_mro(vm, t, &t->mro)) return Value::empty();

    // The class dict: a copy of the namespace, with the special entries processed.
    size_t pos = 0;
    Value k, v;
    while (dict_next(ns, &pos, &k, &v))
        if (!dict_set(vm, t->dict, k, v)) return Value::empty();
    Value qn = dict_get_str(t->dict, vm.names.__qualname__);
    if (!qn.is_empty()) {
        if (!is_str_value(qn))
            return vm.raise_format(vm.exc.TypeError, "type __qualname__ must be a str, not %s", type_name(vm, qn).c_str());
        t->qualname = vm.intern(sv(qn));
        dict_del_str(t->dict, vm.names.__qualname__);
    }
    if (dict_get_str(t->dict, vm.names.__module__).is_empty()) {
        Dict* g = current_globals(vm);
        Value m = g ? dict_get_str(g, vm.names.__name__) : Value::empty();
        if (!m.is_empty()) dict_set_str(vm, t->dict, vm.names.__module__, m);
    }
    for (Str* n : {vm.names.__new__}) {
        Value f = dict_get_str(t->dict, n);
        if (f.is_obj() && f.o->type == vm.types.function) {
            StaticMethod* sm = vm.alloc<StaticMethod>(vm.types.staticmethod);
            sm->func = f;
            dict_set_str(vm, t->dict, n, Value::object(sm));
        }
    }
    for (Str* n : {vm.names.__init_subclass__, vm.names.__class_getitem__}) {
        Value f = dict_get_str(t->dict, n);
        if (f.is_obj() && f.o->type == vm.types.function) {
            ClassMethod* cm = vm.alloc<ClassMethod>(vm.types.classmethod);
            cm->func = f;
            dict_set_str(vm, t->dict, n, Value::object(cm));
        }
    }
    if (!dict_get_str(t->dict, vm.names.__eq__).is_empty() && dict_get_str(t->dict, vm.names.__hash__).is_empty())
        dict_set_str(vm, t->dict, vm.names.__hash__, Value::none());
    Value cell = dict_get_str(t->dict, vm.names.__classcell__);
    if (!cell.is_empty()) {
        if (!(cell.is_obj() && cell.o->type == vm.types.cell))
            return vm.raise_format(vm.exc.TypeError, "__classcell__ must be a nonlocal cell, not %s",
                                   type_name(vm, cell).c_str());
        static_cast<Cell*>(cell.o)->value = Value::object(t);
        dict_del_str(t->dict, vm.names.__classcell__);
    }
    Value slots = dict_get_str(t->dict, vm.names.__slots__);
    bool wants_dict = slots.is_empty();
    if (!slots.is_empty() && !apply_slots(vm, t, slots, &wants_dict)) return Value::empty();
    if (wants_dict || base_has_dict) t->flags |= kTypeInstanceDict;
    if (wants_dict && !base_has_dict && t->layout == Layout::Object) {
        // As CPython: the class that introduces __dict__ carries its descriptor (and __weakref__).
        Value od = dict_get_str(vm.types.object->dict, vm.names.__dict__);
        if (dict_get_str(t->dict, vm.names.__dict__).is_empty()) dict_set_str(vm, t->dict, vm.names.__dict__, od);
        if (dict_get_str(t->dict, vm.names.__weakref__).is_empty())
            dict_set_str(vm, t->dict, vm.names.__weakref__, Value::object(def_getset(vm, t, "__weakref__", weakref_get)));
    }
    if (dict_get_str(t->dict, vm.names.__doc__).is_empty()) dict_set_str(vm, t->dict, vm.names.__doc__, Value::none());
    if (t->layout == Layout::Type) t->flags |= kTypeInstanceDict;
    // The dict was filled directly above; a fresh version drops anything cached while it was.
    type_modified(t);

    for (Type* bt : t->bases) bt->subclasses.push_back(t);
    if (!call_set_names(vm, t)) return Value::empty();
    Args kw;
    kw.kwnames = a.kwnames;
    kw.kwvalues = a.kwvalues;
    if (!call_init_subclass(vm, t, kw)) return Value::empty();
    return Value::object(t);
}

static Value type_init(VM& vm, const Args& a) {
    if (a.npos != 2 && a.npos != 4) return vm.raise(vm.exc.TypeError, "type.__init__() takes 1 or 3 arguments");
    return Value::none();
}

// PEP 560: a base that is not a class may stand for others through __mro_entries__(bases)
// (typing.List[int] -> list). Returns `bases` itself when nothing was replaced, nullptr on error.
static Tuple* resolve_mro_entries(VM& vm, Tuple* bases) {
    std::vector<Value> resolved;
    bool changed = false;
    for (size_t i = 0; i < bases->items.size(); ++i) {
        Value b = bases->items[i];
        if (!is_type_obj(b)) {
            Value meth = get_attr_opt(vm, b, vm.intern("__mro_entries__"));
            if (vm.has_pending()) return nullptr;
            if (!meth.is_empty()) {
                Value r = call_pos(vm, meth, {Value::object(bases)});
                if (r.is_empty()) return nullptr;
                if (!(r.is_obj() && r.o->type->layout == Layout::Tuple)) {
                    vm.raise(vm.exc.TypeError, "__mro_entries__ must return a tuple");
                    return nullptr;
                }
                Tuple* entries = static_cast<Tuple*>(r.o);
                resolved.insert(resolved.end(), entries->items.begin(), entries->items.end());
                changed = true;
                continue;
            }
        }
        resolved.push_back(b);
    }
    return changed ? new_tuple(vm, resolved.data(), resolved.size()) : bases;
}

Value build_class(VM& vm, const Args& a) {
    if (a.npos < 2) return vm.raise(vm.exc.TypeError, "__build_class__: not enough arguments");
    Value func = a.pos[0], name = a.pos[1];
    if (!(func.is_obj() && func.o->type == vm.types.function))
        return vm.raise(vm.exc.TypeError, "__build_class__: func must be a function");
    if (!is_str_value(name)) return vm.raise(vm.exc.TypeError, "__build_class__: name is not a string");
    Tuple* orig_bases = new_tuple(vm, a.pos + 2, a.npos - 2);
    Tuple* bases = resolve_mro_entries(vm, orig_bases);
    if (!bases) return Value::empty();
    // Split off metaclass=; the other keywords go to the metaclass and __init_subclass__.
    Value meta;
    std::vector<Value> kwvals;
    Tuple* kwnames = nullptr;
    uint32_t nkw = kwcount(a);
    if (nkw) {
        std::vector<Value> names;
        for (uint32_t i = 0; i < nkw; ++i) {
            Value kn = a.kwnames->items[i];
            if (is_str_value(kn) && sv(kn) == "metaclass") meta = a.kwvalues[i];
            else { names.push_back(kn); kwvals.push_back(a.kwvalues[i]); }
        }
        if (!names.empty()) kwnames = new_tuple(vm, names.data(), names.size());
    }
    bool is_class = false;
    if (meta.is_empty()) {
        meta = bases->items.empty() ? Value::object(vm.types.type) : Value::object(type_of(vm, bases->items[0]));
        is_class = true;
    } else {
        is_class = is_type_obj(meta);
    }
    if (is_class) {
        Type* w = calculate_metaclass(vm, as_type(meta), bases);
        if (!w) return Value::empty();
        meta = Value::object(w);
    }
    // __prepare__
    Value ns;
    Value prep = meta.identical(Value::object(vm.types.type)) ? Value::empty() : get_attr_opt(vm, meta, vm.names.__prepare__);
    if (vm.has_pending()) return Value::empty();
    if (prep.is_empty()) {
        ns = Value::object(new_dict(vm));
    } else {
        Value pargs[2] = {name, Value::object(bases)};
        Args pa;
        pa.pos = pargs;
        pa.npos = 2;
        std::vector<Value> all(pargs, pargs + 2);
        all.insert(all.end(), kwvals.begin(), kwvals.end());
        pa.pos = all.data();
        pa.kwvalues = all.data() + 2;
        pa.kwnames = kwnames;
        ns = call_object(vm, prep, pa);
        if (ns.is_empty()) return ns;
    }
    if (!(ns.is_obj() && ns.o->type->layout == Layout::Dict))
        return vm.raise_format(vm.exc.TypeError, "%s.__prepare__() must return a mapping, not %s",
                               is_type_obj(meta) ? as_type(meta)->name->s.c_str() : "<metaclass>",
                               type_name(vm, ns).c_str());
    if (bases != orig_bases &&
        !set_item(vm, ns, Value::object(vm.intern("__orig_bases__")), Value::object(orig_bases)))
        return Value::empty();
    Value body = call_with_locals(vm, static_cast<Function*>(func.o), static_cast<Dict*>(ns.o));
    if (body.is_empty()) return body;
    std::vector<Value> margs = {name, Value::object(bases), ns};
    margs.insert(margs.end(), kwvals.begin(), kwvals.end());
    Args ma;
    ma.pos = margs.data();
    ma.npos = 3;
    ma.kwvalues = margs.data() + 3;
    ma.kwnames = kwnames;
    Value cls = call_object(vm, meta, ma);
    if (cls.is_empty()) return cls;
    if (body.is_obj() && body.o->type == vm.types.cell) {
        Cell* c = static_cast<Cell*>(body.o);
        if (c->value.is_empty()) c->value = cls;
    }
    return cls;
}

// ---- the attributes and methods of `type` -----------------------------------------------------

static Value type_arg(VM& vm, Value v, const char* what) {
    if (!is_type_obj(v)) return vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'type' object", what);
    return v;
}

static Value type_repr(VM& vm, const Args& a) {
    if (type_arg(vm, a.pos[0], "__repr__").is_empty()) return Value::empty();
    Type* t = as_type(a.pos[0]);
    std::string mod = type_module(vm, t);
    std::string s = "<class '";
    if (mod != "builtins") s += mod + ".";
    s += type_qualname(t) + "'>";
    return str_value(vm, s);
}

static Value type_mro_method(VM& vm, const Args& a) {
    if (!check_args(vm, a, "mro", 1, 1) || type_arg(vm, a.pos[0], "mro").is_empty()) return Value::empty();
    Type* t = as_type(a.pos[0]);
    List* l = new_list(vm, t->mro.size());
    for (Type* m : t->mro) l->items.push_back(Value::object(m));
    return Value::object(l);
}

static Value type_subclasses(VM& vm, const Args& a) {
    if (type_arg(vm, a.pos[0], "__subclasses__").is_empty()) return Value::empty();
    Type* t = as_type(a.pos[0]);
    List* l = new_list(vm, t->subclasses.size());
    for (Type* m : t->subclasses) l->items.push_back(Value::object(m));
    return Value::object(l);
}

static Value type_prepare(VM& vm, const Args&) { return Value::object(new_dict(vm)); }

static Value type_instancecheck(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__instancecheck__", 2, 2) || type_arg(vm, a.pos[0], "__instancecheck__").is_empty())
        return Value::empty();
    return Value::boolean(is_instance(vm, a.pos[1], as_type(a.pos[0])));
}

static Value type_subclasscheck(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__subclasscheck__", 2, 2) || type_arg(vm, a.pos[0], "__subclasscheck__").is_empty())
        return Value::empty();
    if (!is_type_obj(a.pos[1])) return vm.raise(vm.exc.TypeError, "issubclass() arg 1 must be a class");
    return Value::boolean(is_subtype(as_type(a.pos[1]), as_type(a.pos[0])));
}

static Value type_dir(VM& vm, const Args& a) {
    if (type_arg(vm, a.pos[0], "__dir__").is_empty()) return Value::empty();
    Type* t = as_type(a.pos[0]);
    Dict* seen = new_dict(vm);
    for (Type* m : t->mro) {
        size_t pos = 0;
        Value k, v;
        while (dict_next(m->dict, &pos, &k, &v))
            if (!dict_set(vm, seen, k, Value::none())) return Value::empty();
    }
    List* l = new_list(vm, dict_size(seen));
    size_t pos = 0;
    Value k, v;
    while (dict_next(seen, &pos, &k, &v)) l->items.push_back(k);
    return Value::object(l);
}

// ---- types.UnionType (int | str) ---------------------------------------------------------------

static bool union_member(VM& vm, Value v) {
    return v.is_none() || is_type_obj(v) || (v.is_obj() && (v.o->type == vm.types.union_type || v.o->type == vm.types.generic_alias));
}

static void union_add(VM& vm, std::vector<Value>* out, Value v) {
    if (v.is_none()) v = Value::object(vm.types.none);
    if (v.is_obj() && v.o->type == vm.types.union_type) {
        for (Value x : static_cast<Tuple*>(static_cast<UnionObj*>(v.o)->args.o)->items) union_add(vm, out, x);
        return;
    }
    for (Value x : *out)
        if (x.identical(v)) return;
    out->push_back(v);
}

Value make_union(VM& vm, Value a, Value b) {
    if (!union_member(vm, a) || !union_member(vm, b)) return vm.not_implemented;
    std::vector<Value> items;
    union_add(vm, &items, a);
    union_add(vm, &items, b);
    if (items.size() == 1) return items[0];
    UnionObj* u = vm.alloc<UnionObj>(vm.types.union_type);
    u->args = Value::object(new_tuple(vm, items.data(), items.size()));
    return Value::object(u);
}

static Value type_or(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__or__", 2, 2)) return Value::empty();
    return make_union(vm, a.pos[0], a.pos[1]);
}

static Value type_ror(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__ror__", 2, 2)) return Value::empty();
    return make_union(vm, a.pos[1], a.pos[0]);
}

static Value union_repr(VM& vm, const Args& a) {
    std::string s;
    for (Value x : static_cast<Tuple*>(static_cast<UnionObj*>(a.pos[0].o)->args.o)->items) {
        if (!s.empty()) s += " | ";
        if (x.identical(Value::object(vm.types.none))) {
            s += "None";
        } else if (is_type_obj(x)) {
            std::string mod = type_module(vm, as_type(x));
            if (mod != "builtins") s += mod + ".";
            s += type_qualname(as_type(x));
        } else {
            Str* r = repr(vm, x);
            if (!r) return Value::empty();
            s += r->s;
        }
    }
    return str_value(vm, s);
}

static Value union_args(VM&, Value o, GetSetDescr*) { return static_cast<UnionObj*>(o.o)->args; }

static Value union_eq(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__eq__", 2, 2)) return Value::empty();
    if (!(a.pos[1].is_obj() && a.pos[1].o->type == vm.types.union_type)) return vm.not_implemented;
    auto& x = static_cast<Tuple*>(static_cast<UnionObj*>(a.pos[0].o)->args.o)->items;
    auto& y = static_cast<Tuple*>(static_cast<UnionObj*>(a.pos[1].o)->args.o)->items;
    if (x.size() != y.size()) return Value::boolean(false);
    for (Value v : x) {
        bool found = false;
        for (Value w : y) found = found || v.identical(w);
        if (!found) return Value::boolean(false);
    }
    return Value::boolean(true);
}

static Value union_hash(VM& vm, const Args& a) {
    uint64_t h = 0;
    for (Value v : static_cast<Tuple*>(static_cast<UnionObj*>(a.pos[0].o)->args.o)->items) h ^= hash_pointer(v.o);
    (void)vm;
    return Value::integer(static_cast<int64_t>(h >> 1));
}

static Value get_type_name(VM&, Value obj, GetSetDescr*) { return Value::object(as_type(obj)->name); }
static Value get_type_qualname(VM&, Value obj, GetSetDescr*) { return Value::object(as_type(obj)->qualname); }
static bool set_type_name(VM& vm, Value obj, Value v, GetSetDescr* d) {
    Type* t = as_type(obj);
    if (!(t->flags & kTypeHeap)) {
        vm.raise_format(vm.exc.TypeError, "cannot set '%s' attribute of immutable type '%s'", d->name->s.c_str(),
                        t->name->s.c_str());
        return false;
    }
    if (v.is_empty()) {
        vm.raise_format(vm.exc.TypeError, "cannot delete '%s' attribute of immutable type '%s'", d->name->s.c_str(),
                        t->name->s.c_str());
        return false;
    }
    if (!is_str_value(v)) {
        vm.raise_format(vm.exc.TypeError, "can only assign string to %s.%s, not '%s'", t->name->s.c_str(),
                        d->name->s.c_str(), type_name(vm, v).c_str());
        return false;
    }
    if (d->name->s == "__name__") t->name = vm.intern(sv(v));
    else t->qualname = vm.intern(sv(v));
    return true;
}
static Value get_type_module(VM& vm, Value obj, GetSetDescr*) {
    Type* t = as_type(obj);
    if (t->flags & kTypeHeap) {
        Value m = dict_get_str(t->dict, vm.names.__module__);
        if (!m.is_empty()) return m;
    }
    return str_value(vm, type_module(vm, t));
}
static bool set_type_module(VM& vm, Value obj, Value v, GetSetDescr* d) {
    Type* t = as_type(obj);
    if (!(t->flags & kTypeHeap) || v.is_empty()) return set_type_name(vm, obj, Value::empty(), d);
    dict_set_str(vm, t->dict, vm.names.__module__, v);
    type_modified(t);
    return true;
}
static Value get_type_bases(VM& vm, Value obj, GetSetDescr*) {
    Type* t = as_type(obj);
    Tuple* tu = new_tuple(vm, t->bases.size());
    for (size_t i = 0; i < t->bases.size(); ++i) tu->items[i] = Value::object(t->bases[i]);
    return Value::object(tu);
}
// New MROs for t and (after it) every subclass; each old one is saved first so a failure can
// put them all back.
static bool recompute_mros(VM& vm, Type* t, std::vector<std::pair<Type*, std::vector<Type*>>>* saved) {
    saved->emplace_back(t, t->mro);
    std::vector<Type*> mro;
    if (!c3_mro(vm, t, &mro)) return false;
    t->mro = std::move(mro);
    for (Type* s : t->subclasses)
        if (!recompute_mros(vm, s, saved)) return false;
    return true;
}

// C.__bases__ = (...): CPython's checks, new MROs for the class and its subclasses (all
// restored if one fails), moved subclass links, and fresh versions for the whole hierarchy.
static bool set_type_bases(VM& vm, Value obj, Value v, GetSetDescr* d) {
    Type* t = as_type(obj);
    if (!(t->flags & kTypeHeap) || v.is_empty()) return set_type_name(vm, obj, v, d);
    const char* tn = t->name->s.c_str();
    if (!(v.is_obj() && v.o->type->layout == Layout::Tuple)) {
        vm.raise_format(vm.exc.TypeError, "can only assign tuple to %s.__bases__, not %s", tn, type_name(vm, v).c_str());
        return false;
    }
    Tuple* tu = static_cast<Tuple*>(v.o);
    if (tu->items.empty()) {
        vm.raise_format(vm.exc.TypeError, "can only assign non-empty tuple to %s.__bases__, not ()", tn);
        return false;
    }
    std::vector<Type*> bases;
    Type* solid = vm.types.object;
    for (Value b : tu->items) {
        if (!is_type_obj(b)) {
            vm.raise_format(vm.exc.TypeError, "%s.__bases__ must be tuple of classes, not '%s'", tn,
                            type_name(vm, b).c_str());
            return false;
        }
        Type* bt = as_type(b);
        if (is_subtype(bt, t)) {
            vm.raise(vm.exc.TypeError, "a __bases__ item causes an inheritance cycle");
            return false;
        }
        if (!(bt->flags & kTypeBaseType)) {
            vm.raise_format(vm.exc.TypeError, "type '%s' is not an acceptable base type", type_qualname(bt).c_str());
            return false;
        }
        if (std::find(bases.begin(), bases.end(), bt) != bases.end()) {
            vm.raise_format(vm.exc.TypeError, "duplicate base class %s", bt->name->s.c_str());
            return false;
        }
        if (bt->layout != Layout::Object) {
            if (solid->layout == Layout::Object || is_subtype(bt, solid)) {
                solid = bt;
            } else if (!is_subtype(solid, bt) && bt->layout != solid->layout) {
                vm.raise(vm.exc.TypeError, "multiple bases have instance lay-out conflict");
                return false;
            }
        }
        bases.push_back(bt);
    }
    Type* new_base = bases[0];
    for (Type* bt : bases)
        if (is_subtype(bt, solid)) { new_base = bt; break; }
    // Instances keep their C++ layout, so the built-in base must stay the same.
    if (builtin_base(new_base) != builtin_base(t->base)) {
        vm.raise_format(vm.exc.TypeError, "__bases__ assignment: '%s' object layout differs from '%s'",
                        new_base->name->s.c_str(), t->base->name->s.c_str());
        return false;
    }
    std::vector<Type*> old_bases = t->bases;
    Type* old_base = t->base;
    t->bases = bases;
    t->base = new_base;
    std::vector<std::pair<Type*, std::vector<Type*>>> saved;
    if (!recompute_mros(vm, t, &saved)) {
        for (auto it = saved.rbegin(); it != saved.rend(); ++it) it->first->mro = std::move(it->second);
        t->bases = std::move(old_bases);
        t->base = old_base;
        return false;
    }
    for (Type* b : old_bases) {
        auto& subs = b->subclasses;
        subs.erase(std::remove(subs.begin(), subs.end(), t), subs.end());
    }
    for (Type* b : bases) b->subclasses.push_back(t);
    type_modified(t);
    return true;
}
static Value get_type_base(VM&, Value obj, GetSetDescr*) {
    Type* t = as_type(obj);
    return t->base ? Value::object(t->base) : Value::none();
}
static Value get_type_mro(VM& vm, Value obj, GetSetDescr*) {
    Type* t = as_type(obj);
    Tuple* tu = new_tuple(vm, t->mro.size());
    for (size_t i = 0; i < t->mro.size(); ++i) tu->items[i] = Value::object(t->mro[i]);
    return Value::object(tu);
}
static Value get_type_dict(VM& vm, Value obj, GetSetDescr*) {
    MappingProxy* p = vm.alloc<MappingProxy>(vm.types.mappingproxy);
    p->mapping = Value::object(as_type(obj)->dict);
    return Value::object(p);
}
static Value get_type_doc(VM& vm, Value obj, GetSetDescr*) {
    Type* t = as_type(obj);
    Value d = dict_get_str(t->dict, vm.names.__doc__);
    if (d.is_empty()) return Value::none();
    return descr_get(vm, d, Value::none(), t);
}
static bool set_type_doc(VM& vm, Value obj, Value v, GetSetDescr* d) {
    Type* t = as_type(obj);
    if (!(t->flags & kTypeHeap)) return set_type_name(vm, obj, Value::empty(), d);
    if (v.is_empty()) return set_type_name(vm, obj, v, d);
    dict_set_str(vm, t->dict, vm.names.__doc__, v);
    type_modified(t);
    return true;
}

// ---- module objects (types.ModuleType) ---------------------------------------------------------

// module(name, doc=None): what `type(sys)('m')` builds.
static Value module_init(VM& vm, const Args& a) {
    static const char* const names[] = {"name", "doc", nullptr};
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type->layout != Layout::Module)
        return vm.raise(vm.exc.TypeError, "descriptor '__init__' requires a 'module' object");
    Args rest = a;
    ++rest.pos;
    --rest.npos;
    Value v[3];
    v[0] = a.pos[0];
    if (!parse_args(vm, rest, "module.__init__", names, 1, v + 1)) return Value::empty();
    if (!is_str_value(v[1]))
        return vm.raise_format(vm.exc.TypeError, "module.__init__() argument 'name' must be str, not %s",
                               type_name(vm, v[1]).c_str());
    auto* m = static_cast<Module*>(v[0].o);
    if (!m->dict) m->dict = new_dict(vm);
    m->name = static_cast<Str*>(v[1].o);
    dict_set_str(vm, m->dict, vm.names.__name__, v[1]);
    dict_set_str(vm, m->dict, vm.names.__doc__, v[2].is_empty() ? Value::none() : v[2]);
    dict_set_str(vm, m->dict, vm.names.__package__, Value::none());
    dict_set_str(vm, m->dict, vm.names.__loader__, Value::none());
    dict_set_str(vm, m->dict, vm.names.__spec__, Value::none());
    return Value::none();
}

static Value module_repr(VM& vm, const Args& a) {
    if (a.npos < 1 || !a.pos[0].is_obj() || a.pos[0].o->type->layout != Layout::Module)
        return vm.raise(vm.exc.TypeError, "descriptor '__repr__' requires a 'module' object");
    auto* m = static_cast<Module*>(a.pos[0].o);
    Value name = m->dict ? dict_get_str(m->dict, vm.names.__name__) : Value::empty();
    Value file = m->dict ? dict_get_str(m->dict, vm.names.__file__) : Value::empty();
    std::string out = "<module ";
    Str* nr = repr(vm, name.is_empty() ? str_value(vm, "?") : name);
    if (!nr) return Value::empty();
    out += nr->s;
    if (!file.is_empty()) {
        Str* fr = repr(vm, file);
        if (!fr) return Value::empty();
        out += " from " + fr->s;
    }
    return str_value(vm, out + ">");
}

void init_type_methods(VM& vm) {
    def_method(vm, vm.types.module, "__init__", module_init);
    if (dict_get_str(vm.types.module->dict, vm.names.__repr__).is_empty())
        def_method(vm, vm.types.module, "__repr__", module_repr);
    Type* T = vm.types.type;
    def_method(vm, T, "__call__", type_dunder_call);
    def_method(vm, T, "__new__", type_new);
    def_method(vm, T, "__init__", type_init);
    def_method(vm, T, "__repr__", type_repr);
    def_method(vm, T, "mro", type_mro_method);
    def_method(vm, T, "__subclasses__", type_subclasses);
    def_method(vm, T, "__instancecheck__", type_instancecheck);
    def_method(vm, T, "__subclasscheck__", type_subclasscheck);
    def_method(vm, T, "__dir__", type_dir);
    def_method(vm, T, "__or__", type_or);
    def_method(vm, T, "__ror__", type_ror);
    Type* U = vm.types.union_type;
    def_method(vm, U, "__repr__", union_repr);
    def_method(vm, U, "__or__", type_or);
    def_method(vm, U, "__ror__", type_ror);
    def_method(vm, U, "__eq__", union_eq);
    def_method(vm, U, "__hash__", union_hash);
    def_getset(vm, U, "__args__", union_args);
    NativeFunction* prep = new_native(vm, "__prepare__", type_prepare);
    ClassMethod* cm = vm.alloc<ClassMethod>(vm.types.classmethod);
    cm->func = Value::object(prep);
    dict_set_str(vm, T->dict, prep->name, Value::object(cm));
    def_getset(vm, T, "__name__", get_type_name, set_type_name);
    def_getset(vm, T, "__qualname__", get_type_qualname, set_type_name);
    def_getset(vm, T, "__module__", get_type_module, set_type_module);
    def_getset(vm, T, "__bases__", get_type_bases, set_type_bases);
    def_getset(vm, T, "__base__", get_type_base);
    def_getset(vm, T, "__mro__", get_type_mro);
    def_getset(vm, T, "__dict__", get_type_dict);
    def_getset(vm, T, "__doc__", get_type_doc, set_type_doc);
}

void init_object_methods(VM& vm) {
    init_type_methods(vm);
    init_descriptor_methods(vm);
}

}  // namespace asy::vm
