// VM construction and teardown, string interning, output, and the collector's root set.
#include "vm/vm.hpp"

#include <cstdio>
#include <cstdlib>

#include "vm/init.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"
#include "vm/thread_state.hpp"

namespace asy::vm {

VM::VM(VMOptions opts) : heap(*this), options(std::move(opts)) {
    heap.paused = true;
    init_core_types(*this);
#define ASY_X(name) names.name = intern(#name);
    ASY_COMMON_NAMES(ASY_X)
#undef ASY_X
    names.throw_ = intern("throw");
    names.dunder_func = intern("__func__");
    builtins = new_dict(*this);
    modules = new_dict(*this);
    builtins_module = alloc<Module>(types.module);
    builtins_module->name = intern("builtins");
    builtins_module->dict = builtins;
    init_exception_types(*this);
    init_object_methods(*this);
    init_int_float(*this);
    init_str_bytes(*this);
    init_containers(*this);
    init_functions(*this);
    init_builtins(*this);
    dict_set_str(*this, modules, intern("builtins"), Value::object(builtins_module));
    // Init code fills type dicts directly; from here on every change goes through type_modified.
    type_cache->clear();
    type_cache->enabled = true;
    heap.release(0);
    heap.paused = false;
}

VM::~VM() {
    // Join worker threads first, while everything they might still touch exists.
    if (threads) threads->shutdown();
    // Objects are freed by ~Heap. Frames are owned by the interpreter's free list.
    heap.paused = true;
    // Report never-awaited coroutines while output still works, and detach generators from
    // the interpreter state (destroyed before the heap).
    shutdown_generators(*this);
}

Str* VM::intern(std::string_view text) {
    auto it = interned_.find(text);
    if (it != interned_.end()) return it->second;
    Str* s = new_str(*this, text);
    s->interned = true;
    interned_.emplace(s->view(), s);
    return s;
}

void VM::write_out(std::string_view text, bool is_stderr) {
    if (options.output) {
        options.output(text, is_stderr);
        return;
    }
    FILE* f = is_stderr ? stderr : stdout;
    std::fwrite(text.data(), 1, text.size(), f);
    if (is_stderr) std::fflush(f);
}

void VM::trace_roots(Tracer& t) {
#define ASY_X(name) t.mark(types.name);
    ASY_BUILTIN_TYPES(ASY_X)
#undef ASY_X
#define ASY_X(name) t.mark(exc.name);
    ASY_EXCEPTION_TYPES(ASY_X)
#undef ASY_X
    // Interned strings live as long as the VM (identifiers are few and shared by all code).
    for (auto& [text, s] : interned_) t.mark(s);
    t.mark(builtins);
    t.mark(builtins_module);
    t.mark(modules);
    t.mark(not_implemented);
    t.mark(ellipsis);
    t.mark(pending);
    trace_frames(*this, t);
    for (auto& fn : root_tracers) fn(t);
}

}  // namespace asy::vm
