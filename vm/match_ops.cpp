// The interpreter's support for the match statement (MATCH_SEQUENCE/MAPPING/KEYS/CLASS,
// COPY_DICT_WITHOUT_KEYS) and for except* (CHECK_EG_MATCH, PREP_RERAISE_STAR), with CPython
// 3.11's semantics and messages.
#include <string>
#include <vector>

#include "vm/exception_group.hpp"
#include "vm/interpreter.hpp"
#include "vm/objects/exception.hpp"
#include "vm/objects/str.hpp"
#include "vm/ops.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm::interp {

namespace {

bool is_type(Value v) { return v.is_obj() && v.o->type->layout == Layout::Type; }
bool is_exc_class(VM& vm, Value v) {
    return is_type(v) && is_subtype(static_cast<Type*>(v.o), vm.exc.BaseException);
}

// CPython flags classes registered with or deriving from collections.abc.Sequence/Mapping
// (Py_TPFLAGS_SEQUENCE/MAPPING); asy asks the ABC itself, once collections.abc is loaded
// (nothing can be registered before). The subject's type is checked, as CPython's flags are.
// Errors in a user __subclasshook__ cannot surface here: they count as "no".
bool abc_subclass(VM& vm, Type* t, const char* abc_name) {
    // Built-ins are known to the callers; native types of stdlib modules (collections.deque,
    // registered as a MutableSequence) are asked like classes.
    if ((t->flags & kTypeHeap) == 0 && (t->module == nullptr || t->module->view() == "builtins")) return false;
    Value mod = dict_get_str(vm.modules, vm.intern("_collections_abc"));
    if (mod.is_empty() || !mod.is_obj() || mod.o->dict == nullptr) return false;
    Value abc = dict_get_str(mod.o->dict, vm.intern(abc_name));
    if (abc.is_empty()) return false;
    int r = issubclass_full(vm, Value::object(t), abc);
    if (r < 0) {
        vm.take_pending();
        return false;
    }
    return r == 1;
}

}  // namespace

int match_mapping(VM& vm, Value v) {
    Type* t = type_of(vm, v);
    if (is_subtype(t, vm.types.dict) || t == vm.types.mappingproxy) return 1;
    return abc_subclass(vm, t, "Mapping") ? 1 : 0;
}

int match_sequence(VM& vm, Value v) {
    Type* t = type_of(vm, v);
    if (is_subtype(t, vm.types.str) || is_subtype(t, vm.types.bytes) || is_subtype(t, vm.types.bytearray))
        return 0;
    if (is_subtype(t, vm.types.list) || is_subtype(t, vm.types.tuple) || is_subtype(t, vm.types.range)) return 1;
    if (!abc_subclass(vm, t, "Sequence")) return 0;
    // As in CPython, a class flagged both ways (registered with both ABCs) is a mapping only
    // if it became one first; asy cannot tell the order, so a mapping registration wins.
    return abc_subclass(vm, t, "Mapping") ? 0 : 1;
}

// [subject, keys] -> tuple of the values, or None if a key is missing. Duplicate keys (only
// possible with value patterns such as `C.attr`) are a ValueError.
Value match_keys(VM& vm, Value subject, Value keys) {
    auto& ks = static_cast<Tuple*>(keys.o)->items;
    if (ks.empty()) return Value::object(new_tuple(vm, 0));
    Value get = get_attr(vm, subject, vm.intern("get"));
    if (get.is_empty()) return get;
    Value dummy = Value::object(new_list(vm));  // a fresh object no mapping can hold
    std::vector<Value> vals;
    for (size_t i = 0; i < ks.size(); ++i) {
        Value k = ks[i];
        for (size_t j = 0; j < i; ++j) {
            int eq = equals(vm, ks[j], k);
            if (eq < 0) return Value::empty();
            if (eq) {
                Str* r = repr(vm, k);
                if (r == nullptr) return Value::empty();
                return vm.raise_format(vm.exc.ValueError, "mapping pattern checks duplicate key (%s)", r->s.c_str());
            }
        }
        Value args[2] = {k, dummy};
        Value v = vm.call(get, args, 2);
        if (v.is_empty()) return v;
        if (v.identical(dummy)) return Value::none();
        vals.push_back(v);
    }
    return Value::object(new_tuple(vm, vals.data(), vals.size()));
}

// [subject, cls, kwnames] -> tuple of nargs positional (via __match_args__) then keyword
// attributes, or None when the subject is not an instance or lacks an attribute.
Value match_class(VM& vm, Value subject, Value cls, uint32_t nargs, Value names) {
    if (!is_type(cls)) return vm.raise(vm.exc.TypeError, "called match pattern must be a type");
    auto* type = static_cast<Type*>(cls.o);
    int r = isinstance_full(vm, subject, cls);
    if (r < 0) return Value::empty();
    if (r == 0) return Value::none();
    std::string tname = type->name != nullptr ? type->name->s : "?";
    std::vector<Value> attrs;
    std::vector<Str*> seen;
    auto fetch = [&](Value name) -> int {
        auto* s = static_cast<Str*>(name.o);
        for (Str* o : seen) {
            if (o->s == s->s) {
                Str* rs = repr(vm, name);
                vm.raise_format(vm.exc.TypeError, "%s() got multiple sub-patterns for attribute %s", tname.c_str(),
                                rs != nullptr ? rs->s.c_str() : "?");
                return -1;
            }
        }
        seen.push_back(s);
        Value v = get_attr_opt(vm, subject, s);
        if (v.is_empty()) return vm.has_pending() ? -1 : 0;
        attrs.push_back(v);
        return 1;
    };
    if (nargs > 0) {
        // Built-ins that match themselves positionally: `case int(x)`.
        static const char* const kSelf[] = {"bool", "bytearray", "bytes", "dict", "float", "frozenset",
                                            "int", "list", "set", "str", "tuple"};
        bool match_self = false;
        for (Type* b : type->mro) {
            if ((b->flags & kTypeHeap) != 0) continue;
            for (const char* n : kSelf)
                if (b->name != nullptr && b->name->s == n) match_self = true;
            break;
        }
        Value match_args = get_attr_opt(vm, cls, vm.intern("__match_args__"));
        if (vm.has_pending()) return Value::empty();
        const std::vector<Value>* margs = nullptr;
        if (!match_args.is_empty()) {
            if (!(match_args.is_obj() && match_args.o->type == vm.types.tuple))
                return vm.raise_format(vm.exc.TypeError, "%s.__match_args__ must be a tuple (got %s)", tname.c_str(),
                                       type_name(vm, match_args).c_str());
            margs = &static_cast<Tuple*>(match_args.o)->items;
            match_self = false;
        }
        size_t allowed = match_self ? 1 : (margs != nullptr ? margs->size() : 0);
        if (nargs > allowed)
            return vm.raise_format(vm.exc.TypeError, "%s() accepts %zu positional sub-pattern%s (%u given)",
                                   tname.c_str(), allowed, allowed == 1 ? "" : "s", nargs);
        if (match_self) {
            attrs.push_back(subject);
        } else {
            for (uint32_t i = 0; i < nargs; ++i) {
                Value name = (*margs)[i];
                if (!(name.is_obj() && name.o->type == vm.types.str))
                    return vm.raise_format(vm.exc.TypeError, "__match_args__ elements must be strings (got %s)",
                                           type_name(vm, name).c_str());
                int ok = fetch(name);
                if (ok <= 0) return ok < 0 ? Value::empty() : Value::none();
            }
        }
    }
    for (Value n : static_cast<Tuple*>(names.o)->items) {
        int ok = fetch(n);
        if (ok <= 0) return ok < 0 ? Value::empty() : Value::none();
    }
    return Value::object(new_tuple(vm, attrs.data(), attrs.size()));
}

// [subject, keys] -> [subject, dict(subject) without keys] for `**rest`.
Value copy_dict_without_keys(VM& vm, Value subject, Value keys) {
    Dict* rest = new_dict(vm);
    Value rv = Value::object(rest);
    Value update = get_attr(vm, rv, vm.intern("update"));
    if (update.is_empty() || vm.call(update, {subject}).is_empty()) return Value::empty();
    for (Value k : static_cast<Tuple*>(keys.o)->items) {
        Value v = dict_get(vm, rest, k);
        if (vm.has_pending()) return Value::empty();
        if (!v.is_empty() && !dict_del(vm, rest, k)) return Value::empty();
    }
    return rv;
}

// except* T: [exc, T] -> match (None, or a group of the matching part) and *rest (what is
// left, None if everything matched). A naked matching exception is wrapped in a group.
Value check_eg_match(VM& vm, Value exc, Value type, Value* rest) {
    bool ok = true, is_group_type = false;
    auto check = [&](Value t) {
        if (!is_exc_class(vm, t)) ok = false;
        else if (is_subtype(static_cast<Type*>(t.o), vm.exc.BaseExceptionGroup)) is_group_type = true;
    };
    if (type.is_obj() && type.o->type->layout == Layout::Tuple) {
        for (Value t : static_cast<Tuple*>(type.o)->items) check(t);
    } else {
        check(type);
    }
    if (!ok) return vm.raise(vm.exc.TypeError, "catching classes that do not inherit from BaseException is not allowed");
    if (is_group_type)
        return vm.raise(vm.exc.TypeError, "catching ExceptionGroup with except* is not allowed. Use except instead.");
    *rest = Value::none();
    if (exc.is_none()) return Value::none();
    int full = check_exc_match(vm, exc, type);
    if (full < 0) return Value::empty();
    bool is_group = is_instance(vm, exc, vm.exc.BaseExceptionGroup);
    if (full) {
        if (is_group) return exc;
        Value args[2] = {str_value(vm, ""), Value::object(new_tuple(vm, &exc, 1))};
        // (CPython 3.11 gives the wrapper no traceback of its own.)
        return vm.call(Value::object(vm.exc.BaseExceptionGroup), args, 2);
    }
    if (!is_group) {
        *rest = exc;
        return Value::none();
    }
    Value split = get_attr(vm, exc, vm.intern("split"));
    if (split.is_empty()) return split;
    Value pair = vm.call(split, {type});
    if (pair.is_empty()) return pair;
    if (!(pair.is_obj() && pair.o->type == vm.types.tuple && static_cast<Tuple*>(pair.o)->items.size() == 2))
        return vm.raise_format(vm.exc.TypeError, "%s.split must return a 2-tuple, got %s",
                               type_name(vm, exc).c_str(), type_name(vm, pair).c_str());
    Value match = static_cast<Tuple*>(pair.o)->items[0];
    *rest = static_cast<Tuple*>(pair.o)->items[1];
    if (match.is_none()) *rest = exc;
    return match;
}

Value prep_reraise_star(VM& vm, Value orig, Value excs) { return exception_group_prep_reraise(vm, orig, excs); }

}  // namespace asy::vm::interp
