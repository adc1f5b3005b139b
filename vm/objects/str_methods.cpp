// The named methods of `str` (str.upper, str.split, ...) with CPython 3.11's semantics and
// messages, and the argument-checking helpers shared with bytes.cpp.
#include <cstring>
#include <string>
#include <vector>

#include "vm/format.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

// ---- argument helpers ------------------------------------------------------------------------

static const char* plural(uint32_t n) {
    return n == 1 ? "" : "s";
}

bool text_args(VM& vm, const Args& a, Type* self_type, ArgStyle style, const char* tname, const char* method,
               uint32_t min, uint32_t max) {
    if (self_type != nullptr) {
        if (a.npos == 0) {
            if (style == ArgStyle::Wrapper) {
                vm.raise_format(vm.exc.TypeError, "descriptor '%s' of '%s' object needs an argument", method,
                                tname);
            } else {
                vm.raise_format(vm.exc.TypeError, "unbound method %s.%s() needs an argument", tname, method);
            }
            return false;
        }
        Value s = a.pos[0];
        if (!s.is_obj() || (s.o->type != self_type && !is_subtype(s.o->type, self_type))) {
            if (style == ArgStyle::Wrapper) {
                vm.raise_format(vm.exc.TypeError,
                                "descriptor '%s' requires a '%s' object but received a '%s'", method, tname,
                                type_name(vm, s).c_str());
            } else {
                vm.raise_format(vm.exc.TypeError,
                                "descriptor '%s' for '%s' objects doesn't apply to a '%s' object", method,
                                tname, type_name(vm, s).c_str());
            }
            return false;
        }
    }
    if (a.kwnames != nullptr && !a.kwnames->items.empty()) {
        switch (style) {
        case ArgStyle::Old:
            vm.raise_format(vm.exc.TypeError, "%s() takes no keyword arguments", method);
            break;
        case ArgStyle::Wrapper:
            vm.raise_format(vm.exc.TypeError, "wrapper %s() takes no keyword arguments", method);
            break;
        default:
            vm.raise_format(vm.exc.TypeError, "%s.%s() takes no keyword arguments", tname, method);
            break;
        }
        return false;
    }
    uint32_t n = a.npos == 0 ? 0 : a.npos - 1;
    if (n >= min && n <= max)
        return true;
    switch (style) {
    case ArgStyle::NoArgs:
        vm.raise_format(vm.exc.TypeError, "%s.%s() takes no arguments (%u given)", tname, method, n);
        break;
    case ArgStyle::One:
        vm.raise_format(vm.exc.TypeError, "%s.%s() takes exactly one argument (%u given)", tname, method, n);
        break;
    case ArgStyle::Clinic:
        if (min == max) {
            vm.raise_format(vm.exc.TypeError, "%s expected %u argument%s, got %u", method, min, plural(min), n);
        } else if (n < min) {
            vm.raise_format(vm.exc.TypeError, "%s expected at least %u argument%s, got %u", method, min,
                            plural(min), n);
        } else {
            vm.raise_format(vm.exc.TypeError, "%s expected at most %u argument%s, got %u", method, max,
                            plural(max), n);
        }
        break;
    case ArgStyle::Old:
        if (min == max) {
            vm.raise_format(vm.exc.TypeError, "%s() takes exactly %u argument%s (%u given)", method, min,
                            plural(min), n);
        } else if (n < min) {
            vm.raise_format(vm.exc.TypeError, "%s() takes at least %u argument%s (%u given)", method, min,
                            plural(min), n);
        } else {
            vm.raise_format(vm.exc.TypeError, "%s() takes at most %u argument%s (%u given)", method, max,
                            plural(max), n);
        }
        break;
    case ArgStyle::Wrapper:
        vm.raise_format(vm.exc.TypeError, "expected %u argument%s, got %u", min, plural(min), n);
        break;
    }
    return false;
}

bool text_parse(VM& vm, const Args& a, const char* fname, const char* const* names, uint32_t max_pos,
                Value* out) {
    uint32_t nnames = 0;
    while (names[nnames] != nullptr)
        ++nnames;
    for (uint32_t i = 0; i < nnames; ++i)
        out[i] = Value::empty();
    if (a.npos > max_pos) {
        vm.raise_format(vm.exc.TypeError, "%s() takes at most %u argument%s (%u given)", fname, max_pos,
                        plural(max_pos),
                        a.npos + (a.kwnames ? static_cast<uint32_t>(a.kwnames->items.size()) : 0));
        return false;
    }
    for (uint32_t i = 0; i < a.npos; ++i)
        out[i] = a.pos[i];
    if (a.kwnames == nullptr)
        return true;
    for (size_t k = 0; k < a.kwnames->items.size(); ++k) {
        std::string_view key = as_str(a.kwnames->items[k])->view();
        uint32_t i = 0;
        while (i < nnames && key != names[i])
            ++i;
        if (i == nnames) {
            vm.raise_format(vm.exc.TypeError, "'%.*s' is an invalid keyword argument for %s()",
                            static_cast<int>(key.size()), key.data(), fname);
            return false;
        }
        if (i < a.npos) {
            vm.raise_format(vm.exc.TypeError, "argument for %s() given by name ('%s') and position (%u)",
                            fname, names[i], i + 1);
            return false;
        }
        out[i] = a.kwvalues[k];
    }
    return true;
}

bool text_int_arg(VM& vm, Value v, int64_t* out) {
    if (v.is_int()) {
        *out = v.as_int();
        return true;
    }
    if (v.is_bool()) {
        *out = v.as_bool();
        return true;
    }
    return to_int64(vm, v, out);
}

// A start/end argument of find/count/startswith: None or an index; big ints clamp.
static bool slice_arg(VM& vm, Value v, int64_t* out) {
    if (v.is_empty() || v.is_none())
        return true;
    if (v.is_int()) {
        *out = v.as_int();
        return true;
    }
    if (v.is_bool()) {
        *out = v.as_bool();
        return true;
    }
    if (is_bigint(v)) {
        *out = int_sign(v) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        return true;
    }
    if (v.is_obj() && !type_lookup(type_of(vm, v), vm.names.__index__).is_empty())
        return to_int64(vm, v, out);
    vm.raise(vm.exc.TypeError, "slice indices must be integers or None or have an __index__ method");
    return false;
}

// CPython's ADJUST_INDICES.
static void adjust_indices(int64_t* start, int64_t* end, int64_t len) {
    if (*end > len)
        *end = len;
    else if (*end < 0) {
        *end += len;
        if (*end < 0)
            *end = 0;
    }
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = 0;
    }
}

// Decoded code points of s (for the context-sensitive case mappings).
static std::vector<uint32_t> code_points(Str* s) {
    std::vector<uint32_t> cps;
    cps.reserve(static_cast<size_t>(s->length));
    for (size_t i = 0; i < s->s.size();) {
        int len;
        cps.push_back(utf8_decode(s->s.data() + i, &len));
        i += static_cast<size_t>(len);
    }
    return cps;
}

static Value result(VM& vm, std::string&& text, int64_t length = -1) {
    return Value::object(new_str_owned(vm, std::move(text), length));
}

// self unchanged: the same object for exact str, a copy for subclasses (methods return str).
static Value same(VM& vm, Str* s) {
    if (s->type == vm.types.str)
        return Value::object(s);
    return result(vm, std::string(s->s), s->length);
}

#define CHECK(style, name, min, max)                                                                         \
    if (!text_args(vm, a, vm.types.str, ArgStyle::style, "str", name, min, max))                             \
    return Value::empty()
#define SELF as_str(a[0])

// ---- case mapping ----------------------------------------------------------------------------

// CPython's handle_capital_sigma: final form when preceded by a cased letter and not followed
// by one (case-ignorable characters skipped both ways).
static bool final_sigma(const std::vector<uint32_t>& cps, size_t i) {
    size_t j = i;
    while (j > 0 && unicode_iscaseignorable(cps[j - 1]))
        --j;
    if (j == 0 || !unicode_iscased(cps[j - 1]))
        return false;
    size_t k = i + 1;
    while (k < cps.size() && unicode_iscaseignorable(cps[k]))
        ++k;
    return k == cps.size() || !unicode_iscased(cps[k]);
}

static void append_lower_at(std::string& out, const std::vector<uint32_t>& cps, size_t i) {
    unicode_append_lower(out, cps[i], cps[i] == 0x3A3 && final_sigma(cps, i));
}

static Value str_lower(VM& vm, const Args& a) {
    CHECK(NoArgs, "lower", 0, 0);
    Str* s = SELF;
    std::string out;
    out.reserve(s->s.size());
    if (s->ascii) {
        for (char c : s->s)
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
        return result(vm, std::move(out), s->length);
    }
    std::vector<uint32_t> cps = code_points(s);
    for (size_t i = 0; i < cps.size(); ++i)
        append_lower_at(out, cps, i);
    return result(vm, std::move(out));
}

static Value str_upper(VM& vm, const Args& a) {
    CHECK(NoArgs, "upper", 0, 0);
    Str* s = SELF;
    std::string out;
    out.reserve(s->s.size());
    if (s->ascii) {
        for (char c : s->s)
            out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
        return result(vm, std::move(out), s->length);
    }
    for (uint32_t cp : code_points(s))
        unicode_append_upper(out, cp);
    return result(vm, std::move(out));
}

static Value str_casefold(VM& vm, const Args& a) {
    CHECK(NoArgs, "casefold", 0, 0);
    std::string out;
    for (uint32_t cp : code_points(SELF))
        unicode_append_casefold(out, cp);
    return result(vm, std::move(out));
}

static Value str_swapcase(VM& vm, const Args& a) {
    CHECK(NoArgs, "swapcase", 0, 0);
    std::vector<uint32_t> cps = code_points(SELF);
    std::string out;
    for (size_t i = 0; i < cps.size(); ++i) {
        if (unicode_isupper(cps[i]))
            append_lower_at(out, cps, i);
        else if (unicode_islower(cps[i]))
            unicode_append_upper(out, cps[i]);
        else
            utf8_append(out, cps[i]);
    }
    return result(vm, std::move(out));
}

static Value str_title(VM& vm, const Args& a) {
    CHECK(NoArgs, "title", 0, 0);
    std::vector<uint32_t> cps = code_points(SELF);
    std::string out;
    bool prev_cased = false;
    for (size_t i = 0; i < cps.size(); ++i) {
        if (prev_cased)
            append_lower_at(out, cps, i);
        else
            unicode_append_title(out, cps[i]);
        prev_cased = unicode_iscased(cps[i]);
    }
    return result(vm, std::move(out));
}

static Value str_capitalize(VM& vm, const Args& a) {
    CHECK(NoArgs, "capitalize", 0, 0);
    std::vector<uint32_t> cps = code_points(SELF);
    std::string out;
    for (size_t i = 0; i < cps.size(); ++i) {
        if (i == 0)
            unicode_append_title(out, cps[i]);
        else
            append_lower_at(out, cps, i);
    }
    return result(vm, std::move(out));
}

// ---- predicates ------------------------------------------------------------------------------

template <bool (*Pred)(uint32_t)> static bool all_cps(Str* s) {
    if (s->s.empty())
        return false;
    for (size_t i = 0; i < s->s.size();) {
        int len;
        uint32_t cp = utf8_decode(s->s.data() + i, &len);
        if (!Pred(cp))
            return false;
        i += static_cast<size_t>(len);
    }
    return true;
}

#define PREDICATE(fname, pred)                                                                               \
    static Value str_##fname(VM& vm, const Args& a) {                                                        \
        CHECK(NoArgs, #fname, 0, 0);                                                                         \
        return Value::boolean(all_cps<pred>(SELF));                                                          \
    }
PREDICATE(isalnum, unicode_isalnum)
PREDICATE(isalpha, unicode_isalpha)
PREDICATE(isdecimal, unicode_isdecimal)
PREDICATE(isdigit, unicode_isdigit)
PREDICATE(isnumeric, unicode_isnumeric)
PREDICATE(isspace, unicode_isspace)
#undef PREDICATE

static Value str_isascii(VM& vm, const Args& a) {
    CHECK(NoArgs, "isascii", 0, 0);
    return Value::boolean(SELF->ascii);
}

static Value str_isprintable(VM& vm, const Args& a) {
    CHECK(NoArgs, "isprintable", 0, 0);
    Str* s = SELF;
    return Value::boolean(s->s.empty() || all_cps<unicode_isprintable>(s));
}

static Value str_isidentifier(VM& vm, const Args& a) {
    CHECK(NoArgs, "isidentifier", 0, 0);
    std::vector<uint32_t> cps = code_points(SELF);
    if (cps.empty() || !unicode_isxid_start(cps[0]))
        return Value::boolean(false);
    for (size_t i = 1; i < cps.size(); ++i)
        if (!unicode_isxid_continue(cps[i]))
            return Value::boolean(false);
    return Value::boolean(true);
}

static Value str_islower(VM& vm, const Args& a) {
    CHECK(NoArgs, "islower", 0, 0);
    bool cased = false;
    for (uint32_t cp : code_points(SELF)) {
        if (unicode_isupper(cp) || unicode_istitle(cp))
            return Value::boolean(false);
        if (unicode_islower(cp))
            cased = true;
    }
    return Value::boolean(cased);
}

static Value str_isupper(VM& vm, const Args& a) {
    CHECK(NoArgs, "isupper", 0, 0);
    bool cased = false;
    for (uint32_t cp : code_points(SELF)) {
        if (unicode_islower(cp) || unicode_istitle(cp))
            return Value::boolean(false);
        if (unicode_isupper(cp))
            cased = true;
    }
    return Value::boolean(cased);
}

static Value str_istitle(VM& vm, const Args& a) {
    CHECK(NoArgs, "istitle", 0, 0);
    bool cased = false, prev_cased = false;
    for (uint32_t cp : code_points(SELF)) {
        if (unicode_isupper(cp) || unicode_istitle(cp)) {
            if (prev_cased)
                return Value::boolean(false);
            prev_cased = cased = true;
        } else if (unicode_islower(cp)) {
            if (!prev_cased)
                return Value::boolean(false);
            prev_cased = cased = true;
        } else {
            prev_cased = false;
        }
    }
    return Value::boolean(cased);
}

// ---- padding ---------------------------------------------------------------------------------

static bool fill_arg(VM& vm, const Args& a, uint32_t idx, std::string* fill) {
    fill->assign(1, ' '); // (operator=(" ") trips a GCC 12 -Wrestrict false positive)
    if (a.npos <= idx)
        return true;
    Value v = a[idx];
    if (!is_str(v)) {
        vm.raise_format(vm.exc.TypeError, "The fill character must be a unicode character, not %s",
                        type_name(vm, v).c_str());
        return false;
    }
    if (as_str(v)->length != 1) {
        vm.raise(vm.exc.TypeError, "The fill character must be exactly one character long");
        return false;
    }
    *fill = as_str(v)->s;
    return true;
}

static Value pad(VM& vm, Str* s, int64_t left, int64_t right, const std::string& fill) {
    std::string out;
    out.reserve(s->s.size() + static_cast<size_t>(left + right) * fill.size());
    for (int64_t i = 0; i < left; ++i)
        out.append(fill);
    out.append(s->s);
    for (int64_t i = 0; i < right; ++i)
        out.append(fill);
    return result(vm, std::move(out), s->length + left + right);
}

template <int Kind> // 0 ljust, 1 rjust, 2 center
static Value str_justify(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"ljust", "rjust", "center"};
    CHECK(Clinic, kNames[Kind], 1, 2);
    int64_t width;
    std::string fill;
    if (!text_int_arg(vm, a[1], &width) || !fill_arg(vm, a, 2, &fill))
        return Value::empty();
    Str* s = SELF;
    if (width <= s->length)
        return same(vm, s);
    int64_t marg = width - s->length;
    if (!reserve_buffer(vm, static_cast<uint64_t>(marg), fill.size()))
        return Value::empty();
    if (Kind == 0)
        return pad(vm, s, 0, marg, fill);
    if (Kind == 1)
        return pad(vm, s, marg, 0, fill);
    int64_t left = marg / 2 + (marg & width & 1);
    return pad(vm, s, left, marg - left, fill);
}

static Value str_zfill(VM& vm, const Args& a) {
    CHECK(One, "zfill", 1, 1);
    int64_t width;
    if (!text_int_arg(vm, a[1], &width))
        return Value::empty();
    Str* s = SELF;
    if (width <= s->length)
        return same(vm, s);
    int64_t fill = width - s->length;
    if (!reserve_buffer(vm, s->s.size() + static_cast<uint64_t>(fill)))
        return Value::empty();
    std::string out;
    size_t sign = (!s->s.empty() && (s->s[0] == '+' || s->s[0] == '-')) ? 1 : 0;
    out.append(s->s, 0, sign);
    out.append(static_cast<size_t>(fill), '0');
    out.append(s->s, sign, std::string::npos);
    return result(vm, std::move(out), width);
}

static Value str_expandtabs(VM& vm, const Args& a) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr}, vm.types.str, ArgStyle::Old,
                   "str", "expandtabs", 0, 0)) {
        return Value::empty();
    }
    static const char* const kNames[] = {"tabsize", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[1];
    if (!text_parse(vm, rest, "expandtabs", kNames, 1, v))
        return Value::empty();
    int64_t tabsize = 8;
    if (!v[0].is_empty() && !text_int_arg(vm, v[0], &tabsize))
        return Value::empty();
    if (tabsize > INT32_MAX || tabsize < INT32_MIN)
        return vm.raise(vm.exc.OverflowError, "Python int too large to convert to C int");
    Str* s = SELF;
    std::string out;
    int64_t col = 0;
    for (size_t i = 0; i < s->s.size();) {
        unsigned char b = static_cast<unsigned char>(s->s[i]);
        if (b == '\t') {
            if (tabsize > 0) {
                int64_t n = tabsize - col % tabsize;
                out.append(static_cast<size_t>(n), ' ');
                col += n;
            }
            ++i;
            continue;
        }
        int len = utf8_seq_len(b);
        out.append(s->s, i, static_cast<size_t>(len));
        i += static_cast<size_t>(len);
        col = (b == '\n' || b == '\r') ? 0 : col + 1;
    }
    return result(vm, std::move(out));
}

// ---- search ----------------------------------------------------------------------------------

// Parses (sub[, start[, end]]) for find/rfind/index/rindex/count; `sub` must be str.
static bool find_args(VM& vm, const Args& a, const char* name, Str** sub, int64_t* start, int64_t* end) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Old, "str", name, 1, 3))
        return false;
    if (!is_str(a[1])) {
        vm.raise_format(vm.exc.TypeError, "must be str, not %s", type_name(vm, a[1]).c_str());
        return false;
    }
    *sub = as_str(a[1]);
    *start = 0;
    *end = INT64_MAX;
    if (a.npos > 2 && !slice_arg(vm, a[2], start))
        return false;
    if (a.npos > 3 && !slice_arg(vm, a[3], end))
        return false;
    adjust_indices(start, end, SELF->length);
    return true;
}

template <bool Reverse, bool Raise> static Value str_find_native(VM& vm, const Args& a) {
    static constexpr const char* kName = Reverse ? (Raise ? "rindex" : "rfind") : (Raise ? "index" : "find");
    Str* sub;
    int64_t start, end;
    if (!find_args(vm, a, kName, &sub, &start, &end))
        return Value::empty();
    Str* s = SELF;
    int64_t r = -1;
    if (end - start >= sub->length)
        r = str_find(s, sub->view(), start, end, Reverse);
    if (r < 0 && Raise)
        return vm.raise(vm.exc.ValueError, "substring not found");
    return Value::integer(r);
}

static Value str_count(VM& vm, const Args& a) {
    Str* sub;
    int64_t start, end;
    if (!find_args(vm, a, "count", &sub, &start, &end))
        return Value::empty();
    Str* s = SELF;
    if (end - start < sub->length)
        return Value::integer(0);
    if (sub->s.empty())
        return Value::integer(end - start + 1);
    size_t b0 = str_offset(s, start), b1 = str_offset(s, end);
    std::string_view w(s->s.data() + b0, b1 - b0);
    int64_t n = 0;
    for (size_t p = w.find(sub->view()); p != std::string_view::npos;
         p = w.find(sub->view(), p + sub->s.size()))
        ++n;
    return Value::integer(n);
}

// startswith/endswith: one str or a tuple of str within [start, end).
template <bool End> static Value str_startsend(VM& vm, const Args& a) {
    static constexpr const char* kName = End ? "endswith" : "startswith";
    CHECK(Old, kName, 1, 3);
    Str* s = SELF;
    int64_t start = 0, end = INT64_MAX;
    if (a.npos > 2 && !slice_arg(vm, a[2], &start))
        return Value::empty();
    if (a.npos > 3 && !slice_arg(vm, a[3], &end))
        return Value::empty();
    adjust_indices(&start, &end, s->length);
    auto match = [&](Str* p) {
        if (start > s->length)
            return false;
        if (end - start < p->length)
            return false;
        size_t b0 = str_offset(s, start), b1 = str_offset(s, end);
        std::string_view w(s->s.data() + b0, b1 - b0);
        if (End)
            return w.size() >= p->s.size() && w.substr(w.size() - p->s.size()) == p->view();
        return w.substr(0, p->s.size()) == p->view();
    };
    Value arg = a[1];
    if (arg.is_obj() && arg.o->type->layout == Layout::Tuple) {
        for (Value item : static_cast<Tuple*>(arg.o)->items) {
            if (!is_str(item)) {
                return vm.raise_format(vm.exc.TypeError, "tuple for %s must only contain str, not %s", kName,
                                       type_name(vm, item).c_str());
            }
            if (match(as_str(item)))
                return Value::boolean(true);
        }
        return Value::boolean(false);
    }
    if (!is_str(arg)) {
        return vm.raise_format(vm.exc.TypeError, "%s first arg must be str or a tuple of str, not %s", kName,
                               type_name(vm, arg).c_str());
    }
    return Value::boolean(match(as_str(arg)));
}

// ---- strip / partition / prefix -------------------------------------------------------------

template <int Kind> // 0 strip, 1 lstrip, 2 rstrip
static Value str_strip(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"strip", "lstrip", "rstrip"};
    CHECK(Clinic, kNames[Kind], 0, 1);
    Str* s = SELF;
    std::vector<uint32_t> chars;
    bool whitespace = true;
    if (a.npos > 1 && !a[1].is_none()) {
        if (!is_str(a[1])) {
            return vm.raise_format(vm.exc.TypeError, "%s arg must be None or str", kNames[Kind]);
        }
        whitespace = false;
        chars = code_points(as_str(a[1]));
    }
    auto strip_it = [&](uint32_t cp) {
        if (whitespace)
            return unicode_isspace(cp);
        for (uint32_t c : chars)
            if (c == cp)
                return true;
        return false;
    };
    const char* data = s->s.data();
    size_t b = 0, e = s->s.size();
    if (Kind != 2) {
        while (b < e) {
            int len;
            uint32_t cp = utf8_decode(data + b, &len);
            if (!strip_it(cp))
                break;
            b += static_cast<size_t>(len);
        }
    }
    if (Kind != 1) {
        while (e > b) {
            size_t p = e - 1;
            while (p > b && (static_cast<unsigned char>(data[p]) & 0xC0) == 0x80)
                --p;
            int len;
            uint32_t cp = utf8_decode(data + p, &len);
            if (!strip_it(cp))
                break;
            e = p;
        }
    }
    if (b == 0 && e == s->s.size())
        return same(vm, s);
    return result(vm, s->s.substr(b, e - b));
}

template <bool Reverse> static Value str_partition(VM& vm, const Args& a) {
    CHECK(One, Reverse ? "rpartition" : "partition", 1, 1);
    if (!is_str(a[1]))
        return vm.raise_format(vm.exc.TypeError, "must be str, not %s", type_name(vm, a[1]).c_str());
    Str* s = SELF;
    Str* sep = as_str(a[1]);
    if (sep->s.empty())
        return vm.raise(vm.exc.ValueError, "empty separator");
    size_t p = Reverse ? s->view().rfind(sep->view()) : s->view().find(sep->view());
    Tuple* t = new_tuple(vm, 3);
    Value empty = Value::object(vm.intern(""));
    if (p == std::string_view::npos) {
        t->items[0] = Reverse ? empty : same(vm, s);
        t->items[1] = empty;
        t->items[2] = Reverse ? same(vm, s) : empty;
        return Value::object(t);
    }
    t->items[0] = result(vm, s->s.substr(0, p));
    t->items[1] = same(vm, sep);
    t->items[2] = result(vm, s->s.substr(p + sep->s.size()));
    return Value::object(t);
}

template <bool Suffix> static Value str_removefix(VM& vm, const Args& a) {
    static constexpr const char* kName = Suffix ? "removesuffix" : "removeprefix";
    CHECK(One, kName, 1, 1);
    if (!is_str(a[1])) {
        return vm.raise_format(vm.exc.TypeError, "%s() argument must be str, not %s", kName,
                               type_name(vm, a[1]).c_str());
    }
    Str* s = SELF;
    std::string_view p = as_str(a[1])->view(), v = s->view();
    if (p.empty() || p.size() > v.size())
        return same(vm, s);
    if (Suffix ? v.substr(v.size() - p.size()) == p : v.substr(0, p.size()) == p) {
        return result(vm, std::string(Suffix ? v.substr(0, v.size() - p.size()) : v.substr(p.size())),
                      s->length - as_str(a[1])->length);
    }
    return same(vm, s);
}

// ---- replace / split / join ------------------------------------------------------------------

static Value str_replace(VM& vm, const Args& a) {
    CHECK(Clinic, "replace", 2, 3);
    for (uint32_t i = 1; i <= 2; ++i) {
        if (!is_str(a[i])) {
            return vm.raise_format(vm.exc.TypeError, "replace() argument %u must be str, not %s", i,
                                   type_name(vm, a[i]).c_str());
        }
    }
    int64_t count = -1;
    if (a.npos > 3 && !text_int_arg(vm, a[3], &count))
        return Value::empty();
    Str* s = SELF;
    std::string_view old = as_str(a[1])->view(), rep = as_str(a[2])->view(), v = s->view();
    if (count < 0)
        count = INT64_MAX;
    std::string out;
    int64_t done = 0;
    if (old.empty()) {
        // Insert `rep` before every character and at the end.
        size_t i = 0;
        while (i <= v.size()) {
            if (done < count) {
                out.append(rep);
                ++done;
            }
            if (i == v.size())
                break;
            int len = utf8_seq_len(static_cast<unsigned char>(v[i]));
            out.append(v.substr(i, static_cast<size_t>(len)));
            i += static_cast<size_t>(len);
        }
        return result(vm, std::move(out));
    }
    size_t pos = 0;
    while (done < count) {
        size_t f = v.find(old, pos);
        if (f == std::string_view::npos)
            break;
        out.append(v.substr(pos, f - pos));
        out.append(rep);
        pos = f + old.size();
        ++done;
    }
    if (done == 0)
        return same(vm, s);
    out.append(v.substr(pos));
    return result(vm, std::move(out));
}

static bool split_args(VM& vm, const Args& a, const char* name, Str** sep, int64_t* maxsplit) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr}, vm.types.str, ArgStyle::Old,
                   "str", name, 0, 0)) {
        return false;
    }
    static const char* const kNames[] = {"sep", "maxsplit", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[2];
    if (!text_parse(vm, rest, name, kNames, 2, v))
        return false;
    *sep = nullptr;
    *maxsplit = -1;
    if (!v[0].is_empty() && !v[0].is_none()) {
        if (!is_str(v[0])) {
            vm.raise_format(vm.exc.TypeError, "must be str or None, not %s", type_name(vm, v[0]).c_str());
            return false;
        }
        *sep = as_str(v[0]);
        if ((*sep)->s.empty()) {
            vm.raise(vm.exc.ValueError, "empty separator");
            return false;
        }
    }
    if (!v[1].is_empty() && !text_int_arg(vm, v[1], maxsplit))
        return false;
    if (*maxsplit < 0)
        *maxsplit = INT64_MAX;
    return true;
}

// The code point ending just before byte offset `e` (e > 0).
static size_t prev_cp(const char* data, size_t e) {
    size_t p = e - 1;
    while (p > 0 && (static_cast<unsigned char>(data[p]) & 0xC0) == 0x80)
        --p;
    return p;
}

template <bool Reverse> static Value str_split(VM& vm, const Args& a) {
    Str* sep;
    int64_t maxsplit;
    if (!split_args(vm, a, Reverse ? "rsplit" : "split", &sep, &maxsplit))
        return Value::empty();
    Str* s = SELF;
    std::string_view v = s->view();
    List* out = new_list(vm);
    std::vector<std::string_view> parts;
    if (sep != nullptr) {
        std::string_view sp = sep->view();
        if (!Reverse) {
            size_t pos = 0;
            while (maxsplit-- > 0) {
                size_t f = v.find(sp, pos);
                if (f == std::string_view::npos)
                    break;
                parts.push_back(v.substr(pos, f - pos));
                pos = f + sp.size();
            }
            parts.push_back(v.substr(pos));
        } else {
            size_t end = v.size();
            while (maxsplit-- > 0) {
                if (end < sp.size())
                    break;
                size_t f = v.substr(0, end).rfind(sp);
                if (f == std::string_view::npos)
                    break;
                parts.push_back(v.substr(f + sp.size(), end - f - sp.size()));
                end = f;
            }
            parts.push_back(v.substr(0, end));
        }
    } else {
        const char* d = v.data();
        const bool ascii = s->ascii;
        auto space_at = [&](size_t i, int* len) {
            unsigned char c = static_cast<unsigned char>(d[i]);
            if (ascii || c < 0x80) {   // ASCII whitespace: \t-\r, \x1c-\x1f and ' '
                *len = 1;
                return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
            }
            return unicode_isspace(utf8_decode(d + i, len));
        };
        if (!Reverse) {
            size_t i = 0, n = v.size();
            int len;
            while (true) {
                while (i < n && space_at(i, &len))
                    i += static_cast<size_t>(len);
                if (i >= n)
                    break;
                if (maxsplit-- <= 0) {
                    // The rest, without trailing whitespace removal (CPython keeps it).
                    parts.push_back(v.substr(i));
                    break;
                }
                size_t j = i;
                while (j < n && !space_at(j, &len))
                    j += static_cast<size_t>(len);
                parts.push_back(v.substr(i, j - i));
                i = j;
            }
        } else {
            size_t e = v.size();
            int len;
            while (true) {
                while (e > 0 && space_at(prev_cp(d, e), &len))
                    e = prev_cp(d, e);
                if (e == 0)
                    break;
                if (maxsplit-- <= 0) {
                    parts.push_back(v.substr(0, e));
                    break;
                }
                size_t b = e;
                while (b > 0 && !space_at(prev_cp(d, b), &len))
                    b = prev_cp(d, b);
                parts.push_back(v.substr(b, e - b));
                e = b;
            }
        }
    }
    out->items.reserve(parts.size());
    // Parts of an ASCII string are ASCII: their length is their size (no scan).
    auto part = [&](std::string_view p) {
        return result(vm, std::string(p), s->ascii ? static_cast<int64_t>(p.size()) : -1);
    };
    if (Reverse) {
        for (size_t k = parts.size(); k-- > 0;)
            out->items.push_back(part(parts[k]));
    } else {
        // split() returning the whole unsplit string returns self for exact str (like CPython).
        if (parts.size() == 1 && parts[0].size() == v.size()) {
            out->items.push_back(same(vm, s));
        } else {
            for (std::string_view p : parts)
                out->items.push_back(part(p));
        }
    }
    return Value::object(out);
}

static Value str_splitlines(VM& vm, const Args& a) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr}, vm.types.str, ArgStyle::Old,
                   "str", "splitlines", 0, 0)) {
        return Value::empty();
    }
    static const char* const kNames[] = {"keepends", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[1];
    if (!text_parse(vm, rest, "splitlines", kNames, 1, v))
        return Value::empty();
    int64_t keepends = 0;
    if (!v[0].is_empty() && !text_int_arg(vm, v[0], &keepends))
        return Value::empty();
    Str* s = SELF;
    std::string_view t = s->view();
    List* out = new_list(vm);
    size_t i = 0, n = t.size();
    while (i < n) {
        size_t start = i, eol = n, next = n;
        while (i < n) {
            int len;
            uint32_t cp = utf8_decode(t.data() + i, &len);
            bool br = cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x1C || cp == 0x1D ||
                      cp == 0x1E || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
            if (br) {
                eol = i;
                next = i + static_cast<size_t>(len);
                if (cp == '\r' && next < n && t[next] == '\n')
                    ++next;
                break;
            }
            i += static_cast<size_t>(len);
        }
        if (i >= n) {
            eol = n;
            next = n;
        }
        out->items.push_back(result(vm, std::string(t.substr(start, (keepends ? next : eol) - start))));
        i = next;
    }
    return Value::object(out);
}

static Value str_join(VM& vm, const Args& a) {
    CHECK(One, "join", 1, 1);
    Str* sep = SELF;
    Value arg = a[1];
    const std::vector<Value>* items;
    List* tmp = nullptr;
    if (arg.is_obj() && (arg.o->type->layout == Layout::List)) {
        items = &static_cast<List*>(arg.o)->items;
    } else if (arg.is_obj() && arg.o->type->layout == Layout::Tuple) {
        items = &static_cast<Tuple*>(arg.o)->items;
    } else {
        Value it = get_iter(vm, arg);
        if (it.is_empty()) {
            vm.take_pending();
            return vm.raise(vm.exc.TypeError, "can only join an iterable");
        }
        tmp = new_list(vm); // keeps every item alive while we iterate
        while (true) {
            Value x = iter_next(vm, it);
            if (x.is_empty()) {
                if (vm.has_pending())
                    return Value::empty();
                break;
            }
            tmp->items.push_back(x);
        }
        items = &tmp->items;
    }
    size_t n = items->size();
    if (n == 1 && is_str((*items)[0]) && (*items)[0].o->type == vm.types.str)
        return (*items)[0];
    size_t total = n > 0 ? sep->s.size() * (n - 1) : 0;
    int64_t length = n > 0 ? sep->length * static_cast<int64_t>(n - 1) : 0;
    for (size_t i = 0; i < n; ++i) {
        Value x = (*items)[i];
        if (!is_str(x)) {
            return vm.raise_format(vm.exc.TypeError, "sequence item %zu: expected str instance, %s found", i,
                                   type_name(vm, x).c_str());
        }
        total += as_str(x)->s.size();
        length += as_str(x)->length;
    }
    if (!reserve_buffer(vm, total))
        return Value::empty();
    std::string out;
    out.reserve(total);
    for (size_t i = 0; i < n; ++i) {
        if (i > 0)
            out.append(sep->s);
        out.append(as_str((*items)[i])->s);
    }
    return result(vm, std::move(out), length);
}

// ---- encode / translate / maketrans / format_map ---------------------------------------------

static Value str_encode(VM& vm, const Args& a) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr}, vm.types.str, ArgStyle::Old,
                   "str", "encode", 0, 0)) {
        return Value::empty();
    }
    static const char* const kNames[] = {"encoding", "errors", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[2];
    if (!text_parse(vm, rest, "encode", kNames, 2, v))
        return Value::empty();
    Str* enc = nullptr;
    Str* err = nullptr;
    for (int i = 0; i < 2; ++i) {
        if (v[i].is_empty())
            continue;
        if (!is_str(v[i])) {
            return vm.raise_format(vm.exc.TypeError, "encode() argument '%s' must be str, not %s", kNames[i],
                                   type_name(vm, v[i]).c_str());
        }
        (i == 0 ? enc : err) = as_str(v[i]);
    }
    return encode_text(vm, SELF, enc, err);
}

static Value str_translate(VM& vm, const Args& a) {
    CHECK(One, "translate", 1, 1);
    Str* s = SELF;
    Value table = a[1];
    std::string out;
    out.reserve(s->s.size());
    for (size_t i = 0; i < s->s.size();) {
        int len;
        uint32_t cp = utf8_decode(s->s.data() + i, &len);
        Value r;
        if (table.is_obj() && table.o->type == vm.types.dict) {
            r = dict_get(vm, static_cast<Dict*>(table.o), Value::integer(cp));
            if (r.is_empty() && vm.has_pending())
                return Value::empty();
        } else {
            r = get_item(vm, table, Value::integer(cp));
            if (r.is_empty()) {
                Value exc = vm.pending;
                if (is_instance(vm, exc, vm.exc.LookupError))
                    vm.take_pending();
                else
                    return Value::empty();
            }
        }
        if (r.is_empty()) {
            out.append(s->s, i, static_cast<size_t>(len));
        } else if (r.is_none()) {
            // deleted
        } else if (r.is_int() || r.is_bool()) {
            int64_t c = r.is_int() ? r.as_int() : r.as_bool();
            if (c < 0 || c > 0x10FFFF)
                return vm.raise(vm.exc.ValueError, "character mapping must be in range(0x110000)");
            utf8_append(out, static_cast<uint32_t>(c));
        } else if (is_str(r)) {
            out.append(as_str(r)->s);
        } else if (is_bigint(r)) {
            return vm.raise(vm.exc.ValueError, "character mapping must be in range(0x110000)");
        } else {
            return vm.raise(vm.exc.TypeError, "character mapping must return integer, None or str");
        }
        i += static_cast<size_t>(len);
    }
    return result(vm, std::move(out));
}

static Value str_maketrans(VM& vm, const Args& a) {
    // A static method: no self. Clinic-style counts.
    if (a.kwnames != nullptr && !a.kwnames->items.empty()) {
        return vm.raise(vm.exc.TypeError, "str.maketrans() takes no keyword arguments");
    }
    if (a.npos < 1)
        return vm.raise(vm.exc.TypeError, "maketrans expected at least 1 argument, got 0");
    if (a.npos > 3)
        return vm.raise_format(vm.exc.TypeError, "maketrans expected at most 3 arguments, got %u", a.npos);
    Dict* d = new_dict(vm);
    if (a.npos == 1) {
        Value m = a[0];
        if (!m.is_obj() || m.o->type->layout != Layout::Dict) {
            return vm.raise(vm.exc.TypeError, "if you give only one argument to maketrans it must be a dict");
        }
        Dict* src = static_cast<Dict*>(m.o);
        size_t pos = 0;
        Value k, v;
        while (dict_next(src, &pos, &k, &v)) {
            if (is_str(k)) {
                if (as_str(k)->length != 1) {
                    return vm.raise(vm.exc.ValueError, "string keys in translate table must be of length 1");
                }
                int len;
                k = Value::integer(utf8_decode(as_str(k)->s.data(), &len));
            } else if (!(k.is_int() || k.is_bool() || is_bigint(k))) {
                return vm.raise(vm.exc.TypeError, "keys in translate table must be strings or integers");
            }
            if (!dict_set(vm, d, k, v))
                return Value::empty();
        }
        return Value::object(d);
    }
    for (uint32_t i = 0; i < a.npos; ++i) {
        if (!is_str(a[i])) {
            return vm.raise_format(vm.exc.TypeError, "maketrans() argument %u must be str, not %s", i + 1,
                                   type_name(vm, a[i]).c_str());
        }
    }
    Str* x = as_str(a[0]);
    Str* y = as_str(a[1]);
    if (x->length != y->length) {
        return vm.raise(vm.exc.ValueError, "the first two maketrans arguments must have equal length");
    }
    std::vector<uint32_t> xs = code_points(x), ys = code_points(y);
    for (size_t i = 0; i < xs.size(); ++i) {
        if (!dict_set(vm, d, Value::integer(xs[i]), Value::integer(ys[i])))
            return Value::empty();
    }
    if (a.npos == 3) {
        for (uint32_t c : code_points(as_str(a[2]))) {
            if (!dict_set(vm, d, Value::integer(c), Value::none()))
                return Value::empty();
        }
    }
    return Value::object(d);
}

static Value str_format_map(VM& vm, const Args& a) {
    CHECK(One, "format_map", 1, 1);
    return str_format_map_method(vm, a);
}

#undef CHECK
#undef SELF

void init_str_methods(VM& vm) {
    Type* t = vm.types.str;
    def_method(vm, t, "capitalize", str_capitalize);
    def_method(vm, t, "casefold", str_casefold);
    def_method(vm, t, "center", str_justify<2>);
    def_method(vm, t, "count", str_count);
    def_method(vm, t, "encode", str_encode);
    def_method(vm, t, "endswith", str_startsend<true>);
    def_method(vm, t, "expandtabs", str_expandtabs);
    def_method(vm, t, "find", str_find_native<false, false>);
    def_method(vm, t, "format", str_format_method);
    def_method(vm, t, "format_map", str_format_map);
    def_method(vm, t, "index", str_find_native<false, true>);
    def_method(vm, t, "isalnum", str_isalnum);
    def_method(vm, t, "isalpha", str_isalpha);
    def_method(vm, t, "isascii", str_isascii);
    def_method(vm, t, "isdecimal", str_isdecimal);
    def_method(vm, t, "isdigit", str_isdigit);
    def_method(vm, t, "isidentifier", str_isidentifier);
    def_method(vm, t, "islower", str_islower);
    def_method(vm, t, "isnumeric", str_isnumeric);
    def_method(vm, t, "isprintable", str_isprintable);
    def_method(vm, t, "isspace", str_isspace);
    def_method(vm, t, "istitle", str_istitle);
    def_method(vm, t, "isupper", str_isupper);
    def_method(vm, t, "join", str_join);
    def_method(vm, t, "ljust", str_justify<0>);
    def_method(vm, t, "lower", str_lower);
    def_method(vm, t, "lstrip", str_strip<1>);
    // A static method: a plain (non-binding) native in the type dict.
    def_method(vm, t, "maketrans", str_maketrans)->is_method = false;
    def_method(vm, t, "partition", str_partition<false>);
    def_method(vm, t, "removeprefix", str_removefix<false>);
    def_method(vm, t, "removesuffix", str_removefix<true>);
    def_method(vm, t, "replace", str_replace);
    def_method(vm, t, "rfind", str_find_native<true, false>);
    def_method(vm, t, "rindex", str_find_native<true, true>);
    def_method(vm, t, "rjust", str_justify<1>);
    def_method(vm, t, "rpartition", str_partition<true>);
    def_method(vm, t, "rsplit", str_split<true>);
    def_method(vm, t, "rstrip", str_strip<2>);
    def_method(vm, t, "split", str_split<false>);
    def_method(vm, t, "splitlines", str_splitlines);
    def_method(vm, t, "startswith", str_startsend<false>);
    def_method(vm, t, "strip", str_strip<0>);
    def_method(vm, t, "swapcase", str_swapcase);
    def_method(vm, t, "title", str_title);
    def_method(vm, t, "translate", str_translate);
    def_method(vm, t, "upper", str_upper);
    def_method(vm, t, "zfill", str_zfill);
}

} // namespace asy::vm
