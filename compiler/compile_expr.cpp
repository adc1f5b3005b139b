// Code generation for expressions: operators, calls (CPython 3.11 call layouts), displays
// with star-unpacking, comprehensions as nested functions, lambdas, await/yield loops,
// f-strings, assignment targets and conditional jumps.
#include <unordered_set>

#include "compiler/compiler_impl.hpp"

namespace asy::compile {

using vm::Op;
using namespace ast;

namespace {

// Restores the current source position when an expression's code is done, so the rest of
// the parent's instructions keep the parent's position.
struct LocGuard {
    Compiler& c;
    Loc saved;
    LocGuard(Compiler& c, const Loc& l) : c(c), saved(c.u().loc) { c.set_loc(l); }
    ~LocGuard() { c.set_loc(saved); }
};

}  // namespace

bool Compiler::const_value(const Expr* e, vm::Constant& out) {
    if (auto* c = e->as<Constant>()) {
        switch (c->ckind) {
        case ConstKind::None: out.v = std::monostate{}; break;
        case ConstKind::True: out.v = true; break;
        case ConstKind::False: out.v = false; break;
        case ConstKind::Ellipsis: out.v = vm::EllipsisConst{}; break;
        case ConstKind::Int: out.v = c->int_value; break;
        case ConstKind::BigInt: out.v = vm::BigIntConst{c->text}; break;
        case ConstKind::Float: out.v = c->float_value; break;
        case ConstKind::Complex: out.v = vm::ComplexConst{0.0, c->float_value}; break;
        case ConstKind::Str: out.v = c->text; break;
        case ConstKind::Bytes: out.v = vm::BytesConst{c->text}; break;
        }
        return true;
    }
    if (auto* t = e->as<Tuple>(); t && t->ctx == ExprContext::Load) {
        vm::ConstTuple items;
        for (const Expr* x : t->elts) {
            vm::Constant v;
            if (!const_value(x, v)) return false;
            items.push_back(std::move(v));
        }
        out.v = std::move(items);
        return true;
    }
    return false;
}

static bool const_truth(const Constant* c) {
    switch (c->ckind) {
    case ConstKind::None:
    case ConstKind::False: return false;
    case ConstKind::True:
    case ConstKind::Ellipsis: return true;
    case ConstKind::Int: return c->int_value != 0;
    case ConstKind::BigInt: return true;
    case ConstKind::Float:
    case ConstKind::Complex: return c->float_value != 0;
    case ConstKind::Str:
    case ConstKind::Bytes: return !c->text.empty();
    }
    return true;
}

void Compiler::expr(const Expr* e) {
    LocGuard g(*this, e->loc);
    switch (e->kind) {
    case ExprKind::BoolOp: bool_op(e->as<BoolOp>()); break;
    case ExprKind::NamedExpr: {
        auto* n = e->as<NamedExpr>();
        expr(n->value);
        emit(Op::COPY, 1);
        store(n->target);
        break;
    }
    case ExprKind::BinOp: {
        auto* b = e->as<BinOp>();
        expr(b->left);
        expr(b->right);
        emit(Op::BINARY_OP, binop_arg(b->op, false));
        break;
    }
    case ExprKind::UnaryOp: {
        auto* un = e->as<UnaryOp>();
        expr(un->operand);
        static const Op ops[] = {Op::UNARY_INVERT, Op::UNARY_NOT, Op::UNARY_POSITIVE, Op::UNARY_NEGATIVE};
        emit(ops[static_cast<int>(un->op)]);
        break;
    }
    case ExprKind::Lambda: lambda(e->as<Lambda>()); break;
    case ExprKind::IfExp: {
        auto* i = e->as<IfExp>();
        Label end = new_label(), next = new_label();
        jump_if(i->test, next, false);
        expr(i->body);
        emit_jump(Op::JUMP, end);
        bind(next);
        expr(i->orelse);
        bind(end);
        break;
    }
    case ExprKind::Dict: dict(e->as<Dict>()); break;
    case ExprKind::Set: starunpack(e->as<Set>()->elts, 0, Op::BUILD_SET, Op::SET_ADD, Op::SET_UPDATE, false); break;
    case ExprKind::ListComp: {
        auto* c = e->as<ListComp>();
        comprehension(e, c->generators, c->elt, nullptr, "<listcomp>");
        break;
    }
    case ExprKind::SetComp: {
        auto* c = e->as<SetComp>();
        comprehension(e, c->generators, c->elt, nullptr, "<setcomp>");
        break;
    }
    case ExprKind::DictComp: {
        auto* c = e->as<DictComp>();
        comprehension(e, c->generators, c->key, c->value, "<dictcomp>");
        break;
    }
    case ExprKind::GeneratorExp: {
        auto* c = e->as<GeneratorExp>();
        comprehension(e, c->generators, c->elt, nullptr, "<genexpr>");
        break;
    }
    case ExprKind::Await:
        expr(e->as<Await>()->value);
        emit(Op::GET_AWAITABLE, 0);
        load_none();
        await_loop();
        break;
    case ExprKind::Yield: {
        auto* y = e->as<Yield>();
        if (y->value) expr(y->value);
        else load_none();
        yield_value();
        break;
    }
    case ExprKind::YieldFrom:
        expr(e->as<YieldFrom>()->value);
        emit(Op::GET_YIELD_FROM_ITER);
        load_none();
        await_loop();
        break;
    case ExprKind::Compare: compare(e->as<Compare>()); break;
    case ExprKind::Call: call(e->as<Call>()); break;
    case ExprKind::FormattedValue: {
        auto* f = e->as<FormattedValue>();
        expr(f->value);
        uint32_t arg = f->conversion == 's' ? 1 : f->conversion == 'r' ? 2 : f->conversion == 'a' ? 3 : 0;
        if (f->format_spec) {
            expr(f->format_spec);
            arg |= 4;
        }
        emit(Op::FORMAT_VALUE, arg);
        break;
    }
    case ExprKind::JoinedStr: fstring(e->as<JoinedStr>()); break;
    case ExprKind::Constant: {
        vm::Constant c;
        const_value(e, c);
        load_const(std::move(c));
        break;
    }
    case ExprKind::Attribute: {
        auto* a = e->as<Attribute>();
        if (a->ctx != ExprContext::Load) {
            store(e);
            break;
        }
        expr(a->value);
        set_loc(e->loc);
        emit(Op::LOAD_ATTR, add_name(mangled(a->attr)));
        break;
    }
    case ExprKind::Subscript: {
        auto* s = e->as<Subscript>();
        if (s->ctx != ExprContext::Load) {
            store(e);
            break;
        }
        expr(s->value);
        expr(s->slice);
        set_loc(e->loc);
        emit(Op::BINARY_SUBSCR);
        break;
    }
    case ExprKind::Starred:
        error(e->loc, "can't use starred expression here");
        break;
    case ExprKind::Name: name_op(e->as<Name>()->id, e->as<Name>()->ctx); break;
    case ExprKind::List: {
        auto* l = e->as<List>();
        if (l->ctx != ExprContext::Load) {
            store(e);
            break;
        }
        starunpack(l->elts, 0, Op::BUILD_LIST, Op::LIST_APPEND, Op::LIST_EXTEND, false);
        break;
    }
    case ExprKind::Tuple: {
        auto* t = e->as<Tuple>();
        if (t->ctx != ExprContext::Load) {
            store(e);
            break;
        }
        vm::Constant c;
        if (!t->elts.empty() && const_value(e, c)) {
            load_const(std::move(c));
            break;
        }
        starunpack(t->elts, 0, Op::BUILD_LIST, Op::LIST_APPEND, Op::LIST_EXTEND, true);
        break;
    }
    case ExprKind::Slice: {
        auto* s = e->as<Slice>();
        for (const Expr* p : {s->lower, s->upper}) {
            if (p) expr(p);
            else load_none();
        }
        if (s->step) expr(s->step);
        emit(Op::BUILD_SLICE, s->step ? 3 : 2);
        break;
    }
    }
}

void Compiler::fstring(const JoinedStr* e) {
    if (e->values.empty()) {
        load_const(vm::Constant{std::string()});
        return;
    }
    for (const Expr* v : e->values) expr(v);
    if (e->values.size() != 1) emit(Op::BUILD_STRING, static_cast<uint32_t>(e->values.size()));
}

void Compiler::yield_value() {
    if (u().scope->is_coroutine && u().scope->is_generator) emit(Op::ASYNC_GEN_WRAP);
    emit(Op::YIELD_VALUE);
}

// ---- assignment targets --------------------------------------------------------------------

void Compiler::store(const Expr* t) {
    LocGuard g(*this, t->loc);
    switch (t->kind) {
    case ExprKind::Name: name_op(t->as<Name>()->id, ExprContext::Store); break;
    case ExprKind::Attribute: {
        auto* a = t->as<Attribute>();
        expr(a->value);
        set_loc(t->loc);
        emit(Op::STORE_ATTR, add_name(mangled(a->attr)));
        break;
    }
    case ExprKind::Subscript: {
        auto* s = t->as<Subscript>();
        expr(s->value);
        expr(s->slice);
        set_loc(t->loc);
        emit(Op::STORE_SUBSCR);
        break;
    }
    case ExprKind::Tuple: unpack_store(t->as<Tuple>()->elts, t->loc); break;
    case ExprKind::List: unpack_store(t->as<List>()->elts, t->loc); break;
    case ExprKind::Starred: error(t->loc, "starred assignment target must be in a list or tuple"); break;
    default: error(t->loc, "cannot assign to expression"); break;
    }
}

void Compiler::unpack_store(const std::vector<Expr*>& elts, const Loc& loc) {
    int star = -1;
    for (size_t i = 0; i < elts.size(); ++i) {
        if (!elts[i]->is<Starred>()) continue;
        if (star >= 0) {
            error(elts[i]->loc, "multiple starred expressions in assignment");
            return;
        }
        star = static_cast<int>(i);
    }
    if (star >= 0) {
        size_t after = elts.size() - star - 1;
        if (star >= 256 || after >= (1u << 16)) {
            error(loc, "too many expressions in star-unpacking assignment");
            return;
        }
        emit(Op::UNPACK_EX, static_cast<uint32_t>(star) | static_cast<uint32_t>(after << 8));
    } else {
        emit(Op::UNPACK_SEQUENCE, static_cast<uint32_t>(elts.size()));
    }
    for (const Expr* e : elts) {
        if (auto* s = e->as<Starred>()) store(s->value);
        else store(e);
    }
}

// ---- conditions ----------------------------------------------------------------------------

void Compiler::compare_op(CmpOpKind k) {
    switch (k) {
    case CmpOpKind::Is: emit(Op::IS_OP, 0); break;
    case CmpOpKind::IsNot: emit(Op::IS_OP, 1); break;
    case CmpOpKind::In: emit(Op::CONTAINS_OP, 0); break;
    case CmpOpKind::NotIn: emit(Op::CONTAINS_OP, 1); break;
    case CmpOpKind::Eq: emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Eq)); break;
    case CmpOpKind::NotEq: emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Ne)); break;
    case CmpOpKind::Lt: emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Lt)); break;
    case CmpOpKind::LtE: emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Le)); break;
    case CmpOpKind::Gt: emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Gt)); break;
    case CmpOpKind::GtE: emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Ge)); break;
    }
}

void Compiler::compare(const Compare* e) {
    expr(e->left);
    size_t n = e->ops.size();
    if (n == 1) {
        expr(e->comparators[0]);
        set_loc(e->loc);
        compare_op(e->ops[0]);
        return;
    }
    Label cleanup = new_label(), end = new_label();
    for (size_t i = 0; i + 1 < n; ++i) {
        expr(e->comparators[i]);
        set_loc(e->loc);
        emit(Op::SWAP, 2);
        emit(Op::COPY, 2);
        compare_op(e->ops[i]);
        emit_jump(Op::JUMP_IF_FALSE_OR_POP, cleanup);
    }
    expr(e->comparators[n - 1]);
    set_loc(e->loc);
    compare_op(e->ops[n - 1]);
    emit_jump(Op::JUMP, end);
    bind(cleanup);
    emit(Op::SWAP, 2);
    emit(Op::POP_TOP);
    bind(end);
}

void Compiler::bool_op(const BoolOp* e) {
    Label end = new_label();
    Op jump = e->op == BoolOpKind::And ? Op::JUMP_IF_FALSE_OR_POP : Op::JUMP_IF_TRUE_OR_POP;
    for (size_t i = 0; i + 1 < e->values.size(); ++i) {
        expr(e->values[i]);
        set_loc(e->loc);
        emit_jump(jump, end);
    }
    expr(e->values.back());
    bind(end);
}

void Compiler::jump_if(const Expr* e, Label target, bool cond) {
    LocGuard g(*this, e->loc);
    if (auto* un = e->as<UnaryOp>(); un && un->op == UnaryOpKind::Not) {
        jump_if(un->operand, target, !cond);
        return;
    }
    if (auto* b = e->as<BoolOp>()) {
        bool is_or = b->op == BoolOpKind::Or;
        Label next2 = cond == is_or ? target : new_label();
        for (size_t i = 0; i + 1 < b->values.size(); ++i) jump_if(b->values[i], next2, is_or);
        jump_if(b->values.back(), target, cond);
        if (next2.id != target.id) bind(next2);
        return;
    }
    if (auto* i = e->as<IfExp>()) {
        Label end = new_label(), next2 = new_label();
        jump_if(i->test, next2, false);
        jump_if(i->body, target, cond);
        emit_jump(Op::JUMP, end);
        bind(next2);
        jump_if(i->orelse, target, cond);
        bind(end);
        return;
    }
    if (auto* c = e->as<Constant>()) {
        if (const_truth(c) == cond) emit_jump(Op::JUMP, target);
        return;
    }
    if (auto* c = e->as<Compare>()) {
        size_t n = c->ops.size();
        if (n == 1 && (c->ops[0] == CmpOpKind::Is || c->ops[0] == CmpOpKind::IsNot)) {
            auto* k = c->comparators[0]->as<Constant>();
            if (k && k->ckind == ConstKind::None) {
                expr(c->left);
                set_loc(e->loc);
                bool is_none = (c->ops[0] == CmpOpKind::Is) == cond;
                emit_jump(is_none ? Op::POP_JUMP_IF_NONE : Op::POP_JUMP_IF_NOT_NONE, target);
                return;
            }
        }
        if (n > 1) {
            Label cleanup = new_label(), end = new_label();
            expr(c->left);
            for (size_t i = 0; i + 1 < n; ++i) {
                expr(c->comparators[i]);
                set_loc(e->loc);
                emit(Op::SWAP, 2);
                emit(Op::COPY, 2);
                compare_op(c->ops[i]);
                emit_jump(Op::POP_JUMP_IF_FALSE, cleanup);
            }
            expr(c->comparators[n - 1]);
            set_loc(e->loc);
            compare_op(c->ops[n - 1]);
            emit_jump(cond ? Op::POP_JUMP_IF_TRUE : Op::POP_JUMP_IF_FALSE, target);
            emit_jump(Op::JUMP, end);
            bind(cleanup);
            emit(Op::POP_TOP);
            if (!cond) emit_jump(Op::JUMP, target);
            bind(end);
            return;
        }
    }
    expr(e);
    set_loc(e->loc);
    emit_jump(cond ? Op::POP_JUMP_IF_TRUE : Op::POP_JUMP_IF_FALSE, target);
}

// ---- calls and displays --------------------------------------------------------------------

void Compiler::starunpack(const std::vector<Expr*>& elts, int pushed, Op build, Op add, Op extend, bool tuple) {
    bool has_star = false;
    for (const Expr* e : elts) has_star |= e->is<Starred>();
    if (!has_star) {
        for (const Expr* e : elts) expr(e);
        emit(tuple ? Op::BUILD_TUPLE : build, static_cast<uint32_t>(elts.size() + pushed));
        return;
    }
    bool built = false;
    for (size_t i = 0; i < elts.size(); ++i) {
        if (auto* s = elts[i]->as<Starred>()) {
            if (!built) {
                emit(build, static_cast<uint32_t>(i + pushed));
                built = true;
            }
            expr(s->value);
            emit(extend, 1);
        } else {
            expr(elts[i]);
            if (built) emit(add, 1);
        }
    }
    if (tuple) emit(Op::LIST_TO_TUPLE);
}

void Compiler::dict(const Dict* e) {
    bool have_dict = false;
    uint32_t pending = 0;
    auto flush = [&] {
        if (!pending) return;
        emit(Op::BUILD_MAP, pending);
        if (have_dict) emit(Op::DICT_UPDATE, 1);
        have_dict = true;
        pending = 0;
    };
    for (size_t i = 0; i < e->values.size(); ++i) {
        if (!e->keys[i]) {
            flush();
            if (!have_dict) {
                emit(Op::BUILD_MAP, 0);
                have_dict = true;
            }
            expr(e->values[i]);
            emit(Op::DICT_UPDATE, 1);
        } else {
            expr(e->keys[i]);
            expr(e->values[i]);
            ++pending;
        }
    }
    flush();
    if (!have_dict) emit(Op::BUILD_MAP, 0);
}

void Compiler::call(const Call* e) {
    std::unordered_set<std::string> seen;
    for (const auto& k : e->keywords) {
        if (k.arg.empty()) continue;
        if (!seen.insert(k.arg).second) {
            error(k.loc.line ? k.loc : e->loc, "keyword argument repeated: " + k.arg);
            return;
        }
    }
    bool simple = true;
    for (const Expr* a : e->args) simple &= !a->is<Starred>();
    for (const auto& k : e->keywords) simple &= !k.arg.empty();
    auto* attr = e->func->as<Attribute>();
    if (attr && attr->ctx == ExprContext::Load && simple) {
        expr(attr->value);
        set_loc(attr->loc);
        emit(Op::LOAD_METHOD, add_name(mangled(attr->attr)));
        set_loc(e->loc);
        call_helper(0, e->args, e->keywords);
        return;
    }
    emit(Op::PUSH_NULL);
    expr(e->func);
    set_loc(e->loc);
    call_helper(0, e->args, e->keywords);
}

void Compiler::call_helper(int n, const std::vector<Expr*>& args, const std::vector<Keyword>& kws) {
    bool simple = true;
    for (const Expr* a : args) simple &= !a->is<Starred>();
    for (const auto& k : kws) simple &= !k.arg.empty();
    Loc loc = u().loc;
    if (simple) {
        for (const Expr* a : args) expr(a);
        if (kws.empty()) {
            emit(Op::CALL, static_cast<uint32_t>(n + args.size()));
            return;
        }
        vm::ConstTuple names;
        for (const auto& k : kws) {
            expr(k.value);
            names.push_back(vm::Constant{k.arg});
        }
        load_const(vm::Constant{std::move(names)});
        emit(Op::CALL_KW, static_cast<uint32_t>(n + args.size() + kws.size()));
        return;
    }
    if (n == 0 && args.size() == 1 && args[0]->is<Starred>()) {
        expr(args[0]->as<Starred>()->value);
    } else {
        starunpack(args, n, Op::BUILD_LIST, Op::LIST_APPEND, Op::LIST_EXTEND, true);
    }
    bool have_dict = false;
    size_t nseen = 0;
    auto subkwargs = [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            load_const(vm::Constant{kws[i].arg});
            expr(kws[i].value);
        }
        emit(Op::BUILD_MAP, static_cast<uint32_t>(end - begin));
        if (have_dict) emit(Op::DICT_MERGE, 1);
        have_dict = true;
    };
    for (size_t i = 0; i < kws.size(); ++i) {
        if (kws[i].arg.empty()) {
            if (nseen) subkwargs(i - nseen, i);
            nseen = 0;
            if (!have_dict) {
                emit(Op::BUILD_MAP, 0);
                have_dict = true;
            }
            expr(kws[i].value);
            emit(Op::DICT_MERGE, 1);
        } else {
            ++nseen;
        }
    }
    if (nseen) subkwargs(kws.size() - nseen, kws.size());
    set_loc(loc);
    emit(Op::CALL_FUNCTION_EX, have_dict ? 1 : 0);
}

// ---- functions made by expressions -------------------------------------------------------

void Compiler::lambda(const Lambda* e) {
    uint32_t flags = default_arguments(e->args);
    ScopeInfo* child = st_.lookup(e);
    enter_unit(child, "<lambda>", e->loc);
    set_function_args(e->args);
    expr(e->body);
    if (child->is_generator) {
        emit(Op::POP_TOP);
        load_none();
    }
    emit(Op::RETURN_VALUE);
    auto code = leave_unit();
    set_loc(e->loc);
    make_closure(std::move(code), flags, child);
}

void Compiler::comprehension(const Expr* e, const std::vector<Comprehension>& gens, const Expr* elt,
                             const Expr* val, const char* name) {
    ScopeInfo* child = st_.lookup(e);
    const ScopeInfo* outer = u().scope;
    bool outer_async = (outer->kind == BlockKind::Function && outer->is_coroutine) ||
                       (outer->kind == BlockKind::Module && outer->is_coroutine) || outer->is_comprehension;
    bool is_async = child->is_coroutine;
    if (is_async && !e->is<GeneratorExp>() && !outer_async) {
        error(e->loc, "asynchronous comprehension outside of an asynchronous function");
        return;
    }
    enter_unit(child, name, e->loc);
    u().code->argcount = 1;
    if (e->is<ListComp>()) emit(Op::BUILD_LIST, 0);
    else if (e->is<SetComp>()) emit(Op::BUILD_SET, 0);
    else if (e->is<DictComp>()) emit(Op::BUILD_MAP, 0);
    comp_generator(gens, 0, 0, elt, val, e->kind);
    if (!e->is<GeneratorExp>()) emit(Op::RETURN_VALUE);
    auto code = leave_unit();
    set_loc(e->loc);
    make_closure(std::move(code), 0, child);
    expr(gens[0].iter);
    set_loc(e->loc);
    emit(gens[0].is_async ? Op::GET_AITER : Op::GET_ITER);
    emit(Op::CALL, 0);
    if (is_async && !e->is<GeneratorExp>()) {
        emit(Op::GET_AWAITABLE, 0);
        load_none();
        await_loop();
    }
}

void Compiler::comp_generator(const std::vector<Comprehension>& gens, size_t i, int depth, const Expr* elt,
                              const Expr* val, ExprKind kind) {
    const Comprehension& g = gens[i];
    Label start = new_label(), if_cleanup = new_label(), anchor = new_label();
    if (i == 0) {
        emit(Op::LOAD_FAST, 0);
    } else {
        expr(g.iter);
        emit(g.is_async ? Op::GET_AITER : Op::GET_ITER);
    }
    ++depth;
    bind(start);
    if (g.is_async) {
        push_fblock(FBlockKind::AsyncComprehensionGenerator, start, Label{}, g.iter->loc);
        setup(kSetupFinally, anchor);
        emit(Op::GET_ANEXT);
        load_none();
        await_loop();
        pop_block();
    } else {
        emit_jump(Op::FOR_ITER, anchor);
    }
    store(g.target);
    for (const Expr* cond : g.ifs) jump_if(cond, if_cleanup, false);
    if (i + 1 < gens.size()) {
        comp_generator(gens, i + 1, depth, elt, val, kind);
    } else {
        switch (kind) {
        case ExprKind::GeneratorExp:
            expr(elt);
            yield_value();
            emit(Op::POP_TOP);
            break;
        case ExprKind::ListComp:
            expr(elt);
            emit(Op::LIST_APPEND, depth + 1);
            break;
        case ExprKind::SetComp:
            expr(elt);
            emit(Op::SET_ADD, depth + 1);
            break;
        default:
            expr(elt);
            expr(val);
            emit(Op::MAP_ADD, depth + 1);
            break;
        }
    }
    bind(if_cleanup);
    emit_jump(Op::JUMP, start);
    if (g.is_async) pop_fblock();
    bind(anchor);
    if (g.is_async) emit(Op::END_ASYNC_FOR);
}

}  // namespace asy::compile
