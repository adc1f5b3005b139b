#!/usr/bin/env python3
"""Runs the bench/*.py programs with CPython and with asy side by side and prints the ratios.

Each program runs with both interpreters in the same session, alternating, best of N runs.
Outputs must be identical; a program that asy fails on (or prints differently) is skipped and
reported. ratio = CPython time / asy time, so > 1 means asy is faster. The closing row is the
geometric mean of the ratios.

The async_*.py programs also run on CPython with uvloop's loop (bench/uvloop_run.py, on
--uvloop-python, by default /usr/bin/python3 where Debian's python3-uvloop lives); without
uvloop that column says n/a. Each row also shows the peak RSS of each interpreter (a program
may print "peak_mb N" on stderr to report its own figure, as async_memory does).

Times are CPU seconds (user + sys of the child) by default, because the machine is shared and
wall time mostly measures the other load; --clock wall measures elapsed time instead.

usage: bench/run.py [--asy PATH] [--python PY] [--uvloop-python PY] [-n N] [--timeout S]
                    [--clock cpu|wall] [program ...]
"""
import argparse
import math
import os
import threading
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_once(cmd, timeout, clock="cpu"):
    """Returns (seconds, stdout, error or None, peak MB) for one run of `cmd`."""
    start = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
    except OSError as e:
        return None, b"", str(e), None
    # Read both pipes on threads and reap the child with wait4 ourselves: its rusage gives this
    # child's own CPU time and peak RSS.
    chunks = {"out": b"", "err": b""}

    def drain(stream, key):
        chunks[key] = stream.read()

    readers = [threading.Thread(target=drain, args=(p.stdout, "out")),
               threading.Thread(target=drain, args=(p.stderr, "err"))]
    for r in readers:
        r.start()
    timed_out = []

    def kill():
        timed_out.append(True)
        p.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(p.pid, 0)
    timer.cancel()
    for r in readers:
        r.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    out, errout = chunks["out"], chunks["err"]
    if timed_out:
        return None, b"", f"timed out after {timeout}s", None
    peak = usage.ru_maxrss / 1024
    for line in errout.decode("utf-8", "replace").splitlines():
        if line.startswith("peak_mb "):
            peak = float(line.split()[1])
    if p.returncode != 0:
        err = errout.decode("utf-8", "replace").strip().splitlines()
        how = (f"killed by signal {-p.returncode}" if p.returncode < 0
               else f"exit status {p.returncode}")
        return None, out, f"{how}: {err[-1] if err else '(no stderr)'}", None
    cpu = usage.ru_utime + usage.ru_stime
    return (cpu if clock == "cpu" else elapsed), out, None, peak


def uvloop_available(python):
    try:
        p = subprocess.run([python, "-c", "import uvloop"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("programs", nargs="*", help="program names (default: all bench/*.py)")
    ap.add_argument("--asy", default=str(ROOT / "build" / "cli" / "asy"), help="asy binary")
    ap.add_argument("--python", default="python3", help="CPython interpreter")
    ap.add_argument("--uvloop-python", default="/usr/bin/python3",
                    help="CPython interpreter that has uvloop (async programs only)")
    ap.add_argument("-n", "--runs", type=int, default=3, help="runs per interpreter (best is kept)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per run")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="cpu: user+sys seconds of the child (default); wall: elapsed seconds")
    opts = ap.parse_args()
    # Programs run with bench/ as their working directory: resolve a relative binary first.
    if os.sep in opts.asy:
        opts.asy = os.path.abspath(opts.asy)

    if opts.programs:
        progs = [HERE / (p if p.endswith(".py") else p + ".py") for p in opts.programs]
    else:
        progs = sorted(p for p in HERE.glob("*.py") if p.name not in ("run.py", "uvloop_run.py"))
    if not os.access(opts.asy, os.X_OK):
        print(f"warning: {opts.asy} is not an executable; every program will be skipped",
              file=sys.stderr)
    has_uvloop = (any(p.name.startswith("async_") for p in progs)
                  and uvloop_available(opts.uvloop_python))

    rows, skipped = [], []
    for prog in progs:
        name = prog.stem
        cmds = [("py", [opts.python, prog.name])]
        if name.startswith("async_") and has_uvloop:
            cmds.append(("uv", [opts.uvloop_python, "uvloop_run.py", prog.name]))
        cmds.append(("asy", [opts.asy, prog.name]))
        best = {key: math.inf for key, _ in cmds}
        peak = {key: 0.0 for key, _ in cmds}
        outs = {}
        error = None
        for _ in range(opts.runs):
            for key, cmd in cmds:
                t, out, err, mb = run_once(cmd, opts.timeout, opts.clock)
                if err:
                    error = f"{key}: {err}"
                    break
                if key in outs and outs[key] != out:
                    error = f"{key}: output differs between runs"
                    break
                outs[key] = out
                best[key] = min(best[key], t)
                peak[key] = max(peak[key], mb or 0.0)
            if error:
                break
        if not error:
            for key in outs:
                if outs[key] != outs["py"]:
                    error = f"{key}: output differs from CPython's"
        if error:
            skipped.append((name, error))
            print(f"  {name}: skipped ({error})", file=sys.stderr, flush=True)
            continue
        rows.append((name, best, peak))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    def fmt(v, spec):
        return format(v, spec) if v is not None else "n/a"

    any_uv = any("uv" in best for _, best, _ in rows) or any(
        p.name.startswith("async_") for p in progs)
    head = f"{'program':<14} {'CPython s':>10}"
    if any_uv:
        head += f" {'uvloop s':>9}"
    head += f" {'asy s':>8} {'ratio':>7}"
    if any_uv:
        head += f" {'vs uvloop':>9}"
    head += f" {'MB py':>7}"
    if any_uv:
        head += f" {'MB uv':>7}"
    head += f" {'MB asy':>7}"
    print(head)
    ratios, uv_ratios = [], []
    for name, best, peak in rows:
        tp, ta, tu = best["py"], best["asy"], best.get("uv")
        ratio = tp / ta
        ratios.append(ratio)
        uv_ratio = tu / ta if tu is not None else None
        if uv_ratio is not None:
            uv_ratios.append(uv_ratio)
        line = f"{name:<14} {tp:>10.3f}"
        if any_uv:
            line += f" {fmt(tu, '9.3f'):>9}"
        line += f" {ta:>8.3f} {ratio:>7.2f}"
        if any_uv:
            line += f" {fmt(uv_ratio, '9.2f'):>9}"
        line += f" {peak['py']:>7.1f}"
        if any_uv:
            line += f" {fmt(peak.get('uv'), '7.1f'):>7}"
        line += f" {peak['asy']:>7.1f}"
        print(line)
    if ratios:
        gm = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        line = f"{'geomean':<14} {'':>10}"
        if any_uv:
            line += f" {'':>9}"
        line += f" {'':>8} {gm:>7.2f}"
        if any_uv and uv_ratios:
            gu = math.exp(sum(math.log(r) for r in uv_ratios) / len(uv_ratios))
            line += f" {gu:>9.2f}"
        print(line)
    for name, why in skipped:
        print(f"skipped {name}: {why}")
    uv_note = "" if not any_uv else (
        f"; vs uvloop = uvloop time / asy time" if has_uvloop else "; uvloop n/a (not installed)")
    print(f"(best of {opts.runs}, {opts.clock} seconds; ratio = CPython time / asy time, > 1 means "
          f"asy is faster{uv_note}; MB = peak RSS; {len(rows)} compared, {len(skipped)} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
