// The value protocol: hashing (CPython's numeric hash so equal numbers hash equal), len(),
// repr()/str()/ascii(), format(), type names for messages, and the iteration protocol.
#include <cmath>
#include <cstdint>

#include "vm/objects/int.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm {

namespace {
constexpr uint64_t kHashBits = 61;
constexpr uint64_t kHashModulus = (uint64_t(1) << kHashBits) - 1;
constexpr uint64_t kHashInf = 314159;
}  // namespace

uint64_t hash_int64(int64_t i) {
    bool neg = i < 0;
    uint64_t m = neg ? uint64_t(0) - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    uint64_t h = m % kHashModulus;
    int64_t r = neg ? -static_cast<int64_t>(h) : static_cast<int64_t>(h);
    if (r == -1) r = -2;
    return static_cast<uint64_t>(r);
}

uint64_t hash_double(double v) {
    if (!std::isfinite(v)) {
        if (std::isinf(v)) return v > 0 ? kHashInf : static_cast<uint64_t>(-static_cast<int64_t>(kHashInf));
        return 0;
    }
    int e;
    double m = std::frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & kHashModulus) | x >> (kHashBits - 28);
        m *= 268435456.0;
        e -= 28;
        uint64_t y = static_cast<uint64_t>(m);
        m -= static_cast<double>(y);
        x += y;
        if (x >= kHashModulus) x -= kHashModulus;
    }
    e = e >= 0 ? e % static_cast<int>(kHashBits) : static_cast<int>(kHashBits) - 1 - ((-1 - e) % static_cast<int>(kHashBits));
    x = ((x << e) & kHashModulus) | x >> (kHashBits - e);
    int64_t r = static_cast<int64_t>(x) * sign;
    if (r == -1) r = -2;
    return static_cast<uint64_t>(r);
}

uint64_t hash_pointer(const void* p) {
    // CPython's _Py_HashPointer: rotate by 4 so the alignment zeros do not cluster buckets.
    uint64_t y = reinterpret_cast<uintptr_t>(p);
    y = (y >> 4) | (y << 60);
    if (y == ~uint64_t(0)) y = ~uint64_t(1);
    return y;
}

bool hash_value(VM& vm, Value v, uint64_t* out) {
    switch (v.tag) {
    case Tag::None: *out = 0xFCA86420u; return true;
    case Tag::Bool: *out = v.b ? 1 : 0; return true;
    case Tag::Int: *out = hash_int64(v.i); return true;
    case Tag::Float: *out = hash_double(v.f); return true;
    case Tag::Empty: *out = 0; return true;
    case Tag::Obj: break;
    }
    Type* t = v.o->type;
    if (t == vm.types.str) {
        *out = str_hash(static_cast<Str*>(v.o));
        return true;
    }
    if (t == vm.types.int_) {
        *out = int_hash(v);
        return true;
    }
    if (t == vm.types.tuple) return tuple_hash(vm, static_cast<Tuple*>(v.o), out);
    if (t == vm.types.type || t == vm.types.function || t == vm.types.native_function) {
        *out = hash_pointer(v.o);
        return true;
    }
    Value f = type_lookup(t, vm.names.__hash__);
    if (f.is_empty() || f.is_none()) {
        vm.raise_format(vm.exc.TypeError, "unhashable type: '%s'", type_name(vm, v).c_str());
        return false;
    }
    if (f.is_obj() && f.identical(dict_get_str(vm.types.object->dict, vm.names.__hash__))) {
        *out = hash_pointer(v.o);
        return true;
    }
    Value r = call_descriptor(vm, f, v, nullptr, 0);
    if (r.is_empty()) return false;
    if (r.is_int()) {
        *out = r.i == -1 ? static_cast<uint64_t>(-2) : static_cast<uint64_t>(r.i);
        return true;
    }
    if (r.is_bool()) {
        *out = r.b;
        return true;
    }
    if (is_int_like(vm, r)) {
        Value plain;
        if (!int_unwrap(r, &plain)) plain = r;
        *out = plain.is_int() ? hash_int64(plain.i) : int_hash(plain);
        return true;
    }
    vm.raise(vm.exc.TypeError, "__hash__ method should return an integer");
    return false;
}

int64_t length(VM& vm, Value v) {
    if (v.is_obj()) {
        Type* t = v.o->type;
        if (t == vm.types.str) return static_cast<Str*>(v.o)->length;
        if (t == vm.types.list) return static_cast<int64_t>(static_cast<List*>(v.o)->items.size());
        if (t == vm.types.tuple) return static_cast<int64_t>(static_cast<Tuple*>(v.o)->items.size());
        if (t == vm.types.dict) return static_cast<int64_t>(static_cast<Dict*>(v.o)->used);
        if (t == vm.types.set || t == vm.types.frozenset) return static_cast<int64_t>(static_cast<Set*>(v.o)->used);
        Value f = type_lookup(t, vm.names.__len__);
        if (!f.is_empty() && !f.is_none()) {
            Value r;
            auto* nf = f.is_obj() && f.o->type == vm.types.native_function ? static_cast<NativeFunction*>(f.o) : nullptr;
            if (nf != nullptr && nf->is_method && nf->self.is_empty()) {
                // A native __len__ (collections.deque, views, ...) is called directly: len(d) and
                // `while d:` skip the generic call machinery.
                r = nf->fn(vm, Args{&v, 1, nullptr, nullptr});
                if (r.is_int() && r.i >= 0) return r.i;
            } else {
                r = call_descriptor(vm, f, v, nullptr, 0);
            }
            if (r.is_empty()) return -1;
            if (r.is_bool()) return r.b;
            if (!is_int_like(vm, r)) {
                vm.raise_format(vm.exc.TypeError, "'%s' object cannot be interpreted as an integer",
                                type_name(vm, r).c_str());
                return -1;
            }
            Value plain;
            if (!int_unwrap(r, &plain)) plain = r;
            if (!plain.is_int()) {
                if (int_sign(plain) < 0) {
                    vm.raise(vm.exc.ValueError, "__len__() should return >= 0");
                    return -1;
                }
                vm.raise(vm.exc.OverflowError, "cannot fit 'int' into an index-sized integer");
                return -1;
            }
            if (plain.i < 0) {
                vm.raise(vm.exc.ValueError, "__len__() should return >= 0");
                return -1;
            }
            return plain.i;
        }
    }
    vm.raise_format(vm.exc.TypeError, "object of type '%s' has no len()", type_name(vm, v).c_str());
    return -1;
}

std::string type_name(VM& vm, Value v) {
    Type* t = type_of(vm, v);
    return t->name ? t->name->s : "?";
}

// ---- text -------------------------------------------------------------------------------------

static Str* text_result(VM& vm, Value r, const char* what) {
    if (r.is_empty()) return nullptr;
    if (!is_str_value(r)) {
        vm.raise_format(vm.exc.TypeError, "%s returned non-string (type %s)", what, type_name(vm, r).c_str());
        return nullptr;
    }
    return static_cast<Str*>(r.o);
}

Str* repr(VM& vm, Value v) {
    switch (v.tag) {
    case Tag::None: return vm.intern("None");
    case Tag::Bool: return vm.intern(v.b ? "True" : "False");
    case Tag::Int: return new_str(vm, std::to_string(v.i));
    case Tag::Float: return new_str(vm, float_repr(v.f));
    case Tag::Empty: return vm.intern("<NULL>");
    case Tag::Obj: break;
    }
    Type* t = v.o->type;
    if (t == vm.types.str) return str_repr(vm, static_cast<Str*>(v.o));
    if (t == vm.types.int_) return int_repr(vm, v);
    if (vm.call_depth > vm.options.recursion_limit + 50) {
        vm.raise(vm.exc.RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
        return nullptr;
    }
    Value f = type_lookup(t, vm.names.__repr__);
    if (f.is_empty()) return vm.intern("<?>");
    return text_result(vm, call_descriptor(vm, f, v, nullptr, 0), "__repr__");
}

Str* to_str(VM& vm, Value v) {
    if (v.is_obj()) {
        Type* t = v.o->type;
        if (t == vm.types.str) return static_cast<Str*>(v.o);
        Value f = type_lookup(t, vm.names.__str__);
        if (!f.is_empty() && !(f.is_obj() && f.identical(dict_get_str(vm.types.object->dict, vm.names.__str__))))
            return text_result(vm, call_descriptor(vm, f, v, nullptr, 0), "__str__");
    }
    return repr(vm, v);
}

Str* ascii_repr(VM& vm, Value v) {
    Str* r = repr(vm, v);
    if (!r || r->ascii) return r;
    std::string out;
    const std::string& s = r->s;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        int len;
        uint32_t cp = utf8_decode(s.data() + i, &len);
        i += static_cast<size_t>(len);
        char buf[16];
        if (cp <= 0xff) std::snprintf(buf, sizeof buf, "\\x%02x", cp);
        else if (cp <= 0xffff) std::snprintf(buf, sizeof buf, "\\u%04x", cp);
        else std::snprintf(buf, sizeof buf, "\\U%08x", cp);
        out += buf;
    }
    return new_str(vm, out);
}

Value format(VM& vm, Value v, Str* spec) {
    if (spec == nullptr) spec = vm.intern("");
    if (spec->s.empty()) {
        if (v.is_obj() && v.o->type == vm.types.str) return v;
        if (v.is_int() || v.is_float()) {
            Str* s = repr(vm, v);
            return s ? Value::object(s) : Value::empty();
        }
    }
    Value f = lookup_special(vm, v, vm.names.__format__);
    if (f.is_empty())
        return vm.raise_format(vm.exc.TypeError, "Type %s doesn't define __format__", type_name(vm, v).c_str());
    Value arg = Value::object(spec);
    Value r = call_descriptor(vm, f, v, &arg, 1);
    if (r.is_empty()) return r;
    if (!is_str_value(r))
        return vm.raise_format(vm.exc.TypeError, "__format__ must return a str, not %s", type_name(vm, r).c_str());
    return r;
}

// ---- iteration --------------------------------------------------------------------------------

Value get_iter(VM& vm, Value iterable) {
    Type* t = type_of(vm, iterable);
    Value f = type_lookup(t, vm.names.__iter__);
    if (!f.is_empty() && !f.is_none()) {
        Value it = call_descriptor(vm, f, iterable, nullptr, 0);
        if (it.is_empty()) return it;
        Value nx = lookup_special(vm, it, vm.names.__next__);
        if (nx.is_empty() || nx.is_none())
            return vm.raise_format(vm.exc.TypeError, "iter() returned non-iterator of type '%s'", type_name(vm, it).c_str());
        return it;
    }
    if (f.is_empty()) {
        Value g = type_lookup(t, vm.names.__getitem__);
        if (!g.is_empty() && !g.is_none() && !is_type_obj(iterable)) return new_seq_iterator(vm, iterable);
    }
    return vm.raise_format(vm.exc.TypeError, "'%s' object is not iterable", type_name(vm, iterable).c_str());
}

Value iter_next(VM& vm, Value iterator) {
    Value f = lookup_special(vm, iterator, vm.names.__next__);
    if (f.is_empty() || f.is_none())
        return vm.raise_format(vm.exc.TypeError, "'%s' object is not an iterator", type_name(vm, iterator).c_str());
    Value r = call_descriptor(vm, f, iterator, nullptr, 0);
    if (r.is_empty() && vm.has_pending() && is_instance(vm, vm.pending, vm.exc.StopIteration)) vm.take_pending();
    return r;
}

}  // namespace asy::vm
