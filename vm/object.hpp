// The heap object header and the type object. Every heap value is an `Obj` subclass allocated
// by `VM::alloc` and owned by the garbage collector (gc.hpp); its Python type is `Obj::type`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/value.hpp"

namespace asy::vm {

class VM;
struct Str;
struct Dict;
struct Tuple;
struct Type;
struct TypeAttrCache;

// Passed to `Obj::trace`: marks every object reachable from the one being traced.
class Tracer {
public:
    explicit Tracer(VM& vm) : vm_(vm) {}
    void mark(Obj* o);
    void mark(const Value& v) { if (v.tag == Tag::Obj) mark(v.o); }
    template <class It> void mark_range(It first, It last) { for (; first != last; ++first) mark(*first); }
    VM& vm() { return vm_; }

private:
    friend class Heap;
    VM& vm_;
    std::vector<Obj*> gray_;
};

enum GcFlags : uint8_t {
    kGcFinalize = 1,             // the collector calls Obj::finalize before deleting it
};

struct Obj {
    Type* type = nullptr;        // the Python type (set by VM::alloc)
    Obj* gc_next = nullptr;      // all objects form one list for sweeping
    Dict* dict = nullptr;        // instance attributes (`__dict__`); null until first needed
    uint8_t gc_marked = 0;
    uint8_t gc_flags = 0;        // GcFlags

    Obj() = default;
    Obj(const Obj&) = delete;
    Obj& operator=(const Obj&) = delete;
    virtual ~Obj() = default;
    // Mark every Value/Obj this object references (the header's `type` and `dict` are marked
    // by the collector itself). Subclasses must call their base's trace.
    virtual void trace(Tracer&) {}
    // Bytes owned outside the C++ object itself (vector storage, GMP limbs, ...), for the
    // memory accounting of the collector and memory limits. Approximate is fine.
    virtual size_t external_size() const { return 0; }
    // Called by the collector before deleting an object with kGcFinalize set, with the VM the
    // destructor has no other way to reach (so objects need not store a VM pointer).
    virtual void finalize(VM&) {}
};

// ---- types -------------------------------------------------------------------------------

// How an instance of a type is laid out in C++: a user class inherits the layout of its
// "solid" built-in base (a subclass of `list` is a `List`, of `Exception` an `Exception`).
enum class Layout : uint8_t {
    Object,      // struct Instance: header + __dict__ only
    Type, Int, Float, Str, Bytes, List, Tuple, Dict, Set, FrozenSet, Range, Slice,
    Function, NativeFunction, BoundMethod, Code, Cell, Module, Exception, Generator,
    Property, StaticMethod, ClassMethod, Super, Iterator, Other,
};

enum TypeFlags : uint32_t {
    kTypeBaseType = 1 << 0,      // may be subclassed
    kTypeHeap = 1 << 1,          // created by a class statement
    kTypeAbstract = 1 << 2,
    kTypeInstanceDict = 1 << 3,  // instances may have a __dict__ (heap types without __slots__, functions, ...)
    kTypeAwaitSelf = 1 << 4,     // a native coroutine: `await x` drives x itself (no __await__ call)
};

using AllocFn = Obj* (*)(VM& vm, Type* type);
// A native iterator's send for `await`/`yield from` (CPython's am_send): 0 yielded *out, 1
// returned *out (no StopIteration object is made), -1 error pending. Only set on types that
// cannot be subclassed, so no Python-level override can be bypassed.
using SendSlot = int (*)(VM& vm, Obj* self, Value arg, Value* out);

struct Type : Obj {
    Str* name = nullptr;         // `__name__`
    Str* qualname = nullptr;     // `__qualname__`
    Str* module = nullptr;       // `__module__` of built-in types ("builtins"), null for heap types (in dict)
    Type* base = nullptr;        // `__base__` (the first base, or the solid base)
    std::vector<Type*> bases;    // `__bases__`
    std::vector<Type*> mro;      // `__mro__`, C3 linearisation, starting with this type
    Layout layout = Layout::Object;
    uint32_t flags = 0;
    AllocFn alloc_instance = nullptr;  // makes an empty instance of `layout` for this type
    SendSlot send_slot = nullptr;      // the SEND opcode's fast path, or null
    // kTypeAwaitSelf types: true while the object is already being awaited (started, not done),
    // so a second `await` on it raises "coroutine is being awaited already" as CPython's does.
    bool (*await_busy)(Obj* self) = nullptr;
    // Replaced by a fresh value (one process-wide counter, type.cpp) whenever this type's or a
    // base's dict or MRO changes, so (version, name) names one lookup result for good: per-site
    // caches and the VM's type attribute cache validate against it even after the type died and
    // another was allocated at its address. Never 0 once the type exists.
    uint64_t version = 0;
    TypeAttrCache* attr_cache = nullptr;  // the owning VM's type attribute cache (vm.hpp)
    // Direct subclasses (for __subclasses__() and version bumps). Strong references: classes
    // are long-lived, and a weak list could dangle when base and subclass die in one sweep.
    std::vector<Type*> subclasses;

    void trace(Tracer& t) override;
};

// Plain instance of a user class whose solid base is `object`.
struct Instance : Obj {};

}  // namespace asy::vm
