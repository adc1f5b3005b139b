// Human-readable bytecode listing in the style of CPython's `dis`: one line per instruction
// (source line at line starts, ">>" on jump targets, offset, name, arg, resolved arg), the
// exception table, then every nested code object under "Disassembly of <qualname>:".
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "vm/bytecode.hpp"

namespace asy::vm {

namespace {

std::string repr_str(const std::string& s, char prefix = 0) {
    bool has_single = s.find('\'') != std::string::npos, has_double = s.find('"') != std::string::npos;
    char q = (has_single && !has_double) ? '"' : '\'';
    std::string out;
    if (prefix) out += prefix;
    out += q;
    for (unsigned char c : s) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c == static_cast<unsigned char>(q)) {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20 || c == 0x7f || (prefix && c >= 0x80)) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += q;
    return out;
}

std::string repr_float(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

}  // namespace

std::string const_repr(const Constant& c) {
    struct V {
        std::string operator()(std::monostate) const { return "None"; }
        std::string operator()(bool b) const { return b ? "True" : "False"; }
        std::string operator()(int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const { return repr_float(d); }
        std::string operator()(const std::string& s) const { return repr_str(s); }
        std::string operator()(const BytesConst& b) const { return repr_str(b.bytes, 'b'); }
        std::string operator()(const BigIntConst& b) const { return b.digits; }
        std::string operator()(const EllipsisConst&) const { return "Ellipsis"; }
        std::string operator()(const ComplexConst& c) const {
            if (c.real == 0 && !std::signbit(c.real)) return repr_float(c.imag) + "j";
            return "(" + repr_float(c.real) + (c.imag >= 0 ? "+" : "") + repr_float(c.imag) + "j)";
        }
        std::string operator()(const std::shared_ptr<const Code>& c) const {
            return "<code " + (c ? c->qualname : std::string("?")) + ">";
        }
        std::string operator()(const ConstTuple& t) const {
            std::string s = "(";
            for (size_t i = 0; i < t.size(); ++i) {
                if (i) s += ", ";
                s += const_repr(t[i]);
            }
            if (t.size() == 1) s += ",";
            return s + ")";
        }
    };
    return std::visit(V{}, c.v);
}

namespace {

const char* kBinOpNames[] = {"+", "&", "//", "<<", "@", "*", "%", "|", "**", ">>", "-", "/", "^",
                             "+=", "&=", "//=", "<<=", "@=", "*=", "%=", "|=", "**=", ">>=", "-=",
                             "/=", "^="};
const char* kCmpNames[] = {"<", "<=", "==", "!=", ">", ">="};

std::string resolve(const Code& code, Op op, uint32_t arg) {
    auto at = [](const std::vector<std::string>& v, size_t i) {
        return i < v.size() ? v[i] : std::string("<bad index>");
    };
    switch (op_arg_kind(op)) {
    case ArgKind::Const:
        return arg < code.constants.size() ? const_repr(code.constants[arg]) : "<bad const>";
    case ArgKind::Name: return at(code.names, arg);
    case ArgKind::Local: return at(code.varnames, arg);
    case ArgKind::Cell:
        if (arg < code.cellvars.size()) return code.cellvars[arg];
        return at(code.freevars, arg - code.cellvars.size());
    case ArgKind::Jump: return "to " + std::to_string(arg);
    case ArgKind::Op:
        if (op == Op::BINARY_OP) return arg < 26 ? kBinOpNames[arg] : "?";
        return arg < 6 ? kCmpNames[arg] : "?";
    default: break;
    }
    if (op == Op::FORMAT_VALUE) {
        static const char* conv[] = {"", "str", "repr", "ascii"};
        std::string s = conv[arg & 3];
        if (arg & 4) s += s.empty() ? "with format" : ", with format";
        return s;
    }
    return "";
}

void disassemble_one(const Code& code, std::string& out) {
    std::set<uint32_t> targets;
    for (Instr in : code.code)
        if (op_arg_kind(instr_op(in)) == ArgKind::Jump) targets.insert(instr_arg(in));
    for (const auto& e : code.exception_table) targets.insert(e.target);
    int last_line = -1;
    char buf[256];
    for (uint32_t ip = 0; ip < code.code.size(); ++ip) {
        Instr in = code.code[ip];
        Op op = instr_op(in);
        uint32_t arg = instr_arg(in);
        const Position* pos = code.position_at(ip);
        int line = pos ? pos->line : 0;
        std::string line_col;
        if (line != last_line) {
            if (ip != 0) out += '\n';
            line_col = std::to_string(line);
            last_line = line;
        }
        std::snprintf(buf, sizeof buf, "%4s %2s %4u %-22s", line_col.c_str(),
                      targets.count(ip) ? ">>" : "", ip, op_name(op));
        std::string s = buf;
        if (op_arg_kind(op) != ArgKind::None) {
            std::snprintf(buf, sizeof buf, " %4u", arg);
            s += buf;
            std::string r = resolve(code, op, arg);
            if (!r.empty()) s += " (" + r + ")";
        }
        if (op == Op::YIELD_VALUE) s += "  <-- suspends";
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out += s;
        out += '\n';
    }
    if (!code.exception_table.empty()) {
        out += "ExceptionTable:\n";
        for (const auto& e : code.exception_table) {
            std::snprintf(buf, sizeof buf, "  %u to %u -> %u [%u]%s\n", e.start, e.end - 1, e.target,
                          e.depth, e.push_lasti ? " lasti" : "");
            out += buf;
        }
    }
}

void disassemble_rec(const Code& code, std::string& out, bool header) {
    if (header) {
        out += "\nDisassembly of " + code.qualname + ":\n";
    }
    disassemble_one(code, out);
    for (const Constant& c : code.constants)
        if (auto p = std::get_if<std::shared_ptr<const Code>>(&c.v); p && *p)
            disassemble_rec(**p, out, true);
}

}  // namespace

std::string disassemble(const Code& code) {
    std::string out;
    disassemble_rec(code, out, false);
    return out;
}

}  // namespace asy::vm
