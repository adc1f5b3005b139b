// The builtins module: print, len, isinstance, min/max, sorted, getattr, ... (the functions of
// SPEC.md §1 that are not constructors of a type), the constants, the built-in type and
// exception names, __build_class__, and types.GenericAlias for `list[int]`.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "vm/init.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/int.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm {

namespace {

Value from_str(Str* s) { return s ? Value::object(s) : Value::empty(); }

// Reject keywords other than `allowed`; their values go to `out` (Empty when absent).
bool take_kw(VM& vm, const Args& a, const char* fname, std::initializer_list<const char*> allowed, Value* out) {
    size_t i = 0;
    for (const char* n : allowed) {
        (void)n;
        out[i++] = Value::empty();
    }
    uint32_t nkw = kwcount(a);
    for (uint32_t k = 0; k < nkw; ++k) {
        Value kn = a.kwnames->items[k];
        size_t j = 0;
        bool found = false;
        for (const char* n : allowed) {
            if (sv(kn) == n) {
                out[j] = a.kwvalues[k];
                found = true;
                break;
            }
            ++j;
        }
        if (!found) {
            Str* r = repr(vm, kn);
            vm.raise_format(vm.exc.TypeError, "%s is an invalid keyword argument for %s()", r ? r->s.c_str() : "?", fname);
            return false;
        }
    }
    return true;
}

// ---- output and input -------------------------------------------------------------------------

// sys.stdout at call time (scripts may replace it); Empty when sys is not loaded or has none.
Value sys_stdout(VM& vm) {
    if (vm.modules == nullptr) return Value::empty();
    Value sys = dict_get_str(vm.modules, vm.intern("sys"));
    if (sys.is_empty()) return sys;
    Value out = get_attr_opt(vm, sys, vm.intern("stdout"));
    if (out.is_empty()) vm.pending = Value::empty();
    return out;
}

Value bi_print(VM& vm, const Args& a) {
    Value kw[4];
    if (!take_kw(vm, a, "print", {"sep", "end", "file", "flush"}, kw)) return Value::empty();
    Value sep = kw[0], end = kw[1], file = kw[2], flush = kw[3];
    for (Value* v : {&sep, &end}) {
        if (v->is_empty() || v->is_none()) continue;
        if (!is_str_value(*v))
            return vm.raise_format(vm.exc.TypeError, "%s must be None or a string, not %s", v == &sep ? "sep" : "end",
                                   type_name(vm, *v).c_str());
    }
    if (file.is_empty() || file.is_none()) {
        file = sys_stdout(vm);
        if (file.is_none()) return Value::none();   // CPython: print() is silent when sys.stdout is None
    }
    std::string_view sep_text = (sep.is_empty() || sep.is_none()) ? std::string_view(" ") : sv(sep);
    std::string_view end_text = (end.is_empty() || end.is_none()) ? std::string_view("\n") : sv(end);
    Str* write_name = vm.intern("write");
    Value write_fn = file.is_empty() ? Value::empty() : type_lookup(type_of(vm, file), write_name);
    bool native_write = !write_fn.is_empty() && write_fn.is_obj() && write_fn.o->type == vm.types.native_function;
    if (!file.is_empty() && !native_write) {
        // A Python-level file: one write() per piece, as CPython does.
        for (uint32_t i = 0; i < a.npos; ++i) {
            if (i && vm.call_method(file, write_name, {str_value(vm, sep_text)}).is_empty()) return Value::empty();
            Str* s = to_str(vm, a.pos[i]);
            if (!s || vm.call_method(file, write_name, {Value::object(s)}).is_empty()) return Value::empty();
        }
        if (vm.call_method(file, write_name, {str_value(vm, end_text)}).is_empty()) return Value::empty();
    } else {
        std::string out;
        for (uint32_t i = 0; i < a.npos; ++i) {
            if (i) out += sep_text;
            Str* s = to_str(vm, a.pos[i]);
            if (!s) return Value::empty();
            out += s->s;
        }
        out += end_text;
        if (file.is_empty()) {
            vm.write_out(out, false);
            if (!flush.is_empty() && truthy(vm, flush) > 0) std::fflush(stdout);
            return Value::none();
        }
        Value text = str_value(vm, out);
        if (vm.call_method(file, write_name, {text}).is_empty()) return Value::empty();
    }
    if (!flush.is_empty()) {
        int f = truthy(vm, flush);
        if (f < 0) return Value::empty();
        if (f && vm.call_method(file, vm.intern("flush"), {}).is_empty()) return Value::empty();
    }
    return Value::none();
}

Value bi_input(VM& vm, const Args& a) {
    if (!check_args(vm, a, "input", 0, 1)) return Value::empty();
    if (a.npos == 1) {
        Str* p = to_str(vm, a.pos[0]);
        if (!p) return Value::empty();
        vm.write_out(p->s, false);
    }
    std::fflush(stdout);
    std::string line;
    int c;
    bool any = false;
    while ((c = std::fgetc(stdin)) != EOF) {
        any = true;
        if (c == '\n') break;
        line += static_cast<char>(c);
    }
    if (!any) return vm.raise(vm.exc.EOFError, "EOF when reading a line");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return str_value(vm, line);
}

// ---- introspection ----------------------------------------------------------------------------

Value bi_len(VM& vm, const Args& a) {
    if (!check_args(vm, a, "len", 1, 1)) return Value::empty();
    int64_t n = length(vm, a.pos[0]);
    return n < 0 ? Value::empty() : Value::integer(n);
}

Value bi_repr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "repr", 1, 1)) return Value::empty();
    return from_str(repr(vm, a.pos[0]));
}

Value bi_ascii(VM& vm, const Args& a) {
    if (!check_args(vm, a, "ascii", 1, 1)) return Value::empty();
    return from_str(ascii_repr(vm, a.pos[0]));
}

Value bi_isinstance(VM& vm, const Args& a) {
    if (!check_args(vm, a, "isinstance", 2, 2)) return Value::empty();
    int r = isinstance_full(vm, a.pos[0], a.pos[1]);
    return r < 0 ? Value::empty() : Value::boolean(r);
}

Value bi_issubclass(VM& vm, const Args& a) {
    if (!check_args(vm, a, "issubclass", 2, 2)) return Value::empty();
    int r = issubclass_full(vm, a.pos[0], a.pos[1]);
    return r < 0 ? Value::empty() : Value::boolean(r);
}

Value bi_id(VM& vm, const Args& a) {
    if (!check_args(vm, a, "id", 1, 1)) return Value::empty();
    Value v = a.pos[0];
    if (v.is_obj()) return Value::integer(static_cast<int64_t>(reinterpret_cast<uintptr_t>(v.o)));
    // Unboxed values have no address: derive a stable id from tag and payload.
    uint64_t bits = static_cast<uint64_t>(v.i) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(v.tag);
    return Value::integer(static_cast<int64_t>(bits >> 1));
}

Value bi_hash(VM& vm, const Args& a) {
    if (!check_args(vm, a, "hash", 1, 1)) return Value::empty();
    uint64_t h;
    if (!hash_value(vm, a.pos[0], &h)) return Value::empty();
    return Value::integer(static_cast<int64_t>(h));
}

Value bi_callable(VM& vm, const Args& a) {
    if (!check_args(vm, a, "callable", 1, 1)) return Value::empty();
    Value v = a.pos[0];
    if (!v.is_obj()) return Value::boolean(false);
    Type* t = v.o->type;
    if (t == vm.types.function || t == vm.types.native_function || t == vm.types.bound_method || is_type_obj(v))
        return Value::boolean(true);
    Value c = type_lookup(t, vm.names.__call__);
    return Value::boolean(!c.is_empty() && !c.is_none());
}

Str* attr_name(VM& vm, Value v, const char* fname) {
    (void)fname;
    if (!is_str_value(v)) {
        vm.raise_format(vm.exc.TypeError, "attribute name must be string, not '%s'", type_name(vm, v).c_str());
        return nullptr;
    }
    Str* s = static_cast<Str*>(v.o);
    return s->interned ? s : vm.intern(s->view());
}

Value bi_getattr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "getattr", 2, 3)) return Value::empty();
    Str* n = attr_name(vm, a.pos[1], "getattr");
    if (!n) return Value::empty();
    if (a.npos == 3) {
        Value r = get_attr_opt(vm, a.pos[0], n);
        if (r.is_empty() && !vm.has_pending()) return a.pos[2];
        return r;
    }
    return get_attr(vm, a.pos[0], n);
}

Value bi_hasattr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "hasattr", 2, 2)) return Value::empty();
    Str* n = attr_name(vm, a.pos[1], "hasattr");
    if (!n) return Value::empty();
    Value r = get_attr_opt(vm, a.pos[0], n);
    if (r.is_empty() && vm.has_pending()) return r;
    return Value::boolean(!r.is_empty());
}

Value bi_setattr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "setattr", 3, 3)) return Value::empty();
    Str* n = attr_name(vm, a.pos[1], nullptr);
    if (!n) return Value::empty();
    return set_attr(vm, a.pos[0], n, a.pos[2]) ? Value::none() : Value::empty();
}

Value bi_delattr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "delattr", 2, 2)) return Value::empty();
    Str* n = attr_name(vm, a.pos[1], nullptr);
    if (!n) return Value::empty();
    return del_attr(vm, a.pos[0], n) ? Value::none() : Value::empty();
}

Value bi_vars(VM& vm, const Args& a) {
    if (!check_args(vm, a, "vars", 0, 1)) return Value::empty();
    if (a.npos == 0) return current_locals(vm);
    Value d = get_attr_opt(vm, a.pos[0], vm.names.__dict__);
    if (d.is_empty()) {
        if (vm.has_pending()) return d;
        return vm.raise(vm.exc.TypeError, "vars() argument must have __dict__ attribute");
    }
    return d;
}

Value sorted_list_of(VM& vm, Value iterable) {
    List* l = list_from_iterable(vm, iterable);
    if (!l) return Value::empty();
    if (!list_sort(vm, l, Value::none(), false)) return Value::empty();
    return Value::object(l);
}

Value bi_dir(VM& vm, const Args& a) {
    if (!check_args(vm, a, "dir", 0, 1)) return Value::empty();
    if (a.npos == 0) {
        Value loc = current_locals(vm);
        if (loc.is_empty()) return loc;
        return sorted_list_of(vm, loc);
    }
    Value r = call_special(vm, a.pos[0], vm.intern("__dir__"), nullptr, 0);
    if (r.is_empty()) {
        if (vm.has_pending()) return r;
        return vm.raise(vm.exc.TypeError, "object does not provide __dir__");
    }
    return sorted_list_of(vm, r);
}

Value bi_globals(VM& vm, const Args& a) {
    if (!check_args(vm, a, "globals", 0, 0)) return Value::empty();
    Dict* g = current_globals(vm);
    return g ? Value::object(g) : Value::object(new_dict(vm));
}

Value bi_locals(VM& vm, const Args& a) {
    if (!check_args(vm, a, "locals", 0, 0)) return Value::empty();
    return current_locals(vm);
}

Value bi_build_class(VM& vm, const Args& a) { return build_class(vm, a); }

Value bi_exit(VM& vm, const Args& a) {
    if (!check_args(vm, a, "exit", 0, 1)) return Value::empty();
    Value e = call_object(vm, Value::object(vm.exc.SystemExit), make_args(a.pos, a.npos));
    if (e.is_empty()) return e;
    return vm.raise_value(e);
}

// ---- iteration --------------------------------------------------------------------------------

Value bi_iter(VM& vm, const Args& a) {
    if (!check_args(vm, a, "iter", 1, 2)) return Value::empty();
    if (a.npos == 1) return get_iter(vm, a.pos[0]);
    Value callable_args[1] = {a.pos[0]};
    Value c = bi_callable(vm, make_args(callable_args, 1));
    if (c.is_empty()) return c;
    if (!c.b) return vm.raise(vm.exc.TypeError, "iter(v, w): v must be callable");
    return new_callable_iterator(vm, a.pos[0], a.pos[1]);
}

Value bi_next(VM& vm, const Args& a) {
    if (!check_args(vm, a, "next", 1, 2)) return Value::empty();
    Value f = lookup_special(vm, a.pos[0], vm.names.__next__);
    if (f.is_empty() || f.is_none())
        return vm.raise_format(vm.exc.TypeError, "'%s' object is not an iterator", type_name(vm, a.pos[0]).c_str());
    Value r = call_descriptor(vm, f, a.pos[0], nullptr, 0);
    if (r.is_empty() && a.npos == 2 && vm.has_pending() && is_instance(vm, vm.pending, vm.exc.StopIteration)) {
        vm.take_pending();
        return a.pos[1];
    }
    return r;
}

Value bi_all_any(VM& vm, const Args& a, const char* name, bool want) {
    if (!check_args(vm, a, name, 1, 1)) return Value::empty();
    Value it = get_iter(vm, a.pos[0]);
    if (it.is_empty()) return it;
    for (;;) {
        Value x = iter_next(vm, it);
        if (x.is_empty()) return vm.has_pending() ? x : Value::boolean(!want);
        int t = truthy(vm, x);
        if (t < 0) return Value::empty();
        if (static_cast<bool>(t) == want) return Value::boolean(want);
    }
}
Value bi_all(VM& vm, const Args& a) { return bi_all_any(vm, a, "all", false); }
Value bi_any(VM& vm, const Args& a) { return bi_all_any(vm, a, "any", true); }

Value min_max(VM& vm, const Args& a, bool is_max) {
    const char* name = is_max ? "max" : "min";
    Value kw[2];
    if (!take_kw(vm, a, name, {"key", "default"}, kw)) return Value::empty();
    Value key = kw[0].is_none() ? Value::empty() : kw[0], dflt = kw[1];
    if (a.npos == 0) return vm.raise_format(vm.exc.TypeError, "%s expected at least 1 argument, got 0", name);
    if (a.npos > 1 && !dflt.is_empty())
        return vm.raise_format(vm.exc.TypeError, "Cannot specify a default for %s() with multiple positional arguments", name);
    Value seq = a.npos == 1 ? a.pos[0] : Value::object(new_tuple(vm, a.pos, a.npos));
    Value it = get_iter(vm, seq);
    if (it.is_empty()) return it;
    Value best, best_key;
    CompareKind op = is_max ? CompareKind::Gt : CompareKind::Lt;
    for (;;) {
        Value x = iter_next(vm, it);
        if (x.is_empty()) {
            if (vm.has_pending()) return x;
            break;
        }
        Value k = x;
        if (!key.is_empty()) {
            k = call_object(vm, key, make_args(&x, 1));
            if (k.is_empty()) return k;
        }
        if (best.is_empty()) {
            best = x;
            best_key = k;
            continue;
        }
        int c = compare_bool(vm, op, k, best_key);
        if (c < 0) return Value::empty();
        if (c) {
            best = x;
            best_key = k;
        }
    }
    if (best.is_empty()) {
        if (!dflt.is_empty()) return dflt;
        return vm.raise_format(vm.exc.ValueError, "%s() arg is an empty sequence", name);
    }
    return best;
}
Value bi_max(VM& vm, const Args& a) { return min_max(vm, a, true); }
Value bi_min(VM& vm, const Args& a) { return min_max(vm, a, false); }

Value bi_sum(VM& vm, const Args& a) {
    static const char* const names[] = {"iterable", "start", nullptr};
    Value out[2];
    if (!parse_args(vm, a, "sum", names, 1, out)) return Value::empty();
    Value acc = out[1].is_empty() ? Value::integer(0) : out[1];
    if (acc.is_obj()) {
        Type* t = acc.o->type;
        if (t->layout == Layout::Str) return vm.raise(vm.exc.TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
        if (t == vm.types.bytes) return vm.raise(vm.exc.TypeError, "sum() can't sum bytes [use b''.join(seq) instead]");
        if (t == vm.types.bytearray)
            return vm.raise(vm.exc.TypeError, "sum() can't sum bytearray [use b''.join(seq) instead]");
    }
    Value it = get_iter(vm, out[0]);
    if (it.is_empty()) return it;
    // Float sums use Neumaier compensation, as CPython 3.12 does not yet; 3.11 adds plainly.
    for (;;) {
        Value x = iter_next(vm, it);
        if (x.is_empty()) return vm.has_pending() ? x : acc;
        if (acc.is_int() && x.is_int()) {
            int64_t r;
            if (!__builtin_add_overflow(acc.i, x.i, &r)) {
                acc = Value::integer(r);
                continue;
            }
        } else if (acc.is_float() && x.is_float()) {
            acc = Value::real(acc.f + x.f);
            continue;
        }
        acc = binary_op(vm, BinOpKind::Add, acc, x);
        if (acc.is_empty()) return acc;
    }
}

Value bi_sorted(VM& vm, const Args& a) {
    if (a.npos != 1) return vm.raise_format(vm.exc.TypeError, "sorted expected 1 argument, got %u", a.npos);
    Value kw[2];
    if (kwcount(a) > 2)
        return vm.raise_format(vm.exc.TypeError, "sort() takes at most 2 keyword arguments (%u given)", kwcount(a));
    if (!take_kw(vm, a, "sort", {"key", "reverse"}, kw)) return Value::empty();
    List* l = list_from_iterable(vm, a.pos[0]);
    if (!l) return Value::empty();
    bool rev = false;
    if (!kw[1].is_empty()) {
        int t = truthy(vm, kw[1]);
        if (t < 0) return Value::empty();
        rev = t;
    }
    if (!list_sort(vm, l, kw[0].is_empty() ? Value::none() : kw[0], rev)) return Value::empty();
    return Value::object(l);
}

// ---- numbers ----------------------------------------------------------------------------------

Value bi_abs(VM& vm, const Args& a) {
    if (!check_args(vm, a, "abs", 1, 1)) return Value::empty();
    Value v = a.pos[0];
    if (v.is_int() && v.i != INT64_MIN) return Value::integer(v.i < 0 ? -v.i : v.i);
    if (v.is_float()) return Value::real(std::fabs(v.f));
    if (v.is_bool()) return Value::integer(v.b);
    if (v.is_int() || (v.is_obj() && v.o->type == vm.types.int_)) return int_abs(vm, v);
    Value r = call_special(vm, v, vm.names.__abs__, nullptr, 0);
    if (!r.is_empty() || vm.has_pending()) return r;
    return vm.raise_format(vm.exc.TypeError, "bad operand type for abs(): '%s'", type_name(vm, v).c_str());
}

Value bi_divmod(VM& vm, const Args& a) {
    if (!check_args(vm, a, "divmod", 2, 2)) return Value::empty();
    Value x = a.pos[0], y = a.pos[1];
    if (x.is_int() && y.is_int() && y.i != 0 && !(y.i == -1 && x.i == INT64_MIN)) {
        int64_t q = x.i / y.i, m = x.i % y.i;
        if (m != 0 && ((m < 0) != (y.i < 0))) {
            m += y.i;
            --q;
        }
        Value items[2] = {Value::integer(q), Value::integer(m)};
        return Value::object(new_tuple(vm, items, 2));
    }
    return binary_op_named(vm, x, y, "divmod", "divmod()");
}

Value bi_pow(VM& vm, const Args& a) {
    static const char* const names[] = {"base", "exp", "mod", nullptr};
    Value out[3];
    if (!parse_args(vm, a, "pow", names, 2, out)) return Value::empty();
    if (out[2].is_empty() || out[2].is_none()) return binary_op(vm, BinOpKind::Power, out[0], out[1]);
    Value args[2] = {out[1], out[2]};
    Value r = call_special(vm, out[0], vm.intern("__pow__"), args, 2);
    if (!r.is_empty() && !r.identical(vm.not_implemented)) return r;
    if (vm.has_pending()) return Value::empty();
    return vm.raise_format(vm.exc.TypeError, "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                           type_name(vm, out[0]).c_str(), type_name(vm, out[1]).c_str(), type_name(vm, out[2]).c_str());
}

Value bi_round(VM& vm, const Args& a) {
    static const char* const names[] = {"number", "ndigits", nullptr};
    Value out[2];
    if (!parse_args(vm, a, "round", names, 1, out)) return Value::empty();
    bool has_nd = !out[1].is_empty() && !out[1].is_none();
    Value r = call_special(vm, out[0], vm.names.__round__, &out[1], has_nd ? 1 : 0);
    if (!r.is_empty() || vm.has_pending()) return r;
    return vm.raise_format(vm.exc.TypeError, "type %s doesn't define __round__ method", type_name(vm, out[0]).c_str());
}

Value int_text(VM& vm, const Args& a, const char* name, int base, const char* prefix) {
    if (!check_args(vm, a, name, 1, 1)) return Value::empty();
    Value v = index_value(vm, a.pos[0]);
    if (v.is_empty()) return v;
    std::string digits = int_to_base(v, base);
    if (!digits.empty() && digits[0] == '-') return str_value(vm, "-" + std::string(prefix) + digits.substr(1));
    return str_value(vm, prefix + digits);
}
Value bi_hex(VM& vm, const Args& a) { return int_text(vm, a, "hex", 16, "0x"); }
Value bi_oct(VM& vm, const Args& a) { return int_text(vm, a, "oct", 8, "0o"); }
Value bi_bin(VM& vm, const Args& a) { return int_text(vm, a, "bin", 2, "0b"); }

Value bi_chr(VM& vm, const Args& a) {
    if (!check_args(vm, a, "chr", 1, 1)) return Value::empty();
    if (a.pos[0].is_float())
        return vm.raise(vm.exc.TypeError, "'float' object cannot be interpreted as an integer");
    Value v = index_value(vm, a.pos[0]);
    if (v.is_empty()) return v;
    if (!v.is_int()) return vm.raise(vm.exc.OverflowError, "Python int too large to convert to C int");
    if (v.i < 0 || v.i > 0x10FFFF) return vm.raise(vm.exc.ValueError, "chr() arg not in range(0x110000)");
    return from_str(str_from_codepoint(vm, static_cast<uint32_t>(v.i)));
}

Value bi_ord(VM& vm, const Args& a) {
    if (!check_args(vm, a, "ord", 1, 1)) return Value::empty();
    Value v = a.pos[0];
    if (is_str_value(v)) {
        Str* s = static_cast<Str*>(v.o);
        if (s->length != 1)
            return vm.raise_format(vm.exc.TypeError, "ord() expected a character, but string of length %lld found",
                                   static_cast<long long>(s->length));
        int len;
        return Value::integer(utf8_decode(s->s.data(), &len));
    }
    if (v.is_obj() && v.o->type->layout == Layout::Bytes) {
        Bytes* b = static_cast<Bytes*>(v.o);
        if (b->data.size() != 1)
            return vm.raise_format(vm.exc.TypeError, "ord() expected a character, but string of length %zu found",
                                   b->data.size());
        return Value::integer(static_cast<unsigned char>(b->data[0]));
    }
    return vm.raise_format(vm.exc.TypeError, "ord() expected string of length 1, but %s found", type_name(vm, v).c_str());
}

Value bi_format(VM& vm, const Args& a) {
    if (!check_args(vm, a, "format", 1, 2)) return Value::empty();
    Str* spec = nullptr;
    if (a.npos == 2) {
        if (!is_str_value(a.pos[1]))
            return vm.raise_format(vm.exc.TypeError, "format() argument 2 must be str, not %s", type_name(vm, a.pos[1]).c_str());
        spec = static_cast<Str*>(a.pos[1].o);
    }
    return format(vm, a.pos[0], spec);
}

// ---- singletons -------------------------------------------------------------------------------

Value none_repr(VM& vm, const Args&) { return Value::object(vm.intern("None")); }
Value none_bool(VM&, const Args&) { return Value::boolean(false); }
Value none_new(VM& vm, const Args& a) {
    if (a.npos > 1 || kwcount(a)) return vm.raise(vm.exc.TypeError, "NoneType takes no arguments");
    return Value::none();
}
Value notimpl_repr(VM& vm, const Args&) { return Value::object(vm.intern("NotImplemented")); }
Value notimpl_new(VM& vm, const Args& a) {
    if (a.npos > 1 || kwcount(a)) return vm.raise(vm.exc.TypeError, "NotImplementedType takes no arguments");
    return vm.not_implemented;
}
Value ellipsis_repr(VM& vm, const Args&) { return Value::object(vm.intern("Ellipsis")); }
Value ellipsis_new(VM& vm, const Args& a) {
    if (a.npos > 1 || kwcount(a)) return vm.raise(vm.exc.TypeError, "ellipsis takes no arguments");
    return vm.ellipsis;
}

// ---- aiter / anext --------------------------------------------------------------------------

// anext(ait, default): wraps the awaitable __anext__ returned, turning StopAsyncIteration into
// StopIteration(default) (CPython's anext_awaitable).
struct AnextAwaitable : Obj {
    Value wrapped;   // the awaitable __anext__ returned
    Value dflt;
    Value it;        // the iterator of `wrapped` (its __await__), Empty until first resumed
    void trace(Tracer& t) override { t.mark(wrapped); t.mark(dflt); t.mark(it); }
};

Value bi_aiter(VM& vm, const Args& a) {
    if (!check_args(vm, a, "aiter", 1, 1)) return Value::empty();
    Value obj = a.pos[0];
    if (lookup_special(vm, obj, vm.names.__aiter__).is_empty())
        return vm.raise_format(vm.exc.TypeError, "'%s' object is not an async iterable", type_name(vm, obj).c_str());
    Value it = call_special(vm, obj, vm.names.__aiter__, nullptr, 0);
    if (it.is_empty()) return it;
    if (lookup_special(vm, it, vm.names.__anext__).is_empty())
        return vm.raise_format(vm.exc.TypeError, "aiter() returned not an async iterator of type '%s'",
                               type_name(vm, it).c_str());
    return it;
}

Value bi_anext(VM& vm, const Args& a) {
    if (!check_args(vm, a, "anext", 1, 2)) return Value::empty();
    Value obj = a.pos[0];
    if (lookup_special(vm, obj, vm.names.__anext__).is_empty())
        return vm.raise_format(vm.exc.TypeError, "'%s' object is not an async iterator", type_name(vm, obj).c_str());
    Value aw = call_special(vm, obj, vm.names.__anext__, nullptr, 0);
    if (aw.is_empty() || a.npos == 1) return aw;
    auto* w = vm.alloc<AnextAwaitable>(vm.anext_awaitable_type);
    w->wrapped = aw;
    w->dflt = a.pos[1];
    return Value::object(w);
}

AnextAwaitable* as_anext(VM& vm, const Args& a, const char* name) {
    if (a.npos >= 1 && a.pos[0].is_obj() && a.pos[0].o->type == vm.anext_awaitable_type)
        return static_cast<AnextAwaitable*>(a.pos[0].o);
    vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'anext_awaitable' object", name);
    return nullptr;
}

// The iterator to resume: the coroutine itself, else what the awaitable's __await__ returns.
Value anext_iter(VM& vm, AnextAwaitable* w) {
    if (!w->it.is_empty()) return w->it;
    Value aw = w->wrapped;
    if (aw.is_obj() && aw.o->type == vm.types.coroutine) {
        w->it = aw;
        return aw;
    }
    if (lookup_special(vm, aw, vm.names.__await__).is_empty())
        return vm.raise_format(vm.exc.TypeError, "object %s can't be used in 'await' expression",
                               type_name(vm, aw).c_str());
    Value it = call_special(vm, aw, vm.names.__await__, nullptr, 0);
    if (it.is_empty()) return it;
    w->it = it;
    return it;
}

// StopAsyncIteration from the wrapped awaitable ends the await with the default.
Value anext_result(VM& vm, AnextAwaitable* w, Value r) {
    if (!r.is_empty() || !vm.has_pending() || !is_instance(vm, vm.pending, vm.exc.StopAsyncIteration)) return r;
    vm.take_pending();
    Value d = w->dflt;
    Value exc = call_object(vm, Value::object(vm.exc.StopIteration), Args{&d, 1});
    if (exc.is_empty()) return exc;
    return vm.raise_value(exc);
}

Value anext_send_value(VM& vm, AnextAwaitable* w, Value v) {
    Value it = anext_iter(vm, w);
    if (it.is_empty()) return it;
    Value r;
    if (v.is_none() && get_attr_opt(vm, it, vm.intern("send")).is_empty()) {
        if (vm.has_pending()) return Value::empty();
        r = call_special(vm, it, vm.names.__next__, nullptr, 0);
        if (r.is_empty() && !vm.has_pending())
            return vm.raise_format(vm.exc.TypeError, "'%s' object is not an iterator", type_name(vm, it).c_str());
    } else {
        r = vm.call_method(it, vm.intern("send"), {v});
    }
    return anext_result(vm, w, r);
}

Value anext_self(VM& vm, const Args& a) {
    if (!as_anext(vm, a, "__await__")) return Value::empty();
    return a.pos[0];
}

Value anext_next(VM& vm, const Args& a) {
    AnextAwaitable* w = as_anext(vm, a, "__next__");
    if (!w) return Value::empty();
    return anext_send_value(vm, w, Value::none());
}

Value anext_send(VM& vm, const Args& a) {
    if (!check_args(vm, a, "send", 2, 2)) return Value::empty();
    AnextAwaitable* w = as_anext(vm, a, "send");
    if (!w) return Value::empty();
    return anext_send_value(vm, w, a.pos[1]);
}

Value anext_throw(VM& vm, const Args& a) {
    if (!check_args(vm, a, "throw", 2, 4)) return Value::empty();
    AnextAwaitable* w = as_anext(vm, a, "throw");
    if (!w) return Value::empty();
    Value it = anext_iter(vm, w);
    if (it.is_empty()) return it;
    Value m = get_attr(vm, it, vm.intern("throw"));
    if (m.is_empty()) return m;
    return anext_result(vm, w, vm.call(m, a.pos + 1, a.npos - 1));
}

Value anext_close(VM& vm, const Args& a) {
    AnextAwaitable* w = as_anext(vm, a, "close");
    if (!w) return Value::empty();
    Value it = anext_iter(vm, w);
    if (it.is_empty()) return it;
    Value m = get_attr_opt(vm, it, vm.intern("close"));
    if (m.is_empty()) return vm.has_pending() ? m : Value::none();
    return vm.call(m, nullptr, 0);
}

void init_anext_awaitable(VM& vm) {
    Type* t = new_builtin_type(vm, "anext_awaitable", vm.types.object, Layout::Other, nullptr, 0);
    vm.anext_awaitable_type = t;
    def_method(vm, t, "__await__", anext_self);
    def_method(vm, t, "__iter__", anext_self);
    def_method(vm, t, "__next__", anext_next);
    def_method(vm, t, "send", anext_send);
    def_method(vm, t, "throw", anext_throw);
    def_method(vm, t, "close", anext_close);
}

// ---- generic alias ----------------------------------------------------------------------------

// ---- types.GenericAlias (list[int]) -----------------------------------------------------------

Value ga_field(VM& vm, Value ga, const char* name) { return dict_get_str(ga.o->dict, vm.intern(name)); }

Value make_generic_alias(VM& vm, Value origin, Value args) {
    Obj* o = vm.alloc<Instance>(vm.types.generic_alias);
    o->dict = new_dict(vm);
    if (!(args.is_obj() && args.o->type == vm.types.tuple)) args = Value::object(new_tuple(vm, &args, 1));
    dict_set_str(vm, o->dict, vm.intern("__origin__"), origin);
    dict_set_str(vm, o->dict, vm.intern("__args__"), args);
    return Value::object(o);
}

Value class_getitem(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__class_getitem__", 2, 2)) return Value::empty();
    return make_generic_alias(vm, a.pos[0], a.pos[1]);
}

bool ga_arg_repr(VM& vm, Value v, std::string* out) {
    if (v.identical(vm.ellipsis)) {
        *out += "...";
        return true;
    }
    if (is_type_obj(v)) {
        Type* t = as_type(v);
        std::string mod = type_module(vm, t);
        if (mod != "builtins") *out += mod + ".";
        *out += type_qualname(t);
        return true;
    }
    Str* r = repr(vm, v);
    if (!r) return false;
    *out += r->s;
    return true;
}

Value ga_repr(VM& vm, const Args& a) {
    std::string s;
    if (!ga_arg_repr(vm, ga_field(vm, a.pos[0], "__origin__"), &s)) return Value::empty();
    s += "[";
    Value args = ga_field(vm, a.pos[0], "__args__");
    auto& items = static_cast<Tuple*>(args.o)->items;
    if (items.empty()) s += "()";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) s += ", ";
        if (!ga_arg_repr(vm, items[i], &s)) return Value::empty();
    }
    s += "]";
    return str_value(vm, s);
}

Value ga_call(VM& vm, const Args& a) {
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    return call_object(vm, ga_field(vm, a.pos[0], "__origin__"), rest);
}

Value ga_eq(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__eq__", 2, 2)) return Value::empty();
    if (!is_exact(a.pos[1], vm.types.generic_alias)) return vm.not_implemented;
    int r = equals(vm, ga_field(vm, a.pos[0], "__origin__"), ga_field(vm, a.pos[1], "__origin__"));
    if (r <= 0) return r < 0 ? Value::empty() : Value::boolean(false);
    r = equals(vm, ga_field(vm, a.pos[0], "__args__"), ga_field(vm, a.pos[1], "__args__"));
    return r < 0 ? Value::empty() : Value::boolean(r);
}

Value ga_hash(VM& vm, const Args& a) {
    uint64_t h1, h2;
    if (!hash_value(vm, ga_field(vm, a.pos[0], "__origin__"), &h1)) return Value::empty();
    if (!hash_value(vm, ga_field(vm, a.pos[0], "__args__"), &h2)) return Value::empty();
    return Value::integer(static_cast<int64_t>(h1 ^ h2));
}

Value ga_getitem(VM& vm, const Args& a) {
    if (!check_args(vm, a, "__getitem__", 2, 2)) return Value::empty();
    return make_generic_alias(vm, ga_field(vm, a.pos[0], "__origin__"), a.pos[1]);
}

void init_generic_alias(VM& vm) {
    Type* G = vm.types.generic_alias;
    def_method(vm, G, "__repr__", ga_repr);
    def_method(vm, G, "__call__", ga_call);
    def_method(vm, G, "__eq__", ga_eq);
    def_method(vm, G, "__hash__", ga_hash);
    def_method(vm, G, "__getitem__", ga_getitem);
    BuiltinTypes& T = vm.types;
    // (`type[X]` is special-cased by get_item, as in CPython: a `type.__class_getitem__` would be
    // found through the metaclass and make every class subscriptable.)
    for (Type* t : {T.list, T.tuple, T.dict, T.set, T.frozenset, vm.exc.BaseExceptionGroup}) {
        if (!dict_get_str(t->dict, vm.names.__class_getitem__).is_empty()) continue;
        ClassMethod* cm = vm.alloc<ClassMethod>(vm.types.classmethod);
        cm->func = Value::object(new_native(vm, "__class_getitem__", class_getitem));
        dict_set_str(vm, t->dict, vm.names.__class_getitem__, Value::object(cm));
    }
}

}  // namespace

Value type_generic_alias(VM& vm, Value key) { return make_generic_alias(vm, Value::object(vm.types.type), key); }

void init_builtins(VM& vm) {
    Dict* B = vm.builtins;
    def_method(vm, vm.types.none, "__repr__", none_repr);
    def_method(vm, vm.types.none, "__bool__", none_bool);
    def_method(vm, vm.types.none, "__new__", none_new);
    def_method(vm, vm.types.notimplemented, "__repr__", notimpl_repr);
    def_method(vm, vm.types.notimplemented, "__new__", notimpl_new);
    def_method(vm, vm.types.ellipsis, "__repr__", ellipsis_repr);
    def_method(vm, vm.types.ellipsis, "__new__", ellipsis_new);
    init_generic_alias(vm);
    init_anext_awaitable(vm);
    init_file_objects(vm);
    vm.root_tracers.push_back([&vm](Tracer& t) {
        t.mark(vm.anext_awaitable_type);
        for (Type* ft : vm.file_types) t.mark(ft);
    });

    struct Fn {
        const char* name;
        NativeFn fn;
    };
    const Fn fns[] = {
        {"print", bi_print}, {"input", bi_input}, {"len", bi_len}, {"repr", bi_repr}, {"ascii", bi_ascii},
        {"isinstance", bi_isinstance}, {"issubclass", bi_issubclass}, {"id", bi_id}, {"hash", bi_hash},
        {"callable", bi_callable}, {"getattr", bi_getattr}, {"hasattr", bi_hasattr}, {"setattr", bi_setattr},
        {"delattr", bi_delattr}, {"vars", bi_vars}, {"dir", bi_dir}, {"globals", bi_globals}, {"locals", bi_locals},
        {"__build_class__", bi_build_class}, {"exit", bi_exit}, {"quit", bi_exit}, {"iter", bi_iter}, {"next", bi_next},
        {"all", bi_all}, {"any", bi_any}, {"max", bi_max}, {"min", bi_min}, {"sum", bi_sum}, {"sorted", bi_sorted},
        {"abs", bi_abs}, {"divmod", bi_divmod}, {"pow", bi_pow}, {"round", bi_round}, {"hex", bi_hex}, {"oct", bi_oct},
        {"bin", bi_bin}, {"chr", bi_chr}, {"ord", bi_ord}, {"format", bi_format}, {"aiter", bi_aiter},
        {"anext", bi_anext},
    };
    for (const Fn& f : fns) def_function(vm, B, f.name, f.fn);

    BuiltinTypes& T = vm.types;
    for (Type* t : {T.object, T.type, T.bool_, T.int_, T.float_, T.complex, T.str, T.bytes, T.bytearray, T.list, T.tuple,
                    T.dict, T.set, T.frozenset, T.range, T.slice, T.property, T.staticmethod, T.classmethod, T.super})
        dict_set_str(vm, B, t->name, Value::object(t));
#define ASY_X(e) dict_set_str(vm, B, vm.exc.e->name, Value::object(vm.exc.e));
    ASY_EXCEPTION_TYPES(ASY_X)
#undef ASY_X
    dict_set_str(vm, B, vm.intern("EnvironmentError"), Value::object(vm.exc.OSError));
    dict_set_str(vm, B, vm.intern("IOError"), Value::object(vm.exc.OSError));
    dict_set_str(vm, B, vm.intern("None"), Value::none());
    dict_set_str(vm, B, vm.intern("True"), Value::boolean(true));
    dict_set_str(vm, B, vm.intern("False"), Value::boolean(false));
    dict_set_str(vm, B, vm.intern("Ellipsis"), vm.ellipsis);
    dict_set_str(vm, B, vm.intern("NotImplemented"), vm.not_implemented);
    dict_set_str(vm, B, vm.intern("__debug__"), Value::boolean(true));
    dict_set_str(vm, B, vm.names.__name__, Value::object(vm.intern("builtins")));
    dict_set_str(vm, B, vm.names.__doc__, Value::none());
}

}  // namespace asy::vm
