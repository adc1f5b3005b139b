// Expression -> source text, exactly as CPython 3.11's C unparser (ast_unparse.c) renders the
// annotations that `from __future__ import annotations` stores as strings: minimal parentheses
// by precedence, constants by repr().
#include <cmath>
#include <cstdio>

#include <utf8proc.h>

#include "compiler/compiler_impl.hpp"
#include "lexer/lexer.hpp"
#include "parser/parser.hpp"

namespace asy::compile {

using namespace ast;

namespace {

// Precedence levels, lowest first (an operand printed at a level above its own is parenthesised).
enum Prec : int {
    kTuple, kTest, kOr, kAnd, kNot, kCmp, kBor, kBxor, kBand, kShift, kArith, kTerm, kFactor, kPower,
    kAwait, kAtom,
};

// repr(float), except that CPython writes infinities as 1e309 so the text evaluates back.
std::string float_text(double d) {
    if (std::isinf(d)) return d > 0 ? "1e309" : "-1e309";
    return parse::repr_float(d);
}

// repr(complex(0, d)): like float repr but without a forced ".0" ("2j", "2.5j", "1e+16j").
std::string imag_text(double d) {
    std::string s = float_text(d);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s + "j";
}



class Unparser {
public:
    std::string out;
    const Expr* forbidden = nullptr;  // first walrus/yield/await seen (not allowed in annotations)

    void expr(const Expr* e, int level) {
        if (!forbidden && (e->is<NamedExpr>() || e->is<Yield>() || e->is<YieldFrom>() || e->is<Await>()))
            forbidden = e;
        switch (e->kind) {
        case ExprKind::BoolOp: {
            auto* b = e->as<BoolOp>();
            int pr = b->op == BoolOpKind::And ? kAnd : kOr;
            open(level > pr);
            for (size_t i = 0; i < b->values.size(); ++i) {
                if (i) out += b->op == BoolOpKind::And ? " and " : " or ";
                expr(b->values[i], pr + 1);
            }
            close(level > pr);
            break;
        }
        case ExprKind::NamedExpr: {
            auto* n = e->as<NamedExpr>();
            open(level > kTuple);
            expr(n->target, kAtom);
            out += " := ";
            expr(n->value, kAtom);
            close(level > kTuple);
            break;
        }
        case ExprKind::BinOp: binop(e->as<BinOp>(), level); break;
        case ExprKind::UnaryOp: {
            auto* u = e->as<UnaryOp>();
            static const char* const kOps[] = {"~", "not ", "+", "-"};
            int pr = u->op == UnaryOpKind::Not ? kNot : kFactor;
            open(level > pr);
            out += kOps[static_cast<int>(u->op)];
            expr(u->operand, pr);
            close(level > pr);
            break;
        }
        case ExprKind::Lambda: {
            auto* l = e->as<Lambda>();
            open(level > kTest);
            out += l->args->posonlyargs.size() + l->args->args.size() ? "lambda " : "lambda";
            arguments(l->args);
            out += ": ";
            expr(l->body, kTest);
            close(level > kTest);
            break;
        }
        case ExprKind::IfExp: {
            auto* i = e->as<IfExp>();
            open(level > kTest);
            expr(i->body, kTest + 1);
            out += " if ";
            expr(i->test, kTest + 1);
            out += " else ";
            expr(i->orelse, kTest);
            close(level > kTest);
            break;
        }
        case ExprKind::Dict: {
            auto* d = e->as<Dict>();
            out += '{';
            for (size_t i = 0; i < d->values.size(); ++i) {
                if (i) out += ", ";
                if (d->keys[i]) {
                    expr(d->keys[i], kTest);
                    out += ": ";
                    expr(d->values[i], kTest);
                } else {
                    out += "**";
                    expr(d->values[i], kBor);
                }
            }
            out += '}';
            break;
        }
        case ExprKind::Set: seq("{", e->as<Set>()->elts, "}"); break;
        case ExprKind::ListComp: comp("[", e->as<ListComp>()->elt, nullptr, e->as<ListComp>()->generators, "]"); break;
        case ExprKind::SetComp: comp("{", e->as<SetComp>()->elt, nullptr, e->as<SetComp>()->generators, "}"); break;
        case ExprKind::DictComp: {
            auto* d = e->as<DictComp>();
            comp("{", d->key, d->value, d->generators, "}");
            break;
        }
        case ExprKind::GeneratorExp: {
            auto* g = e->as<GeneratorExp>();
            comp("(", g->elt, nullptr, g->generators, ")");
            break;
        }
        case ExprKind::Await:
            open(level > kAwait);
            out += "await ";
            expr(e->as<Await>()->value, kAtom);
            close(level > kAwait);
            break;
        case ExprKind::Yield:
            if (!e->as<Yield>()->value) {
                out += "(yield)";
            } else {
                out += "(yield ";
                expr(e->as<Yield>()->value, kTest);
                out += ")";
            }
            break;
        case ExprKind::YieldFrom:
            out += "(yield from ";
            expr(e->as<YieldFrom>()->value, kTest);
            out += ")";
            break;
        case ExprKind::Compare: {
            auto* c = e->as<Compare>();
            static const char* const kOps[] = {" == ", " != ", " < ", " <= ", " > ", " >= ",
                                               " is ", " is not ", " in ", " not in "};
            open(level > kCmp);
            expr(c->left, kCmp + 1);
            for (size_t i = 0; i < c->ops.size(); ++i) {
                out += kOps[static_cast<int>(c->ops[i])];
                expr(c->comparators[i], kCmp + 1);
            }
            close(level > kCmp);
            break;
        }
        case ExprKind::Call: call(e->as<Call>()); break;
        case ExprKind::FormattedValue:
        case ExprKind::JoinedStr: {
            std::string body;
            fstring_body(e, body);
            out += 'f';
            out += lex::repr_text(body);
            break;
        }
        case ExprKind::Constant: constant(e->as<Constant>()); break;
        case ExprKind::Attribute: {
            auto* a = e->as<Attribute>();
            expr(a->value, kAtom);
            // `1.real` would lex as a float: integers need a space before the dot.
            auto* c = a->value->as<Constant>();
            out += c && (c->ckind == ConstKind::Int || c->ckind == ConstKind::BigInt) ? " ." : ".";
            out += a->attr;
            break;
        }
        case ExprKind::Subscript: {
            auto* s = e->as<Subscript>();
            expr(s->value, kAtom);
            out += '[';
            auto* t = s->slice->as<Tuple>();
            if (t && !t->elts.empty()) {
                for (size_t i = 0; i < t->elts.size(); ++i) {
                    if (i) out += ", ";
                    expr(t->elts[i], kTest);
                }
                if (t->elts.size() == 1) out += ',';
            } else {
                expr(s->slice, kTuple);
            }
            out += ']';
            break;
        }
        case ExprKind::Starred:
            out += '*';
            expr(e->as<Starred>()->value, kBor);
            break;
        case ExprKind::Name: out += e->as<Name>()->id; break;
        case ExprKind::List: seq("[", e->as<List>()->elts, "]"); break;
        case ExprKind::Tuple: {
            auto& elts = e->as<Tuple>()->elts;
            if (elts.empty()) {
                out += "()";
                break;
            }
            open(level > kTuple);
            for (size_t i = 0; i < elts.size(); ++i) {
                if (i) out += ", ";
                expr(elts[i], kTest);
            }
            if (elts.size() == 1) out += ',';
            close(level > kTuple);
            break;
        }
        case ExprKind::Slice: {
            auto* s = e->as<Slice>();
            if (s->lower) expr(s->lower, kTest);
            out += ':';
            if (s->upper) expr(s->upper, kTest);
            if (s->step) {
                out += ':';
                expr(s->step, kTest);
            }
            break;
        }
        }
    }

private:
    void open(bool paren) {
        if (paren) out += '(';
    }
    void close(bool paren) {
        if (paren) out += ')';
    }

    void binop(const BinOp* b, int level) {
        static const char* const kOps[] = {" + ", " - ", " * ", " @ ", " / ", " % ", " ** ",
                                           " << ", " >> ", " | ", " ^ ", " & ", " // "};
        int pr = kTerm;
        switch (b->op) {
        case OperatorKind::Add: case OperatorKind::Sub: pr = kArith; break;
        case OperatorKind::LShift: case OperatorKind::RShift: pr = kShift; break;
        case OperatorKind::BitOr: pr = kBor; break;
        case OperatorKind::BitXor: pr = kBxor; break;
        case OperatorKind::BitAnd: pr = kBand; break;
        case OperatorKind::Pow: pr = kPower; break;
        default: break;
        }
        int rassoc = b->op == OperatorKind::Pow ? 1 : 0;
        open(level > pr);
        expr(b->left, pr + rassoc);
        out += kOps[static_cast<int>(b->op)];
        expr(b->right, pr + 1 - rassoc);
        close(level > pr);
    }

    void seq(const char* lb, const std::vector<Expr*>& elts, const char* rb) {
        out += lb;
        for (size_t i = 0; i < elts.size(); ++i) {
            if (i) out += ", ";
            expr(elts[i], kTest);
        }
        out += rb;
    }

    void comp(const char* lb, const Expr* elt, const Expr* val, const std::vector<Comprehension>& gens,
              const char* rb) {
        out += lb;
        expr(elt, kTest);
        if (val) {
            out += ": ";
            expr(val, kTest);
        }
        for (const Comprehension& g : gens) {
            out += g.is_async ? " async for " : " for ";
            expr(g.target, kTuple);
            out += " in ";
            expr(g.iter, kTest + 1);
            for (const Expr* i : g.ifs) {
                out += " if ";
                expr(i, kTest + 1);
            }
        }
        out += rb;
    }

    void call(const Call* c) {
        expr(c->func, kAtom);
        // A lone generator expression argument keeps only its own parentheses.
        if (c->args.size() == 1 && c->keywords.empty() && c->args[0]->is<GeneratorExp>()) {
            expr(c->args[0], kTest);
            return;
        }
        out += '(';
        bool first = true;
        for (const Expr* a : c->args) {
            if (!first) out += ", ";
            first = false;
            expr(a, kTest);
        }
        for (const Keyword& k : c->keywords) {
            if (!first) out += ", ";
            first = false;
            if (k.arg.empty()) {
                out += "**";
            } else {
                out += k.arg;
                out += '=';
            }
            expr(k.value, kTest);
        }
        out += ')';
    }

    void arg(const Arg& a) {
        out += a.arg;
        if (a.annotation) {
            out += ": ";
            expr(a.annotation, kTest);
        }
    }

    void arguments(const Arguments* a) {
        bool first = true;
        auto sep = [&] {
            if (!first) out += ", ";
            first = false;
        };
        size_t npos = a->posonlyargs.size(), nargs = a->args.size(), ndef = a->defaults.size();
        for (size_t i = 0; i < npos + nargs; ++i) {
            sep();
            arg(i < npos ? a->posonlyargs[i] : a->args[i - npos]);
            long di = static_cast<long>(i) - static_cast<long>(npos + nargs) + static_cast<long>(ndef);
            if (di >= 0) {
                out += '=';
                expr(a->defaults[di], kTest);
            }
            if (npos && i + 1 == npos) out += ", /";
        }
        if (a->vararg || !a->kwonlyargs.empty()) {
            sep();
            out += '*';
            if (a->vararg) arg(*a->vararg);
        }
        for (size_t i = 0; i < a->kwonlyargs.size(); ++i) {
            sep();
            arg(a->kwonlyargs[i]);
            if (i < a->kw_defaults.size() && a->kw_defaults[i]) {
                out += '=';
                expr(a->kw_defaults[i], kTest);
            }
        }
        if (a->kwarg) {
            sep();
            out += "**";
            arg(*a->kwarg);
        }
    }

    void constant(const Constant* c) {
        switch (c->ckind) {
        case ConstKind::None: out += "None"; break;
        case ConstKind::True: out += "True"; break;
        case ConstKind::False: out += "False"; break;
        case ConstKind::Ellipsis: out += "..."; break;
        case ConstKind::Int: out += std::to_string(c->int_value); break;
        case ConstKind::BigInt: out += c->text; break;
        case ConstKind::Float: out += float_text(c->float_value); break;
        case ConstKind::Complex: out += imag_text(c->float_value); break;
        case ConstKind::Str:
            if (c->u_prefix) out += 'u';
            out += lex::repr_text(c->text);
            break;
        case ConstKind::Bytes: out += vm::const_repr(vm::Constant{vm::BytesConst{c->text}}); break;
        }
    }

    // The text between an f-string's quotes: literal braces doubled, replacement fields as
    // `{expr!c:spec}` (a field whose expression starts with `{` gets a space).
    void fstring_body(const Expr* e, std::string& body) {
        if (auto* j = e->as<JoinedStr>()) {
            for (const Expr* v : j->values) fstring_body(v, body);
        } else if (auto* c = e->as<Constant>()) {
            for (char ch : c->text) {
                body += ch;
                if (ch == '{' || ch == '}') body += ch;
            }
        } else if (auto* f = e->as<FormattedValue>()) {
            Unparser inner;
            inner.expr(f->value, kTest + 1);
            if (!forbidden) forbidden = inner.forbidden;
            body += inner.out.starts_with("{") ? "{ " : "{";
            body += inner.out;
            if (f->conversion >= 0) {
                body += '!';
                body += static_cast<char>(f->conversion);
            }
            if (f->format_spec) {
                body += ':';
                fstring_body(f->format_spec, body);
            }
            body += '}';
        }
    }
};

}  // namespace

std::string unparse_expr(const Expr* e, const Expr** forbidden) {
    Unparser u;
    u.expr(e, kTest);
    if (forbidden) *forbidden = u.forbidden;
    return u.out;
}

}  // namespace asy::compile
