// The import machinery: `import a.b.c`, `from m import x`, relative imports and `import *`,
// over sys.modules and the VM's module loaders (native registry, .asy files).
#include <string>

#include "vm/ops.hpp"

namespace asy::vm {

namespace {

// Raise ImportError subclass `type` with `message`, setting its `name` (and `path`) attributes.
Value raise_import_error(VM& vm, Type* type, const std::string& message, Str* name, Value path = Value::empty()) {
    Value exc = vm.new_exception(type, message);
    if (exc.is_empty()) return exc;
    if (!set_attr(vm, exc, vm.intern("name"), Value::object(name))) return Value::empty();
    if (!path.is_empty() && !set_attr(vm, exc, vm.intern("path"), path)) return Value::empty();
    return vm.raise_value(exc);
}

// Load one fully-qualified module. `parent` is the already imported package it lives in
// (Empty for a top-level name).
Value load_one(VM& vm, Str* fullname, Value parent) {
    Value existing = dict_get_str(vm.modules, fullname);
    if (!existing.is_empty()) return existing;
    std::string message = "No module named '" + std::string(fullname->view()) + "'";
    if (!parent.is_empty() && (!parent.is_obj() || parent.o->dict == nullptr ||
                               dict_get_str(parent.o->dict, vm.names.__path__).is_empty())) {
        // Only packages (modules with __path__) have submodules.
        std::string_view full = fullname->view();
        message += "; '" + std::string(full.substr(0, full.rfind('.'))) + "' is not a package";
        return raise_import_error(vm, vm.exc.ModuleNotFoundError, message, fullname);
    }
    for (auto& loader : vm.module_loaders) {
        Value m = loader(vm, fullname);
        if (!m.is_empty()) return m;
        if (vm.has_pending()) return Value::empty();
    }
    return raise_import_error(vm, vm.exc.ModuleNotFoundError, message, fullname);
}

bool is_str(VM& vm, Value v) { return v.is_obj() && v.o->type == vm.types.str; }

// `from package import name`: a name that is not yet an attribute may be a submodule, which is
// imported now (CPython's _handle_fromlist). A missing submodule is not an error here: the
// IMPORT_FROM that follows reports the missing name.
bool import_fromlist_submodules(VM& vm, Value module, Value fromlist) {
    if (!module.is_obj() || module.o->dict == nullptr) return true;
    if (dict_get_str(module.o->dict, vm.names.__path__).is_empty()) return true;
    Value modname = dict_get_str(module.o->dict, vm.names.__name__);
    if (!is_str(vm, modname)) return true;
    Value it = get_iter(vm, fromlist);
    if (it.is_empty()) return false;
    while (true) {
        Value item = iter_next(vm, it);
        if (item.is_empty()) return !vm.has_pending();
        if (!is_str(vm, item)) continue;
        std::string_view name = static_cast<Str*>(item.o)->view();
        if (name == "*") {
            Value all = get_attr_opt(vm, module, vm.names.__all__);
            if (vm.has_pending()) return false;
            if (!all.is_empty() && !import_fromlist_submodules(vm, module, all)) return false;
            continue;
        }
        if (!get_attr_opt(vm, module, static_cast<Str*>(item.o)).is_empty()) continue;
        if (vm.has_pending()) return false;
        Str* full = vm.intern(std::string(static_cast<Str*>(modname.o)->view()) + "." + std::string(name));
        Value sub = load_one(vm, full, module);
        if (sub.is_empty()) {
            Value exc = vm.take_pending();
            // Only "this very submodule does not exist" is ignored; errors inside it propagate.
            bool missing = !exc.is_empty() && is_instance(vm, exc, vm.exc.ModuleNotFoundError);
            if (missing) {
                Value n = get_attr_opt(vm, exc, vm.intern("name"));
                vm.take_pending();
                missing = n.is_obj() && n.o == full;
            }
            if (!missing) {
                vm.pending = exc;
                return false;
            }
            continue;
        }
        if (get_attr_opt(vm, module, static_cast<Str*>(item.o)).is_empty()) {
            if (vm.has_pending()) return false;
            if (!set_attr(vm, module, static_cast<Str*>(item.o), sub)) return false;
        }
    }
}

// The package a relative import is resolved against.
bool resolve_relative(VM& vm, std::string& name, Dict* globals, int64_t level) {
    if (level <= 0) return true;
    std::string package;
    if (globals != nullptr) {
        Value pkg = dict_get_str(globals, vm.names.__package__);
        if (!pkg.is_empty() && pkg.is_obj() && pkg.o->type == vm.types.str) {
            package = std::string(static_cast<Str*>(pkg.o)->view());
        } else {
            Value modname = dict_get_str(globals, vm.names.__name__);
            if (!modname.is_empty() && modname.is_obj() && modname.o->type == vm.types.str) {
                package = std::string(static_cast<Str*>(modname.o)->view());
                // A module (not a package) is resolved against its parent.
                if (dict_get_str(globals, vm.names.__path__).is_empty()) {
                    size_t dot = package.rfind('.');
                    package = dot == std::string::npos ? std::string() : package.substr(0, dot);
                }
            }
        }
    }
    if (package.empty()) {
        vm.raise(vm.exc.ImportError, "attempted relative import with no known parent package");
        return false;
    }
    for (int64_t i = 1; i < level; ++i) {
        size_t dot = package.rfind('.');
        if (dot == std::string::npos) {
            vm.raise(vm.exc.ImportError, "attempted relative import beyond top-level package");
            return false;
        }
        package.resize(dot);
    }
    name = name.empty() ? package : package + "." + name;
    return true;
}

}  // namespace

Value import_name(VM& vm, Str* name_str, Dict* globals, Value fromlist, int64_t level) {
    std::string name(name_str->view());
    if (!resolve_relative(vm, name, globals, level)) return Value::empty();
    if (name.empty()) return vm.raise(vm.exc.ValueError, "Empty module name");

    // Import each package on the dotted path, binding submodules as attributes of parents.
    Value top, current;
    size_t pos = 0;
    while (true) {
        size_t dot = name.find('.', pos);
        std::string prefix = name.substr(0, dot);
        Str* full = vm.intern(prefix);
        Value m = load_one(vm, full, current);
        if (m.is_empty()) return m;
        if (!current.is_empty()) {
            Str* leaf = vm.intern(name.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
            if (get_attr_opt(vm, current, leaf).is_empty()) {
                if (vm.has_pending()) return Value::empty();
                if (!set_attr(vm, current, leaf, m)) return Value::empty();
            }
        }
        if (top.is_empty()) top = m;
        current = m;
        if (dot == std::string::npos) break;
        pos = dot + 1;
    }
    bool has_fromlist = false;
    if (!fromlist.is_empty() && !fromlist.is_none()) {
        int t = truthy(vm, fromlist);
        if (t < 0) return Value::empty();
        has_fromlist = t == 1;
    }
    if (has_fromlist && !import_fromlist_submodules(vm, current, fromlist)) return Value::empty();
    // `from a.b import c` and relative imports return the leaf; `import a.b` the top package.
    return has_fromlist || level > 0 ? current : top;
}

Value import_from(VM& vm, Value module, Str* name) {
    Value v = get_attr_opt(vm, module, name);
    if (!v.is_empty() || vm.has_pending()) return v;
    // A submodule imported but not yet bound on its package.
    Value modname = get_attr_opt(vm, module, vm.names.__name__);
    if (vm.has_pending()) return Value::empty();
    std::string mod = "<unknown module name>";
    if (!modname.is_empty() && modname.is_obj() && modname.o->type == vm.types.str) {
        mod = std::string(static_cast<Str*>(modname.o)->view());
        Value sub = dict_get_str(vm.modules, vm.intern(mod + "." + std::string(name->view())));
        if (!sub.is_empty()) return sub;
    }
    bool initializing = false;
    for (Obj* m : vm.initializing_modules) initializing |= module.is_obj() && m == module.o;
    std::string msg = "cannot import name '" + std::string(name->view()) + "' from " +
                      (initializing ? "partially initialized module " : "") + "'" + mod + "'";
    if (initializing) msg += " (most likely due to a circular import)";
    Value file = get_attr_opt(vm, module, vm.names.__file__);
    if (vm.has_pending()) return Value::empty();
    if (!file.is_empty() && file.is_obj() && file.o->type == vm.types.str) {
        msg += " (" + std::string(static_cast<Str*>(file.o)->view()) + ")";
    } else {
        msg += " (unknown location)";
        file = Value::empty();
    }
    return raise_import_error(vm, vm.exc.ImportError, msg, vm.intern(mod), file);
}

bool import_star(VM& vm, Value module, Dict* locals) {
    Value all = get_attr_opt(vm, module, vm.names.__all__);
    if (vm.has_pending()) return false;
    if (!all.is_empty()) {
        Value it = get_iter(vm, all);
        if (it.is_empty()) return false;
        while (true) {
            Value name = iter_next(vm, it);
            if (name.is_empty()) return !vm.has_pending();
            if (!name.is_obj() || name.o->type != vm.types.str) {
                vm.raise(vm.exc.TypeError, "Item in __all__ must be str");
                return false;
            }
            Value v = get_attr(vm, module, static_cast<Str*>(name.o));
            if (v.is_empty()) return false;
            if (!dict_set(vm, locals, name, v)) return false;
        }
    }
    Dict* ns = module.is_obj() ? module.o->dict : nullptr;
    if (ns == nullptr) return true;
    for (size_t i = 0; i < ns->entries.size(); ++i) {
        Dict::Entry e = ns->entries[i];
        if (e.key.is_empty() || !e.key.is_obj() || e.key.o->type != vm.types.str) continue;
        auto key = static_cast<Str*>(e.key.o)->view();
        if (!key.empty() && key[0] == '_') continue;
        if (!dict_set(vm, locals, e.key, e.value)) return false;
    }
    return true;
}

}  // namespace asy::vm
