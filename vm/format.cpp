// The format-spec mini-language (`[[fill]align][sign][z][#][0][width][grouping][.precision][type]`)
// for int, float and str, with CPython 3.11's layout rules and error messages, and str.format /
// str.format_map (the replacement-field grammar).
#include "vm/format.hpp"

#include <cmath>

#include "vm/objects/exception.hpp"
#include "vm/objects/float.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"

namespace asy::vm {

namespace {

// ---- UTF-8 helpers (format specs and fill characters are code points) ----------------------

size_t cp_len(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c >> 5) == 0x6) return 2;
    if ((c >> 4) == 0xe) return 3;
    if ((c >> 3) == 0x1e) return 4;
    return 1;
}

uint32_t cp_decode(std::string_view s, size_t pos, size_t* len) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    size_t n = std::min(cp_len(c), s.size() - pos);
    *len = n;
    if (n == 1) return c;
    uint32_t cp = c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3f);
    return cp;
}

void cp_append(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
        out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

int64_t cp_count(std::string_view s) {
    int64_t n = 0;
    for (unsigned char c : s) if ((c & 0xc0) != 0x80) ++n;
    return n;
}

void append_fill(std::string* out, const std::string& fill, int64_t n) {
    for (int64_t i = 0; i < n; ++i) *out += fill;
}

bool fail(FormatError* err, FormatErrorKind kind, std::string msg) {
    err->kind = kind;
    err->message = std::move(msg);
    return false;
}

std::string code_text(uint32_t type) {
    if (type > 32 && type < 128) return std::string(1, static_cast<char>(type));
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\x%x", type);
    return buf;
}

bool unknown_code(FormatError* err, uint32_t type, const char* type_name) {
    return fail(err, FormatErrorKind::Value,
                "Unknown format code '" + code_text(type) + "' for object of type '" + type_name + "'");
}

bool is_align(uint32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

// Digits of a number, read from `s` at `pos`; -1 on overflow, else the count consumed.
int get_integer(std::string_view s, size_t* pos, int64_t* out) {
    int64_t v = 0;
    int n = 0;
    while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') {
        int d = s[*pos] - '0';
        if (v > (INT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
        ++*pos;
        ++n;
    }
    *out = v;
    return n;
}

// CPython's _PyUnicode_InsertThousandsGrouping: group `digits` from the right in groups of
// `group` (0: no grouping) with `sep`, left-padding with zeros until at least `min_width` chars.
std::string group_digits(std::string_view digits, int64_t min_width, int group, char sep) {
    std::string rev;  // built right to left
    int64_t n_digits = static_cast<int64_t>(digits.size());
    size_t pos = digits.size();
    bool use_sep = false, broken = false;
    auto emit = [&](int64_t len) {
        int64_t zeros = std::max<int64_t>(0, len - n_digits);
        int64_t chars = std::max<int64_t>(0, std::min(len, n_digits));
        if (use_sep) rev.push_back(sep);
        for (int64_t i = 0; i < chars; ++i) rev.push_back(digits[--pos]);
        rev.append(static_cast<size_t>(zeros), '0');
        n_digits -= chars;
    };
    if (group > 0) {
        for (;;) {
            int64_t len = std::min<int64_t>(group, std::max<int64_t>(std::max(n_digits, min_width), 1));
            emit(len);
            use_sep = true;
            min_width -= len;
            if (n_digits <= 0 && min_width <= 0) { broken = true; break; }
            min_width -= 1;
        }
    }
    if (!broken) emit(std::max<int64_t>(std::max(n_digits, min_width), 1));
    return std::string(rev.rbegin(), rev.rend());
}

// CPython's calc_number_widths + fill_number. `digits` is the run of ASCII digits to group,
// `remainder` what follows (".5", "e+10", "%", or a 'c' character), `has_decimal` whether a
// '.' sits between them.
std::string layout_number(const FormatSpec& f, char sign_char, std::string_view prefix, std::string_view digits,
                          bool has_decimal, std::string_view remainder, bool upper) {
    char sign = 0;
    if (f.sign == '+') sign = sign_char == '-' ? '-' : '+';
    else if (f.sign == ' ') sign = sign_char == '-' ? '-' : ' ';
    else if (sign_char == '-') sign = '-';
    int64_t n_sign = sign ? 1 : 0;
    int64_t n_non_digit = n_sign + static_cast<int64_t>(prefix.size()) + (has_decimal ? 1 : 0) +
                          cp_count(remainder);
    int64_t min_width = (f.fill == "0" && f.align == '=') ? f.width - n_non_digit : 0;
    bool by_four = f.type == 'b' || f.type == 'o' || f.type == 'x' || f.type == 'X';
    int group = f.grouping == 0 ? 0 : (f.grouping == '_' && by_four) ? 4 : 3;
    std::string grouped;
    if (!digits.empty()) grouped = group_digits(digits, min_width, group, f.grouping ? f.grouping : ',');
    if (upper) for (char& c : grouped) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    int64_t n_padding = f.width - (n_non_digit + static_cast<int64_t>(grouped.size()));
    int64_t lpad = 0, spad = 0, rpad = 0;
    if (n_padding > 0) {
        switch (f.align) {
        case '<': rpad = n_padding; break;
        case '^': lpad = n_padding / 2; rpad = n_padding - lpad; break;
        case '=': spad = n_padding; break;
        default: lpad = n_padding; break;
        }
    }
    std::string out;
    append_fill(&out, f.fill, lpad);
    if (sign) out.push_back(sign);
    for (char c : prefix) out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    append_fill(&out, f.fill, spad);
    out += grouped;
    if (has_decimal) out.push_back('.');
    out += remainder;
    append_fill(&out, f.fill, rpad);
    return out;
}

// Lay out the text of a formatted double ("-1234.5e+10", "inf", "12.5%") as a number.
std::string layout_float_text(const FormatSpec& f, std::string_view text) {
    char sign_char = 0;
    if (!text.empty() && text[0] == '-') { sign_char = '-'; text.remove_prefix(1); }
    size_t i = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    bool has_decimal = i < text.size() && text[i] == '.';
    std::string_view rem = text.substr(i + (has_decimal ? 1 : 0));
    return layout_number(f, sign_char, "", text.substr(0, i), has_decimal, rem, false);
}

bool format_double_parsed(double val, FormatSpec f, std::string* out, FormatError* err, const char* type_name) {
    uint32_t type = f.type;
    switch (type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%': break;
    default: return unknown_code(err, type, type_name);
    }
    if (f.precision > INT32_MAX) return fail(err, FormatErrorKind::Value, "precision too big");
    int precision = static_cast<int>(f.precision);
    bool add_dot_0 = false;
    int default_precision = 6;
    char mode = static_cast<char>(type);
    if (type == 0) { add_dot_0 = true; mode = 'r'; default_precision = 0; }
    if (type == 'n') mode = 'g';
    bool add_pct = false;
    if (type == '%') { mode = 'f'; val *= 100; add_pct = true; }
    if (precision < 0) precision = default_precision;
    else if (mode == 'r') mode = 'g';
    std::string text = double_to_string(val, mode, precision, f.alternate, add_dot_0);
    if (f.no_neg_zero && !text.empty() && text[0] == '-') {
        bool nonzero = false;
        for (char c : text) {
            if (c == 'e' || c == 'E') break;
            if (c >= '1' && c <= '9') nonzero = true;
        }
        if (!nonzero && text.find_first_of("niNI") == std::string::npos) text.erase(0, 1);
    }
    if (add_pct) text.push_back('%');
    if (f.sign != '+' && f.sign != ' ' && f.width == -1 && type != 'n' && !f.grouping) {
        *out = std::move(text);
        return true;
    }
    *out = layout_float_text(f, text);
    return true;
}

bool format_int_parsed(Value v, FormatSpec f, std::string* out, FormatError* err, const char* type_name) {
    switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n': break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': {
        Value x;
        int_unwrap(v, &x);
        double d;
        if (x.is_int()) {
            d = static_cast<double>(x.i);
        } else {
            // Correctly rounded conversion needs no VM for the value itself; only the error does.
            Mpz m;
            int_to_mpz(x, m.z);
            if (mpz_sizeinbase(m.z, 2) > 1024)
                return fail(err, FormatErrorKind::Overflow, "int too large to convert to float");
            d = std::strtod(int_to_decimal(x).c_str(), nullptr);
            if (std::isinf(d)) return fail(err, FormatErrorKind::Overflow, "int too large to convert to float");
        }
        return format_double_parsed(d, f, out, err, type_name);
    }
    default: return unknown_code(err, f.type, type_name);
    }
    if (f.precision != -1) return fail(err, FormatErrorKind::Value, "Precision not allowed in integer format specifier");
    if (f.no_neg_zero)
        return fail(err, FormatErrorKind::Value, "Negative zero coercion (z) not allowed in integer format specifier");
    if (f.type == 'c') {
        if (f.sign) return fail(err, FormatErrorKind::Value, "Sign not allowed with integer format specifier 'c'");
        if (f.alternate)
            return fail(err, FormatErrorKind::Value, "Alternate form (#) not allowed with integer format specifier 'c'");
        Value x;
        int_unwrap(v, &x);
        if (!x.is_int()) return fail(err, FormatErrorKind::Overflow, "Python int too large to convert to C long");
        if (x.i < 0 || x.i > 0x10ffff)
            return fail(err, FormatErrorKind::Overflow, "%c arg not in range(0x110000)");
        std::string ch;
        cp_append(&ch, static_cast<uint32_t>(x.i));
        *out = layout_number(f, 0, "", "", false, ch, false);
        return true;
    }
    int base = 10;
    const char* prefix = "";
    switch (f.type) {
    case 'b': base = 2; prefix = "0b"; break;
    case 'o': base = 8; prefix = "0o"; break;
    case 'x': case 'X': base = 16; prefix = "0x"; break;
    default: break;
    }
    std::string digits = int_to_base(v, base);
    char sign_char = 0;
    std::string_view dv = digits;
    if (!dv.empty() && dv[0] == '-') { sign_char = '-'; dv.remove_prefix(1); }
    *out = layout_number(f, sign_char, f.alternate ? prefix : "", dv, false, "", f.type == 'X');
    return true;
}

bool format_str_parsed(std::string_view text, const FormatSpec& f, std::string* out, FormatError* err,
                       const char* type_name) {
    if (f.type != 's') return unknown_code(err, f.type, type_name);
    if (f.sign) return fail(err, FormatErrorKind::Value, "Sign not allowed in string format specifier");
    if (f.no_neg_zero)
        return fail(err, FormatErrorKind::Value, "Negative zero coercion (z) not allowed in string format specifier");
    if (f.alternate) return fail(err, FormatErrorKind::Value, "Alternate form (#) not allowed in string format specifier");
    if (f.align == '=') return fail(err, FormatErrorKind::Value, "'=' alignment not allowed in string format specifier");
    int64_t len = cp_count(text);
    if (f.precision >= 0 && len > f.precision) {
        size_t pos = 0;
        for (int64_t i = 0; i < f.precision; ++i) pos += cp_len(static_cast<unsigned char>(text[pos]));
        text = text.substr(0, pos);
        len = f.precision;
    }
    int64_t total = f.width > len ? f.width : len;
    int64_t lpad = f.align == '>' ? total - len : f.align == '^' ? (total - len) / 2 : 0;
    int64_t rpad = total - len - lpad;
    out->clear();
    append_fill(out, f.fill, lpad);
    *out += text;
    append_fill(out, f.fill, rpad);
    return true;
}

Value raise_format_error(VM& vm, const FormatError& err) {
    Type* t = err.kind == FormatErrorKind::Overflow ? vm.exc.OverflowError
              : err.kind == FormatErrorKind::Type   ? vm.exc.TypeError
              : err.kind == FormatErrorKind::Memory ? vm.exc.MemoryError
                                                    : vm.exc.ValueError;
    return vm.raise(t, err.message);
}

}  // namespace

// ---- spec parsing --------------------------------------------------------------------------

bool parse_format_spec(std::string_view spec, uint32_t default_type, char default_align, const char* type_name,
                       FormatSpec* out, FormatError* err) {
    FormatSpec f;
    f.align = default_align;
    f.type = default_type;
    size_t pos = 0, end = spec.size();
    bool fill_given = false, align_given = false;
    if (end > 0) {
        size_t l0;
        cp_decode(spec, 0, &l0);
        if (l0 < end) {
            size_t l1;
            uint32_t c1 = cp_decode(spec, l0, &l1);
            if (is_align(c1)) {
                f.fill = std::string(spec.substr(0, l0));
                f.align = static_cast<char>(c1);
                fill_given = align_given = true;
                pos = l0 + l1;
            }
        }
        if (!align_given && is_align(static_cast<unsigned char>(spec[0]))) {
            f.align = spec[0];
            align_given = true;
            pos = 1;
        }
    }
    if (pos < end && (spec[pos] == '+' || spec[pos] == '-' || spec[pos] == ' ')) f.sign = spec[pos++];
    if (pos < end && spec[pos] == 'z') { f.no_neg_zero = true; ++pos; }
    if (pos < end && spec[pos] == '#') { f.alternate = true; ++pos; }
    if (!fill_given && pos < end && spec[pos] == '0') {
        f.fill = "0";
        if (!align_given && default_align == '>') f.align = '=';
        ++pos;
    }
    int n = get_integer(spec, &pos, &f.width);
    if (n < 0) return fail(err, FormatErrorKind::Value, "Too many decimal digits in format string");
    if (n == 0) f.width = -1;
    // A padding wider than memory can hold: MemoryError now rather than std::bad_alloc later.
    if (f.width > 0 && !buffer_fits(static_cast<uint64_t>(f.width), f.fill.size() + 1))
        return fail(err, FormatErrorKind::Memory, "");
    if (pos < end && spec[pos] == ',') { f.grouping = ','; ++pos; }
    if (pos < end && spec[pos] == '_') {
        if (f.grouping) return fail(err, FormatErrorKind::Value, "Cannot specify both ',' and '_'.");
        f.grouping = '_';
        ++pos;
    }
    if (pos < end && spec[pos] == ',' && f.grouping == '_')
        return fail(err, FormatErrorKind::Value, "Cannot specify both ',' and '_'.");
    if (pos < end && spec[pos] == '.') {
        ++pos;
        n = get_integer(spec, &pos, &f.precision);
        if (n < 0) return fail(err, FormatErrorKind::Value, "Too many decimal digits in format string");
        if (n == 0) return fail(err, FormatErrorKind::Value, "Format specifier missing precision");
    }
    if (pos < end) {
        size_t l;
        uint32_t c = cp_decode(spec, pos, &l);
        if (pos + l < end) {
            return fail(err, FormatErrorKind::Value,
                        "Invalid format specifier '" + std::string(spec) + "' for object of type '" + type_name + "'");
        }
        f.type = c;
    }
    if (f.grouping) {
        switch (f.type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0: break;
        case 'b': case 'o': case 'x': case 'X':
            if (f.grouping == '_') break;
            [[fallthrough]];
        default:
            return fail(err, FormatErrorKind::Value,
                        std::string("Cannot specify '") + f.grouping + "' with '" + code_text(f.type) + "'.");
        }
    }
    f.fill_given = fill_given;
    *out = std::move(f);
    return true;
}

// ---- pure entry points -------------------------------------------------------------------

bool format_double_spec(double d, std::string_view spec, std::string* out, FormatError* err, const char* type_name) {
    FormatSpec f;
    if (!parse_format_spec(spec, 0, '>', type_name, &f, err)) return false;
    return format_double_parsed(d, f, out, err, type_name);
}

bool format_int_spec(Value v, std::string_view spec, std::string* out, FormatError* err, const char* type_name) {
    FormatSpec f;
    if (!parse_format_spec(spec, 'd', '>', type_name, &f, err)) return false;
    return format_int_parsed(v, f, out, err, type_name);
}

bool format_str_spec(std::string_view text, std::string_view spec, std::string* out, FormatError* err,
                     const char* type_name) {
    FormatSpec f;
    if (!parse_format_spec(spec, 's', '<', type_name, &f, err)) return false;
    return format_str_parsed(text, f, out, err, type_name);
}

// ---- __format__ of the built-in types ------------------------------------------------------

Value format_int(VM& vm, Value v, std::string_view spec) {
    if (spec.empty()) {
        Str* s = to_str(vm, v);
        return s ? Value::object(s) : Value();
    }
    Value x;
    if (!int_unwrap(v, &x)) return vm.raise(vm.exc.TypeError, "format_int: not an int");
    std::string tn = type_name(vm, v);
    FormatSpec f;
    FormatError err;
    if (!parse_format_spec(spec, 'd', '>', tn.c_str(), &f, &err)) return raise_format_error(vm, err);
    // The 4300-digit limit applies to decimal output (format(10**5000, 'd')).
    if ((f.type == 'd' || f.type == 'n') && !x.is_int()) {
        std::string dec;
        if (!int_decimal_checked(vm, x, &dec)) return {};
    }
    if (f.type == 'e' || f.type == 'E' || f.type == 'f' || f.type == 'F' || f.type == 'g' || f.type == 'G' ||
        f.type == '%') {
        double d;
        if (!int_to_double(vm, x, &d)) return {};
        std::string out;
        if (!format_double_parsed(d, f, &out, &err, tn.c_str())) return raise_format_error(vm, err);
        return str_value(vm, out);
    }
    std::string out;
    if (!format_int_parsed(x, f, &out, &err, tn.c_str())) return raise_format_error(vm, err);
    return str_value(vm, out);
}

Value format_float(VM& vm, Value v, std::string_view spec) {
    double d;
    if (!float_unwrap(v, &d)) {
        Value x;
        if (!int_unwrap(v, &x) || !int_to_double(vm, x, &d)) {
            if (!vm.has_pending()) vm.raise(vm.exc.TypeError, "format_float: not a float");
            return {};
        }
    }
    if (spec.empty()) {
        Str* s = to_str(vm, v);
        return s ? Value::object(s) : Value();
    }
    std::string tn = type_name(vm, v);
    std::string out;
    FormatError err;
    if (!format_double_spec(d, spec, &out, &err, tn.c_str())) return raise_format_error(vm, err);
    return str_value(vm, out);
}

Value format_str(VM& vm, Value v, std::string_view spec) {
    if (!(v.is_obj() && v.o->type->layout == Layout::Str)) return vm.raise(vm.exc.TypeError, "format_str: not a str");
    Str* s = static_cast<Str*>(v.o);
    if (spec.empty()) {
        if (s->type == vm.types.str) return v;
        Str* r = to_str(vm, v);
        return r ? Value::object(r) : Value();
    }
    std::string tn = type_name(vm, v);
    std::string out;
    FormatError err;
    if (!format_str_spec(s->s, spec, &out, &err, tn.c_str())) return raise_format_error(vm, err);
    return str_value(vm, out);
}

Value format_str(VM& vm, Str* s, Str* spec) { return format_str(vm, Value::object(s), spec->s); }

// ---- str.format / str.format_map ---------------------------------------------------------

namespace {

struct FormatArgs {
    const Value* pos = nullptr;     // positional arguments (null for format_map)
    uint32_t npos = 0;
    bool has_pos = true;
    const Args* kw = nullptr;       // keyword arguments of str.format
    Value mapping;                  // format_map's mapping (Empty for str.format)
    int auto_state = 0;             // 0 unknown, 1 automatic numbering, 2 manual
    int64_t auto_next = 0;
};

// A decimal index, or -1 when `s` is not all digits (-2: too many digits).
int64_t field_index(std::string_view s) {
    if (s.empty()) return -1;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return -1;
        if (v > (INT64_MAX - (c - '0')) / 10) return -2;
        v = v * 10 + (c - '0');
    }
    return v;
}

Value raise_key_error(VM& vm, Value key) {
    Value e = vm.new_exception(vm.exc.KeyError, "");
    if (e.is_empty()) return e;
    Tuple* args = new_tuple(vm, &key, 1);
    static_cast<Exception*>(e.o)->args = args;
    return vm.raise_value(e);
}

// The object named by the first part of a field name.
Value field_first(VM& vm, FormatArgs& fa, std::string_view first) {
    int64_t idx = field_index(first);
    if (idx == -2) return vm.raise(vm.exc.ValueError, "Too many decimal digits in format string");
    if (first.empty() || idx >= 0) {
        if (first.empty()) {
            if (fa.auto_state == 2) {
                return vm.raise(vm.exc.ValueError,
                                "cannot switch from manual field specification to automatic field numbering");
            }
            fa.auto_state = 1;
            idx = fa.auto_next++;
        } else {
            if (fa.auto_state == 1) {
                return vm.raise(vm.exc.ValueError,
                                "cannot switch from automatic field numbering to manual field specification");
            }
            fa.auto_state = 2;
        }
        if (!fa.has_pos) return vm.raise(vm.exc.ValueError, "Format string contains positional fields");
        if (idx >= static_cast<int64_t>(fa.npos)) {
            return vm.raise_format(vm.exc.IndexError, "Replacement index %lld out of range for positional args tuple",
                                   static_cast<long long>(idx));
        }
        return fa.pos[idx];
    }
    Value key = str_value(vm, first);
    if (!fa.mapping.is_empty()) return get_item(vm, fa.mapping, key);
    if (fa.kw && fa.kw->kwnames) {
        uint32_t n = fa.kw->nkw();
        for (uint32_t i = 0; i < n; ++i) {
            Str* k = static_cast<Str*>(fa.kw->kwnames->items[i].o);
            if (k->s == first) return fa.kw->kwvalues[i];
        }
    }
    return raise_key_error(vm, key);
}

// Resolve a whole field name: first part, then `.attr` and `[key]` accessors.
Value resolve_field(VM& vm, FormatArgs& fa, std::string_view name) {
    size_t i = 0;
    while (i < name.size() && name[i] != '.' && name[i] != '[') ++i;
    Value obj = field_first(vm, fa, name.substr(0, i));
    if (obj.is_empty()) return obj;
    while (i < name.size()) {
        if (name[i] == '.') {
            size_t start = ++i;
            while (i < name.size() && name[i] != '.' && name[i] != '[') ++i;
            if (i == start) return vm.raise(vm.exc.ValueError, "Empty attribute in format string");
            obj = get_attr(vm, obj, vm.intern(name.substr(start, i - start)));
        } else {
            size_t start = ++i;
            while (i < name.size() && name[i] != ']') ++i;
            if (i >= name.size()) return vm.raise(vm.exc.ValueError, "Missing ']' in format string");
            if (i == start) return vm.raise(vm.exc.ValueError, "Empty attribute in format string");
            std::string_view key = name.substr(start, i - start);
            ++i;
            if (i < name.size() && name[i] != '.' && name[i] != '[') {
                return vm.raise(vm.exc.ValueError, "Only '.' or '[' may follow ']' in format field specifier");
            }
            int64_t idx = field_index(key);
            obj = get_item(vm, obj, idx >= 0 ? Value::integer(idx) : str_value(vm, key));
        }
        if (obj.is_empty()) return obj;
    }
    return obj;
}

bool build_formatted(VM& vm, std::string_view fmt, FormatArgs& fa, int depth, std::string* out);

// One replacement field (the text between the braces has been split already).
bool render_field(VM& vm, FormatArgs& fa, std::string_view name, uint32_t conversion, std::string_view spec,
                  bool expand, int depth, std::string* out) {
    Value obj = resolve_field(vm, fa, name);
    if (obj.is_empty()) return false;
    if (conversion) {
        Str* s = nullptr;
        switch (conversion) {
        case 'r': s = repr(vm, obj); break;
        case 's': s = to_str(vm, obj); break;
        case 'a': s = ascii_repr(vm, obj); break;
        default:
            if (conversion > 32 && conversion < 127) {
                vm.raise_format(vm.exc.ValueError, "Unknown conversion specifier %c", static_cast<char>(conversion));
            } else {
                vm.raise_format(vm.exc.ValueError, "Unknown conversion specifier \\x%x", conversion);
            }
            return false;
        }
        if (!s) return false;
        obj = Value::object(s);
    }
    std::string expanded;
    if (expand) {
        if (!build_formatted(vm, spec, fa, depth - 1, &expanded)) return false;
        spec = expanded;
    }
    Value r = format(vm, obj, spec.empty() ? vm.intern("") : new_str(vm, spec));
    if (r.is_empty()) return false;
    *out += static_cast<Str*>(r.o)->s;
    return true;
}

// CPython's MarkupIterator + parse_field over `fmt`, appending the result to `out`.
bool build_formatted(VM& vm, std::string_view fmt, FormatArgs& fa, int depth, std::string* out) {
    if (depth <= 0) {
        vm.raise(vm.exc.ValueError, "Max string recursion exceeded");
        return false;
    }
    size_t pos = 0, end = fmt.size();
    while (pos < end) {
        // Literal text up to the next brace.
        size_t start = pos;
        char c = 0;
        bool markup = false;
        while (pos < end) {
            c = fmt[pos++];
            if (c == '{' || c == '}') { markup = true; break; }
        }
        bool at_end = pos >= end;
        size_t len = pos - start;
        if (markup && c == '}' && (at_end || fmt[pos] != '}')) {
            vm.raise(vm.exc.ValueError, "Single '}' encountered in format string");
            return false;
        }
        if (markup && at_end && c == '{') {
            vm.raise(vm.exc.ValueError, "Single '{' encountered in format string");
            return false;
        }
        if (markup && !at_end) {
            if (fmt[pos] == c) { ++pos; markup = false; }  // "{{" or "}}": the brace is literal
            else len--;
        }
        out->append(fmt.substr(start, len));
        if (!markup) continue;
        // The field: name up to '}', ':' or '!' ('[' skips to ']').
        size_t name_start = pos;
        c = 0;
        while (pos < end) {
            c = fmt[pos++];
            if (c == '{') {
                vm.raise(vm.exc.ValueError, "unexpected '{' in field name");
                return false;
            }
            if (c == '[') {
                while (pos < end && fmt[pos] != ']') ++pos;
                continue;
            }
            if (c == '}' || c == ':' || c == '!') break;
        }
        std::string_view name = fmt.substr(name_start, pos - 1 - name_start);
        uint32_t conversion = 0;
        std::string_view spec;
        bool expand = false;
        if (c == '!' || c == ':') {
            if (c == '!') {
                if (pos >= end) {
                    vm.raise(vm.exc.ValueError, "end of string while looking for conversion specifier");
                    return false;
                }
                size_t l;
                conversion = cp_decode(fmt, pos, &l);
                pos += l;
                if (pos < end) {
                    char d = fmt[pos++];
                    if (d == '}') {
                        if (!render_field(vm, fa, name, conversion, {}, false, depth, out)) return false;
                        continue;
                    }
                    if (d != ':') {
                        vm.raise(vm.exc.ValueError, "expected ':' after conversion specifier");
                        return false;
                    }
                }
            }
            size_t spec_start = pos;
            int count = 1;
            bool closed = false;
            while (pos < end) {
                char d = fmt[pos++];
                if (d == '{') { expand = true; count++; }
                else if (d == '}' && --count == 0) { closed = true; break; }
            }
            if (!closed) {
                vm.raise(vm.exc.ValueError, "unmatched '{' in format spec");
                return false;
            }
            spec = fmt.substr(spec_start, pos - 1 - spec_start);
        } else if (c != '}') {
            vm.raise(vm.exc.ValueError, "expected '}' before end of string");
            return false;
        }
        if (!render_field(vm, fa, name, conversion, spec, expand, depth, out)) return false;
    }
    return true;
}

Str* format_self(VM& vm, const Args& a, const char* method) {
    if (a.npos >= 1 && a[0].is_obj() && a[0].o->type->layout == Layout::Str) return static_cast<Str*>(a[0].o);
    vm.raise_format(vm.exc.TypeError, "descriptor '%s' for 'str' objects doesn't apply to a '%s' object", method,
                    a.npos ? type_name(vm, a[0]).c_str() : "nothing");
    return nullptr;
}

}  // namespace

Value str_format_method(VM& vm, const Args& a) {
    Str* self = format_self(vm, a, "format");
    if (!self) return {};
    FormatArgs fa;
    fa.pos = a.pos + 1;
    fa.npos = a.npos - 1;
    fa.kw = &a;
    std::string out;
    if (!build_formatted(vm, self->s, fa, 2, &out)) return {};
    return str_value(vm, out);
}

Value str_format_map_method(VM& vm, const Args& a) {
    Str* self = format_self(vm, a, "format_map");
    if (!self) return {};
    if (a.kwnames && a.nkw() > 0) return vm.raise(vm.exc.TypeError, "str.format_map() takes no keyword arguments");
    if (a.npos != 2) {
        return vm.raise_format(vm.exc.TypeError, "str.format_map() takes exactly one argument (%u given)", a.npos - 1);
    }
    FormatArgs fa;
    fa.has_pos = false;
    fa.mapping = a[1];
    std::string out;
    if (!build_formatted(vm, self->s, fa, 2, &out)) return {};
    return str_value(vm, out);
}

}  // namespace asy::vm
