// Code generation for statements (and the per-code-object bookkeeping: units, constants,
// names, the frame-block stack that break/continue/return unwind), following CPython 3.11's
// compile.c shape for shape.
#include <algorithm>

#include "compiler/compiler_impl.hpp"

namespace asy::compile {

using vm::Op;
using namespace ast;

// ---- entry point -------------------------------------------------------------------------

CompileResult compile(const ast::Module& module, const std::string& filename, uint32_t inherited_flags) {
    CompileResult res;
    FutureFeatures future = parse_future(module, filename, res.errors);
    if (!res.errors.empty()) return res;
    future.flags |= inherited_flags & kCoFutureMask;
    bool future_ann = (future.flags & kCoFutureAnnotations) != 0;
    auto st = build_symbols(module, filename, module.mode == ParseMode::Single, res.errors, future_ann);
    if (!res.errors.empty()) return res;
    Compiler c(filename, *st, module.mode, future);
    auto code = c.compile_module(module);
    res.errors = std::move(c.errors);
    if (res.errors.empty()) res.code = std::move(code);
    return res;
}

// ---- units, constants, names ---------------------------------------------------------------

void Compiler::error(const Loc& loc, const std::string& msg) {
    lex::Diagnostic d;
    d.file = filename_;
    d.line = loc.line;
    d.col = loc.col;
    d.end_col = loc.end_line == loc.line ? loc.end_col : -1;
    d.message = msg;
    errors.push_back(d);
}

std::string Compiler::qualname_for(const std::string& name) {
    if (units_.size() <= 1) return name;  // parent is the module
    Unit& parent = u();
    auto it = parent.scope->symbols.find(mangle(parent.private_name, name));
    if (it != parent.scope->symbols.end() && it->second.scope == SymScope::GlobalExplicit) return name;
    const ScopeInfo* ps = parent.scope;
    if (ps->kind == BlockKind::Function && !ps->is_comprehension)
        return parent.code->qualname + ".<locals>." + name;
    return parent.code->qualname + "." + name;
}

void Compiler::enter_unit(ScopeInfo* scope, const std::string& name, const Loc& loc) {
    std::string qual = units_.empty() ? name : qualname_for(name);
    bool parent_is_function = !units_.empty() && u().scope->kind == BlockKind::Function;
    std::string priv = units_.empty() ? std::string() : u().private_name;
    units_.push_back(std::make_unique<Unit>());
    Unit& n = u();
    n.scope = scope;
    n.loc = loc;
    n.private_name = scope->kind == BlockKind::Class ? name : priv;
    vm::Code& c = *n.code;
    c.name = name;
    c.qualname = qual;
    c.filename = filename_;
    c.first_line = loc.line;
    for (const auto& p : scope->params) add_var(p);
    // cellvars then freevars, sorted by name as CPython does.
    if (scope->needs_class_closure) c.cellvars.push_back("__class__");
    std::vector<std::string> cells, frees;
    for (const auto& [nm, sym] : scope->symbols) {
        if (sym.scope == SymScope::Cell) cells.push_back(nm);
        else if (sym.scope == SymScope::Free || (sym.flags & kDefFreeClass)) frees.push_back(nm);
    }
    std::sort(cells.begin(), cells.end());
    std::sort(frees.begin(), frees.end());
    for (auto& x : cells) c.cellvars.push_back(x);
    c.freevars = frees;
    for (size_t i = 0; i < c.cellvars.size(); ++i) {
        n.cell_index[c.cellvars[i]] = static_cast<int>(i);
        auto v = n.var_index.find(c.cellvars[i]);
        c.cell2arg.push_back(v == n.var_index.end() ? -1 : v->second);
    }
    for (size_t i = 0; i < c.freevars.size(); ++i)
        n.cell_index.emplace(c.freevars[i], static_cast<int>(c.cellvars.size() + i));
    if (scope->kind == BlockKind::Function) {
        c.flags |= vm::kCoOptimized | vm::kCoNewLocals;
        if (parent_is_function) c.flags |= vm::kCoNested;
        if (scope->has_varargs) c.flags |= vm::kCoVarargs;
        if (scope->has_varkw) c.flags |= vm::kCoVarkeywords;
    }
    c.flags |= future_.flags;
    if (scope->is_coroutine && scope->is_generator) c.flags |= vm::kCoAsyncGenerator;
    else if (scope->is_coroutine) c.flags |= vm::kCoCoroutine;
    else if (scope->is_generator) c.flags |= vm::kCoGenerator;
}

std::shared_ptr<const vm::Code> Compiler::leave_unit() {
    Unit& n = u();
    // Always end with a return: a label may sit at the very end (a loop's exit) even when
    // the last instruction is a jump. If unreachable, assembly drops it.
    load_none();
    emit(Op::RETURN_VALUE);
    std::string err;
    // After a real error the code is discarded anyway; an inconsistency it caused is noise.
    if (!n.em.assemble(*n.code, err) && errors.empty()) error(n.loc, "internal compiler error: " + err);
    std::shared_ptr<const vm::Code> code(std::move(n.code));
    units_.pop_back();
    return code;
}

namespace {

void const_key(const vm::Constant& c, std::string& k) {
    k += static_cast<char>('A' + c.v.index());
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) k += x ? '1' : '0';
            else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>)
                k.append(reinterpret_cast<const char*>(&x), sizeof x);
            else if constexpr (std::is_same_v<T, std::string>) k += x;
            else if constexpr (std::is_same_v<T, vm::BytesConst>) k += x.bytes;
            else if constexpr (std::is_same_v<T, vm::BigIntConst>) k += x.digits;
            else if constexpr (std::is_same_v<T, vm::ComplexConst>) {
                k.append(reinterpret_cast<const char*>(&x.real), sizeof x.real);
                k.append(reinterpret_cast<const char*>(&x.imag), sizeof x.imag);
            } else if constexpr (std::is_same_v<T, std::shared_ptr<const vm::Code>>) {
                const void* p = x.get();
                k.append(reinterpret_cast<const char*>(&p), sizeof p);
            } else if constexpr (std::is_same_v<T, vm::ConstTuple>) {
                k += std::to_string(x.size()) + "(";
                for (const auto& e : x) {
                    std::string sub;
                    const_key(e, sub);
                    k += std::to_string(sub.size()) + ":" + sub;
                }
            }
        },
        c.v);
}

}  // namespace

int Compiler::add_const(vm::Constant c) {
    std::string key;
    const_key(c, key);
    auto& m = u().const_index;
    auto it = m.find(key);
    if (it != m.end()) return it->second;
    auto& consts = u().code->constants;
    consts.push_back(std::move(c));
    int i = static_cast<int>(consts.size()) - 1;
    m.emplace(std::move(key), i);
    return i;
}

int Compiler::add_name(const std::string& n) {
    auto& m = u().name_index;
    auto it = m.find(n);
    if (it != m.end()) return it->second;
    auto& names = u().code->names;
    names.push_back(n);
    return m[n] = static_cast<int>(names.size()) - 1;
}

int Compiler::add_var(const std::string& n) {
    auto& m = u().var_index;
    auto it = m.find(n);
    if (it != m.end()) return it->second;
    auto& v = u().code->varnames;
    v.push_back(n);
    return m[n] = static_cast<int>(v.size()) - 1;
}

int Compiler::cell_slot(const std::string& n) {
    auto it = u().cell_index.find(n);
    if (it == u().cell_index.end()) {
        error(u().loc, "internal compiler error: no cell for '" + n + "'");
        return 0;
    }
    return it->second;
}

void Compiler::name_op(const std::string& raw, ExprContext ctx) {
    std::string name = mangled(raw);
    const ScopeInfo* s = u().scope;
    bool fn = s->kind == BlockKind::Function;
    enum { kName, kFast, kGlobal, kDeref } kind = kName;
    switch (s->scope_of(name)) {
    case SymScope::Free:
    case SymScope::Cell: kind = kDeref; break;
    case SymScope::Local: if (fn) kind = kFast; break;
    case SymScope::GlobalImplicit: if (fn) kind = kGlobal; break;
    case SymScope::GlobalExplicit: kind = kGlobal; break;
    case SymScope::None: break;
    }
    int i = ctx == ExprContext::Load ? 0 : ctx == ExprContext::Store ? 1 : 2;
    switch (kind) {
    case kFast: {
        static const Op ops[] = {Op::LOAD_FAST, Op::STORE_FAST, Op::DELETE_FAST};
        emit(ops[i], add_var(name));
        break;
    }
    case kDeref: {
        Op load = s->kind == BlockKind::Class ? Op::LOAD_CLASSDEREF : Op::LOAD_DEREF;
        Op ops[] = {load, Op::STORE_DEREF, Op::DELETE_DEREF};
        emit(ops[i], cell_slot(name));
        break;
    }
    case kGlobal: {
        static const Op ops[] = {Op::LOAD_GLOBAL, Op::STORE_GLOBAL, Op::DELETE_GLOBAL};
        emit(ops[i], add_name(name));
        break;
    }
    case kName: {
        static const Op ops[] = {Op::LOAD_NAME, Op::STORE_NAME, Op::DELETE_NAME};
        emit(ops[i], add_name(name));
        break;
    }
    }
}

static const ExprStmt* docstring_stmt(const Body& b) {
    if (b.empty()) return nullptr;
    auto* e = b[0]->as<ExprStmt>();
    if (!e) return nullptr;
    auto* c = e->value->as<Constant>();
    return c && c->ckind == ConstKind::Str ? e : nullptr;
}

std::shared_ptr<const vm::Code> Compiler::compile_module(const ast::Module& m) {
    enter_unit(st_.top, "<module>", Loc{1, 0, 1, 0});
    if (mode_ == ParseMode::Eval) {
        if (m.expression) {
            expr(m.expression);
            emit(Op::RETURN_VALUE);
        }
    } else {
        size_t start = 0;
        if (find_ann(m.body)) {
            if (!m.body.empty()) set_loc(m.body[0]->loc);
            emit(Op::SETUP_ANNOTATIONS);
        }
        if (mode_ == ParseMode::Exec) {
            if (auto* d = docstring_stmt(m.body)) {
                set_loc(d->loc);
                expr(d->value);
                name_op("__doc__", ExprContext::Store);
                start = 1;
            }
        }
        for (size_t i = start; i < m.body.size(); ++i) stmt(m.body[i]);
    }
    return leave_unit();
}

void Compiler::body(const Body& stmts) {
    for (const Stmt* s : stmts) stmt(s);
}

bool Compiler::find_ann(const Body& b) {
    for (const Stmt* s : b) {
        switch (s->kind) {
        case StmtKind::AnnAssign: return true;
        case StmtKind::For:
        case StmtKind::AsyncFor: {
            auto* f = static_cast<const ForStmt*>(s);
            if (find_ann(f->body) || find_ann(f->orelse)) return true;
            break;
        }
        case StmtKind::While:
            if (find_ann(s->as<WhileStmt>()->body) || find_ann(s->as<WhileStmt>()->orelse)) return true;
            break;
        case StmtKind::If:
            if (find_ann(s->as<IfStmt>()->body) || find_ann(s->as<IfStmt>()->orelse)) return true;
            break;
        case StmtKind::With:
        case StmtKind::AsyncWith:
            if (find_ann(static_cast<const WithStmt*>(s)->body)) return true;
            break;
        case StmtKind::Try:
        case StmtKind::TryStar: {
            auto* t = static_cast<const TryStmt*>(s);
            if (find_ann(t->body) || find_ann(t->orelse) || find_ann(t->finalbody)) return true;
            for (const auto& h : t->handlers)
                if (find_ann(h.body)) return true;
            break;
        }
        case StmtKind::Match:
            for (const auto& c : s->as<MatchStmt>()->cases)
                if (find_ann(c.body)) return true;
            break;
        default: break;
        }
    }
    return false;
}

// ---- statements ----------------------------------------------------------------------------

void Compiler::stmt(const Stmt* s) {
    set_loc(s->loc);
    switch (s->kind) {
    case StmtKind::FunctionDef:
    case StmtKind::AsyncFunctionDef: function_def(static_cast<const FunctionDefStmt*>(s)); break;
    case StmtKind::ClassDef: class_def(s->as<ClassDefStmt>()); break;
    case StmtKind::Return: return_stmt(s->as<ReturnStmt>()); break;
    case StmtKind::Delete:
        for (const Expr* t : s->as<DeleteStmt>()->targets) delete_target(t);
        break;
    case StmtKind::Assign: assign(s->as<AssignStmt>()); break;
    case StmtKind::AugAssign: aug_assign(s->as<AugAssignStmt>()); break;
    case StmtKind::AnnAssign: ann_assign(s->as<AnnAssignStmt>()); break;
    case StmtKind::For: for_stmt(static_cast<const ForStmt*>(s)); break;
    case StmtKind::AsyncFor: async_for(static_cast<const ForStmt*>(s)); break;
    case StmtKind::While: while_stmt(s->as<WhileStmt>()); break;
    case StmtKind::If: if_stmt(s->as<IfStmt>()); break;
    case StmtKind::With: with_stmt(static_cast<const WithStmt*>(s), 0); break;
    case StmtKind::AsyncWith: async_with(static_cast<const WithStmt*>(s), 0); break;
    case StmtKind::Match: match_stmt(s->as<MatchStmt>()); break;
    case StmtKind::Raise: raise_stmt(s->as<RaiseStmt>()); break;
    case StmtKind::Try: try_stmt(static_cast<const TryStmt*>(s)); break;
    case StmtKind::TryStar: try_stmt(static_cast<const TryStmt*>(s)); break;
    case StmtKind::Assert: assert_stmt(s->as<AssertStmt>()); break;
    case StmtKind::Import: import_stmt(s->as<ImportStmt>()); break;
    case StmtKind::ImportFrom: import_from(s->as<ImportFromStmt>()); break;
    case StmtKind::Global:
    case StmtKind::Nonlocal:
    case StmtKind::Pass: break;
    case StmtKind::Expr: {
        const Expr* v = s->as<ExprStmt>()->value;
        if (mode_ == ParseMode::Single && units_.size() == 1) {
            expr(v);
            emit(Op::PRINT_EXPR);
        } else if (v->is<Constant>()) {
            // A lone constant (a docstring-like string, `...`) has no effect.
        } else {
            expr(v);
            emit(Op::POP_TOP);
        }
        break;
    }
    case StmtKind::Break: break_stmt(s); break;
    case StmtKind::Continue: continue_stmt(s); break;
    }
}

uint32_t Compiler::default_arguments(const Arguments* a) {
    uint32_t flags = 0;
    if (!a->defaults.empty()) {
        for (const Expr* d : a->defaults) expr(d);
        emit(Op::BUILD_TUPLE, static_cast<uint32_t>(a->defaults.size()));
        flags |= 1;
    }
    uint32_t nkw = 0;
    for (size_t i = 0; i < a->kwonlyargs.size() && i < a->kw_defaults.size(); ++i) {
        if (!a->kw_defaults[i]) continue;
        load_const(vm::Constant{mangled(a->kwonlyargs[i].arg)});
        expr(a->kw_defaults[i]);
        ++nkw;
    }
    if (nkw) {
        emit(Op::BUILD_MAP, nkw);
        flags |= 2;
    }
    return flags;
}

bool Compiler::annotations(const Arguments* a, const Expr* returns) {
    uint32_t n = 0;
    auto one = [&](const Arg& p) {
        if (!p.annotation) return;
        load_const(vm::Constant{mangled(p.arg)});
        annotation(p.annotation);
        n += 2;
    };
    for (const auto& p : a->args) one(p);
    for (const auto& p : a->posonlyargs) one(p);
    if (a->vararg) one(*a->vararg);
    for (const auto& p : a->kwonlyargs) one(p);
    if (a->kwarg) one(*a->kwarg);
    if (returns) {
        load_const(vm::Constant{std::string("return")});
        annotation(returns);
        n += 2;
    }
    if (n) emit(Op::BUILD_TUPLE, n);
    return n != 0;
}

void Compiler::set_function_args(const Arguments* a) {
    vm::Code& c = *u().code;
    c.posonlyargcount = static_cast<int>(a->posonlyargs.size());
    c.argcount = static_cast<int>(a->posonlyargs.size() + a->args.size());
    c.kwonlyargcount = static_cast<int>(a->kwonlyargs.size());
}

void Compiler::make_closure(std::shared_ptr<const vm::Code> code, uint32_t flags, const ScopeInfo*) {
    if (!code->freevars.empty()) {
        for (const auto& fv : code->freevars) emit(Op::LOAD_CLOSURE, cell_slot(fv));
        emit(Op::BUILD_TUPLE, static_cast<uint32_t>(code->freevars.size()));
        flags |= 8;
    }
    load_const(vm::Constant{std::move(code)});
    emit(Op::MAKE_FUNCTION, flags);
}

void Compiler::function_def(const FunctionDefStmt* s) {
    for (const Expr* d : s->decorator_list) expr(d);
    set_loc(s->loc);
    uint32_t flags = default_arguments(s->args);
    if (annotations(s->args, s->returns)) flags |= 4;
    ScopeInfo* child = st_.lookup(s);
    Loc first = s->loc;
    if (!s->decorator_list.empty()) first.line = s->decorator_list[0]->loc.line;
    enter_unit(child, s->name, first);
    set_function_args(s->args);
    size_t start = 0;
    if (auto* d = docstring_stmt(s->body)) {
        u().code->has_docstring = true;
        u().code->docstring = d->value->as<Constant>()->text;
        start = 1;
    }
    for (size_t i = start; i < s->body.size(); ++i) stmt(s->body[i]);
    auto code = leave_unit();
    set_loc(s->loc);
    make_closure(std::move(code), flags, child);
    for (size_t i = s->decorator_list.size(); i-- > 0;) {
        set_loc(s->decorator_list[i]->loc);
        emit(Op::CALL, 0);
    }
    set_loc(s->loc);
    name_op(s->name, ExprContext::Store);
}

void Compiler::class_def(const ClassDefStmt* s) {
    for (const Expr* d : s->decorator_list) expr(d);
    set_loc(s->loc);
    ScopeInfo* child = st_.lookup(s);
    Loc first = s->loc;
    if (!s->decorator_list.empty()) first.line = s->decorator_list[0]->loc.line;
    enter_unit(child, s->name, first);
    name_op("__name__", ExprContext::Load);
    name_op("__module__", ExprContext::Store);
    load_const(vm::Constant{u().code->qualname});
    name_op("__qualname__", ExprContext::Store);
    size_t start = 0;
    if (find_ann(s->body)) emit(Op::SETUP_ANNOTATIONS);
    if (auto* d = docstring_stmt(s->body)) {
        set_loc(d->loc);
        expr(d->value);
        name_op("__doc__", ExprContext::Store);
        start = 1;
    }
    for (size_t i = start; i < s->body.size(); ++i) stmt(s->body[i]);
    if (child->needs_class_closure) {
        emit(Op::LOAD_CLOSURE, cell_slot("__class__"));
        emit(Op::COPY, 1);
        emit(Op::STORE_NAME, add_name("__classcell__"));
        emit(Op::RETURN_VALUE);
    } else {
        load_none();
        emit(Op::RETURN_VALUE);
    }
    auto code = leave_unit();
    set_loc(s->loc);
    emit(Op::PUSH_NULL);
    emit(Op::LOAD_BUILD_CLASS);
    make_closure(std::move(code), 0, child);
    load_const(vm::Constant{s->name});
    call_helper(2, s->bases, s->keywords);
    for (size_t i = s->decorator_list.size(); i-- > 0;) {
        set_loc(s->decorator_list[i]->loc);
        emit(Op::CALL, 0);
    }
    set_loc(s->loc);
    name_op(s->name, ExprContext::Store);
}

void Compiler::return_stmt(const ReturnStmt* s) {
    const ScopeInfo* sc = u().scope;
    if (sc->kind != BlockKind::Function) {
        error(s->loc, "'return' outside function");
        return;
    }
    if (s->value && sc->is_coroutine && sc->is_generator) {
        error(s->loc, "'return' with value in async generator");
        return;
    }
    vm::Constant cv;
    bool is_const = s->value && const_value(s->value, cv);
    bool preserve_tos = s->value && !is_const;
    if (preserve_tos) expr(s->value);
    // As CPython: a constant return value on the statement's line is the current location
    // while unwinding (it is where an except* SyntaxError points).
    set_loc(is_const && s->value->loc.line == s->loc.line ? s->value->loc : s->loc);
    unwind_fblock_stack(preserve_tos, nullptr);
    set_loc(s->loc);
    if (!s->value) load_none();
    else if (is_const) load_const(std::move(cv));
    emit(Op::RETURN_VALUE);
}

void Compiler::assign(const AssignStmt* s) {
    expr(s->value);
    for (size_t i = 0; i < s->targets.size(); ++i) {
        if (i + 1 < s->targets.size()) emit(Op::COPY, 1);
        store(s->targets[i]);
    }
}

static vm::BinOpKind binop_kind(OperatorKind k) {
    using B = vm::BinOpKind;
    switch (k) {
    case OperatorKind::Add: return B::Add;
    case OperatorKind::Sub: return B::Subtract;
    case OperatorKind::Mult: return B::Multiply;
    case OperatorKind::MatMult: return B::MatrixMultiply;
    case OperatorKind::Div: return B::TrueDivide;
    case OperatorKind::Mod: return B::Remainder;
    case OperatorKind::Pow: return B::Power;
    case OperatorKind::LShift: return B::LShift;
    case OperatorKind::RShift: return B::RShift;
    case OperatorKind::BitOr: return B::Or;
    case OperatorKind::BitXor: return B::Xor;
    case OperatorKind::BitAnd: return B::And;
    case OperatorKind::FloorDiv: return B::FloorDivide;
    }
    return B::Add;
}

uint32_t binop_arg(OperatorKind k, bool inplace) {
    return static_cast<uint32_t>(binop_kind(k)) + (inplace ? vm::kBinOpInplaceOffset : 0);
}

void Compiler::aug_assign(const AugAssignStmt* s) {
    const Expr* t = s->target;
    set_loc(t->loc);
    if (auto* a = t->as<Attribute>()) {
        expr(a->value);
        emit(Op::COPY, 1);
        emit(Op::LOAD_ATTR, add_name(mangled(a->attr)));
    } else if (auto* sub = t->as<Subscript>()) {
        expr(sub->value);
        expr(sub->slice);
        emit(Op::COPY, 2);
        emit(Op::COPY, 2);
        emit(Op::BINARY_SUBSCR);
    } else if (auto* n = t->as<Name>()) {
        name_op(n->id, ExprContext::Load);
    } else {
        error(t->loc, "'expression' is an illegal expression for augmented assignment");
        return;
    }
    expr(s->value);
    set_loc(s->loc);
    emit(Op::BINARY_OP, binop_arg(s->op, true));
    set_loc(t->loc);
    if (auto* a = t->as<Attribute>()) {
        emit(Op::SWAP, 2);
        emit(Op::STORE_ATTR, add_name(mangled(a->attr)));
    } else if (t->is<Subscript>()) {
        emit(Op::SWAP, 3);
        emit(Op::SWAP, 2);
        emit(Op::STORE_SUBSCR);
    } else {
        name_op(t->as<Name>()->id, ExprContext::Store);
    }
}

void Compiler::ann_assign(const AnnAssignStmt* s) {
    const Expr* t = s->target;
    bool module_or_class = u().scope->kind != BlockKind::Function;
    if (s->value) {
        expr(s->value);
        store(t);
    }
    set_loc(s->loc);
    if (auto* n = t->as<Name>()) {
        if (s->simple && module_or_class) {
            annotation(s->annotation);
            emit(Op::LOAD_NAME, add_name("__annotations__"));
            load_const(vm::Constant{mangled(n->id)});
            emit(Op::STORE_SUBSCR);
        }
    } else if (auto* a = t->as<Attribute>()) {
        if (!s->value) {
            expr(a->value);
            emit(Op::POP_TOP);
        }
    } else if (auto* sub = t->as<Subscript>()) {
        if (!s->value) {
            expr(sub->value);
            emit(Op::POP_TOP);
            if (auto* sl = sub->slice->as<Slice>()) {
                for (const Expr* p : {sl->lower, sl->upper, sl->step})
                    if (p) { expr(p); emit(Op::POP_TOP); }
            } else {
                expr(sub->slice);
                emit(Op::POP_TOP);
            }
        }
    }
    if (!s->simple && module_or_class && !future_annotations()) {
        expr(s->annotation);
        emit(Op::POP_TOP);
    }
}

void Compiler::delete_target(const Expr* e) {
    set_loc(e->loc);
    if (auto* n = e->as<Name>()) {
        name_op(n->id, ExprContext::Del);
    } else if (auto* a = e->as<Attribute>()) {
        expr(a->value);
        set_loc(e->loc);
        emit(Op::DELETE_ATTR, add_name(mangled(a->attr)));
    } else if (auto* s = e->as<Subscript>()) {
        expr(s->value);
        expr(s->slice);
        set_loc(e->loc);
        emit(Op::DELETE_SUBSCR);
    } else if (auto* t = e->as<Tuple>()) {
        for (const Expr* x : t->elts) delete_target(x);
    } else if (auto* l = e->as<List>()) {
        for (const Expr* x : l->elts) delete_target(x);
    } else {
        error(e->loc, "cannot delete expression");
    }
}

// ---- loops and frame blocks ------------------------------------------------------------------

void Compiler::push_fblock(FBlockKind k, Label block, Label exit, const Loc& loc) {
    u().fblocks.push_back(FBlock{k, block, exit, nullptr, nullptr, loc});
}

void Compiler::pop_fblock() { u().fblocks.pop_back(); }

void Compiler::call_exit_with_nones() {
    load_none();
    load_none();
    load_none();
    emit(Op::CALL, 2);
}

void Compiler::pop_except_and_reraise() {
    emit(Op::COPY, 3);
    emit(Op::POP_EXCEPT);
    emit(Op::RERAISE, 1);
}

void Compiler::await_loop() {
    Label start = new_label(), exit = new_label();
    bind(start);
    emit_jump(Op::SEND, exit);
    emit(Op::YIELD_VALUE);
    emit_jump(Op::JUMP, start);
    bind(exit);
}

void Compiler::unwind_fblock(const FBlock& fb, bool preserve_tos) {
    switch (fb.kind) {
    case FBlockKind::WhileLoop:
    case FBlockKind::ExceptionHandler:
    case FBlockKind::ExceptionGroupHandler:
    case FBlockKind::AsyncComprehensionGenerator: return;
    case FBlockKind::ForLoop:
        if (preserve_tos) emit(Op::SWAP, 2);
        emit(Op::POP_TOP);
        return;
    case FBlockKind::TryExcept: pop_block(); return;
    case FBlockKind::FinallyTry:
        pop_block();
        if (preserve_tos) push_fblock(FBlockKind::PopValue, Label{}, Label{}, fb.loc);
        body(*fb.finalbody);
        if (preserve_tos) pop_fblock();
        return;
    case FBlockKind::FinallyEnd:
        if (preserve_tos) emit(Op::SWAP, 2);
        emit(Op::POP_TOP);
        if (preserve_tos) emit(Op::SWAP, 2);
        pop_block();
        emit(Op::POP_EXCEPT);
        return;
    case FBlockKind::With:
    case FBlockKind::AsyncWith: {
        Loc saved = u().loc;
        set_loc(fb.loc);
        pop_block();
        if (preserve_tos) emit(Op::SWAP, 2);
        call_exit_with_nones();
        if (fb.kind == FBlockKind::AsyncWith) {
            emit(Op::GET_AWAITABLE, 2);
            load_none();
            await_loop();
        }
        emit(Op::POP_TOP);
        set_loc(saved);
        return;
    }
    case FBlockKind::HandlerCleanup:
        if (fb.name) pop_block();
        if (preserve_tos) emit(Op::SWAP, 2);
        pop_block();
        emit(Op::POP_EXCEPT);
        if (fb.name) {
            load_none();
            name_op(*fb.name, ExprContext::Store);
            name_op(*fb.name, ExprContext::Del);
        }
        return;
    case FBlockKind::PopValue:
        if (preserve_tos) emit(Op::SWAP, 2);
        emit(Op::POP_TOP);
        return;
    }
}

bool Compiler::unwind_fblock_stack(bool preserve_tos, FBlock* loop) {
    auto& fbs = u().fblocks;
    if (fbs.empty()) return false;
    FBlock top = fbs.back();
    if (top.kind == FBlockKind::ExceptionGroupHandler) {
        error(u().loc, "'break', 'continue' and 'return' cannot appear in an except* block");
        return false;
    }
    if (loop && (top.kind == FBlockKind::WhileLoop || top.kind == FBlockKind::ForLoop)) {
        *loop = top;
        return true;
    }
    fbs.pop_back();
    unwind_fblock(top, preserve_tos);
    bool r = unwind_fblock_stack(preserve_tos, loop);
    u().fblocks.push_back(top);
    return r;
}

void Compiler::break_stmt(const Stmt* s) {
    FBlock loop{};
    size_t nerr = errors.size();
    if (!unwind_fblock_stack(false, &loop)) {
        if (errors.size() == nerr) error(s->loc, "'break' outside loop");
        return;
    }
    unwind_fblock(loop, false);
    emit_jump(Op::JUMP, loop.exit);
}

void Compiler::continue_stmt(const Stmt* s) {
    FBlock loop{};
    size_t nerr = errors.size();
    if (!unwind_fblock_stack(false, &loop)) {
        if (errors.size() == nerr) error(s->loc, "'continue' not properly in loop");
        return;
    }
    emit_jump(Op::JUMP, loop.block);
}

void Compiler::for_stmt(const ForStmt* s) {
    Label start = new_label(), cleanup = new_label(), end = new_label();
    expr(s->iter);
    set_loc(s->loc);
    emit(Op::GET_ITER);
    bind(start);
    push_fblock(FBlockKind::ForLoop, start, end, s->loc);
    emit_jump(Op::FOR_ITER, cleanup);
    store(s->target);
    body(s->body);
    set_loc(s->loc);
    emit_jump(Op::JUMP, start);
    bind(cleanup);
    pop_fblock();
    body(s->orelse);
    bind(end);
}

void Compiler::async_for(const ForStmt* s) {
    Label start = new_label(), except = new_label(), end = new_label();
    expr(s->iter);
    set_loc(s->loc);
    emit(Op::GET_AITER);
    bind(start);
    push_fblock(FBlockKind::ForLoop, start, end, s->loc);
    setup(kSetupFinally, except);
    emit(Op::GET_ANEXT);
    load_none();
    await_loop();
    pop_block();
    store(s->target);
    body(s->body);
    set_loc(s->loc);
    emit_jump(Op::JUMP, start);
    pop_fblock();
    bind(except);
    emit(Op::END_ASYNC_FOR);
    body(s->orelse);
    bind(end);
}

void Compiler::while_stmt(const WhileStmt* s) {
    Label loop = new_label(), body_l = new_label(), anchor = new_label(), end = new_label();
    bind(loop);
    push_fblock(FBlockKind::WhileLoop, loop, end, s->loc);
    jump_if(s->test, anchor, false);
    bind(body_l);
    body(s->body);
    set_loc(s->loc);
    jump_if(s->test, body_l, true);
    pop_fblock();
    bind(anchor);
    body(s->orelse);
    bind(end);
}

void Compiler::if_stmt(const IfStmt* s) {
    Label end = new_label();
    Label next = s->orelse.empty() ? end : new_label();
    jump_if(s->test, next, false);
    body(s->body);
    if (!s->orelse.empty()) {
        emit_jump(Op::JUMP, end);
        bind(next);
        body(s->orelse);
    }
    bind(end);
}

// ---- with ----------------------------------------------------------------------------------

void Compiler::with_except_finish(Label cleanup) {
    Label exit = new_label();
    emit_jump(Op::POP_JUMP_IF_TRUE, exit);
    emit(Op::RERAISE, 2);
    bind(cleanup);
    pop_except_and_reraise();
    bind(exit);
    emit(Op::POP_TOP);
    pop_block();
    emit(Op::POP_EXCEPT);
    emit(Op::POP_TOP);
    emit(Op::POP_TOP);
}

void Compiler::with_stmt(const WithStmt* s, size_t pos) {
    const WithItem& item = s->items[pos];
    Label block = new_label(), final = new_label(), exit = new_label(), cleanup = new_label();
    expr(item.context_expr);
    set_loc(s->loc);
    emit(Op::BEFORE_WITH);
    setup(kSetupWith, final);
    bind(block);
    push_fblock(FBlockKind::With, block, final, s->loc);
    if (item.optional_vars) store(item.optional_vars);
    else emit(Op::POP_TOP);
    if (pos + 1 == s->items.size()) body(s->body);
    else with_stmt(s, pos + 1);
    set_loc(s->loc);
    pop_block();
    pop_fblock();
    call_exit_with_nones();
    emit(Op::POP_TOP);
    emit_jump(Op::JUMP, exit);
    bind(final);
    setup(kSetupCleanup, cleanup);
    emit(Op::PUSH_EXC_INFO);
    emit(Op::WITH_EXCEPT_START);
    with_except_finish(cleanup);
    bind(exit);
}

void Compiler::async_with(const WithStmt* s, size_t pos) {
    const WithItem& item = s->items[pos];
    Label block = new_label(), final = new_label(), exit = new_label(), cleanup = new_label();
    expr(item.context_expr);
    set_loc(s->loc);
    emit(Op::BEFORE_ASYNC_WITH);
    emit(Op::GET_AWAITABLE, 1);
    load_none();
    await_loop();
    setup(kSetupWith, final);
    bind(block);
    push_fblock(FBlockKind::AsyncWith, block, final, s->loc);
    if (item.optional_vars) store(item.optional_vars);
    else emit(Op::POP_TOP);
    if (pos + 1 == s->items.size()) body(s->body);
    else async_with(s, pos + 1);
    set_loc(s->loc);
    pop_block();
    pop_fblock();
    call_exit_with_nones();
    emit(Op::GET_AWAITABLE, 2);
    load_none();
    await_loop();
    emit(Op::POP_TOP);
    emit_jump(Op::JUMP, exit);
    bind(final);
    setup(kSetupCleanup, cleanup);
    emit(Op::PUSH_EXC_INFO);
    emit(Op::WITH_EXCEPT_START);
    emit(Op::GET_AWAITABLE, 2);
    load_none();
    await_loop();
    with_except_finish(cleanup);
    bind(exit);
}

// ---- try -----------------------------------------------------------------------------------

void Compiler::try_stmt(const TryStmt* s) {
    if (!s->finalbody.empty()) try_finally(s);
    else if (s->kind == StmtKind::TryStar) try_star_except(s);
    else try_except(s);
}

void Compiler::try_finally(const TryStmt* s) {
    Label body_l = new_label(), end = new_label(), exit = new_label(), cleanup = new_label();
    setup(kSetupFinally, end);
    bind(body_l);
    push_fblock(FBlockKind::FinallyTry, body_l, end, s->loc);
    u().fblocks.back().finalbody = &s->finalbody;
    if (s->kind == StmtKind::TryStar) try_star_except(s);
    else if (!s->handlers.empty()) try_except(s);
    else body(s->body);
    pop_block();
    pop_fblock();
    body(s->finalbody);
    emit_jump(Op::JUMP, exit);
    bind(end);
    set_loc(s->loc);
    setup(kSetupCleanup, cleanup);
    emit(Op::PUSH_EXC_INFO);
    push_fblock(FBlockKind::FinallyEnd, end, Label{}, s->loc);
    body(s->finalbody);
    pop_fblock();
    emit(Op::RERAISE, 0);
    bind(cleanup);
    pop_except_and_reraise();
    bind(exit);
}

void Compiler::try_except(const TryStmt* s) {
    Label body_l = new_label(), except = new_label(), end = new_label(), cleanup = new_label();
    set_loc(s->loc);
    setup(kSetupFinally, except);
    bind(body_l);
    push_fblock(FBlockKind::TryExcept, body_l, Label{}, s->loc);
    body(s->body);
    pop_fblock();
    pop_block();
    body(s->orelse);
    emit_jump(Op::JUMP, end);
    bind(except);
    set_loc(s->loc);
    setup(kSetupCleanup, cleanup);
    emit(Op::PUSH_EXC_INFO);
    push_fblock(FBlockKind::ExceptionHandler, Label{}, Label{}, s->loc);
    for (size_t i = 0; i < s->handlers.size(); ++i) {
        const ExceptHandler& h = s->handlers[i];
        set_loc(h.loc);
        Label next = new_label();
        if (!h.type && i + 1 < s->handlers.size()) error(h.loc, "default 'except:' must be last");
        if (h.type) {
            expr(h.type);
            set_loc(h.loc);
            emit(Op::CHECK_EXC_MATCH);
            emit_jump(Op::POP_JUMP_IF_FALSE, next);
        }
        if (!h.name.empty()) {
            Label cleanup_end = new_label(), cleanup_body = new_label();
            name_op(h.name, ExprContext::Store);
            setup(kSetupCleanup, cleanup_end);
            bind(cleanup_body);
            push_fblock(FBlockKind::HandlerCleanup, cleanup_body, Label{}, h.loc);
            u().fblocks.back().name = &h.name;
            body(h.body);
            pop_fblock();
            set_loc(h.loc);
            pop_block();
            pop_block();
            emit(Op::POP_EXCEPT);
            load_none();
            name_op(h.name, ExprContext::Store);
            name_op(h.name, ExprContext::Del);
            emit_jump(Op::JUMP, end);
            bind(cleanup_end);
            load_none();
            name_op(h.name, ExprContext::Store);
            name_op(h.name, ExprContext::Del);
            emit(Op::RERAISE, 1);
        } else {
            Label cleanup_body = new_label();
            emit(Op::POP_TOP);
            bind(cleanup_body);
            push_fblock(FBlockKind::HandlerCleanup, cleanup_body, Label{}, h.loc);
            body(h.body);
            pop_fblock();
            set_loc(h.loc);
            pop_block();
            emit(Op::POP_EXCEPT);
            emit_jump(Op::JUMP, end);
        }
        bind(next);
    }
    set_loc(s->loc);
    pop_fblock();
    emit(Op::RERAISE, 0);
    bind(cleanup);
    pop_except_and_reraise();
    bind(end);
}

// except*: each handler takes its split of the group; what the handlers raise (or leave
// unhandled) is collected in a list and re-raised by PREP_RERAISE_STAR. Stack in the handlers:
// [prev_exc, orig, list, rest].
void Compiler::try_star_except(const TryStmt* s) {
    Label body_l = new_label(), except = new_label(), orelse = new_label(), end = new_label();
    Label cleanup = new_label(), reraise_star = new_label(), reraise = new_label();
    set_loc(s->loc);
    setup(kSetupFinally, except);
    bind(body_l);
    push_fblock(FBlockKind::TryExcept, body_l, Label{}, s->loc);
    body(s->body);
    pop_fblock();
    pop_block();
    emit_jump(Op::JUMP, orelse);
    bind(except);
    set_loc(s->loc);
    setup(kSetupCleanup, cleanup);
    emit(Op::PUSH_EXC_INFO);
    push_fblock(FBlockKind::ExceptionGroupHandler, Label{}, Label{}, s->loc);
    size_t n = s->handlers.size();
    for (size_t i = 0; i < n; ++i) {
        const ExceptHandler& h = s->handlers[i];
        set_loc(h.loc);
        Label next = new_label(), except_with_error = new_label(), no_match = new_label();
        if (i == 0) {
            emit(Op::COPY, 1);        // [orig, exc]
            emit(Op::BUILD_LIST, 0);  // [orig, exc, []]
            emit(Op::SWAP, 2);        // [orig, [], exc]
        }
        if (h.type) {
            expr(h.type);
            set_loc(h.loc);
            emit(Op::CHECK_EG_MATCH);
            emit(Op::COPY, 1);
            emit_jump(Op::POP_JUMP_IF_NONE, no_match);
        }
        Label cleanup_end = new_label(), cleanup_body = new_label();
        if (!h.name.empty()) name_op(h.name, ExprContext::Store);
        else emit(Op::POP_TOP);
        setup(kSetupCleanup, cleanup_end);
        bind(cleanup_body);
        push_fblock(FBlockKind::HandlerCleanup, cleanup_body, Label{}, h.loc);
        if (!h.name.empty()) u().fblocks.back().name = &h.name;
        body(h.body);
        pop_fblock();
        set_loc(h.loc);
        pop_block();
        if (!h.name.empty()) {
            load_none();
            name_op(h.name, ExprContext::Store);
            name_op(h.name, ExprContext::Del);
        }
        emit_jump(Op::JUMP, next);
        bind(cleanup_end);
        if (!h.name.empty()) {
            load_none();
            name_op(h.name, ExprContext::Store);
            name_op(h.name, ExprContext::Del);
        }
        emit(Op::LIST_APPEND, 3);  // the exception the handler raised
        emit(Op::POP_TOP);         // lasti
        emit_jump(Op::JUMP, except_with_error);
        bind(next);
        emit(Op::NOP);
        emit_jump(Op::JUMP, except_with_error);
        bind(no_match);
        emit(Op::POP_TOP);  // the None match
        bind(except_with_error);
        if (i == n - 1) {
            // Add the unhandled rest (None if everything matched).
            emit(Op::LIST_APPEND, 1);
            emit_jump(Op::JUMP, reraise_star);
        }
    }
    set_loc(s->loc);
    pop_fblock();
    bind(reraise_star);
    emit(Op::PREP_RERAISE_STAR);
    emit(Op::COPY, 1);
    emit_jump(Op::POP_JUMP_IF_NOT_NONE, reraise);
    // Nothing to re-raise.
    emit(Op::POP_TOP);
    pop_block();
    emit(Op::POP_EXCEPT);
    emit_jump(Op::JUMP, end);
    bind(reraise);
    pop_block();
    emit(Op::SWAP, 2);
    emit(Op::POP_EXCEPT);
    emit(Op::RERAISE, 0);
    bind(cleanup);
    pop_except_and_reraise();
    bind(orelse);
    body(s->orelse);
    bind(end);
}

// ---- raise, assert, import -------------------------------------------------------------------

void Compiler::raise_stmt(const RaiseStmt* s) {
    uint32_t n = 0;
    if (s->exc) {
        expr(s->exc);
        ++n;
        if (s->cause) {
            expr(s->cause);
            ++n;
        }
    }
    set_loc(s->loc);
    emit(Op::RAISE_VARARGS, n);
}

void Compiler::assert_stmt(const AssertStmt* s) {
    Label end = new_label();
    jump_if(s->test, end, true);
    // CPython gives the raising instructions the test's position (the caret marks the test).
    set_loc(s->test->loc);
    emit(Op::LOAD_ASSERTION_ERROR);
    if (s->msg) {
        expr(s->msg);
        set_loc(s->test->loc);
        emit(Op::CALL, 0);
    }
    emit(Op::RAISE_VARARGS, 1);
    bind(end);
}

void Compiler::import_stmt(const ImportStmt* s) {
    for (const Alias& a : s->names) {
        set_loc(s->loc);  // CPython positions every import instruction at the whole statement
        load_const(vm::Constant{int64_t{0}});
        load_none();
        emit(Op::IMPORT_NAME, add_name(a.name));
        if (!a.asname.empty()) {
            size_t dot = a.name.find('.');
            if (dot != std::string::npos) {
                // `import a.b.c as d`: d = (a.b).c via IMPORT_FROM on each component.
                while (true) {
                    size_t pos = dot + 1;
                    dot = a.name.find('.', pos);
                    std::string attr = a.name.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
                    emit(Op::IMPORT_FROM, add_name(attr));
                    if (dot == std::string::npos) break;
                    emit(Op::SWAP, 2);
                    emit(Op::POP_TOP);
                }
                name_op(a.asname, ExprContext::Store);
                emit(Op::POP_TOP);
            } else {
                name_op(a.asname, ExprContext::Store);
            }
        } else {
            name_op(a.name.substr(0, a.name.find('.')), ExprContext::Store);
        }
    }
}

void Compiler::annotation(const Expr* e) {
    if (future_annotations()) {
        load_const(vm::Constant{unparse_expr(e)});
    } else {
        expr(e);
    }
}

void Compiler::import_from(const ImportFromStmt* s) {
    if (s->module == "__future__" && s->loc.line > future_.lineno) {
        error(s->loc, "from __future__ imports must occur at the beginning of the file");
        return;
    }
    vm::ConstTuple names;
    for (const Alias& a : s->names) names.push_back(vm::Constant{a.name});
    load_const(vm::Constant{int64_t{s->level}});
    load_const(vm::Constant{std::move(names)});
    emit(Op::IMPORT_NAME, add_name(s->module));
    for (const Alias& a : s->names) {
        if (a.name == "*") {
            emit(Op::IMPORT_STAR);
            return;
        }
        set_loc(s->loc);
        emit(Op::IMPORT_FROM, add_name(a.name));
        name_op(a.asname.empty() ? a.name : a.asname, ExprContext::Store);
    }
    set_loc(s->loc);
    emit(Op::POP_TOP);
}

}  // namespace asy::compile
