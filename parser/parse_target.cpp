// Assignment/deletion targets (Store/Del contexts and CPython's "cannot assign to ..."
// messages) and the `match` statement with its pattern grammar.
#include "parser/parser_impl.hpp"

namespace asy::parse {

using namespace asy::ast;

const char* Parser::expr_name(const Expr* e) {
    switch (e->kind) {
    case ExprKind::Attribute: return "attribute";
    case ExprKind::Subscript: return "subscript";
    case ExprKind::Starred: return "starred";
    case ExprKind::Name: return "name";
    case ExprKind::List: return "list";
    case ExprKind::Tuple: return "tuple";
    case ExprKind::Lambda: return "lambda";
    case ExprKind::Call: return "function call";
    case ExprKind::BoolOp: case ExprKind::BinOp: case ExprKind::UnaryOp: return "expression";
    case ExprKind::GeneratorExp: return "generator expression";
    case ExprKind::Yield: case ExprKind::YieldFrom: return "yield expression";
    case ExprKind::Await: return "await expression";
    case ExprKind::ListComp: return "list comprehension";
    case ExprKind::SetComp: return "set comprehension";
    case ExprKind::DictComp: return "dict comprehension";
    case ExprKind::Dict: return "dict literal";
    case ExprKind::Set: return "set display";
    case ExprKind::JoinedStr: case ExprKind::FormattedValue: return "f-string expression";
    case ExprKind::Constant:
        switch (e->as<Constant>()->ckind) {
        case ConstKind::None: return "None";
        case ConstKind::True: return "True";
        case ConstKind::False: return "False";
        case ConstKind::Ellipsis: return "ellipsis";
        default: return "literal";
        }
    case ExprKind::Compare: return "comparison";
    case ExprKind::IfExp: return "conditional expression";
    case ExprKind::NamedExpr: return "named expression";
    case ExprKind::Slice: return "slice";
    }
    return "expression";
}

void Parser::set_store(Expr* e, TargetUse use) {
    switch (e->kind) {
    case ExprKind::Name: e->as<Name>()->ctx = ExprContext::Store; return;
    case ExprKind::Attribute: e->as<Attribute>()->ctx = ExprContext::Store; return;
    case ExprKind::Subscript: e->as<Subscript>()->ctx = ExprContext::Store; return;
    case ExprKind::Starred:
        e->as<Starred>()->ctx = ExprContext::Store;
        set_store(e->as<Starred>()->value, use == TargetUse::AssignHere ? TargetUse::Assign : use);
        return;
    case ExprKind::Tuple:
        e->as<Tuple>()->ctx = ExprContext::Store;
        for (Expr* x : e->as<Tuple>()->elts) set_store(x, use == TargetUse::AssignHere ? TargetUse::Assign : use);
        return;
    case ExprKind::List:
        e->as<List>()->ctx = ExprContext::Store;
        for (Expr* x : e->as<List>()->elts) set_store(x, use == TargetUse::AssignHere ? TargetUse::Assign : use);
        return;
    default: break;
    }
    if ((use == TargetUse::Assign || use == TargetUse::AssignHere) && (e->is<Yield>() || e->is<YieldFrom>()))
        error_loc(e->loc, "assignment to yield expression not possible");
    if (use == TargetUse::AssignHere)
        error_loc(e->loc, std::string("cannot assign to ") + expr_name(e) + " here. Maybe you meant '==' instead of '='?");
    error_loc(e->loc, std::string("cannot assign to ") + expr_name(e));
}

void Parser::set_del(Expr* e) {
    switch (e->kind) {
    case ExprKind::Name: e->as<Name>()->ctx = ExprContext::Del; return;
    case ExprKind::Attribute: e->as<Attribute>()->ctx = ExprContext::Del; return;
    case ExprKind::Subscript: e->as<Subscript>()->ctx = ExprContext::Del; return;
    case ExprKind::Tuple:
        e->as<Tuple>()->ctx = ExprContext::Del;
        for (Expr* x : e->as<Tuple>()->elts) set_del(x);
        return;
    case ExprKind::List:
        e->as<List>()->ctx = ExprContext::Del;
        for (Expr* x : e->as<List>()->elts) set_del(x);
        return;
    default: break;
    }
    error_loc(e->loc, std::string("cannot delete ") + expr_name(e));
}

// ---- match -------------------------------------------------------------------------------

Stmt* Parser::match_stmt() {
    const Token& s = cur();
    Expr* subject = nullptr;
    bool is_match = speculate([&] {
        advance();
        const Token& ss = cur();
        Expr* e = star_named_expression();
        if (at(Tok::Comma)) {
            auto* t = make<Tuple>();
            t->elts.push_back(e);
            while (accept(Tok::Comma)) {
                if (at(Tok::Colon)) break;
                t->elts.push_back(star_named_expression());
            }
            e = fin(t, ss);
        } else if (e->is<Starred>()) {
            invalid_syntax();
        }
        if (!at(Tok::Colon)) invalid_syntax();
        subject = e;
    });
    if (!is_match) return nullptr;
    advance();  // ':'
    auto* m = make<MatchStmt>();
    m->subject = subject;
    expect(Tok::Newline);
    if (!at(Tok::Indent))
        error_at(cur(), "expected an indented block after 'match' statement on line " + std::to_string(s.line), false,
                 DiagKind::IndentationError);
    advance();
    while (at_soft("case")) {
        const Token& c = advance();
        MatchCase mc;
        mc.pattern = patterns();
        if (accept(Tok::If)) mc.guard = named_expression();
        expect_colon();
        mc.body = block("'case' statement", c.line);
        m->cases.push_back(std::move(mc));
    }
    if (m->cases.empty()) invalid_syntax();
    if (!accept(Tok::Dedent) && !at(Tok::EndMarker)) invalid_syntax();
    return fin(m, s);
}

Pattern* Parser::make_pattern(PatternKind k) { return arena_->make<Pattern>(k); }

Pattern* Parser::patterns() {
    const Token& s = cur();
    Pattern* p = pattern();
    if (!at(Tok::Comma)) return p;
    Pattern* seq = make_pattern(PatternKind::MatchSequence);
    seq->patterns.push_back(p);
    while (accept(Tok::Comma)) {
        if (at(Tok::Colon) || at(Tok::If)) break;
        seq->patterns.push_back(pattern());
    }
    return fin(seq, s);
}

Pattern* Parser::pattern() {
    const Token& s = cur();
    Pattern* p = or_pattern();
    if (!accept(Tok::As)) return p;
    const Token& n = cur();
    if (at_soft("_")) error_at(n, "cannot use '_' as a target");
    if (!at(Tok::Name)) invalid_syntax();
    advance();
    Pattern* a = make_pattern(PatternKind::MatchAs);
    a->pattern = p;
    a->name = std::string(n.text);
    return fin(a, s);
}

Pattern* Parser::or_pattern() {
    const Token& s = cur();
    Pattern* p = closed_pattern();
    if (!at(Tok::VBar)) return p;
    Pattern* o = make_pattern(PatternKind::MatchOr);
    o->patterns.push_back(p);
    while (accept(Tok::VBar)) o->patterns.push_back(closed_pattern());
    return fin(o, s);
}

// Signed real or complex number literal: -1, 2.5, 1+2j, -1-2j.
Expr* Parser::signed_number_or_complex() {
    const Token& s = cur();
    auto number = [&]() -> Expr* {
        if (!at(Tok::Number)) invalid_syntax();
        return atom();
    };
    Expr* e;
    if (at(Tok::Minus)) {
        advance();
        auto* u = make<UnaryOp>();
        u->op = UnaryOpKind::USub;
        u->operand = number();
        e = fin(u, s);
    } else {
        e = number();
    }
    if (at(Tok::Plus) || at(Tok::Minus)) {
        bool plus = at(Tok::Plus);
        advance();
        Expr* imag = number();
        if (!imag->is<Constant>() || imag->as<Constant>()->ckind != ConstKind::Complex)
            error_loc(imag->loc, "imaginary number required in complex literal");
        auto* b = make<BinOp>();
        b->left = e;
        b->op = plus ? OperatorKind::Add : OperatorKind::Sub;
        b->right = imag;
        b->loc = span(e->loc, imag->loc);
        e = b;
    }
    return e;
}

Pattern* Parser::closed_pattern() {
    const Token& s = cur();
    auto star = [&]() -> Pattern* {
        const Token& st = advance();
        Pattern* p = make_pattern(PatternKind::MatchStar);
        const Token& n = expect(Tok::Name);
        if (n.text != "_") p->name = std::string(n.text);
        return fin(p, st);
    };
    auto seq_items = [&](Pattern* seq, Tok closer) {
        while (!at(closer)) {
            seq->patterns.push_back(at(Tok::Star) ? star() : pattern());
            if (!accept(Tok::Comma)) break;
        }
        expect(closer);
    };
    switch (s.kind) {
    case Tok::Number: case Tok::Minus: {
        Pattern* p = make_pattern(PatternKind::MatchValue);
        p->value = signed_number_or_complex();
        return fin(p, s);
    }
    case Tok::String: {
        Pattern* p = make_pattern(PatternKind::MatchValue);
        p->value = strings();
        if (p->value->is<JoinedStr>()) error_loc(p->value->loc, "patterns may only match literals and attribute lookups");
        return fin(p, s);
    }
    case Tok::None: case Tok::True: case Tok::False: {
        Pattern* p = make_pattern(PatternKind::MatchSingleton);
        p->value = atom();
        return fin(p, s);
    }
    case Tok::Star: return star();
    case Tok::LPar: {
        advance();
        if (accept(Tok::RPar)) return fin(make_pattern(PatternKind::MatchSequence), s);
        Pattern* first = at(Tok::Star) ? star() : pattern();
        if (accept(Tok::RPar)) {
            if (first->kind == PatternKind::MatchStar) {
                Pattern* seq = make_pattern(PatternKind::MatchSequence);
                seq->patterns.push_back(first);
                return fin(seq, s);
            }
            return first;  // group
        }
        expect(Tok::Comma);
        Pattern* seq = make_pattern(PatternKind::MatchSequence);
        seq->patterns.push_back(first);
        seq_items(seq, Tok::RPar);
        return fin(seq, s);
    }
    case Tok::LSqb: {
        advance();
        Pattern* seq = make_pattern(PatternKind::MatchSequence);
        seq_items(seq, Tok::RSqb);
        return fin(seq, s);
    }
    case Tok::LBrace: {
        advance();
        Pattern* m = make_pattern(PatternKind::MatchMapping);
        while (!at(Tok::RBrace)) {
            if (accept(Tok::DoubleStar)) {
                m->rest = std::string(expect(Tok::Name).text);
                accept(Tok::Comma);
                break;
            }
            Expr* key;
            if (at(Tok::Number) || at(Tok::Minus)) key = signed_number_or_complex();
            else if (at(Tok::String) || at(Tok::None) || at(Tok::True) || at(Tok::False)) key = atom();
            else if (at(Tok::Name)) {
                key = atom();
                if (!at(Tok::Dot)) invalid_syntax();
                while (accept(Tok::Dot)) {
                    auto* a = make<Attribute>();
                    a->value = key;
                    a->attr = std::string(expect(Tok::Name).text);
                    a->loc = {key->loc.line, key->loc.col, prev_.end_line, prev_.end_col};
                    key = a;
                }
            } else {
                invalid_syntax();
            }
            expect_colon();
            m->keys.push_back(key);
            m->patterns.push_back(pattern());
            if (!accept(Tok::Comma)) break;
        }
        expect(Tok::RBrace);
        return fin(m, s);
    }
    case Tok::Name: {
        advance();
        Expr* name_or_attr = nullptr;
        if (at(Tok::Dot) || at(Tok::LPar)) {
            auto* n = make<Name>();
            n->id = std::string(s.text);
            name_or_attr = fin(n, s);
            while (accept(Tok::Dot)) {
                auto* a = make<Attribute>();
                a->value = name_or_attr;
                a->attr = std::string(expect(Tok::Name).text);
                a->loc = loc_from(s);
                name_or_attr = a;
            }
        }
        if (!name_or_attr) {
            Pattern* p = make_pattern(PatternKind::MatchAs);
            if (s.text != "_") p->name = std::string(s.text);
            return fin(p, s);
        }
        if (!at(Tok::LPar)) {
            Pattern* p = make_pattern(PatternKind::MatchValue);
            p->value = name_or_attr;
            return fin(p, s);
        }
        advance();
        Pattern* c = make_pattern(PatternKind::MatchClass);
        c->cls = name_or_attr;
        while (!at(Tok::RPar)) {
            if (at(Tok::Name) && peek().kind == Tok::Equal) {
                c->kwd_attrs.emplace_back(advance().text);
                advance();
                c->kwd_patterns.push_back(pattern());
            } else {
                const Token& ps = cur();
                Pattern* p = pattern();
                if (!c->kwd_attrs.empty()) {
                    p->loc = loc_from(ps);
                    error_loc(p->loc, "positional patterns follow keyword patterns");
                }
                c->patterns.push_back(p);
            }
            if (!accept(Tok::Comma)) break;
        }
        expect(Tok::RPar);
        return fin(c, s);
    }
    default: invalid_syntax();
    }
}

}  // namespace asy::parse
