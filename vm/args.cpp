// Argument checking for natives, worded exactly as CPython 3.11's calling conventions
// (METH_O / METH_NOARGS, _PyArg_CheckPositional, and Argument Clinic's keyword parser).
#include <cstring>

#include "vm/type_internal.hpp"

namespace asy::vm {

bool check_no_kwargs(VM& vm, const Args& a, const char* fname) {
    if (kwcount(a) == 0) return true;
    vm.raise_format(vm.exc.TypeError, "%s() takes no keyword arguments", fname);
    return false;
}

bool check_args(VM& vm, const Args& a, const char* fname, uint32_t min, uint32_t max) {
    if (!check_no_kwargs(vm, a, fname)) return false;
    uint32_t n = a.npos;
    if (n >= min && n <= max) return true;
    if (max == 0) {
        vm.raise_format(vm.exc.TypeError, "%s() takes no arguments (%u given)", fname, n);
    } else if (min == 1 && max == 1) {
        vm.raise_format(vm.exc.TypeError, "%s() takes exactly one argument (%u given)", fname, n);
    } else if (n < min) {
        vm.raise_format(vm.exc.TypeError, "%s expected %s%u argument%s, got %u", fname, min == max ? "" : "at least ", min,
                        min == 1 ? "" : "s", n);
    } else {
        vm.raise_format(vm.exc.TypeError, "%s expected %s%u argument%s, got %u", fname, min == max ? "" : "at most ", max,
                        max == 1 ? "" : "s", n);
    }
    return false;
}

namespace {

// A native's parameter list (nullptr-terminated, '$' marks the keyword-only ones): how many in
// all, how many positional; clears `out`.
struct ParamCounts {
    uint32_t maxargs = 0, maxpos = 0;
};

ParamCounts count_params(const char* const* names, Value* out) {
    ParamCounts c;
    bool kwonly = false;
    for (; names[c.maxargs]; ++c.maxargs) {
        if (names[c.maxargs][0] == '$') kwonly = true;
        if (!kwonly) ++c.maxpos;
        out[c.maxargs] = Value::empty();
    }
    return c;
}

const char* param_name(const char* const* names, uint32_t i) { return names[i][0] == '$' ? names[i] + 1 : names[i]; }

// The index of the parameter a keyword names (`maxargs` when none does); `key` gets its text.
uint32_t keyword_index(const char* const* names, uint32_t maxargs, Value kn, std::string_view* key) {
    *key = is_str_value(kn) ? sv(kn) : std::string_view();
    uint32_t i = 0;
    while (i < maxargs && *key != param_name(names, i)) ++i;
    return i;
}

}  // namespace

bool parse_args(VM& vm, const Args& a, const char* fname, const char* const* names, uint32_t required, Value* out) {
    auto [maxargs, maxpos] = count_params(names, out);
    auto name_of = [&](uint32_t i) { return param_name(names, i); };
    uint32_t nkw = kwcount(a);
    if (a.npos + nkw > maxargs) {
        vm.raise_format(vm.exc.TypeError, "%s() takes at most %u %sargument%s (%u given)", fname, maxargs,
                        a.npos == 0 ? "keyword " : "", maxargs == 1 ? "" : "s", a.npos + nkw);
        return false;
    }
    if (a.npos > maxpos) {
        if (maxpos == 0)
            vm.raise_format(vm.exc.TypeError, "%s() takes no positional arguments", fname);
        else
            vm.raise_format(vm.exc.TypeError, "%s() takes %s %u positional argument%s (%u given)", fname,
                            required < maxpos ? "at most" : "exactly", maxpos, maxpos == 1 ? "" : "s", a.npos);
        return false;
    }
    for (uint32_t i = 0; i < a.npos; ++i) out[i] = a.pos[i];
    for (uint32_t k = 0; k < nkw; ++k) {
        Value kn = a.kwnames->items[k];
        std::string_view key;
        uint32_t i = keyword_index(names, maxargs, kn, &key);
        if (i == maxargs) {
            Str* r = repr(vm, kn);
            vm.raise_format(vm.exc.TypeError, "%s is an invalid keyword argument for %s()", r ? r->s.c_str() : "?", fname);
            return false;
        }
        if (i < a.npos) {
            vm.raise_format(vm.exc.TypeError, "argument for %s() given by name ('%s') and position (%u)", fname,
                            name_of(i), i + 1);
            return false;
        }
        out[i] = a.kwvalues[k];
    }
    for (uint32_t i = 0; i < required && i < maxargs; ++i) {
        if (!out[i].is_empty()) continue;
        if (i < maxpos)
            vm.raise_format(vm.exc.TypeError, "%s() missing required argument '%s' (pos %u)", fname, name_of(i), i + 1);
        else
            vm.raise_format(vm.exc.TypeError, "%s() missing required keyword-only argument '%s'", fname, name_of(i));
        return false;
    }
    return true;
}

bool parse_args_py(VM& vm, const Args& a, const char* fname, const char* const* names, uint32_t required,
                   uint32_t nself, Value* out) {
    auto [maxargs, maxpos] = count_params(names, out);
    auto name_of = [&](uint32_t i) { return param_name(names, i); };
    if (a.npos > maxpos) {
        uint32_t minpos = std::min(required, maxpos) + nself, most = maxpos + nself;
        if (minpos == most)
            vm.raise_format(vm.exc.TypeError, "%s() takes %u positional argument%s but %u %s given", fname, most,
                            most == 1 ? "" : "s", a.npos + nself, a.npos + nself == 1 ? "was" : "were");
        else
            vm.raise_format(vm.exc.TypeError, "%s() takes from %u to %u positional arguments but %u were given", fname,
                            minpos, most, a.npos + nself);
        return false;
    }
    for (uint32_t i = 0; i < a.npos; ++i) out[i] = a.pos[i];
    uint32_t nkw = kwcount(a);
    for (uint32_t k = 0; k < nkw; ++k) {
        Value kn = a.kwnames->items[k];
        std::string_view key;
        uint32_t i = keyword_index(names, maxargs, kn, &key);
        if (i == maxargs) {
            vm.raise_format(vm.exc.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                            std::string(key).c_str());
            return false;
        }
        if (!out[i].is_empty()) {
            vm.raise_format(vm.exc.TypeError, "%s() got multiple values for argument '%s'", fname, name_of(i));
            return false;
        }
        out[i] = a.kwvalues[k];
    }
    // Missing ones, listed as CPython does: 'a', 'a' and 'b', 'a', 'b' and 'c'.
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<const char*> missing;
        for (uint32_t i = 0; i < required && i < maxargs; ++i)
            if (out[i].is_empty() && (i < maxpos) == (pass == 0)) missing.push_back(name_of(i));
        if (missing.empty()) continue;
        std::string list;
        for (size_t j = 0; j < missing.size(); ++j) {
            if (j > 0) list += j + 1 == missing.size() ? (missing.size() > 2 ? ", and " : " and ") : ", ";
            list += "'" + std::string(missing[j]) + "'";
        }
        vm.raise_format(vm.exc.TypeError, "%s() missing %zu required %s argument%s: %s", fname, missing.size(),
                        pass == 0 ? "positional" : "keyword-only", missing.size() == 1 ? "" : "s", list.c_str());
        return false;
    }
    return true;
}

}  // namespace asy::vm
