// Loading compiled `Code` into runnable `CodeObj`s (constants to Values, names interned), and
// the Python-visible attributes of code, function, bound method, builtin function and cell
// objects (init_functions).
#include <cstdio>
#include <string>

#include "vm/init.hpp"
#include "vm/interpreter.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/descriptors.hpp"
#include "vm/objects/float.hpp"
#include "vm/objects/generator.hpp"
#include "vm/objects/int.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

// ---- loading -----------------------------------------------------------------------------

namespace {

bool identifier_like(const std::string& s) {
    if (s.empty() || s.size() > 40) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

Value load_constant(VM& vm, const Constant& c) {
    struct Visitor {
        VM& vm;
        Value operator()(std::monostate) const { return Value::none(); }
        Value operator()(bool b) const { return Value::boolean(b); }
        Value operator()(int64_t i) const { return Value::integer(i); }
        Value operator()(double d) const { return Value::real(d); }
        Value operator()(const std::string& s) const {
            return Value::object(identifier_like(s) ? vm.intern(s) : new_str(vm, s));
        }
        Value operator()(const BytesConst& b) const { return new_bytes(vm, b.bytes); }
        Value operator()(const BigIntConst& b) const { return int_from_decimal(vm, b.digits); }
        Value operator()(const EllipsisConst&) const { return vm.ellipsis; }
        Value operator()(const ComplexConst& z) const {
            auto* c = vm.alloc<ComplexObj>(vm.types.complex);
            c->real = z.real;
            c->imag = z.imag;
            return Value::object(c);
        }
        Value operator()(const std::shared_ptr<const Code>& code) const {
            return Value::object(load_code(vm, code));
        }
        Value operator()(const ConstTuple& items) const {
            Tuple* t = new_tuple(vm, items.size());
            for (size_t i = 0; i < items.size(); ++i) t->items[i] = load_constant(vm, items[i]);
            return Value::object(t);
        }
    };
    return std::visit(Visitor{vm}, c.v);
}

}  // namespace

CodeObj* load_code(VM& vm, std::shared_ptr<const Code> code) {
    auto* co = vm.alloc<CodeObj>(vm.types.code);
    co->code = code;
    co->name = vm.intern(code->name);
    co->qualname = vm.intern(code->qualname);
    co->filename = vm.intern(code->filename);
    for (auto& n : code->names) co->names.push_back(vm.intern(n));
    for (auto& n : code->varnames) co->varnames.push_back(vm.intern(n));
    for (auto& n : code->cellvars) co->cellvars.push_back(vm.intern(n));
    for (auto& n : code->freevars) co->cellvars.push_back(vm.intern(n));
    co->nlocalsplus = static_cast<int>(co->varnames.size() + co->cellvars.size());
    if (code->has_docstring) co->docstring = Value::object(new_str(vm, code->docstring));
    co->constants.reserve(code->constants.size());
    for (auto& c : code->constants) co->constants.push_back(load_constant(vm, c));
    return co;
}

void CodeObj::trace(Tracer& t) {
    t.mark_range(constants.begin(), constants.end());
    for (Str* s : names) t.mark(s);
    for (Str* s : varnames) t.mark(s);
    for (Str* s : cellvars) t.mark(s);
    t.mark(name);
    t.mark(qualname);
    t.mark(filename);
    t.mark(docstring);
    for (const InlineCache& c : caches) {
        t.mark(c.key);
        t.mark(c.key2);
        t.mark(c.value);
    }
}

// ---- attributes ------------------------------------------------------------------------------

namespace {

std::string addr(const void* p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%p", p);
    return buf;
}

Value str_tuple(VM& vm, const std::vector<Str*>& names, size_t from, size_t to) {
    Tuple* t = new_tuple(vm, to - from);
    for (size_t i = from; i < to; ++i) t->items[i - from] = Value::object(names[i]);
    return Value::object(t);
}

CodeObj* as_code(Value v) { return static_cast<CodeObj*>(v.o); }
Function* as_fn(Value v) { return static_cast<Function*>(v.o); }

bool is_str(VM& vm, Value v) { return v.is_obj() && is_subtype(v.o->type, vm.types.str); }

// -- code
Value co_name(VM&, Value o, GetSetDescr*) { return Value::object(as_code(o)->name); }
Value co_qualname(VM&, Value o, GetSetDescr*) { return Value::object(as_code(o)->qualname); }
Value co_filename(VM&, Value o, GetSetDescr*) { return Value::object(as_code(o)->filename); }
Value co_firstlineno(VM&, Value o, GetSetDescr*) { return Value::integer(as_code(o)->code->first_line); }
Value co_argcount(VM&, Value o, GetSetDescr*) { return Value::integer(as_code(o)->code->argcount); }
Value co_posonlyargcount(VM&, Value o, GetSetDescr*) { return Value::integer(as_code(o)->code->posonlyargcount); }
Value co_kwonlyargcount(VM&, Value o, GetSetDescr*) { return Value::integer(as_code(o)->code->kwonlyargcount); }
Value co_flags(VM&, Value o, GetSetDescr*) { return Value::integer(as_code(o)->code->flags); }
Value co_stacksize(VM&, Value o, GetSetDescr*) { return Value::integer(as_code(o)->code->max_stack); }
Value co_nlocals(VM&, Value o, GetSetDescr*) {
    return Value::integer(static_cast<int64_t>(as_code(o)->varnames.size()));
}
Value co_varnames(VM& vm, Value o, GetSetDescr*) {
    auto* c = as_code(o);
    return str_tuple(vm, c->varnames, 0, c->varnames.size());
}
Value co_cellvars(VM& vm, Value o, GetSetDescr*) {
    auto* c = as_code(o);
    return str_tuple(vm, c->cellvars, 0, c->code->cellvars.size());
}
Value co_freevars(VM& vm, Value o, GetSetDescr*) {
    auto* c = as_code(o);
    return str_tuple(vm, c->cellvars, c->code->cellvars.size(), c->cellvars.size());
}
Value co_names(VM& vm, Value o, GetSetDescr*) {
    auto* c = as_code(o);
    return str_tuple(vm, c->names, 0, c->names.size());
}
Value co_consts(VM& vm, Value o, GetSetDescr*) {
    auto* c = as_code(o);
    return Value::object(new_tuple(vm, c->constants.data(), c->constants.size()));
}
Value code_repr(VM& vm, const Args& a) {
    auto* c = as_code(a[0]);
    std::string s = "<code object " + c->name->s + " at " + addr(c) + ", file \"" + c->filename->s + "\", line " +
                    std::to_string(c->code->first_line) + ">";
    return str_value(vm, s);
}

// -- function
Value fn_get_name(VM&, Value o, GetSetDescr*) { return as_fn(o)->name; }
bool fn_set_name(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty() || !is_str(vm, v)) {
        vm.raise(vm.exc.TypeError, "__name__ must be set to a string object");
        return false;
    }
    as_fn(o)->name = v;
    return true;
}
Value fn_get_qualname(VM&, Value o, GetSetDescr*) { return as_fn(o)->qualname; }
bool fn_set_qualname(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty() || !is_str(vm, v)) {
        vm.raise(vm.exc.TypeError, "__qualname__ must be set to a string object");
        return false;
    }
    as_fn(o)->qualname = v;
    return true;
}
Value fn_get_doc(VM&, Value o, GetSetDescr*) { return as_fn(o)->doc; }
bool fn_set_doc(VM&, Value o, Value v, GetSetDescr*) {
    as_fn(o)->doc = v.is_empty() ? Value::none() : v;
    return true;
}
Value fn_get_module(VM&, Value o, GetSetDescr*) { return as_fn(o)->module; }
bool fn_set_module(VM&, Value o, Value v, GetSetDescr*) {
    as_fn(o)->module = v.is_empty() ? Value::none() : v;
    return true;
}
Value fn_get_defaults(VM&, Value o, GetSetDescr*) {
    auto* f = as_fn(o);
    return f->defaults != nullptr ? Value::object(f->defaults) : Value::none();
}
bool fn_set_defaults(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty() || v.is_none()) {
        as_fn(o)->defaults = nullptr;
        return true;
    }
    if (!(v.is_obj() && v.o->type->layout == Layout::Tuple)) {
        vm.raise(vm.exc.TypeError, "__defaults__ must be set to a tuple object");
        return false;
    }
    as_fn(o)->defaults = static_cast<Tuple*>(v.o);
    return true;
}
Value fn_get_kwdefaults(VM&, Value o, GetSetDescr*) {
    auto* f = as_fn(o);
    return f->kwdefaults != nullptr ? Value::object(f->kwdefaults) : Value::none();
}
bool fn_set_kwdefaults(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty() || v.is_none()) {
        as_fn(o)->kwdefaults = nullptr;
        return true;
    }
    if (!(v.is_obj() && v.o->type->layout == Layout::Dict)) {
        vm.raise(vm.exc.TypeError, "__kwdefaults__ must be set to a dict object");
        return false;
    }
    as_fn(o)->kwdefaults = static_cast<Dict*>(v.o);
    return true;
}
Value fn_get_closure(VM&, Value o, GetSetDescr*) {
    auto* f = as_fn(o);
    return f->closure != nullptr ? Value::object(f->closure) : Value::none();
}
Value fn_get_code(VM&, Value o, GetSetDescr*) { return Value::object(as_fn(o)->code); }
Value fn_get_globals(VM&, Value o, GetSetDescr*) { return Value::object(as_fn(o)->globals); }
Value fn_get_builtins(VM& vm, Value, GetSetDescr*) { return Value::object(vm.builtins); }
Value fn_get_annotations(VM& vm, Value o, GetSetDescr*) {
    auto* f = as_fn(o);
    if (f->annotations.is_empty() || f->annotations.is_none()) f->annotations = Value::object(new_dict(vm));
    return f->annotations;
}
bool fn_set_annotations(VM& vm, Value o, Value v, GetSetDescr*) {
    if (!v.is_empty() && !v.is_none() && !(v.is_obj() && v.o->type->layout == Layout::Dict)) {
        vm.raise(vm.exc.TypeError, "__annotations__ must be set to a dict object");
        return false;
    }
    as_fn(o)->annotations = v.is_empty() ? Value() : v;
    return true;
}
Value fn_repr(VM& vm, const Args& a) {
    auto* f = as_fn(a[0]);
    std::string q = f->qualname.is_obj() ? static_cast<Str*>(f->qualname.o)->s : "?";
    return str_value(vm, "<function " + q + " at " + addr(f) + ">");
}
Value fn_get(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__get__", 2, 3)) return Value::empty();
    if (a[1].is_none()) return a[0];
    auto* bm = vm.alloc<BoundMethod>(vm.types.bound_method);
    bm->func = a[0];
    bm->self = a[1];
    return Value::object(bm);
}
Value fn_call(VM& vm, const Args& a) {
    return call_object(vm, a[0], Args{a.pos + 1, a.npos - 1, a.kwvalues, a.kwnames});
}

// -- bound method
BoundMethod* as_bm(Value v) { return static_cast<BoundMethod*>(v.o); }
Value bm_self(VM&, Value o, GetSetDescr*) { return as_bm(o)->self; }
Value bm_func(VM&, Value o, GetSetDescr*) { return as_bm(o)->func; }
Value bm_name(VM& vm, Value o, GetSetDescr*) { return get_attr(vm, as_bm(o)->func, vm.names.__name__); }
Value bm_qualname(VM& vm, Value o, GetSetDescr*) { return get_attr(vm, as_bm(o)->func, vm.names.__qualname__); }
Value bm_doc(VM& vm, Value o, GetSetDescr*) { return get_attr(vm, as_bm(o)->func, vm.names.__doc__); }
Value bm_repr(VM& vm, const Args& a) {
    auto* bm = as_bm(a[0]);
    Value q = get_attr_opt(vm, bm->func, vm.names.__qualname__);
    if (q.is_empty()) q = get_attr_opt(vm, bm->func, vm.names.__name__);
    std::string qs = "?";
    if (q.is_obj() && q.o->type->layout == Layout::Str) qs = static_cast<Str*>(q.o)->s;
    vm.pending = Value();
    Str* r = repr(vm, bm->self);
    if (r == nullptr) return Value::empty();
    return str_value(vm, "<bound method " + qs + " of " + r->s + ">");
}
Value bm_eq(VM& vm, const Args& a) {
    if (!(a[1].is_obj() && a[1].o->type == vm.types.bound_method)) return vm.not_implemented;
    auto* x = as_bm(a[0]);
    auto* y = as_bm(a[1]);
    return Value::boolean(x->func.identical(y->func) && x->self.identical(y->self));
}
Value bm_hash(VM&, const Args& a) {
    auto* x = as_bm(a[0]);
    uint64_t h = hash_pointer(x->func.is_obj() ? x->func.o : nullptr) ^
                 (hash_pointer(x->self.is_obj() ? x->self.o : nullptr) * 1000003);
    return Value::integer(static_cast<int64_t>(h >> 1));
}

// -- builtin functions
NativeFunction* as_nf(Value v) { return static_cast<NativeFunction*>(v.o); }
Value nf_name(VM&, Value o, GetSetDescr*) {
    auto* f = as_nf(o);
    return f->name != nullptr ? Value::object(f->name) : Value::none();
}
Value nf_qualname(VM&, Value o, GetSetDescr*) {
    auto* f = as_nf(o);
    Str* q = f->qualname != nullptr ? f->qualname : f->name;
    return q != nullptr ? Value::object(q) : Value::none();
}
Value nf_self(VM& vm, Value o, GetSetDescr*) {
    auto* f = as_nf(o);
    return f->self.is_empty() ? Value::object(vm.builtins_module) : f->self;
}
Value nf_doc(VM& vm, Value o, GetSetDescr*) {
    auto* f = as_nf(o);
    return f->doc != nullptr ? str_value(vm, f->doc) : Value::none();
}
// Dunders that built-in types define as ordinary methods rather than type slots, so CPython shows
// them as "<method ...>" rather than "<slot wrapper ...>".
bool is_plain_method_dunder(std::string_view owner, std::string_view name) {
    if (name == "__getitem__" && (owner == "list" || owner == "dict")) return true;
    if (name == "__contains__" && (owner == "dict" || owner == "set" || owner == "frozenset")) return true;
    static constexpr std::string_view kPlain[] = {
        "__sizeof__", "__reduce__", "__reduce_ex__", "__format__", "__dir__", "__init_subclass__",
        "__subclasshook__", "__class_getitem__", "__reversed__", "__getstate__", "__round__", "__trunc__",
        "__floor__", "__ceil__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__copy__", "__deepcopy__",
        "__getnewargs__", "__getnewargs_ex__", "__instancecheck__", "__subclasscheck__", "__prepare__",
        "__length_hint__", "__setstate__", "__getformat__", "__mro_entries__"};
    for (std::string_view p : kPlain)
        if (p == name) return true;
    return false;
}
bool is_slot_dunder(std::string_view owner, std::string_view name) {
    return name.size() > 4 && name.starts_with("__") && name.ends_with("__") && !is_plain_method_dunder(owner, name);
}
Value nf_repr(VM& vm, const Args& a) {
    auto* f = as_nf(a[0]);
    std::string name = f->name != nullptr ? f->name->s : "?";
    if (f->self.is_empty() && f->is_method && f->qualname != nullptr) {
        // An unbound method of a built-in type: CPython's wrapper_descriptor (slot dunders) or
        // method_descriptor repr, naming the owner from the qualname ("str.upper").
        std::string_view q = f->qualname->view();
        size_t dot = q.rfind('.');
        if (dot != std::string_view::npos) {
            std::string owner(q.substr(0, dot));
            bool slot = is_slot_dunder(owner, name);
            return str_value(vm, std::string(slot ? "<slot wrapper '" : "<method '") + name + "' of '" + owner +
                                     "' objects>");
        }
    }
    if (f->self.is_empty()) return str_value(vm, "<built-in function " + name + ">");
    if (f->qualname != nullptr) {
        // A slot dunder bound to an instance (descr_get copies the native with `self` set) is
        // CPython's method-wrapper.
        std::string_view q = f->qualname->view();
        size_t dot = q.rfind('.');
        if (dot != std::string_view::npos && is_slot_dunder(q.substr(0, dot), name))
            return str_value(vm, "<method-wrapper '" + name + "' of " + type_name(vm, f->self) + " object at " +
                                     addr(f->self.is_obj() ? f->self.o : nullptr) + ">");
    }
    return str_value(vm, "<built-in method " + name + " of " + type_name(vm, f->self) + " object at " +
                             addr(f->self.is_obj() ? f->self.o : nullptr) + ">");
}
Value nf_get(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__get__", 2, 3)) return Value::empty();
    auto* f = as_nf(a[0]);
    if (a[1].is_none() || !f->is_method) return a[0];
    auto* bm = vm.alloc<BoundMethod>(vm.types.bound_method);
    bm->func = a[0];
    bm->self = a[1];
    return Value::object(bm);
}

// -- cell
Value cell_contents(VM& vm, Value o, GetSetDescr*) {
    auto* c = static_cast<Cell*>(o.o);
    if (c->value.is_empty()) return vm.raise(vm.exc.ValueError, "Cell is empty");
    return c->value;
}
bool cell_set_contents(VM&, Value o, Value v, GetSetDescr*) {
    static_cast<Cell*>(o.o)->value = v;
    return true;
}
Value cell_repr(VM& vm, const Args& a) {
    auto* c = static_cast<Cell*>(a[0].o);
    if (c->value.is_empty()) return str_value(vm, "<cell at " + addr(c) + ": empty>");
    return str_value(vm, "<cell at " + addr(c) + ": " + type_name(vm, c->value) + " object at " +
                             addr(c->value.is_obj() ? c->value.o : nullptr) + ">");
}

}  // namespace

void init_functions(VM& vm) {
    interp_state(vm);
    Type* code = vm.types.code;
    def_getset(vm, code, "co_name", co_name);
    def_getset(vm, code, "co_qualname", co_qualname);
    def_getset(vm, code, "co_filename", co_filename);
    def_getset(vm, code, "co_firstlineno", co_firstlineno);
    def_getset(vm, code, "co_argcount", co_argcount);
    def_getset(vm, code, "co_posonlyargcount", co_posonlyargcount);
    def_getset(vm, code, "co_kwonlyargcount", co_kwonlyargcount);
    def_getset(vm, code, "co_flags", co_flags);
    def_getset(vm, code, "co_stacksize", co_stacksize);
    def_getset(vm, code, "co_nlocals", co_nlocals);
    def_getset(vm, code, "co_varnames", co_varnames);
    def_getset(vm, code, "co_cellvars", co_cellvars);
    def_getset(vm, code, "co_freevars", co_freevars);
    def_getset(vm, code, "co_names", co_names);
    def_getset(vm, code, "co_consts", co_consts);
    def_method(vm, code, "__repr__", code_repr);

    Type* fn = vm.types.function;
    fn->flags |= kTypeInstanceDict;
    def_getset(vm, fn, "__name__", fn_get_name, fn_set_name);
    def_getset(vm, fn, "__qualname__", fn_get_qualname, fn_set_qualname);
    def_getset(vm, fn, "__doc__", fn_get_doc, fn_set_doc);
    def_getset(vm, fn, "__module__", fn_get_module, fn_set_module);
    def_getset(vm, fn, "__defaults__", fn_get_defaults, fn_set_defaults);
    def_getset(vm, fn, "__kwdefaults__", fn_get_kwdefaults, fn_set_kwdefaults);
    def_getset(vm, fn, "__closure__", fn_get_closure);
    def_getset(vm, fn, "__code__", fn_get_code);
    def_getset(vm, fn, "__globals__", fn_get_globals);
    def_getset(vm, fn, "__builtins__", fn_get_builtins);
    def_getset(vm, fn, "__annotations__", fn_get_annotations, fn_set_annotations);
    def_method(vm, fn, "__repr__", fn_repr);
    def_method(vm, fn, "__get__", fn_get);
    def_method(vm, fn, "__call__", fn_call);

    Type* bm = vm.types.bound_method;
    def_getset(vm, bm, "__self__", bm_self);
    def_getset(vm, bm, "__func__", bm_func);
    def_getset(vm, bm, "__name__", bm_name);
    def_getset(vm, bm, "__qualname__", bm_qualname);
    def_getset(vm, bm, "__doc__", bm_doc);
    def_method(vm, bm, "__repr__", bm_repr);
    def_method(vm, bm, "__eq__", bm_eq);
    def_method(vm, bm, "__hash__", bm_hash);
    def_method(vm, bm, "__call__", fn_call);

    Type* nf = vm.types.native_function;
    def_getset(vm, nf, "__name__", nf_name);
    def_getset(vm, nf, "__qualname__", nf_qualname);
    def_getset(vm, nf, "__self__", nf_self);
    def_getset(vm, nf, "__doc__", nf_doc);
    def_method(vm, nf, "__repr__", nf_repr);
    def_method(vm, nf, "__get__", nf_get);
    def_method(vm, nf, "__call__", fn_call);

    Type* cell = vm.types.cell;
    def_getset(vm, cell, "cell_contents", cell_contents, cell_set_contents);
    def_method(vm, cell, "__repr__", cell_repr);

    init_generator_types(vm);
}

}  // namespace asy::vm
