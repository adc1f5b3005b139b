// The standard exception hierarchy (CPython 3.11's tree) and BaseException's methods and
// attributes, the special behaviour of its subclasses (KeyError.__str__, OSError's errno
// mapping, StopIteration.value, ...), and the VM's raise helpers.
#include <cerrno>
#include <cstdarg>
#include <cstdio>

#include "vm/exception_group.hpp"
#include "vm/init.hpp"
#include "vm/traceback.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm {

void Exception::trace(Tracer& t) {
    t.mark(args);
    t.mark(cause);
    t.mark(context);
    t.mark(notes);
    t.mark(tb_object);
    for (const TracebackEntry& e : traceback.raw()) t.mark(reinterpret_cast<Obj*>(e.code));
}

// BaseExceptionGroup instances keep `message` and `exceptions` in fields, exposed as read-only
// getset descriptors as in CPython (not in the instance dict).
struct ExceptionGroupObj : Exception {
    Value message;
    Value exceptions;
    void trace(Tracer& t) override {
        Exception::trace(t);
        t.mark(message);
        t.mark(exceptions);
    }
};

static Obj* alloc_exception(VM& vm, Type* t) {
    Tuple* args = new_tuple(vm, 0);
    Exception* e = vm.alloc<Exception>(t);
    e->args = args;
    return e;
}
// An instance of `t` with `args` (already allocated: no empty tuple made only to be replaced).
static Exception* alloc_exception_with(VM& vm, Type* t, Tuple* args) {
    if (t->alloc_instance == nullptr || t->alloc_instance == alloc_exception) {
        Exception* e = vm.alloc<Exception>(t);
        e->args = args;
        return e;
    }
    auto* e = static_cast<Exception*>(t->alloc_instance(vm, t));
    e->args = args;
    return e;
}
static Obj* alloc_group(VM& vm, Type* t) {
    ExceptionGroupObj* e = vm.alloc<ExceptionGroupObj>(t);
    e->args = new_tuple(vm, 0);
    e->message = Value::none();
    e->exceptions = Value::none();
    return e;
}
// Null unless `v` was allocated as a group (BaseExceptionGroup methods can be called on others).
static ExceptionGroupObj* group_of(Value v) {
    return v.is_obj() && v.o->type->alloc_instance == alloc_group ? static_cast<ExceptionGroupObj*>(v.o) : nullptr;
}
static Value group_message(Value v) {
    ExceptionGroupObj* g = group_of(v);
    return g != nullptr ? g->message : Value::none();
}
static Value group_exceptions(Value v) {
    ExceptionGroupObj* g = group_of(v);
    return g != nullptr ? g->exceptions : Value::none();
}

bool is_exception_instance(VM& vm, Value v) {
    return v.is_obj() && v.o->type->layout == Layout::Exception && is_subtype(v.o->type, vm.exc.BaseException);
}

static Exception* exc_self(VM& vm, const Args& a, const char* what) {
    if (a.npos < 1 || !is_exception_instance(vm, a.pos[0])) {
        vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a 'BaseException' object", what);
        return nullptr;
    }
    return static_cast<Exception*>(a.pos[0].o);
}

static Exception* as_exc(Value v) { return static_cast<Exception*>(v.o); }

static Tuple* rest_tuple(VM& vm, const Args& a) { return new_tuple(vm, a.pos + 1, a.npos - 1); }

// Keyword arguments allowed by some subclasses' __init__ (name=, obj=, path=): stored as
// instance attributes. Any other keyword is an error, worded as CPython.
static bool take_kwargs(VM& vm, const Args& a, Exception* e, std::initializer_list<const char*> allowed) {
    uint32_t n = kwcount(a);
    for (uint32_t i = 0; i < n; ++i) {
        Value k = a.kwnames->items[i];
        bool ok = false;
        for (const char* name : allowed)
            if (sv(k) == name) ok = true;
        if (!ok) {
            if (allowed.size() == 0) {
                vm.raise_format(vm.exc.TypeError, "%s() takes no keyword arguments", e->type->name->s.c_str());
            } else {
                Str* r = repr(vm, k);
                vm.raise_format(vm.exc.TypeError, "%s is an invalid keyword argument for %s()", r ? r->s.c_str() : "?",
                                e->type->name->s.c_str());
            }
            return false;
        }
        if (!e->dict) e->dict = new_dict(vm);
        dict_set_str(vm, e->dict, vm.intern(sv(k)), a.kwvalues[i]);
    }
    return true;
}

// ---- BaseException ----------------------------------------------------------------------------

static Value exc_new(VM& vm, const Args& a) {
    if (a.npos < 1 || !is_type_obj(a.pos[0]) || !is_subtype(as_type(a.pos[0]), vm.exc.BaseException))
        return vm.raise(vm.exc.TypeError, "BaseException.__new__(X): X is not a subtype of BaseException");
    Type* t = as_type(a.pos[0]);
    if (!t->alloc_instance) return vm.raise_format(vm.exc.TypeError, "cannot create '%s' instances", t->name->s.c_str());
    return Value::object(alloc_exception_with(vm, t, rest_tuple(vm, a)));
}

static Value exc_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {})) return Value::empty();
    // After __new__ with the same arguments (the usual `raise E(x)`) args already holds them.
    const auto& cur = e->args->items;
    bool same = cur.size() == a.npos - 1;
    for (size_t i = 0; same && i < cur.size(); ++i) same = cur[i].identical(a.pos[i + 1]);
    if (!same) e->args = rest_tuple(vm, a);
    return Value::none();
}

static Value exc_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    size_t n = e->args->items.size();
    if (n == 0) return Value::object(vm.intern(""));
    Str* s = n == 1 ? to_str(vm, e->args->items[0]) : repr(vm, Value::object(e->args));
    return s ? Value::object(s) : Value::empty();
}

static Value exc_repr(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__repr__");
    if (!e) return Value::empty();
    std::string s = e->type->name->s;
    size_t n = e->args->items.size();
    if (n == 1) {
        Str* r = repr(vm, e->args->items[0]);
        if (!r) return Value::empty();
        s += "(" + r->s + ")";
    } else {
        Str* r = repr(vm, Value::object(e->args));
        if (!r) return Value::empty();
        s += r->s;
    }
    return str_value(vm, s);
}

static Value exc_with_traceback(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "with_traceback");
    if (!e || !check_args(vm, a, "with_traceback", 2, 2)) return Value::empty();
    if (!assign_traceback(vm, a.pos[0], a.pos[1])) return Value::empty();
    return a.pos[0];
}

static Value exc_add_note(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "add_note");
    if (!e || !check_args(vm, a, "add_note", 2, 2)) return Value::empty();
    if (!is_str_value(a.pos[1]))
        return vm.raise_format(vm.exc.TypeError, "note must be a str, not '%s'", type_name(vm, a.pos[1]).c_str());
    Value notes = e->dict ? dict_get_str(e->dict, vm.names.__notes__) : Value::empty();
    if (notes.is_empty()) {
        notes = Value::object(new_list(vm));
        if (!e->dict) e->dict = new_dict(vm);
        dict_set_str(vm, e->dict, vm.names.__notes__, notes);
    }
    if (!(notes.is_obj() && notes.o->type->layout == Layout::List))
        return vm.raise(vm.exc.TypeError, "Cannot add note: __notes__ is not a list");
    static_cast<List*>(notes.o)->items.push_back(a.pos[1]);
    e->notes = notes;
    return Value::none();
}

static Value get_args(VM&, Value o, GetSetDescr*) { return Value::object(as_exc(o)->args); }
static bool set_args(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty()) {
        vm.raise(vm.exc.TypeError, "args may not be deleted");
        return false;
    }
    Tuple* t = v.is_obj() && v.o->type == vm.types.tuple ? static_cast<Tuple*>(v.o) : tuple_from_iterable(vm, v);
    if (!t) return false;
    as_exc(o)->args = t;
    return true;
}
// The traceback lives in Exception::traceback; __traceback__ is a view of it (cached while the
// entries do not change).
static Value get_traceback(VM& vm, Value o, GetSetDescr*) { return make_traceback(vm, o); }
static bool set_traceback(VM& vm, Value o, Value v, GetSetDescr*) {
    if (v.is_empty()) {
        vm.raise(vm.exc.TypeError, "__traceback__ may not be deleted");
        return false;
    }
    return assign_traceback(vm, o, v);
}
static Value get_cause(VM&, Value o, GetSetDescr*) {
    Value c = as_exc(o)->cause;
    return c.is_empty() ? Value::none() : c;
}
static bool set_exc_link(VM& vm, Value o, Value v, bool cause) {
    if (v.is_empty()) {
        vm.raise_format(vm.exc.TypeError, "%s may not be deleted", cause ? "__cause__" : "__context__");
        return false;
    }
    if (!v.is_none() && !is_exception_instance(vm, v)) {
        vm.raise_format(vm.exc.TypeError, "exception %s must be None or derive from BaseException",
                        cause ? "cause" : "context");
        return false;
    }
    if (cause) {
        as_exc(o)->cause = v;
        as_exc(o)->suppress_context = true;
    } else {
        as_exc(o)->context = v;
    }
    return true;
}
static bool set_cause(VM& vm, Value o, Value v, GetSetDescr*) { return set_exc_link(vm, o, v, true); }
static Value get_context(VM&, Value o, GetSetDescr*) {
    Value c = as_exc(o)->context;
    return c.is_empty() ? Value::none() : c;
}
static bool set_context(VM& vm, Value o, Value v, GetSetDescr*) { return set_exc_link(vm, o, v, false); }
static Value get_suppress(VM&, Value o, GetSetDescr*) { return Value::boolean(as_exc(o)->suppress_context); }
static bool set_suppress(VM& vm, Value o, Value v, GetSetDescr*) {
    int b = v.is_empty() ? 0 : truthy(vm, v);
    if (b < 0) return false;
    as_exc(o)->suppress_context = b;
    return true;
}

// Attributes computed from args unless assigned (kept in the instance dict then).
static Value arg_attr(VM& vm, Value o, GetSetDescr* d) {
    if (o.o->dict) {
        Value v = dict_get_str(o.o->dict, d->name);
        if (!v.is_empty()) return v;
    }
    Tuple* args = as_exc(o)->args;
    size_t n = args->items.size();
    if (d->data.is_int()) {
        int64_t i = d->data.i;
        return static_cast<size_t>(i) < n ? args->items[i] : Value::none();
    }
    // SystemExit.code: None, the single argument, or the args tuple.
    if (n == 0) return Value::none();
    return n == 1 ? args->items[0] : Value::object(args);
}
static bool set_arg_attr(VM& vm, Value o, Value v, GetSetDescr* d) {
    if (!o.o->dict) o.o->dict = new_dict(vm);
    if (v.is_empty()) {
        dict_del_str(o.o->dict, d->name);
        return true;
    }
    dict_set_str(vm, o.o->dict, d->name, v);
    return true;
}

static Value dict_attr(VM& vm, Value o, const char* name) {
    if (!o.o->dict) return Value::none();
    Value v = dict_get_str(o.o->dict, vm.intern(name));
    return v.is_empty() ? Value::none() : v;
}
static void set_dict_attr(VM& vm, Value o, const char* name, Value v) {
    if (!o.o->dict) o.o->dict = new_dict(vm);
    dict_set_str(vm, o.o->dict, vm.intern(name), v);
}

// ---- subclasses -------------------------------------------------------------------------------

static Value keyerror_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    if (e->args->items.size() == 1) {
        Str* s = repr(vm, e->args->items[0]);
        return s ? Value::object(s) : Value::empty();
    }
    return exc_str(vm, a);
}

static Type* oserror_subclass(VM& vm, int64_t err) {
    switch (err) {
    case EAGAIN: case EALREADY: case EINPROGRESS: return vm.exc.BlockingIOError;
    case ECHILD: return vm.exc.ChildProcessError;
    case EPIPE: case ESHUTDOWN: return vm.exc.BrokenPipeError;
    case ECONNABORTED: return vm.exc.ConnectionAbortedError;
    case ECONNREFUSED: return vm.exc.ConnectionRefusedError;
    case ECONNRESET: return vm.exc.ConnectionResetError;
    case EEXIST: return vm.exc.FileExistsError;
    case ENOENT: return vm.exc.FileNotFoundError;
    case EISDIR: return vm.exc.IsADirectoryError;
    case ENOTDIR: return vm.exc.NotADirectoryError;
    case EINTR: return vm.exc.InterruptedError;
    case EACCES: case EPERM: return vm.exc.PermissionError;
    case ESRCH: return vm.exc.ProcessLookupError;
    case ETIMEDOUT: return vm.exc.TimeoutError;
    default: return nullptr;
    }
}

static Value oserror_new(VM& vm, const Args& a) {
    if (a.npos >= 1 && is_type_obj(a.pos[0]) && as_type(a.pos[0]) == vm.exc.OSError && a.npos >= 3 && a.pos[1].is_int()) {
        if (Type* sub = oserror_subclass(vm, a.pos[1].i)) {
            std::vector<Value> v(a.pos, a.pos + a.npos);
            v[0] = Value::object(sub);
            Args b = a;
            b.pos = v.data();
            return exc_new(vm, b);
        }
    }
    return exc_new(vm, a);
}

static Value oserror_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {})) return Value::empty();
    uint32_t n = a.npos - 1;
    const Value* p = a.pos + 1;
    e->args = new_tuple(vm, p, n);
    Value self = a.pos[0];
    if (n >= 2 && n <= 5) {
        set_dict_attr(vm, self, "errno", p[0]);
        set_dict_attr(vm, self, "strerror", p[1]);
        if (n >= 3) {
            set_dict_attr(vm, self, "filename", p[2]);
            if (n >= 5) set_dict_attr(vm, self, "filename2", p[4]);
            // With a filename, args keeps only (errno, strerror), as CPython.
            e->args = new_tuple(vm, p, 2);
        }
    }
    return Value::none();
}

static Value oserror_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    Value self = a.pos[0];
    Value err = dict_attr(vm, self, "errno"), msg = dict_attr(vm, self, "strerror");
    Value fn = dict_attr(vm, self, "filename"), fn2 = dict_attr(vm, self, "filename2");
    if (err.is_none() && msg.is_none()) return exc_str(vm, a);
    Str* es = to_str(vm, err);
    Str* ms = es ? to_str(vm, msg) : nullptr;
    if (!ms) return Value::empty();
    std::string s = "[Errno " + es->s + "] " + ms->s;
    if (!fn.is_none()) {
        Str* f = repr(vm, fn);
        if (!f) return Value::empty();
        s += ": " + f->s;
        if (!fn2.is_none()) {
            Str* f2 = repr(vm, fn2);
            if (!f2) return Value::empty();
            s += " -> " + f2->s;
        }
    }
    return str_value(vm, s);
}

static Value importerror_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {"name", "path"})) return Value::empty();
    e->args = rest_tuple(vm, a);
    set_dict_attr(vm, a.pos[0], "msg", a.npos == 2 ? a.pos[1] : Value::none());
    return Value::none();
}

static Value importerror_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    Value msg = dict_attr(vm, a.pos[0], "msg");
    if (!msg.is_none()) {
        Str* s = to_str(vm, msg);
        return s ? Value::object(s) : Value::empty();
    }
    return exc_str(vm, a);
}

static Value nameerror_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {"name"})) return Value::empty();
    e->args = rest_tuple(vm, a);
    return Value::none();
}

static Value attributeerror_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {"name", "obj"})) return Value::empty();
    e->args = rest_tuple(vm, a);
    return Value::none();
}

static Value syntaxerror_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {})) return Value::empty();
    e->args = rest_tuple(vm, a);
    Value self = a.pos[0];
    if (a.npos >= 2) set_dict_attr(vm, self, "msg", a.pos[1]);
    if (a.npos == 3) {
        Value info = a.pos[2];
        if (!(info.is_obj() && info.o->type->layout == Layout::Tuple))
            return vm.raise(vm.exc.TypeError, "SyntaxError() argument 2 must be tuple");
        auto& it = static_cast<Tuple*>(info.o)->items;
        if (it.size() < 4 || it.size() > 6) return vm.raise(vm.exc.IndexError, "tuple index out of range");
        const char* names[] = {"filename", "lineno", "offset", "text", "end_lineno", "end_offset"};
        for (size_t i = 0; i < it.size(); ++i) set_dict_attr(vm, self, names[i], it[i]);
    }
    return Value::none();
}

static Value syntaxerror_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    Value self = a.pos[0];
    Value msg = dict_attr(vm, self, "msg");
    Str* ms = to_str(vm, msg.is_none() && !e->args->items.empty() ? e->args->items[0] : msg);
    if (!ms) return Value::empty();
    Value fn = dict_attr(vm, self, "filename"), ln = dict_attr(vm, self, "lineno");
    std::string s = ms->s;
    std::string base;
    if (is_str_value(fn)) {
        std::string_view f = sv(fn);
        size_t slash = f.rfind('/');
        base = std::string(slash == std::string_view::npos ? f : f.substr(slash + 1));
    }
    if (!base.empty() && ln.is_int()) s += " (" + base + ", line " + std::to_string(ln.i) + ")";
    else if (!base.empty()) s += " (" + base + ")";
    else if (ln.is_int()) s += " (line " + std::to_string(ln.i) + ")";
    return str_value(vm, s);
}

static Value unicodeerror_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e || !take_kwargs(vm, a, e, {})) return Value::empty();
    e->args = rest_tuple(vm, a);
    if (a.npos == 6) {
        const char* names[] = {"encoding", "object", "start", "end", "reason"};
        for (int i = 0; i < 5; ++i) set_dict_attr(vm, a.pos[0], names[i], a.pos[1 + i]);
    }
    return Value::none();
}

static Value unicodeerror_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    Value self = a.pos[0];
    Value enc = dict_attr(vm, self, "encoding"), obj = dict_attr(vm, self, "object");
    Value start = dict_attr(vm, self, "start"), end = dict_attr(vm, self, "end"), reason = dict_attr(vm, self, "reason");
    if (!is_str_value(enc) || !start.is_int() || !end.is_int() || !is_str_value(reason)) return exc_str(vm, a);
    bool decode = is_subtype(e->type, vm.exc.UnicodeDecodeError);
    std::string s = "'" + std::string(sv(enc)) + "' codec can't " + (decode ? "decode" : "encode") + " ";
    char buf[64];
    if (decode && end.i == start.i + 1) {
        // The offending byte, from the bytes object's repr-independent value via indexing.
        Value byte = get_item(vm, obj, start);
        if (byte.is_empty()) return byte;
        std::snprintf(buf, sizeof buf, "byte 0x%02x in position %lld", static_cast<unsigned>(byte.is_int() ? byte.i : 0),
                      static_cast<long long>(start.i));
        s += buf;
    } else if (!decode && end.i == start.i + 1) {
        Value ch = get_item(vm, obj, start);
        if (ch.is_empty()) return ch;
        Str* r = ascii_repr(vm, ch);
        if (!r) return Value::empty();
        std::snprintf(buf, sizeof buf, " in position %lld", static_cast<long long>(start.i));
        s += "character '" + r->s.substr(1, r->s.size() - 2) + "'" + buf;
    } else {
        std::snprintf(buf, sizeof buf, "%s in position %lld-%lld", decode ? "bytes" : "characters",
                      static_cast<long long>(start.i), static_cast<long long>(end.i - 1));
        s += buf;
    }
    s += ": " + std::string(sv(reason));
    return str_value(vm, s);
}

// ---- BaseExceptionGroup / ExceptionGroup ---------------------------------------------------

// BaseExceptionGroup(message, exceptions): BaseExceptionGroup itself becomes ExceptionGroup
// when every member is an Exception; ExceptionGroup (and Exception subclasses) refuse to nest
// BaseExceptions.
static Value eg_new(VM& vm, const Args& a) {
    Type* cls = as_type(a.pos[0]);
    if (kwcount(a) > 0)
        return vm.raise_format(vm.exc.TypeError, "%s() takes no keyword arguments", cls->name->s.c_str());
    if (a.npos != 3)
        return vm.raise_format(vm.exc.TypeError, "BaseExceptionGroup.__new__() takes exactly 2 arguments (%u given)",
                               a.npos ? a.npos - 1 : 0);
    if (!is_str_value(a.pos[1]))
        return vm.raise_format(vm.exc.TypeError, "BaseExceptionGroup.__new__() argument 1 must be str, not %s",
                               type_name(vm, a.pos[1]).c_str());
    Value seq = a.pos[2];
    Type* st = type_of(vm, seq);
    if (is_subtype(st, vm.types.dict) || type_lookup(st, vm.intern("__getitem__")).is_empty())
        return vm.raise(vm.exc.TypeError, "second argument (exceptions) must be a sequence");
    List* excs = list_from_iterable(vm, seq);
    if (!excs) return Value::empty();
    if (excs->items.empty()) return vm.raise(vm.exc.ValueError, "second argument (exceptions) must be a non-empty sequence");
    bool nested_base = false;
    for (size_t i = 0; i < excs->items.size(); ++i) {
        Value v = excs->items[i];
        if (!is_exception_instance(vm, v))
            return vm.raise_format(vm.exc.ValueError, "Item %zu of second argument (exceptions) is not an exception", i);
        if (!is_instance(vm, v, vm.exc.Exception)) nested_base = true;
    }
    if (cls == vm.exc.BaseExceptionGroup) {
        if (!nested_base) cls = vm.exc.ExceptionGroup;
    } else if (cls == vm.exc.ExceptionGroup) {
        if (nested_base) return vm.raise(vm.exc.TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
    } else if (nested_base && is_subtype(cls, vm.exc.Exception)) {
        return vm.raise_format(vm.exc.TypeError, "Cannot nest BaseExceptions in '%s'", cls->name->s.c_str());
    }
    Exception* e = static_cast<Exception*>(cls->alloc_instance(vm, cls));
    Value self = Value::object(e);
    Value items[2] = {a.pos[1], seq};
    e->args = new_tuple(vm, items, 2);
    if (ExceptionGroupObj* g = group_of(self)) {
        g->message = a.pos[1];
        g->exceptions = Value::object(new_tuple(vm, excs->items.data(), excs->items.size()));
    }
    return self;
}

static Value eg_message(VM&, Value o, GetSetDescr*) { return group_message(o); }
static Value eg_exceptions(VM&, Value o, GetSetDescr*) { return group_exceptions(o); }
static bool eg_readonly(VM& vm, Value, Value, GetSetDescr*) {
    vm.raise(vm.exc.AttributeError, "readonly attribute");
    return false;
}

const std::vector<Value>* exception_group_members(VM& vm, Value exc) {
    (void)vm;
    Value ex = group_exceptions(exc);
    if (!(ex.is_obj() && ex.o->type->layout == Layout::Tuple)) return nullptr;
    return &static_cast<Tuple*>(ex.o)->items;
}

static Value eg_init(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__init__");
    if (!e) return Value::empty();
    if (kwcount(a) > 0)
        return vm.raise_format(vm.exc.TypeError, "%s() takes no keyword arguments", e->type->name->s.c_str());
    e->args = rest_tuple(vm, a);
    return Value::none();
}

static Value eg_str(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "__str__");
    if (!e) return Value::empty();
    Value msg = group_message(a.pos[0]);
    Value ex = group_exceptions(a.pos[0]);
    size_t n = ex.is_obj() && ex.o->type->layout == Layout::Tuple ? static_cast<Tuple*>(ex.o)->items.size() : 0;
    std::string s = is_str_value(msg) ? std::string(sv(msg)) : "";
    s += " (" + std::to_string(n) + " sub-exception" + (n == 1 ? "" : "s") + ")";
    return str_value(vm, s);
}

static const std::vector<Value>* eg_members(VM& vm, Value eg) {
    Value ex = group_exceptions(eg);
    if (ex.is_obj() && ex.o->type->layout == Layout::Tuple) return &static_cast<Tuple*>(ex.o)->items;
    return nullptr;
}

static Value eg_derive(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "derive");
    if (!e || !check_args(vm, a, "derive", 2, 2)) return Value::empty();
    Value args[2] = {group_message(a.pos[0]), a.pos[1]};
    return vm.call(Value::object(vm.exc.BaseExceptionGroup), args, 2);
}

namespace {

// How split()/subgroup() select leaves: by exception type(s), by predicate, or (for except*'s
// re-raise projection) by identity.
struct EgMatcher {
    enum Kind { ByType, ByPredicate, ByIdentity } kind = ByType;
    Value value;                         // type, tuple of types, or predicate
    const std::vector<Value>* ids = nullptr;
};

// 1 match, 0 no match, -1 error.
int eg_leaf_matches(VM& vm, const EgMatcher& m, Value exc) {
    switch (m.kind) {
    case EgMatcher::ByType: {
        Type* t = type_of(vm, exc);
        if (m.value.is_obj() && m.value.o->type->layout == Layout::Tuple) {
            for (Value c : static_cast<Tuple*>(m.value.o)->items)
                if (is_subtype(t, as_type(c))) return 1;
            return 0;
        }
        return is_subtype(t, as_type(m.value)) ? 1 : 0;
    }
    case EgMatcher::ByPredicate: {
        Value r = vm.call(m.value, {exc});
        if (r.is_empty()) return -1;
        return truthy(vm, r);
    }
    case EgMatcher::ByIdentity:
        for (Value v : *m.ids)
            if (v.identical(exc)) return 1;
        return 0;
    }
    return 0;
}

bool eg_matcher(VM& vm, Value cond, EgMatcher& m) {
    m.value = cond;
    if (cond.is_obj() && cond.o->type->layout == Layout::Function) {
        m.kind = EgMatcher::ByPredicate;
        return true;
    }
    auto is_exc_type = [&](Value v) { return is_type_obj(v) && is_subtype(as_type(v), vm.exc.BaseException); };
    if (is_exc_type(cond)) return true;
    if (cond.is_obj() && cond.o->type->layout == Layout::Tuple) {
        bool ok = true;
        for (Value c : static_cast<Tuple*>(cond.o)->items) ok = ok && is_exc_type(c);
        if (ok) return true;
    }
    vm.raise(vm.exc.TypeError, "expected a function, exception type or tuple of exception types");
    return false;
}

// A group holding `excs` with `orig`'s traceback, cause, context and notes (Empty when `excs`
// is empty), built with orig.derive().
bool eg_subset(VM& vm, Value orig, const std::vector<Value>& excs, Value* out) {
    *out = Value();
    if (excs.empty()) return true;
    List* l = new_list(vm);
    l->items = excs;
    Value derive = get_attr(vm, orig, vm.intern("derive"));
    if (derive.is_empty()) return false;
    Value eg = vm.call(derive, {Value::object(l)});
    if (eg.is_empty()) return false;
    if (!is_instance(vm, eg, vm.exc.BaseExceptionGroup)) {
        vm.raise(vm.exc.TypeError, "derive must return an instance of BaseExceptionGroup");
        return false;
    }
    Exception* o = static_cast<Exception*>(orig.o);
    Exception* n = static_cast<Exception*>(eg.o);
    n->traceback = o->traceback;
    n->tb_object = make_traceback(vm, orig);  // the parts share the original's object
    n->context = o->context;
    n->cause = o->cause;
    n->suppress_context = true;
    Value notes = o->dict ? dict_get_str(o->dict, vm.names.__notes__) : Value::empty();
    if (!notes.is_empty()) {
        List* copy = list_from_iterable(vm, notes);
        if (copy == nullptr) {
            vm.pending = Value();
        } else {
            set_dict_attr(vm, eg, "__notes__", Value::object(copy));
            n->notes = Value::object(copy);
        }
    }
    *out = eg;
    return true;
}

// CPython's exceptiongroup_split_recursive: Empty outputs mean "nothing".
bool eg_split(VM& vm, Value exc, const EgMatcher& m, bool want_rest, Value* match, Value* rest) {
    *match = Value();
    *rest = Value();
    int r = eg_leaf_matches(vm, m, exc);
    if (r < 0) return false;
    if (r) {
        *match = exc;
        return true;
    }
    if (!is_instance(vm, exc, vm.exc.BaseExceptionGroup)) {
        if (want_rest) *rest = exc;
        return true;
    }
    const std::vector<Value>* members = eg_members(vm, exc);
    if (members == nullptr) return true;
    std::vector<Value> matches, rests;
    std::vector<Value> items = *members;
    for (Value e : items) {
        Value m1, r1;
        if (!eg_split(vm, e, m, want_rest, &m1, &r1)) return false;
        if (!m1.is_empty()) matches.push_back(m1);
        if (!r1.is_empty()) rests.push_back(r1);
    }
    if (!eg_subset(vm, exc, matches, match)) return false;
    if (want_rest && !eg_subset(vm, exc, rests, rest)) return false;
    return true;
}

Value or_none(Value v) { return v.is_empty() ? Value::none() : v; }

}  // namespace

static Value eg_split_method(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "split");
    if (!e || !check_args(vm, a, "split", 2, 2)) return Value::empty();
    EgMatcher m;
    if (!eg_matcher(vm, a.pos[1], m)) return Value::empty();
    Value match, rest;
    if (!eg_split(vm, a.pos[0], m, true, &match, &rest)) return Value::empty();
    Value items[2] = {or_none(match), or_none(rest)};
    return Value::object(new_tuple(vm, items, 2));
}

static Value eg_subgroup(VM& vm, const Args& a) {
    Exception* e = exc_self(vm, a, "subgroup");
    if (!e || !check_args(vm, a, "subgroup", 2, 2)) return Value::empty();
    EgMatcher m;
    if (!eg_matcher(vm, a.pos[1], m)) return Value::empty();
    Value match, rest;
    if (!eg_split(vm, a.pos[0], m, false, &match, &rest)) return Value::empty();
    return or_none(match);
}

// The leaves of `exc` (itself when not a group), depth first.
static void eg_leaves(VM& vm, Value exc, std::vector<Value>& out) {
    if (!is_instance(vm, exc, vm.exc.BaseExceptionGroup)) {
        out.push_back(exc);
        return;
    }
    if (const std::vector<Value>* members = eg_members(vm, exc))
        for (Value e : *members) eg_leaves(vm, e, out);
}

static bool same_metadata(Value a, Value b) {
    auto* x = static_cast<Exception*>(a.o);
    auto* y = static_cast<Exception*>(b.o);
    // (CPython 3.11 also compares a `notes` slot that add_note never fills: notes do not count.)
    if (!x->cause.identical(y->cause) || !x->context.identical(y->context)) return false;
    if (x->traceback.size() != y->traceback.size()) return false;
    for (size_t i = 0; i < x->traceback.size(); ++i)
        if (x->traceback[i].code != y->traceback[i].code || x->traceback[i].ip != y->traceback[i].ip) return false;
    return true;
}

// except*'s PREP_RERAISE_STAR: from the original exception and the list of what each handler
// raised or re-raised (plus the unhandled rest), the exception to propagate, or None.
Value exception_group_prep_reraise(VM& vm, Value orig, Value excs_list) {
    const std::vector<Value>& excs = static_cast<List*>(excs_list.o)->items;
    if (excs.empty()) return Value::none();
    if (!is_instance(vm, orig, vm.exc.BaseExceptionGroup)) {
        // A naked exception was caught and wrapped: at most one handler ran.
        return excs[0];
    }
    std::vector<Value> raised, reraised;
    for (Value e : excs) {
        if (e.is_none()) continue;
        (same_metadata(e, orig) ? reraised : raised).push_back(e);
    }
    // The re-raised parts keep the shape of the original group.
    std::vector<Value> keep;
    for (Value e : reraised) eg_leaves(vm, e, keep);
    Value reraised_eg;
    if (!keep.empty()) {
        EgMatcher m;
        m.kind = EgMatcher::ByIdentity;
        m.ids = &keep;
        Value rest;
        if (!eg_split(vm, orig, m, false, &reraised_eg, &rest)) return Value::empty();
    }
    if (raised.empty()) return or_none(reraised_eg);
    if (!reraised_eg.is_empty()) raised.push_back(reraised_eg);
    if (raised.size() == 1) return raised[0];
    List* l = new_list(vm);
    l->items = raised;
    Value args[2] = {str_value(vm, ""), Value::object(l)};
    return vm.call(Value::object(vm.exc.ExceptionGroup), args, 2);
}

// ---- the tree ---------------------------------------------------------------------------------

void init_exception_types(VM& vm) {
    ExceptionTypes& E = vm.exc;
    const uint32_t F = kTypeBaseType | kTypeInstanceDict;
    E.BaseException = new_builtin_type(vm, "BaseException", vm.types.object, Layout::Exception, alloc_exception, F);
    struct Row {
        Type** slot;
        const char* name;
        Type** base;
    };
    const Row rows[] = {
                {&E.GeneratorExit, "GeneratorExit", &E.BaseException},
        {&E.KeyboardInterrupt, "KeyboardInterrupt", &E.BaseException},
        {&E.SystemExit, "SystemExit", &E.BaseException},
        {&E.Exception, "Exception", &E.BaseException},
        {&E.ArithmeticError, "ArithmeticError", &E.Exception},
        {&E.FloatingPointError, "FloatingPointError", &E.ArithmeticError},
        {&E.OverflowError, "OverflowError", &E.ArithmeticError},
        {&E.ZeroDivisionError, "ZeroDivisionError", &E.ArithmeticError},
        {&E.AssertionError, "AssertionError", &E.Exception},
        {&E.AttributeError, "AttributeError", &E.Exception},
        {&E.BufferError, "BufferError", &E.Exception},
        {&E.EOFError, "EOFError", &E.Exception},
        {&E.ImportError, "ImportError", &E.Exception},
        {&E.ModuleNotFoundError, "ModuleNotFoundError", &E.ImportError},
        {&E.LookupError, "LookupError", &E.Exception},
        {&E.IndexError, "IndexError", &E.LookupError},
        {&E.KeyError, "KeyError", &E.LookupError},
        {&E.MemoryError, "MemoryError", &E.Exception},
        {&E.NameError, "NameError", &E.Exception},
        {&E.UnboundLocalError, "UnboundLocalError", &E.NameError},
        {&E.OSError, "OSError", &E.Exception},
        {&E.BlockingIOError, "BlockingIOError", &E.OSError},
        {&E.ChildProcessError, "ChildProcessError", &E.OSError},
        {&E.ConnectionError, "ConnectionError", &E.OSError},
        {&E.BrokenPipeError, "BrokenPipeError", &E.ConnectionError},
        {&E.ConnectionAbortedError, "ConnectionAbortedError", &E.ConnectionError},
        {&E.ConnectionRefusedError, "ConnectionRefusedError", &E.ConnectionError},
        {&E.ConnectionResetError, "ConnectionResetError", &E.ConnectionError},
        {&E.FileExistsError, "FileExistsError", &E.OSError},
        {&E.FileNotFoundError, "FileNotFoundError", &E.OSError},
        {&E.InterruptedError, "InterruptedError", &E.OSError},
        {&E.IsADirectoryError, "IsADirectoryError", &E.OSError},
        {&E.NotADirectoryError, "NotADirectoryError", &E.OSError},
        {&E.PermissionError, "PermissionError", &E.OSError},
        {&E.ProcessLookupError, "ProcessLookupError", &E.OSError},
        {&E.TimeoutError, "TimeoutError", &E.OSError},
        {&E.ReferenceError, "ReferenceError", &E.Exception},
        {&E.RuntimeError, "RuntimeError", &E.Exception},
        {&E.NotImplementedError, "NotImplementedError", &E.RuntimeError},
        {&E.RecursionError, "RecursionError", &E.RuntimeError},
        {&E.StopAsyncIteration, "StopAsyncIteration", &E.Exception},
        {&E.StopIteration, "StopIteration", &E.Exception},
        {&E.SyntaxError, "SyntaxError", &E.Exception},
        {&E.IndentationError, "IndentationError", &E.SyntaxError},
        {&E.TabError, "TabError", &E.IndentationError},
        {&E.SystemError, "SystemError", &E.Exception},
        {&E.TypeError, "TypeError", &E.Exception},
        {&E.ValueError, "ValueError", &E.Exception},
        {&E.UnicodeError, "UnicodeError", &E.ValueError},
        {&E.UnicodeDecodeError, "UnicodeDecodeError", &E.UnicodeError},
        {&E.UnicodeEncodeError, "UnicodeEncodeError", &E.UnicodeError},
        {&E.UnicodeTranslateError, "UnicodeTranslateError", &E.UnicodeError},
        {&E.Warning, "Warning", &E.Exception},
        {&E.BytesWarning, "BytesWarning", &E.Warning},
        {&E.DeprecationWarning, "DeprecationWarning", &E.Warning},
        {&E.EncodingWarning, "EncodingWarning", &E.Warning},
        {&E.FutureWarning, "FutureWarning", &E.Warning},
        {&E.ImportWarning, "ImportWarning", &E.Warning},
        {&E.PendingDeprecationWarning, "PendingDeprecationWarning", &E.Warning},
        {&E.ResourceWarning, "ResourceWarning", &E.Warning},
        {&E.RuntimeWarning, "RuntimeWarning", &E.Warning},
        {&E.SyntaxWarning, "SyntaxWarning", &E.Warning},
        {&E.UnicodeWarning, "UnicodeWarning", &E.Warning},
        {&E.UserWarning, "UserWarning", &E.Warning},
    };
    for (const Row& r : rows) *r.slot = new_builtin_type(vm, r.name, *r.base, Layout::Exception, alloc_exception, F);
    E.BaseExceptionGroup = new_builtin_type(vm, "BaseExceptionGroup", E.BaseException, Layout::Exception, alloc_group, F);
    // ExceptionGroup(BaseExceptionGroup, Exception): the one multiple-inheritance built-in.
    Type* eg = new_builtin_type(vm, "ExceptionGroup", E.BaseExceptionGroup, Layout::Exception, alloc_group, F);
    eg->bases.push_back(E.Exception);
    E.Exception->subclasses.push_back(eg);
    eg->mro = {eg, E.BaseExceptionGroup, E.Exception, E.BaseException, vm.types.object};
    E.ExceptionGroup = eg;

    Type* B = E.BaseException;
    def_method(vm, B, "__new__", exc_new);
    def_method(vm, B, "__init__", exc_init);
    def_method(vm, B, "__str__", exc_str);
    def_method(vm, B, "__repr__", exc_repr);
    def_method(vm, B, "with_traceback", exc_with_traceback);
    def_method(vm, B, "add_note", exc_add_note);
    def_getset(vm, B, "args", get_args, set_args);
    def_getset(vm, B, "__traceback__", get_traceback, set_traceback);
    def_getset(vm, B, "__cause__", get_cause, set_cause);
    def_getset(vm, B, "__context__", get_context, set_context);
    def_getset(vm, B, "__suppress_context__", get_suppress, set_suppress);

    def_getset(vm, E.StopIteration, "value", arg_attr, set_arg_attr)->data = Value::integer(0);
    def_getset(vm, E.SystemExit, "code", arg_attr, set_arg_attr)->data = Value::none();
    def_method(vm, E.KeyError, "__str__", keyerror_str);

    def_method(vm, E.OSError, "__new__", oserror_new);
    def_method(vm, E.OSError, "__init__", oserror_init);
    def_method(vm, E.OSError, "__str__", oserror_str);
    for (const char* n : {"errno", "strerror", "filename", "filename2"})
        dict_set_str(vm, E.OSError->dict, vm.intern(n), Value::none());
    def_method(vm, E.ImportError, "__init__", importerror_init);
    def_method(vm, E.ImportError, "__str__", importerror_str);
    for (const char* n : {"msg", "name", "path"}) dict_set_str(vm, E.ImportError->dict, vm.intern(n), Value::none());
    def_method(vm, E.NameError, "__init__", nameerror_init);
    dict_set_str(vm, E.NameError->dict, vm.intern("name"), Value::none());
    def_method(vm, E.AttributeError, "__init__", attributeerror_init);
    for (const char* n : {"name", "obj"}) dict_set_str(vm, E.AttributeError->dict, vm.intern(n), Value::none());
    def_method(vm, E.SyntaxError, "__init__", syntaxerror_init);
    def_method(vm, E.SyntaxError, "__str__", syntaxerror_str);
    for (const char* n : {"msg", "filename", "lineno", "offset", "text", "end_lineno", "end_offset", "print_file_and_line"})
        dict_set_str(vm, E.SyntaxError->dict, vm.intern(n), Value::none());
    for (const char* n : {"encoding", "object", "start", "end", "reason"})
        dict_set_str(vm, E.UnicodeError->dict, vm.intern(n), Value::none());
    def_method(vm, E.UnicodeError, "__init__", unicodeerror_init);
    def_method(vm, E.UnicodeError, "__str__", unicodeerror_str);
    def_method(vm, E.BaseExceptionGroup, "__new__", eg_new);
    def_getset(vm, E.BaseExceptionGroup, "message", eg_message, eg_readonly);
    def_getset(vm, E.BaseExceptionGroup, "exceptions", eg_exceptions, eg_readonly);
    def_method(vm, E.BaseExceptionGroup, "__init__", eg_init);
    def_method(vm, E.BaseExceptionGroup, "__str__", eg_str);
    def_method(vm, E.BaseExceptionGroup, "derive", eg_derive);
    def_method(vm, E.BaseExceptionGroup, "split", eg_split_method);
    def_method(vm, E.BaseExceptionGroup, "subgroup", eg_subgroup);
}

// ---- VM raise helpers -------------------------------------------------------------------------

Value VM::handled_exception() const { return frame_handled_exception(const_cast<VM&>(*this)); }

Value VM::new_exception(Type* type, std::string_view message) {
    Tuple* args;
    if (!message.empty()) {
        Value m = str_value(*this, message);
        args = new_tuple(*this, &m, 1);
    } else {
        args = new_tuple(*this, 0);
    }
    return Value::object(alloc_exception_with(*this, type, args));
}

Value new_exception_args(VM& vm, Type* type, const Value* args, size_t n) {
    return Value::object(alloc_exception_with(vm, type, new_tuple(vm, args, n)));
}

// Set `pending`, chaining the exception being handled as __context__ (breaking cycles).
static Value set_pending(VM& vm, Value inst) {
    Value handled = vm.frame ? vm.handled_exception() : Value::none();
    if (is_exception_instance(vm, handled) && !handled.identical(inst)) {
        // Cut the chain where it would loop back to `inst`.
        Value o = handled;
        while (is_exception_instance(vm, o)) {
            Exception* oe = static_cast<Exception*>(o.o);
            if (oe->context.identical(inst)) {
                oe->context = Value::empty();
                break;
            }
            o = oe->context;
        }
        static_cast<Exception*>(inst.o)->context = handled;
    }
    vm.pending = inst;
    return Value::empty();
}

Value VM::raise(Type* type, std::string_view message) { return set_pending(*this, new_exception(type, message)); }

Value VM::raise_format(Type* type, const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= static_cast<int>(sizeof buf)) {
        std::string big(static_cast<size_t>(n) + 1, '\0');
        va_start(ap, fmt);
        std::vsnprintf(big.data(), big.size(), fmt, ap);
        va_end(ap);
        big.resize(static_cast<size_t>(n));
        return raise(type, big);
    }
    return raise(type, std::string_view(buf, n < 0 ? 0 : static_cast<size_t>(n)));
}

Value VM::raise_value(Value v) {
    if (is_type_obj(v) && is_subtype(as_type(v), exc.BaseException)) {
        Value inst = call_object(*this, v, Args());
        if (inst.is_empty()) return inst;
        if (!is_exception_instance(*this, inst))
            return raise_format(exc.TypeError, "calling %s should have returned an instance of BaseException, not %s",
                                type_qualname(as_type(v)).c_str(), type_name(*this, inst).c_str());
        return set_pending(*this, inst);
    }
    if (is_exception_instance(*this, v)) return set_pending(*this, v);
    return raise(exc.TypeError, "exceptions must derive from BaseException");
}

}  // namespace asy::vm
