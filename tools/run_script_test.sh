#!/usr/bin/env bash
# Runs one script test: `asy NAME.asy [args]` inside DIR, then compares stdout with NAME.out,
# stderr with NAME.err (or requires it empty) and the exit status with NAME.status (or 0).
#
# usage: tools/run_script_test.sh [--timeout SECONDS] ASY_BINARY DIR NAME
# Optional inputs beside the script: NAME.args (one argument per line), NAME.in (stdin).
# Needs only bash, coreutils and diff, so tests run on a machine without python.
set -u

timeout_s=30
if [ "${1:-}" = "--timeout" ]; then
    timeout_s=$2
    shift 2
fi
if [ $# -ne 3 ]; then
    echo "usage: $0 [--timeout SECONDS] ASY_BINARY DIR NAME" >&2
    exit 2
fi
asy=$1
dir=$2
name=$3

case "$asy" in
    /*) ;;
    *) asy="$PWD/$asy" ;;
esac
cd "$dir" || exit 2
if [ ! -f "$name.asy" ]; then
    echo "no such script: $dir/$name.asy" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/asy-script-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

args=()
if [ -f "$name.args" ]; then
    mapfile -t args < "$name.args"
fi
stdin=/dev/null
[ -f "$name.in" ] && stdin="$name.in"

# Same environment as tools/update_expected.py gives CPython: UTF-8 and no stray settings.
LC_ALL=C.UTF-8 timeout --kill-after=5 "$timeout_s" "$asy" "$name.asy" "${args[@]}" \
    < "$stdin" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "FAIL $name: timed out after ${timeout_s}s (status $status)"
    echo "--- stdout (last 20 lines)"; tail -n 20 "$tmp/stdout"
    echo "--- stderr (last 20 lines)"; tail -n 20 "$tmp/stderr"
    exit 1
fi

# CPython names the main script by its absolute path in tracebacks; the expectations hold the
# name as given. Accept either form from asy by dropping this directory's absolute prefix.
sed -i "s|$(pwd -P)/||g; s|$(pwd)/||g" "$tmp/stderr"

ok=1
if ! diff -u --label "expected stdout ($name.out)" --label "actual stdout" \
        "$name.out" "$tmp/stdout" > "$tmp/diff_out" 2>&1; then
    ok=0
    echo "FAIL $name: stdout differs"
    cat "$tmp/diff_out"
fi

if [ -f "$name.err" ]; then
    if ! diff -u --label "expected stderr ($name.err)" --label "actual stderr" \
            "$name.err" "$tmp/stderr" > "$tmp/diff_err" 2>&1; then
        ok=0
        echo "FAIL $name: stderr differs"
        cat "$tmp/diff_err"
    fi
elif [ -s "$tmp/stderr" ]; then
    ok=0
    echo "FAIL $name: unexpected stderr (no $name.err)"
    head -c 4000 "$tmp/stderr"
fi

want_status=0
if [ -f "$name.status" ]; then
    want_status=$(tr -d ' \n\r' < "$name.status")
fi
if [ "$status" != "$want_status" ]; then
    ok=0
    echo "FAIL $name: exit status $status, expected $want_status"
    if [ "$status" -gt 128 ]; then
        echo "  (killed by signal $((status - 128)))"
    fi
fi

if [ "$ok" -eq 1 ]; then
    echo "ok $name"
    exit 0
fi
exit 1
