// Standard-library modules written in asy itself (stdlib/*.asy), embedded into the binary at
// build time by tools/embed_asy.cmake. The api layer's module loader compiles them on import.
#pragma once

namespace asy::stdlib {

struct EmbeddedModule {
    const char* name;     // module name, e.g. "heapq"
    const char* source;   // the module's asy source
};

// Terminated by an entry whose name is null.
extern const EmbeddedModule kEmbeddedModules[];

}  // namespace asy::stdlib
