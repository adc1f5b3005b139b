// Loads `.asy` modules: `import a.b` finds a/b.asy or a/b/__init__.asy in the directories of
// sys.path, runs it as a new module registered in sys.modules (before running, so circular
// imports see the partly initialised module, as in CPython).
#include <sys/stat.h>

#include "api/runtime_impl.hpp"
#include "stdlib/embedded.hpp"
#include "vm/ops.hpp"

namespace asy {

namespace {

bool is_file(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

vm::List* sys_path(vm::VM& vm) {
    vm::Value sys = vm::dict_get_str(vm.modules, vm.intern("sys"));
    if (sys.is_empty() || !sys.is_obj() || sys.o->dict == nullptr) return nullptr;
    vm::Value path = vm::dict_get_str(sys.o->dict, vm.intern("path"));
    if (path.is_empty() || !path.is_obj() || path.o->type != vm.types.list) return nullptr;
    return static_cast<vm::List*>(path.o);
}

// Compile and run `source` as module `fullname` (registered in sys.modules first, so circular
// imports see it), setting __path__ for packages.
vm::Value exec_module(Runtime::Impl& impl, vm::Str* fullname, const std::string& source,
                      const std::string& file, const std::string* package_dir) {
    vm::VM& vm = impl.vm;
    Status st;
    lex::Diagnostic diag;
    auto code = impl.compile(source, file, ast::ParseMode::Exec, &st, &diag);
    if (code == nullptr) {
        // Surface the syntax error as a SyntaxError exception in the importer.
        return raise_syntax_error(vm, diag, source);
    }
    vm.register_source(file, source);
    vm::Module* m = vm.new_module(fullname->view(), file);
    if (m == nullptr) return vm::Value::empty();
    std::string name(fullname->view());
    if (package_dir != nullptr) {
        vm::List* pkgpath = vm::new_list(vm);
        pkgpath->items.push_back(vm::str_value(vm, *package_dir));
        vm::dict_set_str(vm, m->dict, vm.names.__path__, vm::Value::object(pkgpath));
        vm::dict_set_str(vm, m->dict, vm.names.__package__, vm::str_value(vm, name));
    } else {
        size_t dot = name.rfind('.');
        vm::dict_set_str(vm, m->dict, vm.names.__package__,
                         vm::str_value(vm, dot == std::string::npos ? "" : name.substr(0, dot)));
    }
    vm::dict_set_str(vm, vm.modules, fullname, vm::Value::object(m));
    vm.initializing_modules.push_back(m);
    vm::Value r = vm.run_code(code, m->dict);
    vm.initializing_modules.pop_back();
    if (r.is_empty()) {
        vm::dict_del_str(vm.modules, fullname);
        return r;
    }
    // The module may have replaced itself in sys.modules.
    vm::Value final_module = vm::dict_get_str(vm.modules, fullname);
    return final_module.is_empty() ? vm::Value::object(m) : final_module;
}

vm::Value load_embedded_module(Runtime::Impl& impl, vm::Str* fullname) {
    for (const stdlib::EmbeddedModule* e = stdlib::kEmbeddedModules; e->name != nullptr; ++e) {
        if (fullname->view() == e->name) {
            return exec_module(impl, fullname, e->source, "<asy stdlib " + std::string(e->name) + ">", nullptr);
        }
    }
    return vm::Value::empty();
}

vm::Value load_source_module(Runtime::Impl& impl, vm::Str* fullname) {
    vm::VM& vm = impl.vm;
    std::string rel(fullname->view());
    for (char& c : rel) if (c == '.') c = '/';
    vm::List* path = sys_path(vm);
    if (path == nullptr) return vm::Value::empty();
    for (size_t i = 0; i < path->items.size(); ++i) {
        vm::Value entry = path->items[i];
        if (!entry.is_obj() || entry.o->type != vm.types.str) continue;
        std::string dir(static_cast<vm::Str*>(entry.o)->view());
        std::string base = dir.empty() ? rel : dir + "/" + rel;
        bool package = false;
        std::string file = base + ".asy";
        if (!is_file(file)) {
            file = base + "/__init__.asy";
            if (!is_file(file)) continue;
            package = true;
        }
        std::string source;
        if (!read_file(file, &source)) continue;
        return exec_module(impl, fullname, source, file, package ? &base : nullptr);
    }
    return vm::Value::empty();
}

}  // namespace

void add_search_dir(Runtime::Impl& impl, const std::string& dir, bool first) {
    vm::List* path = sys_path(impl.vm);
    if (path == nullptr) return;
    vm::Value v = vm::str_value(impl.vm, dir);
    if (first) {
        path->items.insert(path->items.begin(), v);
    } else {
        path->items.push_back(v);
    }
}

void install_source_loader(Runtime::Impl& impl) {
    Runtime::Impl* p = &impl;
    impl.vm.module_loaders.push_back([p](vm::VM&, vm::Str* fullname) { return load_embedded_module(*p, fullname); });
    impl.vm.module_loaders.push_back([p](vm::VM&, vm::Str* fullname) { return load_source_module(*p, fullname); });
}

}  // namespace asy
