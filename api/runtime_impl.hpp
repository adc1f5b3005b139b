// Internals of asy::Runtime shared by the api/ files: the VM plus the front-end glue
// (source -> code object) and the translation of script exceptions into `asy::Status`.
#pragma once

#include <memory>
#include <string>

#include "asy/asy.hpp"
#include "lexer/source.hpp"
#include "parser/ast.hpp"
#include "vm/bytecode.hpp"
#include "vm/vm.hpp"

namespace asy {

struct InteractiveState;  // api/interactive.cpp

struct Runtime::Impl {
    explicit Impl(Options opts);
    vm::VM vm;
    std::vector<std::string> path;   // module search path (script dir first)
    std::shared_ptr<InteractiveState> interactive;  // REPL state, created on first use

    // Parse and compile; on a syntax error fills `status` and returns null.
    // `diag` (optional) receives the syntax error's position and message. `future_flags`:
    // CO_FUTURE_* bits inherited from the caller (exec/eval/compile), see compile::compile.
    std::shared_ptr<const vm::Code> compile(std::string_view source, std::string_view filename,
                                            ast::ParseMode mode, Status* status,
                                            lex::Diagnostic* diag = nullptr, uint32_t future_flags = 0);
    // Run `source` as a fresh module registered in sys.modules under `module_name`.
    Status run_module_source(std::string_view source, std::string_view filename,
                             std::string_view module_name);
    // Turn the pending exception into a Status (and clear it).
    Status status_from_pending();
};

// Adds eval, exec and compile to the builtins (eval_builtins.cpp): they need the front end,
// which the VM layer does not link.
void install_eval_builtins(Runtime::Impl& impl);
// Raises SyntaxError (or IndentationError/TabError) for `d` with CPython's msg, filename, lineno,
// offset and text attributes (eval_builtins.cpp); returns Empty.
vm::Value raise_syntax_error(vm::VM& vm, const lex::Diagnostic& d, std::string_view source);
// Installs the `.asy` source-file module loader (source_loader.cpp).
void install_source_loader(Runtime::Impl& impl);
// Adds a directory to sys.path (at the front when `first`).
void add_search_dir(Runtime::Impl& impl, const std::string& dir, bool first);
// Reads a whole file; false if it cannot be read (errno set).
bool read_file(const std::string& path, std::string* out);

}  // namespace asy
