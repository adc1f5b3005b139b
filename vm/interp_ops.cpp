// Slow paths of the dispatch loop: unpacking, building strings/functions, container
// extension for star-expressions, raise/except/with, star-calls (match and except* support
// lives in match_ops.cpp).
// Kept out of interpreter.cpp so the loop itself stays small and hot.
#include <string>
#include <vector>

#include "vm/interpreter.hpp"
#include "vm/objects/exception.hpp"
#include "vm/ops.hpp"
#include "vm/traceback.hpp"

namespace asy::vm::interp {

namespace {

bool is_type(Value v) { return v.is_obj() && v.o->type->layout == Layout::Type; }
bool is_exc_instance(Value v) { return v.is_obj() && v.o->type->layout == Layout::Exception; }
bool is_exc_class(VM& vm, Value v) {
    return is_type(v) && is_subtype(static_cast<Type*>(v.o), vm.exc.BaseException);
}

const std::vector<Value>* seq_items(VM& vm, Value v) {
    if (!v.is_obj()) return nullptr;
    if (v.o->type == vm.types.tuple) return &static_cast<Tuple*>(v.o)->items;
    if (v.o->type == vm.types.list) return &static_cast<List*>(v.o)->items;
    return nullptr;
}

// Iterate `iterable` into `out`. `not_iterable` (printf format with one %s for the type name)
// replaces the TypeError of a non-iterable.
bool collect(VM& vm, Value iterable, std::vector<Value>& out, const char* not_iterable) {
    if (auto* items = seq_items(vm, iterable)) {
        out.insert(out.end(), items->begin(), items->end());
        return true;
    }
    Value it = get_iter(vm, iterable);
    if (it.is_empty()) {
        if (not_iterable != nullptr && is_instance(vm, vm.pending, vm.exc.TypeError) &&
            type_lookup(type_of(vm, iterable), vm.names.__iter__).is_empty() &&
            type_lookup(type_of(vm, iterable), vm.names.__getitem__).is_empty()) {
            vm.pending = Value();
            vm.raise_format(vm.exc.TypeError, not_iterable, type_name(vm, iterable).c_str());
        }
        return false;
    }
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) return !vm.has_pending();
        out.push_back(v);
    }
}

Value bind_descr(VM& vm, Value descr, Value self, Str* name) {
    if (descr.is_obj()) {
        Type* t = descr.o->type;
        bool plain = t == vm.types.function ||
                     (t == vm.types.native_function && static_cast<NativeFunction*>(descr.o)->is_method);
        if (plain) {
            auto* bm = vm.alloc<BoundMethod>(vm.types.bound_method);
            bm->func = descr;
            bm->self = self;
            return Value::object(bm);
        }
    }
    return get_attr(vm, self, name);
}

}  // namespace

bool unpack(VM& vm, Value seq, uint32_t before, int32_t after, Value* out) {
    std::vector<Value> vals;
    if (!collect(vm, seq, vals, "cannot unpack non-iterable %s object")) return false;
    if (after < 0) {
        if (vals.size() < before) {
            vm.raise_format(vm.exc.ValueError, "not enough values to unpack (expected %u, got %zu)", before,
                            vals.size());
            return false;
        }
        if (vals.size() > before) {
            vm.raise_format(vm.exc.ValueError, "too many values to unpack (expected %u)", before);
            return false;
        }
        for (uint32_t k = 0; k < before; ++k) out[k] = vals[before - 1 - k];
        return true;
    }
    size_t need = before + static_cast<size_t>(after);
    if (vals.size() < need) {
        vm.raise_format(vm.exc.ValueError, "not enough values to unpack (expected at least %zu, got %zu)", need,
                        vals.size());
        return false;
    }
    List* middle = new_list(vm);
    middle->items.assign(vals.begin() + before, vals.end() - after);
    std::vector<Value> ordered(vals.begin(), vals.begin() + before);
    ordered.push_back(Value::object(middle));
    ordered.insert(ordered.end(), vals.end() - after, vals.end());
    size_t total = ordered.size();
    for (size_t k = 0; k < total; ++k) out[k] = ordered[total - 1 - k];
    return true;
}

Value build_string(VM& vm, const Value* items, uint32_t n) {
    size_t len = 0;
    for (uint32_t i = 0; i < n; ++i) len += static_cast<Str*>(items[i].o)->s.size();
    std::string s;
    s.reserve(len);
    for (uint32_t i = 0; i < n; ++i) s += static_cast<Str*>(items[i].o)->s;
    return Value::object(new_str(vm, s));
}

Value format_value(VM& vm, Value v, uint32_t flags, Value spec) {
    Str* conv = nullptr;
    switch (flags & 3) {
    case 1: conv = to_str(vm, v); break;
    case 2: conv = repr(vm, v); break;
    case 3: conv = ascii_repr(vm, v); break;
    default: break;
    }
    if ((flags & 3) != 0) {
        if (conv == nullptr) return Value::empty();
        v = Value::object(conv);
    }
    bool no_spec = spec.is_empty() || (spec.is_obj() && static_cast<Str*>(spec.o)->s.empty());
    if (no_spec && v.is_obj() && v.o->type == vm.types.str) return v;
    Str* s = spec.is_empty() ? vm.intern("") : static_cast<Str*>(spec.o);
    return format(vm, v, s);
}

bool list_extend(VM& vm, Value list, Value iterable) {
    auto* l = static_cast<List*>(list.o);
    if (auto* items = seq_items(vm, iterable)) {
        l->items.insert(l->items.end(), items->begin(), items->end());
        return true;
    }
    std::vector<Value> vals;
    if (!collect(vm, iterable, vals, "Value after * must be an iterable, not %s")) return false;
    l->items.insert(l->items.end(), vals.begin(), vals.end());
    return true;
}

bool set_update(VM& vm, Value set, Value iterable) {
    std::vector<Value> vals;
    if (!collect(vm, iterable, vals, "Value after * must be an iterable, not %s")) return false;
    for (Value v : vals)
        if (!set_add(vm, static_cast<Set*>(set.o), v)) return false;
    return true;
}

namespace {

// Items of a mapping: a dict's entries directly, else keys() and [] (CPython's PyDict_Merge).
// Returns false with pending error; *not_mapping set when `other` has no keys().
bool mapping_items(VM& vm, Value other, std::vector<Value>& kv, bool* not_mapping) {
    *not_mapping = false;
    if (other.is_obj() && other.o->type == vm.types.dict) {
        auto* d = static_cast<Dict*>(other.o);
        for (size_t i = 0; i < d->entries.size(); ++i) {
            if (d->entries[i].key.is_empty()) continue;
            kv.push_back(d->entries[i].key);
            kv.push_back(d->entries[i].value);
        }
        return true;
    }
    Value keys_fn = get_attr_opt(vm, other, vm.names.keys);
    if (keys_fn.is_empty()) {
        if (vm.has_pending()) return false;
        *not_mapping = true;
        return false;
    }
    Value keys = vm.call(keys_fn, {});
    if (keys.is_empty()) return false;
    std::vector<Value> ks;
    if (!collect(vm, keys, ks, nullptr)) return false;
    for (Value k : ks) {
        Value v = get_item(vm, other, k);
        if (v.is_empty()) return false;
        kv.push_back(k);
        kv.push_back(v);
    }
    return true;
}

}  // namespace

bool dict_update(VM& vm, Value dict, Value other) {
    std::vector<Value> kv;
    bool not_mapping;
    if (!mapping_items(vm, other, kv, &not_mapping)) {
        if (not_mapping)
            vm.raise_format(vm.exc.TypeError, "'%s' object is not a mapping", type_name(vm, other).c_str());
        return false;
    }
    auto* d = static_cast<Dict*>(dict.o);
    for (size_t i = 0; i < kv.size(); i += 2)
        if (!dict_set(vm, d, kv[i], kv[i + 1])) return false;
    return true;
}

bool dict_merge(VM& vm, Value dict, Value other, Value func) {
    std::vector<Value> kv;
    bool not_mapping;
    if (!mapping_items(vm, other, kv, &not_mapping)) {
        if (not_mapping)
            vm.raise_format(vm.exc.TypeError, "%s argument after ** must be a mapping, not %s",
                            function_str(vm, func).c_str(), type_name(vm, other).c_str());
        return false;
    }
    auto* d = static_cast<Dict*>(dict.o);
    for (size_t i = 0; i < kv.size(); i += 2) {
        Value existing = dict_get(vm, d, kv[i]);
        if (vm.has_pending()) return false;
        if (!existing.is_empty()) {
            Str* k = to_str(vm, kv[i]);
            if (k == nullptr) return false;
            vm.raise_format(vm.exc.TypeError, "%s got multiple values for keyword argument '%s'",
                            function_str(vm, func).c_str(), k->s.c_str());
            return false;
        }
        if (!dict_set(vm, d, kv[i], kv[i + 1])) return false;
    }
    return true;
}

Value make_function(VM& vm, Frame* f, Value* items, uint32_t flags) {
    int idx = 0;
    Value defaults, kwdefaults, annotations, closure;
    if (flags & 1) defaults = items[idx++];
    if (flags & 2) kwdefaults = items[idx++];
    if (flags & 4) annotations = items[idx++];
    if (flags & 8) closure = items[idx++];
    auto* code = static_cast<CodeObj*>(items[idx].o);
    auto* fn = vm.alloc<Function>(vm.types.function);
    fn->code = code;
    fn->globals = f->globals;
    fn->name = Value::object(code->name);
    fn->qualname = Value::object(code->qualname);
    Value modname = dict_get_str(f->globals, vm.names.__name__);
    fn->module = modname.is_empty() ? Value::none() : modname;
    fn->doc = code->docstring.is_empty() ? Value::none() : code->docstring;
    if (defaults.is_obj() && defaults.o->type == vm.types.tuple) fn->defaults = static_cast<Tuple*>(defaults.o);
    if (kwdefaults.is_obj() && kwdefaults.o->type->layout == Layout::Dict)
        fn->kwdefaults = static_cast<Dict*>(kwdefaults.o);
    if (closure.is_obj() && closure.o->type == vm.types.tuple) fn->closure = static_cast<Tuple*>(closure.o);
    if (!annotations.is_empty()) {
        if (annotations.is_obj() && annotations.o->type == vm.types.tuple) {
            // CPython 3.11 passes (name, value, name, value, ...).
            Dict* d = new_dict(vm);
            auto& it = static_cast<Tuple*>(annotations.o)->items;
            for (size_t i = 0; i + 1 < it.size(); i += 2)
                if (!dict_set(vm, d, it[i], it[i + 1])) return Value::empty();
            fn->annotations = Value::object(d);
        } else {
            fn->annotations = annotations;
        }
    }
    return Value::object(fn);
}

Value do_raise(VM& vm, Value exc, Value cause, bool has_cause) {
    Value inst;
    if (is_type(exc)) {
        if (!is_exc_class(vm, exc)) return vm.raise(vm.exc.TypeError, "exceptions must derive from BaseException");
        inst = call_object(vm, exc, Args{});
        if (inst.is_empty()) return inst;
        if (!is_exc_instance(inst)) {
            Str* r1 = repr(vm, exc);
            Str* r2 = r1 != nullptr ? repr(vm, inst) : nullptr;
            if (r2 == nullptr) return Value::empty();
            return vm.raise_format(vm.exc.TypeError,
                                   "calling %s should have returned an instance of BaseException, not %s",
                                   r1->s.c_str(), type_name(vm, inst).c_str());
        }
    } else if (is_exc_instance(exc)) {
        inst = exc;
    } else {
        return vm.raise(vm.exc.TypeError, "exceptions must derive from BaseException");
    }
    if (has_cause) {
        Value c;
        if (is_type(cause)) {
            if (!is_exc_class(vm, cause))
                return vm.raise(vm.exc.TypeError, "exception causes must derive from BaseException");
            c = call_object(vm, cause, Args{});
            if (c.is_empty()) return c;
        } else if (is_exc_instance(cause)) {
            c = cause;
        } else if (cause.is_none()) {
            c = Value();
        } else {
            return vm.raise(vm.exc.TypeError, "exception causes must derive from BaseException");
        }
        auto* e = static_cast<Exception*>(inst.o);
        e->cause = c;
        e->suppress_context = true;
    }
    vm.pending = inst;
    return Value::empty();
}

int check_exc_match(VM& vm, Value exc, Value type) {
    auto bad = [&]() {
        vm.raise(vm.exc.TypeError, "catching classes that do not inherit from BaseException is not allowed");
        return -1;
    };
    Type* et = type_of(vm, exc);
    if (type.is_obj() && type.o->type->layout == Layout::Tuple) {
        auto& items = static_cast<Tuple*>(type.o)->items;
        for (Value t : items)
            if (!is_exc_class(vm, t)) return bad();
        for (Value t : items)
            if (is_subtype(et, static_cast<Type*>(t.o))) return 1;
        return 0;
    }
    if (!is_exc_class(vm, type)) return bad();
    return is_subtype(et, static_cast<Type*>(type.o)) ? 1 : 0;
}

Value before_with(VM& vm, Value mgr, Value* exit_out, bool async) {
    Str* enter_name = async ? vm.names.__aenter__ : vm.names.__enter__;
    Str* exit_name = async ? vm.names.__aexit__ : vm.names.__exit__;
    const char* proto = async ? "asynchronous context manager" : "context manager";
    Type* t = type_of(vm, mgr);
    Value enter = type_lookup(t, enter_name);
    if (enter.is_empty())
        return vm.raise_format(vm.exc.TypeError, "'%s' object does not support the %s protocol",
                               type_name(vm, mgr).c_str(), proto);
    Value ex = type_lookup(t, exit_name);
    if (ex.is_empty())
        return vm.raise_format(vm.exc.TypeError, "'%s' object does not support the %s protocol (missed %s method)",
                               type_name(vm, mgr).c_str(), proto, exit_name->s.c_str());
    Value bound_exit = bind_descr(vm, ex, mgr, exit_name);
    if (bound_exit.is_empty()) return bound_exit;
    *exit_out = bound_exit;
    return call_descriptor(vm, enter, mgr, nullptr, 0);
}

Value with_except_start(VM& vm, Value exit, Value exc) {
    Value tb = make_traceback(vm, exc);
    Value args[3] = {Value::object(type_of(vm, exc)), exc, tb};
    return vm.call(exit, args, 3);
}

std::string function_str(VM& vm, Value func) {
    if (func.is_obj()) {
        Type* t = func.o->type;
        if (t == vm.types.bound_method) return function_str(vm, static_cast<BoundMethod*>(func.o)->func);
        if (t == vm.types.function) {
            auto* fn = static_cast<Function*>(func.o);
            std::string q = fn->qualname.is_obj() ? static_cast<Str*>(fn->qualname.o)->s : "?";
            if (fn->module.is_obj() && fn->module.o->type == vm.types.str &&
                static_cast<Str*>(fn->module.o)->s != "builtins")
                return static_cast<Str*>(fn->module.o)->s + "." + q + "()";
            return q + "()";
        }
        if (t == vm.types.native_function) {
            auto* nf = static_cast<NativeFunction*>(func.o);
            Str* q = nf->qualname != nullptr ? nf->qualname : nf->name;
            return (q != nullptr ? q->s : std::string("?")) + "()";
        }
        if (t->layout == Layout::Type) {
            auto* ty = static_cast<Type*>(func.o);
            std::string q = ty->qualname != nullptr ? ty->qualname->s : (ty->name != nullptr ? ty->name->s : "?");
            if (ty->module != nullptr) {
                if (ty->module->s == "builtins") return q + "()";
                return ty->module->s + "." + q + "()";
            }
            Value m = ty->dict != nullptr ? dict_get_str(ty->dict, vm.names.__module__) : Value();
            if (m.is_obj() && m.o->type == vm.types.str && static_cast<Str*>(m.o)->s != "builtins")
                return static_cast<Str*>(m.o)->s + "." + q + "()";
            return q + "()";
        }
    }
    return type_name(vm, func) + " object";
}

Value call_ex(VM& vm, Value callable, Value self, Value args, Value kwargs) {
    std::vector<Value> pos;
    if (!self.is_empty()) pos.push_back(self);
    if (auto* items = seq_items(vm, args)) {
        pos.insert(pos.end(), items->begin(), items->end());
    } else {
        std::string fmt = function_str(vm, callable) + " argument after * must be an iterable, not %s";
        if (!collect(vm, args, pos, fmt.c_str())) return Value::empty();
    }
    Tuple* kwnames = nullptr;
    std::vector<Value> kwvalues;
    if (!kwargs.is_empty()) {
        std::vector<Value> kv;
        bool not_mapping;
        if (!mapping_items(vm, kwargs, kv, &not_mapping)) {
            if (not_mapping)
                vm.raise_format(vm.exc.TypeError, "%s argument after ** must be a mapping, not %s",
                                function_str(vm, callable).c_str(), type_name(vm, kwargs).c_str());
            return Value::empty();
        }
        if (!kv.empty()) {
            size_t n = kv.size() / 2;
            kwnames = new_tuple(vm, n);
            for (size_t i = 0; i < n; ++i) {
                Value k = kv[2 * i];
                if (!(k.is_obj() && k.o->type->layout == Layout::Str))
                    return vm.raise(vm.exc.TypeError, "keywords must be strings");
                kwnames->items[i] = k;
                kwvalues.push_back(kv[2 * i + 1]);
            }
        }
    }
    Args a{pos.data(), static_cast<uint32_t>(pos.size()), kwvalues.data(), kwnames};
    return call_object(vm, callable, a);
}

void unbound_local(VM& vm, CodeObj* co, uint32_t slot) {
    vm.raise_format(vm.exc.UnboundLocalError,
                    "cannot access local variable '%s' where it is not associated with a value",
                    co->varnames[slot]->s.c_str());
}

void unbound_deref(VM& vm, CodeObj* co, uint32_t idx) {
    const char* name = co->cellvars[idx]->s.c_str();
    if (idx < co->code->cellvars.size())
        vm.raise_format(vm.exc.UnboundLocalError,
                        "cannot access local variable '%s' where it is not associated with a value", name);
    else
        vm.raise_format(vm.exc.NameError,
                        "cannot access free variable '%s' where it is not associated with a value in enclosing "
                        "scope",
                        name);
}

namespace {

// CPython computes NameError suggestions from the failing frame's locals, then globals, then
// builtins; frames are gone by print time here, so the choice is made when raising.
std::string name_suggestion(VM& vm, Str* name) {
    Frame* f = vm.frame;
    if (f == nullptr) return "";
    auto keys = [](Dict* d, std::vector<std::string>& out) {
        if (d == nullptr) return;
        for (auto& e : d->entries)
            if (e.key.is_obj() && e.key.o->type->layout == Layout::Str) out.push_back(static_cast<Str*>(e.key.o)->s);
    };
    std::vector<std::string> cands;
    if (f->locals != nullptr) {
        keys(f->locals, cands);
    } else {
        Value* slots = f->localsplus();
        for (size_t i = 0; i < f->code->varnames.size(); ++i)
            if (!slots[i].is_empty()) cands.push_back(f->code->varnames[i]->s);
    }
    std::string s = best_suggestion(cands, name->s);
    if (!s.empty()) return s;
    cands.clear();
    keys(f->globals, cands);
    s = best_suggestion(cands, name->s);
    if (!s.empty()) return s;
    cands.clear();
    keys(f->builtins, cands);
    return best_suggestion(cands, name->s);
}

}  // namespace

Value name_error(VM& vm, Str* name) {
    Value exc = vm.new_exception(vm.exc.NameError, "name '" + name->s + "' is not defined");
    if (exc.is_empty()) return exc;
    std::string hint = name_suggestion(vm, name);
    if (!hint.empty()) static_cast<Exception*>(exc.o)->suggestion = vm.intern(hint);
    set_attr(vm, exc, vm.intern("name"), Value::object(name));
    vm.pending = Value();
    return vm.raise_value(exc);
}

Value print_expr(VM& vm, Value v) {
    if (v.is_none()) return Value::none();
    Str* underscore = vm.intern("_");
    dict_set_str(vm, vm.builtins, underscore, Value::none());
    Str* r = repr(vm, v);
    if (r == nullptr) return Value::empty();
    std::string line = r->s + "\n";
    vm.write_out(line);
    dict_set_str(vm, vm.builtins, underscore, v);
    return Value::none();
}

}  // namespace asy::vm::interp
