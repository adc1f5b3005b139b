// Helpers shared by the container files only (list/tuple/dict/set/range/iterators): self and
// argument checks worded as CPython's, the repr recursion guard, and the per-file init hooks.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

#include "vm/objects/containers.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"

namespace asy::vm::detail {

// `self` of a method of built-in type `type` (or a subclass): CPython's messages when the
// method was called through the class with nothing or a foreign object.
inline Obj* method_self(VM& vm, const Args& a, Type* type, const char* mname) {
    if (a.npos == 0) {
        vm.raise_format(vm.exc.TypeError, "unbound method %s.%s() needs an argument",
                        std::string(type->name->view()).c_str(), mname);
        return nullptr;
    }
    Value s = a.pos[0];
    if (s.is_obj() && (s.o->type == type || is_subtype(s.o->type, type))) return s.o;
    vm.raise_format(vm.exc.TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                    mname, std::string(type->name->view()).c_str(), type_name(vm, s).c_str());
    return nullptr;
}

// Number of positional arguments after self, checked against [min, max] with CPython's
// wording: METH_NOARGS ("list.copy() takes no arguments (1 given)"), METH_O ("list.append()
// takes exactly one argument (0 given)") or Argument Clinic ("pop expected at most 1 argument,
// got 2"). `qual` is "type.method". Keyword arguments are refused unless `allow_kw`.
inline bool method_args(VM& vm, const Args& a, const char* qual, uint32_t min, uint32_t max,
                        bool allow_kw = false) {
    if (!allow_kw && a.kwnames != nullptr && !a.kwnames->items.empty()) {
        vm.raise_format(vm.exc.TypeError, "%s() takes no keyword arguments", qual);
        return false;
    }
    uint32_t n = a.npos - 1;
    if (n >= min && n <= max) return true;
    const char* dot = std::strrchr(qual, '.');
    const char* shortname = dot ? dot + 1 : qual;
    if (max == 0) {
        vm.raise_format(vm.exc.TypeError, "%s() takes no arguments (%u given)", qual, n);
    } else if (min == 1 && max == 1) {
        vm.raise_format(vm.exc.TypeError, "%s() takes exactly one argument (%u given)", qual, n);
    } else if (min == max) {
        vm.raise_format(vm.exc.TypeError, "%s expected %u argument%s, got %u", shortname, min,
                        min == 1 ? "" : "s", n);
    } else if (n < min) {
        vm.raise_format(vm.exc.TypeError, "%s expected at least %u argument%s, got %u", shortname, min,
                        min == 1 ? "" : "s", n);
    } else {
        vm.raise_format(vm.exc.TypeError, "%s expected at most %u argument%s, got %u", shortname, max,
                        max == 1 ? "" : "s", n);
    }
    return false;
}

inline uint32_t kw_count(const Args& a) { return a.kwnames ? static_cast<uint32_t>(a.kwnames->items.size()) : 0; }
inline std::string_view kw_name(const Args& a, uint32_t i) {
    return static_cast<Str*>(a.kwnames->items[i].o)->view();
}

// The "repr in progress" guard: `active` is false when `o` is already being repr'd (print
// "[...]"); the destructor pops it again.
struct ReprGuard {
    VM& vm;
    Obj* o;
    bool active;
    ReprGuard(VM& v, Obj* obj) : vm(v), o(obj), active(true) {
        for (Obj* x : vm.repr_stack)
            if (x == obj) { active = false; return; }
        vm.repr_stack.push_back(obj);
    }
    ~ReprGuard() {
        if (active && !vm.repr_stack.empty() && vm.repr_stack.back() == o) vm.repr_stack.pop_back();
    }
    ReprGuard(const ReprGuard&) = delete;
    ReprGuard& operator=(const ReprGuard&) = delete;
};

// Append repr(v) to out; false with an exception pending on error.
inline bool append_repr(VM& vm, std::string& out, Value v) {
    Str* r = repr(vm, v);
    if (r == nullptr) return false;
    out += r->view();
    return true;
}

inline Value str_result(VM& vm, const std::string& s) { return Value::object(new_str(vm, s)); }

// Raise KeyError(key) with the key itself as the argument (repr'd by str(KeyError)).
inline Value raise_key_error(VM& vm, Value key) {
    return vm.raise_value(new_exception_args(vm, vm.exc.KeyError, &key, 1));  // no class call
}

inline bool is_exact(const VM& vm, Value v, Type* t) { return v.is_obj() && v.o->type == t; }
inline bool has_layout(Value v, Layout l) { return v.is_obj() && v.o->type->layout == l; }

// Fast "a < b" for the common built-in cases; falls back to the protocol. 1, 0, -1 error.
int less_than(VM& vm, Value a, Value b);
// a == b with the identity shortcut of PyObject_RichCompareBool. 1, 0, -1 error.
inline int same_or_equal(VM& vm, Value a, Value b) {
    if (a.identical(b)) return 1;
    if (a.is_int() && b.is_int()) return a.i == b.i;
    return equals(vm, a, b);
}

// The count of `seq * n`: int-like or __index__ values; "can't multiply sequence by non-int of
// type 'str'" otherwise; huge values raise OverflowError as CPython's index-sized conversion.
bool repeat_count(VM& vm, Value n, int64_t* out);
// Items of a list or tuple (layout check done by the caller).
inline std::vector<Value>& seq_items(Value v) {
    return v.o->type->layout == Layout::Tuple ? static_cast<Tuple*>(v.o)->items : static_cast<List*>(v.o)->items;
}
// "list"/"tuple" comparison shared code: lexicographic rich compare of two item vectors.
Value sequence_compare(VM& vm, const std::vector<Value>& a, const std::vector<Value>& b, CompareKind op);
// Resolve an index-like bound of list.index()/tuple.index() (None not allowed), clamped.
bool bound_index(VM& vm, Value v, int64_t len, int64_t* out);

// A read-only attribute computed by `fn(self)`: a property in the type's dict.
void def_getter(VM& vm, Type* type, const char* name, NativeFn fn);

// Per-file registration, called by init_containers (iterators.cpp) in this order.
void init_dict_type(VM& vm);
void init_list_type(VM& vm);
void init_tuple_type(VM& vm);
void init_set_type(VM& vm);
void init_range_type(VM& vm);
void init_dict_views(VM& vm);
void init_iterator_types(VM& vm);

}  // namespace asy::vm::detail
