// The tokenizer: UTF-8 source -> Python 3.11 tokens (INDENT/DEDENT/NEWLINE included), plus the
// helpers that turn literal token text into values (string escapes, number literals).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lexer/source.hpp"
#include "lexer/token.hpp"

namespace asy::lex {

struct OpenBracket {
    char ch;
    int line, col;
};

struct LexOutput {
    // Ends with EndMarker, or with an Error token where scanning stopped.
    std::vector<Token> tokens;
    // The tokenizer error (set iff tokens.back() is Error).
    std::optional<Diagnostic> error;
    // The error is "'(' was never closed" found at end of input.
    bool error_is_unclosed_bracket = false;
    // Input ended inside a bracket, a triple-quoted string or after a backslash: more lines
    // could complete it (the REPL's continuation prompt).
    bool incomplete = false;
    // The input ended while an indented block was open (DEDENTs were synthesized at EOF).
    bool eof_in_block = false;
};

// Tokenizes a whole file.
LexOutput tokenize(const SourceFile& src);

// Tokenizes bytes [begin, end) of src (an f-string replacement field) as if inside brackets:
// no NEWLINE/INDENT tokens. `line`/`line_start` locate `begin` in the file.
LexOutput tokenize_fragment(const SourceFile& src, size_t begin, size_t end, int line,
                            size_t line_start);

// ---- literal values ---------------------------------------------------------------------

// Decodes the body of a non-raw string literal (escapes). Invalid escapes stay verbatim.
// Returns an error message (CPython's wording) or empty on success. `bytes`: \u \U \N are
// not escapes, and the result holds raw bytes.
std::string decode_escapes(std::string_view body, bool bytes, std::string& out);

// Decodes a whole String token (not an f-string): prefix, quotes, escapes.
std::string decode_string_token(const Token& t, std::string& out);

enum class NumKind : uint8_t { Int, BigInt, Float, Complex };
struct NumberValue {
    NumKind kind = NumKind::Int;
    int64_t int_value = 0;
    double float_value = 0;  // Float, or the imaginary part of Complex
    std::string digits;      // BigInt: decimal digits
};
// Converts a Number token's text (validated by the lexer) to its value.
NumberValue parse_number(std::string_view text);

// Unicode helpers shared with the parser.
uint32_t decode_utf8(const char*& p, const char* end);
void append_utf8(std::string& out, uint32_t cp);
size_t count_code_points(std::string_view s);
// str.isprintable() of one code point, and repr() of UTF-8 text (as CPython quotes/escapes).
bool is_printable(uint32_t cp);
std::string repr_text(const std::string& s);
// Code point of a Unicode character name (as \N{...}); kNoSuchName when unknown.
constexpr uint32_t kNoSuchName = 0xFFFFFFFFu;
uint32_t lookup_unicode_name(std::string_view name);

}  // namespace asy::lex
