// String literals: adjacent-literal concatenation, bytes/str decoding, and f-strings
// (JoinedStr/FormattedValue with conversions, nested format specs and `{x=}`), whose
// replacement fields are tokenized in place so node positions point into the file.
#include "parser/parser_impl.hpp"

namespace asy::parse {

using namespace asy::ast;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

Expr* Parser::strings() {
    const Token& s = cur();
    std::vector<const Token*> toks;
    bool any_bytes = false, any_str = false, any_f = false;
    while (at(Tok::String)) {
        const Token& t = advance();
        toks.push_back(&t);
        if (t.str_flags & lex::kStrBytes) any_bytes = true;
        else any_str = true;
        if (t.str_flags & lex::kStrFormat) any_f = true;
    }
    if (any_bytes && any_str) error_point(prev_.end_line, prev_.end_col, "cannot mix bytes and nonbytes literals");
    auto decode = [&](const Token& t, std::string& out) {
        std::string err = lex::decode_string_token(t, out);
        if (err.empty()) return;
        if (err.rfind("bytes can only", 0) == 0) {
            // CPython's end offset here counts bytes, not characters
            error_loc({t.line, t.col, t.line, t.col + static_cast<int>(t.text.size())}, err);
        }
        error_point(t.end_line, t.end_col, err);
    };
    if (!any_f) {
        auto* c = make<Constant>();
        c->ckind = any_bytes ? ConstKind::Bytes : ConstKind::Str;
        c->u_prefix = (toks[0]->str_flags & lex::kStrUnicode) != 0;
        for (const Token* t : toks) decode(*t, c->text);
        return fin(c, s);
    }
    auto* j = make<JoinedStr>();
    std::string pending;
    for (const Token* t : toks) {
        if (!(t->str_flags & lex::kStrFormat)) {
            decode(*t, pending);
            continue;
        }
        std::string_view body = t->string_body();
        size_t body_off = t->offset + t->prefix_len + ((t->str_flags & lex::kStrTriple) ? 3 : 1);
        // The body starts on the token's line; find that line's start offset.
        size_t line_start = t->offset;
        const std::string& text = src_.text();
        while (line_start > 0 && text[line_start - 1] != '\n' && text[line_start - 1] != '\r') line_start--;
        fstring_body(*t, body, body_off, t->line, line_start, j->values, pending, 0, false, nullptr);
    }
    if (!pending.empty()) {
        auto* c = make<Constant>();
        c->ckind = ConstKind::Str;
        c->text = std::move(pending);
        c->loc = loc_from(s);
        j->values.push_back(c);
    }
    fin(j, s);
    for (Expr* v : j->values)
        if (v->is<Constant>()) v->loc = j->loc;
    return j;
}

// Scans an f-string body (or a format spec when in_spec: stops before the closing '}' and
// reports the index in *consumed). Literal text accumulates in `pending`; fields append
// FormattedValue nodes to `parts` after flushing `pending` as a Constant.
void Parser::fstring_body(const Token& tok, std::string_view body, size_t body_off, int line, size_t line_start,
                          std::vector<Expr*>& parts, std::string& pending, int depth, bool in_spec,
                          size_t* consumed) {
    bool raw = (tok.str_flags & lex::kStrRaw) != 0;
    auto ferr = [&](const std::string& msg) { error_point(tok.end_line, tok.end_col, msg); };
    // line tracking up to an index of body
    size_t tracked = 0;
    auto track = [&](size_t upto) {
        for (; tracked < upto; ++tracked) {
            char c = body[tracked];
            if (c == '\n' || (c == '\r' && !(tracked + 1 < body.size() && body[tracked + 1] == '\n'))) {
                line++;
                line_start = body_off + tracked + 1;
            }
        }
    };
    auto flush_literal = [&](size_t from, size_t to) {
        if (to <= from) return;
        std::string_view seg = body.substr(from, to - from);
        if (raw) {
            for (size_t i = 0; i < seg.size(); ++i) {
                if (seg[i] == '\r') {
                    pending += '\n';
                    if (i + 1 < seg.size() && seg[i + 1] == '\n') i++;
                } else {
                    pending += seg[i];
                }
            }
            return;
        }
        std::string err = lex::decode_escapes(seg, false, pending);
        if (!err.empty()) ferr(err);
    };
    auto flush_pending = [&]() {
        if (pending.empty()) return;
        auto* c = make<Constant>();
        c->ckind = ConstKind::Str;
        c->text = std::move(pending);
        pending.clear();
        parts.push_back(c);
    };

    size_t i = 0, lit = 0, n = body.size();
    while (i < n) {
        char c = body[i];
        if (c == '\\' && !raw && i + 2 < n && body[i + 1] == 'N' && body[i + 2] == '{') {
            size_t close = body.find('}', i);
            i = close == std::string_view::npos ? n : close + 1;
            continue;
        }
        if (c == '\\' && i + 1 < n) {
            i += 2;
            continue;
        }
        if (c == '}') {
            if (in_spec) break;
            if (i + 1 < n && body[i + 1] == '}') {
                flush_literal(lit, i + 1);
                i += 2;
                lit = i;
                continue;
            }
            ferr("f-string: single '}' is not allowed");
        }
        if (c != '{') {
            i++;
            continue;
        }
        if (i + 1 < n && body[i + 1] == '{' && !in_spec) {
            flush_literal(lit, i + 1);
            i += 2;
            lit = i;
            continue;
        }
        // replacement field
        flush_literal(lit, i);
        if (depth >= 2) ferr("f-string: expressions nested too deeply");
        size_t j = i + 1, k = j;
        int nest = 0;
        char quote = 0;
        bool triple = false;
        for (; k < n; ++k) {
            char ch = body[k];
            if (quote) {
                if (ch == quote) {
                    if (!triple) quote = 0;
                    else if (k + 2 < n && body[k + 1] == quote && body[k + 2] == quote) {
                        quote = 0;
                        k += 2;
                    }
                }
                continue;
            }
            if (ch == '\\') ferr("f-string expression part cannot include a backslash");
            if (ch == '\'' || ch == '"') {
                quote = ch;
                triple = k + 2 < n && body[k + 1] == ch && body[k + 2] == ch;
                if (triple) k += 2;
                continue;
            }
            if (ch == '(' || ch == '[' || ch == '{') {
                nest++;
                continue;
            }
            if (ch == ')' || ch == ']' || ch == '}') {
                if (nest == 0) {
                    if (ch == '}') break;
                    ferr(std::string("f-string: unmatched '") + ch + "'");
                }
                nest--;
                continue;
            }
            if (nest > 0) continue;
            char nx = k + 1 < n ? body[k + 1] : 0;
            if (ch == '#') ferr("f-string expression part cannot include '#'");
            if ((ch == '!' || ch == '=' || ch == '<' || ch == '>') && nx == '=') {
                k++;
                continue;
            }
            if (ch == '!' || ch == ':' || ch == '=') break;
        }
        if (quote) ferr("f-string: unterminated string");
        if (k >= n) ferr("f-string: expecting '}'");
        bool empty = true;
        for (size_t q = j; q < k; ++q)
            if (!is_space(body[q])) empty = false;
        if (empty) ferr("f-string: empty expression not allowed");
        track(j);
        Expr* value = fstring_expr(body_off + j, body_off + k, line, line_start);
        int conversion = -1;
        Expr* spec = nullptr;
        bool self_doc = false;
        if (body[k] == '=') {
            self_doc = true;
            k++;
            while (k < n && is_space(body[k])) k++;
            pending.append(body.substr(j, k - j));
        }
        if (k < n && body[k] == '!') {
            k++;
            if (k >= n) ferr("f-string: expecting '}'");
            char cv = body[k];
            if (cv != 's' && cv != 'r' && cv != 'a')
                ferr("f-string: invalid conversion character: expected 's', 'r', or 'a'");
            conversion = cv;
            k++;
            if (k >= n || (body[k] != ':' && body[k] != '}')) ferr("f-string: expecting '}'");
        }
        if (k < n && body[k] == ':') {
            k++;
            auto* js = make<JoinedStr>();
            std::string spec_pending;
            size_t used = 0;
            track(k);
            fstring_body(tok, body.substr(k), body_off + k, line, line_start, js->values, spec_pending, depth + 1,
                         true, &used);
            if (!spec_pending.empty()) {
                auto* c = make<Constant>();
                c->ckind = ConstKind::Str;
                c->text = std::move(spec_pending);
                js->values.push_back(c);
            }
            js->loc = value->loc;
            spec = js;
            k += used;
        }
        if (k >= n || body[k] != '}') ferr("f-string: expecting '}'");
        if (self_doc && conversion == -1 && !spec) conversion = 'r';
        flush_pending();
        auto* fv = make<FormattedValue>();
        fv->value = value;
        fv->conversion = conversion;
        fv->format_spec = spec;
        fv->loc = {tok.line, tok.col, tok.end_line, tok.end_col};
        parts.push_back(fv);
        i = k + 1;
        lit = i;
    }
    if (in_spec) {
        if (i >= n) ferr("f-string: expecting '}'");
        flush_literal(lit, i);
        if (consumed) *consumed = i;
        // a spec's trailing literal is flushed by the caller from `pending`
        return;
    }
    flush_literal(lit, n);
}

Expr* Parser::fstring_expr(size_t begin, size_t end, int line, size_t line_start) {
    lex::LexOutput sub = lex::tokenize_fragment(src_, begin, end, line, line_start);
    if (sub.error) {
        lex::Diagnostic d = *sub.error;
        record(d);
        throw ParseAbort{};
    }
    struct Restore {
        Parser& p;
        const std::vector<Token>* toks;
        size_t pos;
        Token prev;
        ~Restore() {
            p.toks_ = toks;
            p.pos_ = pos;
            p.prev_ = prev;
            p.fstring_depth_--;
            p.bracket_depth_--;
        }
    } restore{*this, toks_, pos_, prev_};
    fstring_depth_++;
    bracket_depth_++;  // CPython parses a field as if parenthesized
    toks_ = &sub.tokens;
    pos_ = 0;
    Expr* e = at(Tok::Yield) ? yield_expr() : star_expressions();
    if (!at(Tok::EndMarker)) invalid_syntax();
    return e;
}

}  // namespace asy::parse
