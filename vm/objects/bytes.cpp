// `bytes` and `bytearray`: construction, repr, indexing/slicing, concatenation, comparison,
// hashing, iteration, membership, and their methods (shared by both types; results keep the
// receiver's kind), with CPython 3.11's messages.
#include "vm/objects/bytes.hpp"

#include <cstring>
#include <string>
#include <vector>

#include "vm/format.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/int.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

// ---- basics ------------------------------------------------------------------------------------

static Value make_bytes(VM& vm, Type* type, std::string&& data) {
    Bytes* b = vm.alloc<Bytes>(type);
    b->data = std::move(data);
    return Value::object(b);
}

Value new_bytes(VM& vm, std::string_view data) {
    return make_bytes(vm, vm.types.bytes, std::string(data));
}
Value new_bytearray(VM& vm, std::string_view data) {
    return make_bytes(vm, vm.types.bytearray, std::string(data));
}

bool bytes_is_bytearray(VM& vm, Value v) {
    return v.o->type == vm.types.bytearray || is_subtype(v.o->type, vm.types.bytearray);
}

Value bytes_like(VM& vm, Value self, std::string&& data) {
    return make_bytes(vm, bytes_is_bytearray(vm, self) ? vm.types.bytearray : vm.types.bytes, std::move(data));
}

uint64_t bytes_hash(Bytes* b) {
    if (!b->hashed) {
        b->hash = hash_bytes(b->data.data(), b->data.size());
        b->hashed = true;
    }
    return b->hash;
}

std::string bytes_repr_text(std::string_view data, bool bytearray) {
    bool has_sq = data.find('\'') != std::string_view::npos;
    bool has_dq = data.find('"') != std::string_view::npos;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    std::string out = "b";
    out.push_back(q);
    static const char kHex[] = "0123456789abcdef";
    for (unsigned char c : data) {
        // CPython's bytearray repr escapes ' even inside "..." quotes.
        if (c == static_cast<unsigned char>(q) || c == '\\' || (bytearray && c == '\'')) {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\t')
            out.append("\\t");
        else if (c == '\n')
            out.append("\\n");
        else if (c == '\r')
            out.append("\\r");
        else if (c < 0x20 || c >= 0x7F) {
            out.append("\\x");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back(q);
    return out;
}

Str* bytes_repr(VM& vm, Value b) {
    bool ba = bytes_is_bytearray(vm, b);
    std::string r = bytes_repr_text(as_bytes(b)->view(), ba);
    if (ba) {
        std::string name(b.o->type->name->view());
        r = name + "(" + r + ")";
    }
    int64_t n = static_cast<int64_t>(r.size());
    return new_str_owned(vm, std::move(r), n);
}

Value bytes_getitem(VM& vm, Value b, Value key) {
    Bytes* self = as_bytes(b);
    int64_t i;
    bool is_index;
    int64_t len = static_cast<int64_t>(self->data.size());
    if (str_index_arg(vm, key, &i, &is_index)) {
        if (i < 0)
            i += len;
        if (i < 0 || i >= len) {
            return vm.raise(vm.exc.IndexError,
                            bytes_is_bytearray(vm, b) ? "bytearray index out of range" : "index out of range");
        }
        return Value::integer(static_cast<unsigned char>(self->data[static_cast<size_t>(i)]));
    }
    if (is_index)
        return Value::empty();
    if (key.is_obj() && key.o->type->layout == Layout::Slice) {
        int64_t start, stop, step, n;
        if (!slice_indices(vm, static_cast<Slice*>(key.o), len, &start, &stop, &step, &n))
            return Value::empty();
        std::string out;
        if (step == 1) {
            out = self->data.substr(static_cast<size_t>(start), static_cast<size_t>(n));
        } else {
            out.resize(static_cast<size_t>(n));
            for (int64_t k = 0; k < n; ++k)
                out[k] = self->data[static_cast<size_t>(start + k * step)];
        }
        return bytes_like(vm, b, std::move(out));
    }
    return vm.raise_format(vm.exc.TypeError, "%s indices must be integers or slices, not %s",
                           bytes_is_bytearray(vm, b) ? "bytearray" : "byte", type_name(vm, key).c_str());
}

Value bytes_concat(VM& vm, Value a, Value b) {
    if (!is_bytes_like(b)) {
        return vm.raise_format(vm.exc.TypeError, "can't concat %s to %s", type_name(vm, b).c_str(),
                               type_name(vm, a).c_str());
    }
    std::string out = as_bytes(a)->data;
    out += as_bytes(b)->data;
    return bytes_like(vm, a, std::move(out));
}

Value bytes_repeat(VM& vm, Value b, int64_t n) {
    const std::string& d = as_bytes(b)->data;
    if (n <= 0 || d.empty())
        return bytes_like(vm, b, std::string());
    if (static_cast<uint64_t>(n) > static_cast<uint64_t>(INT64_MAX) / d.size()) {
        return vm.raise(vm.exc.OverflowError, "repeated bytes are too long");
    }
    if (!reserve_buffer(vm, static_cast<uint64_t>(n), d.size()))
        return Value::empty();
    std::string out;
    out.reserve(d.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        out += d;
    return bytes_like(vm, b, std::move(out));
}

int bytes_cmp(const Bytes* a, const Bytes* b) {
    size_t n = std::min(a->data.size(), b->data.size());
    int c = std::memcmp(a->data.data(), b->data.data(), n);
    if (c != 0)
        return c;
    return a->data.size() < b->data.size() ? -1 : a->data.size() > b->data.size() ? 1 : 0;
}

int bytes_byte_value(VM& vm, Value v, const char* range_msg) {
    int64_t i;
    if (!text_int_arg(vm, v, &i))
        return -1;
    if (i < 0 || i > 255) {
        vm.raise(vm.exc.ValueError, range_msg);
        return -1;
    }
    return static_cast<int>(i);
}

int bytes_contains(VM& vm, Value b, Value item) {
    std::string_view d = as_bytes(b)->view();
    if (is_bytes_like(item))
        return d.find(as_bytes(item)->view()) != std::string_view::npos;
    if (item.is_int() || item.is_bool() || is_int_like(vm, item) ||
        (item.is_obj() && !type_lookup(type_of(vm, item), vm.names.__index__).is_empty())) {
        int c = bytes_byte_value(vm, item, "byte must be in range(0, 256)");
        if (c < 0)
            return -1;
        return d.find(static_cast<char>(c)) != std::string_view::npos;
    }
    vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                    type_name(vm, item).c_str());
    return -1;
}

// ---- iterator ----------------------------------------------------------------------------------

struct BytesIterator : Obj {
    Bytes* bytes = nullptr; // null once exhausted
    size_t index = 0;
    void trace(Tracer& t) override { t.mark(bytes); }
};

Value bytes_iter(VM& vm, Value b) {
    Type* t = bytes_is_bytearray(vm, b) ? vm.bytearray_iterator_type : vm.bytes_iterator_type;
    BytesIterator* it = vm.alloc<BytesIterator>(t);
    it->bytes = as_bytes(b);
    return Value::object(it);
}

Value bytes_iter_next(VM& vm, Value iterator) {
    (void)vm;
    auto* it = static_cast<BytesIterator*>(iterator.o);
    if (it->bytes == nullptr)
        return Value::empty();
    if (it->index >= it->bytes->data.size()) {
        it->bytes = nullptr;
        return Value::empty();
    }
    return Value::integer(static_cast<unsigned char>(it->bytes->data[it->index++]));
}

static Value bytes_iterator_next_native(VM& vm, const Args& a) {
    if (!text_args(vm, a, nullptr, ArgStyle::Wrapper, "bytes_iterator", "__next__", 0, 0))
        return Value::empty();
    if (!a[0].is_obj() ||
        (a[0].o->type != vm.bytes_iterator_type && a[0].o->type != vm.bytearray_iterator_type)) {
        return vm.raise(vm.exc.TypeError, "descriptor '__next__' requires a 'bytes_iterator' object");
    }
    Value v = bytes_iter_next(vm, a[0]);
    if (v.is_empty())
        return vm.raise_value(Value::object(vm.exc.StopIteration));
    return v;
}

static Value bytes_iterator_iter(VM& vm, const Args& a) {
    if (!text_args(vm, a, nullptr, ArgStyle::Wrapper, "bytes_iterator", "__iter__", 0, 0))
        return Value::empty();
    return a[0];
}

// ---- construction ------------------------------------------------------------------------------

// The bytes of `v` for bytes(v) / bytearray(v) (no encoding): an int count, bytes-like, or an
// iterable of ints. false with an exception pending on error.
static bool bytes_from_object(VM& vm, Value v, std::string* out) {
    if (is_bytes_like(v)) {
        *out = as_bytes(v)->data;
        return true;
    }
    if (is_str(v)) {
        vm.raise(vm.exc.TypeError, "string argument without an encoding");
        return false;
    }
    if (v.is_int() || v.is_bool() || is_bigint(v) ||
        (v.is_obj() && !type_lookup(type_of(vm, v), vm.names.__index__).is_empty())) {
        int64_t n;
        if (!text_int_arg(vm, v, &n))
            return false;
        if (n < 0) {
            vm.raise(vm.exc.ValueError, "negative count");
            return false;
        }
        if (!reserve_buffer(vm, static_cast<uint64_t>(n)))
            return false;
        out->assign(static_cast<size_t>(n), '\0');
        return true;
    }
    if (v.is_obj() && (v.o->type->layout == Layout::List || v.o->type->layout == Layout::Tuple)) {
        const std::vector<Value>& items = v.o->type->layout == Layout::List ? static_cast<List*>(v.o)->items
                                                                            : static_cast<Tuple*>(v.o)->items;
        out->reserve(items.size());
        for (size_t i = 0; i < items.size(); ++i) {
            int c = bytes_byte_value(vm, items[i], "bytes must be in range(0, 256)");
            if (c < 0)
                return false;
            out->push_back(static_cast<char>(c));
        }
        return true;
    }
    Value it = get_iter(vm, v);
    if (it.is_empty()) {
        vm.take_pending();
        vm.raise_format(vm.exc.TypeError, "cannot convert '%s' object to bytes", type_name(vm, v).c_str());
        return false;
    }
    while (true) {
        Value x = iter_next(vm, it);
        if (x.is_empty())
            return !vm.has_pending();
        int c = bytes_byte_value(vm, x, "bytes must be in range(0, 256)");
        if (c < 0)
            return false;
        out->push_back(static_cast<char>(c));
    }
}

// bytes.__new__(cls, source=b'', encoding=None, errors=None) / bytearray.__init__-like.
static bool construct_data(VM& vm, const Args& rest, const char* fname, std::string* out) {
    static const char* const kNames[] = {"source", "encoding", "errors", nullptr};
    Value v[3];
    if (!text_parse(vm, rest, fname, kNames, 3, v))
        return false;
    if (!v[1].is_empty() || !v[2].is_empty()) {
        Str* enc = nullptr;
        Str* err = nullptr;
        for (int i = 1; i <= 2; ++i) {
            if (v[i].is_empty())
                continue;
            if (!is_str(v[i])) {
                vm.raise_format(vm.exc.TypeError, "%s() argument '%s' must be str, not %s", fname, kNames[i],
                                type_name(vm, v[i]).c_str());
                return false;
            }
            (i == 1 ? enc : err) = as_str(v[i]);
        }
        if (v[0].is_empty() || !is_str(v[0])) {
            vm.raise(vm.exc.TypeError, v[1].is_empty() ? "errors without a string argument"
                                                       : "encoding without a string argument");
            return false;
        }
        if (enc == nullptr) {
            vm.raise(vm.exc.TypeError, "string argument without an encoding");
            return false;
        }
        Value r = encode_text(vm, as_str(v[0]), enc, err);
        if (r.is_empty())
            return false;
        *out = as_bytes(r)->data;
        return true;
    }
    if (v[0].is_empty())
        return true;
    return bytes_from_object(vm, v[0], out);
}

static Value bytes_new(VM& vm, const Args& a) {
    if (a.npos < 1 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type) {
        return vm.raise(vm.exc.TypeError, "bytes.__new__(X): X is not a type object");
    }
    Type* cls = static_cast<Type*>(a[0].o);
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    // bytes(b) of an exact bytes returns it unchanged.
    if (cls == vm.types.bytes && rest.npos == 1 && rest.kwnames == nullptr && rest.pos[0].is_obj() &&
        rest.pos[0].o->type == vm.types.bytes) {
        return rest.pos[0];
    }
    std::string data;
    if (!construct_data(vm, rest, "bytes", &data))
        return Value::empty();
    return make_bytes(vm, cls, std::move(data));
}

static Value bytearray_new(VM& vm, const Args& a) {
    if (a.npos < 1 || !a[0].is_obj() || a[0].o->type->layout != Layout::Type) {
        return vm.raise(vm.exc.TypeError, "bytearray.__new__(X): X is not a type object");
    }
    return make_bytes(vm, static_cast<Type*>(a[0].o), std::string());
}

static Value bytearray_init(VM& vm, const Args& a) {
    if (a.npos < 1 || !is_bytes_like(a[0]))
        return vm.raise(vm.exc.TypeError, "bytearray.__init__ needs a bytearray");
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    std::string data;
    if (!construct_data(vm, rest, "bytearray", &data))
        return Value::empty();
    as_bytes(a[0])->data = std::move(data);
    return Value::none();
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

template <bool ByteArray> static Value bytes_fromhex(VM& vm, const Args& a) {
    // Registered as a plain function in the type dict: called as bytes.fromhex(s) or b.fromhex(s);
    // a bound call passes the instance first, which we skip.
    uint32_t first = (a.npos == 2 && is_bytes_like(a[0])) ? 1 : 0;
    if (a.npos - first != 1) {
        return vm.raise_format(vm.exc.TypeError, "fromhex() takes exactly one argument (%u given)",
                               a.npos - first);
    }
    Value s = a[first];
    if (!is_str(s)) {
        return vm.raise_format(vm.exc.TypeError, "fromhex() argument must be str, not %s",
                               type_name(vm, s).c_str());
    }
    std::string_view t = as_str(s)->view();
    std::string out;
    size_t i = 0;
    int64_t pos = 0; // in code points (the text is ASCII up to any error)
    while (i < t.size()) {
        if (unicode_isspace(static_cast<unsigned char>(t[i])) && static_cast<unsigned char>(t[i]) < 0x80) {
            ++i;
            ++pos;
            continue;
        }
        int hi = hex_digit(t[i]);
        int lo = i + 1 < t.size() ? hex_digit(t[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            return vm.raise_format(vm.exc.ValueError,
                                   "non-hexadecimal number found in fromhex() arg at position %lld",
                                   static_cast<long long>(hi < 0 ? pos : pos + 1));
        }
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        pos += 2;
    }
    return make_bytes(vm, ByteArray ? vm.types.bytearray : vm.types.bytes, std::move(out));
}

// ---- methods -----------------------------------------------------------------------------------

static const char* kind_name(VM& vm, const Args& a) {
    return a.npos > 0 && is_bytes_like(a[0]) && bytes_is_bytearray(vm, a[0]) ? "bytearray" : "bytes";
}

#define CHECK(style, name, min, max)                                                                         \
    if (!text_args(vm, a, a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::style,     \
                   kind_name(vm, a), name, min, max))                                                        \
    return Value::empty()
#define SELFV (as_bytes(a[0])->view())

// A bytes-like argument ("a bytes-like object is required, not 'str'").
static bool buf_arg(VM& vm, Value v, std::string_view* out) {
    if (!is_bytes_like(v)) {
        vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                        type_name(vm, v).c_str());
        return false;
    }
    *out = as_bytes(v)->view();
    return true;
}

static bool opt_slice(VM& vm, const Args& a, uint32_t i, int64_t* out) {
    if (a.npos <= i || a[i].is_none())
        return true;
    Value v = a[i];
    if (is_bigint(v)) {
        *out = int_sign(v) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        return true;
    }
    if (v.is_int() || v.is_bool() ||
        (v.is_obj() && !type_lookup(type_of(vm, v), vm.names.__index__).is_empty())) {
        return text_int_arg(vm, v, out);
    }
    vm.raise(vm.exc.TypeError, "slice indices must be integers or None or have an __index__ method");
    return false;
}

static void adjust(int64_t* start, int64_t* end, int64_t len) {
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

// (sub[, start[, end]]) where sub is an int or bytes-like.
static bool find_args(VM& vm, const Args& a, const char* name, std::string* sub, int64_t* start,
                      int64_t* end) {
    if (!text_args(vm, a, a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::Old,
                   kind_name(vm, a), name, 1, 3)) {
        return false;
    }
    Value s = a[1];
    if (is_bytes_like(s)) {
        *sub = as_bytes(s)->data;
    } else if (s.is_int() || s.is_bool() ||
               (s.is_obj() && !type_lookup(type_of(vm, s), vm.names.__index__).is_empty())) {
        int c = bytes_byte_value(vm, s, "byte must be in range(0, 256)");
        if (c < 0)
            return false;
        *sub = std::string(1, static_cast<char>(c));
    } else {
        vm.raise_format(vm.exc.TypeError, "argument should be integer or bytes-like object, not '%s'",
                        type_name(vm, s).c_str());
        return false;
    }
    *start = 0;
    *end = INT64_MAX;
    if (!opt_slice(vm, a, 2, start) || !opt_slice(vm, a, 3, end))
        return false;
    adjust(start, end, static_cast<int64_t>(as_bytes(a[0])->data.size()));
    return true;
}

template <bool Reverse, bool Raise> static Value b_find(VM& vm, const Args& a) {
    static constexpr const char* kName = Reverse ? (Raise ? "rindex" : "rfind") : (Raise ? "index" : "find");
    std::string sub;
    int64_t start, end;
    if (!find_args(vm, a, kName, &sub, &start, &end))
        return Value::empty();
    int64_t r = -1;
    if (end - start >= static_cast<int64_t>(sub.size())) {
        std::string_view w = SELFV.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
        size_t p = Reverse ? w.rfind(sub) : w.find(sub);
        if (p != std::string_view::npos)
            r = start + static_cast<int64_t>(p);
    }
    if (r < 0 && Raise)
        return vm.raise(vm.exc.ValueError, "subsection not found");
    return Value::integer(r);
}

static Value b_count(VM& vm, const Args& a) {
    std::string sub;
    int64_t start, end;
    if (!find_args(vm, a, "count", &sub, &start, &end))
        return Value::empty();
    if (end - start < static_cast<int64_t>(sub.size()))
        return Value::integer(0);
    if (sub.empty())
        return Value::integer(end - start + 1);
    std::string_view w = SELFV.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    int64_t n = 0;
    for (size_t p = w.find(sub); p != std::string_view::npos; p = w.find(sub, p + sub.size()))
        ++n;
    return Value::integer(n);
}

template <bool End> static Value b_startsend(VM& vm, const Args& a) {
    static constexpr const char* kName = End ? "endswith" : "startswith";
    CHECK(Old, kName, 1, 3);
    std::string_view d = SELFV;
    int64_t start = 0, end = INT64_MAX;
    if (!opt_slice(vm, a, 2, &start) || !opt_slice(vm, a, 3, &end))
        return Value::empty();
    adjust(&start, &end, static_cast<int64_t>(d.size()));
    auto match = [&](std::string_view p) {
        if (start > static_cast<int64_t>(d.size()) || end - start < static_cast<int64_t>(p.size()))
            return false;
        std::string_view w = d.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
        return End ? w.substr(w.size() - p.size()) == p : w.substr(0, p.size()) == p;
    };
    Value arg = a[1];
    if (arg.is_obj() && arg.o->type->layout == Layout::Tuple) {
        for (Value item : static_cast<Tuple*>(arg.o)->items) {
            if (!is_bytes_like(item)) {
                return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                                       type_name(vm, item).c_str());
            }
            if (match(as_bytes(item)->view()))
                return Value::boolean(true);
        }
        return Value::boolean(false);
    }
    if (!is_bytes_like(arg)) {
        return vm.raise_format(vm.exc.TypeError, "%s first arg must be bytes or a tuple of bytes, not %s",
                               kName, type_name(vm, arg).c_str());
    }
    return Value::boolean(match(as_bytes(arg)->view()));
}

static Value b_decode(VM& vm, const Args& a) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr},
                   a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::Old,
                   kind_name(vm, a), "decode", 0, 0)) {
        return Value::empty();
    }
    static const char* const kNames[] = {"encoding", "errors", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[2];
    if (!text_parse(vm, rest, "decode", kNames, 2, v))
        return Value::empty();
    Str* enc = nullptr;
    Str* err = nullptr;
    for (int i = 0; i < 2; ++i) {
        if (v[i].is_empty())
            continue;
        if (!is_str(v[i])) {
            return vm.raise_format(vm.exc.TypeError, "decode() argument '%s' must be str, not %s", kNames[i],
                                   type_name(vm, v[i]).c_str());
        }
        (i == 0 ? enc : err) = as_str(v[i]);
    }
    return decode_text(vm, SELFV, enc, err);
}

static Value b_hex(VM& vm, const Args& a) {
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr},
                   a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::Old,
                   kind_name(vm, a), "hex", 0, 0)) {
        return Value::empty();
    }
    static const char* const kNames[] = {"sep", "bytes_per_sep", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[2];
    if (!text_parse(vm, rest, "hex", kNames, 2, v))
        return Value::empty();
    std::string sep;
    if (!v[0].is_empty()) {
        if (is_str(v[0]))
            sep = as_str(v[0])->s;
        else if (is_bytes_like(v[0]))
            sep = as_bytes(v[0])->data;
        else
            return vm.raise_format(vm.exc.TypeError, "object of type '%s' has no len()",
                                   type_name(vm, v[0]).c_str());
        if (sep.size() != 1)
            return vm.raise(vm.exc.ValueError, "sep must be length 1.");
    }
    int64_t per = 1;
    if (!v[1].is_empty() && !text_int_arg(vm, v[1], &per))
        return Value::empty();
    std::string_view d = SELFV;
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    size_t n = d.size();
    size_t group = per == 0 ? n + 1 : static_cast<size_t>(per < 0 ? -per : per);
    for (size_t i = 0; i < n; ++i) {
        if (!sep.empty() && i > 0 && per != 0) {
            // Groups count from the right for positive bytes_per_sep, from the left for negative.
            bool boundary = per > 0 ? (n - i) % group == 0 : i % group == 0;
            if (boundary)
                out += sep;
        }
        unsigned char c = static_cast<unsigned char>(d[i]);
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    int64_t len = static_cast<int64_t>(out.size());
    return Value::object(new_str_owned(vm, std::move(out), len));
}

static Value b_join(VM& vm, const Args& a) {
    CHECK(One, "join", 1, 1);
    Value arg = a[1];
    List* items = nullptr;
    if (arg.is_obj() && arg.o->type->layout == Layout::List) {
        items = static_cast<List*>(arg.o);
    } else {
        items = list_from_iterable(vm, arg);
        if (items == nullptr) {
            vm.take_pending();
            return vm.raise(vm.exc.TypeError, "can only join an iterable");
        }
    }
    std::string out;
    std::string_view sep = SELFV;
    for (size_t i = 0; i < items->items.size(); ++i) {
        Value x = items->items[i];
        if (!is_bytes_like(x)) {
            return vm.raise_format(vm.exc.TypeError,
                                   "sequence item %zu: expected a bytes-like object, %s found", i,
                                   type_name(vm, x).c_str());
        }
        if (i > 0)
            out += sep;
        out += as_bytes(x)->data;
    }
    return bytes_like(vm, a[0], std::move(out));
}

static bool is_ascii_space(unsigned char c) {
    return c == ' ' || (c >= 9 && c <= 13);
}

template <bool Reverse> static Value b_split(VM& vm, const Args& a) {
    const char* name = Reverse ? "rsplit" : "split";
    if (!text_args(vm, Args{a.pos, a.npos > 0 ? 1u : 0u, nullptr, nullptr},
                   a.npos > 0 && is_bytes_like(a[0]) ? nullptr : vm.types.bytes, ArgStyle::Old,
                   kind_name(vm, a), name, 0, 0)) {
        return Value::empty();
    }
    static const char* const kNames[] = {"sep", "maxsplit", nullptr};
    Args rest = a;
    rest.pos = a.pos + 1;
    rest.npos = a.npos - 1;
    Value v[2];
    if (!text_parse(vm, rest, name, kNames, 2, v))
        return Value::empty();
    int64_t maxsplit = -1;
    if (!v[1].is_empty() && !text_int_arg(vm, v[1], &maxsplit))
        return Value::empty();
    if (maxsplit < 0)
        maxsplit = INT64_MAX;
    std::string_view d = SELFV;
    std::vector<std::string_view> parts;
    if (!v[0].is_empty() && !v[0].is_none()) {
        std::string_view sp;
        if (!buf_arg(vm, v[0], &sp))
            return Value::empty();
        if (sp.empty())
            return vm.raise(vm.exc.ValueError, "empty separator");
        if (!Reverse) {
            size_t pos = 0;
            while (maxsplit-- > 0) {
                size_t f = d.find(sp, pos);
                if (f == std::string_view::npos)
                    break;
                parts.push_back(d.substr(pos, f - pos));
                pos = f + sp.size();
            }
            parts.push_back(d.substr(pos));
        } else {
            size_t end = d.size();
            while (maxsplit-- > 0) {
                size_t f = d.substr(0, end).rfind(sp);
                if (f == std::string_view::npos)
                    break;
                parts.push_back(d.substr(f + sp.size(), end - f - sp.size()));
                end = f;
            }
            parts.push_back(d.substr(0, end));
        }
    } else if (!Reverse) {
        size_t i = 0, n = d.size();
        while (true) {
            while (i < n && is_ascii_space(static_cast<unsigned char>(d[i])))
                ++i;
            if (i >= n)
                break;
            if (maxsplit-- <= 0) {
                parts.push_back(d.substr(i));
                break;
            }
            size_t j = i;
            while (j < n && !is_ascii_space(static_cast<unsigned char>(d[j])))
                ++j;
            parts.push_back(d.substr(i, j - i));
            i = j;
        }
    } else {
        size_t e = d.size();
        while (true) {
            while (e > 0 && is_ascii_space(static_cast<unsigned char>(d[e - 1])))
                --e;
            if (e == 0)
                break;
            if (maxsplit-- <= 0) {
                parts.push_back(d.substr(0, e));
                break;
            }
            size_t b = e;
            while (b > 0 && !is_ascii_space(static_cast<unsigned char>(d[b - 1])))
                --b;
            parts.push_back(d.substr(b, e - b));
            e = b;
        }
    }
    List* out = new_list(vm, parts.size());
    if (Reverse) {
        for (size_t k = parts.size(); k-- > 0;)
            out->items.push_back(bytes_like(vm, a[0], std::string(parts[k])));
    } else {
        for (std::string_view p : parts)
            out->items.push_back(bytes_like(vm, a[0], std::string(p)));
    }
    return Value::object(out);
}

template <int Kind> // 0 strip, 1 lstrip, 2 rstrip
static Value b_strip(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"strip", "lstrip", "rstrip"};
    CHECK(Clinic, kNames[Kind], 0, 1);
    std::string_view d = SELFV, chars;
    bool ws = true;
    if (a.npos > 1 && !a[1].is_none()) {
        if (!buf_arg(vm, a[1], &chars))
            return Value::empty();
        ws = false;
    }
    auto strip_it = [&](char c) {
        return ws ? is_ascii_space(static_cast<unsigned char>(c)) : chars.find(c) != std::string_view::npos;
    };
    size_t b = 0, e = d.size();
    if (Kind != 2)
        while (b < e && strip_it(d[b]))
            ++b;
    if (Kind != 1)
        while (e > b && strip_it(d[e - 1]))
            --e;
    return bytes_like(vm, a[0], std::string(d.substr(b, e - b)));
}

static Value b_replace(VM& vm, const Args& a) {
    CHECK(Clinic, "replace", 2, 3);
    std::string_view old, rep, d = SELFV;
    if (!buf_arg(vm, a[1], &old) || !buf_arg(vm, a[2], &rep))
        return Value::empty();
    int64_t count = -1;
    if (a.npos > 3 && !text_int_arg(vm, a[3], &count))
        return Value::empty();
    if (count < 0)
        count = INT64_MAX;
    std::string out;
    int64_t done = 0;
    if (old.empty()) {
        for (size_t i = 0; i <= d.size(); ++i) {
            if (done < count) {
                out += rep;
                ++done;
            }
            if (i < d.size())
                out.push_back(d[i]);
        }
        return bytes_like(vm, a[0], std::move(out));
    }
    size_t pos = 0;
    while (done < count) {
        size_t f = d.find(old, pos);
        if (f == std::string_view::npos)
            break;
        out += d.substr(pos, f - pos);
        out += rep;
        pos = f + old.size();
        ++done;
    }
    out += d.substr(pos);
    return bytes_like(vm, a[0], std::move(out));
}

template <bool Reverse> static Value b_partition(VM& vm, const Args& a) {
    CHECK(One, Reverse ? "rpartition" : "partition", 1, 1);
    std::string_view sep, d = SELFV;
    if (!buf_arg(vm, a[1], &sep))
        return Value::empty();
    if (sep.empty())
        return vm.raise(vm.exc.ValueError, "empty separator");
    size_t p = Reverse ? d.rfind(sep) : d.find(sep);
    Tuple* t = new_tuple(vm, 3);
    if (p == std::string_view::npos) {
        t->items[0] = bytes_like(vm, a[0], Reverse ? std::string() : std::string(d));
        t->items[1] = bytes_like(vm, a[0], std::string());
        t->items[2] = bytes_like(vm, a[0], Reverse ? std::string(d) : std::string());
    } else {
        t->items[0] = bytes_like(vm, a[0], std::string(d.substr(0, p)));
        t->items[1] = bytes_like(vm, a[0], std::string(sep));
        t->items[2] = bytes_like(vm, a[0], std::string(d.substr(p + sep.size())));
    }
    return Value::object(t);
}

template <bool Suffix> static Value b_removefix(VM& vm, const Args& a) {
    CHECK(One, Suffix ? "removesuffix" : "removeprefix", 1, 1);
    std::string_view p, d = SELFV;
    if (!buf_arg(vm, a[1], &p))
        return Value::empty();
    if (!p.empty() && p.size() <= d.size() &&
        (Suffix ? d.substr(d.size() - p.size()) == p : d.substr(0, p.size()) == p)) {
        d = Suffix ? d.substr(0, d.size() - p.size()) : d.substr(p.size());
    }
    return bytes_like(vm, a[0], std::string(d));
}

template <int Kind> // 0 upper, 1 lower, 2 swapcase
static Value b_case(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"upper", "lower", "swapcase"};
    CHECK(NoArgs, kNames[Kind], 0, 0);
    std::string out(SELFV);
    for (char& c : out) {
        bool up = c >= 'A' && c <= 'Z', low = c >= 'a' && c <= 'z';
        if (low && Kind != 1)
            c = static_cast<char>(c - 32);
        else if (up && Kind != 0)
            c = static_cast<char>(c + 32);
    }
    return bytes_like(vm, a[0], std::move(out));
}

static bool c_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}
static bool c_alpha(unsigned char c) {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
static bool c_alnum(unsigned char c) {
    return c_digit(c) || c_alpha(c);
}
static bool c_space(unsigned char c) {
    return is_ascii_space(c);
}

template <bool (*Pred)(unsigned char)> static bool all_bytes(std::string_view d) {
    if (d.empty())
        return false;
    for (unsigned char c : d)
        if (!Pred(c))
            return false;
    return true;
}

#define BPRED(fname, pred)                                                                                   \
    static Value b_##fname(VM& vm, const Args& a) {                                                          \
        CHECK(NoArgs, #fname, 0, 0);                                                                         \
        return Value::boolean(all_bytes<pred>(SELFV));                                                       \
    }
BPRED(isdigit, c_digit)
BPRED(isalpha, c_alpha)
BPRED(isalnum, c_alnum)
BPRED(isspace, c_space)
#undef BPRED

template <bool Upper> static Value b_iscase(VM& vm, const Args& a) {
    CHECK(NoArgs, Upper ? "isupper" : "islower", 0, 0);
    bool cased = false;
    for (unsigned char c : SELFV) {
        bool up = c >= 'A' && c <= 'Z', low = c >= 'a' && c <= 'z';
        if (Upper ? low : up)
            return Value::boolean(false);
        if (Upper ? up : low)
            cased = true;
    }
    return Value::boolean(cased);
}

static Value b_isascii(VM& vm, const Args& a) {
    CHECK(NoArgs, "isascii", 0, 0);
    for (unsigned char c : SELFV)
        if (c >= 0x80)
            return Value::boolean(false);
    return Value::boolean(true);
}

// ---- dunders -----------------------------------------------------------------------------------

static Value b_add(VM& vm, const Args& a) {
    CHECK(Wrapper, "__add__", 1, 1);
    if (!is_bytes_like(a[1]) && reflected_first(vm, a[1], "__radd__"))
        return vm.not_implemented;
    return bytes_concat(vm, a[0], a[1]);
}

template <bool Reflected> static Value b_mul(VM& vm, const Args& a) {
    CHECK(Wrapper, Reflected ? "__rmul__" : "__mul__", 1, 1);
    if (!Reflected && reflected_first(vm, a[1], "__rmul__"))
        return vm.not_implemented;
    int64_t n;
    bool is_index;
    if (!str_index_arg(vm, a[1], &n, &is_index))
        return is_index ? Value::empty() : vm.not_implemented;
    return bytes_repeat(vm, a[0], n);
}

static Value b_mod(VM& vm, const Args& a) {
    CHECK(Wrapper, "__mod__", 1, 1);
    return percent_format(vm, a[0], a[1]);
}

static Value b_contains(VM& vm, const Args& a) {
    CHECK(Wrapper, "__contains__", 1, 1);
    int r = bytes_contains(vm, a[0], a[1]);
    return r < 0 ? Value::empty() : Value::boolean(r == 1);
}

static Value b_getitem(VM& vm, const Args& a) {
    CHECK(Wrapper, "__getitem__", 1, 1);
    return bytes_getitem(vm, a[0], a[1]);
}

static Value b_len(VM& vm, const Args& a) {
    CHECK(Wrapper, "__len__", 0, 0);
    return Value::integer(static_cast<int64_t>(SELFV.size()));
}

static Value b_iter(VM& vm, const Args& a) {
    CHECK(Wrapper, "__iter__", 0, 0);
    return bytes_iter(vm, a[0]);
}

static Value b_hash(VM& vm, const Args& a) {
    CHECK(Wrapper, "__hash__", 0, 0);
    if (bytes_is_bytearray(vm, a[0]))
        return vm.raise(vm.exc.TypeError, "unhashable type: 'bytearray'");
    return Value::integer(static_cast<int64_t>(bytes_hash(as_bytes(a[0]))));
}

static Value b_repr(VM& vm, const Args& a) {
    CHECK(Wrapper, "__repr__", 0, 0);
    return Value::object(bytes_repr(vm, a[0]));
}

template <CompareKind K> static Value b_richcmp(VM& vm, const Args& a) {
    static constexpr const char* kNames[] = {"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"};
    CHECK(Wrapper, kNames[static_cast<int>(K)], 1, 1);
    if (!is_bytes_like(a[1]))
        return vm.not_implemented;
    int c = bytes_cmp(as_bytes(a[0]), as_bytes(a[1]));
    switch (K) {
    case CompareKind::Eq:
        return Value::boolean(c == 0);
    case CompareKind::Ne:
        return Value::boolean(c != 0);
    case CompareKind::Lt:
        return Value::boolean(c < 0);
    case CompareKind::Le:
        return Value::boolean(c <= 0);
    case CompareKind::Gt:
        return Value::boolean(c > 0);
    case CompareKind::Ge:
        return Value::boolean(c >= 0);
    }
    return vm.not_implemented;
}

// ---- bytearray mutation --------------------------------------------------------------------------

static Value ba_append(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::One, "bytearray", "append", 1, 1))
        return Value::empty();
    int c = bytes_byte_value(vm, a[1], "byte must be in range(0, 256)");
    if (c < 0)
        return Value::empty();
    as_bytes(a[0])->data.push_back(static_cast<char>(c));
    return Value::none();
}

static Value ba_extend(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::One, "bytearray", "extend", 1, 1))
        return Value::empty();
    if (is_str(a[1]))
        return vm.raise(vm.exc.TypeError, "expected iterable of integers; got: 'str'");
    std::string data;
    if (a[1].is_int() || !bytes_from_object(vm, a[1], &data)) {
        if (a[1].is_int() || a[1].is_bool()) {
            if (vm.has_pending())
                vm.take_pending();
            return vm.raise_format(vm.exc.TypeError, "can't extend bytearray with %s",
                                   type_name(vm, a[1]).c_str());
        }
        return Value::empty();
    }
    as_bytes(a[0])->data += data;
    return Value::none();
}

static Value ba_iadd(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::Wrapper, "bytearray", "__iadd__", 1, 1))
        return Value::empty();
    if (!is_bytes_like(a[1])) {
        return vm.raise_format(vm.exc.TypeError, "can't concat %s to bytearray", type_name(vm, a[1]).c_str());
    }
    std::string tail = as_bytes(a[1])->data; // a[1] may be a[0]
    as_bytes(a[0])->data += tail;
    return a[0];
}

static Value ba_pop(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::Clinic, "bytearray", "pop", 0, 1))
        return Value::empty();
    std::string& d = as_bytes(a[0])->data;
    int64_t i = -1;
    if (a.npos > 1 && !text_int_arg(vm, a[1], &i))
        return Value::empty();
    if (d.empty())
        return vm.raise(vm.exc.IndexError, "pop from empty bytearray");
    if (i < 0)
        i += static_cast<int64_t>(d.size());
    if (i < 0 || i >= static_cast<int64_t>(d.size()))
        return vm.raise(vm.exc.IndexError, "pop index out of range");
    unsigned char c = static_cast<unsigned char>(d[static_cast<size_t>(i)]);
    d.erase(static_cast<size_t>(i), 1);
    return Value::integer(c);
}

static Value ba_clear(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::NoArgs, "bytearray", "clear", 0, 0))
        return Value::empty();
    as_bytes(a[0])->data.clear();
    return Value::none();
}

static Value ba_copy(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::NoArgs, "bytearray", "copy", 0, 0))
        return Value::empty();
    return new_bytearray(vm, as_bytes(a[0])->data);
}

static Value ba_setitem(VM& vm, const Args& a) {
    if (!text_args(vm, a, vm.types.bytearray, ArgStyle::Wrapper, "bytearray", "__setitem__", 2, 2)) {
        return Value::empty();
    }
    std::string& d = as_bytes(a[0])->data;
    int64_t i;
    bool is_index;
    if (str_index_arg(vm, a[1], &i, &is_index)) {
        if (i < 0)
            i += static_cast<int64_t>(d.size());
        if (i < 0 || i >= static_cast<int64_t>(d.size()))
            return vm.raise(vm.exc.IndexError, "bytearray index out of range");
        int c = bytes_byte_value(vm, a[2], "byte must be in range(0, 256)");
        if (c < 0)
            return Value::empty();
        d[static_cast<size_t>(i)] = static_cast<char>(c);
        return Value::none();
    }
    if (is_index)
        return Value::empty();
    if (a[1].is_obj() && a[1].o->type->layout == Layout::Slice) {
        int64_t start, stop, step, n;
        if (!slice_indices(vm, static_cast<Slice*>(a[1].o), static_cast<int64_t>(d.size()), &start, &stop,
                           &step, &n)) {
            return Value::empty();
        }
        std::string src;
        if (is_str(a[2]))
            return vm.raise(vm.exc.TypeError,
                            "can assign only bytes, buffers, or iterables of ints in range(0, 256)");
        if (!bytes_from_object(vm, a[2], &src))
            return Value::empty();
        if (step == 1) {
            if (stop < start)
                stop = start;
            d.replace(static_cast<size_t>(start), static_cast<size_t>(stop - start), src);
            return Value::none();
        }
        if (static_cast<int64_t>(src.size()) != n) {
            return vm.raise_format(vm.exc.ValueError,
                                   "attempt to assign bytes of size %zu to extended slice of size %lld",
                                   src.size(), static_cast<long long>(n));
        }
        for (int64_t k = 0; k < n; ++k)
            d[static_cast<size_t>(start + k * step)] = src[static_cast<size_t>(k)];
        return Value::none();
    }
    return vm.raise_format(vm.exc.TypeError, "bytearray indices must be integers or slices, not %s",
                           type_name(vm, a[1]).c_str());
}

#undef CHECK
#undef SELFV

static Obj* alloc_bytes(VM& vm, Type* type) {
    return vm.alloc<Bytes>(type);
}

void init_bytes(VM& vm) {
    Type* bt = vm.types.bytes;
    Type* ba = vm.types.bytearray;
    for (Type* t : {bt, ba}) {
        if (t == nullptr)
            continue;
        t->layout = Layout::Bytes;
        if (t->alloc_instance == nullptr)
            t->alloc_instance = alloc_bytes;
        def_method(vm, t, "__add__", b_add);
        def_method(vm, t, "__mul__", b_mul<false>);
        def_method(vm, t, "__rmul__", b_mul<true>);
        def_method(vm, t, "__mod__", b_mod);
        def_method(vm, t, "__contains__", b_contains);
        def_method(vm, t, "__getitem__", b_getitem);
        def_method(vm, t, "__len__", b_len);
        def_method(vm, t, "__iter__", b_iter);
        def_method(vm, t, "__repr__", b_repr);
        def_method(vm, t, "__eq__", b_richcmp<CompareKind::Eq>);
        def_method(vm, t, "__ne__", b_richcmp<CompareKind::Ne>);
        def_method(vm, t, "__lt__", b_richcmp<CompareKind::Lt>);
        def_method(vm, t, "__le__", b_richcmp<CompareKind::Le>);
        def_method(vm, t, "__gt__", b_richcmp<CompareKind::Gt>);
        def_method(vm, t, "__ge__", b_richcmp<CompareKind::Ge>);
        def_method(vm, t, "count", b_count);
        def_method(vm, t, "decode", b_decode);
        def_method(vm, t, "endswith", b_startsend<true>);
        def_method(vm, t, "find", b_find<false, false>);
        def_method(vm, t, "hex", b_hex);
        def_method(vm, t, "index", b_find<false, true>);
        def_method(vm, t, "isalnum", b_isalnum);
        def_method(vm, t, "isalpha", b_isalpha);
        def_method(vm, t, "isascii", b_isascii);
        def_method(vm, t, "isdigit", b_isdigit);
        def_method(vm, t, "islower", b_iscase<false>);
        def_method(vm, t, "isspace", b_isspace);
        def_method(vm, t, "isupper", b_iscase<true>);
        def_method(vm, t, "join", b_join);
        def_method(vm, t, "lower", b_case<1>);
        def_method(vm, t, "lstrip", b_strip<1>);
        def_method(vm, t, "partition", b_partition<false>);
        def_method(vm, t, "removeprefix", b_removefix<false>);
        def_method(vm, t, "removesuffix", b_removefix<true>);
        def_method(vm, t, "replace", b_replace);
        def_method(vm, t, "rfind", b_find<true, false>);
        def_method(vm, t, "rindex", b_find<true, true>);
        def_method(vm, t, "rpartition", b_partition<true>);
        def_method(vm, t, "rsplit", b_split<true>);
        def_method(vm, t, "rstrip", b_strip<2>);
        def_method(vm, t, "split", b_split<false>);
        def_method(vm, t, "startswith", b_startsend<false>);
        def_method(vm, t, "strip", b_strip<0>);
        def_method(vm, t, "swapcase", b_case<2>);
        def_method(vm, t, "upper", b_case<0>);
    }
    def_method(vm, bt, "__hash__", b_hash);
    def_method(vm, bt, "__new__", bytes_new)->is_method = false;
    def_method(vm, bt, "fromhex", bytes_fromhex<false>)->is_method = false;
    if (ba != nullptr) {
        def_method(vm, ba, "__new__", bytearray_new)->is_method = false;
        def_method(vm, ba, "__init__", bytearray_init);
        def_method(vm, ba, "fromhex", bytes_fromhex<true>)->is_method = false;
        def_method(vm, ba, "append", ba_append);
        def_method(vm, ba, "extend", ba_extend);
        def_method(vm, ba, "pop", ba_pop);
        def_method(vm, ba, "clear", ba_clear);
        def_method(vm, ba, "copy", ba_copy);
        def_method(vm, ba, "__setitem__", ba_setitem);
        def_method(vm, ba, "__iadd__", ba_iadd);
        // bytearray is mutable: unhashable (CPython sets __hash__ to None).
        dict_set_str(vm, ba->dict, vm.names.__hash__, Value::none());
    }
    init_bytes_methods(vm);

    vm.bytes_iterator_type =
        new_builtin_type(vm, "bytes_iterator", vm.types.object, Layout::Iterator, nullptr, 0);
    vm.bytearray_iterator_type =
        new_builtin_type(vm, "bytearray_iterator", vm.types.object, Layout::Iterator, nullptr, 0);
    for (Type* t : {vm.bytes_iterator_type, vm.bytearray_iterator_type}) {
        def_method(vm, t, "__iter__", bytes_iterator_iter);
        def_method(vm, t, "__next__", bytes_iterator_next_native);
    }
}

} // namespace asy::vm
