// BaseExceptionGroup helpers the interpreter's except* support needs (defined in exceptions.cpp).
#pragma once

#include <vector>

#include "vm/value.hpp"

namespace asy::vm {

class VM;

// PREP_RERAISE_STAR: the exception to propagate after the except* handlers ran (None if
// nothing), from the original exception and the list of raised/re-raised/unhandled parts.
Value exception_group_prep_reraise(VM& vm, Value orig, Value excs_list);

// The `exceptions` tuple's items of a BaseExceptionGroup instance (nullptr if `exc` is not one).
const std::vector<Value>* exception_group_members(VM& vm, Value exc);

}  // namespace asy::vm
