#!/usr/bin/env bash
# Tests of the REPL without a terminal: pipes inputs into `asy -i` (prompts go to stderr, echoed
# results to stdout, as `python3 -i` does) and compares both streams and the exit status.
# Usage: tools/repl_test.sh path/to/asy        (ctest: repl/basic)
set -u
ASY=${1:?usage: repl_test.sh path/to/asy}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP   # never touch the real ~/.asy_history
fails=0

# check NAME INPUT EXPECTED_STDOUT [EXPECTED_RC] [ARGS...]: stdout must match exactly.
check() {
    local name=$1 input=$2 want=$3 want_rc=${4:-0}
    shift 4 2>/dev/null || shift $#
    printf '%s' "$input" | timeout 20 "$ASY" -i "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    local got
    got=$(cat "$TMP/out")
    if [[ "$got" != "$want" || $rc -ne $want_rc ]]; then
        echo "FAIL $name (exit $rc, want $want_rc)"
        echo "--- want stdout:"; printf '%s\n' "$want"
        echo "--- got stdout:"; printf '%s\n' "$got"
        echo "--- stderr:"; cat "$TMP/err"
        fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}

# check_err NAME TEXT: the stderr of the last check must contain TEXT (a fixed string).
check_err() {
    if ! grep -qF -- "$2" "$TMP/err"; then
        echo "FAIL $1: stderr lacks: $2"
        echo "--- stderr:"; cat "$TMP/err"
        fails=$((fails + 1))
    fi
}

check echo $'x = 1\nx + 1\n_\nNone\n_ * 10\n' $'2\n2\n20'
check block $'def f(n):\n    if n:\n        return n * 2\n    return 0\n\nf(21)\nfor i in range(2):\n    print(i)\n\n' $'42\n0\n1'
check brackets $'xs = [1,\n  2,\n  3]\nxs\ns = """a\nb"""\ns\n' $'[1, 2, 3]\n\'a\\nb\''
check error_goes_on $'1/0\nprint("after")\n' 'after'
check_err error_goes_on $'Traceback (most recent call last):\n'
check_err error_goes_on '  File "<stdin>", line 1, in <module>'
check_err error_goes_on 'ZeroDivisionError: division by zero'
check syntax_error $'def f(:\nprint("next")\n' 'next'
check_err syntax_error $'  File "<stdin>", line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax'

# The exact prompt sequence: banner, then ">>> " / "... " prompts, a newline at EOF.
check prompts $'if 1:\n  pass\n\n' ''
if [[ "$(tail -n +3 "$TMP/err")" != ">>> ... ... >>> " ]]; then
    echo "FAIL prompts: got $(tail -n +3 "$TMP/err" | od -c | head -3)"
    fails=$((fails + 1))
fi
check_err prompts '(Python 3.11 compatible) on linux'

check exit_status $'print(1)\nexit(3)\nprint(2)\n' '1' 3
check quit $'quit()\nprint(2)\n' '' 0
check sys_exit $'import sys\nsys.exit("bye")\n' '' 1
check_err sys_exit 'bye'
check eof_leaves $'x = 5\n' '' 0
check eof_runs_open_block $'if 1:\n  print(1)\n' '1' 0

# Top-level await: the result is echoed; the loop is kept, so tasks started by earlier inputs
# run while a later input awaits.
check await $'import asyncio\nawait asyncio.sleep(0.01, "done")\nr = await asyncio.sleep(0, 7)\nr\n' $'\'done\'\n7'
check tasks_between_prompts $'import asyncio\nlog = []\nasync def worker():\n    for i in range(3):\n        log.append(i)\n        await asyncio.sleep(0)\n\nt = asyncio.ensure_future(worker())\nlog\nawait asyncio.sleep(0.01)\nlog\nt.done()\n' $'[]\n[0, 1, 2]\nTrue'
check create_task_in_await $'import asyncio\nasync def w():\n    await asyncio.sleep(0.01)\n    return 5\n\nt = asyncio.create_task(w()); await asyncio.sleep(0)\nt.done()\nawait t\n' $'False\n5'
check asyncio_run_then_await $'import asyncio\nasync def m():\n    return 3\n\nasyncio.run(m())\nawait m()\n' $'3\n3'
check async_for $'async def agen():\n    yield 1\n    yield 2\n\nasync for v in agen():\n    print(v)\n\n' $'1\n2'
check interrupt_in_await $'import asyncio\nawait asyncio.sleep(0); raise KeyboardInterrupt\nawait asyncio.sleep(0, "loop ok")\n' "'loop ok'"
check_err interrupt_in_await $'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nKeyboardInterrupt'
check await_error $'async def g():\n    raise ValueError("x")\n\nawait g()\nprint("still here")\n' 'still here'
check_err await_error $'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n  File "<stdin>", line 2, in g\nValueError: x'

# -i after a script or command: the REPL runs in the script's __main__.
echo 'y = 5' >"$TMP/script.asy"
check after_script $'y * 2\n' '10' 0 "$TMP/script.asy"
check after_command $'z\n' '6' 0 -c 'z = 6'

if [[ $fails -ne 0 ]]; then
    echo "$fails REPL check(s) failed"
    exit 1
fi
echo "all REPL checks passed"
