// Golden tests of the interpreter layer through the embedding API: calls and argument binding
// (with CPython's messages), closures, exceptions and context chaining, generators (send,
// throw, close, yield from), coroutines driven by hand, async generators, tracebacks with
// carets and recursion compression, and GC safety of the dispatch loop.
#include <catch2/catch.hpp>

#include <string>

#include "asy/asy.hpp"

namespace {

struct Run {
    std::string out, err;
    asy::Status status;
};

Run run(const std::string& src, const std::string& filename = "test.asy") {
    Run r;
    asy::Options opts;
    opts.output = [&r](std::string_view text, bool is_stderr) { (is_stderr ? r.err : r.out) += text; };
    asy::Runtime rt(opts);
    r.status = rt.exec(src, filename);
    return r;
}

}  // namespace

TEST_CASE("calls, defaults, keywords, closures", "[vm][interp]") {
    Run r = run(R"(
def f(a, b=2, *args, k=3, **kw):
    return (a, b, args, k, sorted(kw))
print(f(1), f(1, 5, 6, k=10, z=1))
def outer():
    x = 1
    def inner():
        nonlocal x
        x += 1
        return x
    return inner
g = outer()
print(g(), g())
print([i * i for i in range(5)], {k: v for k, v in zip("ab", (1, 2))})
a, *b, c = [1, 2, 3, 4]
print(a, b, c, [*range(2), *"xy"], {**{"p": 1}, "q": 2})
)");
    REQUIRE(r.status.ok);
    CHECK(r.out ==
          "(1, 2, (), 3, []) (1, 5, (6,), 10, ['z'])\n"
          "2 3\n"
          "[0, 1, 4, 9, 16] {'a': 1, 'b': 2}\n"
          "1 [2, 3] 4 [0, 1, 'x', 'y'] {'p': 1, 'q': 2}\n");
}

TEST_CASE("argument binding errors use CPython's wording", "[vm][interp]") {
    Run r = run(R"(
def t(fn):
    try:
        fn()
    except TypeError as e:
        print(e)
def f3(a, b, c): pass
def kwo(a, b=1, *, c, d): pass
def po(a, /, b): pass
t(lambda: f3())
t(lambda: f3(1, 2, 3, 4))
t(lambda: kwo(1, 2, 3, c=1))
t(lambda: kwo(1))
t(lambda: f3(1, a=2))
t(lambda: f3(1, z=2))
t(lambda: po(a=1, b=2))
)");
    REQUIRE(r.status.ok);
    CHECK(r.out ==
          "f3() missing 3 required positional arguments: 'a', 'b', and 'c'\n"
          "f3() takes 3 positional arguments but 4 were given\n"
          "kwo() takes from 1 to 2 positional arguments but 3 positional arguments (and 1 keyword-only "
          "argument) were given\n"
          "kwo() missing 2 required keyword-only arguments: 'c' and 'd'\n"
          "f3() got multiple values for argument 'a'\n"
          "f3() got an unexpected keyword argument 'z'\n"
          "po() got some positional-only arguments passed as keyword arguments: 'a'\n");
}

TEST_CASE("exception context, cause and with statements", "[vm][interp]") {
    Run r = run(R"(
try:
    try:
        raise KeyError("a")
    except KeyError:
        raise ValueError("b")
except ValueError as e:
    print(repr(e), repr(e.__context__))
try:
    raise ValueError("c") from TypeError("d")
except ValueError as e:
    print(repr(e.__cause__), e.__suppress_context__)
class CM:
    def __enter__(self):
        return self
    def __exit__(self, t, v, tb):
        print("exit", t.__name__, tb is not None)
        return True
with CM():
    raise IndexError(1)
try:
    raise
except RuntimeError as e:
    print(e)
)");
    REQUIRE(r.status.ok);
    CHECK(r.out ==
          "ValueError('b') KeyError('a')\n"
          "TypeError('d') True\n"
          "exit IndexError True\n"
          "No active exception to reraise\n");
}

TEST_CASE("generators: send, throw, close, yield from, PEP 479", "[vm][generator]") {
    Run r = run(R"(
def gen():
    try:
        x = yield 1
        print("x", x)
    except ValueError as e:
        print("caught", e)
        yield 99
    return 5
g = gen()
print(next(g), g.throw(ValueError("boom")))
try:
    next(g)
except StopIteration as e:
    print("stop", e.value)
def inner():
    try:
        yield 1
        yield 2
    except KeyError:
        yield "inner caught"
    return "ret"
def outer():
    r = yield from inner()
    print("r =", r)
    yield "done"
o = outer()
print(next(o), o.throw(KeyError("k")), next(o), next(o, "end"))
def bad():
    raise StopIteration
    yield
try:
    next(bad())
except RuntimeError as e:
    print(e, type(e.__cause__).__name__)
def ign():
    try:
        yield 1
    except GeneratorExit:
        yield 2
i = ign(); next(i)
try:
    i.close()
except RuntimeError as e:
    print(e)
def s():
    yield s_gen.send(None)
s_gen = s()
try:
    next(s_gen)
except ValueError as e:
    print(e)
)");
    REQUIRE(r.status.ok);
    CHECK(r.out ==
          "caught boom\n1 99\n"
          "stop 5\n"
          "r = ret\n1 inner caught done end\n"
          "generator raised StopIteration StopIteration\n"
          "generator ignored GeneratorExit\n"
          "generator already executing\n");
}

TEST_CASE("coroutines and async generators driven by send()", "[vm][generator]") {
    Run r = run(R"(
async def co(x):
    return x * 2
async def main():
    return await co(3) + await co(4)
c = main()
try:
    c.send(None)
except StopIteration as e:
    print("main", e.value)
try:
    c.send(None)
except RuntimeError as e:
    print(e)
class Aw:
    def __await__(self):
        v = yield "suspend"
        return v
async def m2():
    return await Aw()
c = m2()
print(c.send(None))
try:
    c.send(42)
except StopIteration as e:
    print("m2", e.value)
async def agen():
    for i in range(3):
        yield i
async def use():
    return [v async for v in agen()]
try:
    use().send(None)
except StopIteration as e:
    print("agen", e.value)
)");
    REQUIRE(r.status.ok);
    CHECK(r.out ==
          "main 14\n"
          "cannot reuse already awaited coroutine\n"
          "suspend\n"
          "m2 42\n"
          "agen [0, 1, 2]\n");
}

TEST_CASE("tracebacks: carets, anchors, chains", "[vm][traceback]") {
    Run r = run("def f():\n"
                "    a = [1]\n"
                "    return a[5] + 1\n"
                "def g():\n"
                "    try:\n"
                "        f()\n"
                "    except IndexError as e:\n"
                "        raise ValueError('bad') from e\n"
                "g()\n");
    REQUIRE(!r.status.ok);
    CHECK(r.status.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"test.asy\", line 6, in g\n"
          "    f()\n"
          "  File \"test.asy\", line 3, in f\n"
          "    return a[5] + 1\n"
          "           ~^^^\n"
          "IndexError: list index out of range\n"
          "\n"
          "The above exception was the direct cause of the following exception:\n"
          "\n"
          "Traceback (most recent call last):\n"
          "  File \"test.asy\", line 9, in <module>\n"
          "    g()\n"
          "  File \"test.asy\", line 8, in g\n"
          "    raise ValueError('bad') from e\n"
          "ValueError: bad\n");
}

TEST_CASE("tracebacks: binary operator anchors and recursion compression", "[vm][traceback]") {
    Run r = run("x = 1\ny = 'a'\nz = x  +  y\n");
    CHECK(r.status.traceback ==
          "Traceback (most recent call last):\n"
          "  File \"test.asy\", line 3, in <module>\n"
          "    z = x  +  y\n"
          "        ~~~^~~~\n"
          "TypeError: unsupported operand type(s) for +: 'int' and 'str'\n");
    Run rec = run("def r(n):\n    return r(n+1)\nr(0)\n");
    CHECK(rec.status.traceback.find("  [Previous line repeated 996 more times]\n"
                                    "RecursionError: maximum recursion depth exceeded\n") != std::string::npos);
}

TEST_CASE("the loop survives a collection at every allocation", "[vm][gc]") {
    setenv("ASY_GC_STRESS", "1", 1);
    Run r = run(R"(
def gen(n):
    for i in range(n):
        yield [i] * 2
out = []
for v in gen(20):
    out.append(str(v))
d = {str(i): [i, (i, str(i))] for i in range(30)}
try:
    {}["missing" + str(1)]
except KeyError as e:
    out.append(repr(e))
print(len(out), out[-2], out[-1], d["29"])
)");
    unsetenv("ASY_GC_STRESS");
    REQUIRE(r.status.ok);
    CHECK(r.out == "21 [19, 19] KeyError('missing1') [29, (29, '29')]\n");
}
