// C++ stack guard: script calls do not recurse on the C++ stack, but natives that call back into
// the interpreter (repr, __eq__, nested awaits, ...) do, so each re-entry checks the room left.
#pragma once

namespace asy::vm {

// True when the calling thread's C++ stack is nearly used up: the caller raises RecursionError
// instead of recursing further (a raised recursion limit must never become a segfault).
bool c_stack_exhausted();

}  // namespace asy::vm
