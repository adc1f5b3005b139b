// The hand-written scanner: UTF-8 buffer -> tokens, with CPython 3.11's indentation rules
// (tabs to multiples of 8, TabError on ambiguity), implicit/explicit line joining, string and
// number scanning, and the tokenizer's error messages.
#include "lexer/lexer.hpp"

#include <cstdio>
#include <cstring>

#include <utf8proc.h>

namespace asy::lex {

namespace {

bool is_ascii_ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ascii_ident_char(unsigned char c) { return is_ascii_ident_start(c) || (c >= '0' && c <= '9'); }

bool is_xid_start(uint32_t cp) {
    if (cp < 0x80) return is_ascii_ident_start(static_cast<unsigned char>(cp));
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL:
        return true;
    default:
        return false;
    }
}

bool is_xid_continue(uint32_t cp) {
    if (cp < 0x80) return is_ascii_ident_char(static_cast<unsigned char>(cp));
    if (is_xid_start(cp)) return true;
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_PC:
        return true;
    default:
        return cp == 0xB7;  // MIDDLE DOT is Other_ID_Continue
    }
}


std::string hex_cp(uint32_t cp) {
    char buf[16];
    snprintf(buf, sizeof buf, "U+%04X", cp);
    return buf;
}

// CPython's tokenizer limits (MAXLEVEL, MAXINDENT).
constexpr size_t kMaxBrackets = 200;
constexpr size_t kMaxIndent = 100;

class Scanner {
public:
    Scanner(const SourceFile& src, size_t begin, size_t end, int line, size_t line_start, bool fragment)
        : src_(src), buf_(src.text().data()), pos_(begin), end_(end), line_(line), line_start_(line_start),
          fragment_(fragment) {
        if (fragment_) brackets_.push_back({'(', line, 0});  // behave as inside brackets
        out_.tokens.reserve((end - begin) / 4 + 16);
    }

    LexOutput run();

private:
    const SourceFile& src_;
    const char* buf_;
    size_t pos_, end_;
    int line_;
    size_t line_start_;
    bool fragment_;
    std::vector<int> indents_{0}, alt_indents_{0};
    std::vector<OpenBracket> brackets_;
    LexOutput out_;
    // column cache: code points from line_start_ to cache_pos_
    size_t cache_line_start_ = SIZE_MAX, cache_pos_ = 0;
    int cache_col_ = 0;
    bool line_has_tokens_ = false;
    bool after_backslash_ = false;

    int peek(size_t k = 0) const { return pos_ + k < end_ ? static_cast<unsigned char>(buf_[pos_ + k]) : -1; }

    int col_at(size_t pos) {
        if (cache_line_start_ != line_start_ || pos < cache_pos_) {
            cache_line_start_ = line_start_;
            cache_pos_ = line_start_;
            cache_col_ = 0;
        }
        for (size_t i = cache_pos_; i < pos; ++i)
            if ((static_cast<unsigned char>(buf_[i]) & 0xC0) != 0x80) cache_col_++;
        cache_pos_ = pos;
        return cache_col_;
    }

    void newline_at(size_t after) {  // `after`: offset just past the newline sequence
        line_++;
        line_start_ = after;
    }

    Token& push(Tok k, size_t b, int line, int col) {
        Token t;
        t.kind = k;
        t.offset = static_cast<uint32_t>(b);
        t.text = std::string_view(buf_ + b, pos_ - b);
        t.line = line;
        t.col = col;
        t.end_line = line_;
        t.end_col = col_at(pos_);
        out_.tokens.push_back(t);
        return out_.tokens.back();
    }

    void push_empty(Tok k, int line, int col) {
        Token t;
        t.kind = k;
        t.offset = static_cast<uint32_t>(pos_);
        t.line = t.end_line = line;
        t.col = t.end_col = col;
        out_.tokens.push_back(t);
    }

    bool fail(const std::string& msg, int line, int col, int end_col = -1, DiagKind kind = DiagKind::SyntaxError) {
        Diagnostic d;
        d.kind = kind;
        d.file = src_.name();
        d.line = line;
        d.col = col;
        d.end_col = end_col;
        d.message = msg;
        out_.error = d;
        Token t;
        t.kind = Tok::Error;
        t.offset = static_cast<uint32_t>(pos_ < end_ ? pos_ : end_);
        t.line = t.end_line = line;
        t.col = t.end_col = col;
        out_.tokens.push_back(t);
        return false;
    }

    // Number of lines as CPython's tokenizer counts them at EOF.
    int eof_line() const {
        if (end_ > 0 && (buf_[end_ - 1] == '\n' || buf_[end_ - 1] == '\r') && line_ > 1) return line_ - 1;
        return line_;
    }

    bool at_line_begin();
    bool scan_token();
    bool scan_name_or_string();
    bool scan_string(size_t start, int sline, int scol, uint8_t flags);
    bool scan_number(size_t start, int sline, int scol);
    bool scan_operator();
    bool finish();
};

// Handles indentation at the start of a logical line. Returns false on error.
bool Scanner::at_line_begin() {
    for (;;) {
        int col = 0, alt = 0;
        size_t p = pos_;
        for (; p < end_; ++p) {
            char c = buf_[p];
            if (c == ' ') { col++; alt++; }
            else if (c == '\t') { col = (col / 8 + 1) * 8; alt++; }
            else if (c == '\f') { col = alt = 0; }
            else break;
        }
        pos_ = p;
        int c = peek();
        if (c == '#' ) {
            while (pos_ < end_ && buf_[pos_] != '\n' && buf_[pos_] != '\r') pos_++;
            c = peek();
        }
        if (c == '\n' || c == '\r') {  // blank line: no indentation tokens
            pos_ += (c == '\r' && peek(1) == '\n') ? 2 : 1;
            newline_at(pos_);
            continue;
        }
        if (c < 0) return true;  // EOF: handled by finish()
        if (c == '\\') return true;  // continuation at line start: indentation is irrelevant here
        int ccol = col_at(pos_);
        if (col == indents_.back()) {
            if (alt != alt_indents_.back())
                return fail("inconsistent use of tabs and spaces in indentation", line_, -1, -1, DiagKind::TabError);
        } else if (col > indents_.back()) {
            if (alt <= alt_indents_.back())
                return fail("inconsistent use of tabs and spaces in indentation", line_, -1, -1, DiagKind::TabError);
            if (indents_.size() > kMaxIndent)
                return fail("too many levels of indentation", line_, -1, -1, DiagKind::IndentationError);
            indents_.push_back(col);
            alt_indents_.push_back(alt);
            Token t;
            t.kind = Tok::Indent;
            t.offset = static_cast<uint32_t>(line_start_);
            t.text = std::string_view(buf_ + line_start_, pos_ - line_start_);
            t.line = t.end_line = line_;
            t.col = 0;
            t.end_col = ccol;
            out_.tokens.push_back(t);
        } else {
            while (indents_.size() > 1 && col < indents_.back()) {
                indents_.pop_back();
                alt_indents_.pop_back();
                push_empty(Tok::Dedent, line_, ccol);
            }
            if (col != indents_.back()) {
                size_t e = pos_;
                while (e < end_ && buf_[e] != '\n' && buf_[e] != '\r') e++;
                return fail("unindent does not match any outer indentation level", line_, col_at(e), -1,
                            DiagKind::IndentationError);
            }
            if (alt != alt_indents_.back())
                return fail("inconsistent use of tabs and spaces in indentation", line_, -1, -1, DiagKind::TabError);
        }
        return true;
    }
}

bool Scanner::finish() {
    if (after_backslash_ || (!fragment_ && !brackets_.empty())) out_.incomplete = true;
    if (!fragment_ && !brackets_.empty()) {
        const OpenBracket& b = brackets_.back();
        out_.error_is_unclosed_bracket = true;
        std::string msg = "'";
        msg += b.ch;
        msg += "' was never closed";
        return fail(msg, b.line, b.col);
    }
    if (after_backslash_) {
        return fail("unexpected EOF while parsing", line_, col_at(pos_));
    }
    if (!fragment_) {
        int col = col_at(pos_);
        if (line_has_tokens_) push_empty(Tok::Newline, line_, col), out_.tokens.back().end_col = col + 1;
        if (indents_.size() > 1) out_.eof_in_block = true;
        int dl = eof_line();
        while (indents_.size() > 1) {
            indents_.pop_back();
            push_empty(Tok::Dedent, dl, 0);
        }
        push_empty(Tok::EndMarker, dl, 0);
    } else {
        push_empty(Tok::EndMarker, line_, col_at(pos_));
    }
    return true;
}

LexOutput Scanner::run() {
    bool line_begin = !fragment_;
    for (;;) {
        if (line_begin) {
            line_begin = false;
            if (!at_line_begin()) return std::move(out_);
        }
        // skip whitespace
        while (pos_ < end_ && (buf_[pos_] == ' ' || buf_[pos_] == '\t' || buf_[pos_] == '\f')) pos_++;
        int c = peek();
        if (c < 0) {
            finish();
            return std::move(out_);
        }
        if (c == '#') {
            while (pos_ < end_ && buf_[pos_] != '\n' && buf_[pos_] != '\r') pos_++;
            continue;
        }
        if (c == '\n' || c == '\r') {
            size_t b = pos_;
            int col = col_at(pos_);
            pos_ += (c == '\r' && peek(1) == '\n') ? 2 : 1;
            if (brackets_.empty() && line_has_tokens_) {
                Token t;
                t.kind = Tok::Newline;
                t.offset = static_cast<uint32_t>(b);
                t.text = std::string_view(buf_ + b, pos_ - b);
                t.line = t.end_line = line_;
                t.col = col;
                t.end_col = col + 1;
                out_.tokens.push_back(t);
                line_has_tokens_ = false;
                line_begin = true;
            } else if (brackets_.empty()) {
                line_begin = true;
            }
            newline_at(pos_);
            continue;
        }
        if (c == '\\') {
            int col = col_at(pos_);
            int n = peek(1);
            if (n == '\n' || n == '\r') {
                if (pos_ + ((n == '\r' && peek(2) == '\n') ? 3 : 2) >= end_) {
                    // EOF right after the continuation: report on the backslash's line
                    after_backslash_ = true;
                    out_.incomplete = true;
                    return fail("unexpected EOF while parsing", line_, col + 1), std::move(out_);
                }
                pos_ += (n == '\r' && peek(2) == '\n') ? 3 : 2;
                newline_at(pos_);
                continue;
            }
            if (n < 0) {
                after_backslash_ = true;
                pos_++;
                continue;
            }
            return fail("unexpected character after line continuation character", line_, col + 1),
                   std::move(out_);
        }
        after_backslash_ = false;
        line_has_tokens_ = true;
        if (!scan_token()) return std::move(out_);
    }
}

bool Scanner::scan_token() {
    int c = peek();
    if (c >= '0' && c <= '9') return scan_number(pos_, line_, col_at(pos_));
    if (c == '.' && peek(1) >= '0' && peek(1) <= '9') return scan_number(pos_, line_, col_at(pos_));
    if (c == '"' || c == '\'') return scan_string(pos_, line_, col_at(pos_), 0);
    if (is_ascii_ident_start(static_cast<unsigned char>(c)) || c >= 0x80) return scan_name_or_string();
    return scan_operator();
}

bool Scanner::scan_name_or_string() {
    size_t start = pos_;
    int sline = line_, scol = col_at(pos_);
    // string prefix?
    size_t p = pos_;
    uint8_t flags = 0;
    bool prefix_ok = true;
    while (p < end_ && p - pos_ < 3 && is_ascii_ident_start(static_cast<unsigned char>(buf_[p]))) {
        char ch = static_cast<char>(buf_[p] | 0x20);
        uint8_t f = ch == 'r' ? kStrRaw : ch == 'b' ? kStrBytes : ch == 'f' ? kStrFormat : ch == 'u' ? kStrUnicode : 0;
        if (f == 0 || (flags & f)) { prefix_ok = false; break; }
        flags |= f;
        p++;
    }
    if (prefix_ok && p > pos_ && p < end_ && (buf_[p] == '"' || buf_[p] == '\'')) {
        bool valid = !((flags & kStrBytes) && (flags & kStrFormat)) &&
                     !((flags & kStrUnicode) && (flags != kStrUnicode));
        if (valid) {
            pos_ = p;
            return scan_string(start, sline, scol, flags);
        }
    }
    // identifier
    const char* q = buf_ + pos_;
    const char* e = buf_ + end_;
    bool first = true;
    while (q < e) {
        const char* before = q;
        unsigned char b = static_cast<unsigned char>(*q);
        if (b < 0x80) {
            if (!(first ? is_ascii_ident_start(b) : is_ascii_ident_char(b))) break;
            q++;
        } else {
            uint32_t cp = decode_utf8(q, e);
            if (!(first ? is_xid_start(cp) : is_xid_continue(cp))) {
                q = before;
                if (first || !is_printable(cp) || true) {
                    pos_ = static_cast<size_t>(q - buf_);
                    int col = col_at(pos_);
                    if (!first && is_printable(cp)) {
                        // A letter-like code point ends the name only if it is an operator;
                        // otherwise CPython reports it as invalid.
                    }
                    if (is_printable(cp)) {
                        std::string ch;
                        append_utf8(ch, cp);
                        return fail("invalid character '" + ch + "' (" + hex_cp(cp) + ")", line_, col);
                    }
                    return fail("invalid non-printable character " + hex_cp(cp), line_, col);
                }
            }
        }
        first = false;
    }
    pos_ = static_cast<size_t>(q - buf_);
    std::string_view word(buf_ + start, pos_ - start);
    push(keyword_kind(word), start, sline, scol);
    return true;
}

bool Scanner::scan_string(size_t start, int sline, int scol, uint8_t flags) {
    char quote = buf_[pos_];
    bool triple = peek(1) == quote && peek(2) == quote;
    size_t prefix_len = pos_ - start;
    pos_ += triple ? 3 : 1;
    if (triple) flags |= kStrTriple;
    for (;;) {
        if (pos_ >= end_) {
            if (triple) {
                out_.incomplete = true;
                return fail("unterminated triple-quoted string literal (detected at line " +
                                std::to_string(eof_line()) + ")",
                            sline, scol);
            }
            return fail("unterminated string literal (detected at line " + std::to_string(eof_line()) + ")", sline,
                        scol);
        }
        char c = buf_[pos_];
        if (c == '\\') {
            pos_++;
            if (pos_ < end_) {
                char n = buf_[pos_];
                pos_++;
                if (n == '\r' && pos_ < end_ && buf_[pos_] == '\n') pos_++;
                if (n == '\n' || n == '\r') newline_at(pos_);
            }
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!triple)
                return fail("unterminated string literal (detected at line " + std::to_string(line_) + ")", sline, scol);
            pos_ += (c == '\r' && peek(1) == '\n') ? 2 : 1;
            newline_at(pos_);
            continue;
        }
        if (c == quote) {
            if (!triple) { pos_++; break; }
            if (peek(1) == quote && peek(2) == quote) { pos_ += 3; break; }
        }
        pos_++;
    }
    Token& t = push(Tok::String, start, sline, scol);
    t.str_flags = flags;
    t.prefix_len = static_cast<uint8_t>(prefix_len);
    return true;
}

bool Scanner::scan_number(size_t start, int sline, int scol) {
    auto is_digit = [](int c) { return c >= '0' && c <= '9'; };
    auto ident_follows = [&]() {
        int c = peek();
        if (c < 0) return false;
        if (c >= 0x80) {
            const char* q = buf_ + pos_;
            return is_xid_continue(decode_utf8(q, buf_ + end_));
        }
        return is_ascii_ident_char(static_cast<unsigned char>(c));
    };
    // After a number, a keyword like `if`/`else`/`and` may follow directly (deprecated but valid).
    auto keyword_follows = [&]() {
        static const char* const kw[] = {"and", "else", "for", "if", "in", "is", "not", "or"};
        for (const char* k : kw) {
            size_t n = strlen(k);
            if (pos_ + n <= end_ && memcmp(buf_ + pos_, k, n) == 0 &&
                (pos_ + n == end_ || !is_ascii_ident_char(static_cast<unsigned char>(buf_[pos_ + n]))))
                return true;
        }
        return false;
    };
    auto end_check = [&](const char* kind) {
        if (ident_follows() && !keyword_follows()) {
            return fail(std::string("invalid ") + kind + " literal", sline, scol);
        }
        return true;
    };
    // digits with single underscores between; returns false (and sets err) on a bad '_'
    auto digits = [&](auto pred, const char* kind, bool& ok) {
        size_t n = 0;
        for (;;) {
            while (pred(peek())) { pos_++; n++; }
            if (peek() == '_') {
                pos_++;
                if (!pred(peek())) {
                    ok = fail(std::string("invalid ") + kind + " literal", line_, col_at(pos_ - 1));
                    return n;
                }
                continue;
            }
            return n;
        }
    };
    bool ok = true;
    int c = peek();
    if (c == '0' && (peek(1) == 'x' || peek(1) == 'X' || peek(1) == 'o' || peek(1) == 'O' || peek(1) == 'b' ||
                     peek(1) == 'B')) {
        char k = static_cast<char>(peek(1) | 0x20);
        pos_ += 2;
        const char* kind = k == 'x' ? "hexadecimal" : k == 'o' ? "octal" : "binary";
        auto pred = [k](int ch) {
            if (k == 'x') return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
            if (k == 'o') return ch >= '0' && ch <= '7';
            return ch == '0' || ch == '1';
        };
        if (peek() == '_') pos_++;
        size_t n = digits(pred, kind, ok);
        if (!ok) return false;
        if (n == 0) {
            if (is_digit(peek())) {
                std::string m = std::string("invalid digit '") + static_cast<char>(peek()) + "' in " + kind + " literal";
                return fail(m, line_, col_at(pos_));
            }
            return fail(std::string("invalid ") + kind + " literal", line_, col_at(pos_ - 1));
        }
        if (is_digit(peek())) {
            std::string m = std::string("invalid digit '") + static_cast<char>(peek()) + "' in " + kind + " literal";
            return fail(m, line_, col_at(pos_));
        }
        if (!end_check(kind)) return false;
        push(Tok::Number, start, sline, scol);
        return true;
    }
    bool is_float = false;
    bool leading_zero_problem = false;
    if (c != '.') {
        bool starts_zero = c == '0';
        size_t b = pos_;
        digits(is_digit, "decimal", ok);
        if (!ok) return false;
        if (starts_zero) {
            for (size_t i = b; i < pos_; ++i)
                if (buf_[i] != '0' && buf_[i] != '_') leading_zero_problem = true;
        }
    }
    if (peek() == '.') {
        is_float = true;
        pos_++;
        if (is_digit(peek())) {
            digits(is_digit, "decimal", ok);
            if (!ok) return false;
        }
    }
    if (peek() == 'e' || peek() == 'E') {
        size_t save = pos_;
        pos_++;
        if (peek() == '+' || peek() == '-') pos_++;
        if (!is_digit(peek())) {
            // `1else` style keyword after a number: back up
            pos_ = save;
            if (keyword_follows()) {
                push(Tok::Number, start, sline, scol);
                return true;
            }
            return fail("invalid decimal literal", sline, scol);
        }
        digits(is_digit, "decimal", ok);
        if (!ok) return false;
        is_float = true;
    }
    if (peek() == 'j' || peek() == 'J') {
        pos_++;
        is_float = true;
        if (!end_check("imaginary")) return false;
    } else if (!end_check("decimal")) {
        return false;
    }
    if (leading_zero_problem && !is_float)
        return fail("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                    sline, scol);
    push(Tok::Number, start, sline, scol);
    return true;
}

bool Scanner::scan_operator() {
    size_t start = pos_;
    int sline = line_, scol = col_at(pos_);
    int c = peek(), c1 = peek(1), c2 = peek(2);
    Tok k;
    int n = 1;
    switch (c) {
    case '(': case '[': case '{': {
        if (brackets_.size() >= kMaxBrackets + (fragment_ ? 1 : 0)) return fail("too many nested parentheses", line_, scol);
        brackets_.push_back({static_cast<char>(c), line_, scol});
        k = c == '(' ? Tok::LPar : c == '[' ? Tok::LSqb : Tok::LBrace;
        break;
    }
    case ')': case ']': case '}': {
        if (brackets_.empty() || (fragment_ && brackets_.size() == 1)) {
            return fail(std::string("unmatched '") + static_cast<char>(c) + "'", line_, scol);
        }
        char open = brackets_.back().ch;
        char want = open == '(' ? ')' : open == '[' ? ']' : '}';
        if (want != c) {
            std::string m = std::string("closing parenthesis '") + static_cast<char>(c) +
                            "' does not match opening parenthesis '" + open + "'";
            if (brackets_.back().line != line_) m += " on line " + std::to_string(brackets_.back().line);
            return fail(m, line_, scol);
        }
        brackets_.pop_back();
        k = c == ')' ? Tok::RPar : c == ']' ? Tok::RSqb : Tok::RBrace;
        break;
    }
    case ':': if (c1 == '=') { k = Tok::ColonEqual; n = 2; } else k = Tok::Colon; break;
    case ',': k = Tok::Comma; break;
    case ';': k = Tok::Semi; break;
    case '+': if (c1 == '=') { k = Tok::PlusEqual; n = 2; } else k = Tok::Plus; break;
    case '-':
        if (c1 == '=') { k = Tok::MinEqual; n = 2; }
        else if (c1 == '>') { k = Tok::RArrow; n = 2; }
        else k = Tok::Minus;
        break;
    case '*':
        if (c1 == '*') {
            if (c2 == '=') { k = Tok::DoubleStarEqual; n = 3; } else { k = Tok::DoubleStar; n = 2; }
        } else if (c1 == '=') { k = Tok::StarEqual; n = 2; }
        else k = Tok::Star;
        break;
    case '/':
        if (c1 == '/') {
            if (c2 == '=') { k = Tok::DoubleSlashEqual; n = 3; } else { k = Tok::DoubleSlash; n = 2; }
        } else if (c1 == '=') { k = Tok::SlashEqual; n = 2; }
        else k = Tok::Slash;
        break;
    case '|': if (c1 == '=') { k = Tok::VBarEqual; n = 2; } else k = Tok::VBar; break;
    case '&': if (c1 == '=') { k = Tok::AmperEqual; n = 2; } else k = Tok::Amper; break;
    case '^': if (c1 == '=') { k = Tok::CircumflexEqual; n = 2; } else k = Tok::Circumflex; break;
    case '%': if (c1 == '=') { k = Tok::PercentEqual; n = 2; } else k = Tok::Percent; break;
    case '@': if (c1 == '=') { k = Tok::AtEqual; n = 2; } else k = Tok::At; break;
    case '~': k = Tok::Tilde; break;
    case '=': if (c1 == '=') { k = Tok::EqEqual; n = 2; } else k = Tok::Equal; break;
    case '!':
        if (c1 == '=') { k = Tok::NotEqual; n = 2; break; }
        return fail("invalid syntax", line_, scol);
    case '<':
        if (c1 == '<') {
            if (c2 == '=') { k = Tok::LeftShiftEqual; n = 3; } else { k = Tok::LeftShift; n = 2; }
        } else if (c1 == '=') { k = Tok::LessEqual; n = 2; }
        else k = Tok::Less;
        break;
    case '>':
        if (c1 == '>') {
            if (c2 == '=') { k = Tok::RightShiftEqual; n = 3; } else { k = Tok::RightShift; n = 2; }
        } else if (c1 == '=') { k = Tok::GreaterEqual; n = 2; }
        else k = Tok::Greater;
        break;
    case '.':
        if (c1 == '.' && c2 == '.') { k = Tok::Ellipsis; n = 3; } else k = Tok::Dot;
        break;
    default: {
        if (c == 0) return fail("source code cannot contain null bytes", line_, scol);
        if (c < 0x80) return fail("invalid syntax", line_, scol);  // `$`, `?`, backtick
        const char* q = buf_ + pos_;
        uint32_t cp = c < 0x80 ? static_cast<uint32_t>(c) : decode_utf8(q, buf_ + end_);
        if (is_printable(cp)) {
            std::string ch;
            append_utf8(ch, cp);
            return fail("invalid character '" + ch + "' (" + hex_cp(cp) + ")", line_, scol);
        }
        return fail("invalid non-printable character " + hex_cp(cp), line_, scol);
    }
    }
    pos_ += static_cast<size_t>(n);
    push(k, start, sline, scol);
    return true;
}

}  // namespace

const char* tok_spelling(Tok k) {
    switch (k) {
#define TOKEN(name, text) case Tok::name: return text;
#include "lexer/token_kinds.def"
    }
    return "?";
}

Tok keyword_kind(std::string_view w) {
    if (w.size() < 2 || w.size() > 8) return Tok::Name;
#define KEYWORD(name, text) if (w == text) return Tok::name;
#include "lexer/token_kinds.def"
    return Tok::Name;
}

bool is_keyword(Tok k) {
    switch (k) {
#define KEYWORD(name, text) case Tok::name: return true;
#include "lexer/token_kinds.def"
    default: return false;
    }
}

LexOutput tokenize(const SourceFile& src) {
    size_t begin = 0;
    const std::string& t = src.text();
    if (t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xEF && static_cast<unsigned char>(t[1]) == 0xBB &&
        static_cast<unsigned char>(t[2]) == 0xBF)
        begin = 3;  // UTF-8 BOM
    Scanner s(src, begin, t.size(), 1, begin, false);
    return s.run();
}

LexOutput tokenize_fragment(const SourceFile& src, size_t begin, size_t end, int line, size_t line_start) {
    Scanner s(src, begin, end, line, line_start, true);
    return s.run();
}

// str.isprintable() for one code point.
bool is_printable(uint32_t cp) {
    if (cp == ' ') return true;
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_ZS:
        return false;
    default:
        return true;
    }
}

// repr() of a str given as UTF-8, quoted and escaped as CPython does.
std::string repr_text(const std::string& s) {
    bool has_sq = s.find('\'') != std::string::npos, has_dq = s.find('"') != std::string::npos;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    std::string out(1, q);
    const char* p = s.data();
    const char* e = p + s.size();
    char buf[16];
    while (p < e) {
        uint32_t cp = decode_utf8(p, e);
        if (cp == static_cast<uint32_t>(q) || cp == '\\') {
            out += '\\';
            out += static_cast<char>(cp);
        } else if (cp == '\t') out += "\\t";
        else if (cp == '\n') out += "\\n";
        else if (cp == '\r') out += "\\r";
        else if (cp < 0x20 || cp == 0x7F) {
            snprintf(buf, sizeof buf, "\\x%02x", cp);
            out += buf;
        } else if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (is_printable(cp)) {
            append_utf8(out, cp);
        } else {
            if (cp <= 0xFF) snprintf(buf, sizeof buf, "\\x%02x", cp);
            else if (cp <= 0xFFFF) snprintf(buf, sizeof buf, "\\u%04x", cp);
            else snprintf(buf, sizeof buf, "\\U%08x", cp);
            out += buf;
        }
    }
    out += q;
    return out;
}

}  // namespace asy::lex
