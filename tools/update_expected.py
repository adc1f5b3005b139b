#!/usr/bin/env python3
"""Regenerate script-test expectations from CPython 3.11.

For each tests/scripts/NAME.asy (or the names / paths given) this runs `python3 NAME.asy`
with the script's directory as cwd and writes NAME.out (stdout); when the exit status is
non-zero it also writes NAME.err (stderr, exact; also written when a script exits 0 but writes
to stderr) and NAME.status, and removes stale ones otherwise. Files whose first line is `# asy-only` keep their hand-written expectations.
Optional NAME.args (one argument per line) and NAME.in (stdin) are used as the runner uses them.

usage: tools/update_expected.py [--check] [--python PY] [NAME|PATH ...]
"""
import argparse
import difflib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "tests" / "scripts"
ASY_ONLY = "# asy-only"


def resolve(arg):
    """A bare name means tests/scripts/NAME.asy; anything with a slash or suffix is a path."""
    if "/" in arg or arg.endswith(".asy"):
        p = Path(arg)
        if p.suffix != ".asy":
            p = p.with_suffix(".asy")
        return p.resolve()
    return DEFAULT_DIR / (arg + ".asy")


def is_asy_only(script):
    with open(script, encoding="utf-8", errors="replace") as f:
        return f.readline().rstrip("\n") == ASY_ONLY


def run_cpython(python, script):
    d = script.parent
    name = script.stem
    args = []
    args_file = d / (name + ".args")
    if args_file.exists():
        args = args_file.read_text(encoding="utf-8").splitlines()
    in_file = d / (name + ".in")
    stdin = in_file.read_bytes() if in_file.exists() else b""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONUTF8="1", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", LC_ALL="C.UTF-8")
    proc = subprocess.run([python, script.name, *args], cwd=d, input=stdin, capture_output=True,
                          env=env, timeout=120)
    # CPython 3.11 names the main script by its absolute path; expectations use the name as given.
    err = proc.stderr.replace((str(d) + "/").encode(), b"")
    real = os.path.realpath(d) + "/"
    err = err.replace(real.encode(), b"")
    return proc.stdout, err, proc.returncode


def show_change(path, old, new):
    old_lines = old.decode("utf-8", "replace").splitlines(keepends=True)
    new_lines = new.decode("utf-8", "replace").splitlines(keepends=True)
    sys.stdout.writelines(difflib.unified_diff(old_lines, new_lines, f"{path.name} (old)",
                                               f"{path.name} (new)"))
    if old_lines and not old_lines[-1].endswith("\n"):
        print()


def put(path, data, check):
    """Write `data` to `path` (None removes it); report and return whether it changed."""
    old = path.read_bytes() if path.exists() else None
    if old == data:
        return False
    if old is not None and data is not None:
        print(f"changed: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        show_change(path, old, data)
    elif data is None:
        print(f"removed: {path.name}")
    else:
        print(f"new: {path.name}")
    if not check:
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="script names in tests/scripts, or paths to .asy files")
    ap.add_argument("--python", default="python3", help="CPython 3.11 interpreter (default python3)")
    ap.add_argument("--check", action="store_true", help="only report differences, write nothing")
    opts = ap.parse_args()

    ver = subprocess.run([opts.python, "-c", "import sys; print(sys.version_info[:2])"],
                         capture_output=True, text=True).stdout.strip()
    if ver != "(3, 11)":
        print(f"warning: {opts.python} is {ver}, expectations are defined by CPython 3.11",
              file=sys.stderr)

    scripts = [resolve(n) for n in opts.names] if opts.names else sorted(DEFAULT_DIR.glob("*.asy"))
    changed = skipped = 0
    for script in scripts:
        if not script.exists():
            print(f"no such script: {script}", file=sys.stderr)
            return 2
        if is_asy_only(script):
            skipped += 1
            continue
        out, err, status = run_cpython(opts.python, script)
        base = script.with_suffix("")
        failed = status != 0
        c = put(base.with_suffix(".out"), out, opts.check)
        # stderr is kept whenever there is any (a script may print warnings and still exit 0).
        c |= put(base.with_suffix(".err"), err if (failed or err) else None, opts.check)
        c |= put(base.with_suffix(".status"), f"{status}\n".encode() if failed else None, opts.check)
        changed += c
    print(f"{len(scripts)} scripts, {changed} changed, {skipped} asy-only skipped")
    return 1 if (opts.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
