// Lexer unit tests: token kinds and positions, indentation (INDENT/DEDENT, tabs, errors),
// line joining, string and number literals, Unicode columns, diagnostics formatting.
#include <algorithm>

#include <catch2/catch.hpp>

#include "lexer/lexer.hpp"

using namespace asy::lex;

namespace {

std::vector<Tok> kinds(const std::string& text) {
    SourceFile src("t.asy", text);
    auto out = tokenize(src);
    std::vector<Tok> k;
    for (const auto& t : out.tokens) k.push_back(t.kind);
    return k;
}

LexOutput lex_text(const std::string& text, std::unique_ptr<SourceFile>& keep) {
    keep = std::make_unique<SourceFile>("t.asy", text);
    return tokenize(*keep);
}

std::string error_of(const std::string& text) {
    SourceFile src("t.asy", text);
    auto out = tokenize(src);
    if (!out.error) return "OK";
    return out.error->message;
}

std::string str_value(const std::string& literal) {
    SourceFile src("t.asy", literal);
    auto out = tokenize(src);
    REQUIRE(out.tokens[0].kind == Tok::String);
    std::string v;
    std::string err = decode_string_token(out.tokens[0], v);
    return err.empty() ? v : "ERR:" + err;
}

}  // namespace

TEST_CASE("lexer: simple tokens", "[lexer]") {
    using T = Tok;
    CHECK(kinds("x = 1\n") == std::vector<Tok>{T::Name, T::Equal, T::Number, T::Newline, T::EndMarker});
    CHECK(kinds("a **= b // c -> d := e ... f != g") ==
          std::vector<Tok>{T::Name, T::DoubleStarEqual, T::Name, T::DoubleSlash, T::Name, T::RArrow, T::Name,
                           T::ColonEqual, T::Name, T::Ellipsis, T::Name, T::NotEqual, T::Name, T::Newline,
                           T::EndMarker});
    CHECK(kinds("<<= >>= <= >= == @= @ ~ ^ | &")[0] == T::LeftShiftEqual);
    CHECK(kinds("if not x and y or z is None: pass")[0] == T::If);
    CHECK(kinds("match case _")[0] == T::Name);  // soft keywords are names
    CHECK(kinds("")[0] == T::EndMarker);
    CHECK(kinds("# only a comment\n") == std::vector<Tok>{T::EndMarker});
}

TEST_CASE("lexer: indentation", "[lexer]") {
    using T = Tok;
    CHECK(kinds("if x:\n    y\nz\n") ==
          std::vector<Tok>{T::If, T::Name, T::Colon, T::Newline, T::Indent, T::Name, T::Newline, T::Dedent, T::Name,
                           T::Newline, T::EndMarker});
    // blank lines and comment lines do not affect indentation
    CHECK(kinds("if x:\n\n    # c\n    y\n") ==
          std::vector<Tok>{T::If, T::Name, T::Colon, T::Newline, T::Indent, T::Name, T::Newline, T::Dedent,
                           T::EndMarker});
    // nested blocks close with several DEDENTs
    auto k = kinds("if a:\n  if b:\n    c\nd\n");
    CHECK(std::count(k.begin(), k.end(), T::Dedent) == 2);
    // a tab counts to the next multiple of 8, consistently with 8 spaces
    CHECK(error_of("if x:\n\ty\n\tz\n") == "OK");
    CHECK(error_of("if x:\n\ty\n        z\n") == "inconsistent use of tabs and spaces in indentation");
    CHECK(error_of("if x:\n    y\n  z\n") == "unindent does not match any outer indentation level");
    SourceFile src("t.asy", "if x:\n    y\n  z\n");
    auto out = tokenize(src);
    CHECK(out.error->kind == DiagKind::IndentationError);
}

TEST_CASE("lexer: line joining", "[lexer]") {
    using T = Tok;
    CHECK(kinds("x = (1,\n   2)\n") ==
          std::vector<Tok>{T::Name, T::Equal, T::LPar, T::Number, T::Comma, T::Number, T::RPar, T::Newline,
                           T::EndMarker});
    CHECK(kinds("x = 1 + \\\n  2\n") ==
          std::vector<Tok>{T::Name, T::Equal, T::Number, T::Plus, T::Number, T::Newline, T::EndMarker});
    CHECK(error_of("x = 1 \\ 2\n") == "unexpected character after line continuation character");
}

TEST_CASE("lexer: positions in code points", "[lexer]") {
    std::unique_ptr<SourceFile> keep;
    auto out = lex_text("é = 'ü€' + naïve\n", keep);
    REQUIRE(out.tokens.size() >= 5);
    CHECK(out.tokens[0].kind == Tok::Name);
    CHECK(out.tokens[0].text == "é");
    CHECK(out.tokens[0].col == 0);
    CHECK(out.tokens[0].end_col == 1);
    CHECK(out.tokens[1].col == 2);
    CHECK(out.tokens[2].col == 4);
    CHECK(out.tokens[2].end_col == 8);
    CHECK(out.tokens[4].text == "naïve");
    CHECK(out.tokens[4].col == 11);
    auto out2 = lex_text("x = '''a\nbc''' + y\n", keep);
    CHECK(out2.tokens[2].line == 1);
    CHECK(out2.tokens[2].end_line == 2);
    CHECK(out2.tokens[2].end_col == 5);
    CHECK(out2.tokens[4].line == 2);
    CHECK(out2.tokens[4].col == 8);
}

TEST_CASE("lexer: string literals", "[lexer]") {
    CHECK(str_value("'abc'") == "abc");
    CHECK(str_value("\"a'b\"") == "a'b");
    CHECK(str_value("'\\n\\t\\\\\\'\\\"\\a\\b\\f\\v\\r'") == "\n\t\\'\"\a\b\f\v\r");
    CHECK(str_value("'\\101\\x41\\u00e9\\U0001F600'") == "AA\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(str_value("'\\N{BULLET}\\N{euro sign}'") == "\xE2\x80\xA2\xE2\x82\xAC");
    CHECK(str_value("'\\d\\q'") == "\\d\\q");  // invalid escapes stay verbatim
    CHECK(str_value("r'\\n\\d'") == "\\n\\d");
    CHECK(str_value("b'\\x00\\xff\\u1234'") == std::string("\0\xff\\u1234", 8));
    CHECK(str_value("'''a\nb'''") == "a\nb");
    CHECK(str_value("'a\\\nb'") == "ab");
    CHECK(str_value("RB'x'") == "x");
    CHECK(str_value("b'\xC3\xA9'") == "ERR:bytes can only contain ASCII literal characters");
    CHECK(str_value("'\\x4'").find("truncated \\xXX escape") != std::string::npos);
    CHECK(str_value("'\\N{NO SUCH NAME}'").find("unknown Unicode character name") != std::string::npos);
    std::unique_ptr<SourceFile> keep;
    auto out = lex_text("f'{x}' rb'y' Fr'z'", keep);
    CHECK((out.tokens[0].str_flags & kStrFormat) != 0);
    CHECK((out.tokens[1].str_flags & (kStrRaw | kStrBytes)) == (kStrRaw | kStrBytes));
    CHECK(out.tokens[2].prefix_len == 2);
    CHECK(out.tokens[2].string_body() == "z");
}

TEST_CASE("lexer: string errors", "[lexer]") {
    CHECK(error_of("x = 'abc\n") == "unterminated string literal (detected at line 1)");
    CHECK(error_of("x = '''abc\n\n") == "unterminated triple-quoted string literal (detected at line 2)");
    SourceFile src("t.asy", "x = '''abc\n");
    CHECK(tokenize(src).incomplete);
}

TEST_CASE("lexer: numbers", "[lexer]") {
    auto num = [](const std::string& s) { return parse_number(s); };
    CHECK(num("123").int_value == 123);
    CHECK(num("1_000").int_value == 1000);
    CHECK(num("0x1F").int_value == 31);
    CHECK(num("0o17").int_value == 15);
    CHECK(num("0b101").int_value == 5);
    CHECK(num("9223372036854775807").kind == NumKind::Int);
    CHECK(num("9223372036854775808").kind == NumKind::BigInt);
    CHECK(num("9223372036854775808").digits == "9223372036854775808");
    CHECK(num("0x10000000000000000").digits == "18446744073709551616");
    CHECK(num("0b1" + std::string(70, '0')).digits == "1180591620717411303424");
    CHECK(num("000123456789012345678901234567890").digits == "123456789012345678901234567890");
    CHECK(num("1.5").kind == NumKind::Float);
    CHECK(num(".5").float_value == 0.5);
    CHECK(num("1.").float_value == 1.0);
    CHECK(num("1e-3").float_value == 0.001);
    CHECK(num("1_0.2_5").float_value == 10.25);
    CHECK(num("2j").kind == NumKind::Complex);
    CHECK(num("2.5J").float_value == 2.5);
    CHECK(error_of("1abc") == "invalid decimal literal");
    CHECK(error_of("1_") == "invalid decimal literal");
    CHECK(error_of("0x") == "invalid hexadecimal literal");
    CHECK(error_of("0b2") == "invalid digit '2' in binary literal");
    CHECK(error_of("0o8") == "invalid digit '8' in octal literal");
    CHECK(error_of("0777").rfind("leading zeros in decimal integer literals", 0) == 0);
    CHECK(error_of("00 0.0 0e1 0j") == "OK");
    CHECK(error_of("1if x else 2") == "OK");
}

TEST_CASE("lexer: bracket and character errors", "[lexer]") {
    CHECK(error_of("x = )") == "unmatched ')'");
    CHECK(error_of("x = (]") == "closing parenthesis ']' does not match opening parenthesis '('");
    CHECK(error_of("x = (\n]") == "closing parenthesis ']' does not match opening parenthesis '(' on line 1");
    CHECK(error_of("x = (1,\n") == "'(' was never closed");
    CHECK(error_of("x = 1 \xE2\x82\xAC") == "invalid character '\xE2\x82\xAC' (U+20AC)");
    CHECK(error_of("x = 1\xC2\xA0") == "invalid non-printable character U+00A0");
    CHECK(error_of("x = 1 $") == "invalid syntax");
    SourceFile src("t.asy", "x = [1,\n");
    auto out = tokenize(src);
    CHECK(out.incomplete);
    CHECK(out.error_is_unclosed_bracket);
    CHECK(out.error->line == 1);
    CHECK(out.error->col == 4);
}

TEST_CASE("lexer: fragments for f-string fields", "[lexer]") {
    SourceFile src("t.asy", "f'{a +\n b}'");
    auto out = tokenize_fragment(src, 3, 9, 1, 0);
    REQUIRE_FALSE(out.error);
    REQUIRE(out.tokens.size() == 4);
    CHECK(out.tokens[0].col == 3);
    CHECK(out.tokens[2].line == 2);
    CHECK(out.tokens[2].col == 1);
    CHECK(out.tokens[3].kind == Tok::EndMarker);
}

TEST_CASE("lexer: format_diagnostic matches CPython", "[lexer]") {
    SourceFile src("t.asy", "    x = (1,\n");
    Diagnostic d;
    d.file = "t.asy";
    d.line = 1;
    d.col = 8;
    d.message = "'(' was never closed";
    CHECK(format_diagnostic(d, &src) ==
          "  File \"t.asy\", line 1\n    x = (1,\n        ^\nSyntaxError: '(' was never closed\n");
    d.col = 4;
    d.end_col = 5;
    d.kind = DiagKind::IndentationError;
    d.message = "m";
    CHECK(format_diagnostic(d, &src) == "  File \"t.asy\", line 1\n    x = (1,\n    ^\nIndentationError: m\n");
    d.col = 4;
    d.end_col = 11;
    d.kind = DiagKind::SyntaxError;
    CHECK(format_diagnostic(d, &src) == "  File \"t.asy\", line 1\n    x = (1,\n    ^^^^^^^\nSyntaxError: m\n");
    d.col = -1;  // no caret
    CHECK(format_diagnostic(d, &src) == "  File \"t.asy\", line 1\n    x = (1,\nSyntaxError: m\n");
    d.line = 5;  // beyond the file: no source line
    CHECK(format_diagnostic(d, &src) == "  File \"t.asy\", line 5\nSyntaxError: m\n");
}

TEST_CASE("lexer: source lines", "[lexer]") {
    SourceFile src("t.asy", "a\r\nb\rc\nd");
    CHECK(src.line_count() == 4);
    CHECK(src.line(1) == "a");
    CHECK(src.line(2) == "b");
    CHECK(src.line(3) == "c");
    CHECK(src.line(4) == "d");
    CHECK(src.line(5).empty());
}
