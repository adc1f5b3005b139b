// Literal values: string escape decoding (CPython's rules and error wording), number literal
// conversion (ints beyond int64 become decimal digit strings), and small UTF-8 helpers.
#include <cmath>
#include <cstdlib>

#include "lexer/lexer.hpp"

namespace asy::lex {

uint32_t decode_utf8(const char*& p, const char* end) {
    auto b = [&](int i) { return static_cast<unsigned char>(p[i]); };
    unsigned char c = b(0);
    if (c < 0x80) { p++; return c; }
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n == 1 || p + n > end) { p++; return 0xFFFD; }
    uint32_t cp = n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int i = 1; i < n; ++i) {
        if ((b(i) & 0xC0) != 0x80) { p++; return 0xFFFD; }
        cp = (cp << 6) | (b(i) & 0x3F);
    }
    p += n;
    return cp;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

size_t count_code_points(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) n++;
    return n;
}

namespace {

int hex_val(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string unicode_error(size_t from, size_t to, const char* what) {
    return "(unicode error) 'unicodeescape' codec can't decode bytes in position " + std::to_string(from) + "-" +
           std::to_string(to) + ": " + what;
}

}  // namespace

std::string decode_escapes(std::string_view s, bool bytes, std::string& out) {
    out.reserve(out.size() + s.size());
    size_t i = 0, n = s.size();
    while (i < n) {
        char c = s[i];
        if (c == '\r') {  // newlines in source are normalized to \n
            out += '\n';
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (c != '\\' || i + 1 >= n) {
            out += c;
            i++;
            continue;
        }
        size_t start = i;
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case '\n': break;
        case '\r': if (i < n && s[i] == '\n') i++; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            uint32_t v = static_cast<uint32_t>(e - '0');
            for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; ++k) v = v * 8 + static_cast<uint32_t>(s[i++] - '0');
            if (bytes) out += static_cast<char>(v & 0xFF);
            else append_utf8(out, v);
            break;
        }
        case 'x': case 'u': case 'U': {
            if (bytes && e != 'x') {  // not an escape in bytes: kept verbatim
                out += '\\';
                out += e;
                break;
            }
            int want = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            uint32_t v = 0;
            int got = 0;
            while (got < want && i < n && hex_val(s[i]) >= 0) {
                v = v * 16 + static_cast<uint32_t>(hex_val(s[i]));
                i++;
                got++;
            }
            if (got < want) {
                if (bytes) return "(value error) invalid \\x escape at position " + std::to_string(start);
                const char* what = e == 'x' ? "truncated \\xXX escape"
                                 : e == 'u' ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape";
                return unicode_error(start, i - 1, what);
            }
            if (bytes) {
                out += static_cast<char>(v);
            } else {
                if (v > 0x10FFFF) return unicode_error(start, i - 1, "illegal Unicode character");
                append_utf8(out, v);
            }
            break;
        }
        case 'N': {
            if (bytes) {
                out += "\\N";
                break;
            }
            if (i >= n || s[i] != '{') return unicode_error(start, i - 1, "malformed \\N character escape");
            size_t close = s.find('}', i);
            if (close == std::string_view::npos || close == i + 1)
                return unicode_error(start, (close == std::string_view::npos ? n : close) - 1,
                                     "malformed \\N character escape");
            uint32_t cp = lookup_unicode_name(s.substr(i + 1, close - i - 1));
            if (cp == kNoSuchName) return unicode_error(start, close, "unknown Unicode character name");
            append_utf8(out, cp);
            i = close + 1;
            break;
        }
        default:
            // Invalid escape: CPython keeps the backslash (with a DeprecationWarning).
            out += '\\';
            out += e;
            break;
        }
    }
    return {};
}

std::string decode_string_token(const Token& t, std::string& out) {
    std::string_view body = t.string_body();
    bool bytes = (t.str_flags & kStrBytes) != 0;
    if (bytes) {
        for (unsigned char c : body)
            if (c >= 0x80) return "bytes can only contain ASCII literal characters";
    }
    if (t.str_flags & kStrRaw) {
        out.reserve(out.size() + body.size());
        for (size_t i = 0; i < body.size(); ++i) {
            if (body[i] == '\r') {
                out += '\n';
                if (i + 1 < body.size() && body[i + 1] == '\n') i++;
            } else {
                out += body[i];
            }
        }
        return {};
    }
    return decode_escapes(body, bytes, out);
}

namespace {

// Decimal digits of a number given in base 2, 8 or 16 (digits already validated).
std::string to_decimal(std::string_view digits, int base) {
    std::vector<uint32_t> limbs;  // little-endian base 1e9
    for (char c : digits) {
        uint64_t carry = static_cast<uint64_t>(hex_val(c));
        for (auto& l : limbs) {
            uint64_t v = static_cast<uint64_t>(l) * static_cast<uint64_t>(base) + carry;
            l = static_cast<uint32_t>(v % 1000000000u);
            carry = v / 1000000000u;
        }
        while (carry) {
            limbs.push_back(static_cast<uint32_t>(carry % 1000000000u));
            carry /= 1000000000u;
        }
    }
    if (limbs.empty()) return "0";
    std::string out = std::to_string(limbs.back());
    for (size_t i = limbs.size() - 1; i-- > 0;) {
        std::string part = std::to_string(limbs[i]);
        out.append(9 - part.size(), '0');
        out += part;
    }
    return out;
}

}  // namespace

NumberValue parse_number(std::string_view text) {
    std::string s;
    s.reserve(text.size());
    for (char c : text)
        if (c != '_') s += c;
    NumberValue v;
    if (!s.empty() && (s.back() == 'j' || s.back() == 'J')) {
        s.pop_back();
        v.kind = NumKind::Complex;
        v.float_value = std::strtod(s.c_str(), nullptr);
        return v;
    }
    int base = 10;
    size_t start = 0;
    if (s.size() > 1 && s[0] == '0') {
        char p = static_cast<char>(s[1] | 0x20);
        if (p == 'x') base = 16;
        else if (p == 'o') base = 8;
        else if (p == 'b') base = 2;
        if (base != 10) start = 2;
    }
    if (base == 10 && s.find_first_of(".eE") != std::string::npos) {
        v.kind = NumKind::Float;
        v.float_value = std::strtod(s.c_str(), nullptr);
        return v;
    }
    uint64_t acc = 0;
    bool overflow = false;
    for (size_t i = start; i < s.size(); ++i) {
        uint64_t d = static_cast<uint64_t>(hex_val(s[i]));
        if (acc > (static_cast<uint64_t>(INT64_MAX) - d) / static_cast<uint64_t>(base)) {
            overflow = true;
            break;
        }
        acc = acc * static_cast<uint64_t>(base) + d;
    }
    if (!overflow) {
        v.kind = NumKind::Int;
        v.int_value = static_cast<int64_t>(acc);
        return v;
    }
    v.kind = NumKind::BigInt;
    if (base == 10) {
        size_t nz = s.find_first_not_of('0');
        v.digits = s.substr(nz);
    } else {
        v.digits = to_decimal(std::string_view(s).substr(start), base);
    }
    return v;
}

}  // namespace asy::lex
