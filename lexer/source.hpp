// Source text and diagnostics shared by the front end (lexer, parser, compiler): a file's
// name, text and line starts, and `Diagnostic{file, line, col, message}` with CPython-style
// formatting (`File "x.asy", line 3`, the source line, a caret, `SyntaxError: message`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asy::lex {

class SourceFile {
public:
    SourceFile(std::string name, std::string text);
    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }
    // 1-based line number -> that line's text without its newline ("" if out of range).
    std::string_view line(int lineno) const;
    int line_count() const { return static_cast<int>(line_starts_.size()); }

private:
    std::string name_, text_;
    std::vector<size_t> line_starts_;
};

enum class DiagKind : uint8_t {
    SyntaxError,
    IndentationError,
    TabError,
    // The input ended inside an open bracket, string or block: the REPL asks for more lines.
    Incomplete,
};

struct Diagnostic {
    DiagKind kind = DiagKind::SyntaxError;
    std::string file;
    int line = 0;        // 1-based
    int col = 0;         // 0-based, in code points
    int end_col = -1;    // exclusive; -1: a single caret
    int end_line = 0;    // > line: the range runs past this line, so carets reach its end
    std::string message;
};

// "  File "x.asy", line 3\n    source line\n        ^\nSyntaxError: message\n" as CPython 3.11.
std::string format_diagnostic(const Diagnostic& d, const SourceFile* src);
const char* diag_kind_name(DiagKind k);

}  // namespace asy::lex
