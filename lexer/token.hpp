// Token kinds (generated from token_kinds.def) and the Token record the lexer produces.
#pragma once

#include <cstdint>
#include <string_view>

namespace asy::lex {

enum class Tok : uint8_t {
#define TOKEN(name, text) name,
#include "lexer/token_kinds.def"
};

// "(" for operators/keywords, a description ("name", "newline") for the others.
const char* tok_spelling(Tok k);
// Keyword kind for an identifier, or Tok::Name.
Tok keyword_kind(std::string_view ident);
bool is_keyword(Tok k);

// String token flags (prefix letters and quoting).
enum StrFlag : uint8_t {
    kStrRaw = 1,
    kStrBytes = 2,
    kStrFormat = 4,
    kStrTriple = 8,
    kStrUnicode = 16,  // an explicit `u` prefix
};

struct Token {
    Tok kind = Tok::EndMarker;
    uint8_t str_flags = 0;     // String: StrFlag bits
    uint8_t prefix_len = 0;    // String: bytes of prefix letters before the opening quote
    std::string_view text;     // the token's bytes in the source (empty for INDENT/DEDENT/...)
    uint32_t offset = 0;       // byte offset of text in the source buffer
    int line = 0, col = 0;     // start: 1-based line, 0-based code-point column
    int end_line = 0, end_col = 0;

    bool is(Tok k) const { return kind == k; }
    // String: the bytes between the quotes.
    std::string_view string_body() const {
        size_t q = (str_flags & kStrTriple) ? 3 : 1;
        return text.substr(prefix_len + q, text.size() - prefix_len - 2 * q);
    }
};

}  // namespace asy::lex
