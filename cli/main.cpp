// The `asy` command: run a file, a -c string, stdin or a module; print version/help; show the
// bytecode of a file. Exit statuses follow CPython (1 after an uncaught exception, 2 for usage
// errors and unreadable files).
#ifdef ASY_WITH_MIMALLOC
#include <mimalloc.h>
#endif
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "asy/asy.hpp"
#include "cli/repl.hpp"

namespace {

const char kUsage[] =
    "usage: asy [option] ... [-c cmd | -m mod | file | -] [arg] ...\n"
    "Options:\n"
    "  -c cmd         program passed in as string (terminates option list)\n"
    "  -m mod         run library module as a script (terminates option list)\n"
    "  --disasm file  print the bytecode of file and exit\n"
    "  -i             inspect interactively after running the script or command; force the\n"
    "                 REPL even if stdin does not appear to be a terminal\n"
    "  -h, --help     print this help message and exit\n"
    "  -V, --version  print the version number and exit\n"
    "  file           program read from script file\n"
    "  -              program read from stdin (default; interactive mode if a tty)\n"
    "  arg ...        arguments passed to program in sys.argv[1:]\n"
    "Environment:\n"
    "  ASY_PATH       ':'-separated list of directories prefixed to the module search path\n"
    "  ASY_GC_STRESS  set to 1 to collect garbage at every allocation (debugging)\n";

std::vector<std::string> search_path_from_env() {
    std::vector<std::string> dirs;
    const char* env = std::getenv("ASY_PATH");
    if (env == nullptr) return dirs;
    std::stringstream ss(env);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (!dir.empty()) dirs.push_back(dir);
    }
    return dirs;
}

int finish(const asy::Status& st) {
    std::fflush(stdout);
    if (!st.traceback.empty()) std::fputs(st.traceback.c_str(), stderr);
    return st.exit_code;
}

std::string read_stdin() {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

}  // namespace

// After `-i FILE` / `-i -c CMD`: the REPL in the script's __main__, as `python3 -i` does (not
// after SystemExit).
int finish_interactive(asy::Runtime& rt, const asy::Status& st) {
    if (st.system_exit) return finish(st);
    std::fflush(stdout);
    if (!st.ok) std::fputs(st.traceback.c_str(), stderr);
    return asy::cli::run_repl(rt, isatty(STDIN_FILENO) != 0);
}

int main(int argc, char** argv) {
#ifdef ASY_WITH_MIMALLOC
    // 2 MiB pages (transparent huge pages via madvise) for the heap: with 4 KiB pages a large
    // live heap spends most of the collector's marking in TLB misses and page faults
    // (async_gather: 1.0 s -> 0.3 s user time). Can be overridden with MIMALLOC_LARGE_OS_PAGES.
    if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_set(mi_option_large_os_pages, 1);
#endif
    asy::Options options;
    bool interactive = false;
    options.path = search_path_from_env();

    int i = 1;
    for (; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "-i") {
            interactive = true;
            continue;
        }
        if (arg == "-V" || arg == "--version") {
            std::printf("%s\n", asy::version_string());
            return 0;
        }
        if (arg == "--disasm" || arg == "--dis") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "asy: %s requires a file argument\n%s", arg.c_str(), kUsage);
                return 2;
            }
            std::string path = argv[i + 1];
            std::ifstream in(path, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "asy: can't open file '%s': [Errno %d] %s\n", path.c_str(), errno,
                             std::strerror(errno));
                return 2;
            }
            std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            asy::Runtime rt(options);
            asy::Status st;
            std::string listing = rt.disassemble(source, path, &st);
            if (!st.ok) return finish(st);
            std::fputs(listing.c_str(), stdout);
            return 0;
        }
        if (arg == "-c") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "Argument expected for the -c option\n%s", kUsage);
                return 2;
            }
            options.argv.push_back("-c");
            for (int j = i + 2; j < argc; ++j) options.argv.push_back(argv[j]);
            options.path.insert(options.path.begin(), "");
            asy::Runtime rt(options);
            asy::Status st = rt.exec(argv[i + 1], "<string>");
            return interactive ? finish_interactive(rt, st) : finish(st);
        }
        if (arg == "-m") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "Argument expected for the -m option\n%s", kUsage);
                return 2;
            }
            options.argv.push_back(argv[i + 1]);
            for (int j = i + 2; j < argc; ++j) options.argv.push_back(argv[j]);
            options.path.insert(options.path.begin(), "");
            asy::Runtime rt(options);
            // `-m name` runs the module file found on the search path as __main__.
            std::string mod = argv[i + 1];
            std::string rel = mod;
            for (char& c : rel) if (c == '.') c = '/';
            for (const std::string& dir : options.path) {
                std::string file = (dir.empty() ? "" : dir + "/") + rel + ".asy";
                if (access(file.c_str(), R_OK) == 0) return finish(rt.exec_file(file));
            }
            std::fprintf(stderr, "asy: No module named %s\n", mod.c_str());
            return 1;
        }
        if (arg == "-") break;
        if (arg.size() > 1 && arg[0] == '-') {
            std::fprintf(stderr, "Unknown option: %s\n%s", arg.c_str(), kUsage);
            return 2;
        }
        break;
    }

    if (i >= argc || std::string(argv[i]) == "-") {
        // No file: the REPL when stdin is a terminal (or with -i), else run stdin as a script.
        bool dash = i < argc;
        options.argv.push_back(dash ? "-" : "");
        for (int j = i + 1; j < argc; ++j) options.argv.push_back(argv[j]);
        options.path.insert(options.path.begin(), "");
        asy::Runtime rt(options);
        bool tty = isatty(STDIN_FILENO) != 0;
        if (interactive || (!dash && tty)) return asy::cli::run_repl(rt, tty);
        return finish(rt.exec(read_stdin(), "<stdin>"));
    }

    std::string path = argv[i];
    for (int j = i; j < argc; ++j) options.argv.push_back(argv[j]);
    asy::Runtime rt(options);
    asy::Status st = rt.exec_file(path);
    return interactive ? finish_interactive(rt, st) : finish(st);
}
