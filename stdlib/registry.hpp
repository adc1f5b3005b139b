// The native-module registry: name -> function that fills a fresh module. Installed into a VM
// as a module loader by the api layer, so `import sys` / `import time` find these modules.
#pragma once

#include <string_view>

#include "vm/vm.hpp"

namespace asy::stdlib {

// Fills `module`'s namespace; returns false with an exception pending on failure.
using ModuleInit = bool (*)(vm::VM& vm, vm::Module* module);

struct NativeModule {
    const char* name;
    ModuleInit init;
};

// Every native module built into asy.
const NativeModule* find_native_module(std::string_view name);

// Install the registry as a loader on `vm` (and import `sys` eagerly, as CPython does).
void install_native_modules(vm::VM& vm);

// The individual modules (one file each).
bool init_sys_module(vm::VM& vm, vm::Module* m);
bool init_time_module(vm::VM& vm, vm::Module* m);
bool init_math_module(vm::VM& vm, vm::Module* m);
bool init_asyloop_module(vm::VM& vm, vm::Module* m);
bool init_asyncio_module(vm::VM& vm, vm::Module* m);
bool init_traceback_module(vm::VM& vm, vm::Module* m);
bool init_random_core_module(vm::VM& vm, vm::Module* m);
bool init_os_core_module(vm::VM& vm, vm::Module* m);
bool init_json_core_module(vm::VM& vm, vm::Module* m);
bool init_re_core_module(vm::VM& vm, vm::Module* m);
bool init_files_core_module(vm::VM& vm, vm::Module* m);
bool init_http_core_module(vm::VM& vm, vm::Module* m);

}  // namespace asy::stdlib
