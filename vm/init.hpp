// Start-up of a VM: each part of vm/ registers its types, methods and modules in one
// function, called by VM::VM in this order (types must exist before methods refer to them).
#pragma once

namespace asy::vm {

class VM;

void init_core_types(VM& vm);      // type.cpp: `object`, `type` and every BuiltinTypes entry (empty dicts)
void init_exception_types(VM& vm); // exceptions.cpp: the ExceptionTypes hierarchy and its methods
void init_object_methods(VM& vm);  // type.cpp/attributes.cpp: object.__init__, __repr__, type.__call__, property, super, ...
void init_int_float(VM& vm);       // int.cpp, float.cpp, bool, complex: methods and dunders
void init_str_bytes(VM& vm);       // str.cpp, bytes.cpp: methods and dunders
void init_containers(VM& vm);      // list/tuple/dict/set/range/slice/views/iterators
void init_functions(VM& vm);       // function/code/cell/generator/coroutine types' methods
void init_builtins(VM& vm);        // builtins.cpp: the builtins module (print, len, ...)
void init_sys(VM& vm);             // sys module (stdlib registry hooks in later)

// Frame chain marking for the collector (interpreter.cpp).
class Tracer;
void trace_frames(VM& vm, Tracer& t);

}  // namespace asy::vm
