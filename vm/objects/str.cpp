// The `str` core: UTF-8 primitives, hashing, construction, code-point indexing and slicing,
// concatenation/repetition/comparison, repr/ascii, the str iterator and the str dunders. Named
// methods (str.upper, ...) live in str_methods.cpp, the codecs in str_codecs.cpp.
#include "vm/objects/str.hpp"

#include <utf8proc.h>

#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <vector>

#include "vm/format.hpp"
#include "vm/init.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/int.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

// ---- UTF-8 primitives --------------------------------------------------------------------------

void utf8_append(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

uint32_t utf8_decode(const char* p, int* len) {
    auto b = reinterpret_cast<const unsigned char*>(p);
    if (b[0] < 0x80) {
        *len = 1;
        return b[0];
    }
    if (b[0] < 0xE0) {
        *len = 2;
        return ((b[0] & 0x1Fu) << 6) | (b[1] & 0x3Fu);
    }
    if (b[0] < 0xF0) {
        *len = 3;
        return ((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) | (b[2] & 0x3Fu);
    }
    *len = 4;
    return ((b[0] & 0x07u) << 18) | ((b[1] & 0x3Fu) << 12) | ((b[2] & 0x3Fu) << 6) | (b[3] & 0x3Fu);
}

int64_t utf8_length(std::string_view text) {
    // Count the bytes that are not continuation bytes (10xxxxxx), 8 at a time.
    int64_t n = 0;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t len = text.size(), i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        uint64_t cont = (w & 0x8080808080808080ull) & ((~w << 1) & 0x8080808080808080ull);
        n += 8 - __builtin_popcountll(cont);
    }
    for (; i < len; ++i)
        n += (p[i] & 0xC0) != 0x80;
    return n;
}

// Validates one sequence at p (avail bytes). Returns its length, or 0 with *errlen set to the
// number of bytes CPython's decoder reports as undecodable and *reason its wording.
int utf8_check(const unsigned char* p, size_t avail, bool allow_surrogates, uint32_t* cp, int* errlen,
               const char** reason) {
    unsigned char b = p[0];
    auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b < 0xC2 || b > 0xF4) {
        *errlen = 1;
        *reason = "invalid start byte";
        return 0;
    }
    int need = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b == 0xE0)
        lo = 0xA0;
    else if (b == 0xED && !allow_surrogates)
        hi = 0x9F;
    else if (b == 0xF0)
        lo = 0x90;
    else if (b == 0xF4)
        hi = 0x8F;
    for (int k = 1; k < need; ++k) {
        if (static_cast<size_t>(k) >= avail) {
            *errlen = k;
            *reason = "unexpected end of data";
            return 0;
        }
        bool ok = k == 1 ? (p[1] >= lo && p[1] <= hi) : cont(p[k]);
        if (!ok) {
            *errlen = k;
            *reason = "invalid continuation byte";
            return 0;
        }
    }
    int len;
    *cp = utf8_decode(reinterpret_cast<const char*>(p), &len);
    return need;
}

bool utf8_valid(std::string_view text, bool allow_surrogates) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t n = text.size(), i = 0;
    while (i < n) {
        // ASCII runs 8 bytes at a time.
        while (i + 8 <= n) {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        uint32_t cp;
        int errlen;
        const char* reason;
        int len = utf8_check(p + i, n - i, allow_surrogates, &cp, &errlen, &reason);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

// ---- hashing ---------------------------------------------------------------------------------
// A wyhash-style hash: 64x64->128 multiply-and-fold mixing of 16-byte blocks.

static inline uint64_t hmix(uint64_t a, uint64_t b) {
    __uint128_t r = static_cast<__uint128_t>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
static inline uint64_t rd64(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
static inline uint64_t rd32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

uint64_t hash_bytes(const void* data, size_t n) {
    constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
    constexpr uint64_t k2 = 0x8ebc6af09c88c6e3ull, k3 = 0x589965cc75374cc3ull;
    if (n == 0)
        return 0; // CPython: hash('') == hash(b'') == 0 whatever the seed
    const uint8_t* p = static_cast<const uint8_t*>(data);
    uint64_t seed = k0, a, b;
    if (n <= 16) {
        if (n >= 4) {
            size_t q = (n >> 3) << 2;
            a = (rd32(p) << 32) | rd32(p + q);
            b = (rd32(p + n - 4) << 32) | rd32(p + n - 4 - q);
        } else {
            a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[n >> 1]) << 8) | p[n - 1];
            b = 0;
        }
    } else {
        size_t i = n;
        if (i > 48) {
            uint64_t s1 = seed, s2 = seed;
            do {
                seed = hmix(rd64(p) ^ k1, rd64(p + 8) ^ seed);
                s1 = hmix(rd64(p + 16) ^ k2, rd64(p + 24) ^ s1);
                s2 = hmix(rd64(p + 32) ^ k3, rd64(p + 40) ^ s2);
                p += 48;
                i -= 48;
            } while (i > 48);
            seed ^= s1 ^ s2;
        }
        while (i > 16) {
            seed = hmix(rd64(p) ^ k1, rd64(p + 8) ^ seed);
            p += 16;
            i -= 16;
        }
        a = rd64(p + i - 16);
        b = rd64(p + i - 8);
    }
    uint64_t h = hmix(k1 ^ n, hmix(a ^ k1, b ^ seed));
    if (h == ~0ull)
        h = ~1ull; // CPython reserves -1
    return h;
}

// ---- size guard ------------------------------------------------------------------------------

bool buffer_fits(uint64_t count, uint64_t unit) {
    // Anything beyond physical memory cannot succeed; refuse it before the allocator throws.
    static const uint64_t kMax = [] {
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
        return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size)
                                     : uint64_t{1} << 40;
    }();
    return unit == 0 || count <= kMax / unit;
}

bool reserve_buffer(VM& vm, uint64_t count, uint64_t unit) {
    if (!buffer_fits(count, unit)) {
        vm.raise(vm.exc.MemoryError, "");
        return false;
    }
    return vm.heap.reserve(static_cast<size_t>(count * unit));
}

uint64_t str_hash(Str* s) {
    if (!s->hashed) {
        s->hash = hash_bytes(s->s.data(), s->s.size());
        s->hashed = true;
    }
    return s->hash;
}

// ---- construction ----------------------------------------------------------------------------

bool all_ascii(std::string_view t) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(t.data());
    size_t n = t.size(), i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull)
            return false;
    }
    for (; i < n; ++i)
        if (p[i] & 0x80)
            return false;
    return true;
}

Str* new_str_owned(VM& vm, std::string&& text, int64_t length) {
    Str* s = vm.alloc<Str>(vm.types.str);
    s->s = std::move(text);
    if (length < 0) {
        s->ascii = all_ascii(s->s);
        s->length = s->ascii ? static_cast<int64_t>(s->s.size()) : utf8_length(s->s);
    } else {
        s->length = length;
        s->ascii = static_cast<size_t>(length) == s->s.size();
    }
    return s;
}

Str* new_str(VM& vm, std::string_view text) {
    return new_str_owned(vm, std::string(text));
}

Value str_value(VM& vm, std::string_view text) {
    return Value::object(new_str(vm, text));
}

Str* str_from_codepoint(VM& vm, uint32_t cp) {
    if (cp < 0x80) {
        char c = static_cast<char>(cp);
        return vm.intern(std::string_view(&c, 1));
    }
    std::string t;
    utf8_append(t, cp);
    return new_str_owned(vm, std::move(t), 1);
}

// ---- indexing ----------------------------------------------------------------------------------

static const char* skip_cps(const char* p, int64_t n) {
    for (int64_t k = 0; k < n; ++k)
        p += utf8_seq_len(static_cast<unsigned char>(*p));
    return p;
}

size_t str_offset(Str* s, int64_t i) {
    if (s->ascii)
        return static_cast<size_t>(i);
    if (i >= s->length)
        return s->s.size();
    const char* base = s->s.data();
    if (s->length <= 2 * kStrIndexStride || s->s.size() > UINT32_MAX) {
        return static_cast<size_t>(skip_cps(base, i) - base);
    }
    if (!s->offsets) {
        int64_t count = (s->length + kStrIndexStride - 1) / kStrIndexStride;
        s->offsets = std::make_unique<uint32_t[]>(static_cast<size_t>(count));
        const char* p = base;
        for (int64_t k = 0; k < count; ++k) {
            s->offsets[k] = static_cast<uint32_t>(p - base);
            if (k + 1 < count)
                p = skip_cps(p, kStrIndexStride);
        }
    }
    const char* p = base + s->offsets[i / kStrIndexStride];
    return static_cast<size_t>(skip_cps(p, i % kStrIndexStride) - base);
}

Str* str_char_at(VM& vm, Str* s, int64_t i) {
    size_t off = str_offset(s, i);
    unsigned char b = static_cast<unsigned char>(s->s[off]);
    if (b < 0x80)
        return vm.intern(std::string_view(s->s.data() + off, 1));
    return new_str_owned(vm, std::string(s->s.data() + off, utf8_seq_len(b)), 1);
}

Str* str_substr(VM& vm, Str* s, int64_t start, int64_t stop) {
    if (start < 0)
        start = 0;
    if (stop > s->length)
        stop = s->length;
    if (start >= stop)
        return vm.intern("");
    if (start == 0 && stop == s->length && s->type == vm.types.str)
        return s;
    if (stop - start == 1)
        return str_char_at(vm, s, start);
    size_t b0 = str_offset(s, start);
    size_t b1 = s->ascii ? static_cast<size_t>(stop)
                         : b0 + (skip_cps(s->s.data() + b0, stop - start) - (s->s.data() + b0));
    return new_str_owned(vm, s->s.substr(b0, b1 - b0), stop - start);
}

bool str_index_arg(VM& vm, Value v, int64_t* out, bool* is_index) {
    *is_index = true;
    if (v.is_int()) {
        *out = v.as_int();
        return true;
    }
    if (v.is_bool()) {
        *out = v.as_bool() ? 1 : 0;
        return true;
    }
    if (is_bigint(v)) {
        vm.raise(vm.exc.IndexError, "cannot fit 'int' into an index-sized integer");
        return false;
    }
    if (v.is_obj() && !type_lookup(type_of(vm, v), vm.names.__index__).is_empty()) {
        return to_int64(vm, v, out);
    }
    *is_index = false;
    return false;
}

Value str_getitem(VM& vm, Str* s, Value key) {
    int64_t i;
    bool is_index;
    if (str_index_arg(vm, key, &i, &is_index)) {
        if (i < 0)
            i += s->length;
        if (i < 0 || i >= s->length)
            return vm.raise(vm.exc.IndexError, "string index out of range");
        return Value::object(str_char_at(vm, s, i));
    }
    if (is_index)
        return Value::empty();
    if (key.is_obj() && key.o->type->layout == Layout::Slice) {
        int64_t start, stop, step, n;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), s->length, &start, &stop, &step, &n)) {
            return Value::empty();
        }
        if (step == 1)
            return Value::object(str_substr(vm, s, start, start + n));
        if (n == 0)
            return Value::object(vm.intern(""));
        std::string out;
        if (s->ascii) {
            out.resize(static_cast<size_t>(n));
            for (int64_t k = 0; k < n; ++k)
                out[k] = s->s[static_cast<size_t>(start + k * step)];
            return Value::object(new_str_owned(vm, std::move(out), n));
        }
        // Non-ASCII: byte offsets of every code point, then pick.
        std::vector<uint32_t> offs;
        offs.reserve(static_cast<size_t>(s->length) + 1);
        for (size_t p = 0; p < s->s.size(); p += utf8_seq_len(static_cast<unsigned char>(s->s[p]))) {
            offs.push_back(static_cast<uint32_t>(p));
        }
        offs.push_back(static_cast<uint32_t>(s->s.size()));
        for (int64_t k = 0; k < n; ++k) {
            int64_t idx = start + k * step;
            out.append(s->s, offs[idx], offs[idx + 1] - offs[idx]);
        }
        return Value::object(new_str_owned(vm, std::move(out), n));
    }
    return vm.raise_format(vm.exc.TypeError, "string indices must be integers, not '%s'",
                           type_name(vm, key).c_str());
}

// ---- concatenation, repetition, comparison, search -------------------------------------------

Str* str_concat(VM& vm, Str* a, Str* b) {
    if (b->s.empty() && a->type == vm.types.str)
        return a;
    if (a->s.empty() && b->type == vm.types.str)
        return b;
    if (!reserve_buffer(vm, a->s.size() + b->s.size()))
        return nullptr;
    std::string t;
    t.reserve(a->s.size() + b->s.size());
    t.append(a->s);
    t.append(b->s);
    return new_str_owned(vm, std::move(t), a->length + b->length);
}

Value str_repeat(VM& vm, Str* s, int64_t n) {
    if (n <= 0 || s->s.empty())
        return Value::object(vm.intern(""));
    if (n == 1 && s->type == vm.types.str)
        return Value::object(s);
    if (static_cast<uint64_t>(n) > static_cast<uint64_t>(INT64_MAX) / s->s.size()) {
        return vm.raise(vm.exc.OverflowError, "repeated string is too long");
    }
    if (!reserve_buffer(vm, static_cast<uint64_t>(n), s->s.size()))
        return Value::empty();
    size_t total = s->s.size() * static_cast<size_t>(n);
    std::string t;
    t.reserve(total);
    if (s->s.size() == 1) {
        t.assign(total, s->s[0]);
    } else {
        t.append(s->s);
        while (t.size() * 2 <= total)
            t.append(t);
        t.append(t.data(), total - t.size());
    }
    return Value::object(new_str_owned(vm, std::move(t), s->length * n));
}

int str_cmp(const Str* a, const Str* b) {
    size_t n = std::min(a->s.size(), b->s.size());
    int c = std::memcmp(a->s.data(), b->s.data(), n);
    if (c != 0)
        return c;
    return a->s.size() < b->s.size() ? -1 : a->s.size() > b->s.size() ? 1 : 0;
}

int64_t str_find(Str* hay, std::string_view needle, int64_t start, int64_t end, bool reverse) {
    if (start > end)
        return -1;
    size_t b0 = str_offset(hay, start), b1 = str_offset(hay, end);
    std::string_view window(hay->s.data() + b0, b1 - b0);
    size_t pos = reverse ? window.rfind(needle) : window.find(needle);
    if (pos == std::string_view::npos)
        return -1;
    if (hay->ascii)
        return start + static_cast<int64_t>(pos);
    return start + utf8_length(window.substr(0, pos));
}

bool str_contains(Str* hay, Str* needle) {
    return hay->view().find(needle->view()) != std::string_view::npos;
}

// ---- repr ------------------------------------------------------------------------------------

bool unicode_isprintable(uint32_t cp) {
    if (cp < 0x7F)
        return cp >= 0x20;
    if (cp < 0xA0)
        return false;
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_ZS:
        return false;
    default:
        return true;
    }
}

bool unicode_isspace(uint32_t cp) {
    if (cp < 0x80)
        return (cp >= 9 && cp <= 13) || (cp >= 0x1C && cp <= 0x20);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

void append_escape(std::string& out, uint32_t cp) {
    char buf[16];
    if (cp <= 0xFF)
        std::snprintf(buf, sizeof buf, "\\x%02x", cp);
    else if (cp <= 0xFFFF)
        std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    else
        std::snprintf(buf, sizeof buf, "\\U%08x", cp);
    out.append(buf);
}

std::string str_repr_text(std::string_view text, bool ascii_only) {
    bool has_sq = text.find('\'') != std::string_view::npos;
    bool has_dq = text.find('"') != std::string_view::npos;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back(q);
    for (size_t i = 0; i < text.size();) {
        unsigned char b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            ++i;
            if (b == static_cast<unsigned char>(q) || b == '\\') {
                out.push_back('\\');
                out.push_back(static_cast<char>(b));
            } else if (b == '\t')
                out.append("\\t");
            else if (b == '\n')
                out.append("\\n");
            else if (b == '\r')
                out.append("\\r");
            else if (b < 0x20 || b == 0x7F)
                append_escape(out, b);
            else
                out.push_back(static_cast<char>(b));
            continue;
        }
        int len;
        uint32_t cp = utf8_decode(text.data() + i, &len);
        if (!ascii_only && unicode_isprintable(cp))
            out.append(text.data() + i, static_cast<size_t>(len));
        else
            append_escape(out, cp);
        i += static_cast<size_t>(len);
    }
    out.push_back(q);
    return out;
}

Str* str_repr(VM& vm, Str* s) {
    std::string r = str_repr_text(s->view(), false);
    return new_str_owned(vm, std::move(r));
}

Str* str_ascii(VM& vm, Str* s) {
    std::string r = str_repr_text(s->view(), true);
    int64_t n = static_cast<int64_t>(r.size());
    return new_str_owned(vm, std::move(r), n);
}

// ---- Unicode character properties and case mapping ----------------------------------------
// utf8proc supplies categories and the simple (1:1) case mappings and full case folding; the
// tables below, generated from CPython 3.11's unicodedata (Unicode 14), add what it lacks:
// the one-to-many upper/title mappings (SpecialCasing.txt), and the code points whose
// Python digit/numeric/lower/upper properties are not implied by their category.

namespace {

struct CpRange {
    uint32_t lo, hi;
};

struct SpecialCase {
    uint32_t cp;
    uint32_t upper[3];
    uint32_t title[3];
};

// clang-format off
constexpr SpecialCase kSpecialCase[] = {
    {0xDF, {0x53, 0x53, 0x0}, {0x53, 0x73, 0x0}}, {0x149, {0x2BC, 0x4E, 0x0}, {0x2BC, 0x4E, 0x0}},
    {0x1F0, {0x4A, 0x30C, 0x0}, {0x4A, 0x30C, 0x0}}, {0x390, {0x399, 0x308, 0x301}, {0x399, 0x308, 0x301}},
    {0x3B0, {0x3A5, 0x308, 0x301}, {0x3A5, 0x308, 0x301}},
    {0x587, {0x535, 0x552, 0x0}, {0x535, 0x582, 0x0}}, {0x1E96, {0x48, 0x331, 0x0}, {0x48, 0x331, 0x0}},
    {0x1E97, {0x54, 0x308, 0x0}, {0x54, 0x308, 0x0}}, {0x1E98, {0x57, 0x30A, 0x0}, {0x57, 0x30A, 0x0}},
    {0x1E99, {0x59, 0x30A, 0x0}, {0x59, 0x30A, 0x0}}, {0x1E9A, {0x41, 0x2BE, 0x0}, {0x41, 0x2BE, 0x0}},
    {0x1F50, {0x3A5, 0x313, 0x0}, {0x3A5, 0x313, 0x0}},
    {0x1F52, {0x3A5, 0x313, 0x300}, {0x3A5, 0x313, 0x300}},
    {0x1F54, {0x3A5, 0x313, 0x301}, {0x3A5, 0x313, 0x301}},
    {0x1F56, {0x3A5, 0x313, 0x342}, {0x3A5, 0x313, 0x342}},
    {0x1F80, {0x1F08, 0x399, 0x0}, {0x1F88, 0x0, 0x0}}, {0x1F81, {0x1F09, 0x399, 0x0}, {0x1F89, 0x0, 0x0}},
    {0x1F82, {0x1F0A, 0x399, 0x0}, {0x1F8A, 0x0, 0x0}}, {0x1F83, {0x1F0B, 0x399, 0x0}, {0x1F8B, 0x0, 0x0}},
    {0x1F84, {0x1F0C, 0x399, 0x0}, {0x1F8C, 0x0, 0x0}}, {0x1F85, {0x1F0D, 0x399, 0x0}, {0x1F8D, 0x0, 0x0}},
    {0x1F86, {0x1F0E, 0x399, 0x0}, {0x1F8E, 0x0, 0x0}}, {0x1F87, {0x1F0F, 0x399, 0x0}, {0x1F8F, 0x0, 0x0}},
    {0x1F88, {0x1F08, 0x399, 0x0}, {0x1F88, 0x0, 0x0}}, {0x1F89, {0x1F09, 0x399, 0x0}, {0x1F89, 0x0, 0x0}},
    {0x1F8A, {0x1F0A, 0x399, 0x0}, {0x1F8A, 0x0, 0x0}}, {0x1F8B, {0x1F0B, 0x399, 0x0}, {0x1F8B, 0x0, 0x0}},
    {0x1F8C, {0x1F0C, 0x399, 0x0}, {0x1F8C, 0x0, 0x0}}, {0x1F8D, {0x1F0D, 0x399, 0x0}, {0x1F8D, 0x0, 0x0}},
    {0x1F8E, {0x1F0E, 0x399, 0x0}, {0x1F8E, 0x0, 0x0}}, {0x1F8F, {0x1F0F, 0x399, 0x0}, {0x1F8F, 0x0, 0x0}},
    {0x1F90, {0x1F28, 0x399, 0x0}, {0x1F98, 0x0, 0x0}}, {0x1F91, {0x1F29, 0x399, 0x0}, {0x1F99, 0x0, 0x0}},
    {0x1F92, {0x1F2A, 0x399, 0x0}, {0x1F9A, 0x0, 0x0}}, {0x1F93, {0x1F2B, 0x399, 0x0}, {0x1F9B, 0x0, 0x0}},
    {0x1F94, {0x1F2C, 0x399, 0x0}, {0x1F9C, 0x0, 0x0}}, {0x1F95, {0x1F2D, 0x399, 0x0}, {0x1F9D, 0x0, 0x0}},
    {0x1F96, {0x1F2E, 0x399, 0x0}, {0x1F9E, 0x0, 0x0}}, {0x1F97, {0x1F2F, 0x399, 0x0}, {0x1F9F, 0x0, 0x0}},
    {0x1F98, {0x1F28, 0x399, 0x0}, {0x1F98, 0x0, 0x0}}, {0x1F99, {0x1F29, 0x399, 0x0}, {0x1F99, 0x0, 0x0}},
    {0x1F9A, {0x1F2A, 0x399, 0x0}, {0x1F9A, 0x0, 0x0}}, {0x1F9B, {0x1F2B, 0x399, 0x0}, {0x1F9B, 0x0, 0x0}},
    {0x1F9C, {0x1F2C, 0x399, 0x0}, {0x1F9C, 0x0, 0x0}}, {0x1F9D, {0x1F2D, 0x399, 0x0}, {0x1F9D, 0x0, 0x0}},
    {0x1F9E, {0x1F2E, 0x399, 0x0}, {0x1F9E, 0x0, 0x0}}, {0x1F9F, {0x1F2F, 0x399, 0x0}, {0x1F9F, 0x0, 0x0}},
    {0x1FA0, {0x1F68, 0x399, 0x0}, {0x1FA8, 0x0, 0x0}}, {0x1FA1, {0x1F69, 0x399, 0x0}, {0x1FA9, 0x0, 0x0}},
    {0x1FA2, {0x1F6A, 0x399, 0x0}, {0x1FAA, 0x0, 0x0}}, {0x1FA3, {0x1F6B, 0x399, 0x0}, {0x1FAB, 0x0, 0x0}},
    {0x1FA4, {0x1F6C, 0x399, 0x0}, {0x1FAC, 0x0, 0x0}}, {0x1FA5, {0x1F6D, 0x399, 0x0}, {0x1FAD, 0x0, 0x0}},
    {0x1FA6, {0x1F6E, 0x399, 0x0}, {0x1FAE, 0x0, 0x0}}, {0x1FA7, {0x1F6F, 0x399, 0x0}, {0x1FAF, 0x0, 0x0}},
    {0x1FA8, {0x1F68, 0x399, 0x0}, {0x1FA8, 0x0, 0x0}}, {0x1FA9, {0x1F69, 0x399, 0x0}, {0x1FA9, 0x0, 0x0}},
    {0x1FAA, {0x1F6A, 0x399, 0x0}, {0x1FAA, 0x0, 0x0}}, {0x1FAB, {0x1F6B, 0x399, 0x0}, {0x1FAB, 0x0, 0x0}},
    {0x1FAC, {0x1F6C, 0x399, 0x0}, {0x1FAC, 0x0, 0x0}}, {0x1FAD, {0x1F6D, 0x399, 0x0}, {0x1FAD, 0x0, 0x0}},
    {0x1FAE, {0x1F6E, 0x399, 0x0}, {0x1FAE, 0x0, 0x0}}, {0x1FAF, {0x1F6F, 0x399, 0x0}, {0x1FAF, 0x0, 0x0}},
    {0x1FB2, {0x1FBA, 0x399, 0x0}, {0x1FBA, 0x345, 0x0}},
    {0x1FB3, {0x391, 0x399, 0x0}, {0x1FBC, 0x0, 0x0}}, {0x1FB4, {0x386, 0x399, 0x0}, {0x386, 0x345, 0x0}},
    {0x1FB6, {0x391, 0x342, 0x0}, {0x391, 0x342, 0x0}},
    {0x1FB7, {0x391, 0x342, 0x399}, {0x391, 0x342, 0x345}},
    {0x1FBC, {0x391, 0x399, 0x0}, {0x1FBC, 0x0, 0x0}},
    {0x1FC2, {0x1FCA, 0x399, 0x0}, {0x1FCA, 0x345, 0x0}},
    {0x1FC3, {0x397, 0x399, 0x0}, {0x1FCC, 0x0, 0x0}}, {0x1FC4, {0x389, 0x399, 0x0}, {0x389, 0x345, 0x0}},
    {0x1FC6, {0x397, 0x342, 0x0}, {0x397, 0x342, 0x0}},
    {0x1FC7, {0x397, 0x342, 0x399}, {0x397, 0x342, 0x345}},
    {0x1FCC, {0x397, 0x399, 0x0}, {0x1FCC, 0x0, 0x0}},
    {0x1FD2, {0x399, 0x308, 0x300}, {0x399, 0x308, 0x300}},
    {0x1FD3, {0x399, 0x308, 0x301}, {0x399, 0x308, 0x301}},
    {0x1FD6, {0x399, 0x342, 0x0}, {0x399, 0x342, 0x0}},
    {0x1FD7, {0x399, 0x308, 0x342}, {0x399, 0x308, 0x342}},
    {0x1FE2, {0x3A5, 0x308, 0x300}, {0x3A5, 0x308, 0x300}},
    {0x1FE3, {0x3A5, 0x308, 0x301}, {0x3A5, 0x308, 0x301}},
    {0x1FE4, {0x3A1, 0x313, 0x0}, {0x3A1, 0x313, 0x0}}, {0x1FE6, {0x3A5, 0x342, 0x0}, {0x3A5, 0x342, 0x0}},
    {0x1FE7, {0x3A5, 0x308, 0x342}, {0x3A5, 0x308, 0x342}},
    {0x1FF2, {0x1FFA, 0x399, 0x0}, {0x1FFA, 0x345, 0x0}},
    {0x1FF3, {0x3A9, 0x399, 0x0}, {0x1FFC, 0x0, 0x0}}, {0x1FF4, {0x38F, 0x399, 0x0}, {0x38F, 0x345, 0x0}},
    {0x1FF6, {0x3A9, 0x342, 0x0}, {0x3A9, 0x342, 0x0}},
    {0x1FF7, {0x3A9, 0x342, 0x399}, {0x3A9, 0x342, 0x345}},
    {0x1FFC, {0x3A9, 0x399, 0x0}, {0x1FFC, 0x0, 0x0}}, {0xFB00, {0x46, 0x46, 0x0}, {0x46, 0x66, 0x0}},
    {0xFB01, {0x46, 0x49, 0x0}, {0x46, 0x69, 0x0}}, {0xFB02, {0x46, 0x4C, 0x0}, {0x46, 0x6C, 0x0}},
    {0xFB03, {0x46, 0x46, 0x49}, {0x46, 0x66, 0x69}}, {0xFB04, {0x46, 0x46, 0x4C}, {0x46, 0x66, 0x6C}},
    {0xFB05, {0x53, 0x54, 0x0}, {0x53, 0x74, 0x0}}, {0xFB06, {0x53, 0x54, 0x0}, {0x53, 0x74, 0x0}},
    {0xFB13, {0x544, 0x546, 0x0}, {0x544, 0x576, 0x0}}, {0xFB14, {0x544, 0x535, 0x0}, {0x544, 0x565, 0x0}},
    {0xFB15, {0x544, 0x53B, 0x0}, {0x544, 0x56B, 0x0}}, {0xFB16, {0x54E, 0x546, 0x0}, {0x54E, 0x576, 0x0}},
    {0xFB17, {0x544, 0x53D, 0x0}, {0x544, 0x56D, 0x0}}
};

constexpr CpRange kDigitExtra[] = {
    {0xB2, 0xB3}, {0xB9, 0xB9}, {0x1369, 0x1371}, {0x19DA, 0x19DA}, {0x2070, 0x2070}, {0x2074, 0x2079},
    {0x2080, 0x2089}, {0x2460, 0x2468}, {0x2474, 0x247C}, {0x2488, 0x2490}, {0x24EA, 0x24EA},
    {0x24F5, 0x24FD}, {0x24FF, 0x24FF}, {0x2776, 0x277E}, {0x2780, 0x2788}, {0x278A, 0x2792},
    {0x10A40, 0x10A43}, {0x10E60, 0x10E68}, {0x11052, 0x1105A}, {0x1F100, 0x1F10A}
};
constexpr CpRange kNumericExtra[] = {
    {0xBC, 0xBE}, {0x9F4, 0x9F9}, {0xB72, 0xB77}, {0xBF0, 0xBF2}, {0xC78, 0xC7E}, {0xD58, 0xD5E},
    {0xD70, 0xD78}, {0xF2A, 0xF33}, {0x1372, 0x137C}, {0x16EE, 0x16F0}, {0x17F0, 0x17F9}, {0x2150, 0x2182},
    {0x2185, 0x2189}, {0x2469, 0x2473}, {0x247D, 0x2487}, {0x2491, 0x249B}, {0x24EB, 0x24F4},
    {0x24FE, 0x24FE}, {0x277F, 0x277F}, {0x2789, 0x2789}, {0x2793, 0x2793}, {0x2CFD, 0x2CFD},
    {0x3007, 0x3007}, {0x3021, 0x3029}, {0x3038, 0x303A}, {0x3192, 0x3195}, {0x3220, 0x3229},
    {0x3248, 0x324F}, {0x3251, 0x325F}, {0x3280, 0x3289}, {0x32B1, 0x32BF}, {0x3405, 0x3405},
    {0x3483, 0x3483}, {0x382A, 0x382A}, {0x3B4D, 0x3B4D}, {0x4E00, 0x4E00}, {0x4E03, 0x4E03},
    {0x4E07, 0x4E07}, {0x4E09, 0x4E09}, {0x4E5D, 0x4E5D}, {0x4E8C, 0x4E8C}, {0x4E94, 0x4E94},
    {0x4E96, 0x4E96}, {0x4EBF, 0x4EC0}, {0x4EDF, 0x4EDF}, {0x4EE8, 0x4EE8}, {0x4F0D, 0x4F0D},
    {0x4F70, 0x4F70}, {0x5104, 0x5104}, {0x5146, 0x5146}, {0x5169, 0x5169}, {0x516B, 0x516B},
    {0x516D, 0x516D}, {0x5341, 0x5341}, {0x5343, 0x5345}, {0x534C, 0x534C}, {0x53C1, 0x53C4},
    {0x56DB, 0x56DB}, {0x58F1, 0x58F1}, {0x58F9, 0x58F9}, {0x5E7A, 0x5E7A}, {0x5EFE, 0x5EFF},
    {0x5F0C, 0x5F0E}, {0x5F10, 0x5F10}, {0x62FE, 0x62FE}, {0x634C, 0x634C}, {0x67D2, 0x67D2},
    {0x6F06, 0x6F06}, {0x7396, 0x7396}, {0x767E, 0x767E}, {0x8086, 0x8086}, {0x842C, 0x842C},
    {0x8CAE, 0x8CAE}, {0x8CB3, 0x8CB3}, {0x8D30, 0x8D30}, {0x9621, 0x9621}, {0x9646, 0x9646},
    {0x964C, 0x964C}, {0x9678, 0x9678}, {0x96F6, 0x96F6}, {0xA6E6, 0xA6EF}, {0xA830, 0xA835},
    {0xF96B, 0xF96B}, {0xF973, 0xF973}, {0xF978, 0xF978}, {0xF9B2, 0xF9B2}, {0xF9D1, 0xF9D1},
    {0xF9D3, 0xF9D3}, {0xF9FD, 0xF9FD}, {0x10107, 0x10133}, {0x10140, 0x10178}, {0x1018A, 0x1018B},
    {0x102E1, 0x102FB}, {0x10320, 0x10323}, {0x10341, 0x10341}, {0x1034A, 0x1034A}, {0x103D1, 0x103D5},
    {0x10858, 0x1085F}, {0x10879, 0x1087F}, {0x108A7, 0x108AF}, {0x108FB, 0x108FF}, {0x10916, 0x1091B},
    {0x109BC, 0x109BD}, {0x109C0, 0x109CF}, {0x109D2, 0x109FF}, {0x10A44, 0x10A48}, {0x10A7D, 0x10A7E},
    {0x10A9D, 0x10A9F}, {0x10AEB, 0x10AEF}, {0x10B58, 0x10B5F}, {0x10B78, 0x10B7F}, {0x10BA9, 0x10BAF},
    {0x10CFA, 0x10CFF}, {0x10E69, 0x10E7E}, {0x10F1D, 0x10F26}, {0x10F51, 0x10F54}, {0x10FC5, 0x10FCB},
    {0x1105B, 0x11065}, {0x111E1, 0x111F4}, {0x1173A, 0x1173B}, {0x118EA, 0x118F2}, {0x11C5A, 0x11C6C},
    {0x11FC0, 0x11FD4}, {0x12400, 0x1246E}, {0x16B5B, 0x16B61}, {0x16E80, 0x16E96}, {0x1D2E0, 0x1D2F3},
    {0x1D360, 0x1D378}, {0x1E8C7, 0x1E8CF}, {0x1EC71, 0x1ECAB}, {0x1ECAD, 0x1ECAF}, {0x1ECB1, 0x1ECB4},
    {0x1ED01, 0x1ED2D}, {0x1ED2F, 0x1ED3D}, {0x1F10B, 0x1F10C}, {0x20001, 0x20001}, {0x20064, 0x20064},
    {0x200E2, 0x200E2}, {0x20121, 0x20121}, {0x2092A, 0x2092A}, {0x20983, 0x20983}, {0x2098C, 0x2098C},
    {0x2099C, 0x2099C}, {0x20AEA, 0x20AEA}, {0x20AFD, 0x20AFD}, {0x20B19, 0x20B19}, {0x22390, 0x22390},
    {0x22998, 0x22998}, {0x23B1B, 0x23B1B}, {0x2626D, 0x2626D}, {0x2F890, 0x2F890}
};
constexpr CpRange kLowerExtra[] = {
    {0xAA, 0xAA}, {0xBA, 0xBA}, {0x2B0, 0x2B8}, {0x2C0, 0x2C1}, {0x2E0, 0x2E4}, {0x345, 0x345},
    {0x37A, 0x37A}, {0x1D2C, 0x1D6A}, {0x1D78, 0x1D78}, {0x1D9B, 0x1DBF}, {0x2071, 0x2071},
    {0x207F, 0x207F}, {0x2090, 0x209C}, {0x2170, 0x217F}, {0x24D0, 0x24E9}, {0x2C7C, 0x2C7D},
    {0xA69C, 0xA69D}, {0xA770, 0xA770}, {0xA7F8, 0xA7F9}, {0xAB5C, 0xAB5F}, {0x10780, 0x10780},
    {0x10783, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA}
};
constexpr CpRange kUpperExtra[] = {
    {0x2160, 0x216F}, {0x24B6, 0x24CF}, {0x1F130, 0x1F149}, {0x1F150, 0x1F169}, {0x1F170, 0x1F189}
};
// clang-format on

bool in_ranges(const CpRange* r, size_t n, uint32_t cp) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

template <size_t N> bool in_table(const CpRange (&r)[N], uint32_t cp) {
    return in_ranges(r, N, cp);
}

const SpecialCase* special_case(uint32_t cp) {
    size_t lo = 0, hi = sizeof kSpecialCase / sizeof kSpecialCase[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < kSpecialCase[mid].cp)
            hi = mid;
        else if (cp > kSpecialCase[mid].cp)
            lo = mid + 1;
        else
            return &kSpecialCase[mid];
    }
    return nullptr;
}

inline utf8proc_category_t cat(uint32_t cp) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

} // namespace

bool unicode_islower(uint32_t cp) {
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    return cat(cp) == UTF8PROC_CATEGORY_LL || in_table(kLowerExtra, cp);
}

bool unicode_isupper(uint32_t cp) {
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    return cat(cp) == UTF8PROC_CATEGORY_LU || in_table(kUpperExtra, cp);
}

bool unicode_istitle(uint32_t cp) {
    return cp >= 0x80 && cat(cp) == UTF8PROC_CATEGORY_LT;
}

bool unicode_iscased(uint32_t cp) {
    return unicode_islower(cp) || unicode_isupper(cp) || unicode_istitle(cp);
}

bool unicode_iscaseignorable(uint32_t cp) {
    switch (cp) {
    case 0x27:
    case 0x2E:
    case 0x3A:
    case 0x5E:
    case 0x60:
    case 0xA8:
    case 0xAD:
    case 0xAF:
    case 0xB4:
    case 0xB7:
    case 0xB8:
    case 0x2018:
    case 0x2019:
    case 0x2024:
    case 0x2027:
        return true;
    default:
        break;
    }
    if (cp < 0x80)
        return false;
    switch (cat(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
        return true;
    default:
        return false;
    }
}

bool unicode_isalpha(uint32_t cp) {
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    switch (cat(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return true;
    default:
        return false;
    }
}

bool unicode_isdecimal(uint32_t cp) {
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return cat(cp) == UTF8PROC_CATEGORY_ND;
}

bool unicode_isdigit(uint32_t cp) {
    return unicode_isdecimal(cp) || (cp >= 0x80 && in_table(kDigitExtra, cp));
}

bool unicode_isnumeric(uint32_t cp) {
    return unicode_isdigit(cp) || (cp >= 0x80 && in_table(kNumericExtra, cp));
}

bool unicode_isalnum(uint32_t cp) {
    return unicode_isalpha(cp) || unicode_isnumeric(cp);
}

int unicode_decimal_value(uint32_t cp) {
    if (cp < 0x80)
        return cp >= '0' && cp <= '9' ? static_cast<int>(cp - '0') : -1;
    if (cat(cp) != UTF8PROC_CATEGORY_ND)
        return -1;
    // Decimal digits come in contiguous runs of ten starting at a code point ending in 0 or 6
    // (Unicode guarantees contiguous runs); walk back to the run's start.
    uint32_t z = cp;
    while (z > 0 && cat(z - 1) == UTF8PROC_CATEGORY_ND && cp - (z - 1) < 10)
        --z;
    return static_cast<int>((cp - z) % 10);
}

// Letters that are ID_Start/ID_Continue by category but not XID_ (NFKC does not keep them
// identifiers) or are Pattern_Syntax (U+2E2F): excluded from both.
static bool not_xid(uint32_t cp) {
    switch (cp) {
    case 0x37A: case 0x2E2F: case 0xFDFA: case 0xFDFB:
    case 0xFE70: case 0xFE72: case 0xFE74: case 0xFE76: case 0xFE78: case 0xFE7A: case 0xFE7C: case 0xFE7E:
        return true;
    default:
        return cp >= 0xFC5E && cp <= 0xFC63;
    }
}

bool unicode_isxid_start(uint32_t cp) {
    if (cp < 0x80)
        return cp == '_' || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    // XID_Continue only: their NFKC forms cannot start an identifier.
    if (not_xid(cp) || cp == 0xE33 || cp == 0xEB3 || cp == 0xFF9E || cp == 0xFF9F)
        return false;
    switch (cat(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
        return true;
    default:
        return cp == 0x1885 || cp == 0x1886 || cp == 0x2118 || cp == 0x212E; // Other_ID_Start
    }
}

bool unicode_isxid_continue(uint32_t cp) {
    if (cp < 0x80)
        return cp == '_' || (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    if (not_xid(cp))
        return false;
    if (cp == 0xE33 || cp == 0xEB3 || cp == 0xFF9E || cp == 0xFF9F || unicode_isxid_start(cp))
        return true;
    switch (cat(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_PC:
        return true;
    default:
        return cp == 0xB7 || cp == 0x387 || (cp >= 0x1369 && cp <= 0x1371) || cp == 0x19DA;
    }
}

void unicode_append_upper(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 32 : cp));
        return;
    }
    if (const SpecialCase* sc = special_case(cp)) {
        for (uint32_t c : sc->upper)
            if (c)
                utf8_append(out, c);
        return;
    }
    utf8_append(out, static_cast<uint32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp))));
}

void unicode_append_title(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 32 : cp));
        return;
    }
    if (const SpecialCase* sc = special_case(cp)) {
        for (uint32_t c : sc->title)
            if (c)
                utf8_append(out, c);
        return;
    }
    utf8_append(out, static_cast<uint32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(cp))));
}

// Lower case of cp; `final_sigma` selects U+03C2 for a capital sigma ending a word.
void unicode_append_lower(std::string& out, uint32_t cp, bool final_sigma) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
        return;
    }
    if (cp == 0x130) {
        out.append("i\xcc\x87");
        return;
    } // İ -> i + COMBINING DOT ABOVE
    if (cp == 0x3A3) {
        utf8_append(out, final_sigma ? 0x3C2 : 0x3C3);
        return;
    }
    utf8_append(out, static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
}

void unicode_append_casefold(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
        return;
    }
    utf8proc_int32_t buf[8];
    int last = 0;
    utf8proc_ssize_t n =
        utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 8, UTF8PROC_CASEFOLD, &last);
    if (n <= 0 || n > 8) {
        utf8_append(out, cp);
        return;
    }
    for (utf8proc_ssize_t k = 0; k < n; ++k)
        utf8_append(out, static_cast<uint32_t>(buf[k]));
}

// ---- iterator ----------------------------------------------------------------------------------

struct StrIterator : Obj {
    Str* str = nullptr;
    size_t pos = 0; // byte offset of the next character
    void trace(Tracer& t) override { t.mark(str); }
};

Value str_iter(VM& vm, Str* s) {
    StrIterator* it = vm.alloc<StrIterator>(s->ascii ? vm.str_ascii_iterator_type : vm.str_iterator_type);
    it->str = s;
    return Value::object(it);
}

Value str_iter_next(VM& vm, Value iterator) {
    auto* it = static_cast<StrIterator*>(iterator.o);
    Str* s = it->str;
    if (s == nullptr || it->pos >= s->s.size()) {
        it->str = nullptr;
        return Value::empty();
    }
    size_t off = it->pos;
    unsigned char b = static_cast<unsigned char>(s->s[off]);
    if (b < 0x80) {
        it->pos = off + 1;
        return Value::object(vm.intern(std::string_view(s->s.data() + off, 1)));
    }
    int len = utf8_seq_len(b);
    it->pos = off + static_cast<size_t>(len);
    return Value::object(new_str_owned(vm, std::string(s->s.data() + off, static_cast<size_t>(len)), 1));
}

static Value str_iterator_next_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, nullptr, ArgStyle::Wrapper, "str_iterator", "__next__", 0, 0))
        return Value::empty();
    if (!a[0].is_obj() ||
        (a[0].o->type != vm.str_iterator_type && a[0].o->type != vm.str_ascii_iterator_type)) {
        return vm.raise_format(vm.exc.TypeError,
                               "descriptor '__next__' requires a 'str_iterator' object but received a '%s'",
                               type_name(vm, a[0]).c_str());
    }
    Value v = str_iter_next(vm, a[0]);
    if (v.is_empty())
        return vm.raise_value(Value::object(vm.exc.StopIteration));
    return v;
}

static Value iterator_self_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, nullptr, ArgStyle::Wrapper, "iterator", "__iter__", 0, 0))
        return Value::empty();
    return a[0];
}

// ---- str() -------------------------------------------------------------------------------------

// A str of type `cls` (a subclass of str) holding the text of `s`.
static Value str_for_type(VM& vm, Type* cls, Value s) {
    if (cls == vm.types.str)
        return s;
    Str* src = as_str(s);
    Str* r = vm.alloc<Str>(cls);
    r->s = src->s;
    r->length = src->length;
    r->ascii = src->ascii;
    return Value::object(r);
}

Value str_new(VM& vm, const Args& a) {
    // a[0] is the class (str.__new__(cls, ...)).
    if (a.npos < 1 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type) {
        return vm.raise(vm.exc.TypeError, "str.__new__(X): X is not a type object");
    }
    Type* cls = static_cast<Type*>(a[0].o);
    if (!is_subtype(cls, vm.types.str)) {
        return vm.raise_format(vm.exc.TypeError, "str.__new__(%s): %s is not a subtype of str",
                               cls->name->s.c_str(), cls->name->s.c_str());
    }
    if (a.npos == 2 && (a.kwnames == nullptr || a.kwnames->items.empty())) {
        // str(x), by far the most common form: no argument parsing.
        Str* s = to_str(vm, a[1]);
        return s == nullptr ? Value::empty() : str_for_type(vm, cls, Value::object(s));
    }
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    static const char* const kNames[] = {"object", "encoding", "errors", nullptr};
    Value v[3];
    if (!text_parse(vm, rest, "str", kNames, 3, v))
        return Value::empty();
    if (v[1].is_empty() && v[2].is_empty()) {
        if (v[0].is_empty())
            return str_for_type(vm, cls, Value::object(vm.intern("")));
        Str* s = to_str(vm, v[0]);
        if (s == nullptr)
            return Value::empty();
        return str_for_type(vm, cls, Value::object(s));
    }
    Str* enc = nullptr;
    Str* err = nullptr;
    if (!v[1].is_empty()) {
        if (!is_str(v[1])) {
            return vm.raise_format(vm.exc.TypeError, "str() argument 'encoding' must be str, not %s",
                                   type_name(vm, v[1]).c_str());
        }
        enc = as_str(v[1]);
    }
    if (!v[2].is_empty()) {
        if (!is_str(v[2])) {
            return vm.raise_format(vm.exc.TypeError, "str() argument 'errors' must be str, not %s",
                                   type_name(vm, v[2]).c_str());
        }
        err = as_str(v[2]);
    }
    Value obj = v[0].is_empty() ? Value::object(vm.intern("")) : v[0];
    if (is_str(obj))
        return vm.raise(vm.exc.TypeError, "decoding str is not supported");
    if (!is_bytes_like(obj)) {
        return vm.raise_format(vm.exc.TypeError, "decoding to str: need a bytes-like object, %s found",
                               type_name(vm, obj).c_str());
    }
    Value r = decode_text(vm, static_cast<Bytes*>(obj.o)->data, enc, err);
    if (r.is_empty())
        return r;
    return str_for_type(vm, cls, r);
}

// ---- dunders -----------------------------------------------------------------------------------

bool reflected_first(VM& vm, Value other, const char* rname) {
    if (!other.is_obj() || !(other.o->type->flags & kTypeHeap))
        return false;
    Value m = type_lookup(other.o->type, vm.intern(rname));
    return !m.is_empty() && !m.is_none() && !(m.is_obj() && m.o->type->layout == Layout::NativeFunction);
}

#define SELF as_str(a[0])

static Value str_add(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__add__", 1, 1))
        return Value::empty();
    if (!is_str(a[1])) {
        if (reflected_first(vm, a[1], "__radd__"))
            return vm.not_implemented;
        return vm.raise_format(vm.exc.TypeError, "can only concatenate str (not \"%s\") to str",
                               type_name(vm, a[1]).c_str());
    }
    Str* r = str_concat(vm, SELF, as_str(a[1]));
    return r ? Value::object(r) : Value::empty();
}

template <bool Reflected> static Value str_mul(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", Reflected ? "__rmul__" : "__mul__", 1, 1))
        return Value::empty();
    if (!Reflected && reflected_first(vm, a[1], "__rmul__"))
        return vm.not_implemented;
    int64_t n;
    bool is_index;
    if (is_bigint(a[1])) {
        if (mpz_sgn(static_cast<BigInt*>(a[1].o)->z) < 0 || SELF->s.empty())
            return Value::object(vm.intern(""));
        return vm.raise(vm.exc.OverflowError, "cannot fit 'int' into an index-sized integer");
    }
    if (!str_index_arg(vm, a[1], &n, &is_index))
        return is_index ? Value::empty() : vm.not_implemented;
    return str_repeat(vm, SELF, n);
}

static Value str_mod(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__mod__", 1, 1))
        return Value::empty();
    return percent_format(vm, a[0], a[1]);
}

static Value str_rmod(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__rmod__", 1, 1))
        return Value::empty();
    return vm.not_implemented;
}

static Value str_contains_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__contains__", 1, 1))
        return Value::empty();
    if (!is_str(a[1])) {
        return vm.raise_format(vm.exc.TypeError, "'in <string>' requires string as left operand, not %s",
                               type_name(vm, a[1]).c_str());
    }
    return Value::boolean(str_contains(SELF, as_str(a[1])));
}

static Value str_getitem_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__getitem__", 1, 1))
        return Value::empty();
    return str_getitem(vm, SELF, a[1]);
}

static Value str_len(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__len__", 0, 0))
        return Value::empty();
    return Value::integer(SELF->length);
}

static Value str_iter_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__iter__", 0, 0))
        return Value::empty();
    return str_iter(vm, SELF);
}

static Value str_hash_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__hash__", 0, 0))
        return Value::empty();
    return Value::integer(static_cast<int64_t>(str_hash(SELF)));
}

static Value str_repr_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__repr__", 0, 0))
        return Value::empty();
    return Value::object(str_repr(vm, SELF));
}

static Value str_str_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", "__str__", 0, 0))
        return Value::empty();
    if (a[0].o->type == vm.types.str)
        return a[0];
    Str* s = SELF;
    return Value::object(new_str_owned(vm, std::string(s->s), s->length));
}

static Value str_format_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::One, "str", "__format__", 1, 1))
        return Value::empty();
    if (!is_str(a[1])) {
        return vm.raise_format(vm.exc.TypeError, "__format__() argument must be str, not %s",
                               type_name(vm, a[1]).c_str());
    }
    return format_str(vm, a[0], as_str(a[1])->view());
}

static Value str_getnewargs(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::NoArgs, "str", "__getnewargs__", 0, 0))
        return Value::empty();
    Value s = Value::object(new_str_owned(vm, std::string(SELF->s), SELF->length));
    return Value::object(new_tuple(vm, &s, 1));
}

static Value str_sizeof(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.str, ArgStyle::NoArgs, "str", "__sizeof__", 0, 0))
        return Value::empty();
    Str* s = SELF;
    int64_t base = s->ascii ? 49 : 74;
    return Value::integer(base + static_cast<int64_t>(s->s.size()));
}

template <CompareKind K> static Value str_richcmp(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"};
    if (!text_args(vm, a, vm.types.str, ArgStyle::Wrapper, "str", kNames[static_cast<int>(K)], 1, 1)) {
        return Value::empty();
    }
    if (!is_str(a[1]))
        return vm.not_implemented;
    Str* x = SELF;
    Str* y = as_str(a[1]);
    switch (K) {
    case CompareKind::Eq:
        return Value::boolean(str_eq(x, y));
    case CompareKind::Ne:
        return Value::boolean(!str_eq(x, y));
    case CompareKind::Lt:
        return Value::boolean(str_cmp(x, y) < 0);
    case CompareKind::Le:
        return Value::boolean(str_cmp(x, y) <= 0);
    case CompareKind::Gt:
        return Value::boolean(str_cmp(x, y) > 0);
    case CompareKind::Ge:
        return Value::boolean(str_cmp(x, y) >= 0);
    }
    return vm.not_implemented;
}

#undef SELF

static Obj* alloc_str(VM& vm, Type* type) {
    return vm.alloc<Str>(type);
}

void init_str_bytes(VM& vm) {
    Type* t = vm.types.str;
    if (t->alloc_instance == nullptr)
        t->alloc_instance = alloc_str;
    def_method(vm, t, "__add__", str_add);
    def_method(vm, t, "__mul__", str_mul<false>);
    def_method(vm, t, "__rmul__", str_mul<true>);
    def_method(vm, t, "__mod__", str_mod);
    def_method(vm, t, "__rmod__", str_rmod);
    def_method(vm, t, "__contains__", str_contains_native);
    def_method(vm, t, "__getitem__", str_getitem_native);
    def_method(vm, t, "__len__", str_len);
    def_method(vm, t, "__iter__", str_iter_native);
    def_method(vm, t, "__hash__", str_hash_native);
    def_method(vm, t, "__repr__", str_repr_native);
    def_method(vm, t, "__str__", str_str_native);
    def_method(vm, t, "__format__", str_format_native);
    def_method(vm, t, "__getnewargs__", str_getnewargs);
    def_method(vm, t, "__sizeof__", str_sizeof);
    def_method(vm, t, "__eq__", str_richcmp<CompareKind::Eq>);
    def_method(vm, t, "__ne__", str_richcmp<CompareKind::Ne>);
    def_method(vm, t, "__lt__", str_richcmp<CompareKind::Lt>);
    def_method(vm, t, "__le__", str_richcmp<CompareKind::Le>);
    def_method(vm, t, "__gt__", str_richcmp<CompareKind::Gt>);
    def_method(vm, t, "__ge__", str_richcmp<CompareKind::Ge>);
    // __new__ is a static method: called as str.__new__(cls, ...), never bound.
    def_method(vm, t, "__new__", str_new)->is_method = false;

    // The str iterator types (CPython 3.11 names the iterator of an ASCII str separately).
    vm.str_iterator_type =
        new_builtin_type(vm, "str_iterator", vm.types.object, Layout::Iterator, nullptr, 0);
    vm.str_ascii_iterator_type =
        new_builtin_type(vm, "str_ascii_iterator", vm.types.object, Layout::Iterator, nullptr, 0);
    vm.root_tracers.push_back([&vm](Tracer& tr) {
        tr.mark(vm.str_iterator_type);
        tr.mark(vm.str_ascii_iterator_type);
        tr.mark(vm.bytes_iterator_type);
        tr.mark(vm.bytearray_iterator_type);
    });
    for (Type* it : {vm.str_iterator_type, vm.str_ascii_iterator_type}) {
        def_method(vm, it, "__iter__", iterator_self_native);
        def_method(vm, it, "__next__", str_iterator_next_native);
    }

    init_str_methods(vm);
    init_bytes(vm);
}

} // namespace asy::vm
