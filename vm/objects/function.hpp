// Callables and their parts: loaded code objects, script functions, native functions, bound
// methods, closure cells, and modules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vm/bytecode.hpp"
#include "vm/object.hpp"

namespace asy::vm {

struct Str;
struct Dict;
struct Tuple;

// One per-instruction inline cache slot (see vm/lookup_cache.hpp): `key` is the Type (attribute
// sites) or globals Dict (LOAD_GLOBAL) the entry was filled for; all pointers are traced.
struct InlineCache {
    Obj* key = nullptr;
    Obj* key2 = nullptr;               // LOAD_GLOBAL: the builtins Dict
    uint64_t version = 0;
    uint64_t version2 = 0;
    Value value;
    uint8_t kind = 0;
};

// A `Code` (pure data from the compiler) made runnable: constants turned into Values and
// names interned, once, when the code is loaded (see code_object.cpp: `load_code`).
struct CodeObj : Obj {
    std::shared_ptr<const Code> code;
    std::vector<Value> constants;      // code->constants as Values (nested code -> CodeObj)
    std::vector<Str*> names;           // interned code->names
    std::vector<Str*> varnames;        // interned code->varnames
    std::vector<Str*> cellvars;        // interned code->cellvars then freevars
    Str* name = nullptr;
    Str* qualname = nullptr;
    Str* filename = nullptr;
    int nlocalsplus = 0;               // varnames + cellvars + freevars (frame slots)
    Value docstring;                   // functions: the docstring Str made at load time, or Empty
    std::vector<InlineCache> caches;   // one per instruction, made on first run (lookup_cache.hpp)

    void trace(Tracer& t) override;
};

CodeObj* load_code(VM& vm, std::shared_ptr<const Code> code);

struct Function : Obj {
    CodeObj* code = nullptr;
    Dict* globals = nullptr;
    Tuple* defaults = nullptr;         // may be null
    Dict* kwdefaults = nullptr;        // may be null
    Tuple* closure = nullptr;          // cells for code->freevars; may be null
    Value name, qualname, module, doc; // __name__ __qualname__ __module__ __doc__
    Value annotations;                 // dict or Empty

    void trace(Tracer& t) override;
};

// Arguments as natives receive them: positional values, then (optionally) keyword values
// named by `kwnames` (a tuple of str). For methods, `pos[0]` is self.
struct Args {
    const Value* pos = nullptr;
    uint32_t npos = 0;
    const Value* kwvalues = nullptr;   // kwnames->items.size() values
    Tuple* kwnames = nullptr;          // null: no keywords
    uint32_t nkw() const;
    Value operator[](uint32_t i) const { return pos[i]; }
};

// A native function returns its result, or Value::empty() with an exception pending.
using NativeFn = Value (*)(VM& vm, const Args& args);

struct NativeFunction : Obj {
    NativeFn fn = nullptr;
    Str* name = nullptr;
    Str* qualname = nullptr;           // "list.append"; null: same as name
    Value self;                        // Empty, or the object a builtin method is bound to
    Value data;                        // free slot for the native (e.g. a partial's payload)
    void* ptr = nullptr;               // free slot for host bindings (never traced)
    bool is_method = false;            // in a type's dict: binds to instances like a function
    const char* doc = nullptr;

    void trace(Tracer& t) override { t.mark(self); t.mark(data); }
};

struct BoundMethod : Obj {
    Value func;                        // Function, NativeFunction, or any callable
    Value self;
    void trace(Tracer& t) override { t.mark(func); t.mark(self); }
};

struct Cell : Obj {
    Value value;                       // Empty: unbound
    void trace(Tracer& t) override { t.mark(value); }
};

// A module's namespace is its `dict` (the Obj header's), which is also its globals.
struct Module : Obj {
    Str* name = nullptr;
    void trace(Tracer& t) override;
};

}  // namespace asy::vm
