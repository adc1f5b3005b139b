// The rest of the bytes/bytearray method set: padding (center ljust rjust zfill), ASCII case
// (title capitalize istitle), expandtabs, splitlines, translate/maketrans, __rmod__, and
// bytearray's list-like mutators (insert remove reverse __delitem__ __imul__).
#include <algorithm>
#include <string>

#include "vm/format.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

namespace {

const char* kind_name(VM& vm, const Args& a) {
    return a.npos > 0 && is_bytes_like(a[0]) && bytes_is_bytearray(vm, a[0]) ? "bytearray" : "bytes";
}

#define CHECK(style, name, min, max)                                                                         \
    if (!text_args(vm, a, a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::style,     \
                   kind_name(vm, a), name, min, max))                                                        \
    return Value::empty()
#define BA_CHECK(style, name, min, max)                                                                      \
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::style, "bytearray", name, min, max))                \
    return Value::empty()
#define SELFV (as_bytes(a[0])->view())

bool is_upper(unsigned char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_lower(unsigned char c) {
    return c >= 'a' && c <= 'z';
}
char to_upper(unsigned char c) {
    return static_cast<char>(is_lower(c) ? c - 32 : c);
}
char to_lower(unsigned char c) {
    return static_cast<char>(is_upper(c) ? c + 32 : c);
}

// bytes of exact type returned unchanged (CPython does so when nothing changes); else a copy.
Value unchanged(VM& vm, Value self) {
    if (self.o->type == vm.types.bytes)
        return self;
    return bytes_like(vm, self, std::string(as_bytes(self)->view()));
}

// ---- padding -----------------------------------------------------------------------------------

Value pad(VM& vm, Value self, int64_t left, int64_t right, char fill) {
    std::string_view d = as_bytes(self)->view();
    if (!reserve_buffer(vm, d.size() + static_cast<uint64_t>(left) + static_cast<uint64_t>(right)))
        return Value::empty();
    std::string out;
    out.reserve(d.size() + static_cast<size_t>(left + right));
    out.append(static_cast<size_t>(left), fill);
    out.append(d);
    out.append(static_cast<size_t>(right), fill);
    return bytes_like(vm, self, std::move(out));
}

template <int Kind> // 0 ljust, 1 rjust, 2 center
Value b_justify(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"ljust", "rjust", "center"};
    CHECK(Clinic, kNames[Kind], 1, 2);
    int64_t width;
    if (!text_int_arg(vm, a[1], &width))
        return Value::empty();
    char fill = ' ';
    if (a.npos > 2) {
        Value f = a[2];
        if (!is_bytes_like(f) || as_bytes(f)->data.size() != 1) {
            return vm.raise_format(vm.exc.TypeError, "%s() argument 2 must be a byte string of length 1, not %s",
                                   kNames[Kind], type_name(vm, f).c_str());
        }
        fill = as_bytes(f)->data[0];
    }
    int64_t len = static_cast<int64_t>(SELFV.size());
    if (width <= len)
        return unchanged(vm, a[0]);
    int64_t marg = width - len;
    if (Kind == 0)
        return pad(vm, a[0], 0, marg, fill);
    if (Kind == 1)
        return pad(vm, a[0], marg, 0, fill);
    int64_t left = marg / 2 + (marg & width & 1);
    return pad(vm, a[0], left, marg - left, fill);
}

Value b_zfill(VM& vm, const Args& a) {
    CHECK(One, "zfill", 1, 1);
    int64_t width;
    if (!text_int_arg(vm, a[1], &width))
        return Value::empty();
    std::string_view d = SELFV;
    if (width <= static_cast<int64_t>(d.size()))
        return unchanged(vm, a[0]);
    uint64_t fill = static_cast<uint64_t>(width) - d.size();
    if (!reserve_buffer(vm, static_cast<uint64_t>(width)))
        return Value::empty();
    size_t sign = (!d.empty() && (d[0] == '+' || d[0] == '-')) ? 1 : 0;
    std::string out;
    out.reserve(static_cast<size_t>(width));
    out.append(d.substr(0, sign));
    out.append(static_cast<size_t>(fill), '0');
    out.append(d.substr(sign));
    return bytes_like(vm, a[0], std::move(out));
}

// ---- ASCII case --------------------------------------------------------------------------------

Value b_title(VM& vm, const Args& a) {
    CHECK(NoArgs, "title", 0, 0);
    std::string out(SELFV);
    bool prev_cased = false;
    for (char& c : out) {
        unsigned char u = static_cast<unsigned char>(c);
        bool cased = is_upper(u) || is_lower(u);
        c = prev_cased ? to_lower(u) : to_upper(u);
        prev_cased = cased;
    }
    return bytes_like(vm, a[0], std::move(out));
}

Value b_capitalize(VM& vm, const Args& a) {
    CHECK(NoArgs, "capitalize", 0, 0);
    std::string out(SELFV);
    for (size_t i = 0; i < out.size(); ++i) {
        unsigned char u = static_cast<unsigned char>(out[i]);
        out[i] = i == 0 ? to_upper(u) : to_lower(u);
    }
    return bytes_like(vm, a[0], std::move(out));
}

Value b_istitle(VM& vm, const Args& a) {
    CHECK(NoArgs, "istitle", 0, 0);
    bool cased = false, prev_cased = false;
    for (unsigned char c : SELFV) {
        if (is_upper(c)) {
            if (prev_cased)
                return Value::boolean(false);
            prev_cased = cased = true;
        } else if (is_lower(c)) {
            if (!prev_cased)
                return Value::boolean(false);
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
    }
    return Value::boolean(cased);
}

// ---- tabs and lines ----------------------------------------------------------------------------

// Splits a[0] (self) from the rest for the keyword-capable methods.
bool self_and_rest(VM& vm, const Args& a, const char* name, Args* rest) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr},
                   a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::Old, kind_name(vm, a),
                   name, 0, 0)) {
        return false;
    }
    *rest = a;
    rest->pos = a.pos + 1;
    rest->npos = a.npos - 1;
    return true;
}

Value b_expandtabs(VM& vm, const Args& a) {
    Args rest;
    if (!self_and_rest(vm, a, "expandtabs", &rest))
        return Value::empty();
    static const char* const kNames[] = {"tabsize", nullptr};
    Value v[1];
    if (!text_parse(vm, rest, "expandtabs", kNames, 1, v))
        return Value::empty();
    int64_t tabsize = 8;
    if (!v[0].is_empty() && !text_int_arg(vm, v[0], &tabsize))
        return Value::empty();
    if (tabsize > INT32_MAX || tabsize < INT32_MIN)
        return vm.raise(vm.exc.OverflowError, "Python int too large to convert to C int");
    std::string out;
    int64_t col = 0;
    for (char c : SELFV) {
        if (c == '\t') {
            if (tabsize > 0) {
                int64_t n = tabsize - col % tabsize;
                if (!reserve_buffer(vm, out.size() + static_cast<uint64_t>(n)))
                    return Value::empty();
                out.append(static_cast<size_t>(n), ' ');
                col += n;
            }
            continue;
        }
        out.push_back(c);
        col = (c == '\n' || c == '\r') ? 0 : col + 1;
    }
    return bytes_like(vm, a[0], std::move(out));
}

Value b_splitlines(VM& vm, const Args& a) {
    Args rest;
    if (!self_and_rest(vm, a, "splitlines", &rest))
        return Value::empty();
    static const char* const kNames[] = {"keepends", nullptr};
    Value v[1];
    if (!text_parse(vm, rest, "splitlines", kNames, 1, v))
        return Value::empty();
    int64_t keep = 0;
    if (!v[0].is_empty() && !text_int_arg(vm, v[0], &keep))
        return Value::empty();
    std::string_view d = SELFV;
    List* out = new_list(vm);
    size_t i = 0;
    while (i < d.size()) {
        size_t start = i;
        while (i < d.size() && d[i] != '\n' && d[i] != '\r')
            ++i;
        size_t eol = i;
        if (i < d.size()) {
            if (d[i] == '\r' && i + 1 < d.size() && d[i + 1] == '\n')
                i += 2;
            else
                ++i;
            if (keep)
                eol = i;
        }
        Value line = bytes_like(vm, a[0], std::string(d.substr(start, eol - start)));
        list_append(vm, out, line);
    }
    return Value::object(out);
}

// ---- translate / maketrans ---------------------------------------------------------------------

Value b_translate(VM& vm, const Args& a) {
    Args rest;
    if (!self_and_rest(vm, a, "translate", &rest))
        return Value::empty();
    Value table, del = Value::empty();
    uint32_t nkw = rest.kwnames ? static_cast<uint32_t>(rest.kwnames->items.size()) : 0;
    if (rest.npos + nkw > 2) {
        return vm.raise_format(vm.exc.TypeError, "translate() takes at most 2 arguments (%u given)",
                               rest.npos + nkw);
    }
    if (rest.npos == 0)
        return vm.raise(vm.exc.TypeError, "translate() takes at least 1 positional argument (0 given)");
    table = rest.pos[0];
    if (rest.npos > 1)
        del = rest.pos[1];
    for (uint32_t k = 0; k < nkw; ++k) {
        std::string_view key = as_str(rest.kwnames->items[k])->view();
        if (key != "delete" || rest.npos > 1) {
            if (key == "delete") {
                return vm.raise(vm.exc.TypeError,
                                "argument for translate() given by name ('delete') and position (2)");
            }
            return vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for translate()",
                                   static_cast<int>(key.size()), key.data());
        }
        del = rest.kwvalues[k];
    }
    std::string_view map;
    if (!table.is_none()) {
        if (!is_bytes_like(table)) {
            return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                                   type_name(vm, table).c_str());
        }
        map = as_bytes(table)->view();
        if (map.size() != 256)
            return vm.raise(vm.exc.ValueError, "translation table must be 256 characters long");
    }
    bool drop[256] = {};
    if (!del.is_empty()) {
        if (!is_bytes_like(del)) {
            return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                                   type_name(vm, del).c_str());
        }
        for (unsigned char c : as_bytes(del)->view())
            drop[c] = true;
    }
    std::string out;
    out.reserve(SELFV.size());
    for (unsigned char c : SELFV) {
        if (drop[c])
            continue;
        out.push_back(map.empty() ? static_cast<char>(c) : map[c]);
    }
    return bytes_like(vm, a[0], std::move(out));
}

// A static method: bytes.maketrans(frm, to); a call through an instance passes it first.
Value b_maketrans(VM& vm, const Args& a) {
    uint32_t first = (a.npos == 3 && is_bytes_like(a[0])) ? 1 : 0;
    uint32_t n = a.npos - first;
    if (a.kwnames != nullptr && !a.kwnames->items.empty())
        return vm.raise(vm.exc.TypeError, "bytes.maketrans() takes no keyword arguments");
    if (n != 2) {
        return vm.raise_format(vm.exc.TypeError, "maketrans expected 2 arguments, got %u", n);
    }
    std::string_view from, to;
    for (uint32_t i = 0; i < 2; ++i) {
        Value v = a[first + i];
        if (!is_bytes_like(v)) {
            return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                                   type_name(vm, v).c_str());
        }
        (i == 0 ? from : to) = as_bytes(v)->view();
    }
    if (from.size() != to.size())
        return vm.raise(vm.exc.ValueError, "maketrans arguments must have same length");
    std::string table(256, '\0');
    for (int i = 0; i < 256; ++i)
        table[static_cast<size_t>(i)] = static_cast<char>(i);
    for (size_t i = 0; i < from.size(); ++i)
        table[static_cast<unsigned char>(from[i])] = to[i];
    return new_bytes(vm, table);
}

Value b_rmod(VM& vm, const Args& a) {
    CHECK(Wrapper, "__rmod__", 1, 1);
    if (!is_bytes_like(a[1]))
        return vm.not_implemented;
    return percent_format(vm, a[1], a[0]);
}

// ---- bytearray list-like mutators ----------------------------------------------------------------

Value ba_insert(VM& vm, const Args& a) {
    BA_CHECK(Clinic, "insert", 2, 2);
    int64_t i;
    if (!text_int_arg(vm, a[1], &i))
        return Value::empty();
    int c = bytes_byte_value(vm, a[2], "byte must be in range(0, 256)");
    if (c < 0)
        return Value::empty();
    std::string& d = as_bytes(a[0])->data;
    int64_t n = static_cast<int64_t>(d.size());
    if (i < 0)
        i = std::max<int64_t>(0, i + n);
    if (i > n)
        i = n;
    d.insert(static_cast<size_t>(i), 1, static_cast<char>(c));
    return Value::none();
}

Value ba_remove(VM& vm, const Args& a) {
    BA_CHECK(One, "remove", 1, 1);
    int c = bytes_byte_value(vm, a[1], "byte must be in range(0, 256)");
    if (c < 0)
        return Value::empty();
    std::string& d = as_bytes(a[0])->data;
    size_t p = d.find(static_cast<char>(c));
    if (p == std::string::npos)
        return vm.raise(vm.exc.ValueError, "value not found in bytearray");
    d.erase(p, 1);
    return Value::none();
}

Value ba_reverse(VM& vm, const Args& a) {
    BA_CHECK(NoArgs, "reverse", 0, 0);
    std::string& d = as_bytes(a[0])->data;
    std::reverse(d.begin(), d.end());
    return Value::none();
}

Value ba_delitem(VM& vm, const Args& a) {
    BA_CHECK(Wrapper, "__delitem__", 1, 1);
    std::string& d = as_bytes(a[0])->data;
    int64_t n = static_cast<int64_t>(d.size());
    int64_t i;
    bool is_index;
    if (str_index_arg(vm, a[1], &i, &is_index)) {
        if (i < 0)
            i += n;
        if (i < 0 || i >= n)
            return vm.raise(vm.exc.IndexError, "bytearray index out of range");
        d.erase(static_cast<size_t>(i), 1);
        return Value::none();
    }
    if (is_index)
        return Value::empty();
    if (a[1].is_obj() && a[1].o->type->layout == Layout::Slice) {
        int64_t start, stop, step, len;
        if (!slice_indices(vm, static_cast<Slice*>(a[1].o), n, &start, &stop, &step, &len))
            return Value::empty();
        if (len <= 0)
            return Value::none();
        if (step < 0) { // the same positions, walked upwards
            start += (len - 1) * step;
            step = -step;
        }
        if (step == 1) {
            d.erase(static_cast<size_t>(start), static_cast<size_t>(len));
            return Value::none();
        }
        std::string out;
        out.reserve(d.size() - static_cast<size_t>(len));
        int64_t next = start, removed = 0;
        for (int64_t k = 0; k < n; ++k) {
            if (removed < len && k == next) {
                ++removed;
                next += step;
                continue;
            }
            out.push_back(d[static_cast<size_t>(k)]);
        }
        d.swap(out);
        return Value::none();
    }
    return vm.raise_format(vm.exc.TypeError, "bytearray indices must be integers or slices, not %s",
                           type_name(vm, a[1]).c_str());
}

Value ba_imul(VM& vm, const Args& a) {
    BA_CHECK(Wrapper, "__imul__", 1, 1);
    int64_t n;
    bool is_index;
    if (!str_index_arg(vm, a[1], &n, &is_index)) {
        if (is_index)
            return Value::empty();
        return vm.raise_format(vm.exc.TypeError, "can't multiply sequence by non-int of type '%s'",
                               type_name(vm, a[1]).c_str());
    }
    std::string& d = as_bytes(a[0])->data;
    if (n <= 0 || d.empty()) {
        d.clear();
        return a[0];
    }
    if (!reserve_buffer(vm, static_cast<uint64_t>(n), d.size()))
        return Value::empty();
    std::string unit = d;
    d.reserve(unit.size() * static_cast<size_t>(n));
    for (int64_t k = 1; k < n; ++k)
        d += unit;
    return a[0];
}

#undef CHECK
#undef BA_CHECK
#undef SELFV

} // namespace

void init_bytes_methods(VM& vm) {
    Type* bt = vm.types.bytes;
    Type* ba = vm.types.bytearray;
    for (Type* t : {bt, ba}) {
        if (t == nullptr)
            continue;
        def_method(vm, t, "center", b_justify<2>);
        def_method(vm, t, "ljust", b_justify<0>);
        def_method(vm, t, "rjust", b_justify<1>);
        def_method(vm, t, "zfill", b_zfill);
        def_method(vm, t, "title", b_title);
        def_method(vm, t, "capitalize", b_capitalize);
        def_method(vm, t, "istitle", b_istitle);
        def_method(vm, t, "expandtabs", b_expandtabs);
        def_method(vm, t, "splitlines", b_splitlines);
        def_method(vm, t, "translate", b_translate);
        def_method(vm, t, "maketrans", b_maketrans)->is_method = false;
        def_method(vm, t, "__rmod__", b_rmod);
    }
    if (ba != nullptr) {
        def_method(vm, ba, "insert", ba_insert);
        def_method(vm, ba, "remove", ba_remove);
        def_method(vm, ba, "reverse", ba_reverse);
        def_method(vm, ba, "__delitem__", ba_delitem);
        def_method(vm, ba, "__imul__", ba_imul);
    }
}

} // namespace asy::vm
