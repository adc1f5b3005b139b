// The builtins that need the front end: eval(), exec() and compile(). They live in the api
// layer because vm/ does not link the parser or compiler; the Runtime installs them into the
// builtins module when it starts.
#include <string>

#include "api/runtime_impl.hpp"
#include "vm/frame.hpp"
#include "vm/interpreter.hpp"
#include "vm/ops.hpp"

namespace asy {

vm::Value raise_syntax_error(vm::VM& vm, const lex::Diagnostic& d, std::string_view source) {
    // SyntaxError(msg, (filename, lineno, offset, text)); str() is "msg (filename, line N)".
    std::string text;
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i < source.size() && line < d.line; ++i) {
        if (source[i] == '\n') {
            ++line;
            start = i + 1;
        }
    }
    size_t end = source.find('\n', start);
    text = std::string(source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start + 1));
    vm::Value details[] = {vm::str_value(vm, d.file), vm::Value::integer(d.line), vm::Value::integer(d.col + 1),
                           vm::str_value(vm, text)};
    vm::Value args[] = {vm::str_value(vm, d.message), vm::Value::object(vm::new_tuple(vm, details, 4))};
    vm::Type* type = d.kind == lex::DiagKind::IndentationError ? vm.exc.IndentationError
                     : d.kind == lex::DiagKind::TabError       ? vm.exc.TabError
                                                               : vm.exc.SyntaxError;
    vm::Value exc = vm.call(vm::Value::object(type), args, 2);
    if (exc.is_empty()) return exc;
    return vm.raise_value(exc);
}

namespace {

// Source text of an eval/exec/compile argument (str, bytes), with eval's leading-space strip.
bool source_text(vm::VM& vm, vm::Value v, const char* fname, bool strip, std::string* out) {
    if (v.is_obj() && vm::is_instance(vm, v, vm.types.str)) {
        *out = std::string(static_cast<vm::Str*>(v.o)->view());
    } else if (v.is_obj() && (vm::is_instance(vm, v, vm.types.bytes) || vm::is_instance(vm, v, vm.types.bytearray))) {
        vm::Value s = vm.call_method(v, vm.intern("decode"), {});
        if (s.is_empty()) return false;
        *out = std::string(static_cast<vm::Str*>(s.o)->view());
    } else {
        vm.raise_format(vm.exc.TypeError, "%s() arg 1 must be a string, bytes or code object", fname);
        return false;
    }
    if (strip) {
        size_t i = out->find_first_not_of(" \t");
        out->erase(0, i == std::string::npos ? out->size() : i);
    }
    return true;
}

// CPython passes the calling code's future features (`from __future__ import annotations`) on
// to the code that exec/eval/compile build from source.
uint32_t caller_future_flags(vm::VM& vm) {
    return vm.frame != nullptr && vm.frame->code != nullptr ? vm.frame->code->code->flags : 0;
}

vm::CodeObj* compile_to_code(Runtime::Impl& impl, const std::string& source, const std::string& filename,
                             ast::ParseMode mode, uint32_t future_flags) {
    vm::VM& vm = impl.vm;
    Status st;
    lex::Diagnostic d;
    auto code = impl.compile(source, filename, mode, &st, &d, future_flags);
    if (code == nullptr) {
        raise_syntax_error(vm, d, source);
        return nullptr;
    }
    vm.register_source(filename, source);
    return vm::load_code(vm, code);
}

// Resolve eval/exec's globals and locals arguments as CPython does.
bool namespaces(vm::VM& vm, const vm::Args& a, const char* fname, vm::Dict** globals, vm::Value* locals) {
    vm::Value g = a.npos > 1 ? a.pos[1] : vm::Value::none();
    vm::Value l = a.npos > 2 ? a.pos[2] : vm::Value::none();
    if (!g.is_none() && !(g.is_obj() && vm::is_instance(vm, g, vm.types.dict))) {
        vm.raise_format(vm.exc.TypeError, "%s() globals must be a dict, not %s", fname,
                        vm::type_name(vm, g).c_str());
        return false;
    }
    if (g.is_none()) {
        *globals = vm::current_globals(vm);
        if (*globals == nullptr) *globals = vm::new_dict(vm);
        *locals = l.is_none() ? vm::current_locals(vm) : l;
        if (locals->is_empty()) return false;
    } else {
        *globals = static_cast<vm::Dict*>(g.o);
        *locals = l.is_none() ? g : l;
    }
    if (vm::dict_get_str(*globals, vm.names.__builtins__).is_empty()) {
        vm::dict_set_str(vm, *globals, vm.names.__builtins__, vm::Value::object(vm.builtins_module));
    }
    if (!locals->is_obj() || !vm::is_instance(vm, *locals, vm.types.dict)) {
        vm::Value getitem = vm::get_attr_opt(vm, *locals, vm.intern("__getitem__"));
        if (getitem.is_empty()) {
            if (!vm.has_pending()) vm.raise(vm.exc.TypeError, "locals must be a mapping");
            return false;
        }
    }
    return true;
}

// A non-dict mapping as locals: the frame's name lookups only read a dict, so the code runs on a
// dict prefetched with every name the code mentions that the mapping has (an approximation of
// CPython, which asks the mapping at each lookup), and names it stored are written back.
vm::Value run_with_mapping_locals(vm::VM& vm, vm::CodeObj* code, vm::Dict* globals, vm::Value mapping) {
    vm::Dict* scratch = vm::new_dict(vm);
    std::vector<std::pair<vm::Str*, vm::Value>> fetched;
    for (vm::Str* name : code->names) {
        vm::Value v = vm::get_item(vm, mapping, vm::Value::object(name));
        if (v.is_empty()) {
            vm::Value exc = vm.take_pending();
            if (!vm::is_instance(vm, exc, vm.exc.KeyError)) {
                vm.pending = exc;
                return v;
            }
            continue;
        }
        if (!vm::dict_set(vm, scratch, vm::Value::object(name), v)) return vm::Value::empty();
        fetched.emplace_back(name, v);
    }
    vm::Value r = vm::run_code_with_locals(vm, code, globals, scratch);
    if (r.is_empty()) return r;
    size_t pos = 0;
    vm::Value key, value;
    while (vm::dict_next(scratch, &pos, &key, &value)) {
        bool unchanged = false;
        for (auto& [name, v] : fetched) {
            if (key.is_obj() && key.o == name) unchanged = v.identical(value);
        }
        if (!unchanged && !vm::set_item(vm, mapping, key, value)) return vm::Value::empty();
    }
    return r;
}

vm::Value run_source_or_code(vm::VM& vm, const vm::Args& a, const char* fname, ast::ParseMode mode,
                             bool is_eval) {
    if (a.npos < 1 || a.npos > 3) {
        return vm.raise_format(vm.exc.TypeError, "%s expected at most 3 arguments, got %u", fname, a.npos);
    }
    if (a.kwnames != nullptr && fname[0] == 'e' && fname[1] == 'v') {
        return vm.raise(vm.exc.TypeError, "eval() takes no keyword arguments");
    }
    auto* impl = static_cast<Runtime::Impl*>(vm.api_data);
    vm::Dict* globals;
    vm::Value locals;
    if (!namespaces(vm, a, fname, &globals, &locals)) return vm::Value::empty();
    vm::CodeObj* code;
    if (a.pos[0].is_obj() && a.pos[0].o->type == vm.types.code) {
        code = static_cast<vm::CodeObj*>(a.pos[0].o);
    } else {
        std::string source;
        if (!source_text(vm, a.pos[0], fname, is_eval, &source)) return vm::Value::empty();
        code = compile_to_code(*impl, source, "<string>", mode, caller_future_flags(vm));
        if (code == nullptr) return vm::Value::empty();
    }
    bool dict_locals = locals.is_obj() && vm::is_instance(vm, locals, vm.types.dict);
    vm::Value r = dict_locals ? vm::run_code_with_locals(vm, code, globals, static_cast<vm::Dict*>(locals.o))
                              : run_with_mapping_locals(vm, code, globals, locals);
    if (r.is_empty()) return r;
    return is_eval ? r : vm::Value::none();
}

vm::Value builtin_eval(vm::VM& vm, const vm::Args& a) {
    return run_source_or_code(vm, a, "eval", ast::ParseMode::Eval, true);
}

vm::Value builtin_exec(vm::VM& vm, const vm::Args& a) {
    return run_source_or_code(vm, a, "exec", ast::ParseMode::Exec, false);
}

// compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1)
vm::Value builtin_compile(vm::VM& vm, const vm::Args& a) {
    static const char* const kNames[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize", nullptr};
    vm::Value v[6];
    if (!vm::parse_args(vm, a, "compile", kNames, 3, v)) return vm::Value::empty();
    std::string source;
    if (!source_text(vm, v[0], "compile", false, &source)) return vm::Value::empty();
    if (!v[1].is_obj() || !vm::is_instance(vm, v[1], vm.types.str)) {
        return vm.raise(vm.exc.TypeError, "compile() argument 'filename' must be str");
    }
    if (!v[2].is_obj() || !vm::is_instance(vm, v[2], vm.types.str)) {
        return vm.raise(vm.exc.TypeError, "compile() argument 'mode' must be str");
    }
    std::string_view mode = static_cast<vm::Str*>(v[2].o)->view();
    ast::ParseMode pm;
    if (mode == "exec") {
        pm = ast::ParseMode::Exec;
    } else if (mode == "eval") {
        pm = ast::ParseMode::Eval;
    } else if (mode == "single") {
        pm = ast::ParseMode::Single;
    } else {
        return vm.raise(vm.exc.ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    }
    auto* impl = static_cast<Runtime::Impl*>(vm.api_data);
    // flags: only CO_FUTURE_* bits are honoured; dont_inherit drops the caller's features.
    uint32_t future = v[3].is_int() ? static_cast<uint32_t>(v[3].as_int()) : 0;
    bool dont_inherit = !v[4].is_empty() && vm::truthy(vm, v[4]) == 1;
    if (!dont_inherit) future |= caller_future_flags(vm);
    vm::CodeObj* code = compile_to_code(*impl, source, std::string(static_cast<vm::Str*>(v[1].o)->view()), pm,
                                        future);
    return code == nullptr ? vm::Value::empty() : vm::Value::object(code);
}

}  // namespace

void install_eval_builtins(Runtime::Impl& impl) {
    vm::VM& vm = impl.vm;
    vm.api_data = &impl;
    vm::def_function(vm, vm.builtins, "eval", builtin_eval);
    vm::def_function(vm, vm.builtins, "exec", builtin_exec);
    vm::def_function(vm, vm.builtins, "compile", builtin_compile);
}

}  // namespace asy
