// Formatting exceptions as CPython 3.11 prints them: the traceback with source lines and
// `^~~~` position markers, chained causes/contexts, and the final `Type: message` line.
#pragma once

#include <string>
#include <vector>

#include "vm/vm.hpp"

namespace asy::vm {

// The full text CPython prints for an uncaught `exc` (ends with "\n"). Source lines come from
// VM::sources (filled by whoever runs code) or the file on disk; "<string>"-style names show
// none. Leaves vm.pending as it found it.
std::string format_exception(VM& vm, Value exc);
// Only the last line(s): "TypeName: message" (+ __notes__), as traceback.format_exception_only.
std::string format_exception_only(VM& vm, Value exc);
// CPython's "Did you mean" choice among `candidates` for a mistyped `name` ("" when none).
std::string best_suggestion(const std::vector<std::string>& candidates, const std::string& name);
// One source line, stripped ("" when unavailable), for warnings.
std::string source_line(VM& vm, const std::string& filename, int lineno);
// TracebackEntry::ip for "before the first instruction": shows the code's def line.
constexpr uint32_t kTracebackDefLine = 0xffffffffu;
// A traceback object for `exc` (tb_lineno, tb_lasti, tb_next, tb_frame None), or None when the
// exception has no traceback entries. For __exit__ arguments and __traceback__.
Value make_traceback(VM& vm, Value exc);
// Make `exc`'s traceback the one `tb` stands for (with_traceback / __traceback__ assignment):
// None clears it, a traceback object copies its exception's entries from its position on.
// False with TypeError pending for anything else.
bool assign_traceback(VM& vm, Value exc, Value tb);
void init_traceback_type(VM& vm);  // called by init_functions
// format_exception written to stderr through vm.write_out.
void print_exception(VM& vm, Value exc);

}  // namespace asy::vm
