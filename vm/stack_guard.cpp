// Per-thread C++ stack bounds (pthread_getattr_np) and the "nearly full" check of stack_guard.hpp.
#include "vm/stack_guard.hpp"

#include <pthread.h>

#include <cstddef>
#include <cstdint>

namespace asy::vm {

namespace {

// Sanitizer builds use several times the stack per native frame; keep a wider margin there.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kMargin = 2u << 20;
#else
constexpr size_t kMargin = 256u << 10;
#endif

// The lowest usable address of this thread's stack plus the margin; 0 when unknown (no check).
// A property of the thread, not of any VM, hence thread_local.
uintptr_t compute_limit() {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    void* base = nullptr;
    size_t size = 0;
    uintptr_t limit = 0;
    if (pthread_attr_getstack(&attr, &base, &size) == 0 && base != nullptr && size > 2 * kMargin)
        limit = reinterpret_cast<uintptr_t>(base) + kMargin;
    pthread_attr_destroy(&attr);
    return limit;
}

thread_local uintptr_t t_limit = compute_limit();

}  // namespace

bool c_stack_exhausted() {
    char probe;
    uintptr_t here = reinterpret_cast<uintptr_t>(&probe);
    return t_limit != 0 && here < t_limit;
}

}  // namespace asy::vm
