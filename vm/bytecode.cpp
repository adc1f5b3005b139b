// Facts about opcodes derived from vm/opcodes.def (names, argument kinds, stack effects) and
// the line-table lookup of `Code`.
#include "vm/bytecode.hpp"

#include <algorithm>
#include <bit>

namespace asy::vm {

namespace {

struct OpInfo {
    const char* name;
    ArgKind kind;
    int pops, pushes;
};

constexpr OpInfo kOps[] = {
#define ASY_OP(name, kind, pops, pushes) {#name, ArgKind::kind, pops, pushes},
#include "vm/opcodes.def"
#undef ASY_OP
};

static_assert(sizeof(kOps) / sizeof(kOps[0]) == static_cast<size_t>(Op::COUNT_));

}  // namespace

const char* op_name(Op op) {
    auto i = static_cast<size_t>(op);
    return i < static_cast<size_t>(Op::COUNT_) ? kOps[i].name : "<invalid>";
}

ArgKind op_arg_kind(Op op) {
    auto i = static_cast<size_t>(op);
    return i < static_cast<size_t>(Op::COUNT_) ? kOps[i].kind : ArgKind::None;
}

int stack_effect(Op op, uint32_t arg, bool jump) {
    int a = static_cast<int>(arg);
    switch (op) {
    case Op::COPY: return 1;
    case Op::SWAP: return 0;
    case Op::BUILD_SLICE: return 1 - a;
    case Op::BUILD_TUPLE: case Op::BUILD_LIST: case Op::BUILD_SET: case Op::BUILD_STRING:
        return 1 - a;
    case Op::BUILD_MAP: return 1 - 2 * a;
    case Op::UNPACK_SEQUENCE: return a - 1;
    case Op::UNPACK_EX: return static_cast<int>((arg & 0xff) + (arg >> 8));
    case Op::FORMAT_VALUE: return (arg & 4) ? -1 : 0;
    case Op::MAKE_FUNCTION: return -std::popcount(arg & 0xfu);
    case Op::JUMP_IF_FALSE_OR_POP: case Op::JUMP_IF_TRUE_OR_POP: return jump ? 0 : -1;
    case Op::FOR_ITER: return jump ? -1 : 1;
    case Op::CALL: return -a - 1;
    case Op::CALL_KW: return -a - 2;
    case Op::CALL_FUNCTION_EX: return -2 - static_cast<int>(arg & 1);
    case Op::RAISE_VARARGS: return -a;
    case Op::SEND: return jump ? -1 : 0;
    default: break;
    }
    const OpInfo& info = kOps[static_cast<size_t>(op)];
    return info.pushes - info.pops;
}

const Position* Code::position_at(uint32_t ip) const {
    if (positions.empty()) return nullptr;
    auto it = std::upper_bound(positions.begin(), positions.end(), ip,
                               [](uint32_t v, const Position& p) { return v < p.start; });
    if (it == positions.begin()) return nullptr;
    return &*(it - 1);
}

}  // namespace asy::vm
