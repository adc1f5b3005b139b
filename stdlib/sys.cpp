// The `sys` module: argv, exit, path, modules, version info, stdout/stderr text streams,
// recursion limit, exc_info and the async generator hooks.
#include <climits>

#include "asy/version.hpp"
#include "stdlib/registry.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

// sys.stdout / sys.stderr: text streams writing through VM::write_out (so hosts can redirect).
struct TextStream : Obj {
    bool is_stderr = false;
};

TextStream* as_stream(VM& vm, const Args& a, const char* method) {
    if (a.npos == 0 || !a.pos[0].is_obj()) return nullptr;
    return dynamic_cast<TextStream*>(a.pos[0].o);
}

Value stream_write(VM& vm, const Args& a) {
    if (!check_args(vm, a, "write", 2, 2)) return Value::empty();
    TextStream* s = as_stream(vm, a, "write");
    if (s == nullptr) return vm.raise(vm.exc.TypeError, "descriptor 'write' requires a text stream");
    Value text = a.pos[1];
    if (!text.is_obj() || !is_instance(vm, text, vm.types.str)) {
        return vm.raise_format(vm.exc.TypeError, "write() argument must be str, not %s",
                               type_name(vm, text).c_str());
    }
    Str* str = static_cast<Str*>(text.o);
    vm.write_out(str->view(), s->is_stderr);
    return Value::integer(str->length);
}

Value stream_flush(VM& vm, const Args& a) {
    TextStream* s = as_stream(vm, a, "flush");
    if (s != nullptr) vm.write_out("", s->is_stderr);
    return Value::none();
}

Value stream_isatty(VM& vm, const Args& a) { return Value::boolean(false); }

Value sys_exit(VM& vm, const Args& a) {
    if (!check_args(vm, a, "exit", 0, 1)) return Value::empty();
    Value code = a.npos == 1 ? a.pos[0] : Value::none();
    Value exc = vm.call(Value::object(vm.exc.SystemExit), &code, 1);
    if (exc.is_empty()) return exc;
    return vm.raise_value(exc);
}

Value sys_getrecursionlimit(VM& vm, const Args& a) {
    if (!check_args(vm, a, "getrecursionlimit", 0, 0)) return Value::empty();
    return Value::integer(vm.options.recursion_limit);
}

Value sys_setrecursionlimit(VM& vm, const Args& a) {
    if (!check_args(vm, a, "setrecursionlimit", 1, 1)) return Value::empty();
    if (a.pos[0].is_float()) return vm.raise(vm.exc.TypeError, "'float' object cannot be interpreted as an integer");
    int64_t n;
    if (!to_int64(vm, a.pos[0], &n)) return Value::empty();
    if (n < 1) return vm.raise(vm.exc.ValueError, "recursion limit must be greater or equal than 1");
    if (n > INT_MAX) return vm.raise(vm.exc.OverflowError, "Python int too large to convert to C int");
    vm.options.recursion_limit = static_cast<int>(n);
    return Value::none();
}

Value sys_exc_info(VM& vm, const Args& a) {
    if (!check_args(vm, a, "exc_info", 0, 0)) return Value::empty();
    Value exc = vm.handled_exception();
    Tuple* t = new_tuple(vm, 3);
    if (!exc.is_empty() && !exc.is_none()) {
        t->items[0] = Value::object(type_of(vm, exc));
        t->items[1] = exc;
    }
    return Value::object(t);
}

Value sys_exception(VM& vm, const Args& a) {
    if (!check_args(vm, a, "exception", 0, 0)) return Value::empty();
    Value exc = vm.handled_exception();
    return exc.is_empty() ? Value::none() : exc;
}

Value str_list(VM& vm, const std::vector<std::string>& items) {
    List* l = new_list(vm, items.size());
    for (const auto& s : items) l->items.push_back(str_value(vm, s));
    return Value::object(l);
}

// ---- sys.set_asyncgen_hooks / get_asyncgen_hooks (the hooks live in GenTypes, per VM)

bool is_callable(VM& vm, Value v) {
    if (!v.is_obj()) return false;
    Type* t = v.o->type;
    if (t == vm.types.function || t == vm.types.native_function || t == vm.types.bound_method || t->layout == Layout::Type)
        return true;
    Value c = type_lookup(t, vm.names.__call__);
    return !c.is_empty() && !c.is_none();
}

Value sys_set_asyncgen_hooks(VM& vm, const Args& a) {
    // Bound by hand: CPython's messages here name no function ("for this function").
    static const char* const kNames[] = {"firstiter", "finalizer"};
    Value v[2];
    uint32_t nkw = a.kwnames == nullptr ? 0 : static_cast<uint32_t>(a.kwnames->items.size());
    if (a.npos + nkw > 2)
        return vm.raise_format(vm.exc.TypeError, "function takes at most 2 arguments (%u given)", a.npos + nkw);
    for (uint32_t i = 0; i < a.npos; ++i) v[i] = a.pos[i];
    for (uint32_t k = 0; k < nkw; ++k) {
        std::string_view name = as_str(a.kwnames->items[k])->view();
        int i = name == kNames[0] ? 0 : name == kNames[1] ? 1 : -1;
        if (i < 0)
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for this function",
                                   static_cast<int>(name.size()), name.data());
        if (static_cast<uint32_t>(i) < a.npos)
            return vm.raise_format(vm.exc.TypeError, "argument for function given by name ('%s') and position (%d)",
                                   kNames[i], i + 1);
        v[i] = a.kwvalues[k];
    }
    // CPython checks the finalizer first.
    for (int i : {1, 0}) {
        if (!v[i].is_empty() && !v[i].is_none() && !is_callable(vm, v[i]))
            return vm.raise_format(vm.exc.TypeError, "callable %s expected, got %s", kNames[i],
                                   type_name(vm, v[i]).c_str());
    }
    GenTypes& gt = gen_types(vm);
    if (!v[0].is_empty()) gt.asyncgen_firstiter = v[0];
    if (!v[1].is_empty()) gt.asyncgen_finalizer = v[1];
    return Value::none();
}

Value hooks_field(VM&, Value self, size_t i) {
    return static_cast<Tuple*>(self.o)->items[i];
}
Value hooks_firstiter(VM& vm, Value self, GetSetDescr*) { return hooks_field(vm, self, 0); }
Value hooks_finalizer(VM& vm, Value self, GetSetDescr*) { return hooks_field(vm, self, 1); }

Value hooks_repr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__repr__", 1, 1)) return Value::empty();
    auto* t = static_cast<Tuple*>(a.pos[0].o);
    std::string out = "asyncgen_hooks(";
    const char* names[] = {"firstiter=", ", finalizer="};
    for (size_t i = 0; i < 2 && i < t->items.size(); ++i) {
        Str* r = repr(vm, t->items[i]);
        if (r == nullptr) return Value::empty();
        out += names[i];
        out += r->view();
    }
    return str_value(vm, out + ")");
}

Value sys_get_asyncgen_hooks(VM& vm, const Args& a) {
    if (!check_args(vm, a, "sys.get_asyncgen_hooks", 0, 0)) return Value::empty();
    GenTypes& gt = gen_types(vm);
    Value items[2] = {gt.asyncgen_firstiter.is_empty() ? Value::none() : gt.asyncgen_firstiter,
                      gt.asyncgen_finalizer.is_empty() ? Value::none() : gt.asyncgen_finalizer};
    Tuple* t = new_tuple(vm, items, 2);
    t->type = gt.asyncgen_hooks;
    return Value::object(t);
}

}  // namespace

bool init_sys_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    auto set = [&](const char* name, Value v) { dict_set_str(vm, ns, vm.intern(name), v); };

    Type* stream_type = new_builtin_type(vm, "TextIOWrapper", vm.types.object, Layout::Other, nullptr, 0);
    def_method(vm, stream_type, "write", stream_write);
    def_method(vm, stream_type, "flush", stream_flush);
    def_method(vm, stream_type, "isatty", stream_isatty);
    for (bool err : {false, true}) {
        TextStream* s = vm.alloc<TextStream>(stream_type);
        s->is_stderr = err;
        set(err ? "stderr" : "stdout", Value::object(s));
        set(err ? "__stderr__" : "__stdout__", Value::object(s));
    }

    set("argv", str_list(vm, vm.options.argv));
    set("path", str_list(vm, vm.options.path));
    set("modules", Value::object(vm.modules));
    set("platform", str_value(vm, "linux"));
    set("byteorder", str_value(vm, "little"));
    set("maxsize", Value::integer(INT64_MAX));
    set("version", str_value(vm, "3.11.0 (asy " ASY_VERSION_STRING ")"));
    Value vi[] = {Value::integer(3), Value::integer(11), Value::integer(0), str_value(vm, "final"),
                  Value::integer(0)};
    set("version_info", Value::object(new_tuple(vm, vi, 5)));
    set("executable", str_value(vm, "asy"));
    set("builtin_module_names", Value::object(new_tuple(vm, 0)));
    def_function(vm, ns, "exit", sys_exit);
    def_function(vm, ns, "getrecursionlimit", sys_getrecursionlimit);
    def_function(vm, ns, "setrecursionlimit", sys_setrecursionlimit);
    def_function(vm, ns, "exc_info", sys_exc_info);
    def_function(vm, ns, "exception", sys_exception);

    GenTypes& gt = gen_types(vm);
    if (gt.asyncgen_hooks == nullptr) {
        Type* hooks = new_builtin_type(vm, "asyncgen_hooks", vm.types.tuple, Layout::Tuple, nullptr, 0);
        def_getset(vm, hooks, "firstiter", hooks_firstiter);
        def_getset(vm, hooks, "finalizer", hooks_finalizer);
        def_method(vm, hooks, "__repr__", hooks_repr);
        gt.asyncgen_hooks = hooks;
    }
    def_function(vm, ns, "set_asyncgen_hooks", sys_set_asyncgen_hooks);
    def_function(vm, ns, "get_asyncgen_hooks", sys_get_asyncgen_hooks);
    return true;
}

}  // namespace asy::stdlib
