// The instruction builder: labels and jump patching, handler regions (SETUP_*/POP_BLOCK
// pseudo-ops turned into the exception table), the run-length line table, and max_stack from
// a flow analysis over the stack effects of opcodes.def.
#include <algorithm>

#include "compiler/compiler_impl.hpp"

namespace asy::compile {

using vm::Op;

Label Emitter::new_label() {
    label_pos_.push_back(-1);
    return Label{static_cast<int>(label_pos_.size()) - 1};
}

void Emitter::bind(Label l) { label_pos_[l.id] = static_cast<int>(instrs_.size()); }

void Emitter::emit(Op op, uint32_t arg, const ast::Loc& loc) {
    // `a, b = x, y`: BUILD_TUPLE n + UNPACK_SEQUENCE n is a reversal of the top n values, so for
    // n <= 3 no tuple is built (CPython's peephole does the same), unless something jumps here.
    if (op == Op::UNPACK_SEQUENCE && arg >= 1 && arg <= 3 && !instrs_.empty() &&
        instrs_.back().op == static_cast<int>(Op::BUILD_TUPLE) && instrs_.back().arg == arg &&
        instrs_.back().target < 0 &&
        std::find(label_pos_.begin(), label_pos_.end(), static_cast<int>(instrs_.size())) == label_pos_.end()) {
        if (arg == 1) {
            instrs_.pop_back();
        } else {
            instrs_.back().op = static_cast<int>(Op::SWAP);
        }
        return;
    }
    // Nodes synthesised without a position (line 0, e.g. f-string format-spec pieces) take the
    // position of the instruction before them, so the line table never points at line 0.
    if (loc.line == 0 && !instrs_.empty()) {
        ast::Loc prev = instrs_.back().loc;
        instrs_.push_back(RawInstr{static_cast<int>(op), arg, -1, prev});
        return;
    }
    instrs_.push_back(RawInstr{static_cast<int>(op), arg, -1, loc});
}

void Emitter::emit_jump(Op op, Label target, const ast::Loc& loc) {
    instrs_.push_back(RawInstr{static_cast<int>(op), 0, target.id, loc});
}

void Emitter::setup(PseudoOp kind, Label handler, const ast::Loc& loc) {
    instrs_.push_back(RawInstr{kind, 0, handler.id, loc});
}

void Emitter::pop_block(const ast::Loc& loc) { instrs_.push_back(RawInstr{kPopBlock, 0, -1, loc}); }

static bool is_terminator(int op) {
    return op == static_cast<int>(Op::RETURN_VALUE) || op == static_cast<int>(Op::RERAISE) ||
           op == static_cast<int>(Op::RAISE_VARARGS) || op == static_cast<int>(Op::JUMP);
}

bool Emitter::last_is_terminator() const {
    return !instrs_.empty() && is_terminator(instrs_.back().op);
}

namespace {

struct Handler {
    int label;
    int depth;
    bool lasti;
};

// Handler stacks are persistent linked lists so every instruction can keep its own cheaply.
struct HNode {
    int handler;
    int parent;
};

// How far above its input depth an instruction's stack reaches while it runs, beyond what its
// net effect shows: BUILD_SET/BUILD_MAP push the new container above their items to keep it
// rooted while hashing them. Generator frames have exactly max_stack slots, so this counts.
int transient_peak(vm::Op op, uint32_t arg) {
    if ((op == vm::Op::BUILD_SET || op == vm::Op::BUILD_MAP) && arg > 0) return 1;
    return 0;
}

}  // namespace

bool Emitter::assemble(vm::Code& out, std::string& err) const {
    const int n = static_cast<int>(instrs_.size());
    std::vector<int> depth(n, -1), hstack(n, -1), handler_of_setup(n, -1);
    std::vector<Handler> handlers;
    std::vector<HNode> nodes;
    int max_depth = 0;
    struct Work { int ip, depth, hnode; };
    std::vector<Work> work{{0, 0, -1}};
    auto label_ip = [&](int label) { return label_pos_[label]; };
    while (!work.empty()) {
        Work w = work.back();
        work.pop_back();
        int ip = w.ip, d = w.depth, h = w.hnode;
        if (ip < 0) {
            // A jump to a label never placed: only after a reported error abandoned a construct.
            err = "jump to an unplaced label";
            return false;
        }
        while (ip < n && depth[ip] < 0) {
            if (d < 0) {
                err = "negative stack depth at instruction " + std::to_string(ip);
                return false;
            }
            depth[ip] = d;
            hstack[ip] = h;
            max_depth = std::max(max_depth, d);
            const RawInstr& in = instrs_[ip];
            if (in.op >= kSetupFinally && in.op <= kSetupWith) {
                Handler hd{in.target, in.op == kSetupWith ? d - 1 : d, in.op != kSetupFinally};
                handlers.push_back(hd);
                handler_of_setup[ip] = static_cast<int>(handlers.size()) - 1;
                work.push_back({label_ip(in.target), hd.depth + (hd.lasti ? 1 : 0) + 1, h});
                nodes.push_back({static_cast<int>(handlers.size()) - 1, h});
                h = static_cast<int>(nodes.size()) - 1;
                ++ip;
                continue;
            }
            if (in.op == kPopBlock) {
                if (h < 0) {
                    err = "POP_BLOCK without a handler at instruction " + std::to_string(ip);
                    return false;
                }
                h = nodes[h].parent;
                ++ip;
                continue;
            }
            Op op = static_cast<Op>(in.op);
            int eff = vm::stack_effect(op, in.arg, false);
            max_depth = std::max(max_depth, std::max(d + eff, d + transient_peak(op, in.arg)));
            if (in.target >= 0) {
                int jd = d + vm::stack_effect(op, in.arg, true);
                max_depth = std::max(max_depth, jd);
                work.push_back({label_ip(in.target), jd, h});
            }
            if (is_terminator(in.op)) break;
            d += eff;
            ++ip;
        }
    }

    // Keep reachable real instructions; map old indexes to new ones.
    std::vector<int> new_index(n + 1, -1);
    int count = 0;
    for (int i = 0; i < n; ++i) {
        new_index[i] = count;
        if (depth[i] >= 0 && instrs_[i].op < kSetupFinally) ++count;
    }
    new_index[n] = count;
    auto resolve_label = [&](int label) -> int {
        int p = label_pos_[label];
        // The label may sit on pseudo-ops or dead code: the next kept instruction is the target.
        while (p < n && !(depth[p] >= 0 && instrs_[p].op < kSetupFinally)) ++p;
        return new_index[p];
    };

    out.code.clear();
    out.positions.clear();
    out.exception_table.clear();
    int cur_handler = -2;
    for (int i = 0; i < n; ++i) {
        const RawInstr& in = instrs_[i];
        if (depth[i] < 0 || in.op >= kSetupFinally) continue;
        uint32_t arg = in.arg;
        if (in.target >= 0) arg = static_cast<uint32_t>(resolve_label(in.target));
        if (arg > vm::kMaxArg) {
            err = "argument too large";
            return false;
        }
        uint32_t ip = static_cast<uint32_t>(out.code.size());
        out.code.push_back(vm::make_instr(static_cast<Op>(in.op), arg));
        const ast::Loc& l = in.loc;
        if (out.positions.empty() || out.positions.back().line != l.line ||
            out.positions.back().col != l.col || out.positions.back().end_line != l.end_line ||
            out.positions.back().end_col != l.end_col)
            out.positions.push_back(vm::Position{ip, l.line, l.col, l.end_line, l.end_col});
        int hid = hstack[i] >= 0 ? nodes[hstack[i]].handler : -1;
        if (hid != cur_handler) {
            if (!out.exception_table.empty() && out.exception_table.back().end == 0xffffffffu)
                out.exception_table.back().end = ip;
            if (hid >= 0) {
                const Handler& hd = handlers[hid];
                out.exception_table.push_back(vm::ExceptionEntry{
                    ip, 0xffffffffu, static_cast<uint32_t>(resolve_label(hd.label)),
                    static_cast<uint32_t>(hd.depth), hd.lasti});
            }
            cur_handler = hid;
        }
    }
    if (!out.exception_table.empty() && out.exception_table.back().end == 0xffffffffu)
        out.exception_table.back().end = static_cast<uint32_t>(out.code.size());
    // Entries are disjoint here, so "innermost last" holds trivially; merge equal neighbours.
    std::vector<vm::ExceptionEntry> merged;
    for (const auto& e : out.exception_table) {
        if (!merged.empty() && merged.back().end == e.start && merged.back().target == e.target &&
            merged.back().depth == e.depth && merged.back().push_lasti == e.push_lasti)
            merged.back().end = e.end;
        else
            merged.push_back(e);
    }
    out.exception_table = std::move(merged);
    out.max_stack = max_depth;
    return true;
}

}  // namespace asy::compile
