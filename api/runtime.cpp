// asy::Runtime: creates a VM with the standard modules, and runs source through the front end
// (parse -> compile -> load -> run), reporting errors as `Status` values.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api/runtime_impl.hpp"
#include "compiler/compiler.hpp"
#include "parser/parser.hpp"
#include "stdlib/registry.hpp"
#include "vm/ops.hpp"
#include "vm/traceback.hpp"

namespace asy {

namespace {

vm::VMOptions vm_options(const Options& o) {
    vm::VMOptions v;
    v.memory_limit = o.memory_limit;
    v.recursion_limit = o.recursion_limit;
    v.output = o.output;
    v.argv = o.argv.empty() ? std::vector<std::string>{""} : o.argv;
    v.path = o.path;
    return v;
}

}  // namespace

bool read_file(const std::string& path, std::string* out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    return true;
}

Runtime::Impl::Impl(Options opts) : vm(vm_options(opts)), path(opts.path) {
    stdlib::install_native_modules(vm);
    install_source_loader(*this);
    install_eval_builtins(*this);
}

std::shared_ptr<const vm::Code> Runtime::Impl::compile(std::string_view source, std::string_view filename,
                                                       ast::ParseMode mode, Status* status,
                                                       lex::Diagnostic* diag, uint32_t future_flags) {
    lex::SourceFile src{std::string(filename), std::string(source)};
    parse::ParseResult parsed = parse::parse(src, mode);
    std::vector<lex::Diagnostic> errors = std::move(parsed.errors);
    std::shared_ptr<const vm::Code> code;
    if (errors.empty()) {
        compile::CompileResult compiled = compile::compile(parsed.module, std::string(filename), future_flags);
        if (compiled.ok()) code = compiled.code;
        errors = std::move(compiled.errors);
    }
    if (code != nullptr) return code;
    // CPython reports the first syntax error only.
    const lex::Diagnostic& d = errors.front();
    if (diag != nullptr) *diag = d;
    status->ok = false;
    status->exit_code = 1;
    status->error_type = lex::diag_kind_name(d.kind);
    if (d.kind == lex::DiagKind::Incomplete) status->error_type = "SyntaxError";
    status->message = d.message;
    status->traceback = lex::format_diagnostic(d, &src);
    return nullptr;
}

Status Runtime::Impl::status_from_pending() {
    Status st;
    st.ok = false;
    st.exit_code = 1;
    vm::Value exc = vm.take_pending();
    if (exc.is_empty()) return st;
    if (exc.is_obj()) vm.heap.pin(exc.as_obj());  // only held here now: keep it alive while formatting
    vm::Type* type = vm::type_of(vm, exc);
    st.error_type = std::string(type->name->view());
    vm::Str* msg = vm::to_str(vm, exc);
    if (msg != nullptr) st.message = std::string(msg->view());
    vm.take_pending();  // str() of a broken exception must not leak into the next run
    if (vm::is_subtype(type, vm.exc.SystemExit)) {
        st.system_exit = true;
        vm::Value code = vm::get_attr_opt(vm, exc, vm.intern("code"));
        vm.take_pending();
        if (code.is_empty() || code.is_none()) {
            st.exit_code = 0;
        } else if (code.is_int() || code.is_bool()) {
            st.exit_code = static_cast<int>(code.is_int() ? code.as_int() & 0xff : code.as_bool());
        } else {
            // CPython prints a non-integer exit code to stderr and exits with status 1.
            vm::Str* s = vm::to_str(vm, code);
            vm.take_pending();
            st.traceback = s != nullptr ? std::string(s->view()) + "\n" : "\n";
            st.exit_code = 1;
        }
        st.ok = st.exit_code == 0;
        return st;
    }
    st.traceback = vm::format_exception(vm, exc);
    vm.take_pending();
    return st;
}

Status Runtime::Impl::run_module_source(std::string_view source, std::string_view filename,
                                        std::string_view module_name) {
    Status st;
    auto code = compile(source, filename, ast::ParseMode::Exec, &st);
    if (code == nullptr) return st;
    vm::TempRootScope scope(vm.heap);
    vm::Module* m = vm.new_module(module_name, filename);
    if (m == nullptr) return status_from_pending();
    vm::dict_set_str(vm, vm.modules, vm.intern(module_name), vm::Value::object(m));
    vm::Value result = vm.run_code(code, m->dict);
    if (result.is_empty()) return status_from_pending();
    return st;
}

Runtime::Runtime(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Runtime::~Runtime() = default;

Status Runtime::exec(std::string_view source, std::string_view filename, std::string_view module_name) {
    impl_->vm.register_source(std::string(filename), std::string(source));
    return impl_->run_module_source(source, filename, module_name);
}

Status Runtime::exec_file(const std::string& path) {
    std::string source;
    if (!read_file(path, &source)) {
        Status st;
        st.ok = false;
        st.exit_code = 2;
        st.error_type = "OSError";
        st.message = std::strerror(errno);
        st.traceback = "asy: can't open file '" + path + "': [Errno " + std::to_string(errno) + "] " +
                       std::strerror(errno) + "\n";
        return st;
    }
    size_t slash = path.rfind('/');
    add_search_dir(*impl_, slash == std::string::npos ? "" : path.substr(0, slash), true);
    return exec(source, path, "__main__");
}

std::string Runtime::disassemble(std::string_view source, std::string_view filename, Status* status) {
    Status st;
    auto code = impl_->compile(source, filename, ast::ParseMode::Exec, &st);
    if (status != nullptr) *status = st;
    return code != nullptr ? vm::disassemble(*code) : std::string();
}

const char* version_string() { return "asy " ASY_VERSION_STRING; }

}  // namespace asy
