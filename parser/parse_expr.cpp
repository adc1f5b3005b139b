// Expression grammar of Python 3.11: recursive descent for the boolean/comparison/unary
// layers and atoms, Pratt parsing (a precedence table keyed by token kind) for the binary
// operators, calls, subscripts/slices, displays, comprehensions, lambda and parameters.
#include <array>

#include "parser/parser_impl.hpp"

namespace asy::parse {

using namespace asy::ast;

namespace {

// Keeps Parser::bracket_depth_ balanced even when a parse error unwinds.
struct BracketScope {
    int& depth;
    explicit BracketScope(int& d) : depth(d) { depth++; }
    ~BracketScope() { depth--; }
};

// Bounds the recursion of the expression parser so no input can overflow the C++ stack
// (and the compiler never sees an absurdly deep AST).
constexpr int kMaxNesting = 1000;
struct NestingScope {
    Parser& p;
    explicit NestingScope(Parser& parser) : p(parser) {
        if (++p.nesting_ > kMaxNesting) {
            p.nesting_ = 0;  // let the error path parse normally
            p.error_at(p.cur(), "too many nested expressions (maximum depth exceeded)", false);
        }
    }
    ~NestingScope() {
        if (p.nesting_ > 0) p.nesting_--;
    }
};

struct BinInfo {
    int8_t prec = 0;  // 0: not a binary operator
    OperatorKind op = OperatorKind::Add;
};

constexpr size_t kTokCount = 0
#define TOKEN(name, text) +1
#include "lexer/token_kinds.def"
    ;

// Binary operator precedence, lowest first: | ^ & (<< >>) (+ -) (* / // % @). `**` binds
// tighter than unary minus and is handled in power().
constexpr std::array<BinInfo, kTokCount> make_bin_table() {
    std::array<BinInfo, kTokCount> t{};
    auto set = [&t](Tok k, int p, OperatorKind op) { t[static_cast<size_t>(k)] = BinInfo{static_cast<int8_t>(p), op}; };
    set(Tok::VBar, 1, OperatorKind::BitOr);
    set(Tok::Circumflex, 2, OperatorKind::BitXor);
    set(Tok::Amper, 3, OperatorKind::BitAnd);
    set(Tok::LeftShift, 4, OperatorKind::LShift);
    set(Tok::RightShift, 4, OperatorKind::RShift);
    set(Tok::Plus, 5, OperatorKind::Add);
    set(Tok::Minus, 5, OperatorKind::Sub);
    set(Tok::Star, 6, OperatorKind::Mult);
    set(Tok::Slash, 6, OperatorKind::Div);
    set(Tok::DoubleSlash, 6, OperatorKind::FloorDiv);
    set(Tok::Percent, 6, OperatorKind::Mod);
    set(Tok::At, 6, OperatorKind::MatMult);
    return t;
}
constexpr auto kBinTable = make_bin_table();

}  // namespace

bool Parser::starts_expression(const Token& t) const {
    switch (t.kind) {
    case Tok::Name: case Tok::Number: case Tok::String: case Tok::LPar: case Tok::LSqb: case Tok::LBrace:
    case Tok::Minus: case Tok::Plus: case Tok::Tilde: case Tok::Not: case Tok::Lambda: case Tok::Await:
    case Tok::True: case Tok::False: case Tok::None: case Tok::Ellipsis:
        return true;
    default:
        return false;
    }
}

Expr* Parser::star_expressions() {
    const Token& s = cur();
    Expr* e = star_expression();
    if (!at(Tok::Comma)) return e;
    auto* t = make<Tuple>();
    t->elts.push_back(e);
    while (accept(Tok::Comma)) {
        if (!starts_expression(cur()) && !at(Tok::Star)) break;
        t->elts.push_back(star_expression());
    }
    return fin(t, s);
}

Expr* Parser::star_expression() {
    if (at(Tok::Star)) {
        const Token& s = advance();
        auto* st = make<Starred>();
        st->value = bitwise_or();
        return fin(st, s);
    }
    return expression();
}

Expr* Parser::star_named_expression() {
    if (at(Tok::Star)) {
        const Token& s = advance();
        auto* st = make<Starred>();
        st->value = bitwise_or();
        return fin(st, s);
    }
    return named_expression();
}

Expr* Parser::named_expression() {
    const Token& s = cur();
    if (at(Tok::Name) && peek().kind == Tok::ColonEqual) {
        auto* target = make<Name>();
        target->id = std::string(advance().text);
        target->ctx = ExprContext::Store;
        target->loc = loc_from(s);
        advance();
        auto* n = make<NamedExpr>();
        n->target = target;
        n->value = expression();
        return fin(n, s);
    }
    Expr* e = expression();
    if (at(Tok::ColonEqual)) error_loc(e->loc, std::string("cannot use assignment expressions with ") + expr_name(e));
    return e;
}

Expr* Parser::expression() {
    NestingScope guard(*this);
    if (at(Tok::Lambda)) return lambdef();
    const Token& s = cur();
    Expr* d = disjunction();
    if (!at(Tok::If)) return d;
    advance();
    Expr* test = disjunction();
    if (!accept(Tok::Else)) error_loc(span(d->loc, test->loc), "expected 'else' after 'if' expression");
    auto* n = make<IfExp>();
    n->body = d;
    n->test = test;
    n->orelse = expression();
    return fin(n, s);
}

Expr* Parser::disjunction() {
    const Token& s = cur();
    Expr* e = conjunction();
    if (!at(Tok::Or)) return e;
    auto* b = make<BoolOp>();
    b->op = BoolOpKind::Or;
    b->values.push_back(e);
    while (accept(Tok::Or)) b->values.push_back(conjunction());
    return fin(b, s);
}

Expr* Parser::conjunction() {
    const Token& s = cur();
    Expr* e = inversion();
    if (!at(Tok::And)) return e;
    auto* b = make<BoolOp>();
    b->op = BoolOpKind::And;
    b->values.push_back(e);
    while (accept(Tok::And)) b->values.push_back(inversion());
    return fin(b, s);
}

Expr* Parser::inversion() {
    NestingScope guard(*this);
    if (at(Tok::Not)) {
        const Token& s = advance();
        auto* u = make<UnaryOp>();
        u->op = UnaryOpKind::Not;
        u->operand = inversion();
        return fin(u, s);
    }
    return comparison();
}

Expr* Parser::comparison() {
    const Token& s = cur();
    Expr* e = bitwise_or();
    Compare* c = nullptr;
    for (;;) {
        CmpOpKind op;
        switch (cur().kind) {
        case Tok::EqEqual: op = CmpOpKind::Eq; break;
        case Tok::NotEqual: op = CmpOpKind::NotEq; break;
        case Tok::Less: op = CmpOpKind::Lt; break;
        case Tok::LessEqual: op = CmpOpKind::LtE; break;
        case Tok::Greater: op = CmpOpKind::Gt; break;
        case Tok::GreaterEqual: op = CmpOpKind::GtE; break;
        case Tok::In: op = CmpOpKind::In; break;
        case Tok::Is: op = CmpOpKind::Is; break;
        case Tok::Not:
            if (peek().kind != Tok::In) goto done;
            op = CmpOpKind::NotIn;
            advance();
            break;
        default: goto done;
        }
        advance();
        if (op == CmpOpKind::Is && accept(Tok::Not)) op = CmpOpKind::IsNot;
        if (!c) {
            c = make<Compare>();
            c->left = e;
        }
        c->ops.push_back(op);
        c->comparators.push_back(bitwise_or());
    }
done:
    if (!c) return e;
    return fin(c, s);
}

Expr* Parser::binary(int min_prec) {
    // Spans run from the first token (an opening parenthesis included) to the last one read,
    // as CPython's do: `(a) + (b)` covers both parentheses.
    const Token& s = cur();
    Expr* left = factor();
    for (;;) {
        const BinInfo& bi = kBinTable[static_cast<size_t>(cur().kind)];
        if (bi.prec == 0 || bi.prec < min_prec) return left;
        advance();
        Expr* right = binary(bi.prec + 1);
        auto* b = make<BinOp>();
        b->left = left;
        b->op = bi.op;
        b->right = right;
        fin(b, s);
        left = b;
    }
}

Expr* Parser::factor() {
    NestingScope guard(*this);
    UnaryOpKind op;
    switch (cur().kind) {
    case Tok::Minus: op = UnaryOpKind::USub; break;
    case Tok::Plus: op = UnaryOpKind::UAdd; break;
    case Tok::Tilde: op = UnaryOpKind::Invert; break;
    default: return power();
    }
    const Token& s = advance();
    auto* u = make<UnaryOp>();
    u->op = op;
    u->operand = factor();
    return fin(u, s);
}

Expr* Parser::power() {
    const Token& start = cur();
    Expr* e;
    if (at(Tok::Await)) {
        const Token& s = advance();
        auto* a = make<Await>();
        a->value = primary();
        e = fin(a, s);
    } else {
        e = primary();
    }
    if (!at(Tok::DoubleStar)) return e;
    advance();
    auto* b = make<BinOp>();
    b->left = e;
    b->op = OperatorKind::Pow;
    b->right = factor();
    fin(b, start);
    return b;
}

Expr* Parser::primary() {
    const Token& start = cur();
    Expr* e = atom();
    for (;;) {
        switch (cur().kind) {
        case Tok::Dot: {
            advance();
            auto* a = make<Attribute>();
            a->value = e;
            a->attr = std::string(expect(Tok::Name).text);
            fin(a, start);
            e = a;
            break;
        }
        case Tok::LPar: {
            const Token& open = advance();
            auto* c = make<Call>();
            c->func = e;
            call_args(c->args, c->keywords, open);
            fin(c, start);
            e = c;
            break;
        }
        case Tok::LSqb: {
            advance();
            auto* s = make<Subscript>();
            s->value = e;
            {
                BracketScope b(bracket_depth_);
                s->slice = slices();
                if (!at(Tok::RSqb)) missing_comma(s->slice);
            }
            advance();
            fin(s, start);
            e = s;
            break;
        }
        default: return e;
        }
    }
}

void Parser::call_args(std::vector<Expr*>& args, std::vector<Keyword>& kws, const Token& open, bool allow_genexp) {
    BracketScope b(bracket_depth_);
    bool seen_kw = false, seen_dstar = false;
    while (!at(Tok::RPar)) {
        const Token& s = cur();
        Expr* last = nullptr;
        if (at(Tok::Star)) {
            advance();
            auto* st = make<Starred>();
            st->value = expression();
            fin(st, s);
            if (seen_dstar)
                error_point(st->loc.line, st->loc.col, "iterable argument unpacking follows keyword argument unpacking");
            args.push_back(st);
            last = st;
        } else if (at(Tok::DoubleStar)) {
            advance();
            Keyword k;
            k.value = expression();
            k.loc = loc_from(s);
            kws.push_back(k);
            seen_dstar = true;
            last = k.value;
        } else if (at(Tok::Name) && peek().kind == Tok::Equal) {
            Keyword k;
            k.arg = std::string(advance().text);
            advance();
            k.value = expression();
            k.loc = loc_from(s);
            kws.push_back(k);
            seen_kw = true;
            last = k.value;
        } else {
            Expr* e = named_expression();
            if (at_comp_for()) {
                if (!allow_genexp) error_at(cur(), "invalid syntax");
                auto* g = make<GeneratorExp>();
                g->elt = e;
                g->generators = comp_fors();
                bool alone = args.empty() && kws.empty() && (at(Tok::RPar) || (at(Tok::Comma) && peek().kind == Tok::RPar));
                if (!alone) error_loc(loc_from(s), "Generator expression must be parenthesized");
                accept(Tok::Comma);
                g->loc = {open.line, open.col, cur().end_line, cur().end_col};
                args.push_back(g);
                break;
            }
            if (at(Tok::Equal)) {
                if (e->is<NamedExpr>()) invalid_syntax();
                const Token& eq = cur();
                error_loc({e->loc.line, e->loc.col, eq.end_line, eq.end_col},
                          "expression cannot contain assignment, perhaps you meant \"==\"?");
            }
            // CPython reports these at the token after the argument
            if (seen_dstar) error_at(cur(), "positional argument follows keyword argument unpacking", false);
            if (seen_kw) error_at(cur(), "positional argument follows keyword argument", false);
            args.push_back(e);
            last = e;
        }
        if (!accept(Tok::Comma)) {
            if (!at(Tok::RPar)) missing_comma(last);
            break;
        }
    }
    expect(Tok::RPar);
}

Expr* Parser::atom() {
    const Token& s = cur();
    switch (s.kind) {
    case Tok::Name: {
        advance();
        auto* n = make<Name>();
        n->id = std::string(s.text);
        return fin(n, s);
    }
    case Tok::True: case Tok::False: case Tok::None: case Tok::Ellipsis: {
        advance();
        auto* c = make<Constant>();
        c->ckind = s.kind == Tok::True ? ConstKind::True
                 : s.kind == Tok::False ? ConstKind::False
                 : s.kind == Tok::None ? ConstKind::None : ConstKind::Ellipsis;
        return fin(c, s);
    }
    case Tok::Number: {
        advance();
        auto* c = make<Constant>();
        lex::NumberValue v = lex::parse_number(s.text);
        switch (v.kind) {
        case lex::NumKind::Int: c->ckind = ConstKind::Int; c->int_value = v.int_value; break;
        case lex::NumKind::BigInt: c->ckind = ConstKind::BigInt; c->text = std::move(v.digits); break;
        case lex::NumKind::Float: c->ckind = ConstKind::Float; c->float_value = v.float_value; break;
        case lex::NumKind::Complex: c->ckind = ConstKind::Complex; c->float_value = v.float_value; break;
        }
        return fin(c, s);
    }
    case Tok::String: return strings();
    case Tok::LPar: return paren_atom();
    case Tok::LSqb: return list_atom();
    case Tok::LBrace: return brace_atom();
    default: invalid_syntax();
    }
}

Expr* Parser::paren_atom() {
    const Token& s = advance();
    BracketScope b(bracket_depth_);
    if (accept(Tok::RPar)) return fin(make<Tuple>(), s);
    if (at(Tok::Yield)) {
        Expr* y = yield_expr();
        expect(Tok::RPar);
        return y;
    }
    Expr* first = star_named_expression();
    if (at_comp_for()) {
        if (first->is<Starred>()) error_loc(first->loc, "iterable unpacking cannot be used in comprehension");
        auto* g = make<GeneratorExp>();
        g->elt = first;
        g->generators = comp_fors();
        if (!at(Tok::RPar)) invalid_syntax();
        advance();
        return fin(g, s);
    }
    if (at(Tok::Comma)) {
        auto* t = make<Tuple>();
        t->elts.push_back(first);
        while (accept(Tok::Comma)) {
            if (at(Tok::RPar)) break;
            t->elts.push_back(star_named_expression());
        }
        if (!at(Tok::RPar)) missing_comma(t->elts.back());
        advance();
        return fin(t, s);
    }
    if (!at(Tok::RPar)) missing_comma(first);
    advance();
    if (first->is<Starred>()) error_loc(first->loc, "cannot use starred expression here");
    return first;
}

Expr* Parser::list_atom() {
    const Token& s = advance();
    BracketScope b(bracket_depth_);
    auto* l = make<List>();
    if (accept(Tok::RSqb)) return fin(l, s);
    Expr* first = star_named_expression();
    if (at_comp_for()) {
        if (first->is<Starred>()) error_loc(first->loc, "iterable unpacking cannot be used in comprehension");
        auto* c = make<ListComp>();
        c->elt = first;
        c->generators = comp_fors();
        if (!at(Tok::RSqb)) invalid_syntax();
        advance();
        return fin(c, s);
    }
    l->elts.push_back(first);
    while (accept(Tok::Comma)) {
        if (at(Tok::RSqb)) break;
        l->elts.push_back(star_named_expression());
    }
    if (!at(Tok::RSqb)) missing_comma(l->elts.back());
    advance();
    return fin(l, s);
}

Expr* Parser::brace_atom() {
    const Token& s = advance();
    BracketScope b(bracket_depth_);
    if (accept(Tok::RBrace)) return fin(make<Dict>(), s);
    auto dict_value = [&]() -> Expr* {
        if (at(Tok::Star)) {
            const Token& st = advance();
            Expr* v = bitwise_or();
            error_loc({st.line, st.col, v->loc.end_line, v->loc.end_col},
                      "cannot use a starred expression in a dictionary value");
        }
        return expression();
    };
    auto dict_rest = [&](Dict* d) {
        while (accept(Tok::Comma)) {
            if (at(Tok::RBrace)) break;
            if (accept(Tok::DoubleStar)) {
                d->keys.push_back(nullptr);
                d->values.push_back(bitwise_or());
                continue;
            }
            Expr* k = expression();
            if (!accept(Tok::Colon)) {
                if (at(Tok::Comma) || at(Tok::RBrace)) error_loc(k->loc, "':' expected after dictionary key");
                missing_comma(k);
            }
            d->keys.push_back(k);
            d->values.push_back(dict_value());
        }
        if (!at(Tok::RBrace)) missing_comma(d->values.back());
        advance();
        return fin(d, s);
    };
    if (accept(Tok::DoubleStar)) {
        auto* d = make<Dict>();
        d->keys.push_back(nullptr);
        d->values.push_back(bitwise_or());
        return dict_rest(d);
    }
    Expr* first = star_named_expression();
    if (at(Tok::Colon) && !first->is<Starred>()) {
        advance();
        Expr* v = dict_value();
        if (at_comp_for()) {
            auto* c = make<DictComp>();
            c->key = first;
            c->value = v;
            c->generators = comp_fors();
            if (!at(Tok::RBrace)) invalid_syntax();
            advance();
            return fin(c, s);
        }
        auto* d = make<Dict>();
        d->keys.push_back(first);
        d->values.push_back(v);
        return dict_rest(d);
    }
    if (at_comp_for()) {
        if (first->is<Starred>()) error_loc(first->loc, "iterable unpacking cannot be used in comprehension");
        auto* c = make<SetComp>();
        c->elt = first;
        c->generators = comp_fors();
        if (!at(Tok::RBrace)) invalid_syntax();
        advance();
        return fin(c, s);
    }
    auto* st = make<Set>();
    st->elts.push_back(first);
    while (accept(Tok::Comma)) {
        if (at(Tok::RBrace)) break;
        st->elts.push_back(star_named_expression());
    }
    if (!at(Tok::RBrace)) missing_comma(st->elts.back());
    advance();
    return fin(st, s);
}

std::vector<Comprehension> Parser::comp_fors() {
    std::vector<Comprehension> out;
    while (at_comp_for()) {
        Comprehension c;
        c.is_async = accept(Tok::Async);
        expect(Tok::For);
        c.target = star_targets();
        expect(Tok::In);
        c.iter = disjunction();
        while (accept(Tok::If)) c.ifs.push_back(disjunction());
        out.push_back(std::move(c));
    }
    return out;
}

Expr* Parser::star_target() {
    if (at(Tok::Star)) {
        const Token& s = advance();
        auto* st = make<Starred>();
        st->value = bitwise_or();
        return fin(st, s);
    }
    return bitwise_or();
}

Expr* Parser::star_targets() {
    const Token& s = cur();
    Expr* e = star_target();
    if (at(Tok::Comma)) {
        auto* t = make<Tuple>();
        t->elts.push_back(e);
        while (accept(Tok::Comma)) {
            if (at(Tok::In) || at(Tok::Equal)) break;
            t->elts.push_back(star_target());
        }
        e = fin(t, s);
    }
    set_store(e, TargetUse::For);
    return e;
}

Expr* Parser::slices() {
    const Token& s = cur();
    Expr* first = slice();
    if (!at(Tok::Comma) && !first->is<Starred>()) return first;
    auto* t = make<Tuple>();
    t->elts.push_back(first);
    while (accept(Tok::Comma)) {
        if (at(Tok::RSqb)) break;
        t->elts.push_back(slice());
    }
    return fin(t, s);
}

Expr* Parser::slice() {
    const Token& s = cur();
    if (at(Tok::Star)) {
        advance();
        auto* st = make<Starred>();
        st->value = bitwise_or();
        return fin(st, s);
    }
    Expr* lower = nullptr;
    if (!at(Tok::Colon)) {
        lower = named_expression();
        if (!at(Tok::Colon)) return lower;
    }
    advance();
    auto* sl = make<Slice>();
    sl->lower = lower;
    if (!at(Tok::Colon) && !at(Tok::Comma) && !at(Tok::RSqb)) sl->upper = expression();
    if (accept(Tok::Colon)) {
        if (!at(Tok::Comma) && !at(Tok::RSqb)) sl->step = expression();
    }
    return fin(sl, s);
}

Expr* Parser::yield_expr() {
    const Token& s = advance();
    if (accept(Tok::From)) {
        auto* y = make<YieldFrom>();
        y->value = expression();
        return fin(y, s);
    }
    auto* y = make<Yield>();
    if (starts_expression(cur()) || at(Tok::Star)) y->value = star_expressions();
    return fin(y, s);
}

Expr* Parser::lambdef() {
    const Token& s = advance();
    auto* l = make<Lambda>();
    l->args = parameters(true, Tok::Colon);
    expect_colon();
    l->body = expression();
    return fin(l, s);
}

Arguments* Parser::parameters(bool is_lambda, Tok closer) {
    auto* a = make<Arguments>();
    const Token& s = cur();
    bool seen_default = false, seen_star = false, seen_slash = false;
    const Token* star_tok = nullptr;
    auto param = [&]() {
        Arg p;
        const Token& n = cur();
        p.arg = std::string(expect(Tok::Name).text);
        if (!is_lambda && accept(Tok::Colon)) {
            p.annotation = at(Tok::Star) ? star_expression() : expression();
        }
        p.loc = loc_from(n);
        return p;
    };
    while (!at(closer)) {
        if (a->kwarg) error_at(cur(), "arguments cannot follow var-keyword argument", false);
        if (at(Tok::Slash)) {
            const Token& t = advance();
            if (seen_slash) error_at(t, "/ may appear only once");
            if (seen_star) error_at(t, "/ must be ahead of *");
            if (a->args.empty()) error_at(t, "at least one argument must precede /");
            a->posonlyargs = std::move(a->args);
            a->args.clear();
            seen_slash = true;
        } else if (at(Tok::Star)) {
            const Token& t = advance();
            if (seen_star) error_at(t, "* argument may appear only once");
            seen_star = true;
            star_tok = &t;
            if (!at(Tok::Comma) && !at(closer)) {
                a->vararg = arena_->make_arg();
                *a->vararg = param();
                if (at(Tok::Equal)) error_at(cur(), "var-positional argument cannot have default value");
            }
        } else if (at(Tok::DoubleStar)) {
            advance();
            a->kwarg = arena_->make_arg();
            *a->kwarg = param();
            if (at(Tok::Equal)) error_at(cur(), "var-keyword argument cannot have default value");
        } else {
            Arg p = param();
            Expr* def = nullptr;
            if (accept(Tok::Equal)) def = expression();
            if (seen_star) {
                a->kwonlyargs.push_back(std::move(p));
                a->kw_defaults.push_back(def);
            } else {
                if (def) {
                    seen_default = true;
                    a->defaults.push_back(def);
                } else if (seen_default) {
                    error_loc(p.loc, "non-default argument follows default argument");
                }
                a->args.push_back(std::move(p));
            }
        }
        if (!accept(Tok::Comma)) break;
    }
    if (seen_star && !a->vararg && a->kwonlyargs.empty()) error_at(*star_tok, "named arguments must follow bare *");
    if (!at(closer)) {
        if (closer == Tok::Colon) expect_colon();
        invalid_syntax();
    }
    a->loc = loc_from(s);
    return a;
}

}  // namespace asy::parse
