// The Parser class shared by the parser's source files: token cursor, diagnostics with
// statement-level error recovery, and the grammar functions (statements in parse_stmt.cpp,
// expressions in parse_expr.cpp, strings/f-strings in parse_string.cpp, targets and
// patterns in parse_target.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lexer/lexer.hpp"
#include "parser/parser.hpp"

namespace asy::parse {

using lex::Tok;
using lex::Token;
using lex::DiagKind;

// Thrown after an error was recorded; caught where parsing can resume (statement boundary,
// or a speculative attempt). Never escapes parse().
struct ParseAbort {};
// Thrown to stop parsing altogether (too many errors, or the lexer's error reached).
struct ParseStop {};

constexpr size_t kMaxErrors = 10;

class Parser {
public:
    Parser(const lex::SourceFile& src, ast::ParseMode mode);
    ParseResult run();

    // ---- cursor -------------------------------------------------------------------------
    const Token& cur() const { return (*toks_)[pos_]; }
    const Token& peek(size_t n = 1) const {
        size_t i = pos_ + n;
        return i < toks_->size() ? (*toks_)[i] : toks_->back();
    }
    bool at(Tok k) const { return cur().kind == k; }
    bool at_soft(std::string_view kw) const { return cur().kind == Tok::Name && cur().text == kw; }
    const Token& advance();
    bool accept(Tok k) {
        if (!at(k)) return false;
        advance();
        return true;
    }
    const Token& expect(Tok k);
    void expect_colon() {
        if (!accept(Tok::Colon)) error_at(cur(), "expected ':'", false);
    }

    // ---- diagnostics --------------------------------------------------------------------
    [[noreturn]] void error_at(const Token& t, const std::string& msg, bool range = true,
                               DiagKind kind = DiagKind::SyntaxError);
    [[noreturn]] void error_loc(const ast::Loc& loc, const std::string& msg, DiagKind kind = DiagKind::SyntaxError);
    [[noreturn]] void error_point(int line, int col, const std::string& msg, DiagKind kind = DiagKind::SyntaxError);
    [[noreturn]] void invalid_syntax() { error_at(cur(), "invalid syntax"); }
    // "invalid syntax. Perhaps you forgot a comma?" when an expression follows `a` directly
    // inside brackets; plain "invalid syntax" otherwise.
    [[noreturn]] void missing_comma(ast::Expr* a);
    void record(lex::Diagnostic d);

    template <class F> bool speculate(F&& f) {
        size_t save = pos_;
        Token save_prev = prev_;
        speculative_++;
        try {
            f();
            speculative_--;
            return true;
        } catch (ParseAbort&) {
            speculative_--;
            pos_ = save;
            prev_ = save_prev;
            return false;
        }
    }

    // ---- locations ----------------------------------------------------------------------
    ast::Loc loc_from(const Token& s) const { return {s.line, s.col, prev_.end_line, prev_.end_col}; }
    static ast::Loc span(const ast::Loc& a, const ast::Loc& b) { return {a.line, a.col, b.end_line, b.end_col}; }
    template <class T> T* fin(T* n, const Token& s) {
        n->loc = loc_from(s);
        return n;
    }
    template <class T> T* make() { return arena_->make<T>(); }

    // ---- statements (parse_stmt.cpp) ----------------------------------------------------
    void statements(ast::Body& out, bool until_dedent);
    void statement(ast::Body& out);
    void simple_stmts(ast::Body& out);
    ast::Stmt* simple_stmt();
    ast::Stmt* expr_stmt();
    ast::Body block(const std::string& what, int line);
    ast::Stmt* compound_stmt();
    ast::Stmt* if_stmt(bool is_elif);
    ast::Stmt* while_stmt();
    ast::Stmt* for_stmt(const Token* async_tok);
    ast::Stmt* with_stmt(const Token* async_tok);
    ast::Stmt* try_stmt();
    ast::Stmt* funcdef(std::vector<ast::Expr*> decorators, const Token* start, const Token* async_tok);
    ast::Stmt* classdef(std::vector<ast::Expr*> decorators, const Token* start);
    ast::Stmt* decorated();
    ast::Stmt* import_stmt();
    ast::Stmt* from_import_stmt();
    ast::Stmt* match_stmt();
    void recover();

    // ---- expressions (parse_expr.cpp) ---------------------------------------------------
    ast::Expr* star_expressions();
    ast::Expr* star_expression();
    ast::Expr* star_named_expression();
    ast::Expr* named_expression();
    ast::Expr* expression();
    ast::Expr* disjunction();
    ast::Expr* conjunction();
    ast::Expr* inversion();
    ast::Expr* comparison();
    ast::Expr* bitwise_or() { return binary(1); }
    ast::Expr* binary(int min_prec);
    ast::Expr* factor();
    ast::Expr* power();
    ast::Expr* primary();
    ast::Expr* atom();
    ast::Expr* yield_expr();
    ast::Expr* lambdef();
    ast::Expr* paren_atom();
    ast::Expr* list_atom();
    ast::Expr* brace_atom();
    ast::Expr* slices();
    ast::Expr* slice();
    ast::Arguments* parameters(bool is_lambda, Tok closer);
    void call_args(std::vector<ast::Expr*>& args, std::vector<ast::Keyword>& kws, const Token& open,
                   bool allow_genexp = true);
    std::vector<ast::Comprehension> comp_fors();
    bool at_comp_for() const { return at(Tok::For) || (at(Tok::Async) && peek().kind == Tok::For); }
    bool starts_expression(const Token& t) const;
    // Target list of `for` / comprehensions (stops before `in`), with Store context.
    ast::Expr* star_targets();
    ast::Expr* star_target();

    // ---- strings (parse_string.cpp) ------------------------------------------------------
    ast::Expr* strings();
    void fstring_body(const Token& tok, std::string_view body, size_t body_off, int line, size_t line_start,
                      std::vector<ast::Expr*>& parts, std::string& pending, int depth, bool in_spec,
                      size_t* consumed);
    ast::Expr* fstring_expr(size_t begin, size_t end, int line, size_t line_start);

    // ---- targets (parse_target.cpp) -----------------------------------------------------
    enum class TargetUse { Assign, AssignHere, Delete, For, With, Comp, Named };
    void set_store(ast::Expr* e, TargetUse use);
    void set_del(ast::Expr* e);
    static const char* expr_name(const ast::Expr* e);

    // ---- patterns (parse_pattern.cpp) ---------------------------------------------------
    ast::Pattern* patterns();
    ast::Pattern* pattern();
    ast::Pattern* or_pattern();
    ast::Pattern* closed_pattern();
    ast::Pattern* make_pattern(ast::PatternKind k);
    ast::Expr* signed_number_or_complex();

    // ---- state ---------------------------------------------------------------------------
    const lex::SourceFile& src_;
    ast::ParseMode mode_;
    lex::LexOutput lexed_;
    const std::vector<Token>* toks_ = nullptr;
    size_t pos_ = 0;
    Token prev_;
    ast::Arena* arena_ = nullptr;
    std::vector<lex::Diagnostic> errors_;
    int speculative_ = 0;
    bool hit_lex_error_ = false;
    int fstring_depth_ = 0;      // > 0 while parsing an f-string replacement field
    int bracket_depth_ = 0;      // brackets open around the current expression
    int nesting_ = 0;            // recursion depth of expression parsing (bounded: no stack overflow)
};

}  // namespace asy::parse
