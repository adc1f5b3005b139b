// Parser unit tests: AST dumps compared with CPython 3.11's ast.dump for a broad corpus,
// syntax error messages/positions compared with CPython's rendering, node locations,
// error recovery, parse modes and the REPL's incomplete-input rule.
#include <catch2/catch.hpp>

#include "parser/parser.hpp"

using namespace asy;

namespace {

#include "tests/unit/parser_cases.inc"

parse::ParseResult parse_text(const std::string& text, ast::ParseMode mode = ast::ParseMode::Exec) {
    lex::SourceFile src("t.asy", text);
    return parse::parse(src, mode);
}

std::string dump_of(const std::string& text, ast::ParseMode mode = ast::ParseMode::Exec) {
    auto r = parse_text(text, mode);
    if (!r.ok()) return "ERROR: " + r.errors[0].message;
    return parse::dump(r.module);
}

std::string first_error(const std::string& text, ast::ParseMode mode = ast::ParseMode::Exec) {
    lex::SourceFile src("t.asy", text);
    auto r = parse::parse(src, mode);
    if (r.ok()) return "OK";
    return lex::format_diagnostic(r.errors[0], &src);
}

}  // namespace

TEST_CASE("parser: dump matches CPython ast.dump for the corpus", "[parser]") {
    for (const auto& c : kDumpCases) {
        INFO("source:\n" << c.src);
        CHECK(dump_of(c.src) == c.expected);
    }
}

TEST_CASE("parser: syntax errors match CPython's message and caret", "[parser]") {
    for (const auto& c : kErrorCases) {
        INFO("source:\n" << c.src);
        CHECK(first_error(c.src) == c.expected);
    }
}

TEST_CASE("parser: modes", "[parser]") {
    CHECK(dump_of("x", ast::ParseMode::Eval) == "Expression(body=Name(id='x', ctx=Load()))");
    CHECK(dump_of("1, 2", ast::ParseMode::Eval) ==
          "Expression(body=Tuple(elts=[Constant(value=1), Constant(value=2)], ctx=Load()))");
    CHECK(dump_of("  a + 1\n", ast::ParseMode::Eval) ==
          "Expression(body=BinOp(left=Name(id='a', ctx=Load()), op=Add(), right=Constant(value=1)))");
    CHECK(dump_of("x = 1", ast::ParseMode::Single) ==
          "Interactive(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))])");
    CHECK(dump_of("x = 1", ast::ParseMode::Eval).rfind("ERROR", 0) == 0);
    CHECK(dump_of("await f()", ast::ParseMode::Single) ==
          "Interactive(body=[Expr(value=Await(value=Call(func=Name(id='f', ctx=Load()), args=[], keywords=[])))])");
}

TEST_CASE("parser: node locations", "[parser]") {
    auto r = parse_text("x = foo(a, b)\nif y:\n    z = 'é' + w\n");
    REQUIRE(r.ok());
    auto& body = r.module.body;
    REQUIRE(body.size() == 2);
    auto* as = body[0]->as<ast::AssignStmt>();
    REQUIRE(as);
    CHECK(as->loc.line == 1);
    CHECK(as->loc.col == 0);
    CHECK(as->loc.end_col == 13);
    auto* call = as->value->as<ast::Call>();
    REQUIRE(call);
    CHECK(call->loc.col == 4);
    CHECK(call->loc.end_col == 13);
    CHECK(call->args[1]->loc.col == 11);
    auto* ifs = body[1]->as<ast::IfStmt>();
    REQUIRE(ifs);
    CHECK(ifs->loc.line == 2);
    CHECK(ifs->loc.end_line == 3);
    auto* inner = ifs->body[0]->as<ast::AssignStmt>();
    REQUIRE(inner);
    auto* bin = inner->value->as<ast::BinOp>();
    REQUIRE(bin);
    // columns count code points: 'é' is one column
    CHECK(bin->loc.col == 8);
    CHECK(bin->right->loc.col == 14);
    CHECK(bin->loc.end_col == 15);
}

TEST_CASE("parser: f-string field positions point into the file", "[parser]") {
    auto r = parse_text("s = f'ab{x + 1}'\n");
    REQUIRE(r.ok());
    auto* js = r.module.body[0]->as<ast::AssignStmt>()->value->as<ast::JoinedStr>();
    REQUIRE(js);
    REQUIRE(js->values.size() == 2);
    auto* fv = js->values[1]->as<ast::FormattedValue>();
    REQUIRE(fv);
    CHECK(fv->value->loc.line == 1);
    CHECK(fv->value->loc.col == 9);
    CHECK(fv->value->loc.end_col == 14);
    auto r2 = parse_text("s = f'''\n{\n  y}'''\n");
    REQUIRE(r2.ok());
    auto* js2 = r2.module.body[0]->as<ast::AssignStmt>()->value->as<ast::JoinedStr>();
    auto* fv2 = js2->values[1]->as<ast::FormattedValue>();
    CHECK(fv2->value->loc.line == 3);
    CHECK(fv2->value->loc.col == 2);
}

TEST_CASE("parser: constants", "[parser]") {
    auto r = parse_text("a = 123456789012345678901234567890\nb = 0xFFFFFFFFFFFFFFFFFF\nc = 9223372036854775807\n"
                        "d = 1.5\ne = 2j\nf = b'\\x00a'\ng = '\\N{EM DASH}'\n");
    REQUIRE(r.ok());
    auto val = [&](int i) { return r.module.body[i]->as<ast::AssignStmt>()->value->as<ast::Constant>(); };
    CHECK(val(0)->ckind == ast::ConstKind::BigInt);
    CHECK(val(0)->text == "123456789012345678901234567890");
    CHECK(val(1)->ckind == ast::ConstKind::BigInt);
    CHECK(val(1)->text == "4722366482869645213695");
    CHECK(val(2)->ckind == ast::ConstKind::Int);
    CHECK(val(2)->int_value == INT64_MAX);
    CHECK(val(3)->float_value == 1.5);
    CHECK(val(4)->ckind == ast::ConstKind::Complex);
    CHECK(val(4)->float_value == 2.0);
    CHECK(val(5)->ckind == ast::ConstKind::Bytes);
    CHECK(val(5)->text == std::string("\0a", 2));
    CHECK(val(6)->text == "\xE2\x80\x94");
}

TEST_CASE("parser: error recovery reports several errors", "[parser]") {
    auto r = parse_text("x = = 1\ny = 2\nz = (1 2)\nif a\n    pass\nw = 3\nf() = 1\n");
    REQUIRE(r.errors.size() == 4);
    CHECK(r.errors[0].line == 1);
    CHECK(r.errors[1].line == 3);
    CHECK(r.errors[1].message == "invalid syntax. Perhaps you forgot a comma?");
    CHECK(r.errors[2].line == 4);
    CHECK(r.errors[2].message == "expected ':'");
    CHECK(r.errors[3].line == 7);
    // statements that parsed are kept
    CHECK(r.module.body.size() >= 2);
}

TEST_CASE("parser: error count is bounded", "[parser]") {
    std::string text;
    for (int i = 0; i < 50; ++i) text += "x = = " + std::to_string(i) + "\n";
    auto r = parse_text(text);
    CHECK(r.errors.size() <= 11);
    CHECK(r.errors.size() >= 10);
}

TEST_CASE("parser: incomplete input for the REPL", "[parser]") {
    using ast::ParseMode;
    auto inc = [](const std::string& s, ParseMode m = ParseMode::Single) { return parse_text(s, m).incomplete(); };
    CHECK(inc("if x:\n"));
    CHECK(inc("if x:"));
    CHECK(inc("if x:\n    pass\n"));
    CHECK_FALSE(inc("if x:\n    pass\n\n"));
    CHECK(inc("def f():\n    return 1\n"));
    CHECK(inc("x = (1,\n"));
    CHECK(inc("x = [\n"));
    CHECK(inc("s = '''abc\n"));
    CHECK(inc("x = 1 + \\\n"));
    CHECK(inc("@dec\n"));
    CHECK(inc("class A:\n    def f(self):\n        pass\n"));
    CHECK(inc("for i in x:\n    if i:\n        pass\n    \n") == false);
    CHECK_FALSE(inc("x = 1\n"));
    CHECK_FALSE(inc("x = 1 +\n"));
    CHECK_FALSE(inc("x = )\n"));
    CHECK_FALSE(inc("if x:\n  pass\n  \n"));
    CHECK_FALSE(inc("s = 'abc\n"));
    // Exec mode: only the lexical conditions
    CHECK(inc("x = (1,\n", ParseMode::Exec));
    CHECK_FALSE(inc("if x:\n    pass\n", ParseMode::Exec));
    auto r = parse_text("if x:\n    pass\n", ParseMode::Single);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].kind == lex::DiagKind::Incomplete);
}

TEST_CASE("parser: contexts on targets", "[parser]") {
    CHECK(dump_of("del a.b, c[0]") ==
          "Module(body=[Delete(targets=[Attribute(value=Name(id='a', ctx=Load()), attr='b', ctx=Del()), "
          "Subscript(value=Name(id='c', ctx=Load()), slice=Constant(value=0), ctx=Del())])], type_ignores=[])");
    CHECK(dump_of("[x for (a, *b) in c]") ==
          "Module(body=[Expr(value=ListComp(elt=Name(id='x', ctx=Load()), generators=[comprehension("
          "target=Tuple(elts=[Name(id='a', ctx=Store()), Starred(value=Name(id='b', ctx=Store()), ctx=Store())], "
          "ctx=Store()), iter=Name(id='c', ctx=Load()), ifs=[], is_async=0)]))], type_ignores=[])");
}

TEST_CASE("parser: repr of floats as Python", "[parser]") {
    CHECK(parse::repr_float(0.1) == "0.1");
    CHECK(parse::repr_float(1e16) == "1e+16");
    CHECK(parse::repr_float(1e15) == "1000000000000000.0");
    CHECK(parse::repr_float(1e-5) == "1e-05");
    CHECK(parse::repr_float(0.0001) == "0.0001");
    CHECK(parse::repr_float(2.5e-7) == "2.5e-07");
    CHECK(parse::repr_float(123.456) == "123.456");
    CHECK(parse::repr_float(1.0 / 0.0) == "inf");
}

TEST_CASE("parser: a large input parses quickly", "[parser]") {
    std::string unit =
        "def f(a, b=1, *args, **kw):\n    x = [i * 2 for i in range(a) if i % 3]\n"
        "    return {'k': x, 'v': f'{a!r:>{b}}'}, (a + b) ** 2 // 3\n"
        "class C(Base, metaclass=M):\n    async def m(self):\n        async with self.lock:\n"
        "            await asyncio.sleep(0.1)\n";
    std::string text;
    while (text.size() < 1000000) text += unit;
    auto r = parse_text(text);
    CHECK(r.ok());
    CHECK(r.module.body.size() > 5000);
}

TEST_CASE("parser: deep nesting is an error, not a crash", "[parser]") {
    CHECK(first_error("x = " + std::string(5000, '-') + "1\n").find("too many nested expressions") !=
          std::string::npos);
    CHECK(first_error("x = " + std::string(300, '(') + "1" + std::string(300, ')') + "\n")
              .find("too many nested parentheses") != std::string::npos);
    CHECK(first_error("x = " + std::string(150, '[') + "1" + std::string(150, ']') + "\n") == "OK");
    std::string deep;
    for (int i = 0; i < 120; ++i) deep += std::string(static_cast<size_t>(i), ' ') + "if x:\n";
    CHECK(first_error(deep).find("too many levels of indentation") != std::string::npos);
}
