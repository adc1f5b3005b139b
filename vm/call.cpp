// Calling: argument binding for script functions (CPython's rules and messages), the generic
// call_object dispatch (functions, natives, bound methods, types, __call__), native re-entry
// into the interpreter (VM::call), running module code, and module creation.
#include <algorithm>
#include <string>
#include <vector>

#include "vm/interpreter.hpp"
#include "vm/objects/generator.hpp"
#include "vm/ops.hpp"

namespace asy::vm {

uint32_t Args::nkw() const { return kwnames == nullptr ? 0 : static_cast<uint32_t>(kwnames->items.size()); }

void Function::trace(Tracer& t) {
    t.mark(code);
    t.mark(globals);
    t.mark(defaults);
    t.mark(kwdefaults);
    t.mark(closure);
    t.mark(name);
    t.mark(qualname);
    t.mark(module);
    t.mark(doc);
    t.mark(annotations);
}

void Module::trace(Tracer& t) { t.mark(name); }

// ---- argument binding ------------------------------------------------------------------------

namespace {

std::string qualname_of(Function* fn) {
    if (fn->qualname.is_obj()) return static_cast<Str*>(fn->qualname.o)->s;
    return fn->code->qualname != nullptr ? fn->code->qualname->s : "?";
}

// "'a'", "'a' and 'b'", "'a', 'b', and 'c'" (CPython's format_missing).
std::string join_names(const std::vector<std::string>& names) {
    std::vector<std::string> q;
    for (auto& n : names) q.push_back("'" + n + "'");
    if (q.size() == 1) return q[0];
    if (q.size() == 2) return q[0] + " and " + q[1];
    std::string s;
    for (size_t i = 0; i + 2 < q.size(); ++i) s += q[i] + ", ";
    return s + q[q.size() - 2] + ", and " + q.back();
}

void missing_arguments(VM& vm, Function* fn, const std::vector<std::string>& names, const char* kind) {
    vm.raise_format(vm.exc.TypeError, "%s() missing %zu required %s argument%s: %s", qualname_of(fn).c_str(),
                    names.size(), kind, names.size() == 1 ? "" : "s", join_names(names).c_str());
}

void too_many_positional(VM& vm, Function* fn, uint32_t given, const Value* slots) {
    const Code& c = *fn->code->code;
    uint32_t argcount = static_cast<uint32_t>(c.argcount);
    uint32_t kwonly_given = 0;
    for (uint32_t i = argcount; i < argcount + static_cast<uint32_t>(c.kwonlyargcount); ++i)
        if (!slots[i].is_empty()) ++kwonly_given;
    size_t defcount = fn->defaults != nullptr ? fn->defaults->items.size() : 0;
    std::string sig;
    bool plural;
    if (defcount != 0) {
        plural = true;
        sig = "from " + std::to_string(argcount - defcount) + " to " + std::to_string(argcount);
    } else {
        plural = argcount != 1;
        sig = std::to_string(argcount);
    }
    std::string kwonly_sig;
    if (kwonly_given != 0) {
        kwonly_sig = std::string(" positional argument") + (given != 1 ? "s" : "") + " (and " +
                     std::to_string(kwonly_given) + " keyword-only argument" + (kwonly_given != 1 ? "s" : "") + ")";
    }
    vm.raise_format(vm.exc.TypeError, "%s() takes %s positional argument%s but %u%s %s given",
                    qualname_of(fn).c_str(), sig.c_str(), plural ? "s" : "", given, kwonly_sig.c_str(),
                    given == 1 && kwonly_given == 0 ? "was" : "were");
}

// Cells for cellvars (initialised from their argument when cell2arg says so) and the closure's
// cells into the freevar slots.
void init_cells(VM& vm, Frame* f, Function* fn) {
    CodeObj* co = f->code;
    const Code& c = *co->code;
    size_t ncell = c.cellvars.size(), nfree = c.freevars.size();
    if (ncell == 0 && nfree == 0) return;
    Value* slots = f->localsplus();
    size_t nvar = co->varnames.size();
    for (size_t i = 0; i < ncell; ++i) {
        auto* cell = vm.alloc<Cell>(vm.types.cell);
        int a = i < c.cell2arg.size() ? c.cell2arg[i] : -1;
        if (a >= 0) cell->value = slots[a];
        slots[nvar + i] = Value::object(cell);
    }
    Tuple* closure = fn != nullptr ? fn->closure : nullptr;
    for (size_t j = 0; j < nfree; ++j) {
        if (closure != nullptr && j < closure->items.size()) {
            slots[nvar + ncell + j] = closure->items[j];
        } else {
            slots[nvar + ncell + j] = Value::object(vm.alloc<Cell>(vm.types.cell));
        }
    }
}

}  // namespace

bool bind_arguments(VM& vm, Frame* f, Function* fn, const Value* pos, uint32_t npos, const Value* kwvalues,
                    Tuple* kwnames) {
    CodeObj* co = fn->code;
    const Code& c = *co->code;
    Value* slots = f->localsplus();
    const uint32_t argcount = static_cast<uint32_t>(c.argcount);
    const uint32_t kwonly = static_cast<uint32_t>(c.kwonlyargcount);
    const uint32_t posonly = static_cast<uint32_t>(c.posonlyargcount);
    const uint32_t total = argcount + kwonly;
    const bool varargs = (c.flags & kCoVarargs) != 0;
    const bool varkw = (c.flags & kCoVarkeywords) != 0;
    const uint32_t nkw = kwnames != nullptr ? static_cast<uint32_t>(kwnames->items.size()) : 0;

    if (nkw == 0 && npos == argcount && !varargs && !varkw && kwonly == 0) {
        for (uint32_t i = 0; i < npos; ++i) slots[i] = pos[i];
        init_cells(vm, f, fn);
        return true;
    }
    Dict* kwdict = nullptr;
    if (varkw) {
        kwdict = new_dict(vm);
        slots[total + (varargs ? 1 : 0)] = Value::object(kwdict);
    }
    uint32_t n = std::min(npos, argcount);
    for (uint32_t i = 0; i < n; ++i) slots[i] = pos[i];
    if (varargs) {
        Tuple* rest = npos > n ? new_tuple(vm, pos + n, npos - n) : new_tuple(vm, 0);
        slots[total] = Value::object(rest);
    }
    for (uint32_t i = 0; i < nkw; ++i) {
        Value key = kwnames->items[i];
        if (!(key.is_obj() && key.o->type->layout == Layout::Str)) {
            vm.raise_format(vm.exc.TypeError, "%s() keywords must be strings", qualname_of(fn).c_str());
            return false;
        }
        auto* k = static_cast<Str*>(key.o);
        uint32_t j = posonly;
        for (; j < total; ++j)
            if (co->varnames[j] == k) break;
        if (j == total)
            for (j = posonly; j < total; ++j)
                if (co->varnames[j]->s == k->s) break;
        if (j == total) {
            if (kwdict != nullptr) {
                if (!dict_set(vm, kwdict, key, kwvalues[i])) return false;
                continue;
            }
            std::vector<std::string> posonly_names;
            for (uint32_t p = 0; p < posonly; ++p)
                if (co->varnames[p]->s == k->s) posonly_names.push_back(k->s);
            if (!posonly_names.empty()) {
                // Report every positional-only name passed as a keyword.
                posonly_names.clear();
                for (uint32_t q = 0; q < nkw; ++q) {
                    auto* kq = static_cast<Str*>(kwnames->items[q].o);
                    for (uint32_t p = 0; p < posonly; ++p)
                        if (co->varnames[p]->s == kq->s) posonly_names.push_back(kq->s);
                }
                std::string joined;
                for (size_t q = 0; q < posonly_names.size(); ++q) joined += (q ? ", " : "") + posonly_names[q];
                vm.raise_format(vm.exc.TypeError,
                                "%s() got some positional-only arguments passed as keyword arguments: '%s'",
                                qualname_of(fn).c_str(), joined.c_str());
                return false;
            }
            vm.raise_format(vm.exc.TypeError, "%s() got an unexpected keyword argument '%s'",
                            qualname_of(fn).c_str(), k->s.c_str());
            return false;
        }
        if (!slots[j].is_empty()) {
            vm.raise_format(vm.exc.TypeError, "%s() got multiple values for argument '%s'", qualname_of(fn).c_str(),
                            k->s.c_str());
            return false;
        }
        slots[j] = kwvalues[i];
    }
    if (npos > argcount && !varargs) {
        too_many_positional(vm, fn, npos, slots);
        return false;
    }
    if (npos < argcount) {
        size_t defcount = fn->defaults != nullptr ? fn->defaults->items.size() : 0;
        uint32_t m = argcount - static_cast<uint32_t>(std::min<size_t>(defcount, argcount));
        std::vector<std::string> missing;
        for (uint32_t i = n; i < m; ++i)
            if (slots[i].is_empty()) missing.push_back(co->varnames[i]->s);
        if (!missing.empty()) {
            missing_arguments(vm, fn, missing, "positional");
            return false;
        }
        for (size_t i = (n > m ? n - m : 0); i < defcount; ++i)
            if (slots[m + i].is_empty()) slots[m + i] = fn->defaults->items[i];
    }
    if (kwonly > 0) {
        std::vector<std::string> missing;
        for (uint32_t i = argcount; i < total; ++i) {
            if (!slots[i].is_empty()) continue;
            Value d;
            if (fn->kwdefaults != nullptr) d = dict_get_str(fn->kwdefaults, co->varnames[i]);
            if (!d.is_empty()) slots[i] = d;
            else missing.push_back(co->varnames[i]->s);
        }
        if (!missing.empty()) {
            missing_arguments(vm, fn, missing, "keyword-only");
            return false;
        }
    }
    init_cells(vm, f, fn);
    return true;
}

// ---- calls -----------------------------------------------------------------------------------

Value call_function(VM& vm, Function* fn, const Args& args) {
    Frame* f = new_frame(vm, fn->code, fn, fn->globals, nullptr);
    if (!bind_arguments(vm, f, fn, args.pos, args.npos, args.kwvalues, args.kwnames)) {
        free_frame(vm, f);
        return Value::empty();
    }
    if (fn->code->code->flags & (kCoGenerator | kCoCoroutine | kCoAsyncGenerator))
        return Value::object(new_generator(vm, fn, f));
    return run_frame(vm, f);
}

namespace {

Value call_native(VM& vm, NativeFunction* nf, const Args& a) {
    size_t mark = vm.heap.mark();
    Value r;
    if (nf->self.is_empty()) {
        r = nf->fn(vm, a);
    } else {
        // Bound self goes in front of the arguments; on the C++ stack for the usual few (no
        // allocation per call, e.g. a coroutine's bound send() driven by an event loop).
        Value small[6];
        std::vector<Value> big;
        Value* pos = small;
        if (a.npos + 1 > std::size(small)) {
            big.resize(a.npos + 1);
            pos = big.data();
        }
        pos[0] = nf->self;
        std::copy(a.pos, a.pos + a.npos, pos + 1);
        r = nf->fn(vm, Args{pos, a.npos + 1, a.kwvalues, a.kwnames});
    }
    vm.heap.release(mark);
    if (r.is_obj()) vm.heap.pin(r.o);
    else if (r.is_empty() && !vm.has_pending())
        vm.raise(vm.exc.SystemError, "native function returned no result without an exception");
    return r;
}

// Call `descr` (found on a type) as a method of `self` with `a`.
Value call_bound(VM& vm, Value descr, Value self, const Args& a) {
    std::vector<Value> pos(a.npos + 1);
    pos[0] = self;
    std::copy(a.pos, a.pos + a.npos, pos.begin() + 1);
    Args b{pos.data(), a.npos + 1, a.kwvalues, a.kwnames};
    if (descr.is_obj()) {
        Type* t = descr.o->type;
        if (t == vm.types.function) return call_function(vm, static_cast<Function*>(descr.o), b);
        if (t == vm.types.native_function && static_cast<NativeFunction*>(descr.o)->is_method)
            return call_native(vm, static_cast<NativeFunction*>(descr.o), b);
    }
    // Any other descriptor (staticmethod, classmethod, callables): bind through __get__.
    Value getter = type_lookup(type_of(vm, descr), vm.names.__get__);
    if (getter.is_empty()) return call_object(vm, descr, a);
    Value gargs[3] = {descr, self, Value::object(type_of(vm, self))};
    Value bound = vm.call(getter, gargs, 3);
    if (bound.is_empty()) return bound;
    return call_object(vm, bound, a);
}

}  // namespace

Value call_object(VM& vm, Value callable, const Args& args) {
    if (callable.is_obj()) {
        Type* t = callable.o->type;
        switch (t->layout) {
        case Layout::Function:
            if (t == vm.types.function) return call_function(vm, static_cast<Function*>(callable.o), args);
            break;
        case Layout::NativeFunction:
            if (t == vm.types.native_function) return call_native(vm, static_cast<NativeFunction*>(callable.o), args);
            break;
        case Layout::BoundMethod:
            if (t == vm.types.bound_method) {
                auto* bm = static_cast<BoundMethod*>(callable.o);
                std::vector<Value> pos(args.npos + 1);
                pos[0] = bm->self;
                std::copy(args.pos, args.pos + args.npos, pos.begin() + 1);
                return call_object(vm, bm->func, Args{pos.data(), args.npos + 1, args.kwvalues, args.kwnames});
            }
            break;
        default: break;
        }
        Value descr = type_lookup(t, vm.names.__call__);
        if (t->layout == Layout::Type &&
            (descr.is_empty() || t == vm.types.type || descr.identical(type_lookup(vm.types.type, vm.names.__call__))))
            return type_call(vm, static_cast<Type*>(callable.o), args);
        if (!descr.is_empty()) {
            if (!enter_recursion(vm, " while calling a Python object")) return Value::empty();
            Value r = call_bound(vm, descr, callable, args);
            leave_recursion(vm);
            return r;
        }
    }
    return vm.raise_format(vm.exc.TypeError, "'%s' object is not callable", type_name(vm, callable).c_str());
}

Value VM::call(Value callable, const Value* args, size_t nargs, Tuple* kwnames) {
    Args a{args, static_cast<uint32_t>(nargs), args + nargs, kwnames};
    return call_object(*this, callable, a);
}

Value VM::call_method(Value obj, Str* name, std::initializer_list<Value> args) {
    Value m;
    bool is_method = get_method(*this, obj, name, &m);
    if (m.is_empty()) return m;
    if (!is_method) return call(m, args.begin(), args.size());
    std::vector<Value> pos(args.size() + 1);
    pos[0] = obj;
    std::copy(args.begin(), args.end(), pos.begin() + 1);
    return call(m, pos.data(), pos.size());
}

// ---- class bodies, super(), module code -----------------------------------------------------

Value call_with_locals(VM& vm, Function* func, Dict* locals) {
    Frame* f = new_frame(vm, func->code, func, func->globals, locals);
    init_cells(vm, f, func);
    return run_frame(vm, f);
}

bool current_super_args(VM& vm, Value* type, Value* self) {
    Frame* f = vm.frame;
    if (f == nullptr || f->func == nullptr) {
        vm.raise(vm.exc.RuntimeError, "super(): no arguments");
        return false;
    }
    CodeObj* co = f->code;
    const Code& c = *co->code;
    if (c.argcount == 0 && (c.flags & kCoVarargs) == 0) {
        vm.raise(vm.exc.RuntimeError, "super(): no arguments");
        return false;
    }
    Value* slots = f->localsplus();
    size_t nvar = co->varnames.size();
    Value first = slots[0];
    for (size_t i = 0; i < c.cell2arg.size(); ++i) {
        if (c.cell2arg[i] == 0) {
            first = static_cast<Cell*>(slots[nvar + i].o)->value;
            break;
        }
    }
    if (c.argcount == 0) {
        // def m(*args): super() uses args[0].
        Value va = slots[c.kwonlyargcount];
        if (va.is_obj() && va.o->type == vm.types.tuple && !static_cast<Tuple*>(va.o)->items.empty())
            first = static_cast<Tuple*>(va.o)->items[0];
        else first = Value();
    }
    if (first.is_empty()) {
        vm.raise(vm.exc.RuntimeError, "super(): arg[0] deleted");
        return false;
    }
    size_t ncell = c.cellvars.size();
    for (size_t j = 0; j < c.freevars.size(); ++j) {
        if (c.freevars[j] != "__class__") continue;
        Value cell = slots[nvar + ncell + j];
        Value cls = cell.is_obj() ? static_cast<Cell*>(cell.o)->value : Value();
        if (cls.is_empty()) {
            vm.raise(vm.exc.RuntimeError, "super(): empty __class__ cell");
            return false;
        }
        if (!(cls.is_obj() && cls.o->type->layout == Layout::Type)) {
            vm.raise_format(vm.exc.RuntimeError, "super(): __class__ is not a type (%s)", type_name(vm, cls).c_str());
            return false;
        }
        *type = cls;
        *self = first;
        return true;
    }
    vm.raise(vm.exc.RuntimeError, "super(): __class__ cell not found");
    return false;
}

Value run_code_with_locals(VM& vm, CodeObj* code, Dict* globals, Dict* locals) {
    if (dict_get_str(globals, vm.names.__builtins__).is_empty())
        dict_set_str(vm, globals, vm.names.__builtins__, Value::object(vm.builtins_module));
    Frame* f = new_frame(vm, code, nullptr, globals, locals);
    init_cells(vm, f, nullptr);
    return run_frame(vm, f);
}

Value VM::run_code(std::shared_ptr<const Code> code, Dict* globals) {
    CodeObj* co = load_code(*this, std::move(code));
    return run_code_with_locals(*this, co, globals, globals);
}

Module* VM::new_module(std::string_view name, std::string_view file) {
    auto* m = alloc<Module>(types.module);
    m->name = intern(name);
    m->dict = new_dict(*this);
    dict_set_str(*this, m->dict, names.__name__, Value::object(m->name));
    dict_set_str(*this, m->dict, names.__doc__, Value::none());
    dict_set_str(*this, m->dict, names.__package__, Value::none());
    dict_set_str(*this, m->dict, names.__loader__, Value::none());
    dict_set_str(*this, m->dict, names.__spec__, Value::none());
    dict_set_str(*this, m->dict, names.__builtins__, Value::object(builtins_module));
    if (!file.empty()) dict_set_str(*this, m->dict, names.__file__, str_value(*this, file));
    return m;
}

}  // namespace asy::vm
