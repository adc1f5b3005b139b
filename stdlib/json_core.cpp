// `_json`: the encoder and decoder under json.asy. Output is byte-identical to CPython's json
// module (separators, indentation, escaping, float repr) and decode errors carry CPython's
// messages and character positions. Hand-written rather than RapidJSON/simdjson because both
// directions must follow CPython's exact rules (NaN/Infinity, big ints, error wording), which
// those libraries do not expose.
#include <cmath>
#include <string>
#include <vector>

#include "stdlib/registry.hpp"
#include "vm/objects/float.hpp"
#include "vm/objects/int.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

// ==== encoding ================================================================================

struct Encoder {
    Encoder(VM& vm, bool skipkeys, bool ensure_ascii, bool check_circular, bool allow_nan, bool sort_keys)
        : vm(vm), skipkeys(skipkeys), ensure_ascii(ensure_ascii), check_circular(check_circular),
          allow_nan(allow_nan), sort_keys(sort_keys) {}
    VM& vm;
    bool skipkeys, ensure_ascii, check_circular, allow_nan, sort_keys;
    std::string indent;        // empty with has_indent=false: compact
    bool has_indent = false;
    std::string item_sep, key_sep;
    Value default_fn;
    std::vector<Obj*> markers;  // containers being encoded (circular reference check)
    std::string out;

    void newline(int depth) {
        out += '\n';
        for (int i = 0; i < depth; ++i) out += indent;
    }

    void put_string(std::string_view s) {
        static const char kHex[] = "0123456789abcdef";
        out += '"';
        size_t i = 0;
        while (i < s.size()) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            switch (c) {
            case '"': out += "\\\""; ++i; continue;
            case '\\': out += "\\\\"; ++i; continue;
            case '\n': out += "\\n"; ++i; continue;
            case '\r': out += "\\r"; ++i; continue;
            case '\t': out += "\\t"; ++i; continue;
            case '\b': out += "\\b"; ++i; continue;
            case '\f': out += "\\f"; ++i; continue;
            default: break;
            }
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
                ++i;
                continue;
            }
            if (c < 0x80 || !ensure_ascii) {
                out += static_cast<char>(c);
                ++i;
                continue;
            }
            // Decode one UTF-8 sequence and write it as \uXXXX (a surrogate pair above U+FFFF).
            int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            uint32_t cp = c & (0x3F >> (len - 1));
            for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
            i += len;
            auto put_unit = [&](uint32_t u) {
                out += "\\u";
                for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(u >> shift) & 15];
            };
            if (cp > 0xFFFF) {
                cp -= 0x10000;
                put_unit(0xD800 | (cp >> 10));
                put_unit(0xDC00 | (cp & 0x3FF));
            } else {
                put_unit(cp);
            }
        }
        out += '"';
    }

    bool put_float(double d) {
        if (std::isnan(d) || std::isinf(d)) {
            if (!allow_nan) {
                vm.raise(vm.exc.ValueError, "Out of range float values are not JSON compliant");
                return false;
            }
            out += std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
            return true;
        }
        out += float_repr(d);
        return true;
    }

    bool enter(Obj* o) {
        if (!check_circular) return true;
        for (Obj* m : markers) {
            if (m == o) {
                vm.raise(vm.exc.ValueError, "Circular reference detected");
                return false;
            }
        }
        markers.push_back(o);
        return true;
    }
    void leave() { if (check_circular) markers.pop_back(); }

    // A dict key as JSON text (without quotes) or false to skip it / on error.
    bool key_text(Value key, std::string* text, bool* skip) {
        *skip = false;
        if (key.is_obj() && is_instance(vm, key, vm.types.str)) {
            *text = std::string(static_cast<Str*>(key.o)->view());
            return true;
        }
        if (key.is_float() || (key.is_obj() && is_instance(vm, key, vm.types.float_))) {
            double d;
            if (!to_double(vm, key, &d)) return false;
            std::string saved;
            saved.swap(out);
            bool ok = put_float(d);
            saved.swap(out);
            *text = saved;
            return ok;
        }
        if (key.is_bool()) { *text = key.as_bool() ? "true" : "false"; return true; }
        if (key.is_none()) { *text = "null"; return true; }
        if (is_int_like(vm, key)) { *text = int_to_decimal(key); return true; }
        if (skipkeys) { *skip = true; return true; }
        vm.raise_format(vm.exc.TypeError, "keys must be str, int, float, bool or None, not %s",
                        type_name(vm, key).c_str());
        return false;
    }

    bool encode(Value v, int depth) {
        if (v.is_none()) { out += "null"; return true; }
        if (v.is_bool()) { out += v.as_bool() ? "true" : "false"; return true; }
        if (v.is_int()) { out += std::to_string(v.as_int()); return true; }
        if (v.is_float()) return put_float(v.as_float());
        if (is_instance(vm, v, vm.types.str)) { put_string(static_cast<Str*>(v.o)->view()); return true; }
        if (is_int_like(vm, v)) { out += int_to_decimal(v); return true; }
        if (is_instance(vm, v, vm.types.float_)) {
            double d;
            return to_double(vm, v, &d) && put_float(d);
        }
        if (is_instance(vm, v, vm.types.list) || is_instance(vm, v, vm.types.tuple)) return encode_array(v, depth);
        if (is_instance(vm, v, vm.types.dict)) return encode_object(static_cast<Dict*>(v.o), depth);
        if (default_fn.is_empty() || default_fn.is_none()) {
            vm.raise_format(vm.exc.TypeError, "Object of type %s is not JSON serializable", type_name(vm, v).c_str());
            return false;
        }
        if (!enter(v.o)) return false;
        Value replacement = vm.call(default_fn, &v, 1);
        if (replacement.is_empty()) return false;
        bool ok = encode(replacement, depth);
        leave();
        return ok;
    }

    bool encode_array(Value v, int depth) {
        const std::vector<Value>& items = is_instance(vm, v, vm.types.list)
                                              ? static_cast<List*>(v.o)->items
                                              : static_cast<Tuple*>(v.o)->items;
        if (items.empty()) { out += "[]"; return true; }
        if (!enter(v.o)) return false;
        out += '[';
        // Index loop: a `default` callback may mutate the list while we encode it.
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0) out += item_sep;
            if (has_indent) newline(depth + 1);
            if (!encode(items[i], depth + 1)) return false;
        }
        if (has_indent) newline(depth);
        out += ']';
        leave();
        return true;
    }

    bool encode_object(Dict* d, int depth) {
        if (d->used == 0) { out += "{}"; return true; }
        if (!enter(d)) return false;
        // Snapshot the items (keeps them alive and ordered even if callbacks mutate the dict).
        List* items = new_list(vm, d->used);
        for (const auto& e : d->entries) {
            if (e.key.is_empty()) continue;
            Value pair[] = {e.key, e.value};
            items->items.push_back(Value::object(new_tuple(vm, pair, 2)));
        }
        if (sort_keys && !list_sort(vm, items, Value::empty(), false)) return false;
        out += '{';
        bool first = true;
        for (size_t i = 0; i < items->items.size(); ++i) {
            Tuple* kv = static_cast<Tuple*>(items->items[i].o);
            std::string key;
            bool skip;
            if (!key_text(kv->items[0], &key, &skip)) return false;
            if (skip) continue;
            if (!first) out += item_sep;
            first = false;
            if (has_indent) newline(depth + 1);
            put_string(key);
            out += key_sep;
            if (!encode(kv->items[1], depth + 1)) return false;
        }
        if (has_indent) newline(depth);
        out += '}';
        leave();
        return true;
    }
};

// dumps(obj, skipkeys, ensure_ascii, check_circular, allow_nan, indent, separators, default, sort_keys)
Value json_dumps(VM& vm, const Args& a) {
    if (!check_args(vm, a, "dumps", 9, 9)) return Value::empty();
    int flags[4];
    for (int i = 0; i < 4; ++i) {
        flags[i] = truthy(vm, a.pos[1 + i]);
        if (flags[i] < 0) return Value::empty();
    }
    int sort_keys = truthy(vm, a.pos[8]);
    if (sort_keys < 0) return Value::empty();
    Encoder enc{vm, flags[0] == 1, flags[1] == 1, flags[2] == 1, flags[3] == 1, sort_keys == 1};
    Value indent = a.pos[5];
    if (!indent.is_none()) {
        enc.has_indent = true;
        if (indent.is_obj() && is_instance(vm, indent, vm.types.str)) {
            enc.indent = std::string(static_cast<Str*>(indent.o)->view());
        } else {
            int64_t n;
            if (!to_int64(vm, indent, &n)) return Value::empty();
            enc.indent.assign(n > 0 ? static_cast<size_t>(n) : 0, ' ');
        }
    }
    enc.item_sep = enc.has_indent ? "," : ", ";
    enc.key_sep = ": ";
    Value seps = a.pos[6];
    if (!seps.is_none()) {
        Value it = get_iter(vm, seps);
        if (it.is_empty()) return it;
        Value parts[2];
        for (int i = 0; i < 2; ++i) {
            parts[i] = iter_next(vm, it);
            if (parts[i].is_empty() || !is_instance(vm, parts[i], vm.types.str)) {
                if (!vm.has_pending()) vm.raise(vm.exc.ValueError, "separators must be a (item_separator, key_separator) pair of str");
                return Value::empty();
            }
        }
        enc.item_sep = std::string(static_cast<Str*>(parts[0].o)->view());
        enc.key_sep = std::string(static_cast<Str*>(parts[1].o)->view());
    }
    enc.default_fn = a.pos[7];
    if (!enc.encode(a.pos[0], 0)) return Value::empty();
    return str_value(vm, enc.out);
}

// ==== decoding ================================================================================

struct Decoder {
    VM& vm;
    std::string_view s;
    Value object_hook, parse_float, parse_int, parse_constant, object_pairs_hook;
    Value error_class;
    Value doc;   // the original str, for JSONDecodeError.doc
    int depth = 0;

    // JSONDecodeError(msg, doc, pos) with pos in characters, as CPython counts.
    Value fail(const char* msg, size_t byte_pos) {
        int64_t chars = utf8_length(s.substr(0, byte_pos));
        Value args[] = {str_value(vm, msg), doc, Value::integer(chars)};
        Value exc = vm.call(error_class, args, 3);
        if (exc.is_empty()) return exc;
        return vm.raise_value(exc);
    }

    void skip_ws(size_t& i) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    }

    bool starts(size_t i, std::string_view word) { return s.substr(i, word.size()) == word; }

    Value constant(const char* name, double value) {
        if (!parse_constant.is_none()) {
            Value arg = str_value(vm, name);
            return vm.call(parse_constant, &arg, 1);
        }
        return Value::real(value);
    }

    Value value(size_t& i) {
        if (i >= s.size()) return fail("Expecting value", i);
        char c = s[i];
        if (c == '"') return string(i);
        if (c == '{') return object(i);
        if (c == '[') return array(i);
        if (c == 'n' && starts(i, "null")) { i += 4; return Value::none(); }
        if (c == 't' && starts(i, "true")) { i += 4; return Value::boolean(true); }
        if (c == 'f' && starts(i, "false")) { i += 5; return Value::boolean(false); }
        if (c == 'N' && starts(i, "NaN")) { i += 3; return constant("NaN", NAN); }
        if (c == 'I' && starts(i, "Infinity")) { i += 8; return constant("Infinity", INFINITY); }
        if (c == '-' && starts(i, "-Infinity")) { i += 9; return constant("-Infinity", -INFINITY); }
        if (c == '-' || (c >= '0' && c <= '9')) return number(i);
        return fail("Expecting value", i);
    }

    Value number(size_t& i) {
        size_t start = i;
        if (s[i] == '-') ++i;
        if (i >= s.size() || !(s[i] >= '0' && s[i] <= '9')) return fail("Expecting value", start);
        if (s[i] == '0') {
            ++i;
        } else {
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        }
        bool is_float = false;
        if (i + 1 < s.size() && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
            is_float = true;
            i += 2;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        }
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
            size_t j = i + 1;
            if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
            if (j < s.size() && s[j] >= '0' && s[j] <= '9') {
                while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
                is_float = true;
                i = j;
            }
        }
        std::string_view text = s.substr(start, i - start);
        Value hook = is_float ? parse_float : parse_int;
        if (!hook.is_none()) {
            Value arg = str_value(vm, text);
            return vm.call(hook, &arg, 1);
        }
        if (is_float) {
            double d;
            parse_float_text(text, &d);
            return Value::real(d);
        }
        return int_from_decimal(vm, text);
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    bool read_u4(size_t at, uint32_t* out) {
        if (at + 4 > s.size()) return false;
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            int h = hex_value(s[at + k]);
            if (h < 0) return false;
            v = (v << 4) | static_cast<uint32_t>(h);
        }
        *out = v;
        return true;
    }

    static void put_utf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // Parses a string starting at the opening quote; leaves i after the closing quote.
    bool string_text(size_t& i, std::string* out) {
        size_t begin = i;
        ++i;
        while (true) {
            if (i >= s.size()) { fail("Unterminated string starting at", begin); return false; }
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == '"') { ++i; return true; }
            if (c < 0x20) { fail("Invalid control character at", i); return false; }
            if (c != '\\') { *out += static_cast<char>(c); ++i; continue; }
            if (i + 1 >= s.size()) { fail("Unterminated string starting at", begin); return false; }
            char e = s[i + 1];
            switch (e) {
            case '"': *out += '"'; break;
            case '\\': *out += '\\'; break;
            case '/': *out += '/'; break;
            case 'b': *out += '\b'; break;
            case 'f': *out += '\f'; break;
            case 'n': *out += '\n'; break;
            case 'r': *out += '\r'; break;
            case 't': *out += '\t'; break;
            case 'u': {
                uint32_t cp;
                if (!read_u4(i + 2, &cp)) { fail("Invalid \\uXXXX escape", i + 1); return false; }
                i += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u') {
                    uint32_t low;
                    if (!read_u4(i + 2, &low)) { fail("Invalid \\uXXXX escape", i + 1); return false; }
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        i += 6;
                    }
                }
                put_utf8(*out, cp);
                continue;
            }
            default: fail("Invalid \\escape", i); return false;
            }
            i += 2;
        }
    }

    Value string(size_t& i) {
        std::string text;
        if (!string_text(i, &text)) return Value::empty();
        return str_value(vm, text);
    }

    bool enter_nested(size_t i) {
        if (++depth > 1000) {
            vm.raise(vm.exc.RecursionError, "maximum recursion depth exceeded while decoding a JSON document");
            return false;
        }
        return true;
    }

    Value array(size_t& i) {
        if (!enter_nested(i)) return Value::empty();
        ++i;
        List* list = new_list(vm);
        skip_ws(i);
        if (i < s.size() && s[i] == ']') { ++i; --depth; return Value::object(list); }
        while (true) {
            skip_ws(i);
            Value v = value(i);
            if (v.is_empty()) return v;
            list->items.push_back(v);
            skip_ws(i);
            if (i < s.size() && s[i] == ']') { ++i; break; }
            if (i >= s.size() || s[i] != ',') return fail("Expecting ',' delimiter", i);
            ++i;
        }
        --depth;
        return Value::object(list);
    }

    Value object(size_t& i) {
        if (!enter_nested(i)) return Value::empty();
        ++i;
        List* pairs = new_list(vm);
        skip_ws(i);
        if (i < s.size() && s[i] == '}') {
            ++i;
        } else {
            while (true) {
                skip_ws(i);
                if (i >= s.size() || s[i] != '"') return fail("Expecting property name enclosed in double quotes", i);
                std::string key;
                if (!string_text(i, &key)) return Value::empty();
                skip_ws(i);
                if (i >= s.size() || s[i] != ':') return fail("Expecting ':' delimiter", i);
                ++i;
                skip_ws(i);
                Value v = value(i);
                if (v.is_empty()) return v;
                Value pair[] = {str_value(vm, key), v};
                pairs->items.push_back(Value::object(new_tuple(vm, pair, 2)));
                skip_ws(i);
                if (i < s.size() && s[i] == '}') { ++i; break; }
                if (i >= s.size() || s[i] != ',') return fail("Expecting ',' delimiter", i);
                ++i;
                skip_ws(i);
                if (i >= s.size() || s[i] != '"') return fail("Expecting property name enclosed in double quotes", i);
            }
        }
        --depth;
        if (!object_pairs_hook.is_none()) {
            Value arg = Value::object(pairs);
            return vm.call(object_pairs_hook, &arg, 1);
        }
        Dict* d = new_dict(vm);
        for (const Value& p : pairs->items) {
            Tuple* kv = static_cast<Tuple*>(p.o);
            if (!dict_set(vm, d, kv->items[0], kv->items[1])) return Value::empty();
        }
        if (!object_hook.is_none()) {
            Value arg = Value::object(d);
            return vm.call(object_hook, &arg, 1);
        }
        return Value::object(d);
    }
};

// loads(s, object_hook, parse_float, parse_int, parse_constant, object_pairs_hook)
Value json_loads(VM& vm, const Args& a) {
    if (!check_args(vm, a, "loads", 6, 6)) return Value::empty();
    if (!is_instance(vm, a.pos[0], vm.types.str)) return vm.raise(vm.exc.TypeError, "loads() expects a str");
    // JSONDecodeError is defined in json.asy; without it (json not imported) use ValueError.
    Value json_mod = dict_get_str(vm.modules, vm.intern("json"));
    Value error_class = json_mod.is_empty() ? Value::object(vm.exc.ValueError)
                                      : get_attr(vm, json_mod, vm.intern("JSONDecodeError"));
    if (error_class.is_empty()) return error_class;
    Decoder dec{vm, static_cast<Str*>(a.pos[0].o)->view(), a.pos[1], a.pos[2], a.pos[3], a.pos[4], a.pos[5],
                error_class, a.pos[0]};
    size_t i = 0;
    dec.skip_ws(i);
    Value v = dec.value(i);
    if (v.is_empty()) return v;
    dec.skip_ws(i);
    if (i != dec.s.size()) return dec.fail("Extra data", i);
    return v;
}

}  // namespace

bool init_json_core_module(VM& vm, Module* m) {
    def_function(vm, m->dict, "dumps", json_dumps);
    def_function(vm, m->dict, "loads", json_loads);
    return true;
}

}  // namespace asy::stdlib
