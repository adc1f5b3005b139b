// Unit tests of the compiler: golden disassembly of representative snippets (CPython 3.11
// code shapes), scope analysis results, SyntaxError diagnostics, code-object metadata, and
// pinned opcode numbers (so reordering opcodes.def is a deliberate act).
#include <catch2/catch.hpp>

#include <functional>

#include "compiler/compiler.hpp"
#include "compiler/compiler_impl.hpp"
#include "parser/parser.hpp"

using asy::ast::ParseMode;
namespace vm = asy::vm;

namespace {

asy::compile::CompileResult compile_src(const std::string& src, ParseMode mode = ParseMode::Exec) {
    asy::lex::SourceFile sf("<test>", src);
    auto pr = asy::parse::parse(sf, mode);
    INFO(src);
    REQUIRE(pr.ok());
    return asy::compile::compile(pr.module, "<test>");
}

std::string dis(const std::string& src, ParseMode mode = ParseMode::Exec) {
    auto cr = compile_src(src, mode);
    INFO(src);
    for (const auto& e : cr.errors) INFO(e.message);
    REQUIRE(cr.ok());
    return vm::disassemble(*cr.code);
}

// The first SyntaxError of `src`, as "line:message" ("" if it compiles).
std::string first_error(const std::string& src, ParseMode mode = ParseMode::Exec) {
    auto cr = compile_src(src, mode);
    if (cr.errors.empty()) return "";
    return std::to_string(cr.errors[0].line) + ":" + cr.errors[0].message;
}

const vm::Code* nested(const vm::Code& c, const std::string& qualname) {
    for (const auto& k : c.constants) {
        if (auto p = std::get_if<std::shared_ptr<const vm::Code>>(&k.v)) {
            if ((*p)->qualname == qualname) return p->get();
            if (auto r = nested(**p, qualname)) return r;
        }
    }
    return nullptr;
}

void for_each_code(const vm::Code& c, const std::function<void(const vm::Code&)>& fn) {
    fn(c);
    for (const auto& k : c.constants)
        if (auto p = std::get_if<std::shared_ptr<const vm::Code>>(&k.v)) for_each_code(**p, fn);
}

}  // namespace

TEST_CASE("opcode numbers are pinned", "[compiler][opcodes]") {
    CHECK(static_cast<int>(vm::Op::NOP) == 0);
    CHECK(static_cast<int>(vm::Op::POP_TOP) == 1);
    CHECK(static_cast<int>(vm::Op::LOAD_CONST) == 5);
    CHECK(static_cast<int>(vm::Op::LOAD_FAST) == 6);
    CHECK(static_cast<int>(vm::Op::LOAD_GLOBAL) == 14);
    CHECK(static_cast<int>(vm::Op::BINARY_OP) == 28);
    CHECK(static_cast<int>(vm::Op::CALL) == 63);
    CHECK(static_cast<int>(vm::Op::RETURN_VALUE) == 62);
    CHECK(std::string(vm::op_name(vm::Op::YIELD_VALUE)) == "YIELD_VALUE");
    CHECK(vm::op_arg_kind(vm::Op::JUMP) == vm::ArgKind::Jump);
    CHECK(vm::stack_effect(vm::Op::CALL, 2) == -3);
    CHECK(vm::stack_effect(vm::Op::FOR_ITER, 0, true) == -1);
    CHECK(vm::stack_effect(vm::Op::SEND, 0, true) == -1);
    CHECK(vm::stack_effect(vm::Op::MAKE_FUNCTION, 9) == -2);
}

TEST_CASE("compiler golden: assignment and call", "[compiler][golden]") {
    CHECK(dis("x = 1\nprint(x + 2)\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (1)
           1 STORE_NAME                0 (x)

   2       2 PUSH_NULL
           3 LOAD_NAME                 1 (print)
           4 LOAD_NAME                 0 (x)
           5 LOAD_CONST                1 (2)
           6 BINARY_OP                 0 (+)
           7 CALL                      1
           8 POP_TOP
           9 LOAD_CONST                2 (None)
          10 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: closure and nonlocal", "[compiler][golden]") {
    CHECK(dis("def f(a, b=2):\n    x = a\n    def g():\n        nonlocal x\n        x += b\n        return x\n    return g\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (2)
           1 BUILD_TUPLE               1
           2 LOAD_CONST                1 (<code f>)
           3 MAKE_FUNCTION             1
           4 STORE_NAME                0 (f)
           5 LOAD_CONST                2 (None)
           6 RETURN_VALUE

Disassembly of f:
   2       0 LOAD_FAST                 0 (a)
           1 STORE_DEREF               1 (x)

   3       2 LOAD_CLOSURE              0 (b)
           3 LOAD_CLOSURE              1 (x)
           4 BUILD_TUPLE               2
           5 LOAD_CONST                0 (<code f.<locals>.g>)
           6 MAKE_FUNCTION             8
           7 STORE_FAST                2 (g)

   7       8 LOAD_FAST                 2 (g)
           9 RETURN_VALUE

Disassembly of f.<locals>.g:
   5       0 LOAD_DEREF                1 (x)
           1 LOAD_DEREF                0 (b)
           2 BINARY_OP                13 (+=)
           3 STORE_DEREF               1 (x)

   6       4 LOAD_DEREF                1 (x)
           5 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: method call and keywords", "[compiler][golden]") {
    CHECK(dis("o.m(1, k=2)\nf(*a, **k)\n", ParseMode::Exec) == R"(   1       0 LOAD_NAME                 0 (o)
           1 LOAD_METHOD               1 (m)
           2 LOAD_CONST                0 (1)
           3 LOAD_CONST                1 (2)
           4 LOAD_CONST                2 (('k',))
           5 CALL_KW                   2
           6 POP_TOP

   2       7 PUSH_NULL
           8 LOAD_NAME                 2 (f)
           9 LOAD_NAME                 3 (a)
          10 BUILD_MAP                 0
          11 LOAD_NAME                 4 (k)
          12 DICT_MERGE                1
          13 CALL_FUNCTION_EX          1
          14 POP_TOP
          15 LOAD_CONST                3 (None)
          16 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: if elif else and boolean operators", "[compiler][golden]") {
    CHECK(dis("if a and not b:\n    x = 1\nelif c or d:\n    x = 2\nelse:\n    x = a < b < c\n", ParseMode::Exec) == R"(   1       0 LOAD_NAME                 0 (a)
           1 POP_JUMP_IF_FALSE         7 (to 7)
           2 LOAD_NAME                 1 (b)
           3 POP_JUMP_IF_TRUE          7 (to 7)

   2       4 LOAD_CONST                0 (1)
           5 STORE_NAME                2 (x)
           6 JUMP                     26 (to 26)

   3 >>    7 LOAD_NAME                 3 (c)
           8 POP_JUMP_IF_TRUE         11 (to 11)
           9 LOAD_NAME                 4 (d)
          10 POP_JUMP_IF_FALSE        14 (to 14)

   4 >>   11 LOAD_CONST                1 (2)
          12 STORE_NAME                2 (x)
          13 JUMP                     26 (to 26)

   6 >>   14 LOAD_NAME                 0 (a)
          15 LOAD_NAME                 1 (b)
          16 SWAP                      2
          17 COPY                      2
          18 COMPARE_OP                0 (<)
          19 JUMP_IF_FALSE_OR_POP     23 (to 23)
          20 LOAD_NAME                 3 (c)
          21 COMPARE_OP                0 (<)
          22 JUMP                     25 (to 25)
     >>   23 SWAP                      2
          24 POP_TOP
     >>   25 STORE_NAME                2 (x)
     >>   26 LOAD_CONST                2 (None)
          27 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: for loop with break continue else", "[compiler][golden]") {
    CHECK(dis("for i in r:\n    if i:\n        break\n    continue\nelse:\n    done()\n", ParseMode::Exec) == R"(   1       0 LOAD_NAME                 0 (r)
           1 GET_ITER
     >>    2 FOR_ITER                  9 (to 9)
           3 STORE_NAME                1 (i)

   2       4 LOAD_NAME                 1 (i)
           5 POP_JUMP_IF_FALSE         8 (to 8)

   3       6 POP_TOP
           7 JUMP                     13 (to 13)

   4 >>    8 JUMP                      2 (to 2)

   6 >>    9 PUSH_NULL
          10 LOAD_NAME                 2 (done)
          11 CALL                      0
          12 POP_TOP
     >>   13 LOAD_CONST                0 (None)
          14 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: while loop", "[compiler][golden]") {
    CHECK(dis("while n > 0:\n    n -= 1\n", ParseMode::Exec) == R"(   1       0 LOAD_NAME                 0 (n)
           1 LOAD_CONST                0 (0)
           2 COMPARE_OP                4 (>)
           3 POP_JUMP_IF_FALSE        12 (to 12)

   2 >>    4 LOAD_NAME                 0 (n)
           5 LOAD_CONST                1 (1)
           6 BINARY_OP                23 (-=)
           7 STORE_NAME                0 (n)

   1       8 LOAD_NAME                 0 (n)
           9 LOAD_CONST                0 (0)
          10 COMPARE_OP                4 (>)
          11 POP_JUMP_IF_TRUE          4 (to 4)
     >>   12 LOAD_CONST                2 (None)
          13 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: try except as finally", "[compiler][golden]") {
    CHECK(dis("try:\n    a()\nexcept E as e:\n    b(e)\nfinally:\n    c()\n", ParseMode::Exec) == R"(   2       0 PUSH_NULL
           1 LOAD_NAME                 0 (a)
           2 CALL                      0
           3 POP_TOP
           4 JUMP                     28 (to 28)

   1 >>    5 PUSH_EXC_INFO

   3       6 LOAD_NAME                 1 (E)
           7 CHECK_EXC_MATCH
           8 POP_JUMP_IF_FALSE        24 (to 24)
           9 STORE_NAME                2 (e)

   4      10 PUSH_NULL
          11 LOAD_NAME                 3 (b)
          12 LOAD_NAME                 2 (e)
          13 CALL                      1
          14 POP_TOP

   3      15 POP_EXCEPT
          16 LOAD_CONST                0 (None)
          17 STORE_NAME                2 (e)
          18 DELETE_NAME               2 (e)
          19 JUMP                     28 (to 28)
     >>   20 LOAD_CONST                0 (None)
          21 STORE_NAME                2 (e)
          22 DELETE_NAME               2 (e)
          23 RERAISE                   1

   1 >>   24 RERAISE                   0
     >>   25 COPY                      3
          26 POP_EXCEPT
          27 RERAISE                   1

   6 >>   28 PUSH_NULL
          29 LOAD_NAME                 4 (c)
          30 CALL                      0
          31 POP_TOP
          32 JUMP                     42 (to 42)

   1 >>   33 PUSH_EXC_INFO

   6      34 PUSH_NULL
          35 LOAD_NAME                 4 (c)
          36 CALL                      0
          37 POP_TOP
          38 RERAISE                   0
     >>   39 COPY                      3
          40 POP_EXCEPT
          41 RERAISE                   1
     >>   42 LOAD_CONST                0 (None)
          43 RETURN_VALUE
ExceptionTable:
  0 to 3 -> 5 [0]
  4 to 4 -> 33 [0]
  5 to 9 -> 25 [1] lasti
  10 to 14 -> 20 [1] lasti
  15 to 19 -> 33 [0]
  20 to 24 -> 25 [1] lasti
  25 to 27 -> 33 [0]
  33 to 38 -> 39 [1] lasti
)");
}

TEST_CASE("compiler golden: with statement", "[compiler][golden]") {
    CHECK(dis("with m() as v:\n    use(v)\n", ParseMode::Exec) == R"(   1       0 PUSH_NULL
           1 LOAD_NAME                 0 (m)
           2 CALL                      0
           3 BEFORE_WITH
           4 STORE_NAME                1 (v)

   2       5 PUSH_NULL
           6 LOAD_NAME                 2 (use)
           7 LOAD_NAME                 1 (v)
           8 CALL                      1
           9 POP_TOP

   1      10 LOAD_CONST                0 (None)
          11 LOAD_CONST                0 (None)
          12 LOAD_CONST                0 (None)
          13 CALL                      2
          14 POP_TOP
          15 JUMP                     27 (to 27)
     >>   16 PUSH_EXC_INFO
          17 WITH_EXCEPT_START
          18 POP_JUMP_IF_TRUE         23 (to 23)
          19 RERAISE                   2
     >>   20 COPY                      3
          21 POP_EXCEPT
          22 RERAISE                   1
     >>   23 POP_TOP
          24 POP_EXCEPT
          25 POP_TOP
          26 POP_TOP
     >>   27 LOAD_CONST                0 (None)
          28 RETURN_VALUE
ExceptionTable:
  4 to 9 -> 16 [1] lasti
  16 to 19 -> 20 [3] lasti
  23 to 23 -> 20 [3] lasti
)");
}

TEST_CASE("compiler golden: return inside try finally", "[compiler][golden]") {
    CHECK(dis("def f():\n    try:\n        return g()\n    finally:\n        h()\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (<code f>)
           1 MAKE_FUNCTION             0
           2 STORE_NAME                0 (f)
           3 LOAD_CONST                1 (None)
           4 RETURN_VALUE

Disassembly of f:
   3       0 PUSH_NULL
           1 LOAD_GLOBAL               0 (g)
           2 CALL                      0

   5       3 PUSH_NULL
           4 LOAD_GLOBAL               1 (h)
           5 CALL                      0
           6 POP_TOP

   3       7 RETURN_VALUE

   2 >>    8 PUSH_EXC_INFO

   5       9 PUSH_NULL
          10 LOAD_GLOBAL               1 (h)
          11 CALL                      0
          12 POP_TOP
          13 RERAISE                   0
     >>   14 COPY                      3
          15 POP_EXCEPT
          16 RERAISE                   1
ExceptionTable:
  0 to 2 -> 8 [0]
  8 to 13 -> 14 [1] lasti
)");
}

TEST_CASE("compiler golden: generator and yield from", "[compiler][golden]") {
    CHECK(dis("def g(x):\n    y = yield x\n    yield from y\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (<code g>)
           1 MAKE_FUNCTION             0
           2 STORE_NAME                0 (g)
           3 LOAD_CONST                1 (None)
           4 RETURN_VALUE

Disassembly of g:
   2       0 LOAD_FAST                 0 (x)
           1 YIELD_VALUE             <-- suspends
           2 STORE_FAST                1 (y)

   3       3 LOAD_FAST                 1 (y)
           4 GET_YIELD_FROM_ITER
           5 LOAD_CONST                0 (None)
     >>    6 SEND                      9 (to 9)
           7 YIELD_VALUE             <-- suspends
           8 JUMP                      6 (to 6)
     >>    9 POP_TOP
          10 LOAD_CONST                0 (None)
          11 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: async def await and async for", "[compiler][golden]") {
    CHECK(dis("async def f(xs):\n    async for x in xs:\n        await x\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (<code f>)
           1 MAKE_FUNCTION             0
           2 STORE_NAME                0 (f)
           3 LOAD_CONST                1 (None)
           4 RETURN_VALUE

Disassembly of f:
   2       0 LOAD_FAST                 0 (xs)
           1 GET_AITER
     >>    2 GET_ANEXT
           3 LOAD_CONST                0 (None)
     >>    4 SEND                      7 (to 7)
           5 YIELD_VALUE             <-- suspends
           6 JUMP                      4 (to 4)
     >>    7 STORE_FAST                1 (x)

   3       8 LOAD_FAST                 1 (x)
           9 GET_AWAITABLE             0
          10 LOAD_CONST                0 (None)
     >>   11 SEND                     14 (to 14)
          12 YIELD_VALUE             <-- suspends
          13 JUMP                     11 (to 11)
     >>   14 POP_TOP

   2      15 JUMP                      2 (to 2)
     >>   16 END_ASYNC_FOR
          17 LOAD_CONST                0 (None)
          18 RETURN_VALUE
ExceptionTable:
  2 to 6 -> 16 [1]
)");
}

TEST_CASE("compiler golden: class with super uses __class__ cell", "[compiler][golden]") {
    CHECK(dis("class C(B):\n    'doc'\n    def m(self):\n        return super().m()\n", ParseMode::Exec) == R"(   1       0 PUSH_NULL
           1 LOAD_BUILD_CLASS
           2 LOAD_CONST                0 (<code C>)
           3 MAKE_FUNCTION             0
           4 LOAD_CONST                1 ('C')
           5 LOAD_NAME                 0 (B)
           6 CALL                      3
           7 STORE_NAME                1 (C)
           8 LOAD_CONST                2 (None)
           9 RETURN_VALUE

Disassembly of C:
   1       0 LOAD_NAME                 0 (__name__)
           1 STORE_NAME                1 (__module__)
           2 LOAD_CONST                0 ('C')
           3 STORE_NAME                2 (__qualname__)

   2       4 LOAD_CONST                1 ('doc')
           5 STORE_NAME                3 (__doc__)

   3       6 LOAD_CLOSURE              0 (__class__)
           7 BUILD_TUPLE               1
           8 LOAD_CONST                2 (<code C.m>)
           9 MAKE_FUNCTION             8
          10 STORE_NAME                4 (m)
          11 LOAD_CLOSURE              0 (__class__)
          12 COPY                      1
          13 STORE_NAME                5 (__classcell__)
          14 RETURN_VALUE

Disassembly of C.m:
   4       0 PUSH_NULL
           1 LOAD_GLOBAL               0 (super)
           2 CALL                      0
           3 LOAD_METHOD               1 (m)
           4 CALL                      0
           5 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: list comprehension", "[compiler][golden]") {
    CHECK(dis("r = [x * 2 for x in xs if x]\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (<code <listcomp>>)
           1 MAKE_FUNCTION             0
           2 LOAD_NAME                 0 (xs)
           3 GET_ITER
           4 CALL                      0
           5 STORE_NAME                1 (r)
           6 LOAD_CONST                1 (None)
           7 RETURN_VALUE

Disassembly of <listcomp>:
   1       0 BUILD_LIST                0
           1 LOAD_FAST                 0 (.0)
     >>    2 FOR_ITER                 11 (to 11)
           3 STORE_FAST                1 (x)
           4 LOAD_FAST                 1 (x)
           5 POP_JUMP_IF_FALSE        10 (to 10)
           6 LOAD_FAST                 1 (x)
           7 LOAD_CONST                0 (2)
           8 BINARY_OP                 5 (*)
           9 LIST_APPEND               2
     >>   10 JUMP                      2 (to 2)
     >>   11 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: unpacking and augmented subscript", "[compiler][golden]") {
    CHECK(dis("a, *b, c = t\nd[i] += 1\n", ParseMode::Exec) == R"(   1       0 LOAD_NAME                 0 (t)
           1 UNPACK_EX               257
           2 STORE_NAME                1 (a)
           3 STORE_NAME                2 (b)
           4 STORE_NAME                3 (c)

   2       5 LOAD_NAME                 4 (d)
           6 LOAD_NAME                 5 (i)
           7 COPY                      2
           8 COPY                      2
           9 BINARY_SUBSCR
          10 LOAD_CONST                0 (1)
          11 BINARY_OP                13 (+=)
          12 SWAP                      3
          13 SWAP                      2
          14 STORE_SUBSCR
          15 LOAD_CONST                1 (None)
          16 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: imports", "[compiler][golden]") {
    CHECK(dis("import a.b.c\nimport a.b as ab\nfrom .m import x as y\n", ParseMode::Exec) == R"(   1       0 LOAD_CONST                0 (0)
           1 LOAD_CONST                1 (None)
           2 IMPORT_NAME               0 (a.b.c)
           3 STORE_NAME                1 (a)

   2       4 LOAD_CONST                0 (0)
           5 LOAD_CONST                1 (None)
           6 IMPORT_NAME               2 (a.b)
           7 IMPORT_FROM               3 (b)
           8 STORE_NAME                4 (ab)
           9 POP_TOP

   3      10 LOAD_CONST                2 (1)
          11 LOAD_CONST                3 (('x',))
          12 IMPORT_NAME               5 (m)
          13 IMPORT_FROM               6 (x)
          14 STORE_NAME                7 (y)
          15 POP_TOP
          16 LOAD_CONST                1 (None)
          17 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: f-string", "[compiler][golden]") {
    CHECK(dis("s = f'{x!r:>{w}} {y}'\n", ParseMode::Exec) == R"(   1       0 LOAD_NAME                 0 (x)
           1 LOAD_CONST                0 ('>')
           2 LOAD_NAME                 1 (w)
           3 FORMAT_VALUE              0
           4 BUILD_STRING              2
           5 FORMAT_VALUE              6 (repr, with format)
           6 LOAD_CONST                1 (' ')
           7 LOAD_NAME                 2 (y)
           8 FORMAT_VALUE              0
           9 BUILD_STRING              3
          10 STORE_NAME                3 (s)
          11 LOAD_CONST                2 (None)
          12 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: interactive mode prints expressions", "[compiler][golden]") {
    CHECK(dis("1 + 2\n", ParseMode::Single) == R"(   1       0 LOAD_CONST                0 (1)
           1 LOAD_CONST                1 (2)
           2 BINARY_OP                 0 (+)
           3 PRINT_EXPR
           4 LOAD_CONST                2 (None)
           5 RETURN_VALUE
)");
}

TEST_CASE("compiler golden: eval mode", "[compiler][golden]") {
    CHECK(dis("a if b else c", ParseMode::Eval) == R"(   1       0 LOAD_NAME                 0 (b)
           1 POP_JUMP_IF_FALSE         4 (to 4)
           2 LOAD_NAME                 1 (a)
           3 JUMP                      5 (to 5)
     >>    4 LOAD_NAME                 2 (c)
     >>    5 RETURN_VALUE
)");
}

TEST_CASE("scope analysis: locals, globals, cells, frees", "[compiler][scope]") {
    asy::lex::SourceFile sf("<test>",
                            "g = 1\n"
                            "def f(a):\n"
                            "    global h\n"
                            "    b = a\n"
                            "    def inner():\n"
                            "        return b + g + h\n"
                            "    class K:\n"
                            "        b = 2\n"
                            "        def m(self): return b\n"
                            "    return inner\n");
    auto pr = asy::parse::parse(sf);
    REQUIRE(pr.ok());
    std::vector<asy::lex::Diagnostic> errors;
    auto st = asy::compile::build_symbols(pr.module, "<test>", false, errors);
    REQUIRE(errors.empty());
    using asy::compile::SymScope;
    const auto* top = st->top;
    CHECK(top->scope_of("g") == SymScope::Local);
    CHECK(top->scope_of("h") == SymScope::GlobalExplicit);
    REQUIRE(top->children.size() == 1);
    const auto* f = top->children[0];
    CHECK(f->scope_of("a") == SymScope::Local);
    CHECK(f->scope_of("b") == SymScope::Cell);
    CHECK(f->scope_of("h") == SymScope::GlobalExplicit);
    REQUIRE(f->children.size() == 2);
    const auto* inner = f->children[0];
    CHECK(inner->scope_of("b") == SymScope::Free);
    CHECK(inner->scope_of("g") == SymScope::GlobalImplicit);
    CHECK(inner->scope_of("h") == SymScope::GlobalImplicit);
    const auto* k = f->children[1];
    CHECK(k->scope_of("b") == SymScope::Local);  // the class's own b, and also passed through
    CHECK((k->symbols.at("b").flags & asy::compile::kDefFreeClass) != 0);
    CHECK(k->children[0]->scope_of("b") == SymScope::Free);
}

TEST_CASE("code objects: names, flags, arguments, docstrings", "[compiler][code]") {
    auto cr = compile_src("def f(a, /, b, *args, c, **kw):\n    'the doc'\n    return a\n"
                          "class C:\n    def m(self):\n        def n(): yield 1\n        return n\n"
                          "async def co(): await x\n"
                          "async def ag(): yield 1\n"
                          "lam = lambda: 0\n"
                          "def deco(): pass\n");
    REQUIRE(cr.ok());
    const vm::Code& mod = *cr.code;
    CHECK(mod.name == "<module>");
    const vm::Code* f = nested(mod, "f");
    REQUIRE(f);
    CHECK(f->argcount == 2);
    CHECK(f->posonlyargcount == 1);
    CHECK(f->kwonlyargcount == 1);
    CHECK(f->varnames == std::vector<std::string>{"a", "b", "c", "args", "kw"});
    CHECK(f->has_docstring);
    CHECK(f->docstring == "the doc");
    CHECK((f->flags & (vm::kCoOptimized | vm::kCoNewLocals | vm::kCoVarargs | vm::kCoVarkeywords)) ==
          (vm::kCoOptimized | vm::kCoNewLocals | vm::kCoVarargs | vm::kCoVarkeywords));
    const vm::Code* n = nested(mod, "C.m.<locals>.n");
    REQUIRE(n);
    CHECK((n->flags & vm::kCoGenerator) != 0);
    const vm::Code* co = nested(mod, "co");
    REQUIRE(co);
    CHECK((co->flags & vm::kCoCoroutine) != 0);
    const vm::Code* ag = nested(mod, "ag");
    REQUIRE(ag);
    CHECK((ag->flags & vm::kCoAsyncGenerator) != 0);
    CHECK(nested(mod, "<lambda>") != nullptr);
    // Every code object ends with RETURN_VALUE and has positions, a sane stack and valid jumps.
    for_each_code(mod, [](const vm::Code& c) {
        REQUIRE(!c.code.empty());
        CHECK(vm::instr_op(c.code.back()) == vm::Op::RETURN_VALUE);
        CHECK(c.max_stack >= 1);
        CHECK(!c.positions.empty());
        for (auto in : c.code)
            if (vm::op_arg_kind(vm::instr_op(in)) == vm::ArgKind::Jump) CHECK(vm::instr_arg(in) < c.code.size());
    });
}

TEST_CASE("exception table and stack depth of with/try", "[compiler][code]") {
    auto cr = compile_src("def f():\n    with a as b:\n        try:\n            c()\n        except E:\n            return 1\n");
    REQUIRE(cr.ok());
    const vm::Code* f = nested(*cr.code, "f");
    REQUIRE(f);
    CHECK(!f->exception_table.empty());
    for (const auto& e : f->exception_table) {
        CHECK(e.start < e.end);
        CHECK(e.end <= f->code.size());
        CHECK(e.target < f->code.size());
        CHECK(static_cast<int>(e.depth) < f->max_stack);
    }
    CHECK(f->max_stack >= 5);  // exit, lasti, prev exc, exc, __exit__ result
    CHECK(f->position_at(0) != nullptr);
    CHECK(f->position_at(0)->line == 2);
}

TEST_CASE("SyntaxError diagnostics from scope analysis and codegen", "[compiler][errors]") {
    CHECK(first_error("return 1\n") == "1:'return' outside function");
    CHECK(first_error("yield 1\n") == "1:'yield' outside function");
    CHECK(first_error("await x\n") == "1:'await' outside function");
    CHECK(first_error("def f():\n    await x\n") == "2:'await' outside async function");
    CHECK(first_error("break\n") == "1:'break' outside loop");
    CHECK(first_error("for x in y:\n    def f():\n        continue\n") == "3:'continue' not properly in loop");
    CHECK(first_error("nonlocal x\n") == "1:nonlocal declaration not allowed at module level");
    CHECK(first_error("def f():\n    nonlocal x\n") == "2:no binding for nonlocal 'x' found");
    CHECK(first_error("def f():\n    print(x)\n    global x\n") == "3:name 'x' is used prior to global declaration");
    CHECK(first_error("def f():\n    x = 1\n    global x\n") ==
          "3:name 'x' is assigned to before global declaration");
    CHECK(first_error("def f():\n    async for x in y: pass\n") == "2:'async for' outside async function");
    CHECK(first_error("def f():\n    async with x: pass\n") == "2:'async with' outside async function");
    CHECK(first_error("def f():\n    return [x async for x in y]\n") ==
          "2:asynchronous comprehension outside of an asynchronous function");
    CHECK(first_error("async def f():\n    yield 1\n    return 2\n") == "3:'return' with value in async generator");
    CHECK(first_error("def f(a, a): pass\n") == "1:duplicate argument 'a' in function definition");
    CHECK(first_error("def f():\n    from m import *\n") == "2:import * only allowed at module level");
    CHECK(first_error("a, *b, *c = d\n") == "1:multiple starred expressions in assignment");
    CHECK(first_error("[(x := 1) for x in z]\n") ==
          "1:assignment expression cannot rebind comprehension iteration variable 'x'");
    CHECK(first_error("def f():\n    return [(yield) for i in y]\n") == "2:'yield' inside list comprehension");
    CHECK(first_error("try:\n    pass\nexcept* E:\n    break\n") ==
          "4:'break', 'continue' and 'return' cannot appear in an except* block");
    CHECK(first_error("match x:\n    case _:\n        pass\n    case 1:\n        pass\n") ==
          "2:wildcard makes remaining patterns unreachable");
    CHECK(first_error("match x:\n    case [a, a]:\n        pass\n") == "2:multiple assignments to name 'a' in pattern");
    // The REPL (Single mode) allows top-level await and makes the module a coroutine.
    auto cr = compile_src("await x\n", ParseMode::Single);
    REQUIRE(cr.ok());
    CHECK((cr.code->flags & vm::kCoCoroutine) != 0);
}

TEST_CASE("walrus in a comprehension binds in the enclosing scope", "[compiler][scope]") {
    auto cr = compile_src("def f(r):\n    [y := i for i in r]\n    return y\n");
    REQUIRE(cr.ok());
    const vm::Code* f = nested(*cr.code, "f");
    REQUIRE(f);
    CHECK(f->cellvars == std::vector<std::string>{"y"});
    const vm::Code* lc = nested(*cr.code, "f.<locals>.<listcomp>");
    REQUIRE(lc);
    CHECK(lc->freevars == std::vector<std::string>{"y"});
    CHECK(lc->varnames[0] == ".0");
}
