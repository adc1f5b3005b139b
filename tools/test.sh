#!/usr/bin/env bash
# Builds asy (through tools/setup.sh) and runs every test with ctest. The last line printed is
# ctest's summary, "N% tests passed, M tests failed out of K"; the exit status is non-zero on
# any failure.
#
# usage: tools/test.sh [--sanitize | --all] [--build-dir DIR] [--no-build] [-- extra ctest args]
#   (default)        build/ (RelWithDebInfo)
#   --sanitize       build-asan/ with AddressSanitizer, UBSan and GC stress (~100x slower)
#   --all            the normal run, then the sanitize run
#   --build-dir DIR  use DIR instead of build/ or build-asan/ (not with --all)
#   --no-build       run ctest in the existing tree as it is (no configure/build step)
# Extra ctest args select tests, e.g. `-- -R script/8`.
# The sanitize run leaves out the tests named in tests/sanitize_skip.txt (one ctest name a line,
# `# reason` after it; see docs/triage/sanitize.md) through ctest -E; a later `-- -E ...` replaces it.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

modes=(normal)
ctest_extra=()
build_dir_override=""
do_build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sanitize) modes=(sanitize); shift ;;
        --all) modes=(normal sanitize); shift ;;
        --build-dir) build_dir_override=${2:?--build-dir needs a directory}; shift 2 ;;
        --no-build) do_build=0; shift ;;
        --) shift; ctest_extra+=("$@"); break ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -n "$build_dir_override" ] && [ ${#modes[@]} -gt 1 ]; then
    echo "test.sh: --build-dir names one tree; it cannot be used with --all" >&2
    exit 2
fi

# Sanitizer reports fail the test that triggers them; leaks count too (the VM frees its heap).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# tests/sanitize_skip.txt as one anchored ctest regex, e.g. ^(script/a|http/b)$ (empty if none).
sanitize_skip_regex() {
    local f=tests/sanitize_skip.txt names
    [ -f "$f" ] || return 0
    names=$(sed -E 's/#.*//; s/[[:space:]]+//g; /^$/d; s/[.+]/\\&/g' "$f" | paste -sd'|')
    [ -n "$names" ] && echo "^($names)\$"
}

run_mode() {
    local mode=$1 dir=build flags=()
    if [ "$mode" = sanitize ]; then
        dir=build-asan
        flags=(--sanitize)
    fi
    [ -n "$build_dir_override" ] && dir=$build_dir_override
    echo "=== test.sh: $mode build in $dir/"
    if [ "$do_build" -eq 1 ]; then
        if ! tools/setup.sh --no-run --build-dir "$dir" "${flags[@]}"; then
            echo "test.sh: the $mode build failed"
            return 1
        fi
    elif [ ! -f "$dir/CTestTestfile.cmake" ]; then
        echo "test.sh: --no-build, but $dir/ is not a configured build tree"
        return 1
    fi
    if [ "$mode" = sanitize ]; then
        local skip_args=()
        local skip_re
        skip_re=$(sanitize_skip_regex)
        [ -n "$skip_re" ] && skip_args=(-E "$skip_re")
        # ASan frames are several times larger: give nested native re-entries (deep awaits,
        # recursive __repr__) the C++ stack a release build needs, in a subshell.
        (ulimit -s 65536 2>/dev/null
         ctest --test-dir "$dir" --output-on-failure -j2 "${skip_args[@]}" "${ctest_extra[@]}" < /dev/null)
        return
    fi
    ctest --test-dir "$dir" --output-on-failure -j2 "${ctest_extra[@]}" < /dev/null
}

status=0
total=0
failed=0
for m in "${modes[@]}"; do
    log=$(mktemp)
    run_mode "$m" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
    rm -f "$log"
    [ "$rc" -eq 0 ] || status=1
    if [ -n "$line" ]; then
        read -r f k < <(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1 \2/' <<< "$line")
    elif [ "$rc" -ne 0 ]; then
        # No ctest summary and a failure: the build failed. Count it as one failed test.
        f=1 k=1
    else
        f=0 k=0
    fi
    total=$((total + k))
    failed=$((failed + f))
done
[ "$failed" -eq 0 ] || status=1

# The closing line is ctest's summary (summed over the modes with --all), so CI reads it.
pct=100
[ "$total" -gt 0 ] && pct=$(( (total - failed) * 100 / total ))
echo "${pct}% tests passed, ${failed} tests failed out of ${total}"
exit $status
