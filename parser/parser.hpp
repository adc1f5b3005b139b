// Entry points of the parser: source text -> AST (parser/ast.hpp) or diagnostics.
#pragma once

#include <string>
#include <vector>

#include "lexer/source.hpp"
#include "parser/ast.hpp"

namespace asy::parse {

struct ParseResult {
    ast::Module module;
    // Empty on success. errors[0] is the error CPython 3.11 would report (a tokenizer error
    // wins over parse errors, as CPython's full-source check does); further errors found by
    // recovery (skip to the next statement, at most ~10) follow in source order. A
    // DiagKind::Incomplete entry, if any, is last.
    std::vector<lex::Diagnostic> errors;
    bool ok() const { return errors.empty(); }
    // The input could be completed by more lines (REPL: show the "... " prompt). True when:
    //  - any mode: input ended inside an open bracket, inside a triple-quoted string, or right
    //    after a line-continuation backslash;
    //  - ParseMode::Single, the input otherwise parses, an indented block is still open at the
    //    end, and the last line is not blank (`if x:\n  pass\n` -> incomplete;
    //    `if x:\n  pass\n\n` -> complete);
    //  - ParseMode::Single, the error is at end of input, the last line is not blank and the
    //    input ends with ':' or its last line is a decorator (`if x:` / `@dec`).
    bool incomplete() const {
        for (const auto& e : errors)
            if (e.kind == lex::DiagKind::Incomplete) return true;
        return false;
    }
};

// mode Exec: a file/`-c`; Single: one REPL input (statements); Eval: one expression.
ParseResult parse(const lex::SourceFile& src, ast::ParseMode mode = ast::ParseMode::Exec);

// Deterministic text dump of an AST (for `asy --dump-ast` and golden tests): exactly
// CPython 3.11's `ast.dump(tree)` (Module/Interactive/Expression, no positions).
std::string dump(const ast::Module& m);

// Python's repr() of a float (shortest round-trip digits), as used by dump().
std::string repr_float(double v);

}  // namespace asy::parse
