// Interactive use of a Runtime (the REPL's engine): inputs compiled in 'single' mode into one
// persistent __main__, top-level await driven on a kept asyncio loop, tab completion, interrupts.
#include <algorithm>
#include <cctype>
#include <set>

#include "api/runtime_impl.hpp"
#include "parser/parser.hpp"
#include "vm/frame.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"

namespace asy {

// Per-Runtime REPL state. Owned jointly by Impl and the GC root tracer that keeps its objects
// alive (the tracer may outlive Impl's other fields during VM teardown).
struct InteractiveState {
    vm::Module* main = nullptr;   // the persistent __main__
    vm::Value runner;             // `run(coro)` of kRunnerSource, Empty until the first await
};

namespace {

// Runs a top-level-await input (a coroutine) to completion on the REPL's event loop. The loop is
// asyncio's default loop, kept across inputs so tasks created by earlier inputs are still on it
// and run whenever a later input awaits. Returns None, or the exception the input raised (not
// raised here, so the REPL can trim the asyncio frames off its traceback).
const char kRunnerSource[] = R"(
import asyncio

_loop = None

def _repl_loop():
    global _loop
    if _loop is None or _loop.is_closed():
        try:
            _loop = asyncio.get_event_loop()
        except RuntimeError:
            _loop = None
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
    # asyncio.run() in an earlier input resets the default loop: put ours back.
    asyncio.set_event_loop(_loop)
    return _loop

def run(coro):
    try:
        loop = _repl_loop()
    except BaseException:
        coro.close()
        raise
    task = loop.create_task(coro)
    try:
        loop.run_until_complete(task)
    except BaseException as exc:
        # run_until_complete left by an exception (KeyboardInterrupt, SystemExit): its stop
        # callback may still be queued and would stop the next run at once. One turn of the
        # loop runs it off (and delivers the cancel below).
        done = task.done()
        if not done:
            task.cancel()
        try:
            loop.call_soon(loop.stop)
            loop.run_forever()
        except BaseException:
            pass
        if not done:
            # Interrupted while another task (or the loop itself) was running.
            return exc
    if task.cancelled():
        return asyncio.CancelledError()
    return task.exception()
)";

const char* const kKeywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
    "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
};

bool is_identifier(std::string_view s) {
    if (s.empty()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        bool ok = c == '_' || std::isalpha(c) || c >= 0x80 || (i > 0 && std::isdigit(c));
        if (!ok) return false;
    }
    return true;
}

InteractiveState& state(Runtime::Impl& impl) {
    if (impl.interactive == nullptr) {
        auto st = std::make_shared<InteractiveState>();
        impl.vm.root_tracers.push_back([st](vm::Tracer& t) {
            if (st->main != nullptr) t.mark(vm::Value::object(st->main));
            t.mark(st->runner);
        });
        impl.interactive = st;
    }
    return *impl.interactive;
}

// The persistent __main__: the one a script run before left in sys.modules (`asy -i FILE`), or
// a fresh one created on first use (like CPython's, without __file__).
vm::Module* main_module(Runtime::Impl& impl) {
    InteractiveState& st = state(impl);
    if (st.main == nullptr) {
        vm::Value existing = vm::dict_get_str(impl.vm.modules, impl.vm.intern("__main__"));
        if (existing.is_obj() && existing.o->type->layout == vm::Layout::Module) {
            st.main = static_cast<vm::Module*>(existing.o);
            return st.main;
        }
        vm::Module* m = impl.vm.new_module("__main__");
        if (m == nullptr) return nullptr;
        st.main = m;
        vm::dict_set_str(impl.vm, impl.vm.modules, impl.vm.intern("__main__"), vm::Value::object(m));
    }
    return st.main;
}

vm::Value runner(Runtime::Impl& impl) {
    InteractiveState& st = state(impl);
    if (!st.runner.is_empty()) return st.runner;
    Status status;
    auto code = impl.compile(kRunnerSource, "<asy-repl>", ast::ParseMode::Exec, &status);
    if (code == nullptr) {
        return impl.vm.raise(impl.vm.exc.SystemError, "asy: the REPL's asyncio runner does not compile");
    }
    vm::Module* m = impl.vm.new_module("_asy_repl");
    if (m == nullptr) return vm::Value::empty();
    if (impl.vm.run_code(code, m->dict).is_empty()) return vm::Value::empty();
    st.runner = vm::dict_get_str(m->dict, impl.vm.intern("run"));
    return st.runner;
}

// A traceback of an input run on the loop starts in asyncio (Task.__step, run_until_complete):
// drop the entries before the input's own frame so it reads as CPython's REPL's does.
void trim_traceback(vm::Value exc, std::string_view filename) {
    if (!exc.is_obj() || exc.o->type->layout != vm::Layout::Exception) return;
    auto& tb = static_cast<vm::Exception*>(exc.o)->traceback;
    for (size_t i = 0; i < tb.size(); ++i) {
        vm::CodeObj* code = tb[i].code;
        if (code != nullptr && code->filename != nullptr && code->filename->view() == filename) {
            tb.assign_tail(tb, i);
            return;
        }
    }
}

// Runs a coroutine-flagged module code in `globals` on the REPL loop.
Status run_coroutine_input(Runtime::Impl& impl, std::shared_ptr<const vm::Code> code, vm::Dict* globals,
                           std::string_view filename) {
    vm::VM& vm = impl.vm;
    vm::Value run = runner(impl);
    if (run.is_empty()) return impl.status_from_pending();
    // A function only to own the frame as coroutines expect; module code keeps globals as its
    // locals (STORE_NAME), which a plain call of a function would not give it.
    vm::CodeObj* co = vm::load_code(vm, std::move(code));
    auto* fn = vm.alloc<vm::Function>(vm.types.function);
    fn->code = co;
    fn->globals = globals;
    fn->name = vm::Value::object(co->name);
    fn->qualname = vm::Value::object(co->qualname);
    fn->module = vm::Value::object(vm.intern("__main__"));
    fn->doc = vm::Value::none();
    vm::Frame* frame = vm::new_frame(vm, co, fn, globals, globals);
    vm::Generator* coro = vm::new_generator(vm, fn, frame);
    vm::Value result = vm.call(run, {vm::Value::object(coro)});
    if (result.is_empty()) {
        trim_traceback(vm.pending, filename);
        return impl.status_from_pending();
    }
    if (result.is_none()) return Status{};
    trim_traceback(result, filename);
    vm.pending = result;
    return impl.status_from_pending();
}

void add_match(std::set<std::string>& out, std::string_view name, std::string_view prefix) {
    if (name.substr(0, prefix.size()) == prefix) out.insert(std::string(name));
}

}  // namespace

bool Runtime::input_incomplete(std::string_view source) {
    lex::SourceFile src{"<stdin>", std::string(source)};
    parse::ParseResult parsed = parse::parse(src, ast::ParseMode::Single);
    if (!parsed.incomplete()) return false;
    // As CPython's codeop: more lines only help when the parser ran into the end of the input
    // without a real error on the way (`def f(:` is an error at once, though '(' is open).
    for (const lex::Diagnostic& d : parsed.errors) {
        if (d.kind == lex::DiagKind::Incomplete || d.col == -1) continue;
        const std::string& m = d.message;
        bool at_eof = m.find("was never closed") != std::string::npos ||
                      m.rfind("unterminated triple-quoted string", 0) == 0 ||
                      m == "unexpected EOF while parsing";
        if (!at_eof) return false;
    }
    return true;
}

Status Runtime::exec_interactive(std::string_view source, std::string_view filename) {
    Impl& impl = *impl_;
    Status st;
    auto code = impl.compile(source, filename, ast::ParseMode::Single, &st);
    if (code == nullptr) return st;
    vm::TempRootScope scope(impl.vm.heap);
    vm::Module* m = main_module(impl);
    if (m == nullptr) return impl.status_from_pending();
    if (code->flags & vm::kCoCoroutine) return run_coroutine_input(impl, code, m->dict, filename);
    if (impl.vm.run_code(code, m->dict).is_empty()) return impl.status_from_pending();
    return st;
}

std::vector<std::string> Runtime::complete(std::string_view word) {
    Impl& impl = *impl_;
    vm::VM& vm = impl.vm;
    vm::TempRootScope scope(vm.heap);
    vm::Module* m = main_module(impl);
    std::set<std::string> names;
    std::vector<std::string> out;
    if (m == nullptr) {
        vm.take_pending();
        return out;
    }
    vm::Value callable = vm::dict_get_str(vm.builtins, vm.intern("callable"));
    // rlcompleter's "(" after callables (an error or a non-callable adds nothing).
    auto decorate = [&](const std::string& text, vm::Value value) {
        std::string s = text;
        if (!value.is_empty() && !callable.is_empty()) {
            vm::Value r = vm.call(callable, {value});
            if (r.is_bool() && r.as_bool()) s += "(";
        }
        vm.take_pending();
        return s;
    };
    size_t dot = word.rfind('.');
    if (dot == std::string_view::npos) {
        for (const char* kw : kKeywords) add_match(names, kw, word);
        for (vm::Dict* d : {m->dict, vm.builtins}) {
            for (const auto& e : d->entries)
                if (vm::is_str(e.key)) add_match(names, vm::as_str(e.key)->view(), word);
        }
        for (const std::string& n : names) {
            vm::Value v = vm::dict_get_str(m->dict, vm.intern(n));
            if (v.is_empty()) v = vm::dict_get_str(vm.builtins, vm.intern(n));
            bool keyword = std::find_if(std::begin(kKeywords), std::end(kKeywords),
                                        [&](const char* k) { return n == k; }) != std::end(kKeywords);
            out.push_back(keyword ? n : decorate(n, v));
        }
        return out;
    }
    // `a.b.c.pre`: look the dotted name up (no arbitrary evaluation), then filter dir() by `pre`.
    std::string_view base = word.substr(0, dot);
    std::string_view prefix = word.substr(dot + 1);
    vm::Value obj;
    size_t start = 0;
    while (true) {
        size_t next = base.find('.', start);
        std::string_view part = base.substr(start, next == std::string_view::npos ? base.size() - start : next - start);
        if (!is_identifier(part)) return out;
        vm::Str* name = vm.intern(part);
        if (start == 0) {
            obj = vm::dict_get_str(m->dict, name);
            if (obj.is_empty()) obj = vm::dict_get_str(vm.builtins, name);
        } else {
            obj = vm::get_attr_opt(vm, obj, name);
        }
        if (obj.is_empty()) {
            vm.take_pending();
            return out;
        }
        if (next == std::string_view::npos) break;
        start = next + 1;
    }
    vm::Value dir = vm::dict_get_str(vm.builtins, vm.intern("dir"));
    vm::Value listing = dir.is_empty() ? vm::Value::empty() : vm.call(dir, {obj});
    if (listing.is_empty() || !listing.is_obj() || listing.o->type->layout != vm::Layout::List) {
        vm.take_pending();
        return out;
    }
    // As rlcompleter: no private names unless asked for with "_", no dunders unless with "__".
    std::string_view hide = prefix.empty() ? "_" : prefix == "_" ? "__" : "";
    for (vm::Value item : static_cast<vm::List*>(listing.o)->items) {
        if (!vm::is_str(item)) continue;
        std::string_view n = vm::as_str(item)->view();
        if (!hide.empty() && n.substr(0, hide.size()) == hide) continue;
        add_match(names, n, prefix);
    }
    std::string head(word.substr(0, dot + 1));
    for (const std::string& n : names) {
        vm::Value v = vm::get_attr_opt(vm, obj, vm.intern(n));
        vm.take_pending();
        out.push_back(decorate(head + n, v));
    }
    return out;
}

void Runtime::request_interrupt() { impl_->vm.interrupt_requested.store(true, std::memory_order_relaxed); }

bool Runtime::clear_interrupt() { return impl_->vm.interrupt_requested.exchange(false); }

}  // namespace asy
