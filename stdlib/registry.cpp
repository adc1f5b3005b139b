// Name -> init function for every native module, and the module loader that uses it.
#include "stdlib/registry.hpp"

#include "vm/ops.hpp"

namespace asy::stdlib {

bool init_collections_core_module(vm::VM& vm, vm::Module* m);  // collections_core.cpp

namespace {

const NativeModule kModules[] = {
    {"sys", init_sys_module},
    {"time", init_time_module},
    {"math", init_math_module},
    {"_asyloop", init_asyloop_module},
    {"_asyncio", init_asyncio_module},
    {"traceback", init_traceback_module},
    {"_random", init_random_core_module},
    {"_os", init_os_core_module},
    {"_json", init_json_core_module},
    {"_re", init_re_core_module},
    {"_files", init_files_core_module},
    {"_http", init_http_core_module},
    {"_collections", init_collections_core_module},
};

vm::Value load_native(vm::VM& vm, vm::Str* fullname) {
    const NativeModule* spec = find_native_module(fullname->view());
    if (spec == nullptr) return vm::Value::empty();
    vm::Module* m = vm.new_module(fullname->view());
    if (m == nullptr) return vm::Value::empty();
    // Registered before init so a failing init leaves no half-made module behind (removed below).
    vm::dict_set_str(vm, vm.modules, fullname, vm::Value::object(m));
    if (!spec->init(vm, m)) {
        vm::dict_del_str(vm.modules, fullname);
        return vm::Value::empty();
    }
    return vm::Value::object(m);
}

}  // namespace

const NativeModule* find_native_module(std::string_view name) {
    for (const auto& m : kModules) {
        if (name == m.name) return &m;
    }
    return nullptr;
}

void install_native_modules(vm::VM& vm) {
    vm.module_loaders.push_back(load_native);
    load_native(vm, vm.intern("sys"));
}

}  // namespace asy::stdlib
