// The interactive REPL of the `asy` command (SPEC.md §3): prompts, line editing and history
// (libedit), multi-line blocks, tab completion, top-level await, Ctrl-C and Ctrl-D.
#pragma once

#include "asy/asy.hpp"

namespace asy::cli {

// Reads inputs from stdin until EOF or SystemExit and runs them in `rt`; returns the exit status.
// `line_editing`: use libedit (stdin is a terminal); otherwise read plain lines and write the
// prompts to stderr, as `python3 -i` does when its input is a pipe.
int run_repl(Runtime& rt, bool line_editing);

}  // namespace asy::cli
