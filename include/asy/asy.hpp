// asy's C++ embedding API: the only header a host includes. It exposes no internal type.
//
// A `Runtime` owns one independent VM (no global state: create as many as you like, each used
// by one thread at a time). Run source or files with `exec` / `exec_file`; an uncaught script
// exception never escapes as a C++ exception: it comes back as a `Status` carrying the
// exception's type name, message and the traceback CPython would print.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "asy/version.hpp"

#if defined(_WIN32)
#define ASY_API __declspec(dllexport)
#else
#define ASY_API __attribute__((visibility("default")))
#endif

namespace asy {

// Options fixed when a Runtime is created.
struct Options {
    // sys.argv as the script sees it (argv[0] is the script path, as in CPython).
    std::vector<std::string> argv;
    // Module search path: directories searched for `NAME.asy` and `NAME/__init__.asy`, in order.
    // The directory of a file run with exec_file is searched first automatically.
    std::vector<std::string> path;
    // Bytes the script's heap may use; 0 = unlimited. Exceeding it raises MemoryError.
    size_t memory_limit = 0;
    // Maximum depth of nested calls before RecursionError (sys.setrecursionlimit can change it).
    int recursion_limit = 1000;
    // Receives everything the script prints (print, sys.stdout, sys.stderr, tracebacks are *not*
    // printed: they are returned in Status). Null: the process's stdout/stderr.
    std::function<void(std::string_view text, bool is_stderr)> output;
};

// The outcome of running code.
struct Status {
    bool ok = true;              // false: an exception (or syntax error) ended the run
    int exit_code = 0;           // what a CLI should exit with (SystemExit's code, 1 on error)
    bool system_exit = false;    // the run ended by SystemExit (sys.exit): not an error to report
    std::string error_type;      // "ZeroDivisionError", "SyntaxError", ...
    std::string message;         // str(exception)
    std::string traceback;       // the full report CPython would print to stderr
};

class ASY_API Runtime {
public:
    explicit Runtime(Options options = {});
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Compile and run `source` as module `module_name` (default "__main__"). `filename` appears
    // in tracebacks and syntax errors ("<string>" for -c, "<stdin>" for stdin).
    Status exec(std::string_view source, std::string_view filename = "<string>",
                std::string_view module_name = "__main__");
    // Read and run a file as __main__ (its directory joins the module search path).
    Status exec_file(const std::string& path);
    // The bytecode listing of `source` (as `asy --disasm` prints it), or a syntax error report in
    // `status`.
    std::string disassemble(std::string_view source, std::string_view filename, Status* status);

    // ---- interactive use (the REPL; api/interactive.cpp) ----
    // True when `source` is an unfinished interactive input that more lines could complete (an
    // open block whose last line is not blank, an open bracket or triple-quoted string, a
    // trailing backslash): the REPL then shows the "... " prompt and reads on.
    bool input_incomplete(std::string_view source);
    // Compile `source` as one interactive input (CPython's 'single' mode) and run it in the
    // persistent `__main__` module: expression statements print their repr and set `_`. An input
    // with top-level `await` / `async for` / `async with` runs as a coroutine on the REPL's
    // asyncio event loop (kept between inputs, so tasks created earlier progress while it runs).
    Status exec_interactive(std::string_view source, std::string_view filename = "<stdin>");
    // Tab-completion candidates for `word`: a name prefix (globals of `__main__`, builtins,
    // keywords) or `expr.attr` where expr is a dotted name (attributes from dir(expr)). Callables
    // get "(" appended, as CPython's rlcompleter does. Sorted, no duplicates.
    std::vector<std::string> complete(std::string_view word);
    // Ask the running code to stop with KeyboardInterrupt. Async-signal-safe (one lock-free
    // atomic store): meant for a SIGINT handler. `clear_interrupt` drops an unconsumed request
    // and says whether there was one.
    void request_interrupt();
    bool clear_interrupt();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// "asy 0.1.0"
ASY_API const char* version_string();

}  // namespace asy
