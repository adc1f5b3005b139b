// The interactive REPL: reads inputs line by line (libedit on a terminal, plain lines otherwise),
// asks the runtime whether an input needs more lines, runs complete ones, and handles SIGINT.
#include "cli/repl.hpp"

#include <editline/readline.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace asy::cli {

namespace {

// Installed into builtins when the REPL starts: `help` (CPython's comes from site/pydoc; this
// one only shows an object's docstring).
const char kSiteSource[] = R"(
import builtins

class _Helper:
    def __repr__(self):
        return 'Type help(object) for help about object.'

    def __call__(self, *args):
        if not args:
            print('Type help(object) for help about object: its docstring is shown.')
            return
        obj = args[0]
        name = getattr(obj, '__qualname__', None) or getattr(obj, '__name__', None)
        if name is None:
            print(f'Help on {type(obj).__name__} object:\n')
            obj = type(obj)
        elif isinstance(obj, type):
            print(f'Help on class {name}:\n')
        else:
            print(f'Help on {type(obj).__name__} {name}:\n')
        doc = getattr(obj, '__doc__', None)
        print(doc if doc else '(no documentation)')

builtins.help = _Helper()
)";

// Word delimiters for completion: readline's minus '.', so `obj.attr` is one word (as CPython).
char kWordBreaks[] = " \t\n`~!@#$%^&*()-=+[{]}\\|;:'\",<>/?";

Runtime* g_runtime = nullptr;
volatile std::sig_atomic_t g_sigint = 0;    // SIGINT arrived (read at the prompt)
volatile std::sig_atomic_t g_running = 0;   // an input is running (not at the prompt)

void on_sigint(int) {
    g_sigint = 1;
    if (g_running == 0 || g_runtime == nullptr) return;
    // A second Ctrl-C while the first is still unconsumed: the code is stuck where the VM does
    // not look at the flag (a blocking native call, or a VM without the interrupt check). Leave
    // rather than hang the terminal.
    if (g_runtime->clear_interrupt()) {
        const char msg[] = "\nKeyboardInterrupt: the running code does not stop; leaving the REPL\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(130);
    }
    g_runtime->request_interrupt();
}

void install_sigint_handler() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a read at the prompt must return with EINTR
    sigaction(SIGINT, &sa, nullptr);
}

// ---- tab completion (libedit's readline interface) ---------------------------------------------

std::vector<std::string> g_matches;

char* next_match(const char* text, int state) {
    static size_t next = 0;
    if (state == 0) {
        g_matches = g_runtime->complete(text);
        next = 0;
    }
    if (next >= g_matches.size()) return nullptr;
    return strdup(g_matches[next++].c_str());
}

char** attempt_completion(const char* text, int start, int /*end*/) {
    rl_attempted_completion_over = 1;  // never fall back to file names
    // Tab in the indentation of a line indents (4 spaces), as CPython's completer does.
    bool blank = text[0] == '\0';
    for (int i = 0; blank && i < start && rl_line_buffer[i] != '\0'; ++i)
        blank = rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t';
    if (blank) {
        // As the only "match", so libedit inserts and redraws it (rl_insert_text does not redraw).
        // A second Tab right after it makes libedit list that "match" on a new line first.
        auto** matches = static_cast<char**>(std::malloc(2 * sizeof(char*)));
        matches[0] = strdup("    ");
        matches[1] = nullptr;
        return matches;
    }
    return rl_completion_matches(text, next_match);
}

std::string history_path() {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') return {};
    return std::string(home) + "/.asy_history";
}

// ---- reading lines --------------------------------------------------------------------------------

enum class Read { Line, Eof, Interrupt };

Read read_edited(const char* prompt, std::string* out) {
    g_sigint = 0;
    char* line = readline(prompt);
    if (g_sigint) {
        std::free(line);
        return Read::Interrupt;
    }
    if (line == nullptr) return Read::Eof;
    *out = line;
    std::free(line);
    return Read::Line;
}

Read read_plain(const char* prompt, std::string* out) {
    g_sigint = 0;
    std::fputs(prompt, stderr);
    std::fflush(stderr);
    out->clear();
    for (;;) {
        int c = std::fgetc(stdin);
        if (c == EOF) {
            if (g_sigint) {
                std::clearerr(stdin);
                return Read::Interrupt;
            }
            if (std::ferror(stdin) && errno == EINTR) {
                std::clearerr(stdin);
                continue;
            }
            return out->empty() ? Read::Eof : Read::Line;
        }
        if (c == '\n') return Read::Line;
        *out += static_cast<char>(c);
    }
}

bool blank(const std::string& s) {
    return s.find_first_not_of(" \t\r\n\f") == std::string::npos;
}

}  // namespace

int run_repl(Runtime& rt, bool line_editing) {
    g_runtime = &rt;
    std::fprintf(stderr, "%s (Python 3.11 compatible) on linux\nType \"help\" for more information.\n",
                 version_string());
    {
        Status st = rt.exec(kSiteSource, "<asy-site>", "_asy_site");
        if (!st.ok) std::fputs(st.traceback.c_str(), stderr);
    }
    std::string hist = history_path();
    if (line_editing) {
        rl_readline_name = "asy";
        rl_catch_signals = 0;
        rl_attempted_completion_function = attempt_completion;
        rl_basic_word_break_characters = kWordBreaks;
        rl_completer_word_break_characters = kWordBreaks;
        rl_completion_append_character = '\0';
        using_history();
        stifle_history(1000);
        if (!hist.empty()) read_history(hist.c_str());
    }
    install_sigint_handler();

    std::string buffer;  // the input so far (lines joined by '\n')
    bool more = false;
    bool eof = false;    // input ended with an unfinished block still to run
    for (;;) {
        const char* prompt = more ? "... " : ">>> ";
        std::fflush(stdout);
        std::string line;
        Read r = line_editing ? read_edited(prompt, &line) : read_plain(prompt, &line);
        if (r == Read::Interrupt) {
            // As CPython: the partial input is dropped and a fresh prompt follows.
            std::fputs("\nKeyboardInterrupt\n", stderr);
            buffer.clear();
            more = false;
            continue;
        }
        if (r == Read::Eof) {
            // libedit echoes the Ctrl-D that ends input as "^D": rub it out, as CPython shows none.
            std::fputs(line_editing ? "\b\b  \n" : "\n", stderr);
            if (buffer.empty()) break;
            // As CPython: an unfinished block at the end of the input still runs.
            buffer += '\n';
            eof = true;
        } else {
            if (line_editing && !blank(line)) {
                add_history(line.c_str());
                if (!hist.empty()) write_history(hist.c_str());
            }
            buffer += line;
            buffer += '\n';
            if (blank(buffer)) {
                buffer.clear();
                more = false;
                continue;
            }
            if (rt.input_incomplete(buffer)) {
                more = true;
                continue;
            }
        }
        std::string source;
        source.swap(buffer);
        more = false;

        rt.clear_interrupt();
        g_sigint = 0;
        g_running = 1;
        Status st = rt.exec_interactive(source, "<stdin>");
        g_running = 0;
        rt.clear_interrupt();  // a request the code never looked at must not hit the next input
        std::fflush(stdout);
        if (st.system_exit) {
            if (!st.traceback.empty()) std::fputs(st.traceback.c_str(), stderr);
            g_runtime = nullptr;
            return st.exit_code;
        }
        if (!st.ok) std::fputs(st.traceback.c_str(), stderr);
        if (eof) break;
    }
    g_runtime = nullptr;
    return 0;
}

}  // namespace asy::cli
