// str's codecs: decode_text/encode_text for utf-8, ascii and latin-1, and the UTF-16 and UTF-32
// codecs (utf-16/-le/-be, utf-32/-le/-be: byte-order marks, surrogate pairs), with the error
// handlers strict/ignore/replace/surrogatepass/surrogateescape/backslashreplace (and
// xmlcharrefreplace on encode), CPython 3.11's reasons, positions and codec names.
#include <cctype>
#include <cstdio>
#include <string>

#include "vm/objects/bytes.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

namespace {

enum class Handler { Strict, Ignore, Replace, SurrogatePass, SurrogateEscape, BackslashReplace, XmlCharRef, Unknown };

Handler handler_of(Str* errors) {
    if (errors == nullptr)
        return Handler::Strict;
    std::string_view e = errors->view();
    if (e == "strict")
        return Handler::Strict;
    if (e == "ignore")
        return Handler::Ignore;
    if (e == "replace")
        return Handler::Replace;
    if (e == "surrogatepass")
        return Handler::SurrogatePass;
    if (e == "surrogateescape")
        return Handler::SurrogateEscape;
    if (e == "backslashreplace")
        return Handler::BackslashReplace;
    if (e == "xmlcharrefreplace")
        return Handler::XmlCharRef;
    return Handler::Unknown;
}

// The handler for the first error: LookupError for an unknown name (only once an error occurs,
// as CPython looks handlers up lazily).
bool resolve(VM& vm, Str* errors, Handler* h) {
    *h = handler_of(errors);
    if (*h == Handler::Unknown) {
        vm.raise_format(vm.exc.LookupError, "unknown error handler name '%s'", errors->s.c_str());
        return false;
    }
    return true;
}

void append_hex_escape(std::string& out, const char* prefix, uint32_t v, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, v);
    out += buf;
}

uint32_t read_unit(const unsigned char* p, int bits, bool big) {
    if (bits == 16)
        return big ? (uint32_t{p[0]} << 8) | p[1] : (uint32_t{p[1]} << 8) | p[0];
    return big ? (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]
               : (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
}

void write_unit(std::string& out, uint32_t u, int bits, bool big) {
    int n = bits / 8;
    for (int k = 0; k < n; ++k) {
        int shift = big ? 8 * (n - 1 - k) : 8 * k;
        out.push_back(static_cast<char>((u >> shift) & 0xFF));
    }
}

void write_cp(std::string& out, uint32_t cp, int bits, bool big) {
    if (bits == 16 && cp > 0xFFFF) {
        cp -= 0x10000;
        write_unit(out, 0xD800 + (cp >> 10), 16, big);
        write_unit(out, 0xDC00 + (cp & 0x3FF), 16, big);
    } else {
        write_unit(out, cp, bits, big);
    }
}

} // namespace

bool lookup_wide_codec(std::string_view name, int* bits, int* order, const char** canonical) {
    std::string n;
    for (char c : name)
        n.push_back(c == '-' || c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    struct Entry {
        const char* alias;
        int bits, order;
        const char* canonical;
    };
    static const Entry kEntries[] = {
        {"utf_16", 16, 0, "utf-16"},
        {"utf16", 16, 0, "utf-16"},
        {"u16", 16, 0, "utf-16"},
        {"utf_16_le", 16, 1, "utf-16-le"},
        {"utf_16le", 16, 1, "utf-16-le"},
        {"unicodelittleunmarked", 16, 1, "utf-16-le"},
        {"utf_16_be", 16, 2, "utf-16-be"},
        {"utf_16be", 16, 2, "utf-16-be"},
        {"unicodebigunmarked", 16, 2, "utf-16-be"},
        {"utf_32", 32, 0, "utf-32"},
        {"utf32", 32, 0, "utf-32"},
        {"u32", 32, 0, "utf-32"},
        {"utf_32_le", 32, 1, "utf-32-le"},
        {"utf_32le", 32, 1, "utf-32-le"},
        {"utf_32_be", 32, 2, "utf-32-be"},
        {"utf_32be", 32, 2, "utf-32-be"},
    };
    for (const Entry& e : kEntries) {
        if (n == e.alias) {
            *bits = e.bits;
            *order = e.order;
            *canonical = e.canonical;
            return true;
        }
    }
    return false;
}

Value wide_decode(VM& vm, std::string_view data, int bits, int order, Str* errors) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    size_t n = data.size(), i = 0;
    bool big = order == 2;
    if (order == 0) {
        // A byte-order mark picks the order and is dropped; without one, little-endian (native).
        if (bits == 16 && n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
            big = true;
            i = 2;
        } else if (bits == 16 && n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
            i = 2;
        } else if (bits == 32 && n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) {
            big = true;
            i = 4;
        } else if (bits == 32 && n >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) {
            i = 4;
        }
    }
    const char* cname = bits == 16 ? (big ? "utf-16-be" : "utf-16-le") : (big ? "utf-32-be" : "utf-32-le");
    size_t unit = static_cast<size_t>(bits / 8);
    std::string out;
    out.reserve(n);
    Handler h = Handler::Strict;
    bool resolved = false;
    while (i < n) {
        const char* reason = nullptr;
        size_t end = i;
        uint32_t cp = 0;
        if (n - i < unit) {
            reason = "truncated data";
            end = n;
        } else {
            uint32_t u = read_unit(p + i, bits, big);
            if (bits == 32) {
                if (u > 0x10FFFF) {
                    reason = "code point not in range(0x110000)";
                    end = i + 4;
                } else if (u >= 0xD800 && u <= 0xDFFF) {
                    reason = "code point in surrogate code point range(0xd800, 0xe000)";
                    end = i + 4;
                    cp = u;
                } else {
                    utf8_append(out, u);
                    i += 4;
                    continue;
                }
            } else if (u < 0xD800 || u > 0xDFFF) {
                utf8_append(out, u);
                i += 2;
                continue;
            } else if (u >= 0xDC00) {
                reason = "illegal encoding";
                end = i + 2;
                cp = u;
            } else if (n - i < 4) {
                reason = "unexpected end of data";
                end = n;
                cp = u;
            } else {
                uint32_t lo = read_unit(p + i + 2, 16, big);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    utf8_append(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                    i += 4;
                    continue;
                }
                reason = "illegal UTF-16 surrogate";
                end = i + 2;
                cp = u;
            }
        }
        if (!resolved) {
            if (!resolve(vm, errors, &h))
                return Value::empty();
            resolved = true;
        }
        switch (h) {
        case Handler::Ignore:
            break;
        case Handler::Replace:
            utf8_append(out, 0xFFFD);
            break;
        case Handler::BackslashReplace:
            for (size_t k = i; k < end; ++k)
                append_hex_escape(out, "\\x", p[k], 2);
            break;
        case Handler::SurrogatePass:
            if (cp >= 0xD800 && cp <= 0xDFFF && end - i == unit) {
                utf8_append(out, cp);
                break;
            }
            [[fallthrough]];
        default:
            return raise_unicode_error(vm, true, cname, new_bytes(vm, data), static_cast<int64_t>(i),
                                       static_cast<int64_t>(end), reason);
        }
        i = end;
    }
    return Value::object(new_str_owned(vm, std::move(out)));
}

Value wide_encode(VM& vm, Str* s, int bits, int order, const char* canonical, Str* errors) {
    bool big = order == 2;
    std::string out;
    out.reserve((s->s.size() + 1) * static_cast<size_t>(bits / 8));
    if (order == 0)
        write_unit(out, 0xFEFF, bits, false); // the BOM, native (little-endian) order
    Handler h = Handler::Strict;
    bool resolved = false;
    const char* p = s->s.data();
    size_t n = s->s.size(), i = 0;
    int64_t index = 0;
    while (i < n) {
        int len;
        uint32_t cp = utf8_decode(p + i, &len);
        i += static_cast<size_t>(len);
        if (cp < 0xD800 || cp > 0xDFFF) {
            write_cp(out, cp, bits, big);
            ++index;
            continue;
        }
        if (!resolved) {
            if (!resolve(vm, errors, &h))
                return Value::empty();
            resolved = true;
        }
        std::string text; // replacement text, encoded below
        switch (h) {
        case Handler::Ignore:
            break;
        case Handler::Replace:
            text = "?";
            break;
        case Handler::SurrogatePass:
            write_unit(out, cp, bits, big);
            break;
        case Handler::BackslashReplace:
            append_hex_escape(text, "\\u", cp, 4);
            break;
        case Handler::XmlCharRef:
            text = "&#" + std::to_string(cp) + ";";
            break;
        default:
            return raise_unicode_error(vm, false, canonical, Value::object(s), index, index + 1,
                                       "surrogates not allowed");
        }
        for (char c : text)
            write_unit(out, static_cast<unsigned char>(c), bits, big);
        ++index;
    }
    return new_bytes(vm, out);
}

// ---- codecs ----------------------------------------------------------------------------------

enum class Codec { Utf8, Ascii, Latin1, Unknown };
enum class ErrMode {
    Strict,
    Ignore,
    Replace,
    SurrogateEscape,
    BackslashReplace,
    XmlCharRef,
    SurrogatePass,
    Unknown
};

static Codec lookup_codec(std::string_view name, const char** canonical) {
    std::string n;
    for (char c : name)
        n.push_back(c == '_' || c == ' ' ? '-' : static_cast<char>(std::tolower(c)));
    if (n == "utf-8" || n == "utf8" || n == "u8" || n == "utf" || n == "cp65001") {
        *canonical = "utf-8";
        return Codec::Utf8;
    }
    if (n == "ascii" || n == "us-ascii" || n == "646" || n == "us") {
        *canonical = "ascii";
        return Codec::Ascii;
    }
    if (n == "latin-1" || n == "latin1" || n == "iso-8859-1" || n == "iso8859-1" || n == "8859" ||
        n == "cp819" || n == "l1" || n == "latin" || n == "iso-ir-100") {
        *canonical = "latin-1";
        return Codec::Latin1;
    }
    return Codec::Unknown;
}

static ErrMode lookup_errors(std::string_view e) {
    if (e == "strict")
        return ErrMode::Strict;
    if (e == "ignore")
        return ErrMode::Ignore;
    if (e == "replace")
        return ErrMode::Replace;
    if (e == "surrogateescape")
        return ErrMode::SurrogateEscape;
    if (e == "backslashreplace")
        return ErrMode::BackslashReplace;
    if (e == "xmlcharrefreplace")
        return ErrMode::XmlCharRef;
    if (e == "surrogatepass")
        return ErrMode::SurrogatePass;
    return ErrMode::Unknown;
}

static bool resolve_codec(VM& vm, Str* encoding, Codec* codec, const char** canonical) {
    *canonical = "utf-8";
    *codec = Codec::Utf8;
    if (encoding == nullptr)
        return true;
    *codec = lookup_codec(encoding->view(), canonical);
    if (*codec == Codec::Unknown) {
        vm.raise_format(vm.exc.LookupError, "unknown encoding: %s", encoding->s.c_str());
        return false;
    }
    return true;
}

Value raise_unicode_error(VM& vm, bool decode, const char* encoding, Value object, int64_t start, int64_t end,
                          const char* reason) {
    Value args[5] = {Value::object(new_str(vm, encoding)), object, Value::integer(start), Value::integer(end),
                     Value::object(new_str(vm, reason))};
    Value cls = Value::object(decode ? vm.exc.UnicodeDecodeError : vm.exc.UnicodeEncodeError);
    Value exc = vm.call(cls, args, 5);
    if (exc.is_empty())
        return exc;
    return vm.raise_value(exc);
}

static bool resolve_errors(VM& vm, Str* errors, ErrMode* mode) {
    *mode = errors == nullptr ? ErrMode::Strict : lookup_errors(errors->view());
    if (*mode == ErrMode::Unknown) {
        vm.raise_format(vm.exc.LookupError, "unknown error handler name '%s'", errors->s.c_str());
        return false;
    }
    return true;
}

Value decode_text(VM& vm, std::string_view data, Str* encoding, Str* errors) {
    Codec codec;
    const char* cname;
    int bits, order;
    if (encoding != nullptr && lookup_wide_codec(encoding->view(), &bits, &order, &cname))
        return wide_decode(vm, data, bits, order, errors);
    if (!resolve_codec(vm, encoding, &codec, &cname))
        return Value::empty();
    if (codec == Codec::Utf8 && utf8_valid(data, false))
        return Value::object(new_str(vm, data));
    if (codec == Codec::Ascii && all_ascii(data))
        return Value::object(new_str(vm, data));
    std::string out;
    out.reserve(data.size());
    if (codec == Codec::Latin1) {
        for (unsigned char b : data)
            utf8_append(out, b);
        return Value::object(new_str_owned(vm, std::move(out), static_cast<int64_t>(data.size())));
    }
    ErrMode mode = ErrMode::Strict;
    bool mode_known = false;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    size_t n = data.size(), i = 0;
    while (i < n) {
        uint32_t cp;
        int errlen = 1;
        const char* reason = "ordinal not in range(128)";
        int len = 0;
        if (codec == Codec::Ascii) {
            if (p[i] < 0x80) {
                out.push_back(static_cast<char>(p[i]));
                ++i;
                continue;
            }
        } else {
            len = utf8_check(p + i, n - i, false, &cp, &errlen, &reason);
            if (len > 0) {
                out.append(data.data() + i, static_cast<size_t>(len));
                i += static_cast<size_t>(len);
                continue;
            }
        }
        if (!mode_known) {
            if (!resolve_errors(vm, errors, &mode))
                return Value::empty();
            mode_known = true;
        }
        switch (mode) {
        case ErrMode::Ignore:
            break;
        case ErrMode::Replace:
            utf8_append(out, 0xFFFD);
            break;
        case ErrMode::SurrogateEscape:
            for (int k = 0; k < errlen; ++k) {
                if (p[i + k] < 0x80)
                    goto strict; // only bytes >= 128 may be escaped
                utf8_append(out, 0xDC00 + p[i + k]);
            }
            break;
        case ErrMode::BackslashReplace:
            for (int k = 0; k < errlen; ++k)
                append_escape(out, p[i + k]);
            break;
        default:
        strict:
            return raise_unicode_error(vm, true, cname, new_bytes(vm, data), static_cast<int64_t>(i),
                                       static_cast<int64_t>(i) + errlen, reason);
        }
        i += static_cast<size_t>(errlen);
    }
    return Value::object(new_str_owned(vm, std::move(out)));
}

Value encode_text(VM& vm, Str* s, Str* encoding, Str* errors) {
    Codec codec;
    const char* cname;
    int bits, order;
    if (encoding != nullptr && lookup_wide_codec(encoding->view(), &bits, &order, &cname))
        return wide_encode(vm, s, bits, order, cname, errors);
    if (!resolve_codec(vm, encoding, &codec, &cname))
        return Value::empty();
    if (s->ascii || (codec == Codec::Utf8 && utf8_valid(s->view(), false)))
        return new_bytes(vm, s->view());
    uint32_t limit = codec == Codec::Ascii ? 0x80 : codec == Codec::Latin1 ? 0x100 : 0x110000;
    const char* reason = codec == Codec::Ascii    ? "ordinal not in range(128)"
                         : codec == Codec::Latin1 ? "ordinal not in range(256)"
                                                  : "surrogates not allowed";
    auto bad = [&](uint32_t cp) {
        return codec == Codec::Utf8 ? (cp >= 0xD800 && cp <= 0xDFFF) : cp >= limit;
    };
    ErrMode mode = ErrMode::Strict;
    bool mode_known = false;
    std::string out;
    out.reserve(s->s.size());
    const char* p = s->s.data();
    size_t n = s->s.size(), i = 0;
    int64_t index = 0; // code point position, for messages
    while (i < n) {
        int len;
        uint32_t cp = utf8_decode(p + i, &len);
        if (!bad(cp)) {
            if (codec == Codec::Utf8)
                out.append(p + i, static_cast<size_t>(len));
            else
                out.push_back(static_cast<char>(cp));
            i += static_cast<size_t>(len);
            ++index;
            continue;
        }
        // The run of unencodable characters starting here.
        size_t j = i;
        int64_t run = 0;
        while (j < n) {
            int l2;
            uint32_t c2 = utf8_decode(p + j, &l2);
            if (!bad(c2))
                break;
            j += static_cast<size_t>(l2);
            ++run;
        }
        if (!mode_known) {
            if (!resolve_errors(vm, errors, &mode))
                return Value::empty();
            mode_known = true;
        }
        bool fail = false;
        for (size_t k = i; k < j;) {
            int l2;
            uint32_t c2 = utf8_decode(p + k, &l2);
            k += static_cast<size_t>(l2);
            char buf[24];
            switch (mode) {
            case ErrMode::Ignore:
                break;
            case ErrMode::Replace:
                out.push_back('?');
                break;
            case ErrMode::BackslashReplace:
                append_escape(out, c2);
                break;
            case ErrMode::XmlCharRef:
                std::snprintf(buf, sizeof buf, "&#%u;", c2);
                out.append(buf);
                break;
            case ErrMode::SurrogateEscape:
                if (c2 >= 0xDC80 && c2 <= 0xDCFF)
                    out.push_back(static_cast<char>(c2 - 0xDC00));
                else
                    fail = true;
                break;
            case ErrMode::SurrogatePass:
                if (codec == Codec::Utf8 && c2 >= 0xD800 && c2 <= 0xDFFF)
                    utf8_append(out, c2);
                else
                    fail = true;
                break;
            default:
                fail = true;
                break;
            }
            if (fail)
                break;
        }
        if (fail) {
            int64_t end = (run == 1 || mode != ErrMode::Strict) ? index + 1 : index + run;
            return raise_unicode_error(vm, false, cname, Value::object(s), index, end, reason);
        }
        i = j;
        index += run;
    }
    return new_bytes(vm, out);
}

} // namespace asy::vm
