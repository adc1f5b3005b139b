// Future statements (`from __future__ import x` at the top of a module): which features they
// turn on, and the SyntaxErrors for unknown features, as CPython 3.11's future.c.
#include "compiler/compiler_impl.hpp"

namespace asy::compile {

using namespace ast;

namespace {

struct Feature {
    const char* name;
    uint32_t flag;
};

// Every feature of Python 3.11's __future__ module; all but `annotations` are mandatory in
// Python 3 (`barry_as_FLUFL` would enable `<>`, which asy's parser does not know: accepted only).
constexpr Feature kFeatures[] = {
    {"nested_scopes", 0},          {"generators", 0},           {"division", 0x20000},
    {"absolute_import", 0x40000},  {"with_statement", 0x80000}, {"print_function", 0x100000},
    {"unicode_literals", 0x200000}, {"barry_as_FLUFL", 0x400000}, {"generator_stop", 0x800000},
    {"annotations", kCoFutureAnnotations},
};

void future_error(std::vector<lex::Diagnostic>& errors, const std::string& filename, const Stmt* s,
                  const std::string& msg, int col_shift = 0) {
    lex::Diagnostic d;
    d.file = filename;
    d.line = s->loc.line;
    d.col = s->loc.col + col_shift;
    d.end_col = -1;  // future.c reports a single caret at the statement
    d.message = msg;
    errors.push_back(d);
}

bool is_docstring(const Stmt* s) {
    auto* e = s->as<ExprStmt>();
    if (!e) return false;
    auto* c = e->value->as<Constant>();
    return c && c->ckind == ConstKind::Str;
}

}  // namespace

FutureFeatures parse_future(const Module& module, const std::string& filename,
                            std::vector<lex::Diagnostic>& errors) {
    FutureFeatures ff;
    if (module.mode == ParseMode::Eval || module.body.empty()) return ff;
    size_t i = is_docstring(module.body[0]) ? 1 : 0;
    bool done = false;
    int prev_line = 0;
    for (; i < module.body.size(); ++i) {
        const Stmt* s = module.body[i];
        // Statements after the first non-future one are the compiler's business (it reports a
        // late future import with the whole statement underlined), except on the same line.
        if (done && s->loc.line > prev_line) return ff;
        prev_line = s->loc.line;
        auto* imp = s->as<ImportFromStmt>();
        if (!imp || imp->module != "__future__") {
            done = true;
            continue;
        }
        if (done) {
            // future.c passes this one's column unadjusted: the caret lands one to the left.
            future_error(errors, filename, s, "from __future__ imports must occur at the beginning of the file",
                         -1);
            return ff;
        }
        for (const Alias& a : imp->names) {
            const Feature* found = nullptr;
            for (const Feature& f : kFeatures)
                if (a.name == f.name) found = &f;
            if (found) {
                ff.flags |= found->flag;
            } else if (a.name == "braces") {
                future_error(errors, filename, s, "not a chance");
                return ff;
            } else {
                future_error(errors, filename, s, "future feature " + a.name + " is not defined");
                return ff;
            }
        }
        ff.lineno = s->loc.line;
    }
    return ff;
}

}  // namespace asy::compile
