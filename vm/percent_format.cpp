// printf-style formatting: `str % args` with CPython 3.11's conversions (%s %r %a %d %i %u %o
// %x %X %e %E %f %F %g %G %c %%), flags, `*` widths, `%(key)s` mapping keys, and its errors.
#include <cmath>

#include "vm/format.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/float.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/vm.hpp"

namespace asy::vm {

namespace {

enum Flags : unsigned { kLjust = 1, kSign = 2, kBlank = 4, kAlt = 8, kZero = 16 };

struct PercentState {
    VM& vm;
    std::string_view fmt;
    size_t pos = 0;
    const Value* args = nullptr;   // the tuple items, or the single argument
    size_t nargs = 0;
    size_t argidx = 0;
    Value single;                  // when args is not a tuple
    Value dict;                    // mapping for %(key)s, or Empty
    bool bytes = false;            // bytes % args: byte counts, %b, bytes keys and results
};

size_t cp_len(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c >> 5) == 0x6) return 2;
    if ((c >> 4) == 0xe) return 3;
    if ((c >> 3) == 0x1e) return 4;
    return 1;
}

int64_t cp_count(std::string_view s) {
    int64_t n = 0;
    for (unsigned char c : s) if ((c & 0xc0) != 0x80) ++n;
    return n;
}

Value next_arg(PercentState& st) {
    if (st.argidx < st.nargs) return st.args[st.argidx++];
    return st.vm.raise(st.vm.exc.TypeError, "not enough arguments for format string");
}

bool is_text(Value v) { return v.is_obj() && v.o->type->layout == Layout::Str; }

// Does `v` look like a number to PyNumber_Check (int, float, complex, __index__/__int__/__float__)?
bool number_check(VM& vm, Value v) {
    Value x;
    double d;
    if (int_unwrap(v, &x) || float_unwrap(v, &d)) return true;
    if (v.is_obj() && v.o->type == vm.types.complex) return true;
    Type* t = type_of(vm, v);
    return !type_lookup(t, vm.names.__index__).is_empty() || !type_lookup(t, vm.names.__int__).is_empty() ||
           !type_lookup(t, vm.names.__float__).is_empty();
}

// Text of an integer conversion: sign, optional prefix (alt), digits zero-padded to `prec`.
bool format_int_conv(VM& vm, Value v, char conv, unsigned flags, int64_t prec, std::string* out) {
    Value x;
    if (!int_unwrap(v, &x)) {
        if (!number_check(vm, v)) goto wrongtype;
        if (conv == 'o' || conv == 'x' || conv == 'X') {
            x = index_value(vm, v);
        } else {
            double d;
            if (float_unwrap(v, &d)) {
                x = int_from_double(vm, d);
            } else {
                Value intf = type_lookup(type_of(vm, v), vm.names.__int__);
                if (!intf.is_empty()) {
                    Value r = vm.call(intf, {v});
                    if (r.is_empty()) return false;
                    if (!int_unwrap(r, &x)) {
                        vm.raise_format(vm.exc.TypeError, "__int__ returned non-int (type %s)", type_name(vm, r).c_str());
                        return false;
                    }
                } else {
                    x = index_value(vm, v);
                }
            }
        }
        if (x.is_empty()) {
            Value e = vm.pending;
            if (e.is_obj() && is_subtype(e.o->type, vm.exc.TypeError)) { vm.take_pending(); goto wrongtype; }
            return false;
        }
    }
    {
        int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
        std::string digits;
        if (base == 10) {
            if (!int_decimal_checked(vm, x, &digits)) return false;
        } else {
            digits = int_to_base(x, base);
        }
        bool neg = !digits.empty() && digits[0] == '-';
        if (neg) digits.erase(0, 1);
        if (prec > static_cast<int64_t>(digits.size())) digits.insert(0, static_cast<size_t>(prec) - digits.size(), '0');
        if (conv == 'X') for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out->clear();
        if (neg) out->push_back('-');
        if ((flags & kAlt) && base != 10) {
            out->push_back('0');
            out->push_back(conv == 'o' ? 'o' : conv);
        }
        *out += digits;
        return true;
    }
wrongtype:
    if (conv == 'o' || conv == 'x' || conv == 'X') {
        vm.raise_format(vm.exc.TypeError, "%%%c format: an integer is required, not %s", conv, type_name(vm, v).c_str());
    } else {
        vm.raise_format(vm.exc.TypeError, "%%%c format: a real number is required, not %s", conv,
                        type_name(vm, v).c_str());
    }
    return false;
}

// Pad `body` as CPython's unicode_format_arg_output does. `numeric`: the sign/prefix rules apply.
void output_arg(std::string* out, std::string_view body, char conv, unsigned flags, int64_t width, bool numeric,
                bool bytes) {
    char fill = (numeric && (flags & kZero)) ? '0' : ' ';
    char sign = 0;
    int64_t len = bytes ? static_cast<int64_t>(body.size()) : cp_count(body);
    if (numeric) {
        if (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
            sign = body[0];
            body.remove_prefix(1);
            len--;
        } else if (flags & kSign) {
            sign = '+';
        } else if (flags & kBlank) {
            sign = ' ';
        }
        if (sign) len++;
    }
    if (width < len) width = len;
    if (sign && fill != ' ') out->push_back(sign);
    bool prefix = numeric && (flags & kAlt) && (conv == 'x' || conv == 'X' || conv == 'o') && body.size() >= 2 &&
                  body[0] == '0';
    if (prefix && fill != ' ') {
        out->append(body.substr(0, 2));
        body.remove_prefix(2);
    }
    if (width > len && !(flags & kLjust)) out->append(static_cast<size_t>(width - len), fill);
    if (fill == ' ') {
        if (sign) out->push_back(sign);
        if (prefix) {
            out->append(body.substr(0, 2));
            body.remove_prefix(2);
        }
    }
    out->append(body);
    if (width > len && (flags & kLjust)) out->append(static_cast<size_t>(width - len), ' ');
}

// %s/%b/%r/%a/%c of bytes formatting.
bool bytes_conversion(PercentState& st, Value v, char conv, int64_t prec, std::string* body) {
    VM& vm = st.vm;
    if (conv == 'c') {
        Value x;
        if (is_bytes_like(v) && as_bytes(v)->data.size() == 1) {
            *body = as_bytes(v)->data;
            return true;
        }
        if (int_unwrap(v, &x)) {
            if (!x.is_int() || x.i < 0 || x.i > 255) {
                vm.raise(vm.exc.OverflowError, "%c arg not in range(256)");
                return false;
            }
            *body = std::string(1, static_cast<char>(x.i));
            return true;
        }
        vm.raise(vm.exc.TypeError, "%c requires an integer in range(256) or a single byte");
        return false;
    }
    if (conv == 'r' || conv == 'a') {
        Str* s = ascii_repr(vm, v);
        if (!s) return false;
        *body = s->s;
    } else if (is_bytes_like(v)) {
        *body = as_bytes(v)->data;
    } else {
        Value m = type_lookup(type_of(vm, v), vm.intern("__bytes__"));
        if (m.is_empty()) {
            // memoryview and other buffers: bytes(v) when the type supports it.
            if (v.is_obj() && type_name(vm, v) == "memoryview") {
                Value b = vm.call(Value::object(vm.types.bytes), {v});
                if (b.is_empty()) return false;
                *body = as_bytes(b)->data;
            } else {
                vm.raise_format(vm.exc.TypeError,
                                "%%b requires a bytes-like object, or an object that implements __bytes__, not '%s'",
                                type_name(vm, v).c_str());
                return false;
            }
        } else {
            Value b = vm.call(m, {v});
            if (b.is_empty()) return false;
            if (!is_bytes_like(b)) {
                vm.raise_format(vm.exc.TypeError, "__bytes__ returned non-bytes (type %s)", type_name(vm, b).c_str());
                return false;
            }
            *body = as_bytes(b)->data;
        }
    }
    if (prec >= 0 && static_cast<int64_t>(body->size()) > prec) body->resize(static_cast<size_t>(prec));
    return true;
}

// Parse and output one '%' directive (pos is just after the '%').
bool one_directive(PercentState& st, std::string* out) {
    VM& vm = st.vm;
    std::string_view f = st.fmt;
    size_t start = st.pos - 1;
    if (st.pos < f.size() && f[st.pos] == '%') {
        st.pos++;
        out->push_back('%');
        return true;
    }
    Value v;
    bool have_key = false;
    if (st.pos < f.size() && f[st.pos] == '(') {
        if (st.dict.is_empty()) {
            vm.raise(vm.exc.TypeError, "format requires a mapping");
            return false;
        }
        size_t keystart = ++st.pos;
        int depth = 1;
        while (st.pos < f.size() && depth > 0) {
            if (f[st.pos] == ')') depth--;
            else if (f[st.pos] == '(') depth++;
            st.pos++;
        }
        if (depth > 0) {
            vm.raise(vm.exc.ValueError, "incomplete format key");
            return false;
        }
        std::string_view ktext = f.substr(keystart, st.pos - 1 - keystart);
        Value key = st.bytes ? new_bytes(vm, ktext) : str_value(vm, ktext);
        if (key.is_empty()) return false;
        v = get_item(vm, st.dict, key);
        if (v.is_empty()) return false;
        have_key = true;
        // With a key, the positional arguments are not consumed.
        st.nargs = 0;
        st.argidx = 0;
    }
    unsigned flags = 0;
    for (; st.pos < f.size(); st.pos++) {
        char c = f[st.pos];
        if (c == '-') flags |= kLjust;
        else if (c == '+') flags |= kSign;
        else if (c == ' ') flags |= kBlank;
        else if (c == '#') flags |= kAlt;
        else if (c == '0') flags |= kZero;
        else break;
    }
    int64_t width = -1, prec = -1;
    auto star = [&](int64_t* dst) -> bool {
        Value w = next_arg(st);
        if (w.is_empty()) return false;
        Value x;
        if (!int_unwrap(w, &x)) {
            vm.raise(vm.exc.TypeError, "* wants int");
            return false;
        }
        if (!x.is_int()) {
            vm.raise(vm.exc.OverflowError, "Python int too large to convert to C ssize_t");
            return false;
        }
        *dst = x.i;
        return true;
    };
    auto digits = [&](int64_t* dst, const char* what) -> bool {
        *dst = 0;
        while (st.pos < f.size() && f[st.pos] >= '0' && f[st.pos] <= '9') {
            int d = f[st.pos++] - '0';
            // CPython: the width may be any Py_ssize_t; the precision must fit a C int.
            int64_t max = what[0] == 'w' ? INT64_MAX : INT32_MAX;
            if (*dst > (max - d) / 10) {
                vm.raise_format(vm.exc.ValueError, "%s too big", what);
                return false;
            }
            *dst = *dst * 10 + d;
        }
        return true;
    };
    if (st.pos < f.size() && f[st.pos] == '*') {
        st.pos++;
        if (!star(&width)) return false;
        if (width < 0) {
            flags |= kLjust;
            width = -width;
        }
    } else if (st.pos < f.size() && f[st.pos] >= '0' && f[st.pos] <= '9') {
        if (!digits(&width, "width")) return false;
    }
    if (st.pos < f.size() && f[st.pos] == '.') {
        st.pos++;
        if (st.pos < f.size() && f[st.pos] == '*') {
            st.pos++;
            if (!star(&prec)) return false;
            if (prec < 0) prec = 0;
        } else {
            if (!digits(&prec, "precision")) return false;
        }
    }
    if (width > 0 && !reserve_buffer(vm, out->size() + static_cast<uint64_t>(width))) return false;
    // Length modifiers are accepted and ignored, as in CPython.
    while (st.pos < f.size() && (f[st.pos] == 'h' || f[st.pos] == 'l' || f[st.pos] == 'L')) st.pos++;
    if (st.pos >= f.size()) {
        vm.raise(vm.exc.ValueError, "incomplete format");
        return false;
    }
    size_t clen = st.bytes ? 1 : cp_len(static_cast<unsigned char>(f[st.pos]));
    std::string_view convtext = f.substr(st.pos, clen);
    char conv = f[st.pos];
    st.pos += clen;
    if (!have_key) {
        v = next_arg(st);
        if (v.is_empty()) return false;
    }
    std::string body;
    bool numeric = false;
    if (st.bytes && (conv == 's' || conv == 'b' || conv == 'r' || conv == 'a' || conv == 'c')) {
        if (!bytes_conversion(st, v, conv, prec, &body)) return false;
        output_arg(out, body, conv, flags, width, false, true);
        return true;
    }
    switch (conv) {
    case 's': case 'r': case 'a': {
        Str* s = conv == 's' ? to_str(vm, v) : conv == 'r' ? repr(vm, v) : ascii_repr(vm, v);
        if (!s) return false;
        std::string_view text = s->s;
        if (prec >= 0 && cp_count(text) > prec) {
            size_t p = 0;
            for (int64_t i = 0; i < prec; ++i) p += cp_len(static_cast<unsigned char>(text[p]));
            text = text.substr(0, p);
        }
        body = std::string(text);
        break;
    }
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
        numeric = true;
        if (!format_int_conv(vm, v, conv, flags, prec, &body)) return false;
        break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
        numeric = true;
        double d;
        if (!to_double(vm, v, &d)) return false;
        body = double_to_string(d, conv, prec < 0 ? 6 : static_cast<int>(prec), (flags & kAlt) != 0, false);
        break;
    }
    case 'c': {
        Value x;
        if (is_text(v)) {
            Str* s = static_cast<Str*>(v.o);
            if (cp_count(s->s) != 1) {
                vm.raise(vm.exc.TypeError, "%c requires int or char");
                return false;
            }
            body = s->s;
        } else if (int_unwrap(v, &x)) {
            if (!x.is_int() || x.i < 0 || x.i > 0x10ffff) {
                vm.raise(vm.exc.OverflowError, "%c arg not in range(0x110000)");
                return false;
            }
            uint32_t cp = static_cast<uint32_t>(x.i);
            std::string ch;
            if (cp < 0x80) ch.push_back(static_cast<char>(cp));
            else if (cp < 0x800) { ch.push_back(static_cast<char>(0xc0 | (cp >> 6))); ch.push_back(static_cast<char>(0x80 | (cp & 0x3f))); }
            else if (cp < 0x10000) {
                ch.push_back(static_cast<char>(0xe0 | (cp >> 12)));
                ch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
                ch.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
            } else {
                ch.push_back(static_cast<char>(0xf0 | (cp >> 18)));
                ch.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
                ch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
                ch.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
            }
            body = ch;
        } else {
            vm.raise(vm.exc.TypeError, "%c requires int or char");
            return false;
        }
        break;
    }
    default: {
        // Index in code points of the conversion character.
        int64_t index = st.bytes ? static_cast<int64_t>(st.pos - clen) : cp_count(f.substr(0, st.pos - clen));
        uint32_t cp = static_cast<unsigned char>(convtext[0]);
        if (clen > 1) {
            cp &= 0x3f >> (clen - 1);
            for (size_t i = 1; i < clen; ++i) cp = (cp << 6) | (static_cast<unsigned char>(convtext[i]) & 0x3f);
        }
        if (cp >= 32 && cp < 127) {
            vm.raise_format(vm.exc.ValueError, "unsupported format character '%c' (0x%x) at index %lld",
                            static_cast<char>(cp), cp, static_cast<long long>(index));
        } else {
            vm.raise_format(vm.exc.ValueError, "unsupported format character '%s' (0x%x) at index %lld",
                            std::string(convtext).c_str(), cp, static_cast<long long>(index));
        }
        return false;
    }
    }
    (void)start;
    output_arg(out, body, conv, flags, width, numeric, st.bytes);
    return true;
}

}  // namespace

Value percent_format(VM& vm, Value fmt, Value args) {
    bool bytes = !is_text(fmt);
    if (bytes && !is_bytes_like(fmt)) return vm.not_implemented;
    std::string_view text = bytes ? std::string_view(as_bytes(fmt)->data) : std::string_view(static_cast<Str*>(fmt.o)->s);
    PercentState st{vm, text, 0, nullptr, 0, 0, Value(), Value(), bytes};
    if (args.is_obj() && args.o->type->layout == Layout::Tuple) {
        Tuple* t = static_cast<Tuple*>(args.o);
        st.args = t->items.data();
        st.nargs = t->items.size();
    } else {
        st.single = args;
        st.args = &st.single;
        st.nargs = 1;
    }
    // PyMapping_Check: anything with __getitem__ that is not a tuple or str.
    if (!(args.is_obj() && (args.o->type->layout == Layout::Tuple || args.o->type->layout == Layout::Str ||
                            (bytes && args.o->type->layout == Layout::Bytes))) &&
        !type_lookup(type_of(vm, args), vm.names.__getitem__).is_empty()) {
        st.dict = args;
    }
    std::string out;
    std::string_view f = st.fmt;
    while (st.pos < f.size()) {
        size_t next = f.find('%', st.pos);
        if (next == std::string_view::npos) {
            out.append(f.substr(st.pos));
            break;
        }
        out.append(f.substr(st.pos, next - st.pos));
        st.pos = next + 1;
        if (!one_directive(st, &out)) return {};
    }
    if (st.argidx < st.nargs && st.dict.is_empty()) {
        return vm.raise(vm.exc.TypeError, bytes ? "not all arguments converted during bytes formatting"
                                                : "not all arguments converted during string formatting");
    }
    if (bytes) return fmt.o->type == vm.types.bytearray ? new_bytearray(vm, out) : new_bytes(vm, out);
    return str_value(vm, out);
}

}  // namespace asy::vm
