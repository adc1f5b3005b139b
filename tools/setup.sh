#!/usr/bin/env bash
# Installs the Debian packages asy needs (only those missing), configures and builds asy with
# CMake + Ninja, then runs scripts/hello.asy as a smoke test. Safe to run again at any time.
#
# usage: tools/setup.sh [--build-dir DIR] [--sanitize] [--no-run] [-- extra cmake args]
#   --build-dir DIR  build tree (default: build, or build-asan with --sanitize)
#   --sanitize       AddressSanitizer + UBSan + GC stress (-DASY_SANITIZE=ON -DASY_GC_STRESS=ON)
#   --no-run         build only; do not run scripts/hello.asy (tools/test.sh uses this)
# Environment: ASY_BUILD_TYPE (default RelWithDebInfo), ASY_JOBS (default: number of cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build_dir=""
sanitize=0
run_hello=1
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build_dir=$2; shift 2 ;;
        --sanitize) sanitize=1; shift ;;
        --no-run) run_hello=0; shift ;;
        --) shift; extra+=("$@"); break ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$build_dir" ] || { [ $sanitize -eq 1 ] && build_dir=build-asan || build_dir=build; }

# ---- 1. Debian packages (see docs/dependencies.md for why each one) -------------------------
packages=(cmake ninja-build g++ pkg-config catch2 libgmp-dev libutf8proc-dev libedit-dev
          libuv1-dev libcurl4-openssl-dev libre2-dev libmimalloc-dev ccache python3
          python3-uvloop)  # python3-uvloop: only for bench/run.py's async column (optional)
missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            as_root=(sudo -n)
        else
            echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q < /dev/null
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" < /dev/null
fi

# ---- 2. configure ------------------------------------------------------------------------------
cmake_args=(-S "$root" -B "$build_dir" -G Ninja
            -DCMAKE_BUILD_TYPE="${ASY_BUILD_TYPE:-RelWithDebInfo}")
if command -v ccache >/dev/null 2>&1; then
    cmake_args+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # Paths relative to the checkout, so a fresh clone elsewhere (as CI makes) still hits.
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
    export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi
if [ $sanitize -eq 1 ]; then
    cmake_args+=(-DASY_SANITIZE=ON -DASY_GC_STRESS=ON)
fi
cmake_args+=("${extra[@]}")
echo "setup: cmake ${cmake_args[*]}"
cmake "${cmake_args[@]}" < /dev/null

# ---- 3. build ----------------------------------------------------------------------------------
jobs=${ASY_JOBS:-$(nproc 2>/dev/null || echo 2)}
cmake --build "$build_dir" -j "$jobs" < /dev/null

# ---- 4. smoke test -----------------------------------------------------------------------------
if [ $run_hello -eq 1 ]; then
    echo "setup: $build_dir/cli/asy scripts/hello.asy"
    "$build_dir/cli/asy" scripts/hello.asy < /dev/null
fi
