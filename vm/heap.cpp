// The mark-sweep collector: marks from the VM's roots with an explicit gray stack (no C++
// recursion, so deep structures cannot overflow the stack) and frees every unmarked object.
#include "vm/heap.hpp"

#include <cstdlib>

#include "vm/object.hpp"
#include "vm/vm.hpp"

namespace asy::vm {

void Tracer::mark(Obj* o) {
    if (o == nullptr || o->gc_marked) return;
    o->gc_marked = 1;
    gray_.push_back(o);
}

void Type::trace(Tracer& t) {
    t.mark(name);
    t.mark(qualname);
    t.mark(module);
    t.mark(base);
    for (Type* b : bases) t.mark(b);
    for (Type* m : mro) t.mark(m);
    for (Type* s : subclasses) t.mark(s);
}

Heap::Heap(VM& vm) : vm_(vm) {
    const char* env = std::getenv("ASY_GC_STRESS");
    stress = ASY_GC_STRESS || (env != nullptr && env[0] == '1');
}

Heap::~Heap() {
    Obj* o = objects_;
    while (o != nullptr) {
        Obj* next = o->gc_next;
        delete o;
        o = next;
    }
}

void Heap::track(Obj* obj, size_t size) {
    obj->gc_next = objects_;
    objects_ = obj;
    temp_roots.push_back(obj);
    bytes_ += size;
    ++count_;
    size_t limit = vm_.options.memory_limit;
    if (limit != 0 && bytes_ > limit) {
        // Try to free memory before declaring the limit passed.
        if (!paused) collect();
        if (bytes_ > limit) over_limit = true;
        return;
    }
    if (!paused && (stress || bytes_ >= next_gc_)) collect();
}

bool Heap::reserve(size_t bytes) {
    size_t limit = vm_.options.memory_limit;
    if (limit == 0 || bytes_ + bytes <= limit) return true;
    if (!paused) collect();
    if (bytes_ + bytes <= limit) return true;
    vm_.raise(vm_.exc.MemoryError, "");
    return false;
}

void Heap::for_each_object(const std::function<void(Obj*)>& fn) const {
    for (Obj* o = objects_; o != nullptr; o = o->gc_next) fn(o);
}

void Heap::collect() {
    if (paused) return;
    paused = true;  // a finaliser or tracer must never start a nested collection
    ++collections_;
    // Cached lookup results are not roots: dropping them is cheaper than marking them.
    vm_.type_cache->clear();
    Tracer tracer(vm_);
    for (Obj* o : temp_roots) tracer.mark(o);
    vm_.trace_roots(tracer);
    auto drain = [&tracer] {
        while (!tracer.gray_.empty()) {
            Obj* o = tracer.gray_.back();
            tracer.gray_.pop_back();
            tracer.mark(o->type);
            tracer.mark(o->dict);
            o->trace(tracer);
        }
    };
    drain();
    for (auto& resurrect : resurrectors) resurrect(tracer);
    drain();
    sweep();
    // Grow the threshold with the live heap so collection cost stays proportional.
    next_gc_ = bytes_ * 2 < (1u << 20) ? (1u << 20) : bytes_ * 2;
    paused = false;
}

void Heap::sweep() {
    Obj** link = &objects_;
    size_t live_bytes = 0, live = 0;
    while (Obj* o = *link) {
        if (o->gc_marked) {
            o->gc_marked = 0;
            live_bytes += sizeof(Obj) + o->external_size();
            ++live;
            link = &o->gc_next;
        } else {
            *link = o->gc_next;
            if (o->gc_flags & kGcFinalize) o->finalize(vm_);
            delete o;
        }
    }
    // Object sizes are not stored per object; approximate the live heap from the header size
    // plus external storage, which keeps the trigger proportional to what survives.
    bytes_ = live_bytes + live * 32;
    count_ = live;
    if (vm_.options.memory_limit == 0 || bytes_ <= vm_.options.memory_limit) over_limit = false;
}

}  // namespace asy::vm
