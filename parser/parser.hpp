// Entry points of the parser: source text -> AST (parser/ast.hpp) or diagnostics.
#pragma once

#include <vector>

#include "lexer/source.hpp"
#include "parser/ast.hpp"

namespace asy::parse {

struct ParseResult {
    ast::Module module;
    std::vector<lex::Diagnostic> errors;  // empty on success; sorted by position
    bool ok() const { return errors.empty(); }
};

// mode Exec: a file/`-c`; Single: one REPL input (statements); Eval: one expression.
ParseResult parse(const lex::SourceFile& src, ast::ParseMode mode = ast::ParseMode::Exec);

// Deterministic text dump of an AST (for `asy --dump-ast` and golden tests), in the style of
// CPython's `ast.dump(tree)` without attributes.
std::string dump(const ast::Module& m);

}  // namespace asy::parse
