#!/usr/bin/env python3
"""Runs a bench program with uvloop's event loop policy installed: uvloop_run.py PROGRAM.py.
Exits with status 3 (and a message) if uvloop is not importable, so bench/run.py can say n/a."""
import runpy
import sys

try:
    import uvloop
except ImportError:
    print("uvloop is not installed", file=sys.stderr)
    sys.exit(3)

uvloop.install()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
