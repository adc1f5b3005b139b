// Entry point of the compiler: AST -> code object (vm/bytecode.hpp). Runs the scope pass
// (scope.cpp) and then code generation (compile_stmt.cpp, compile_expr.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "lexer/source.hpp"
#include "parser/ast.hpp"
#include "vm/bytecode.hpp"

namespace asy::compile {

struct CompileResult {
    std::shared_ptr<const vm::Code> code;  // null when errors is not empty
    std::vector<lex::Diagnostic> errors;   // SyntaxErrors found by scope analysis / codegen
    bool ok() const { return code != nullptr && errors.empty(); }
};

// `filename` goes into every code object (tracebacks). Mode Single emits PRINT_EXPR for
// expression statements; Eval compiles `module.expression` and returns its value.
// `inherited_flags`: CO_FUTURE_* bits of the code calling exec/eval/compile (CPython passes the
// caller's future features on); the module's own future statements add to them.
CompileResult compile(const ast::Module& module, const std::string& filename, uint32_t inherited_flags = 0);

}  // namespace asy::compile
