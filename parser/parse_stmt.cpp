// Statement grammar of Python 3.11 (simple and compound statements, blocks, decorators,
// imports), the parser driver `parse()`, diagnostics recording and error recovery.
#include <algorithm>

#include "parser/parser_impl.hpp"

namespace asy::parse {

using namespace asy::ast;

// ---- driver ------------------------------------------------------------------------------

Parser::Parser(const lex::SourceFile& src, ParseMode mode) : src_(src), mode_(mode) {}

const Token& Parser::advance() {
    const Token& t = cur();
    prev_ = t;
    if (pos_ + 1 < toks_->size()) pos_++;
    return t;
}

const Token& Parser::expect(Tok k) {
    if (!at(k)) {
        if (k == Tok::Colon) error_at(cur(), "expected ':'", false);
        invalid_syntax();
    }
    return advance();
}

void Parser::record(lex::Diagnostic d) {
    if (speculative_ > 0) return;
    for (const auto& e : errors_)
        if (e.line == d.line && e.col == d.col) return;  // each position once
    d.file = src_.name();
    if (fstring_depth_ > 0 && d.message.rfind("f-string", 0) != 0) d.message = "f-string: " + d.message;
    errors_.push_back(std::move(d));
}

void Parser::error_at(const Token& t, const std::string& msg, bool range, DiagKind kind) {
    if (t.kind == Tok::Error) {
        if (speculative_ > 0) throw ParseAbort{};
        hit_lex_error_ = true;
        throw ParseStop{};
    }
    lex::Diagnostic d;
    d.kind = kind;
    d.line = t.line;
    d.col = t.col;
    d.end_col = (range && t.end_line == t.line && t.end_col > t.col) ? t.end_col : -1;
    if (t.kind == Tok::EndMarker || (t.kind == Tok::Dedent && t.offset >= src_.text().size())) {
        // At end of input CPython names the last line without a caret.
        d.col = -1;
        d.end_col = -1;
    }
    d.message = msg;
    record(std::move(d));
    throw ParseAbort{};
}

void Parser::error_loc(const Loc& loc, const std::string& msg, DiagKind kind) {
    lex::Diagnostic d;
    d.kind = kind;
    d.line = loc.line;
    d.col = loc.col;
    d.end_col = loc.end_line == loc.line ? loc.end_col : -1;
    d.message = msg;
    record(std::move(d));
    throw ParseAbort{};
}

void Parser::error_point(int line, int col, const std::string& msg, DiagKind kind) {
    lex::Diagnostic d;
    d.kind = kind;
    d.line = line;
    d.col = col;
    d.message = msg;
    record(std::move(d));
    throw ParseAbort{};
}

void Parser::missing_comma(Expr* a) {
    const Token& t = cur();
    bool excluded = a->is<Name>() && (t.kind == Tok::String || a->as<Name>()->id == "print" ||
                                      a->as<Name>()->id == "exec");
    if (bracket_depth_ > 0 && !excluded && starts_expression(t) && t.kind != Tok::Error) {
        Expr* b = nullptr;
        speculate([&] { b = expression(); });
        if (b) error_loc(span(a->loc, b->loc), "invalid syntax. Perhaps you forgot a comma?");
    }
    invalid_syntax();
}

ParseResult Parser::run() {
    ParseResult r;
    r.module.mode = mode_;
    arena_ = r.module.arena.get();
    lexed_ = lex::tokenize(src_);
    if (mode_ == ParseMode::Eval) {
        auto& v = lexed_.tokens;
        v.erase(std::remove_if(v.begin(), v.end(),
                               [](const Token& t) { return t.kind == Tok::Indent || t.kind == Tok::Dedent; }),
                v.end());
    }
    toks_ = &lexed_.tokens;
    pos_ = 0;
    prev_ = cur();
    try {
        if (mode_ == ParseMode::Eval) {
            while (accept(Tok::Newline)) {}
            r.module.expression = star_expressions();
            while (accept(Tok::Newline)) {}
            if (!at(Tok::EndMarker)) invalid_syntax();
        } else {
            statements(r.module.body, false);
        }
    } catch (ParseAbort&) {
    } catch (ParseStop&) {
    }

    std::vector<lex::Diagnostic> errs = std::move(errors_);
    if (lexed_.error) {
        const lex::Diagnostic& le = *lexed_.error;
        bool first = true;
        if (lexed_.error_is_unclosed_bracket && !errs.empty()) {
            const auto& p = errs.front();
            // CPython reports the unclosed bracket only when its parser ran into the end of
            // input looking for more tokens: errors at EOF, and the missing-comma check inside
            // the bracket (which looks ahead). Other parse errors are reported as themselves.
            bool before = p.line < le.line || (p.line == le.line && p.col < le.col);
            bool lookahead = p.message.rfind("invalid syntax. Perhaps you forgot a comma?", 0) == 0;
            if (before || !lookahead) first = false;
        } else if (!errs.empty() && errs.front().message == "unexpected indent") {
            // CPython raises "unexpected indent" without checking the rest of the source.
            const auto& p = errs.front();
            if (p.line < le.line || (p.line == le.line && p.col < le.col)) first = false;
        }
        if (first) errs.insert(errs.begin(), le);
        else errs.push_back(le);
    }

    // Incomplete input (see parser.hpp for the rule).
    bool incomplete = lexed_.incomplete;
    const std::string& text = src_.text();
    if (!incomplete && mode_ == ParseMode::Single) {
        std::string_view t = text;
        if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
        size_t nl = t.rfind('\n');
        std::string_view last = nl == std::string_view::npos ? t : t.substr(nl + 1);
        bool last_blank = last.find_first_not_of(" \t\f\r") == std::string_view::npos;
        std::string_view trimmed = t.substr(0, t.find_last_not_of(" \t\f\r\n") + 1);
        std::string_view last_trim = last.substr(std::min(last.size(), last.find_first_not_of(" \t\f")));
        bool error_at_eof = false;
        for (const auto& e : errs)
            if (e.col == -1 || e.line >= src_.line_count()) error_at_eof = true;
        if (!errs.empty()) {
            incomplete = error_at_eof && !last_blank &&
                         ((!trimmed.empty() && trimmed.back() == ':') || (!last_trim.empty() && last_trim[0] == '@'));
        } else {
            incomplete = lexed_.eof_in_block && !last_blank;
        }
    }
    if (incomplete) {
        lex::Diagnostic d;
        d.kind = DiagKind::Incomplete;
        d.file = src_.name();
        d.line = std::max(1, src_.line_count());
        d.col = -1;
        d.message = "incomplete input";
        errs.push_back(d);
    }
    r.errors = std::move(errs);
    return r;
}

ParseResult parse(const lex::SourceFile& src, ParseMode mode) {
    Parser p(src, mode);
    return p.run();
}

// ---- statements --------------------------------------------------------------------------

void Parser::recover() {
    // Skip to the end of the logical line, then over an indented block that follows it.
    while (!at(Tok::Newline) && !at(Tok::EndMarker) && !at(Tok::Error) && !at(Tok::Dedent) && !at(Tok::Indent))
        advance();
    accept(Tok::Newline);
    if (at(Tok::Indent)) {
        int depth = 0;
        do {
            if (at(Tok::Indent)) depth++;
            else if (at(Tok::Dedent)) depth--;
            else if (at(Tok::EndMarker) || at(Tok::Error)) return;
            advance();
        } while (depth > 0);
    }
}

void Parser::statements(Body& out, bool until_dedent) {
    for (;;) {
        if (at(Tok::EndMarker)) return;
        if (at(Tok::Error)) {
            hit_lex_error_ = true;
            throw ParseStop{};
        }
        if (until_dedent && at(Tok::Dedent)) return;
        size_t before = pos_;
        try {
            statement(out);
        } catch (ParseAbort&) {
            nesting_ = 0;
            if (hit_lex_error_ || errors_.size() >= kMaxErrors) throw ParseStop{};
            recover();
            if (pos_ == before && !at(Tok::EndMarker) && !at(Tok::Error) && !(until_dedent && at(Tok::Dedent)))
                advance();
        }
    }
}

void Parser::statement(Body& out) {
    if (at(Tok::Indent)) error_at(cur(), "unexpected indent", false, DiagKind::IndentationError);
    if (at(Tok::Dedent)) error_at(cur(), "unexpected unindent", false, DiagKind::IndentationError);
    if (Stmt* s = compound_stmt()) {
        out.push_back(s);
        return;
    }
    simple_stmts(out);
}

void Parser::simple_stmts(Body& out) {
    for (;;) {
        Stmt* s = simple_stmt();
        out.push_back(s);
        if (accept(Tok::Semi)) {
            if (at(Tok::Newline)) break;
            continue;
        }
        break;
    }
    if (accept(Tok::Newline)) return;
    // `print 'x'`: the Python 2 statement form.
    Stmt* last = out.back();
    if (auto* es = last->as<ExprStmt>()) {
        if (auto* n = es->value->as<Name>(); n && (n->id == "print" || n->id == "exec") && starts_expression(cur())) {
            Expr* arg = nullptr;
            speculate([&] { arg = star_expressions(); });
            Loc l = arg ? span(n->loc, arg->loc) : n->loc;
            error_loc(l, "Missing parentheses in call to '" + n->id + "'. Did you mean " + n->id + "(...)?");
        }
        if (starts_expression(cur()) && !at(Tok::Not) && !at(Tok::Lambda) && !at(Tok::Await) && bracket_depth_ == 0) {
            // two expressions in a row at top level: plain invalid syntax at the second
        }
    }
    invalid_syntax();
}

Stmt* Parser::simple_stmt() {
    const Token& s = cur();
    switch (s.kind) {
    case Tok::Pass: advance(); return fin(make<PassStmt>(), s);
    case Tok::Break: advance(); return fin(make<BreakStmt>(), s);
    case Tok::Continue: advance(); return fin(make<ContinueStmt>(), s);
    case Tok::Return: {
        advance();
        auto* r = make<ReturnStmt>();
        if (!at(Tok::Newline) && !at(Tok::Semi)) r->value = star_expressions();
        return fin(r, s);
    }
    case Tok::Raise: {
        advance();
        auto* r = make<RaiseStmt>();
        if (!at(Tok::Newline) && !at(Tok::Semi)) {
            r->exc = expression();
            if (accept(Tok::From)) r->cause = expression();
        }
        return fin(r, s);
    }
    case Tok::Global:
    case Tok::Nonlocal: {
        advance();
        std::vector<std::string> names;
        do {
            names.emplace_back(expect(Tok::Name).text);
        } while (accept(Tok::Comma));
        if (s.kind == Tok::Global) {
            auto* g = make<GlobalStmt>();
            g->names = std::move(names);
            return fin(g, s);
        }
        auto* g = make<NonlocalStmt>();
        g->names = std::move(names);
        return fin(g, s);
    }
    case Tok::Del: {
        advance();
        auto* d = make<DeleteStmt>();
        bracket_depth_ += 0;
        do {
            if (at(Tok::Newline) || at(Tok::Semi)) break;
            Expr* e = bitwise_or();
            set_del(e);
            d->targets.push_back(e);
        } while (accept(Tok::Comma));
        if (d->targets.empty()) invalid_syntax();
        return fin(d, s);
    }
    case Tok::Assert: {
        advance();
        auto* a = make<AssertStmt>();
        a->test = expression();
        if (accept(Tok::Comma)) a->msg = expression();
        return fin(a, s);
    }
    case Tok::Import: return import_stmt();
    case Tok::From: return from_import_stmt();
    default: return expr_stmt();
    }
}

static bool aug_op(Tok k, OperatorKind& op) {
    switch (k) {
    case Tok::PlusEqual: op = OperatorKind::Add; return true;
    case Tok::MinEqual: op = OperatorKind::Sub; return true;
    case Tok::StarEqual: op = OperatorKind::Mult; return true;
    case Tok::AtEqual: op = OperatorKind::MatMult; return true;
    case Tok::SlashEqual: op = OperatorKind::Div; return true;
    case Tok::PercentEqual: op = OperatorKind::Mod; return true;
    case Tok::AmperEqual: op = OperatorKind::BitAnd; return true;
    case Tok::VBarEqual: op = OperatorKind::BitOr; return true;
    case Tok::CircumflexEqual: op = OperatorKind::BitXor; return true;
    case Tok::LeftShiftEqual: op = OperatorKind::LShift; return true;
    case Tok::RightShiftEqual: op = OperatorKind::RShift; return true;
    case Tok::DoubleStarEqual: op = OperatorKind::Pow; return true;
    case Tok::DoubleSlashEqual: op = OperatorKind::FloorDiv; return true;
    default: return false;
    }
}

// Whether `e` is at the `bitwise_or` level of the grammar (what CPython's
// invalid_named_expression rule matches before suggesting '==').
static bool is_bitwise_or_level(const Expr* e) {
    switch (e->kind) {
    case ExprKind::BoolOp: case ExprKind::NamedExpr: case ExprKind::Lambda: case ExprKind::IfExp:
    case ExprKind::Compare: case ExprKind::Yield: case ExprKind::YieldFrom: case ExprKind::Starred:
        return false;
    case ExprKind::UnaryOp: return e->as<UnaryOp>()->op != UnaryOpKind::Not;
    case ExprKind::Tuple: case ExprKind::List: case ExprKind::GeneratorExp: return false;
    case ExprKind::Constant: {
        auto k = e->as<Constant>()->ckind;
        return k != ConstKind::True && k != ConstKind::False && k != ConstKind::None;
    }
    default: return true;
    }
}

Stmt* Parser::expr_stmt() {
    const Token& s = cur();
    Expr* e = at(Tok::Yield) ? yield_expr() : star_expressions();
    if (at(Tok::Colon)) {
        if (auto* t = e->as<Tuple>(); t) error_loc(e->loc, "only single target (not tuple) can be annotated");
        if (e->is<List>()) error_loc(e->loc, "only single target (not list) can be annotated");
        if (!e->is<Name>() && !e->is<Attribute>() && !e->is<Subscript>())
            error_loc(e->loc, "illegal target for annotation");
        advance();
        set_store(e, TargetUse::Assign);
        auto* a = make<AnnAssignStmt>();
        a->target = e;
        a->annotation = expression();
        if (accept(Tok::Equal)) a->value = at(Tok::Yield) ? yield_expr() : star_expressions();
        a->simple = e->is<Name>() && s.kind != Tok::LPar;
        return fin(a, s);
    }
    OperatorKind op;
    if (aug_op(cur().kind, op)) {
        if (!e->is<Name>() && !e->is<Attribute>() && !e->is<Subscript>())
            error_loc(e->loc, std::string("'") + expr_name(e) + "' is an illegal expression for augmented assignment");
        advance();
        set_store(e, TargetUse::Assign);
        auto* a = make<AugAssignStmt>();
        a->target = e;
        a->op = op;
        a->value = at(Tok::Yield) ? yield_expr() : star_expressions();
        return fin(a, s);
    }
    if (at(Tok::Equal)) {
        std::vector<Expr*> chain{e};
        std::vector<bool> value_is_or;  // whether the expression after each '=' starts at bitwise_or level
        while (accept(Tok::Equal)) {
            bool starts_or = starts_expression(cur()) && !at(Tok::Not) && !at(Tok::Lambda) && !at(Tok::Yield) &&
                             !at(Tok::Star);
            value_is_or.push_back(starts_or);
            chain.push_back(at(Tok::Yield) ? yield_expr() : star_expressions());
        }
        auto* a = make<AssignStmt>();
        a->value = chain.back();
        chain.pop_back();
        for (size_t i = 0; i < chain.size(); ++i) {
            bool here = i + 1 == chain.size() && value_is_or[i] && is_bitwise_or_level(chain[i]) &&
                        !(i > 0);
            set_store(chain[i], here ? TargetUse::AssignHere : TargetUse::Assign);
        }
        a->targets = std::move(chain);
        return fin(a, s);
    }
    auto* x = make<ExprStmt>();
    x->value = e;
    return fin(x, s);
}

Body Parser::block(const std::string& what, int line) {
    Body body;
    if (accept(Tok::Newline)) {
        if (!at(Tok::Indent)) {
            error_at(cur(), "expected an indented block after " + what + " on line " + std::to_string(line), false,
                     DiagKind::IndentationError);
        }
        advance();
        statements(body, true);
        if (!accept(Tok::Dedent) && !at(Tok::EndMarker)) invalid_syntax();
    } else {
        simple_stmts(body);
    }
    return body;
}

Stmt* Parser::compound_stmt() {
    switch (cur().kind) {
    case Tok::If: return if_stmt(false);
    case Tok::While: return while_stmt();
    case Tok::For: return for_stmt(nullptr);
    case Tok::With: return with_stmt(nullptr);
    case Tok::Try: return try_stmt();
    case Tok::Def: return funcdef({}, nullptr, nullptr);
    case Tok::Class: return classdef({}, nullptr);
    case Tok::At: return decorated();
    case Tok::Async: {
        const Token& a = cur();
        Tok n = peek().kind;
        if (n == Tok::Def) { advance(); return funcdef({}, &a, &a); }
        if (n == Tok::For) { advance(); return for_stmt(&a); }
        if (n == Tok::With) { advance(); return with_stmt(&a); }
        advance();
        invalid_syntax();
    }
    case Tok::Name:
        if (at_soft("match")) return match_stmt();
        return nullptr;
    default: return nullptr;
    }
}

Stmt* Parser::if_stmt(bool is_elif) {
    const Token& s = advance();
    auto* n = make<IfStmt>();
    n->test = named_expression();
    expect_colon();
    n->body = block(is_elif ? "'elif' statement" : "'if' statement", s.line);
    if (at(Tok::Elif)) {
        n->orelse.push_back(if_stmt(true));
    } else if (at(Tok::Else)) {
        const Token& e = advance();
        expect_colon();
        n->orelse = block("'else' statement", e.line);
    }
    return fin(n, s);
}

Stmt* Parser::while_stmt() {
    const Token& s = advance();
    auto* n = make<WhileStmt>();
    n->test = named_expression();
    expect_colon();
    n->body = block("'while' statement", s.line);
    if (at(Tok::Else)) {
        const Token& e = advance();
        expect_colon();
        n->orelse = block("'else' statement", e.line);
    }
    return fin(n, s);
}

Stmt* Parser::for_stmt(const Token* async_tok) {
    const Token& f = advance();
    const Token& s = async_tok ? *async_tok : f;
    auto* n = arena_->make<ForStmt>(async_tok != nullptr);
    n->target = star_targets();
    expect(Tok::In);
    n->iter = star_expressions();
    expect_colon();
    n->body = block("'for' statement", f.line);
    if (at(Tok::Else)) {
        const Token& e = advance();
        expect_colon();
        n->orelse = block("'else' statement", e.line);
    }
    return fin(n, s);
}

Stmt* Parser::with_stmt(const Token* async_tok) {
    const Token& w = advance();
    const Token& s = async_tok ? *async_tok : w;
    auto* n = arena_->make<WithStmt>(async_tok != nullptr);
    auto item = [&]() {
        WithItem it;
        it.context_expr = expression();
        if (accept(Tok::As)) {
            it.optional_vars = star_target();
            set_store(it.optional_vars, TargetUse::With);
            if (!at(Tok::Comma) && !at(Tok::RPar) && !at(Tok::Colon)) invalid_syntax();
        }
        n->items.push_back(it);
    };
    bool done = false;
    if (at(Tok::LPar)) {
        done = speculate([&] {
            n->items.clear();
            advance();
            bracket_depth_++;
            item();
            while (accept(Tok::Comma)) {
                if (at(Tok::RPar)) break;
                item();
            }
            bracket_depth_--;
            expect(Tok::RPar);
            if (!at(Tok::Colon)) invalid_syntax();
        });
        if (!done) {
            n->items.clear();
            bracket_depth_ = 0;
        }
    }
    if (!done) {
        item();
        while (accept(Tok::Comma)) item();
    }
    expect_colon();
    n->body = block("'with' statement", w.line);
    return fin(n, s);
}

Stmt* Parser::try_stmt() {
    const Token& s = advance();
    expect_colon();
    Body body = block("'try' statement", s.line);
    std::vector<ExceptHandler> handlers;
    int star = -1;  // -1 unknown, 0 plain, 1 except*
    while (at(Tok::Except)) {
        const Token& e = advance();
        bool is_star = accept(Tok::Star);
        if (star >= 0 && star != static_cast<int>(is_star))
            error_loc(loc_from(e), "cannot have both 'except' and 'except*' on the same 'try'");
        star = is_star;
        ExceptHandler h;
        if (!at(Tok::Colon)) {
            h.type = expression();
            if (at(Tok::Comma)) {
                const Token& c = cur();
                (void)c;
                Expr* rest = nullptr;
                speculate([&] {
                    advance();
                    rest = expression();
                    while (accept(Tok::Comma)) rest = expression();
                });
                Loc l = rest ? span(h.type->loc, rest->loc) : h.type->loc;
                error_loc(l, "multiple exception types must be parenthesized");
            }
            if (accept(Tok::As)) h.name = std::string(expect(Tok::Name).text);
        } else if (is_star) {
            error_at(cur(), "expected one or more exception types");
        }
        expect_colon();
        h.body = block(is_star ? "'except*' statement" : "'except' statement", e.line);
        h.loc = loc_from(e);
        handlers.push_back(std::move(h));
    }
    auto* n = arena_->make<TryStmt>(star == 1);
    n->body = std::move(body);
    n->handlers = std::move(handlers);
    if (at(Tok::Else)) {
        if (n->handlers.empty()) invalid_syntax();
        const Token& e = advance();
        expect_colon();
        n->orelse = block("'else' statement", e.line);
    }
    if (at(Tok::Finally)) {
        const Token& f = advance();
        expect_colon();
        n->finalbody = block("'finally' statement", f.line);
    }
    if (n->handlers.empty() && n->finalbody.empty()) error_at(cur(), "expected 'except' or 'finally' block", false);
    return fin(n, s);
}

Stmt* Parser::decorated() {
    const Token& s = cur();
    std::vector<Expr*> decos;
    while (accept(Tok::At)) {
        decos.push_back(named_expression());
        expect(Tok::Newline);
    }
    if (at(Tok::Def)) return funcdef(std::move(decos), &s, nullptr);
    if (at(Tok::Class)) return classdef(std::move(decos), &s);
    if (at(Tok::Async) && peek().kind == Tok::Def) {
        const Token& a = advance();
        return funcdef(std::move(decos), &s, &a);
    }
    invalid_syntax();
}

Stmt* Parser::funcdef(std::vector<Expr*> decorators, const Token* start, const Token* async_tok) {
    const Token& d = advance();  // 'def'
    const Token& s = async_tok ? *async_tok : d;
    (void)start;
    auto* n = arena_->make<FunctionDefStmt>(async_tok != nullptr);
    n->decorator_list = std::move(decorators);
    n->name = std::string(expect(Tok::Name).text);
    if (!at(Tok::LPar)) error_at(cur(), "expected '('", false);
    advance();
    bracket_depth_++;
    n->args = parameters(false, Tok::RPar);
    bracket_depth_--;
    expect(Tok::RPar);
    if (accept(Tok::RArrow)) n->returns = expression();
    expect_colon();
    n->body = block("function definition", d.line);
    return fin(n, s);
}

Stmt* Parser::classdef(std::vector<Expr*> decorators, const Token* start) {
    const Token& s = advance();  // 'class'
    (void)start;
    auto* n = make<ClassDefStmt>();
    n->decorator_list = std::move(decorators);
    n->name = std::string(expect(Tok::Name).text);
    if (at(Tok::LPar)) {
        const Token& open = advance();
        call_args(n->bases, n->keywords, open, false);
    }
    expect_colon();
    n->body = block("class definition", s.line);
    return fin(n, s);
}

Stmt* Parser::import_stmt() {
    const Token& s = advance();
    auto* n = make<ImportStmt>();
    do {
        const Token& a = cur();
        Alias al;
        al.name = std::string(expect(Tok::Name).text);
        while (accept(Tok::Dot)) {
            al.name += '.';
            al.name += expect(Tok::Name).text;
        }
        if (accept(Tok::As)) al.asname = std::string(expect(Tok::Name).text);
        al.loc = loc_from(a);
        n->names.push_back(std::move(al));
    } while (accept(Tok::Comma));
    return fin(n, s);
}

Stmt* Parser::from_import_stmt() {
    const Token& s = advance();
    auto* n = make<ImportFromStmt>();
    for (;;) {
        if (accept(Tok::Dot)) n->level += 1;
        else if (accept(Tok::Ellipsis)) n->level += 3;
        else break;
    }
    if (at(Tok::Name)) {
        n->module = std::string(advance().text);
        while (accept(Tok::Dot)) {
            n->module += '.';
            n->module += expect(Tok::Name).text;
        }
    } else if (n->level == 0) {
        invalid_syntax();
    }
    expect(Tok::Import);
    if (at(Tok::Star)) {
        const Token& st = advance();
        Alias al;
        al.name = "*";
        al.loc = loc_from(st);
        n->names.push_back(al);
        return fin(n, s);
    }
    bool paren = accept(Tok::LPar);
    for (;;) {
        const Token& a = cur();
        Alias al;
        al.name = std::string(expect(Tok::Name).text);
        if (accept(Tok::As)) al.asname = std::string(expect(Tok::Name).text);
        al.loc = loc_from(a);
        n->names.push_back(std::move(al));
        if (!accept(Tok::Comma)) break;
        if (paren && at(Tok::RPar)) break;
        if (!paren && (at(Tok::Newline) || at(Tok::Semi)))
            error_at(cur(), "trailing comma not allowed without surrounding parentheses", false);
    }
    if (paren) expect(Tok::RPar);
    return fin(n, s);
}

}  // namespace asy::parse
