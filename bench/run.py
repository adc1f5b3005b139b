#!/usr/bin/env python3
"""Runs the bench/*.py programs with CPython and with asy side by side and prints the ratios.

Each program runs with both interpreters in the same session, alternating, best of N runs.
Outputs must be identical; a program that asy fails on (or prints differently) is skipped and
reported. ratio = CPython time / asy time, so > 1 means asy is faster. The closing row is the
geometric mean of the ratios.

usage: bench/run.py [--asy PATH] [--python PY] [-n N] [--timeout S] [program ...]
"""
import argparse
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_once(cmd, timeout):
    """Returns (seconds, stdout, error or None) for one run of `cmd`."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=HERE, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, b"", f"timed out after {timeout}s"
    except OSError as e:
        return None, b"", str(e)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        how = (f"killed by signal {-p.returncode}" if p.returncode < 0
               else f"exit status {p.returncode}")
        return None, p.stdout, f"{how}: {err[-1] if err else '(no stderr)'}"
    return elapsed, p.stdout, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("programs", nargs="*", help="program names (default: all bench/*.py)")
    ap.add_argument("--asy", default=str(ROOT / "build" / "cli" / "asy"), help="asy binary")
    ap.add_argument("--python", default="python3", help="CPython interpreter")
    ap.add_argument("-n", "--runs", type=int, default=3, help="runs per interpreter (best is kept)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per run")
    opts = ap.parse_args()

    if opts.programs:
        progs = [HERE / (p if p.endswith(".py") else p + ".py") for p in opts.programs]
    else:
        progs = sorted(p for p in HERE.glob("*.py") if p.name != "run.py")
    if not os.access(opts.asy, os.X_OK):
        print(f"warning: {opts.asy} is not an executable; every program will be skipped",
              file=sys.stderr)

    rows, skipped = [], []
    for prog in progs:
        name = prog.stem
        best = {"py": math.inf, "asy": math.inf}
        outs = {}
        error = None
        for _ in range(opts.runs):
            for key, cmd in (("py", [opts.python, prog.name]), ("asy", [opts.asy, prog.name])):
                t, out, err = run_once(cmd, opts.timeout)
                if err:
                    error = f"{key}: {err}"
                    break
                if key in outs and outs[key] != out:
                    error = f"{key}: output differs between runs"
                    break
                outs[key] = out
                best[key] = min(best[key], t)
            if error:
                break
        if not error and outs["py"] != outs["asy"]:
            error = "output differs from CPython's"
        if error:
            skipped.append((name, error))
            print(f"  {name}: skipped ({error})", file=sys.stderr, flush=True)
            continue
        rows.append((name, best["py"], best["asy"], best["py"] / best["asy"]))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    print(f"{'program':<14} {'CPython s':>10} {'asy s':>10} {'ratio':>8}")
    for name, tp, ta, r in rows:
        print(f"{name:<14} {tp:>10.3f} {ta:>10.3f} {r:>8.2f}")
    if rows:
        gm = math.exp(sum(math.log(r) for _, _, _, r in rows) / len(rows))
        print(f"{'geomean':<14} {'':>10} {'':>10} {gm:>8.2f}")
    for name, why in skipped:
        print(f"skipped {name}: {why}")
    print(f"(best of {opts.runs}; ratio = CPython time / asy time, > 1 means asy is faster; "
          f"{len(rows)} compared, {len(skipped)} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
