// The garbage-collected heap: allocation accounting, temporary roots, and a precise
// mark-sweep collector that also frees cycles.
//
// Rooting rule. `track` (called by VM::alloc) pins every new object on `temp_roots`. Pins are
// dropped when the native call that made them returns (the call machinery restores the mark)
// and at each safe point of the innermost running interpreter (where every live value is in a
// frame). So a collection may happen at *any* allocation without freeing an object C++ code
// is still building. Long-running natives that loop (the event loop) use `TempRootScope` per
// iteration so pins do not pile up.
//
// Roots: temp_roots, the frame chain, the VM's well-known objects, interned strings, and
// `VM::root_tracers`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace asy::vm {

struct Obj;
class Tracer;
class VM;

class Heap {
public:
    explicit Heap(VM& vm);
    ~Heap();  // frees every object

    void track(Obj* obj, size_t size);
    void collect();
    // Called by natives about to allocate a large buffer: false (MemoryError pending) when the
    // request would exceed the VM's memory limit.
    bool reserve(size_t bytes);
    // Adjust the accounted size of an object's external storage (vectors that grew, ...).
    void account(std::ptrdiff_t delta) { bytes_ += static_cast<size_t>(delta); }

    std::vector<Obj*> temp_roots;
    size_t mark() const { return temp_roots.size(); }
    void release(size_t mark) { if (temp_roots.size() > mark) temp_roots.resize(mark); }
    void pin(Obj* o) { temp_roots.push_back(o); }

    // Run after marking, before sweeping: a subsystem holding objects weakly may mark (resurrect)
    // unmarked ones it must finalize by running code later (async generators' finalizer hook,
    // vm/generator.cpp); whatever they mark is traced before the sweep. Nothing may allocate.
    std::vector<std::function<void(Tracer&)>> resurrectors;

    // Every live object, newest first (teardown reports; nothing may allocate meanwhile).
    void for_each_object(const std::function<void(Obj*)>& fn) const;

    size_t bytes_allocated() const { return bytes_; }
    size_t object_count() const { return count_; }
    size_t collections() const { return collections_; }
    bool paused = true;      // no collection until the VM finished initialising
    bool stress = false;     // collect at every allocation (ASY_GC_STRESS or `ASY_GC_STRESS=1`)
    bool over_limit = false; // set when the memory limit was passed; the interpreter raises MemoryError

private:
    VM& vm_;
    Obj* objects_ = nullptr;
    size_t bytes_ = 0, next_gc_ = 1 << 20, count_ = 0, collections_ = 0;
    void sweep();
};

// Restores the temp-root mark on scope exit (for native loops that allocate per iteration).
class TempRootScope {
public:
    explicit TempRootScope(Heap& heap) : heap_(heap), mark_(heap.mark()) {}
    ~TempRootScope() { heap_.release(mark_); }

private:
    Heap& heap_;
    size_t mark_;
};

}  // namespace asy::vm
