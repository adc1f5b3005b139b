// The `traceback` module (the parts asyncio and scripts use): format_exception, format_exc,
// print_exc, print_exception — text identical to what an uncaught exception prints.
#include "stdlib/registry.hpp"
#include "vm/ops.hpp"
#include "vm/traceback.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

// The exception argument of format_exception(exc) / format_exception(type, value, tb).
Value exception_arg(VM& vm, const Args& a, const char* name) {
    if (a.npos == 0) {
        vm.raise_format(vm.exc.TypeError, "%s() missing required argument 'exc'", name);
        return Value::empty();
    }
    return a.npos >= 2 ? a.pos[1] : a.pos[0];
}

// Split formatted text into lines that keep their "\n", as CPython's list of strings.
Value text_to_lines(VM& vm, const std::string& text) {
    List* out = new_list(vm);
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        size_t end = nl == std::string::npos ? text.size() : nl + 1;
        out->items.push_back(str_value(vm, std::string_view(text).substr(start, end - start)));
        start = end;
    }
    return Value::object(out);
}

Value tb_format_exception(VM& vm, const Args& a) {
    Value exc = exception_arg(vm, a, "format_exception");
    if (exc.is_empty()) return exc;
    if (exc.is_none()) return text_to_lines(vm, "NoneType: None\n");
    return text_to_lines(vm, format_exception(vm, exc));
}

Value tb_format_exc(VM& vm, const Args& a) {
    Value exc = vm.handled_exception();
    if (exc.is_empty() || exc.is_none()) return str_value(vm, "NoneType: None\n");
    return str_value(vm, format_exception(vm, exc));
}

Value tb_print_exc(VM& vm, const Args& a) {
    Value exc = vm.handled_exception();
    vm.write_out(exc.is_empty() || exc.is_none() ? "NoneType: None\n" : format_exception(vm, exc), true);
    return Value::none();
}

Value tb_print_exception(VM& vm, const Args& a) {
    Value exc = exception_arg(vm, a, "print_exception");
    if (exc.is_empty()) return exc;
    vm.write_out(exc.is_none() ? "NoneType: None\n" : format_exception(vm, exc), true);
    return Value::none();
}

}  // namespace

bool init_traceback_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    def_function(vm, ns, "format_exception", tb_format_exception);
    def_function(vm, ns, "format_exc", tb_format_exc);
    def_function(vm, ns, "print_exc", tb_print_exc);
    def_function(vm, ns, "print_exception", tb_print_exception);
    return true;
}

}  // namespace asy::stdlib
