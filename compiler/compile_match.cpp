// Code generation for the `match` statement: every pattern kind, compiled the way CPython 3.11's
// compile.c does it (the same stack discipline, fail_pop blocks and irrefutability rules).
#include <algorithm>
#include <cstdio>

#include "compiler/compiler_impl.hpp"

namespace asy::compile {

using vm::Op;
using namespace ast;

namespace {

bool is_wildcard(const Pattern* p) {
    return p->kind == PatternKind::MatchAs && p->pattern == nullptr && p->name.empty();
}
bool is_wildcard_star(const Pattern* p) { return p->kind == PatternKind::MatchStar && p->name.empty(); }

std::string py_str_repr(const std::string& s, char q = '\'') {
    if (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) q = '"';
    std::string r(1, q);
    for (char ch : s) {
        if (ch == q || ch == '\\') r += '\\', r += ch;
        else if (ch == '\n') r += "\\n";
        else if (ch == '\t') r += "\\t";
        else r += ch;
    }
    return r + q;
}

// A key identifying a literal mapping-pattern key the way a set would (1 == 1.0 == True), and
// its repr for the duplicate-key message. Empty key: not a foldable literal.
std::string literal_key(const Expr* e, std::string& repr) {
    bool neg = false;
    if (auto* u = e->as<UnaryOp>(); u && u->op == UnaryOpKind::USub) {
        neg = true;
        e = u->operand;
    }
    auto* c = e->as<Constant>();
    if (!c) return "";
    std::string sign = neg ? "-" : "";
    char buf[64];
    switch (c->ckind) {
    case ConstKind::None: repr = "None"; return "N";
    case ConstKind::True: repr = "True"; return "n1";
    case ConstKind::False: repr = "False"; return "n0";
    case ConstKind::Ellipsis: repr = "Ellipsis"; return "E";
    case ConstKind::Int:
        repr = sign + std::to_string(c->int_value);
        return c->int_value == 0 ? "n0" : "n" + repr;
    case ConstKind::BigInt: repr = sign + c->text; return "n" + repr;
    case ConstKind::Float: {
        double d = neg ? -c->float_value : c->float_value;
        if (d == static_cast<double>(static_cast<int64_t>(d)) && d > -1e18 && d < 1e18) {
            std::snprintf(buf, sizeof buf, "%.1f", d);
            repr = buf;
            int64_t i = static_cast<int64_t>(d);
            return i == 0 ? "n0" : "n" + std::to_string(i);
        }
        std::snprintf(buf, sizeof buf, "%.17g", d);
        repr = buf;
        return std::string("f") + buf;
    }
    case ConstKind::Str: repr = py_str_repr(c->text); return "s" + c->text;
    case ConstKind::Bytes: repr = "b" + py_str_repr(c->text); return "b" + c->text;
    case ConstKind::Complex: return "";
    }
    return "";
}

}  // namespace

// ---- fail_pop blocks ----------------------------------------------------------------------

void Compiler::ensure_fail_pop(PatternContext& pc, size_t n) {
    while (pc.fail_pop.size() < n + 1) pc.fail_pop.push_back(new_label());
}

// Jump (with `op`) to the block that pops everything this pattern has pushed, then fails.
void Compiler::jump_to_fail_pop(PatternContext& pc, Op op) {
    size_t pops = static_cast<size_t>(pc.on_top) + pc.stores.size();
    ensure_fail_pop(pc, pops);
    emit_jump(op, pc.fail_pop[pops]);
}

void Compiler::emit_and_reset_fail_pop(PatternContext& pc) {
    if (pc.fail_pop.empty()) return;
    for (size_t i = pc.fail_pop.size() - 1; i > 0; --i) {
        bind(pc.fail_pop[i]);
        emit(Op::POP_TOP);
    }
    bind(pc.fail_pop[0]);
    pc.fail_pop.clear();
}

void Compiler::pattern_rotate(int count) {
    while (count > 1) emit(Op::SWAP, static_cast<uint32_t>(count--));
}

// Errors point at the current location, which (as in CPython) is the last pattern entered.
bool Compiler::pattern_store_name(const std::string& name, PatternContext& pc) {
    if (name.empty()) {
        emit(Op::POP_TOP);
        return true;
    }
    if (name == "__debug__") {
        error(u().loc, "cannot assign to __debug__");
        return false;
    }
    if (std::find(pc.stores.begin(), pc.stores.end(), name) != pc.stores.end()) {
        error(u().loc, "multiple assignments to name '" + name + "' in pattern");
        return false;
    }
    // Rotate the value underneath the items we must preserve.
    pattern_rotate(pc.on_top + static_cast<int>(pc.stores.size()) + 1);
    pc.stores.push_back(name);
    return true;
}

// ---- the statement --------------------------------------------------------------------------

void Compiler::match_stmt(const MatchStmt* s) {
    expr(s->subject);
    Label end = new_label();
    size_t cases = s->cases.size();
    bool has_default = cases > 1 && is_wildcard(s->cases.back().pattern);
    for (size_t i = 0; i < cases - (has_default ? 1 : 0); ++i) {
        const MatchCase& m = s->cases[i];
        set_loc(m.pattern->loc);
        bool last = i == cases - (has_default ? 1 : 0) - 1;
        // Keep the subject for the next case unless this is the last one.
        if (!last) emit(Op::COPY, 1);
        PatternContext pc;
        // Irrefutable cases must be either guarded, last, or both.
        pc.allow_irrefutable = m.guard != nullptr || i == cases - 1;
        if (!pattern(m.pattern, pc)) return;
        // A match: store the captured names (their values are on the stack).
        for (const std::string& n : pc.stores) name_op(n, ExprContext::Store);
        if (m.guard) {
            ensure_fail_pop(pc, 0);
            jump_if(m.guard, pc.fail_pop[0], false);
        }
        if (!last) emit(Op::POP_TOP);
        body(m.body);
        emit_jump(Op::JUMP, end);
        // The failure cleanup belongs to the pattern's line, not the body's last line.
        set_loc(m.pattern->loc);
        emit_and_reset_fail_pop(pc);
    }
    if (has_default) {
        const MatchCase& m = s->cases.back();
        set_loc(m.pattern->loc);
        if (cases == 1) emit(Op::POP_TOP);
        else emit(Op::NOP);
        if (m.guard) jump_if(m.guard, end, false);
        body(m.body);
    }
    bind(end);
}

// ---- patterns -------------------------------------------------------------------------------

// A sub-pattern may always be irrefutable.
bool Compiler::pattern_subpattern(const Pattern* p, PatternContext& pc) {
    bool saved = pc.allow_irrefutable;
    pc.allow_irrefutable = true;
    bool ok = pattern(p, pc);
    pc.allow_irrefutable = saved;
    return ok;
}

bool Compiler::pattern(const Pattern* p, PatternContext& pc) {
    set_loc(p->loc);
    switch (p->kind) {
    case PatternKind::MatchValue:
        expr(p->value);
        set_loc(p->loc);
        emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Eq));
        jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
        return true;
    case PatternKind::MatchSingleton:
        expr(p->value);
        set_loc(p->loc);
        emit(Op::IS_OP, 0);
        jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
        return true;
    case PatternKind::MatchSequence: return pattern_sequence(p, pc);
    case PatternKind::MatchMapping: return pattern_mapping(p, pc);
    case PatternKind::MatchClass: return pattern_class(p, pc);
    case PatternKind::MatchStar: return pattern_store_name(p->name, pc);
    case PatternKind::MatchAs: return pattern_as(p, pc);
    case PatternKind::MatchOr: return pattern_or(p, pc);
    }
    return false;
}

bool Compiler::pattern_as(const Pattern* p, PatternContext& pc) {
    if (!p->pattern) {
        // An irrefutable match.
        if (!pc.allow_irrefutable) {
            if (!p->name.empty()) error(p->loc, "name capture '" + p->name + "' makes remaining patterns unreachable");
            else error(p->loc, "wildcard makes remaining patterns unreachable");
            return false;
        }
        return pattern_store_name(p->name, pc);
    }
    // Copy the subject for storing after the sub-pattern matched.
    pc.on_top++;
    emit(Op::COPY, 1);
    if (!pattern(p->pattern, pc)) return false;
    pc.on_top--;
    return pattern_store_name(p->name, pc);
}

bool Compiler::pattern_sequence(const Pattern* p, PatternContext& pc) {
    const auto& pats = p->patterns;
    int size = static_cast<int>(pats.size());
    int star = -1;
    bool only_wildcard = true, star_wildcard = false;
    for (int i = 0; i < size; ++i) {
        const Pattern* q = pats[i];
        if (q->kind == PatternKind::MatchStar) {
            if (star >= 0) {
                error(p->loc, "multiple starred names in sequence pattern");
                return false;
            }
            star_wildcard = is_wildcard_star(q);
            only_wildcard = only_wildcard && star_wildcard;
            star = i;
            continue;
        }
        only_wildcard = only_wildcard && is_wildcard(q);
    }
    // Keep the subject on top during the type and length checks.
    pc.on_top++;
    emit(Op::MATCH_SEQUENCE);
    jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    if (star < 0) {
        emit(Op::GET_LEN);
        load_const(vm::Constant{static_cast<int64_t>(size)});
        emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Eq));
        jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    } else if (size - 1 > 0) {
        emit(Op::GET_LEN);
        load_const(vm::Constant{static_cast<int64_t>(size - 1)});
        emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Ge));
        jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    }
    // Whatever comes next consumes the subject.
    pc.on_top--;
    if (only_wildcard) {
        emit(Op::POP_TOP);
        return true;
    }
    if (star_wildcard) {
        // Index the needed items instead of unpacking everything: [a, *_, b].
        pc.on_top++;
        for (int i = 0; i < size; ++i) {
            const Pattern* q = pats[i];
            if (is_wildcard(q) || i == star) continue;
            emit(Op::COPY, 1);
            if (i < star) {
                load_const(vm::Constant{static_cast<int64_t>(i)});
            } else {
                // The subject may not support negative indexes: compute len - k.
                emit(Op::GET_LEN);
                load_const(vm::Constant{static_cast<int64_t>(size - i)});
                emit(Op::BINARY_OP, static_cast<uint32_t>(vm::BinOpKind::Subtract));
            }
            emit(Op::BINARY_SUBSCR);
            if (!pattern_subpattern(q, pc)) return false;
        }
        pc.on_top--;
        emit(Op::POP_TOP);
        return true;
    }
    if (star >= 0) {
        size_t after = static_cast<size_t>(size - star - 1);
        if (star >= 256 || after >= (1u << 16)) {
            error(p->loc, "too many expressions in star-unpacking assignment");
            return false;
        }
        emit(Op::UNPACK_EX, static_cast<uint32_t>(star) | static_cast<uint32_t>(after << 8));
    } else {
        emit(Op::UNPACK_SEQUENCE, static_cast<uint32_t>(size));
    }
    // The items stay on the stack while each sub-pattern is matched.
    pc.on_top += size;
    for (int i = 0; i < size; ++i) {
        pc.on_top--;
        if (!pattern_subpattern(pats[i], pc)) return false;
    }
    return true;
}

bool Compiler::pattern_mapping(const Pattern* p, PatternContext& pc) {
    size_t size = p->keys.size();
    bool has_rest = !p->rest.empty();
    pc.on_top++;
    emit(Op::MATCH_MAPPING);
    jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    if (size == 0 && !has_rest) {
        // `{}`: done, pop the subject.
        pc.on_top--;
        emit(Op::POP_TOP);
        return true;
    }
    if (size > 0) {
        emit(Op::GET_LEN);
        load_const(vm::Constant{static_cast<int64_t>(size)});
        emit(Op::COMPARE_OP, static_cast<uint32_t>(vm::CompareKind::Ge));
        jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    }
    std::vector<std::string> seen;
    for (const Expr* key : p->keys) {
        std::string repr;
        std::string k = literal_key(key, repr);
        if (!k.empty()) {
            if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
                error(p->loc, "mapping pattern checks duplicate key (" + repr + ")");
                return false;
            }
            seen.push_back(k);
        } else if (!key->is<Attribute>() && !key->is<Constant>() && !key->is<BinOp>() && !key->is<UnaryOp>()) {
            error(key->loc, "mapping pattern keys may only match literals and attribute lookups");
            return false;
        }
        expr(key);
    }
    set_loc(p->loc);
    emit(Op::BUILD_TUPLE, static_cast<uint32_t>(size));
    emit(Op::MATCH_KEYS);
    // A tuple of keys and a tuple of values (or None) now sit on the subject.
    pc.on_top += 2;
    emit(Op::COPY, 1);
    load_none();
    emit(Op::IS_OP, 1);
    jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    emit(Op::UNPACK_SEQUENCE, static_cast<uint32_t>(size));
    pc.on_top += static_cast<int>(size) - 1;
    for (size_t i = 0; i < size; ++i) {
        pc.on_top--;
        if (!pattern_subpattern(p->patterns[i], pc)) return false;
    }
    // A match: what follows consumes the keys tuple and the subject.
    pc.on_top -= 2;
    if (has_rest) {
        // rest = dict(subject); del rest[key] for each key (CPython 3.11.7's sequence).
        emit(Op::BUILD_MAP, 0);                                  // [subject, keys, {}]
        emit(Op::SWAP, 3);                                       // [{}, keys, subject]
        emit(Op::DICT_UPDATE, 2);                                // [rest, keys]
        emit(Op::UNPACK_SEQUENCE, static_cast<uint32_t>(size));  // [rest, key...]
        for (size_t k = size; k > 0; --k) {
            emit(Op::COPY, static_cast<uint32_t>(1 + k));        // [rest, key..., rest]
            emit(Op::SWAP, 2);                                   // [rest, key..., rest, key]
            emit(Op::DELETE_SUBSCR);
        }
        return pattern_store_name(p->rest, pc);
    }
    emit(Op::POP_TOP);  // the keys
    emit(Op::POP_TOP);  // the subject
    return true;
}

bool Compiler::pattern_class(const Pattern* p, PatternContext& pc) {
    size_t nargs = p->patterns.size(), nattrs = p->kwd_attrs.size();
    for (size_t i = 0; i < nattrs; ++i) {
        for (size_t j = i + 1; j < nattrs; ++j) {
            if (p->kwd_attrs[i] == p->kwd_attrs[j]) {
                error(p->kwd_patterns[j]->loc, "attribute name repeated in class pattern: " + p->kwd_attrs[i]);
                return false;
            }
        }
    }
    expr(p->cls);
    set_loc(p->loc);
    vm::ConstTuple names;
    for (const auto& a : p->kwd_attrs) names.push_back(vm::Constant{a});
    load_const(vm::Constant{std::move(names)});
    emit(Op::MATCH_CLASS, static_cast<uint32_t>(nargs));
    emit(Op::COPY, 1);
    load_none();
    emit(Op::IS_OP, 1);
    // TOS is now a tuple of nargs + nattrs attributes, or None.
    pc.on_top++;
    jump_to_fail_pop(pc, Op::POP_JUMP_IF_FALSE);
    emit(Op::UNPACK_SEQUENCE, static_cast<uint32_t>(nargs + nattrs));
    pc.on_top += static_cast<int>(nargs + nattrs) - 1;
    for (size_t i = 0; i < nargs + nattrs; ++i) {
        pc.on_top--;
        const Pattern* q = i < nargs ? p->patterns[i] : p->kwd_patterns[i - nargs];
        if (is_wildcard(q)) {
            emit(Op::POP_TOP);
            continue;
        }
        if (!pattern_subpattern(q, pc)) return false;
    }
    return true;
}

bool Compiler::pattern_or(const Pattern* p, PatternContext& pc) {
    Label end = new_label();
    size_t size = p->patterns.size();
    PatternContext old = pc;
    // The names bound by the first alternative: the others must bind the same set, and are
    // reordered on the stack to match it.
    std::vector<std::string> control;
    for (size_t i = 0; i < size; ++i) {
        const Pattern* alt = p->patterns[i];
        set_loc(alt->loc);
        pc.stores.clear();
        // An irrefutable alternative must be last, if allowed at all.
        pc.allow_irrefutable = i == size - 1 && old.allow_irrefutable;
        pc.fail_pop.clear();
        pc.on_top = 0;
        emit(Op::COPY, 1);
        if (!pattern(alt, pc)) return false;
        size_t nstores = pc.stores.size();
        if (i == 0) {
            control = pc.stores;
        } else if (nstores != control.size()) {
            error(u().loc, "alternative patterns bind different names");
            return false;
        } else if (nstores > 0) {
            for (size_t ic = nstores; ic-- > 0;) {
                const std::string& name = control[ic];
                auto it = std::find(pc.stores.begin(), pc.stores.end(), name);
                if (it == pc.stores.end()) {
                    error(u().loc, "alternative patterns bind different names");
                    return false;
                }
                size_t is = static_cast<size_t>(it - pc.stores.begin());
                if (ic != is) {
                    // Rotate the names (and their values on the stack) into control's order.
                    size_t rotations = is + 1;
                    std::vector<std::string> rotated(pc.stores.begin(), pc.stores.begin() + rotations);
                    pc.stores.erase(pc.stores.begin(), pc.stores.begin() + rotations);
                    pc.stores.insert(pc.stores.begin() + (ic - is), rotated.begin(), rotated.end());
                    while (rotations--) pattern_rotate(static_cast<int>(ic) + 1);
                }
            }
        }
        emit_jump(Op::JUMP, end);
        emit_and_reset_fail_pop(pc);
    }
    pc = old;
    // No alternative matched: pop the remaining copy of the subject and fail.
    emit(Op::POP_TOP);
    jump_to_fail_pop(pc, Op::JUMP);
    bind(end);
    // Move each capture below the other captures, the subject copy, the items on top and the
    // stores of enclosing patterns.
    int nrots = static_cast<int>(control.size()) + 1 + pc.on_top + static_cast<int>(pc.stores.size());
    for (const std::string& name : control) {
        pattern_rotate(nrots);
        if (std::find(pc.stores.begin(), pc.stores.end(), name) != pc.stores.end()) {
            error(u().loc, "multiple assignments to name '" + name + "' in pattern");
            return false;
        }
        pc.stores.push_back(name);
    }
    emit(Op::POP_TOP);
    return true;
}

}  // namespace asy::compile
