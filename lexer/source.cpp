// SourceFile line indexing and CPython-3.11-style rendering of syntax diagnostics.
#include "lexer/source.hpp"

#include "lexer/lexer.hpp"

namespace asy::lex {

SourceFile::SourceFile(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') {
            line_starts_.push_back(i + 1);
        } else if (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n')) {
            line_starts_.push_back(i + 1);  // a lone CR ends a line too
        }
    }
    // A final newline does not start another line.
    if (line_starts_.size() > 1 && line_starts_.back() == text_.size()) line_starts_.pop_back();
}

std::string_view SourceFile::line(int lineno) const {
    if (lineno < 1 || lineno > line_count()) return {};
    size_t b = line_starts_[lineno - 1];
    size_t e = lineno < line_count() ? line_starts_[lineno] : text_.size();
    std::string_view s(text_.data() + b, e - b);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

const char* diag_kind_name(DiagKind k) {
    switch (k) {
    case DiagKind::SyntaxError: return "SyntaxError";
    case DiagKind::IndentationError: return "IndentationError";
    case DiagKind::TabError: return "TabError";
    case DiagKind::Incomplete: return "SyntaxError";
    }
    return "SyntaxError";
}

// Mirrors print_error_text() of CPython 3.11's pythonrun.c, counting in code points.
std::string format_diagnostic(const Diagnostic& d, const SourceFile* src) {
    std::string out = "  File \"" + d.file + "\", line " + std::to_string(d.line) + "\n";
    std::string_view text = src ? src->line(d.line) : std::string_view{};
    bool have_line = src && d.line >= 1 && d.line <= src->line_count();
    if (have_line) {
        long offset = d.col + 1;
        long end_offset = d.end_col >= 0 ? d.end_col + 1 : 0;
        long carets = (end_offset > 0 && end_offset > offset) ? end_offset - offset : 1;
        offset--;
        while (!text.empty() && (text[0] == ' ' || text[0] == '\t' || text[0] == '\f')) {
            text.remove_prefix(1);
            offset--;
        }
        long len = static_cast<long>(count_code_points(text));
        if (offset > len) offset = len;
        if (d.end_line > d.line) {
            // CPython marks a multi-line range up to the end of its first line.
            std::string_view vis = text;
            while (!vis.empty() && (vis.back() == ' ' || vis.back() == '\n' || vis.back() == '\r' || vis.back() == '\t'))
                vis.remove_suffix(1);
            long vis_len = static_cast<long>(count_code_points(vis));
            if (vis_len > offset) carets = vis_len - offset;
        }
        out += "    ";
        out += text;
        out += "\n";
        if (offset >= 0) {
            out += "    ";
            out.append(static_cast<size_t>(offset), ' ');
            out.append(static_cast<size_t>(carets), '^');
            out += "\n";
        }
    }
    out += diag_kind_name(d.kind);
    out += ": ";
    out += d.message;
    out += "\n";
    return out;
}

}  // namespace asy::lex
