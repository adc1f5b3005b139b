// `_re`: compiled RE2 programs for re.asy. Python's syntax is translated to RE2's in re.asy;
// this file compiles the result and runs searches, returning group spans as code-point indices
// (str) or byte offsets (bytes). RE2 (Debian libre2) rather than a hand-written engine: linear
// time whatever the pattern, so no input can make a match hang (see docs/dependencies.md).
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "stdlib/registry.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/containers.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/type_internal.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

struct RegexObj : Obj {
    std::unique_ptr<re2::RE2> re;
    bool is_bytes = false;
};

Obj* alloc_regex(VM& vm, Type* type) { return vm.alloc<RegexObj>(type); }

// The type is recognised by its allocator, so no per-VM state is needed to find it.
RegexObj* regex_arg(VM& vm, Value v) {
    if (v.is_obj() && v.o->type->alloc_instance == alloc_regex) return static_cast<RegexObj*>(v.o);
    vm.raise(vm.exc.TypeError, "expected a compiled _re program");
    return nullptr;
}

// Byte offset of code point `cp` in UTF-8 text, walking from (cp0, byte0).
size_t advance_cp(std::string_view text, size_t byte0, int64_t cp0, int64_t cp) {
    size_t i = byte0;
    for (int64_t n = cp0; n < cp && i < text.size(); ++n) {
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
}

int64_t count_cp(std::string_view text, size_t from, size_t to) {
    int64_t n = 0;
    for (size_t i = from; i < to; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
    return n;
}

// Program(translated_pattern, ignorecase, is_bytes): ValueError(RE2's message) when RE2
// rejects the pattern (re.asy turns that into re.error).
Value program_new(VM& vm, const Args& a) {
    if (!check_args(vm, a, "Program", 4, 4)) return Value::empty();
    if (!is_type_obj(a.pos[0])) return vm.raise(vm.exc.TypeError, "Program.__new__(X): X is not a type");
    int icase = truthy(vm, a.pos[2]);
    int is_bytes = truthy(vm, a.pos[3]);
    if (icase < 0 || is_bytes < 0) return Value::empty();
    std::string_view pattern;
    if (is_str_value(a.pos[1])) pattern = static_cast<Str*>(a.pos[1].o)->view();
    else if (a.pos[1].is_obj() && a.pos[1].o->type->layout == Layout::Bytes) pattern = static_cast<Bytes*>(a.pos[1].o)->view();
    else return vm.raise(vm.exc.TypeError, "Program() pattern must be str or bytes");
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_case_sensitive(!icase);
    opts.set_encoding(is_bytes ? re2::RE2::Options::EncodingLatin1 : re2::RE2::Options::EncodingUTF8);
    auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
    if (!re->ok()) return vm.raise(vm.exc.ValueError, re->error().c_str());
    auto* obj = vm.alloc<RegexObj>(as_type(a.pos[0]));
    obj->re = std::move(re);
    obj->is_bytes = is_bytes;
    return Value::object(obj);
}

// groups() -> number of capturing groups; groupindex() -> {name: number}.
Value program_groups(VM& vm, const Args& a) {
    RegexObj* r = a.npos == 1 ? regex_arg(vm, a.pos[0]) : nullptr;
    if (!r) return vm.has_pending() ? Value::empty() : vm.raise(vm.exc.TypeError, "groups() takes no arguments");
    return Value::integer(r->re->NumberOfCapturingGroups());
}

Value program_groupindex(VM& vm, const Args& a) {
    RegexObj* r = a.npos == 1 ? regex_arg(vm, a.pos[0]) : nullptr;
    if (!r) return vm.has_pending() ? Value::empty() : vm.raise(vm.exc.TypeError, "groupindex() takes no arguments");
    Dict* d = new_dict(vm);
    for (const auto& [name, index] : r->re->NamedCapturingGroups()) {
        dict_set_str(vm, d, new_str(vm, name), Value::integer(index));
    }
    return Value::object(d);
}

// search(subject, pos, endpos, anchor) -> None or a list [start0, end0, start1, end1, ...]
// (-1 for groups that did not take part). anchor: 0 none, 1 at pos (match), 2 both ends
// (fullmatch). pos/endpos are already clamped to the subject by re.asy.
Value program_search(VM& vm, const Args& a) {
    if (!check_args(vm, a, "search", 5, 5)) return Value::empty();
    RegexObj* r = regex_arg(vm, a.pos[0]);
    if (!r) return Value::empty();
    std::string_view text;
    bool str_subject = is_str_value(a.pos[1]);
    bool ascii = false;
    if (str_subject) {
        auto* s = static_cast<Str*>(a.pos[1].o);
        text = s->view();
        ascii = s->ascii;
    } else if (a.pos[1].is_obj() && (a.pos[1].o->type->layout == Layout::Bytes)) {
        text = static_cast<Bytes*>(a.pos[1].o)->view();
        ascii = true;
    } else {
        return vm.raise(vm.exc.TypeError, "expected string or bytes-like object");
    }
    int64_t pos = 0, endpos = 0, anchor = 0;
    if (!to_int64(vm, a.pos[2], &pos) || !to_int64(vm, a.pos[3], &endpos) || !to_int64(vm, a.pos[4], &anchor))
        return Value::empty();
    size_t bpos = ascii ? static_cast<size_t>(pos) : advance_cp(text, 0, 0, pos);
    size_t bend = ascii ? static_cast<size_t>(endpos) : advance_cp(text, bpos, pos, endpos);
    int ngroups = r->re->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(ngroups);
    re2::RE2::Anchor how = anchor == 2 ? re2::RE2::ANCHOR_BOTH : anchor == 1 ? re2::RE2::ANCHOR_START : re2::RE2::UNANCHORED;
    // RE2 sees text[0:bend] so `$` and `\z` match at endpos, as Python's endpos promises.
    re2::StringPiece subject(text.data(), bend);
    if (!r->re->Match(subject, bpos, bend, how, groups.data(), ngroups)) return Value::none();
    List* out = new_list(vm, 2 * ngroups);
    // Walk the spans in byte order once, converting to code points incrementally.
    size_t last_byte = bpos;
    int64_t last_cp = pos;
    for (int g = 0; g < ngroups; ++g) {
        if (groups[g].data() == nullptr) {
            out->items.push_back(Value::integer(-1));
            out->items.push_back(Value::integer(-1));
            continue;
        }
        size_t bs = groups[g].data() - text.data();
        size_t be = bs + groups[g].size();
        int64_t cs, ce;
        if (ascii) {
            cs = static_cast<int64_t>(bs);
            ce = static_cast<int64_t>(be);
        } else {
            // Groups may start before an earlier group's end; restart from pos when going back.
            if (bs < last_byte) { last_byte = bpos; last_cp = pos; }
            cs = last_cp + count_cp(text, last_byte, bs);
            ce = cs + count_cp(text, bs, be);
            last_byte = bs;
            last_cp = cs;
        }
        out->items.push_back(Value::integer(cs));
        out->items.push_back(Value::integer(ce));
    }
    return Value::object(out);
}

}  // namespace

bool init_re_core_module(VM& vm, Module* m) {
    Type* t = new_builtin_type(vm, "Program", vm.types.object, Layout::Other, alloc_regex, 0);
    t->module = vm.intern("_re");
    def_method(vm, t, "__new__", program_new);
    def_method(vm, t, "groups", program_groups);
    def_method(vm, t, "groupindex", program_groupindex);
    def_method(vm, t, "search", program_search);
    dict_set_str(vm, m->dict, vm.intern("Program"), Value::object(t));
    return true;
}

}  // namespace asy::stdlib
