// The symbol-table pass (CPython's symtable.c): records how every name is used in every
// block, then resolves each to local / global (explicit or implicit) / free / cell.
#include <algorithm>
#include <unordered_set>

#include "compiler/compiler_impl.hpp"

namespace asy::compile {

std::string mangle(const std::string& private_name, const std::string& name) {
    if (private_name.empty() || name.size() < 3 || name[0] != '_' || name[1] != '_') return name;
    if (name.size() >= 4 && name[name.size() - 1] == '_' && name[name.size() - 2] == '_') return name;
    if (name.find('.') != std::string::npos) return name;
    size_t p = private_name.find_first_not_of('_');
    if (p == std::string::npos) return name;  // class name made of underscores only
    return "_" + private_name.substr(p) + name;
}

namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Stmt;
using ast::StmtKind;
using NameSet = std::unordered_set<std::string>;

class Builder {
public:
    Builder(SymbolTable& st, const std::string& filename, bool tla, std::vector<lex::Diagnostic>& errors)
        : st_(st), filename_(filename), tla_(tla), errors_(errors) {}

    // `from __future__ import annotations`: annotations become strings, so the names they
    // mention are not uses (CPython visits them in a throwaway annotation block).
    bool future_annotations = false;

    void run(const ast::Module& m) {
        st_.top = enter(BlockKind::Module, "top", &m, ast::Loc{1, 0, 1, 0});
        if (m.mode == ast::ParseMode::Eval) {
            if (m.expression) visit(m.expression);
        } else {
            visit_body(m.body);
        }
        leave();
        NameSet free, global;
        analyze_block(st_.top, nullptr, free, global);
    }

private:
    SymbolTable& st_;
    std::string filename_;
    bool tla_;
    std::vector<lex::Diagnostic>& errors_;
    ScopeInfo* cur_ = nullptr;
    std::vector<std::string> private_;  // class names for mangling, innermost last

    void error(const ast::Loc& loc, const std::string& msg) {
        lex::Diagnostic d;
        d.file = filename_;
        d.line = loc.line;
        d.col = loc.col;
        d.end_col = loc.end_line == loc.line ? loc.end_col : -1;
        if (loc.end_line > loc.line) d.end_line = loc.end_line;
        d.message = msg;
        errors_.push_back(d);
    }

    ScopeInfo* enter(BlockKind kind, const std::string& name, const void* node, const ast::Loc& loc) {
        st_.scopes.push_back(std::make_unique<ScopeInfo>());
        ScopeInfo* s = st_.scopes.back().get();
        s->kind = kind;
        s->name = name;
        s->node = node;
        s->loc = loc;
        s->parent = cur_;
        if (cur_) cur_->children.push_back(s);
        st_.by_node[node] = s;
        cur_ = s;
        return s;
    }
    void leave() { cur_ = cur_->parent; }

    std::string priv() const { return private_.empty() ? std::string() : private_.back(); }

    void add_def_in(ScopeInfo* s, const std::string& raw, uint32_t flag, const ast::Loc& loc) {
        std::string name = mangle(priv(), raw);
        Symbol& sym = s->add(name);
        if ((flag & kDefParam) && (sym.flags & kDefParam)) {
            error(loc, "duplicate argument '" + name + "' in function definition");
        }
        sym.flags |= flag;
        if (flag & (kDefGlobal | kDefNonlocal)) sym.decl_loc = loc;
        if (flag & kDefParam) s->params.push_back(name);
        if (flag & kDefGlobal) st_.top->add(name).flags |= kDefGlobal;
    }
    void add_def(const std::string& raw, uint32_t flag, const ast::Loc& loc) { add_def_in(cur_, raw, flag, loc); }

    void visit_body(const ast::Body& b) {
        for (const Stmt* s : b) visit(s);
    }
    void visit_exprs(const std::vector<Expr*>& v) {
        for (const Expr* e : v)
            if (e) visit(e);
    }

    void visit_params(const ast::Arguments* a) {
        for (const auto& p : a->posonlyargs) add_def(p.arg, kDefParam, p.loc);
        for (const auto& p : a->args) add_def(p.arg, kDefParam, p.loc);
        for (const auto& p : a->kwonlyargs) add_def(p.arg, kDefParam, p.loc);
        if (a->vararg) {
            add_def(a->vararg->arg, kDefParam, a->vararg->loc);
            cur_->has_varargs = true;
        }
        if (a->kwarg) {
            add_def(a->kwarg->arg, kDefParam, a->kwarg->loc);
            cur_->has_varkw = true;
        }
    }
    void visit_annotations(const ast::Arguments* a, const Expr* returns) {
        auto one = [&](const ast::Arg& p) {
            if (p.annotation) visit_annotation(p.annotation);
        };
        for (const auto& p : a->posonlyargs) one(p);
        for (const auto& p : a->args) one(p);
        for (const auto& p : a->kwonlyargs) one(p);
        if (a->vararg) one(*a->vararg);
        if (a->kwarg) one(*a->kwarg);
        if (returns) visit_annotation(returns);
    }
    // Under future annotations CPython visits them in a throwaway block that rejects the
    // expressions needing a real scope; their names are not uses of the enclosing one.
    void visit_annotation(const Expr* e) {
        if (!future_annotations) {
            visit(e);
            return;
        }
        const Expr* bad = nullptr;
        unparse_expr(e, &bad);
        if (!bad) return;
        const char* what = bad->is<ast::NamedExpr>() ? "named expression"
                           : bad->is<ast::Await>()   ? "await expression"
                                                     : "yield expression";
        error(bad->loc, std::string("'") + what + "' can not be used within an annotation");
    }
    void visit_defaults(const ast::Arguments* a) {
        visit_exprs(a->defaults);
        visit_exprs(a->kw_defaults);
    }

    void declare(const std::vector<std::string>& names, bool global, const Stmt* s) {
        const char* what = global ? "global" : "nonlocal";
        if (!global && cur_->kind == BlockKind::Module) {
            error(s->loc, "nonlocal declaration not allowed at module level");
            return;
        }
        for (const auto& raw : names) {
            std::string name = mangle(priv(), raw);
            auto it = cur_->symbols.find(name);
            uint32_t f = it == cur_->symbols.end() ? 0 : it->second.flags;
            std::string q = "'" + name + "'";
            if (f & kDefParam) { error(s->loc, "name " + q + " is parameter and " + what); continue; }
            if (f & kUse) { error(s->loc, "name " + q + " is used prior to " + what + " declaration"); continue; }
            if (f & kDefAnnot) { error(s->loc, "annotated name " + q + " can't be " + what); continue; }
            if (f & kDefLocal) { error(s->loc, "name " + q + " is assigned to before " + what + " declaration"); continue; }
            add_def(raw, global ? kDefGlobal : kDefNonlocal, s->loc);
        }
    }

    void visit(const Stmt* s) {
        switch (s->kind) {
        case StmtKind::FunctionDef:
        case StmtKind::AsyncFunctionDef: {
            auto* f = static_cast<const ast::FunctionDefStmt*>(s);
            add_def(f->name, kDefLocal, f->loc);
            visit_defaults(f->args);
            visit_annotations(f->args, f->returns);
            visit_exprs(f->decorator_list);
            ScopeInfo* fs = enter(BlockKind::Function, mangle(priv(), f->name), f, f->loc);
            fs->is_coroutine = f->is_async();
            visit_params(f->args);
            visit_body(f->body);
            leave();
            break;
        }
        case StmtKind::ClassDef: {
            auto* c = s->as<ast::ClassDefStmt>();
            add_def(c->name, kDefLocal, c->loc);
            visit_exprs(c->bases);
            for (const auto& k : c->keywords) visit(k.value);
            visit_exprs(c->decorator_list);
            enter(BlockKind::Class, c->name, c, c->loc);
            private_.push_back(c->name);
            visit_body(c->body);
            private_.pop_back();
            leave();
            break;
        }
        case StmtKind::Return: {
            auto* r = s->as<ast::ReturnStmt>();
            if (r->value) visit(r->value);
            break;
        }
        case StmtKind::Delete: visit_exprs(s->as<ast::DeleteStmt>()->targets); break;
        case StmtKind::Assign: {
            auto* a = s->as<ast::AssignStmt>();
            visit_exprs(a->targets);
            visit(a->value);
            break;
        }
        case StmtKind::AugAssign: {
            auto* a = s->as<ast::AugAssignStmt>();
            visit(a->target);
            visit(a->value);
            break;
        }
        case StmtKind::AnnAssign: {
            auto* a = s->as<ast::AnnAssignStmt>();
            if (auto* n = a->target->as<ast::Name>()) {
                std::string name = mangle(priv(), n->id);
                auto it = cur_->symbols.find(name);
                uint32_t f = it == cur_->symbols.end() ? 0 : it->second.flags;
                if ((f & (kDefGlobal | kDefNonlocal)) && a->simple) {
                    error(a->loc, "annotated name '" + name + "' can't be " +
                                      ((f & kDefGlobal) ? "global" : "nonlocal"));
                }
                if (a->simple)
                    add_def(n->id, kDefAnnot | kDefLocal, n->loc);
                else if (a->value)
                    add_def(n->id, kDefLocal, n->loc);
            } else {
                visit(a->target);
            }
            visit_annotation(a->annotation);
            if (a->value) visit(a->value);
            break;
        }
        case StmtKind::For:
        case StmtKind::AsyncFor: {
            auto* f = static_cast<const ast::ForStmt*>(s);
            if (f->is_async()) check_async(f->loc, "'async for' outside async function");
            visit(f->target);
            visit(f->iter);
            visit_body(f->body);
            visit_body(f->orelse);
            break;
        }
        case StmtKind::While: {
            auto* w = s->as<ast::WhileStmt>();
            visit(w->test);
            visit_body(w->body);
            visit_body(w->orelse);
            break;
        }
        case StmtKind::If: {
            auto* i = s->as<ast::IfStmt>();
            visit(i->test);
            visit_body(i->body);
            visit_body(i->orelse);
            break;
        }
        case StmtKind::With:
        case StmtKind::AsyncWith: {
            auto* w = static_cast<const ast::WithStmt*>(s);
            if (w->is_async()) check_async(w->loc, "'async with' outside async function");
            for (const auto& it : w->items) {
                visit(it.context_expr);
                if (it.optional_vars) visit(it.optional_vars);
            }
            visit_body(w->body);
            break;
        }
        case StmtKind::Match: {
            auto* m = s->as<ast::MatchStmt>();
            visit(m->subject);
            for (const auto& c : m->cases) {
                visit_pattern(c.pattern);
                if (c.guard) visit(c.guard);
                visit_body(c.body);
            }
            break;
        }
        case StmtKind::Raise: {
            auto* r = s->as<ast::RaiseStmt>();
            if (r->exc) visit(r->exc);
            if (r->cause) visit(r->cause);
            break;
        }
        case StmtKind::Try:
        case StmtKind::TryStar: {
            auto* t = static_cast<const ast::TryStmt*>(s);
            visit_body(t->body);
            for (const auto& h : t->handlers) {
                if (h.type) visit(h.type);
                if (!h.name.empty()) add_def(h.name, kDefLocal, h.loc);
                visit_body(h.body);
            }
            visit_body(t->orelse);
            visit_body(t->finalbody);
            break;
        }
        case StmtKind::Assert: {
            auto* a = s->as<ast::AssertStmt>();
            visit(a->test);
            if (a->msg) visit(a->msg);
            break;
        }
        case StmtKind::Import:
        case StmtKind::ImportFrom: {
            const std::vector<ast::Alias>& names = s->kind == StmtKind::Import
                                                       ? s->as<ast::ImportStmt>()->names
                                                       : s->as<ast::ImportFromStmt>()->names;
            for (const auto& a : names) {
                if (a.name == "*") {
                    if (cur_->kind != BlockKind::Module)
                        error(s->loc, "import * only allowed at module level");
                    continue;
                }
                std::string store = !a.asname.empty() ? a.asname : a.name.substr(0, a.name.find('.'));
                add_def(store, kDefImport, a.loc);
            }
            break;
        }
        case StmtKind::Global: declare(s->as<ast::GlobalStmt>()->names, true, s); break;
        case StmtKind::Nonlocal: declare(s->as<ast::NonlocalStmt>()->names, false, s); break;
        case StmtKind::Expr: visit(s->as<ast::ExprStmt>()->value); break;
        case StmtKind::Pass:
        case StmtKind::Break:
        case StmtKind::Continue: break;
        }
    }

    void visit_pattern(const ast::Pattern* p) {
        if (!p) return;
        if (p->value) visit(p->value);
        if (p->cls) visit(p->cls);
        visit_exprs(p->keys);
        for (auto* q : p->patterns) visit_pattern(q);
        for (auto* q : p->kwd_patterns) visit_pattern(q);
        if (p->pattern) visit_pattern(p->pattern);
        if ((p->kind == ast::PatternKind::MatchAs || p->kind == ast::PatternKind::MatchStar) && !p->name.empty())
            add_def(p->name, kDefLocal, p->loc);
        if (p->kind == ast::PatternKind::MatchMapping && !p->rest.empty()) add_def(p->rest, kDefLocal, p->loc);
    }

    // `async for` / `async with` / `await` need an async function (or the REPL's top level).
    bool check_async(const ast::Loc& loc, const std::string& msg) {
        if (cur_->kind == BlockKind::Function && cur_->is_coroutine && !cur_->is_comprehension) return true;
        if (cur_->kind == BlockKind::Module && tla_) {
            cur_->is_coroutine = true;
            return true;
        }
        error(loc, msg);
        return false;
    }

    void visit_named_target(const ast::NamedExpr* e) {
        auto* n = e->target->as<ast::Name>();
        if (!n) {
            visit(e->target);
            return;
        }
        if (!cur_->is_comprehension) {
            add_def(n->id, kDefLocal, n->loc);
            return;
        }
        for (ScopeInfo* s = cur_; s; s = s->parent) {
            if (s->is_comprehension) {
                auto it = s->symbols.find(n->id);
                if (it != s->symbols.end() && (it->second.flags & kDefCompIter)) {
                    error(e->loc, "assignment expression cannot rebind comprehension iteration variable '" +
                                      n->id + "'");
                    return;
                }
                continue;
            }
            if (s->kind == BlockKind::Function) {
                auto it = s->symbols.find(n->id);
                bool g = it != s->symbols.end() && (it->second.flags & kDefGlobal);
                add_def(n->id, g ? kDefGlobal : kDefNonlocal, n->loc);
                add_def_in(s, n->id, kDefLocal, n->loc);
                return;
            }
            if (s->kind == BlockKind::Module) {
                add_def(n->id, kDefGlobal, n->loc);
                add_def_in(s, n->id, kDefGlobal, n->loc);
                return;
            }
            error(e->loc, "assignment expression within a comprehension cannot be used in a class body");
            return;
        }
    }

    void visit_comprehension(const Expr* e, const std::vector<ast::Comprehension>& gens, const Expr* elt,
                             const Expr* val, const char* name) {
        bool is_genexp = e->kind == ExprKind::GeneratorExp;
        visit(gens[0].iter);
        ScopeInfo* s = enter(BlockKind::Function, name, e, e->loc);
        s->is_comprehension = true;
        s->is_genexp = is_genexp;
        if (is_genexp) s->is_generator = true;
        for (const auto& g : gens)
            if (g.is_async) s->is_coroutine = true;
        add_def(".0", kDefParam, e->loc);
        for (size_t i = 0; i < gens.size(); ++i) {
            const auto& g = gens[i];
            if (i > 0) visit(g.iter);
            comp_target_ = true;
            visit(g.target);
            comp_target_ = false;
            visit_exprs(g.ifs);
        }
        if (elt) visit(elt);
        if (val) visit(val);
        leave();
    }
    bool comp_target_ = false;

    void visit(const Expr* e) {
        switch (e->kind) {
        case ExprKind::BoolOp: visit_exprs(e->as<ast::BoolOp>()->values); break;
        case ExprKind::NamedExpr: {
            auto* n = e->as<ast::NamedExpr>();
            visit(n->value);
            visit_named_target(n);
            break;
        }
        case ExprKind::BinOp: visit(e->as<ast::BinOp>()->left); visit(e->as<ast::BinOp>()->right); break;
        case ExprKind::UnaryOp: visit(e->as<ast::UnaryOp>()->operand); break;
        case ExprKind::Lambda: {
            auto* l = e->as<ast::Lambda>();
            visit_defaults(l->args);
            ScopeInfo* s = enter(BlockKind::Function, "<lambda>", l, l->loc);
            s->is_lambda = true;
            visit_params(l->args);
            visit(l->body);
            leave();
            break;
        }
        case ExprKind::IfExp: {
            auto* i = e->as<ast::IfExp>();
            visit(i->test);
            visit(i->body);
            visit(i->orelse);
            break;
        }
        case ExprKind::Dict: visit_exprs(e->as<ast::Dict>()->keys); visit_exprs(e->as<ast::Dict>()->values); break;
        case ExprKind::Set: visit_exprs(e->as<ast::Set>()->elts); break;
        case ExprKind::ListComp: {
            auto* c = e->as<ast::ListComp>();
            visit_comprehension(e, c->generators, c->elt, nullptr, "<listcomp>");
            break;
        }
        case ExprKind::SetComp: {
            auto* c = e->as<ast::SetComp>();
            visit_comprehension(e, c->generators, c->elt, nullptr, "<setcomp>");
            break;
        }
        case ExprKind::DictComp: {
            auto* c = e->as<ast::DictComp>();
            visit_comprehension(e, c->generators, c->key, c->value, "<dictcomp>");
            break;
        }
        case ExprKind::GeneratorExp: {
            auto* c = e->as<ast::GeneratorExp>();
            visit_comprehension(e, c->generators, c->elt, nullptr, "<genexpr>");
            break;
        }
        case ExprKind::Await: {
            visit(e->as<ast::Await>()->value);
            if (cur_->kind == BlockKind::Function && (cur_->is_coroutine || cur_->is_comprehension)) {
                cur_->is_coroutine = true;
            } else if (cur_->kind == BlockKind::Module && tla_) {
                cur_->is_coroutine = true;
            } else if (cur_->kind != BlockKind::Function) {
                error(e->loc, "'await' outside function");
            } else {
                error(e->loc, "'await' outside async function");
            }
            break;
        }
        case ExprKind::Yield:
        case ExprKind::YieldFrom: {
            const Expr* v = e->kind == ExprKind::Yield ? e->as<ast::Yield>()->value : e->as<ast::YieldFrom>()->value;
            if (v) visit(v);
            if (cur_->kind != BlockKind::Function) {
                error(e->loc, e->kind == ExprKind::Yield ? "'yield' outside function" : "'yield from' outside function");
            } else if (cur_->is_comprehension) {
                const char* what = cur_->name == "<listcomp>" ? "list comprehension"
                                   : cur_->name == "<setcomp>" ? "set comprehension"
                                   : cur_->name == "<dictcomp>" ? "dict comprehension"
                                                                : "generator expression";
                error(e->loc, std::string("'yield' inside ") + what);
            } else {
                if (e->kind == ExprKind::YieldFrom && cur_->is_coroutine)
                    error(e->loc, "'yield from' inside async function");
                cur_->is_generator = true;
            }
            break;
        }
        case ExprKind::Compare: visit(e->as<ast::Compare>()->left); visit_exprs(e->as<ast::Compare>()->comparators); break;
        case ExprKind::Call: {
            auto* c = e->as<ast::Call>();
            visit(c->func);
            visit_exprs(c->args);
            for (const auto& k : c->keywords) visit(k.value);
            break;
        }
        case ExprKind::FormattedValue: {
            auto* f = e->as<ast::FormattedValue>();
            visit(f->value);
            if (f->format_spec) visit(f->format_spec);
            break;
        }
        case ExprKind::JoinedStr: visit_exprs(e->as<ast::JoinedStr>()->values); break;
        case ExprKind::Constant: break;
        case ExprKind::Attribute: visit(e->as<ast::Attribute>()->value); break;
        case ExprKind::Subscript: visit(e->as<ast::Subscript>()->value); visit(e->as<ast::Subscript>()->slice); break;
        case ExprKind::Starred: visit(e->as<ast::Starred>()->value); break;
        case ExprKind::Name: {
            auto* n = e->as<ast::Name>();
            uint32_t flag = n->ctx == ast::ExprContext::Load ? kUse : kDefLocal;
            if (comp_target_ && flag == kDefLocal) flag |= kDefCompIter;
            add_def(n->id, flag, n->loc);
            if (n->ctx == ast::ExprContext::Load && cur_->kind == BlockKind::Function && n->id == "super")
                add_def("__class__", kUse, n->loc);
            break;
        }
        case ExprKind::List: visit_exprs(e->as<ast::List>()->elts); break;
        case ExprKind::Tuple: visit_exprs(e->as<ast::Tuple>()->elts); break;
        case ExprKind::Slice: {
            auto* s = e->as<ast::Slice>();
            if (s->lower) visit(s->lower);
            if (s->upper) visit(s->upper);
            if (s->step) visit(s->step);
            break;
        }
        }
    }

    // ---- analysis (CPython's analyze_block and friends) ----

    bool analyze_name(ScopeInfo* s, const std::string& name, Symbol& sym, NameSet* bound, NameSet& local,
                      NameSet& free, NameSet& global) {
        uint32_t f = sym.flags;
        if (f & kDefGlobal) {
            if (f & kDefNonlocal) {
                error(sym.decl_loc, "name '" + name + "' is nonlocal and global");
                return false;
            }
            sym.scope = SymScope::GlobalExplicit;
            global.insert(name);
            if (bound) bound->erase(name);
            return true;
        }
        if (f & kDefNonlocal) {
            if (!bound || !bound->count(name)) {
                error(sym.decl_loc, "no binding for nonlocal '" + name + "' found");
                return false;
            }
            sym.scope = SymScope::Free;
            free.insert(name);
            return true;
        }
        if (f & kDefBound) {
            sym.scope = SymScope::Local;
            local.insert(name);
            global.erase(name);
            return true;
        }
        if (bound && bound->count(name)) {
            sym.scope = SymScope::Free;
            free.insert(name);
            return true;
        }
        sym.scope = SymScope::GlobalImplicit;
        return true;
    }

    void analyze_block(ScopeInfo* s, NameSet* bound, NameSet& free, NameSet& global) {
        NameSet local, newglobal, newfree, newbound;
        if (s->kind == BlockKind::Class) {
            newglobal = global;
            if (bound) newbound = *bound;
        }
        for (const auto& name : s->order) analyze_name(s, name, s->symbols[name], bound, local, free, global);
        if (s->kind != BlockKind::Class) {
            if (s->kind == BlockKind::Function) newbound.insert(local.begin(), local.end());
            if (bound) newbound.insert(bound->begin(), bound->end());
            newglobal.insert(global.begin(), global.end());
        } else {
            newbound.insert("__class__");
        }
        NameSet allfree;
        for (ScopeInfo* c : s->children) {
            NameSet tb = newbound, tf = newfree, tg = newglobal;
            analyze_block(c, &tb, tf, tg);
            allfree.insert(tf.begin(), tf.end());
        }
        newfree.insert(allfree.begin(), allfree.end());
        if (s->kind == BlockKind::Function) {
            for (auto& [name, sym] : s->symbols) {
                if (sym.scope == SymScope::Local && newfree.count(name)) {
                    sym.scope = SymScope::Cell;
                    newfree.erase(name);
                }
            }
        } else if (s->kind == BlockKind::Class) {
            if (newfree.erase("__class__")) s->needs_class_closure = true;
        }
        // update_symbols: record free names of children that pass through this block.
        std::vector<std::string> sorted(newfree.begin(), newfree.end());
        std::sort(sorted.begin(), sorted.end());
        for (const auto& name : sorted) {
            auto it = s->symbols.find(name);
            if (it != s->symbols.end()) {
                if (s->kind == BlockKind::Class && (it->second.flags & (kDefBound | kDefGlobal)))
                    it->second.flags |= kDefFreeClass;
                continue;
            }
            if (bound && !bound->count(name)) continue;
            Symbol& sym = s->add(name);
            sym.scope = SymScope::Free;
        }
        free.insert(newfree.begin(), newfree.end());
    }
};

}  // namespace

std::unique_ptr<SymbolTable> build_symbols(const ast::Module& module, const std::string& filename,
                                           bool allow_top_level_await, std::vector<lex::Diagnostic>& errors,
                                           bool future_annotations) {
    auto st = std::make_unique<SymbolTable>();
    Builder b(*st, filename, allow_top_level_await, errors);
    b.future_annotations = future_annotations;
    b.run(module);
    return st;
}

}  // namespace asy::compile
