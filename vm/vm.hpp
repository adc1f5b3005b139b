// The VM: all interpreter state lives in one `VM` object (no global mutable state), so a
// process can host several independent VMs. Each VM is used by one thread at a time: worker
// threads (to_thread) take turns through the interpreter lock in vm/thread_state.hpp.
//
// Error convention (every native and helper follows it): a function that can fail returns
// `Value::empty()` (or false / nullptr) and leaves the exception in `VM::pending`; callers check
// and propagate. Nothing long-jumps and no C++ exception crosses the interpreter.
//
// GC rooting rule: every object allocated is pinned on `temp_roots` until the innermost native
// call returns or the innermost running interpreter reaches an instruction boundary (see
// heap.hpp). So natives may hold objects they allocated in C++ locals freely; objects they merely
// *read* must stay reachable from something rooted (their arguments are).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vm/config.hpp"
#include "vm/heap.hpp"
#include "vm/object.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/exception.hpp"
#include "vm/objects/function.hpp"
#include "vm/objects/str.hpp"
#include "vm/value.hpp"

namespace asy::vm {

struct Frame;
class Threads;

// Every built-in type, as fields so C++ code reaches them without a lookup.
#define ASY_BUILTIN_TYPES(X)                                                                    \
    X(object) X(type) X(none) X(notimplemented) X(ellipsis) X(bool_) X(int_) X(float_) X(complex) \
    X(str) X(bytes) X(bytearray) X(list) X(tuple) X(dict) X(set) X(frozenset) X(range) X(slice) \
    X(function) X(native_function) X(bound_method) X(code) X(cell) X(module) X(generator)       \
    X(coroutine) X(async_generator) X(property) X(staticmethod) X(classmethod) X(super)         \
    X(dict_keys) X(dict_values) X(dict_items) X(iterator) X(frame)                      \
    X(getset_descriptor) X(generic_alias) X(mappingproxy) X(union_type)

// The standard exception hierarchy (CPython 3.11), as fields: `vm.exc.TypeError`.
#define ASY_EXCEPTION_TYPES(X)                                                                  \
    X(BaseException) X(SystemExit) X(KeyboardInterrupt) X(GeneratorExit) X(Exception)           \
    X(StopIteration) X(StopAsyncIteration) X(ArithmeticError) X(FloatingPointError)             \
    X(OverflowError) X(ZeroDivisionError) X(AssertionError) X(AttributeError) X(BufferError)    \
    X(EOFError) X(ImportError) X(ModuleNotFoundError) X(LookupError) X(IndexError) X(KeyError)  \
    X(MemoryError) X(NameError) X(UnboundLocalError) X(OSError) X(BlockingIOError)              \
    X(ChildProcessError) X(ConnectionError) X(BrokenPipeError) X(ConnectionAbortedError)        \
    X(ConnectionRefusedError) X(ConnectionResetError) X(FileExistsError) X(FileNotFoundError)   \
    X(InterruptedError) X(IsADirectoryError) X(NotADirectoryError) X(PermissionError)           \
    X(ProcessLookupError) X(TimeoutError) X(ReferenceError) X(RuntimeError)                     \
    X(NotImplementedError) X(RecursionError) X(SyntaxError) X(IndentationError) X(TabError)     \
    X(SystemError) X(TypeError) X(ValueError) X(UnicodeError) X(UnicodeDecodeError)            \
    X(UnicodeEncodeError) X(UnicodeTranslateError) X(Warning) X(DeprecationWarning)             \
    X(PendingDeprecationWarning) X(RuntimeWarning) X(SyntaxWarning) X(UserWarning)              \
    X(FutureWarning) X(ImportWarning) X(UnicodeWarning) X(BytesWarning) X(ResourceWarning)      \
    X(EncodingWarning) X(BaseExceptionGroup) X(ExceptionGroup)

struct BuiltinTypes {
#define ASY_X(name) Type* name = nullptr;
    ASY_BUILTIN_TYPES(ASY_X)
#undef ASY_X
};

struct ExceptionTypes {
#define ASY_X(name) Type* name = nullptr;
    ASY_EXCEPTION_TYPES(ASY_X)
#undef ASY_X
};

// Interned names the VM uses constantly (dunder methods and attributes): `vm.names.__init__`.
#define ASY_COMMON_NAMES(X)                                                                     \
    X(__init__) X(__new__) X(__call__) X(__repr__) X(__str__) X(__format__) X(__hash__)         \
    X(__eq__) X(__ne__) X(__lt__) X(__le__) X(__gt__) X(__ge__) X(__bool__) X(__len__)          \
    X(__iter__) X(__next__) X(__getitem__) X(__setitem__) X(__delitem__) X(__contains__)        \
    X(__getattr__) X(__getattribute__) X(__setattr__) X(__delattr__) X(__get__) X(__set__)      \
    X(__delete__) X(__enter__) X(__exit__) X(__aenter__) X(__aexit__) X(__aiter__)              \
    X(__anext__) X(__await__) X(__name__) X(__qualname__) X(__module__) X(__doc__) X(__dict__)  \
    X(__class__) X(__classcell__) X(__bases__) X(__mro__) X(__slots__) X(__builtins__)          \
    X(__main__) X(__file__) X(__annotations__) X(__index__) X(__int__) X(__float__)             \
    X(__init_subclass__) X(__set_name__) X(__reversed__) X(__missing__) X(__neg__) X(__pos__)   \
    X(__invert__) X(__abs__) X(__round__) X(__import__) X(__all__) X(__path__) X(__spec__)      \
    X(__package__) X(__loader__) X(__class_getitem__) X(__instancecheck__)                      \
    X(__subclasscheck__) X(__length_hint__) X(__prepare__) X(__traceback__) X(__cause__)        \
    X(__context__) X(__suppress_context__) X(__notes__) X(__weakref__) X(__self__)  \
    X(args) X(value) X(send) X(close) X(metaclass) X(keys) X(items) X(mro)

struct CommonNames {
#define ASY_X(name) Str* name = nullptr;
    ASY_COMMON_NAMES(ASY_X)
#undef ASY_X
    Str* throw_ = nullptr;      // "throw" and "__func__" are C++ keywords/identifiers
    Str* dunder_func = nullptr;
};

// Where `print` and sys.stdout/stderr go: by default the process's stdout/stderr; a host
// may redirect them (embedding API).
using OutputFn = std::function<void(std::string_view text, bool is_stderr)>;

struct VMOptions {
    size_t memory_limit = 0;          // bytes; 0 = unlimited. Exceeding raises MemoryError.
    int recursion_limit = 1000;       // sys.getrecursionlimit()
    OutputFn output;                  // null: write to stdout/stderr
    std::vector<std::string> argv;    // sys.argv
    std::vector<std::string> path;    // module search path (script dir, ASY_PATH entries)
};

// CPython's type attribute cache: type_lookup's results (misses too) by (type version, interned
// name) in a direct-mapped table, so repeated lookups skip the walk over the MRO's dicts. An
// entry is valid while its version is the type's current one: every change to a type's dict
// or MRO gives the type and its subclasses fresh versions (type_modified), and versions are
// never reused. Names are interned (immortal), so a name pointer never changes meaning. The
// collector clears the table before marking, so no entry outlives the value it holds.
struct TypeAttrCache {
    static constexpr unsigned kBits = 12;
    static constexpr size_t kSize = size_t(1) << kBits;
    struct Entry {
        uint64_t version = 0;   // 0: empty (no type has version 0)
        Str* name = nullptr;
        Value value;            // Empty: the name is on no class of the MRO
    };
    Entry entries[kSize];
    bool enabled = false;       // off while the VM initialises (natives fill type dicts directly)

    static size_t index(uint64_t version, const Str* name) {
        uint64_t h = (version ^ (reinterpret_cast<uintptr_t>(name) >> 4)) * 0x9E3779B97F4A7C15ull;
        return static_cast<size_t>(h >> (64 - kBits));
    }
    void clear() {
        for (Entry& e : entries) e.version = 0;
    }
};

class VM {
public:
    explicit VM(VMOptions options = {});
    ~VM();
    VM(const VM&) = delete;
    VM& operator=(const VM&) = delete;

    // ---- allocation (see heap.hpp for the rooting rule) ----
    template <class T> T* alloc(Type* type) {
        T* obj = new T();
        obj->type = type;
        heap.track(obj, sizeof(T));
        return obj;
    }
    Heap heap;

    // ---- strings ----
    Str* intern(std::string_view text);       // the unique interned Str for `text`

    // ---- well-known objects ----
    BuiltinTypes types;
    ExceptionTypes exc;
    CommonNames names;
    Dict* builtins = nullptr;                 // the builtins module's namespace
    Module* builtins_module = nullptr;
    Dict* modules = nullptr;                  // sys.modules
    Value not_implemented, ellipsis;          // the singletons

    // ---- exceptions ----
    // The exception being propagated right now (set by `raise`, cleared when handled).
    Value pending;
    bool has_pending() const { return !pending.is_empty(); }
    // Raise helpers: set `pending` and return Value::empty() so natives can `return vm.raise(...)`.
    Value raise(Type* type, std::string_view message);
    Value raise_value(Value exception);       // an instance, or a class to instantiate
    Value raise_format(Type* type, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    Value take_pending() { Value v = pending; pending = Value::empty(); return v; }
    // The exception being handled by `except` blocks (sys.exc_info()); maintained by the
    // interpreter per frame.
    Value handled_exception() const;
    // Build an exception instance of `type` with args (message) without raising it.
    Value new_exception(Type* type, std::string_view message);

    // ---- calling (re-enters the interpreter for script functions) ----
    Value call(Value callable, const Value* args, size_t nargs, Tuple* kwnames = nullptr);
    Value call(Value callable, std::initializer_list<Value> args) {
        return call(callable, args.begin(), args.size());
    }
    // obj.name(*args): looks the method up on the type (binding as needed).
    Value call_method(Value obj, Str* name, std::initializer_list<Value> args);

    // ---- running code ----
    // Run a module-level code object with `globals` as its namespace; result of the code.
    Value run_code(std::shared_ptr<const Code> code, Dict* globals);
    // Make a fresh module namespace dict named `name` (sets __name__, __builtins__, __file__).
    Module* new_module(std::string_view name, std::string_view file = {});

    // Set (from any thread or a signal handler) to ask running code to stop: the interpreter
    // polls it at backward jumps and calls, clears it and raises KeyboardInterrupt. The REPL's
    // SIGINT handler sets it (Runtime::request_interrupt).
    std::atomic<bool> interrupt_requested{false};
    // Set by a thread waiting for the interpreter lock (vm/thread_state.hpp): the running thread
    // hands the lock over at its next safe point (backward jump, after a call).
    std::atomic<bool> gil_drop_request{false};
    // The interpreter lock and the saved state of threads waiting for it; null until a second
    // thread starts (so a single-threaded VM never touches a lock).
    std::shared_ptr<Threads> threads;

    // ---- interpreter state (owned by interpreter.cpp) ----
    Frame* frame = nullptr;                   // innermost running frame
    int call_depth = 0;                       // frames + native re-entries, for RecursionError
    std::shared_ptr<struct InterpState> interp;  // frame free lists (interpreter.hpp)
    VMOptions options;

    // Source text of files and strings run in this VM, by filename, so tracebacks can show
    // the failing line even for `-c` code or files changed on disk since.
    void register_source(std::string filename, std::string text) { sources[std::move(filename)] = std::move(text); }
    std::unordered_map<std::string, std::string> sources;

    // Output for print/sys.stdout/sys.stderr.
    void write_out(std::string_view text, bool is_stderr = false);

    // Finders for modules not in sys.modules, tried in order by import_name: each returns the
    // loaded module, or Empty (with an exception pending on error, without one if not found).
    // The api layer installs the native-module registry and the .asy source loader here.
    using ModuleLoader = std::function<Value(VM& vm, Str* fullname)>;
    std::vector<ModuleLoader> module_loaders;
    // Modules whose code is running right now (for "partially initialized module" errors).
    // Not roots: every entry is also in sys.modules while it is here.
    std::vector<Obj*> initializing_modules;

    // ---- containers (objects/iterators.cpp) ----
    // Iterator and view types that are not in BuiltinTypes (list_iterator, enumerate, zip, ...),
    // indexed by IterKind (objects/iterators.hpp); kept alive by a root tracer init_containers adds.
    Type* iter_types[32] = {};
    // Containers whose repr is being computed: the "[...]" / "{...}" recursion guard.
    std::vector<Obj*> repr_stack;

    // ---- text (objects/str.cpp, objects/bytes.cpp) ----
    // Iterator types of str, bytes and bytearray (not in BuiltinTypes); kept alive by a root
    // tracer init_str_bytes adds.
    Type* str_iterator_type = nullptr;
    Type* str_ascii_iterator_type = nullptr;   // CPython 3.11 names ASCII ones separately
    Type* bytes_iterator_type = nullptr;
    Type* bytearray_iterator_type = nullptr;

    // ---- types layer (builtins.cpp, file_object.cpp) ----
    // Types not in BuiltinTypes: anext_awaitable and the open() file types (TextIOWrapper,
    // BufferedReader/Writer/Random, io.UnsupportedOperation; file_object.cpp indexes them);
    // kept alive by a root tracer init_builtins adds.
    Type* anext_awaitable_type = nullptr;
    Type* file_types[5] = {};
    // type_lookup's cache (see TypeAttrCache); every Type points at its VM's.
    std::unique_ptr<TypeAttrCache> type_cache = std::make_unique<TypeAttrCache>();

    // The api layer's per-VM state (asy::Runtime::Impl), for natives it installs (eval, exec).
    void* api_data = nullptr;

    // The loop layer's per-VM event loop (loop::EventLoop), created on first use. Type-erased
    // because vm/ sits below loop/.
    std::shared_ptr<void> event_loop;

    // Extra GC roots registered by subsystems (module registry, scheduler, embedding handles).
    std::vector<std::function<void(Tracer&)>> root_tracers;

private:
    std::unordered_map<std::string_view, Str*> interned_;
    friend class Heap;
    void trace_roots(Tracer& t);
};

// The Python type of any value.
inline Type* type_of(const VM& vm, const Value& v) {
    switch (v.tag) {
    case Tag::None: return vm.types.none;
    case Tag::Bool: return vm.types.bool_;
    case Tag::Int: return vm.types.int_;
    case Tag::Float: return vm.types.float_;
    case Tag::Obj: return v.o->type;
    case Tag::Empty: break;
    }
    return vm.types.none;
}

}  // namespace asy::vm
