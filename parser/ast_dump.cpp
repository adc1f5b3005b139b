// dump(): renders an AST exactly like CPython 3.11's `ast.dump(tree)` (no positions), so tests
// can compare against python3 output directly. Includes Python-style repr of constants.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <utf8proc.h>

#include "lexer/lexer.hpp"
#include "parser/parser.hpp"

namespace asy::parse {

using namespace asy::ast;

namespace {

std::string repr_bytes(const std::string& s) {
    bool has_sq = s.find('\'') != std::string::npos, has_dq = s.find('"') != std::string::npos;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    std::string out = "b";
    out += q;
    char buf[8];
    for (unsigned char c : s) {
        if (c == static_cast<unsigned char>(q) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c < 0x20 || c >= 0x7F) {
            snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += q;
    return out;
}

}  // namespace

// Python's repr(float): the shortest digits that round-trip, fixed notation when the
// decimal exponent is in (-4, 16], scientific otherwise.
std::string repr_float(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    int prec = 1;
    for (; prec <= 17; ++prec) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    std::string s = buf;
    bool neg = s[0] == '-';
    if (neg) s.erase(0, 1);
    size_t epos = s.find('e');
    int exp = std::atoi(s.c_str() + epos + 1);
    std::string digits;
    for (size_t i = 0; i < epos; ++i)
        if (s[i] != '.') digits += s[i];
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    int decpt = exp + 1;
    std::string out = neg ? "-" : "";
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0.";
            out.append(static_cast<size_t>(-decpt), '0');
            out += digits;
        } else if (static_cast<size_t>(decpt) >= digits.size()) {
            out += digits;
            out.append(static_cast<size_t>(decpt) - digits.size(), '0');
            out += ".0";
        } else {
            out += digits.substr(0, static_cast<size_t>(decpt));
            out += '.';
            out += digits.substr(static_cast<size_t>(decpt));
        }
    } else {
        out += digits[0];
        if (digits.size() > 1) {
            out += '.';
            out += digits.substr(1);
        }
        snprintf(buf, sizeof buf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        out += buf;
    }
    return out;
}

namespace {

class Dumper {
public:
    std::string out;

    void expr(const Expr* e) {
        if (!e) {
            out += "None";
            return;
        }
        switch (e->kind) {
        case ExprKind::BoolOp: {
            auto* n = e->as<BoolOp>();
            open("BoolOp");
            field("op");
            out += n->op == BoolOpKind::And ? "And()" : "Or()";
            exprs("values", n->values);
            break;
        }
        case ExprKind::NamedExpr: {
            auto* n = e->as<NamedExpr>();
            open("NamedExpr");
            efield("target", n->target);
            efield("value", n->value);
            break;
        }
        case ExprKind::BinOp: {
            auto* n = e->as<BinOp>();
            open("BinOp");
            efield("left", n->left);
            field("op");
            out += binop(n->op);
            out += "()";
            efield("right", n->right);
            break;
        }
        case ExprKind::UnaryOp: {
            auto* n = e->as<UnaryOp>();
            open("UnaryOp");
            field("op");
            static const char* const names[] = {"Invert()", "Not()", "UAdd()", "USub()"};
            out += names[static_cast<int>(n->op)];
            efield("operand", n->operand);
            break;
        }
        case ExprKind::Lambda: {
            auto* n = e->as<Lambda>();
            open("Lambda");
            field("args");
            arguments(n->args);
            efield("body", n->body);
            break;
        }
        case ExprKind::IfExp: {
            auto* n = e->as<IfExp>();
            open("IfExp");
            efield("test", n->test);
            efield("body", n->body);
            efield("orelse", n->orelse);
            break;
        }
        case ExprKind::Dict: {
            auto* n = e->as<Dict>();
            open("Dict");
            field("keys");
            list(n->keys, [&](const Expr* x) { expr(x); });
            exprs("values", n->values);
            break;
        }
        case ExprKind::Set: open("Set"); exprs("elts", e->as<Set>()->elts); break;
        case ExprKind::ListComp: {
            auto* n = e->as<ListComp>();
            open("ListComp");
            efield("elt", n->elt);
            comps(n->generators);
            break;
        }
        case ExprKind::SetComp: {
            auto* n = e->as<SetComp>();
            open("SetComp");
            efield("elt", n->elt);
            comps(n->generators);
            break;
        }
        case ExprKind::GeneratorExp: {
            auto* n = e->as<GeneratorExp>();
            open("GeneratorExp");
            efield("elt", n->elt);
            comps(n->generators);
            break;
        }
        case ExprKind::DictComp: {
            auto* n = e->as<DictComp>();
            open("DictComp");
            efield("key", n->key);
            efield("value", n->value);
            comps(n->generators);
            break;
        }
        case ExprKind::Await: open("Await"); efield("value", e->as<Await>()->value); break;
        case ExprKind::Yield: open("Yield"); ofield("value", e->as<Yield>()->value); break;
        case ExprKind::YieldFrom: open("YieldFrom"); efield("value", e->as<YieldFrom>()->value); break;
        case ExprKind::Compare: {
            auto* n = e->as<Compare>();
            open("Compare");
            efield("left", n->left);
            field("ops");
            static const char* const names[] = {"Eq()", "NotEq()", "Lt()", "LtE()", "Gt()", "GtE()",
                                                "Is()", "IsNot()", "In()", "NotIn()"};
            list(n->ops, [&](CmpOpKind k) { out += names[static_cast<int>(k)]; });
            exprs("comparators", n->comparators);
            break;
        }
        case ExprKind::Call: {
            auto* n = e->as<Call>();
            open("Call");
            efield("func", n->func);
            exprs("args", n->args);
            keywords(n->keywords);
            break;
        }
        case ExprKind::FormattedValue: {
            auto* n = e->as<FormattedValue>();
            open("FormattedValue");
            efield("value", n->value);
            field("conversion");
            out += std::to_string(n->conversion);
            ofield("format_spec", n->format_spec);
            break;
        }
        case ExprKind::JoinedStr: open("JoinedStr"); exprs("values", e->as<JoinedStr>()->values); break;
        case ExprKind::Constant:
            open("Constant");
            field("value");
            constant(e->as<Constant>());
            if (e->as<Constant>()->u_prefix) out += ", kind='u'";
            break;
        case ExprKind::Attribute: {
            auto* n = e->as<Attribute>();
            open("Attribute");
            efield("value", n->value);
            sfield("attr", n->attr);
            ctx(n->ctx);
            break;
        }
        case ExprKind::Subscript: {
            auto* n = e->as<Subscript>();
            open("Subscript");
            efield("value", n->value);
            efield("slice", n->slice);
            ctx(n->ctx);
            break;
        }
        case ExprKind::Starred: {
            auto* n = e->as<Starred>();
            open("Starred");
            efield("value", n->value);
            ctx(n->ctx);
            break;
        }
        case ExprKind::Name: {
            auto* n = e->as<Name>();
            open("Name");
            sfield("id", n->id);
            ctx(n->ctx);
            break;
        }
        case ExprKind::List: open("List"); exprs("elts", e->as<List>()->elts); ctx(e->as<List>()->ctx); break;
        case ExprKind::Tuple: open("Tuple"); exprs("elts", e->as<Tuple>()->elts); ctx(e->as<Tuple>()->ctx); break;
        case ExprKind::Slice: {
            auto* n = e->as<Slice>();
            open("Slice");
            ofield("lower", n->lower);
            ofield("upper", n->upper);
            ofield("step", n->step);
            break;
        }
        }
        out += ')';
        first_.pop_back();
    }

    void stmt(const Stmt* s) {
        switch (s->kind) {
        case StmtKind::FunctionDef: case StmtKind::AsyncFunctionDef: {
            auto* n = static_cast<const FunctionDefStmt*>(s);
            open(n->is_async() ? "AsyncFunctionDef" : "FunctionDef");
            sfield("name", n->name);
            field("args");
            arguments(n->args);
            body("body", n->body);
            exprs("decorator_list", n->decorator_list);
            ofield("returns", n->returns);
            break;
        }
        case StmtKind::ClassDef: {
            auto* n = s->as<ClassDefStmt>();
            open("ClassDef");
            sfield("name", n->name);
            exprs("bases", n->bases);
            keywords(n->keywords);
            body("body", n->body);
            exprs("decorator_list", n->decorator_list);
            break;
        }
        case StmtKind::Return: open("Return"); ofield("value", s->as<ReturnStmt>()->value); break;
        case StmtKind::Delete: open("Delete"); exprs("targets", s->as<DeleteStmt>()->targets); break;
        case StmtKind::Assign: {
            auto* n = s->as<AssignStmt>();
            open("Assign");
            exprs("targets", n->targets);
            efield("value", n->value);
            break;
        }
        case StmtKind::AugAssign: {
            auto* n = s->as<AugAssignStmt>();
            open("AugAssign");
            efield("target", n->target);
            field("op");
            out += binop(n->op);
            out += "()";
            efield("value", n->value);
            break;
        }
        case StmtKind::AnnAssign: {
            auto* n = s->as<AnnAssignStmt>();
            open("AnnAssign");
            efield("target", n->target);
            efield("annotation", n->annotation);
            ofield("value", n->value);
            field("simple");
            out += n->simple ? "1" : "0";
            break;
        }
        case StmtKind::For: case StmtKind::AsyncFor: {
            auto* n = static_cast<const ForStmt*>(s);
            open(n->is_async() ? "AsyncFor" : "For");
            efield("target", n->target);
            efield("iter", n->iter);
            body("body", n->body);
            body("orelse", n->orelse);
            break;
        }
        case StmtKind::While: {
            auto* n = s->as<WhileStmt>();
            open("While");
            efield("test", n->test);
            body("body", n->body);
            body("orelse", n->orelse);
            break;
        }
        case StmtKind::If: {
            auto* n = s->as<IfStmt>();
            open("If");
            efield("test", n->test);
            body("body", n->body);
            body("orelse", n->orelse);
            break;
        }
        case StmtKind::With: case StmtKind::AsyncWith: {
            auto* n = static_cast<const WithStmt*>(s);
            open(n->is_async() ? "AsyncWith" : "With");
            field("items");
            list(n->items, [&](const WithItem& it) {
                open("withitem");
                efield("context_expr", it.context_expr);
                ofield("optional_vars", it.optional_vars);
                close();
            });
            body("body", n->body);
            break;
        }
        case StmtKind::Match: {
            auto* n = s->as<MatchStmt>();
            open("Match");
            efield("subject", n->subject);
            field("cases");
            list(n->cases, [&](const MatchCase& c) {
                open("match_case");
                field("pattern");
                pattern(c.pattern);
                ofield("guard", c.guard);
                body("body", c.body);
                close();
            });
            break;
        }
        case StmtKind::Raise: {
            auto* n = s->as<RaiseStmt>();
            open("Raise");
            ofield("exc", n->exc);
            ofield("cause", n->cause);
            break;
        }
        case StmtKind::Try: case StmtKind::TryStar: {
            auto* n = static_cast<const TryStmt*>(s);
            open(s->kind == StmtKind::TryStar ? "TryStar" : "Try");
            body("body", n->body);
            field("handlers");
            list(n->handlers, [&](const ExceptHandler& h) {
                open("ExceptHandler");
                ofield("type", h.type);
                if (!h.name.empty()) sfield("name", h.name);
                body("body", h.body);
                close();
            });
            body("orelse", n->orelse);
            body("finalbody", n->finalbody);
            break;
        }
        case StmtKind::Assert: {
            auto* n = s->as<AssertStmt>();
            open("Assert");
            efield("test", n->test);
            ofield("msg", n->msg);
            break;
        }
        case StmtKind::Import: open("Import"); aliases(s->as<ImportStmt>()->names); break;
        case StmtKind::ImportFrom: {
            auto* n = s->as<ImportFromStmt>();
            open("ImportFrom");
            if (!n->module.empty()) sfield("module", n->module);
            aliases(n->names);
            field("level");
            out += std::to_string(n->level);
            break;
        }
        case StmtKind::Global: open("Global"); names(s->as<GlobalStmt>()->names); break;
        case StmtKind::Nonlocal: open("Nonlocal"); names(s->as<NonlocalStmt>()->names); break;
        case StmtKind::Expr: open("Expr"); efield("value", s->as<ExprStmt>()->value); break;
        case StmtKind::Pass: open("Pass"); break;
        case StmtKind::Break: open("Break"); break;
        case StmtKind::Continue: open("Continue"); break;
        }
        close();
    }

    void body(const char* name, const Body& b) {
        field(name);
        list(b, [&](const Stmt* s) { stmt(s); });
    }

private:
    std::vector<bool> first_;  // per open node: no field written yet

    void open(const char* name) {
        out += name;
        out += '(';
        first_.push_back(true);
    }
    void close() {
        out += ')';
        first_.pop_back();
    }
    void field(const char* name) {
        if (!first_.back()) out += ", ";
        first_.back() = false;
        out += name;
        out += '=';
    }
    void efield(const char* name, const Expr* e) {
        field(name);
        expr(e);
    }
    void ofield(const char* name, const Expr* e) {
        if (e) efield(name, e);
    }
    void sfield(const char* name, const std::string& s) {
        field(name);
        out += lex::repr_text(s);
    }
    template <class V, class F> void list(const V& v, F f) {
        out += '[';
        bool first = true;
        for (const auto& x : v) {
            if (!first) out += ", ";
            first = false;
            f(x);
        }
        out += ']';
    }
    void exprs(const char* name, const std::vector<Expr*>& v) {
        field(name);
        list(v, [&](const Expr* x) { expr(x); });
    }
    void names(const std::vector<std::string>& v) {
        field("names");
        list(v, [&](const std::string& s) { out += lex::repr_text(s); });
    }
    void aliases(const std::vector<Alias>& v) {
        field("names");
        list(v, [&](const Alias& a) {
            open("alias");
            sfield("name", a.name);
            if (!a.asname.empty()) sfield("asname", a.asname);
            close();
        });
    }
    void ctx(ExprContext c) {
        field("ctx");
        out += c == ExprContext::Load ? "Load()" : c == ExprContext::Store ? "Store()" : "Del()";
    }
    static const char* binop(OperatorKind k) {
        static const char* const names[] = {"Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow",
                                            "LShift", "RShift", "BitOr", "BitXor", "BitAnd", "FloorDiv"};
        return names[static_cast<int>(k)];
    }
    void comps(const std::vector<Comprehension>& g) {
        field("generators");
        list(g, [&](const Comprehension& c) {
            open("comprehension");
            efield("target", c.target);
            efield("iter", c.iter);
            exprs("ifs", c.ifs);
            field("is_async");
            out += c.is_async ? "1" : "0";
            close();
        });
    }
    void keywords(const std::vector<Keyword>& v) {
        field("keywords");
        list(v, [&](const Keyword& k) {
            open("keyword");
            if (!k.arg.empty()) sfield("arg", k.arg);
            efield("value", k.value);
            close();
        });
    }
    void arg(const Arg& a) {
        open("arg");
        sfield("arg", a.arg);
        ofield("annotation", a.annotation);
        close();
    }
    void arguments(const Arguments* a) {
        open("arguments");
        field("posonlyargs");
        list(a->posonlyargs, [&](const Arg& x) { arg(x); });
        field("args");
        list(a->args, [&](const Arg& x) { arg(x); });
        if (a->vararg) {
            field("vararg");
            arg(*a->vararg);
        }
        field("kwonlyargs");
        list(a->kwonlyargs, [&](const Arg& x) { arg(x); });
        exprs("kw_defaults", a->kw_defaults);
        if (a->kwarg) {
            field("kwarg");
            arg(*a->kwarg);
        }
        exprs("defaults", a->defaults);
        close();
    }
    void constant(const Constant* c) {
        switch (c->ckind) {
        case ConstKind::None: out += "None"; break;
        case ConstKind::True: out += "True"; break;
        case ConstKind::False: out += "False"; break;
        case ConstKind::Ellipsis: out += "Ellipsis"; break;
        case ConstKind::Int: out += std::to_string(c->int_value); break;
        case ConstKind::BigInt: out += c->text; break;
        case ConstKind::Float: out += repr_float(c->float_value); break;
        case ConstKind::Complex: {
            std::string r = repr_float(c->float_value);
            if (r.size() > 2 && r.compare(r.size() - 2, 2, ".0") == 0) r.resize(r.size() - 2);
            out += r;
            out += 'j';
            break;
        }
        case ConstKind::Str: out += lex::repr_text(c->text); break;
        case ConstKind::Bytes: out += repr_bytes(c->text); break;
        }
    }
    void pattern(const Pattern* p) {
        switch (p->kind) {
        case PatternKind::MatchValue: open("MatchValue"); efield("value", p->value); break;
        case PatternKind::MatchSingleton:
            open("MatchSingleton");
            field("value");
            constant(p->value->as<Constant>());
            break;
        case PatternKind::MatchSequence: open("MatchSequence"); patterns("patterns", p->patterns); break;
        case PatternKind::MatchMapping:
            open("MatchMapping");
            exprs("keys", p->keys);
            patterns("patterns", p->patterns);
            if (!p->rest.empty()) sfield("rest", p->rest);
            break;
        case PatternKind::MatchClass:
            open("MatchClass");
            efield("cls", p->cls);
            patterns("patterns", p->patterns);
            field("kwd_attrs");
            list(p->kwd_attrs, [&](const std::string& s) { out += lex::repr_text(s); });
            patterns("kwd_patterns", p->kwd_patterns);
            break;
        case PatternKind::MatchStar:
            open("MatchStar");
            if (!p->name.empty()) sfield("name", p->name);
            break;
        case PatternKind::MatchAs:
            open("MatchAs");
            if (p->pattern) {
                field("pattern");
                pattern(p->pattern);
            }
            if (!p->name.empty()) sfield("name", p->name);
            break;
        case PatternKind::MatchOr: open("MatchOr"); patterns("patterns", p->patterns); break;
        }
        close();
    }
    void patterns(const char* name, const std::vector<Pattern*>& v) {
        field(name);
        list(v, [&](const Pattern* p) { pattern(p); });
    }

public:
    void module(const Module& m) {
        switch (m.mode) {
        case ParseMode::Exec:
            out += "Module(";
            first_.push_back(true);
            body("body", m.body);
            field("type_ignores");
            out += "[]";
            close();
            break;
        case ParseMode::Single:
            out += "Interactive(";
            first_.push_back(true);
            body("body", m.body);
            close();
            break;
        case ParseMode::Eval:
            out += "Expression(";
            first_.push_back(true);
            efield("body", m.expression);
            close();
            break;
        }
    }
};

}  // namespace

std::string dump(const Module& m) {
    Dumper d;
    d.module(m);
    return d.out;
}

}  // namespace asy::parse
