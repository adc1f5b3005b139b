// The bytecode format: what the compiler produces and the interpreter runs. Pure data, no heap
// objects, so `asy_compiler` depends on this piece of vm/ only (never on the interpreter).
//
// Encoding. An instruction is one 32-bit word: bits 0..7 the opcode (`Op`, from opcodes.def),
// bits 8..31 the argument (0 .. 2^24-1). There are no CACHE words and no EXTENDED_ARG; a
// function larger than 16M instructions or constants is a compile error. Jump arguments are
// absolute instruction indexes into `Code::code`.
//
// Line table. `positions` is run-length encoded: entry k covers instructions from
// positions[k].start up to positions[k+1].start. Each carries the source range of the AST node
// the instruction came from (1-based lines, 0-based code-point columns), so tracebacks can
// draw CPython's `^^^^` carets.
//
// Exception table. When an instruction at index i raises, the interpreter takes the *last*
// entry with start <= i < end (entries are emitted innermost last), pops the value stack down
// to `depth`, pushes the exception and jumps to `target`. If `push_lasti` is set it first
// pushes the raising instruction's index as an int (used by `with` and `finally` re-raise, as
// CPython 3.11's lasti). No entry: the frame is popped and the exception propagates.
//
// Constants. `Constant` holds literals the compiler made; the VM turns them into Values once
// when it loads the code (see vm/code_object).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace asy::vm {

enum class Op : uint8_t {
#define ASY_OP(name, kind, pops, pushes) name,
#include "vm/opcodes.def"
#undef ASY_OP
    COUNT_
};

enum class ArgKind : uint8_t { None, Int, Const, Name, Local, Cell, Jump, Op };

const char* op_name(Op op);
ArgKind op_arg_kind(Op op);
// Net stack effect of one instruction with argument `arg` (for jumps: the effect when the
// jump is *not* taken; `jump_effect` when it is).
int stack_effect(Op op, uint32_t arg, bool jump = false);

// BINARY_OP arguments (CPython's NB_* numbering).
enum class BinOpKind : uint8_t {
    Add = 0, And, FloorDivide, LShift, MatrixMultiply, Multiply, Remainder, Or, Power, RShift,
    Subtract, TrueDivide, Xor,
    InplaceAdd = 13, InplaceAnd, InplaceFloorDivide, InplaceLShift, InplaceMatrixMultiply,
    InplaceMultiply, InplaceRemainder, InplaceOr, InplacePower, InplaceRShift, InplaceSubtract,
    InplaceTrueDivide, InplaceXor,
};
constexpr int kBinOpInplaceOffset = 13;

// COMPARE_OP arguments.
enum class CompareKind : uint8_t { Lt = 0, Le, Eq, Ne, Gt, Ge };

// `x op y` for ordered C++ values (ints, doubles, a -1/0/1 from a three-way compare); always
// inlined, as the interpreter's COMPARE_OP fast path uses it.
template <class T> [[gnu::always_inline]] inline bool compare_with(CompareKind op, const T& x, const T& y) {
    switch (op) {
    case CompareKind::Lt: return x < y;
    case CompareKind::Le: return x <= y;
    case CompareKind::Eq: return x == y;
    case CompareKind::Ne: return x != y;
    case CompareKind::Gt: return x > y;
    case CompareKind::Ge: return x >= y;
    }
    return false;
}

using Instr = uint32_t;
inline Instr make_instr(Op op, uint32_t arg = 0) { return static_cast<uint32_t>(op) | (arg << 8); }
inline Op instr_op(Instr i) { return static_cast<Op>(i & 0xff); }
inline uint32_t instr_arg(Instr i) { return i >> 8; }
constexpr uint32_t kMaxArg = (1u << 24) - 1;

struct Position {
    uint32_t start;  // first instruction index covered
    int line, col, end_line, end_col;
};

struct ExceptionEntry {
    uint32_t start, end, target, depth;
    bool push_lasti;
};

struct Code;

// A compile-time constant. Tuples of constants appear for default-free tuple literals and for
// CALL_KW keyword-name tuples.
struct Constant;
using ConstTuple = std::vector<Constant>;
struct EllipsisConst {};
struct BigIntConst { std::string digits; };  // decimal, optional leading '-'
struct BytesConst { std::string bytes; };
struct ComplexConst { double real, imag; };

struct Constant {
    std::variant<std::monostate /* None */, bool, int64_t, double, std::string /* str, UTF-8 */,
                 BytesConst, BigIntConst, EllipsisConst, ComplexConst,
                 std::shared_ptr<const Code>, ConstTuple>
        v;
};

// Flags, CPython's values.
enum CodeFlags : uint32_t {
    kCoOptimized = 0x1,      // locals are fast slots (functions); module/class bodies use LOAD_NAME
    kCoNewLocals = 0x2,
    kCoVarargs = 0x4,
    kCoVarkeywords = 0x8,
    kCoNested = 0x10,
    kCoGenerator = 0x20,
    kCoCoroutine = 0x80,
    kCoAsyncGenerator = 0x200,
};

struct Code {
    std::string name;       // function name, "<module>", "<lambda>", "<listcomp>", ...
    std::string qualname;   // "C.method", "f.<locals>.g"
    std::string filename;
    int first_line = 1;
    uint32_t flags = 0;
    // Functions only: the docstring (first statement a string literal), if any. Module and
    // class bodies store theirs with STORE_NAME __doc__ instead, as CPython does.
    bool has_docstring = false;
    std::string docstring;

    int argcount = 0;         // positional (including positional-only)
    int posonlyargcount = 0;
    int kwonlyargcount = 0;
    // varnames: arguments first (positional, kw-only, *args, **kwargs), then other locals.
    std::vector<std::string> varnames;
    // cellvars: locals captured by inner functions. A cellvar that is also an argument is
    // initialised from that argument at call time (see `cell2arg`).
    std::vector<std::string> cellvars;
    std::vector<int> cell2arg;  // per cellvar: index into varnames, or -1
    std::vector<std::string> freevars;  // captured from the enclosing function, in closure order
    std::vector<std::string> names;     // global/attribute/import names

    std::vector<Constant> constants;
    std::vector<Instr> code;
    std::vector<Position> positions;
    std::vector<ExceptionEntry> exception_table;
    int max_stack = 0;

    // Source position for instruction `ip` (binary search of `positions`).
    const Position* position_at(uint32_t ip) const;
};

// Python repr of a constant as the disassembler shows it ("None", "'abc'", "(1, 2)").
std::string const_repr(const Constant& c);

// Human-readable listing, as `asy --disasm` prints it (nested code objects follow their parent).
std::string disassemble(const Code& code);

}  // namespace asy::vm
