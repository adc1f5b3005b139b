// Generators, coroutines and async generators: objects that own a suspended interpreter frame,
// plus the helper objects of the async protocols (asend/athrow awaitables, wrapped values,
// coroutine.__await__() wrappers).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vm/frame.hpp"
#include "vm/object.hpp"
#include "vm/objects/function.hpp"

namespace asy::vm {

enum class GenKind : uint8_t { Generator, Coroutine, AsyncGenerator };
enum class GenState : uint8_t { Created, Suspended, Running, Finished };

// One allocation holds the object, its frame header and the frame's slots (locals + value
// stack, exactly nlocalsplus + max_stack Values, no size-class rounding), so a suspended
// coroutine costs a single heap block: 128 bytes of header (one mimalloc size class below 160
// with a few slots; 100,000 sleeping tasks hold two each). The frame is dead once the generator
// is Finished (only frame.code, for gi_code, stays meaningful).
struct Generator : Obj {
    // The one-byte fields come first so they fill the tail padding of the Obj header.
    GenKind kind = GenKind::Generator;
    GenState state = GenState::Created;
    bool in_unstarted : 1 = false;  // coroutine not started yet (kGcFinalize set): `origin` is valid
    // Async generators: a running asend/athrow (only one at a time), hooks-free 3.11 model.
    bool ag_running_async : 1 = false;
    bool ag_closed : 1 = false;
    bool ag_hooks_inited : 1 = false;  // sys.set_asyncgen_hooks' firstiter already called for it
    // __name__/__qualname__ are the code's unless the function's were reassigned before the
    // call or the generator's afterwards: then they live in GenTypes::renamed (kGcFinalize set).
    bool renamed : 1 = false;
    // Coroutines: where the coroutine was created (for "never awaited"), while in_unstarted.
    uint32_t origin_ip = 0;
    CodeObj* origin = nullptr;
    Frame frame;                   // must stay last: the slots follow the object

    // Blocks come from ::operator new with the frame's slots appended (new_generator); the
    // matching unsized delete keeps sized deallocation from passing sizeof(Generator).
    static void operator delete(void* p) { ::operator delete(p); }
    void finalize(VM& vm) override;  // never-started coroutine warning; drops the renamed entry
    void trace(Tracer& t) override;
    CodeObj* code() const { return frame.code; }
};

// The generator owning a frame with kFrameGenerator (the frame sits at a fixed offset in it).
inline Generator* generator_of(Frame* f) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
    constexpr size_t kOffset = offsetof(Generator, frame);
#pragma GCC diagnostic pop
    return reinterpret_cast<Generator*>(reinterpret_cast<char*>(f) - kOffset);
}

// A generator's own __name__/__qualname__ (Generator::renamed).
struct GenNames {
    Str* name = nullptr;
    Str* qualname = nullptr;
};

// Value yielded by an async generator's `yield` (ASYNC_GEN_WRAP), as opposed to values its
// awaits pass through to the event loop.
struct AsyncGenWrapped : Obj {
    Value value;
    void trace(Tracer& t) override { t.mark(value); }
};

// The awaitable returned by agen.asend(v) / __anext__() (is_throw false), or athrow()/aclose().
struct AsyncGenOp : Obj {
    Generator* gen = nullptr;
    Value sendval;                 // asend: value to send first
    Value exc;                     // athrow: the exception to throw (instance); aclose: Empty
    bool is_throw = false;
    bool is_close = false;
    uint8_t state = 0;             // 0 init, 1 iterating, 2 closed
    void trace(Tracer& t) override { t.mark(gen); t.mark(sendval); t.mark(exc); }
};

// coroutine.__await__(): an iterator delegating to the coroutine.
struct CoroWrapper : Obj {
    Generator* coro = nullptr;
    void trace(Tracer& t) override { t.mark(coro); }
};

// The extra types (created by init_functions).
struct GenTypes {
    Type* async_gen_wrapped = nullptr;
    Type* async_gen_asend = nullptr;
    Type* async_gen_athrow = nullptr;
    Type* coroutine_wrapper = nullptr;
    Type* traceback = nullptr;     // traceback objects (traceback.cpp)
    // sys.set_asyncgen_hooks (per VM; CPython keeps them per thread). Empty: not set.
    Value asyncgen_firstiter;
    Value asyncgen_finalizer;
    Type* asyncgen_hooks = nullptr;  // sys.get_asyncgen_hooks()'s result type (a tuple subclass)
    // Async generators first iterated while a hook was set, with the finalizer (CPython's
    // ag_origin_or_finalizer), the firstiter hook that saw them (asyncio's loop tracks its
    // generators by it) and their registration number. Weak in the generator: a collection
    // moves an unreachable unfinished one with a finalizer, kept alive, to ag_finalize_queue
    // (the collector cannot run code), and run_asyncgen_finalizers calls its hook later.
    struct AgFinalizer {
        Value hook;       // Empty: no finalizer
        Value firstiter;  // Empty: none
        uint64_t seq = 0;
    };
    std::unordered_map<Generator*, AgFinalizer> ag_finalizers;
    std::vector<std::pair<Generator*, Value>> ag_finalize_queue;
    uint64_t ag_next_seq = 0;
    bool ag_yielded = false;  // some async generator yielded since the last collection
    // After a collection that found nothing: collect_abandoned_async_generators waits until
    // this time or this heap size.
    std::chrono::steady_clock::time_point ag_collect_not_before{};
    size_t ag_collect_after = 0;
    // Names of generators whose __name__/__qualname__ differ from their code's (rare: kept off
    // the object; traced by the generator, erased by its finalize).
    std::unordered_map<const Generator*, GenNames> renamed;
};
GenTypes& gen_types(VM& vm);
// Create the extra types and register generator/coroutine/async generator methods (called by
// init_functions).
void init_generator_types(VM& vm);

// Call the finalizer hooks of the async generators a collection found unreachable while
// suspended (GenTypes::ag_finalize_queue), oldest first; a hook's error is reported as
// CPython's unraisable ones are ("Exception ignored in: ..."). Returns how many were called.
size_t run_asyncgen_finalizers(VM& vm);
// At an idle point (the event loop about to block): if a registered async generator yielded
// since the last collection, its consumer may have dropped it, so collect now to queue its
// finalizer. Returns the number of generators queued. After a collection that found none the
// next one waits for 20 times its duration or 256 KiB of allocation.
size_t collect_abandoned_async_generators(VM& vm);
// Live (unfinished, not closed) async generators first iterated under firstiter hook
// `firstiter`, in the order of their first iteration (asyncio's loop._asyncgens).
std::vector<Generator*> live_async_generators(VM& vm, Value firstiter);

// Make a generator/coroutine/async generator for a frame whose arguments are bound. The frame's
// header and locals move into the generator's own block and `frame` is freed: callers must not
// use it afterwards.
Generator* new_generator(VM& vm, Function* fn, Frame* frame);

// Resume `g` (PyIter_Send): sends `value` (or, with `throwing`, raises vm.pending inside it).
enum class SendStatus : uint8_t { Yield, Return, Error };
SendStatus gen_send_ex(VM& vm, Generator* g, Value value, bool throwing, Value* out);
// send(value) with Python semantics: the yielded value, or Empty with StopIteration(result) or
// the error pending.
Value gen_send(VM& vm, Generator* g, Value value);
// throw(exc) (exc already an instance) with yield-from delegation.
Value gen_throw(VM& vm, Generator* g, Value exc);
// close(): None, or Empty with an error pending.
Value gen_close(VM& vm, Generator* g);

// Interpreter helpers for the async opcodes (where: GET_AWAITABLE's argument).
Value get_awaitable(VM& vm, Value obj, int where);
Value get_aiter(VM& vm, Value obj);
Value get_anext(VM& vm, Value aiter);
Value get_yield_from_iter(VM& vm, Value obj, CodeObj* current);
Value async_gen_wrap(VM& vm, Value v);

// "sys:1: RuntimeWarning: coroutine 'qualname' was never awaited" on stderr; with `origin`
// (the code that created it), CPython's "file:line: RuntimeWarning: ..." form with the source
// line and the tracemalloc hint instead.
void report_unawaited(VM& vm, std::string_view qualname, const Code* origin = nullptr, uint32_t ip = 0);
// Called by VM teardown before the heap frees objects: reports never-awaited coroutines still
// alive and detaches generators from the interpreter state.
void shutdown_generators(VM& vm);

}  // namespace asy::vm
