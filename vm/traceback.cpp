// Exception formatting identical to CPython 3.11's default hook: traceback entries with
// source lines and caret markers (anchored `~~^~~` for binary operators and subscripts),
// "[Previous line repeated N more times]" compression, cause/context chains, final line.
#include "vm/traceback.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vm/objects/descriptors.hpp"
#include "vm/exception_group.hpp"
#include "vm/objects/exception.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

namespace {

constexpr int kRecursiveCutoff = 3;

bool is_exc(Value v) { return v.is_obj() && v.o->type->layout == Layout::Exception; }

// ---- source lines ----

const std::string* source_text(VM& vm, const std::string& filename) {
    if (filename.empty() || filename[0] == '<') return nullptr;
    auto it = vm.sources.find(filename);
    if (it != vm.sources.end()) return &it->second;
    std::ifstream in(filename, std::ios::binary);
    if (!in) return nullptr;
    std::stringstream ss;
    ss << in.rdbuf();
    auto [pos, _] = vm.sources.emplace(filename, ss.str());
    return &pos->second;
}

bool get_line(VM& vm, const std::string& filename, int lineno, std::string* out) {
    const std::string* text = source_text(vm, filename);
    if (text == nullptr || lineno < 1) return false;
    size_t start = 0;
    for (int l = 1; l < lineno; ++l) {
        size_t nl = text->find('\n', start);
        if (nl == std::string::npos) return false;
        start = nl + 1;
    }
    if (start > text->size()) return false;
    size_t end = text->find('\n', start);
    *out = text->substr(start, end == std::string::npos ? std::string::npos : end - start);
    return true;
}

// UTF-8 -> code points (invalid bytes pass through as themselves).
std::u32string decode(const std::string& s) {
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
        for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
        out.push_back(cp);
        i += static_cast<size_t>(n);
    }
    return out;
}

bool is_ws(char32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == '\v'; }

// ---- anchors: the operator of a binary operation / the brackets of a subscript ----

// A scanner over one source segment that skips string literals and tracks bracket depth.
struct Tok {
    size_t pos;
    size_t len;
    bool is_op;
};

std::vector<Tok> scan(const std::u32string& s, bool* balanced) {
    std::vector<Tok> toks;
    int depth = 0;
    *balanced = true;
    size_t i = 0, n = s.size();
    auto ident = [](char32_t c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 || (c >= '0' && c <= '9'); };
    while (i < n) {
        char32_t c = s[i];
        if (is_ws(c)) { ++i; continue; }
        if (c == '\'' || c == '"') {
            // Strings (prefix letters were consumed as an identifier just before).
            bool raw = false;
            if (i > 0) {
                size_t k = i;
                while (k > 0 && ident(s[k - 1])) {
                    if (s[k - 1] == 'r' || s[k - 1] == 'R') raw = true;
                    --k;
                }
            }
            bool triple = i + 2 < n && s[i + 1] == c && s[i + 2] == c;
            size_t j = i + (triple ? 3 : 1);
            while (j < n) {
                if (!raw && s[j] == '\\') { j += 2; continue; }
                if (triple) {
                    if (j + 2 < n && s[j] == c && s[j + 1] == c && s[j + 2] == c) { j += 3; break; }
                } else if (s[j] == c) { ++j; break; }
                ++j;
            }
            if (depth == 0) toks.push_back({i, j - i, false});
            i = j;
            continue;
        }
        if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < n && (ident(s[j]) || s[j] == '.' ||
                             ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E') &&
                              !(s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')))))
                ++j;
            if (depth == 0) toks.push_back({i, j - i, false});
            i = j;
            continue;
        }
        if (ident(c)) {
            size_t j = i;
            while (j < n && ident(s[j])) ++j;
            if (depth == 0) toks.push_back({i, j - i, false});
            i = j;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') {
            if (depth == 0) toks.push_back({i, 1, false});
            ++depth;
            ++i;
            continue;
        }
        if (c == ')' || c == ']' || c == '}') {
            --depth;
            if (depth < 0) { *balanced = false; return toks; }
            if (depth == 0) toks.push_back({i, 1, false});
            ++i;
            continue;
        }
        // Operators and punctuation.
        size_t len = 1;
        if (i + 1 < n) {
            char32_t d = s[i + 1];
            if ((c == '*' && d == '*') || (c == '/' && d == '/') || (c == '<' && d == '<') || (c == '>' && d == '>') ||
                (c == '=' && d == '=') || (c == '!' && d == '=') || (c == '<' && d == '=') || (c == '>' && d == '=') ||
                (c == '-' && d == '>'))
                len = 2;
        }
        if (depth == 0) toks.push_back({i, len, true});
        i += len;
    }
    *balanced = depth == 0;
    return toks;
}

int binop_prec(const std::u32string& s, const Tok& t) {
    if (!t.is_op) return -1;
    char32_t c = s[t.pos];
    if (t.len == 2) {
        char32_t d = s[t.pos + 1];
        if (c == '*' && d == '*') return 8;
        if (c == '/' && d == '/') return 6;
        if ((c == '<' && d == '<') || (c == '>' && d == '>')) return 4;
        return -1;
    }
    switch (c) {
    case '|': return 1;
    case '^': return 2;
    case '&': return 3;
    case '+': case '-': return 5;
    case '*': case '/': case '%': case '@': return 6;
    default: return -1;
    }
}

// Anchors (segment-relative) for a segment that is one binary operation: CPython marks the
// operator with '^' and the operands with '~'.
bool binop_anchors(const std::u32string& seg, size_t* left, size_t* right) {
    bool balanced;
    std::vector<Tok> toks = scan(seg, &balanced);
    if (!balanced || toks.empty()) return false;
    int best = -1, best_prec = 100;
    bool prev_operand = false;
    for (size_t k = 0; k < toks.size(); ++k) {
        const Tok& t = toks[k];
        int p = binop_prec(seg, t);
        if (p < 0) {
            if (t.is_op) {
                // '.' continues an operand; '~' is a prefix; anything else (',', ':', '=',
                // comparisons) means the segment is not a single binary operation.
                if (seg[t.pos] == '.') continue;
                if (seg[t.pos] != '~') return false;
                prev_operand = false;
                continue;
            }
            // Closing brackets and call/subscript suffixes continue the operand.
            prev_operand = true;
            continue;
        }
        if (!prev_operand) continue;  // unary + / -
        bool take = p < best_prec || (p == best_prec && p != 8);
        if (take) {
            best = static_cast<int>(k);
            best_prec = p;
        }
        prev_operand = false;
    }
    if (best < 0) return false;
    const Tok& op = toks[static_cast<size_t>(best)];
    // The right operand's node starts after whitespace and opening parentheses.
    size_t rstart = op.pos + op.len;
    while (rstart < seg.size() && (is_ws(seg[rstart]) || seg[rstart] == '(')) ++rstart;
    size_t i = op.pos;
    *left = i;
    *right = i + 1;
    if (i + 1 < rstart && !is_ws(seg[i + 1])) ++*right;
    return true;
}

// Anchors for a segment that is one subscript `value[slice]`.
bool subscript_anchors(const std::u32string& seg, size_t* left, size_t* right) {
    if (seg.empty() || seg.back() != ']') return false;
    bool balanced;
    std::vector<Tok> toks = scan(seg, &balanced);
    if (!balanced || toks.size() < 3) return false;
    // The last top-level '[' opens the final subscript; no top-level binary operator may
    // appear (that would make the root a BinOp).
    size_t open = std::u32string::npos;
    for (size_t k = 0; k < toks.size(); ++k) {
        if (!toks[k].is_op && seg[toks[k].pos] == '[' && toks[k].len == 1) open = toks[k].pos;
        if (toks[k].is_op && seg[toks[k].pos] != '.') return false;
    }
    if (open == std::u32string::npos || open == 0) return false;
    size_t v = open;
    while (v > 0 && is_ws(seg[v - 1])) --v;
    size_t e = seg.size() - 1;  // the final ']'
    size_t se = e;
    while (se > open + 1 && is_ws(seg[se - 1])) --se;
    *left = v;
    *right = se + 1;
    return true;
}

// ---- one traceback entry ----

void format_entry(VM& vm, std::string& out, CodeObj* co, uint32_t ip) {
    const Position* pos = ip == kTracebackDefLine ? nullptr : co->code->position_at(ip);
    if (pos == nullptr) {
        // Before the first instruction (throw() into an unstarted generator): the def line.
        int lineno = co->code->first_line;
        out += "  File \"" + co->filename->s + "\", line " + std::to_string(lineno) + ", in " + co->name->s + "\n";
        std::string text = source_line(vm, co->filename->s, lineno);
        if (!text.empty()) out += "    " + text + "\n";
        return;
    }
    int lineno = pos != nullptr ? pos->line : co->code->first_line;
    out += "  File \"" + co->filename->s + "\", line " + std::to_string(lineno) + ", in " + co->name->s + "\n";
    std::string line;
    if (pos == nullptr || !get_line(vm, co->filename->s, lineno, &line)) return;
    std::u32string u = decode(line);
    while (!u.empty() && is_ws(u.back())) u.pop_back();
    size_t lead = 0;
    while (lead < u.size() && (u[lead] == ' ' || u[lead] == '\t' || u[lead] == '\f')) ++lead;
    if (lead == u.size()) return;
    // Print the stripped line (UTF-8 of code points lead..end).
    {
        size_t byte = 0, cp = 0;
        while (cp < lead && byte < line.size()) {
            unsigned char c = static_cast<unsigned char>(line[byte]);
            byte += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
            ++cp;
        }
        std::string stripped = line.substr(byte);
        while (!stripped.empty() && is_ws(static_cast<unsigned char>(stripped.back()))) stripped.pop_back();
        out += "    " + stripped + "\n";
    }
    if (pos->line < 0 || pos->end_line < 0 || pos->col < 0 || pos->end_col < 0) return;
    long start = pos->col, end;
    long left = -1, right = -1;
    char primary = '^', secondary = '^';
    if (pos->line == pos->end_line) {
        end = pos->end_col;
        if (end > static_cast<long>(u.size())) end = static_cast<long>(u.size());
        if (start < end) {
            std::u32string seg = u.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
            Op op = instr_op(co->code->code[ip]);
            size_t l = 0, r = 0;
            bool ok = false;
            if (op == Op::BINARY_OP) ok = binop_anchors(seg, &l, &r);
            else if (op == Op::BINARY_SUBSCR) ok = subscript_anchors(seg, &l, &r);
            if (ok) {
                left = start + static_cast<long>(l);
                right = start + static_cast<long>(r);
                primary = '~';
                secondary = '^';
            }
        }
    } else {
        end = static_cast<long>(u.size());
    }
    long stripped_len = static_cast<long>(u.size() - lead);
    bool special = left != -1 || right != -1;
    if (end - start == stripped_len && !special) return;
    if (end <= start) return;
    std::string carets = "    ";
    for (long offset = static_cast<long>(lead) + 1; offset <= end; ++offset) {
        if (offset <= start) carets += ' ';
        else if (special && left < offset && offset <= right) carets += secondary;
        else carets += primary;
    }
    out += carets + "\n";
}

void format_traceback(VM& vm, std::string& out, const Traceback& tb) {
    const size_t limit = 1000;
    size_t first = tb.size() > limit ? tb.size() - limit : 0;
    CodeObj* last_code = nullptr;
    int last_line = -1;
    long cnt = 0;
    auto repeated = [&](long c) {
        c -= kRecursiveCutoff;
        out += "  [Previous line repeated " + std::to_string(c) + (c > 1 ? " more times]\n" : " more time]\n");
    };
    for (size_t i = first; i < tb.size(); ++i) {
        CodeObj* co = tb[i].code;
        const Position* pos = tb[i].ip == kTracebackDefLine ? nullptr : co->code->position_at(tb[i].ip);
        int line = pos != nullptr ? pos->line : co->code->first_line;
        bool same = last_code != nullptr && co->filename == last_code->filename && co->name == last_code->name &&
                    line == last_line;
        if (!same) {
            if (cnt > kRecursiveCutoff) repeated(cnt);
            last_code = co;
            last_line = line;
            cnt = 0;
        }
        ++cnt;
        if (cnt <= kRecursiveCutoff) format_entry(vm, out, co, tb[i].ip);
    }
    if (cnt > kRecursiveCutoff) repeated(cnt);
}

std::string type_display_name(VM& vm, Type* t) {
    std::string module;
    if (t->module != nullptr) {
        module = t->module->s;
    } else if (t->dict != nullptr) {
        Value m = dict_get_str(t->dict, vm.names.__module__);
        if (m.is_obj() && m.o->type->layout == Layout::Str) module = static_cast<Str*>(m.o)->s;
        else module = "<unknown>";
    }
    std::string q = t->qualname != nullptr ? t->qualname->s : (t->name != nullptr ? t->name->s : "?");
    if (t->dict != nullptr) {
        Value qv = dict_get_str(t->dict, vm.names.__qualname__);
        if (qv.is_obj() && qv.o->type->layout == Layout::Str) q = static_cast<Str*>(qv.o)->s;
    }
    if (module.empty() || module == "builtins" || module == "__main__") return q;
    return module + "." + q;
}

std::string attr_str(VM& vm, Value exc, const char* name) {
    Value v = get_attr_opt(vm, exc, vm.intern(name));
    vm.pending = Value();
    if (v.is_empty() || v.is_none()) return "";
    Str* s = to_str(vm, v);
    vm.pending = Value();
    return s != nullptr ? s->s : "";
}

int64_t attr_int(VM& vm, Value exc, const char* name) {
    Value v = get_attr_opt(vm, exc, vm.intern(name));
    vm.pending = Value();
    return v.is_int() ? v.i : -1;
}

void format_syntax_error_location(VM& vm, std::string& out, Value exc) {
    std::string filename = attr_str(vm, exc, "filename");
    int64_t lineno = attr_int(vm, exc, "lineno");
    if (filename.empty() && lineno < 0) return;
    out += "  File \"" + (filename.empty() ? std::string("<string>") : filename) + "\", line " +
           std::to_string(lineno) + "\n";
    std::string text = attr_str(vm, exc, "text");
    if (text.empty()) return;
    std::u32string u = decode(text);
    while (!u.empty() && is_ws(u.back())) u.pop_back();
    size_t lead = 0;
    while (lead < u.size() && is_ws(u[lead])) ++lead;
    size_t byte = 0;
    for (size_t cp = 0; cp < lead && byte < text.size(); ++cp) {
        unsigned char c = static_cast<unsigned char>(text[byte]);
        byte += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    }
    std::string stripped = text.substr(byte);
    while (!stripped.empty() && is_ws(static_cast<unsigned char>(stripped.back()))) stripped.pop_back();
    out += "    " + stripped + "\n";
    int64_t offset = attr_int(vm, exc, "offset");
    int64_t end_offset = attr_int(vm, exc, "end_offset");
    if (offset < 1) return;
    int64_t col = offset - 1 - static_cast<int64_t>(lead);
    if (col < 0) col = 0;
    int64_t width = end_offset > offset ? end_offset - offset : 1;
    int64_t maxw = static_cast<int64_t>(u.size() - lead) - col;
    if (width > maxw && maxw > 0) width = maxw;
    out += "    " + std::string(static_cast<size_t>(col), ' ') + std::string(static_cast<size_t>(width), '^') + "\n";
}

// CPython's suggestions.c: Levenshtein distance with case-insensitive matches costing less.
constexpr size_t kMoveCost = 2, kCaseCost = 1, kMaxStringSize = 40;

size_t substitution_cost(char a, char b) {
    if (a == b) return 0;
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(a) == lower(b) ? kCaseCost : kMoveCost;
}

size_t levenshtein(std::string_view a, std::string_view b, size_t max_cost) {
    while (!a.empty() && !b.empty() && a.front() == b.front()) {
        a.remove_prefix(1);
        b.remove_prefix(1);
    }
    while (!a.empty() && !b.empty() && a.back() == b.back()) {
        a.remove_suffix(1);
        b.remove_suffix(1);
    }
    if (a.empty() || b.empty()) return (a.size() + b.size()) * kMoveCost;
    if (a.size() > kMaxStringSize || b.size() > kMaxStringSize) return max_cost + 1;
    if (b.size() < a.size()) std::swap(a, b);
    if ((b.size() - a.size()) * kMoveCost > max_cost) return max_cost + 1;
    size_t buffer[kMaxStringSize];
    size_t tmp = kMoveCost;
    for (size_t i = 0; i < a.size(); ++i) {
        buffer[i] = tmp;
        tmp += kMoveCost;
    }
    size_t result = 0;
    for (size_t bi = 0; bi < b.size(); ++bi) {
        char code = b[bi];
        size_t distance = result = bi * kMoveCost;
        size_t minimum = SIZE_MAX;
        for (size_t i = 0; i < a.size(); ++i) {
            size_t substitute = distance + substitution_cost(code, a[i]);
            distance = buffer[i];
            size_t insert_delete = std::min(result, distance) + kMoveCost;
            result = std::min(insert_delete, substitute);
            buffer[i] = result;
            if (result < minimum) minimum = result;
        }
        if (minimum > max_cost) return max_cost + 1;
    }
    return result;
}

}  // namespace

std::string best_suggestion(const std::vector<std::string>& candidates, const std::string& name) {
    if (candidates.size() > 750) return "";
    std::string best;
    size_t best_distance = SIZE_MAX;
    for (const std::string& item : candidates) {
        if (item == name) continue;
        size_t max_distance = (name.size() + item.size() + 3) * kMoveCost / 6;
        if (best_distance != SIZE_MAX && best_distance - 1 < max_distance) max_distance = best_distance - 1;
        size_t d = levenshtein(name, item, max_distance);
        if (d > max_distance) continue;
        if (best.empty() || d < best_distance) {
            best = item;
            best_distance = d;
        }
    }
    return best;
}

namespace {

std::string attribute_suggestion(VM& vm, Value exc) {
    Value name = get_attr_opt(vm, exc, vm.intern("name"));
    Value obj = get_attr_opt(vm, exc, vm.intern("obj"));
    vm.pending = Value();
    if (!(name.is_obj() && name.o->type->layout == Layout::Str) || obj.is_empty()) return "";
    Value dir_fn = dict_get_str(vm.builtins, vm.intern("dir"));
    if (dir_fn.is_empty()) return "";
    Value names = vm.call(dir_fn, {obj});
    if (names.is_empty() || !(names.is_obj() && names.o->type == vm.types.list)) {
        vm.pending = Value();
        return "";
    }
    std::vector<std::string> cands;
    for (Value v : static_cast<List*>(names.o)->items)
        if (v.is_obj() && v.o->type->layout == Layout::Str) cands.push_back(static_cast<Str*>(v.o)->s);
    return best_suggestion(cands, static_cast<Str*>(name.o)->s);
}

std::string message_line(VM& vm, Value exc) {
    std::string out;
    Type* t = type_of(vm, exc);
    std::string name = type_display_name(vm, t);
    bool syntax = is_subtype(t, vm.exc.SyntaxError);
    std::string msg;
    bool have_msg = true;
    if (syntax) {
        Value m = get_attr_opt(vm, exc, vm.intern("msg"));
        vm.pending = Value();
        if (!m.is_empty() && !m.is_none()) {
            Str* s = to_str(vm, m);
            vm.pending = Value();
            msg = s != nullptr ? s->s : "";
        } else {
            syntax = false;
        }
    }
    if (!syntax) {
        Str* s = to_str(vm, exc);
        if (s == nullptr) {
            vm.pending = Value();
            msg = "<exception str() failed>";
        } else {
            msg = s->s;
        }
    }
    have_msg = !msg.empty();
    out += name;
    if (have_msg) out += ": " + msg;
    std::string hint;
    auto* ex = static_cast<Exception*>(exc.o);
    if (is_subtype(t, vm.exc.NameError) && ex->suggestion != nullptr) hint = ex->suggestion->s;
    else if (is_subtype(t, vm.exc.AttributeError)) hint = attribute_suggestion(vm, exc);
    if (!hint.empty()) out += ". Did you mean: '" + hint + "'?";
    out += "\n";
    // PEP 678 notes.
    auto* e = static_cast<Exception*>(exc.o);
    if (e->notes.is_obj() && e->notes.o->type == vm.types.list) {
        for (Value n : static_cast<List*>(e->notes.o)->items) {
            Str* s = n.is_obj() && n.o->type->layout == Layout::Str ? static_cast<Str*>(n.o) : to_str(vm, n);
            vm.pending = Value();
            if (s != nullptr) out += s->s + "\n";
        }
    }
    return out;
}

// Exception groups print as CPython's boxes: each nesting level indents by two and prefixes
// its lines with a "| " margin (pythonrun.c's exception_print_context).
struct GroupCtx {
    int depth = 0;
    bool need_close = false;
};
constexpr int kMaxGroupWidth = 15;
constexpr int kMaxGroupDepth = 10;

std::string group_indent(const GroupCtx& c) { return std::string(2 * static_cast<size_t>(c.depth), ' '); }

// Appends `text` with every line (empty ones too) prefixed by the context's indent and margin.
void emit(std::string& out, const GroupCtx& c, const std::string& text, const char* margin = "| ") {
    if (c.depth == 0) {
        out += text;
        return;
    }
    std::string prefix = group_indent(c) + margin;
    size_t i = 0;
    while (i < text.size()) {
        size_t nl = text.find('\n', i);
        size_t end = nl == std::string::npos ? text.size() : nl + 1;
        out += prefix;
        out.append(text, i, end - i);
        i = end;
    }
}

const std::vector<Value>* group_members(VM& vm, Value exc) {
    const auto* items = exception_group_members(vm, exc);
    return items == nullptr || items->empty() ? nullptr : items;
}

void format_chain(VM& vm, std::string& out, Value exc, std::vector<Obj*>& seen, int depth, GroupCtx& ctx);

void format_one(VM& vm, std::string& out, Value exc, std::vector<Obj*>& seen, GroupCtx& ctx) {
    auto* e = static_cast<Exception*>(exc.o);
    const std::vector<Value>* members = group_members(vm, exc);
    if (members == nullptr) {
        std::string s;
        if (!e->traceback.empty()) {
            s += "Traceback (most recent call last):\n";
            format_traceback(vm, s, e->traceback);
        }
        if (is_subtype(type_of(vm, exc), vm.exc.SyntaxError)) format_syntax_error_location(vm, s, exc);
        s += message_line(vm, exc);
        emit(out, ctx, s);
        return;
    }
    if (ctx.depth > kMaxGroupDepth) {
        emit(out, ctx, "... (max_group_depth is " + std::to_string(kMaxGroupDepth) + ")\n");
        return;
    }
    if (ctx.depth == 0) ctx.depth = 1;
    if (!e->traceback.empty()) {
        emit(out, ctx, "Exception Group Traceback (most recent call last):\n", ctx.depth == 1 ? "+ " : "| ");
        std::string s;
        format_traceback(vm, s, e->traceback);
        emit(out, ctx, s);
    }
    emit(out, ctx, message_line(vm, exc));
    std::vector<Value> items = *members;  // a stable copy: formatting may run Python code
    int num = static_cast<int>(items.size());
    int n = num <= kMaxGroupWidth ? num : kMaxGroupWidth + 1;
    ctx.need_close = false;
    for (int i = 0; i < n; ++i) {
        bool last = i == n - 1;
        if (last) ctx.need_close = true;  // a nested group may close the frame itself
        bool truncated = i >= kMaxGroupWidth;
        out += group_indent(ctx) + (i == 0 ? "+-" : "  ") + "+---------------- " +
               (truncated ? std::string("...") : std::to_string(i + 1)) + " ----------------\n";
        ctx.depth++;
        if (!truncated) {
            format_chain(vm, out, items[i], seen, 0, ctx);
        } else {
            int remaining = num - kMaxGroupWidth;
            emit(out, ctx, "and " + std::to_string(remaining) + " more exception" + (remaining > 1 ? "s" : "") + "\n");
        }
        if (last && ctx.need_close) {
            out += group_indent(ctx) + "+------------------------------------\n";
            ctx.need_close = false;
        }
        ctx.depth--;
    }
    if (ctx.depth == 1) ctx.depth = 0;
}

void format_chain(VM& vm, std::string& out, Value exc, std::vector<Obj*>& seen, int depth, GroupCtx& ctx) {
    seen.push_back(exc.o);
    auto* e = static_cast<Exception*>(exc.o);
    auto unseen = [&](Value v) {
        if (!is_exc(v)) return false;
        for (Obj* o : seen)
            if (o == v.o) return false;
        return true;
    };
    auto chained = [&](Value v, const char* message) {
        bool need_close = ctx.need_close;
        format_chain(vm, out, v, seen, depth + 1, ctx);
        ctx.need_close = need_close;
        emit(out, ctx, std::string("\n") + message + "\n\n");
    };
    if (depth < 100) {
        if (is_exc(e->cause)) {
            if (unseen(e->cause)) chained(e->cause, "The above exception was the direct cause of the following exception:");
        } else if (is_exc(e->context) && !e->suppress_context) {
            if (unseen(e->context))
                chained(e->context, "During handling of the above exception, another exception occurred:");
        }
    }
    format_one(vm, out, exc, seen, ctx);
}

}  // namespace

// ---- traceback objects ----

namespace {

struct TracebackObj : Obj {
    Value exc;
    uint32_t index = 0;
    void trace(Tracer& t) override { t.mark(exc); }
};

const TracebackEntry* tb_entry(Value o) {
    auto* tb = static_cast<TracebackObj*>(o.o);
    auto& entries = static_cast<Exception*>(tb->exc.o)->traceback;
    return tb->index < entries.size() ? &entries[tb->index] : nullptr;
}

Value tb_lineno(VM&, Value o, GetSetDescr*) {
    const TracebackEntry* e = tb_entry(o);
    if (e == nullptr) return Value::none();
    const Position* pos = e->ip == kTracebackDefLine ? nullptr : e->code->code->position_at(e->ip);
    return Value::integer(pos != nullptr ? pos->line : e->code->code->first_line);
}
Value tb_lasti(VM&, Value o, GetSetDescr*) {
    const TracebackEntry* e = tb_entry(o);
    return Value::integer(e == nullptr || e->ip == kTracebackDefLine ? -1 : static_cast<int64_t>(e->ip) * 2);
}
Value tb_next(VM& vm, Value o, GetSetDescr*) {
    auto* tb = static_cast<TracebackObj*>(o.o);
    auto& entries = static_cast<Exception*>(tb->exc.o)->traceback;
    if (tb->index + 1 >= entries.size()) return Value::none();
    auto* next = vm.alloc<TracebackObj>(gen_types(vm).traceback);
    next->exc = tb->exc;
    next->index = tb->index + 1;
    return Value::object(next);
}
Value tb_frame(VM&, Value, GetSetDescr*) { return Value::none(); }

}  // namespace

namespace {
// Does traceback object `tb` stand for exactly `entries`?
bool tb_matches(VM& vm, Value tb, const Traceback& entries) {
    if (!tb.is_obj() || tb.o->type != gen_types(vm).traceback) return false;
    auto* t = static_cast<TracebackObj*>(tb.o);
    const auto& src = static_cast<Exception*>(t->exc.o)->traceback;
    if (t->index > src.size() || src.size() - t->index != entries.size()) return false;
    for (size_t i = 0; i < entries.size(); ++i) {
        const TracebackEntry& a = src[t->index + i];
        if (a.code != entries[i].code || a.ip != entries[i].ip) return false;
    }
    return true;
}
}  // namespace

Value make_traceback(VM& vm, Value exc) {
    if (!is_exc(exc) || static_cast<Exception*>(exc.o)->traceback.empty()) return Value::none();
    // The last object made (or assigned) is cached on the exception while it still stands
    // for the same entries, so `e.__traceback__ is e.__traceback__` holds as in CPython.
    auto* e = static_cast<Exception*>(exc.o);
    if (tb_matches(vm, e->tb_object, e->traceback)) return e->tb_object;
    auto* tb = vm.alloc<TracebackObj>(gen_types(vm).traceback);
    tb->exc = exc;
    e->tb_object = Value::object(tb);
    return e->tb_object;
}

bool assign_traceback(VM& vm, Value exc, Value tb) {
    auto& dest = static_cast<Exception*>(exc.o)->traceback;
    if (tb.is_none()) {
        dest.clear();
        return true;
    }
    if (!tb.is_obj() || tb.o->type != gen_types(vm).traceback) {
        vm.raise(vm.exc.TypeError, "__traceback__ must be a traceback or None");
        return false;
    }
    auto* t = static_cast<TracebackObj*>(tb.o);
    const auto& src = static_cast<Exception*>(t->exc.o)->traceback;
    dest.assign_tail(src, t->index);  // src may be dest (exc.with_traceback(exc.__traceback__))
    static_cast<Exception*>(exc.o)->tb_object = tb;  // make_traceback's cache
    return true;
}

void init_traceback_type(VM& vm) {
    Type* t = new_builtin_type(vm, "traceback", vm.types.object, Layout::Other, nullptr, 0);
    gen_types(vm).traceback = t;
    def_getset(vm, t, "tb_lineno", tb_lineno);
    def_getset(vm, t, "tb_lasti", tb_lasti);
    def_getset(vm, t, "tb_next", tb_next);
    def_getset(vm, t, "tb_frame", tb_frame);
}

std::string source_line(VM& vm, const std::string& filename, int lineno) {
    std::string line;
    if (!get_line(vm, filename, lineno, &line)) return "";
    size_t a = line.find_first_not_of(" \t\f\r\n\v");
    if (a == std::string::npos) return "";
    size_t b = line.find_last_not_of(" \t\f\r\n\v");
    return line.substr(a, b - a + 1);
}

std::string format_exception(VM& vm, Value exc) {
    // Callers often hold `exc` only in a local (taken from vm.pending): keep it and the
    // pending exception alive while formatting allocates.
    TempRootScope roots(vm.heap);
    if (exc.is_obj()) vm.heap.pin(exc.o);
    Value saved = vm.pending;
    if (saved.is_obj()) vm.heap.pin(saved.o);
    vm.pending = Value();
    std::string out;
    if (!is_exc(exc)) {
        Str* s = to_str(vm, exc);
        out = type_name(vm, exc) + ": " + (s != nullptr ? s->s : "") + "\n";
    } else {
        std::vector<Obj*> seen;
        GroupCtx ctx;
        format_chain(vm, out, exc, seen, 0, ctx);
    }
    vm.pending = saved;
    return out;
}

std::string format_exception_only(VM& vm, Value exc) {
    TempRootScope roots(vm.heap);
    if (exc.is_obj()) vm.heap.pin(exc.o);
    Value saved = vm.pending;
    if (saved.is_obj()) vm.heap.pin(saved.o);
    vm.pending = Value();
    std::string out;
    if (is_exc(exc)) {
        if (is_subtype(type_of(vm, exc), vm.exc.SyntaxError)) format_syntax_error_location(vm, out, exc);
        out += message_line(vm, exc);
    }
    vm.pending = saved;
    return out;
}

void print_exception(VM& vm, Value exc) { vm.write_out(format_exception(vm, exc), true); }

}  // namespace asy::vm
