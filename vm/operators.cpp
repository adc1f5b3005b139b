// The generic operators: binary/in-place/unary arithmetic, rich comparison, truth, `in`, and
// subscripting. Unboxed ints/floats and exact str/list/tuple/dict take C++ fast paths; everything
// else goes through the dunder protocol with NotImplemented and reflected methods as CPython.
#include <cmath>

#include "vm/objects/int.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm {

// `type[X]` (defined in builtins.cpp next to the other generic aliases).
Value type_generic_alias(VM& vm, Value key);

namespace {

struct BinOpInfo {
    const char* sym;
    const char* name;   // "add" -> __add__, __radd__, __iadd__
};

const BinOpInfo kBinOps[13] = {
    {"+", "add"}, {"&", "and"}, {"//", "floordiv"}, {"<<", "lshift"}, {"@", "matmul"}, {"*", "mul"},
    {"%", "mod"}, {"|", "or"}, {"**", "pow"}, {">>", "rshift"}, {"-", "sub"}, {"/", "truediv"}, {"^", "xor"},
};

bool is_exact_intlike(VM& vm, const Value& v) {
    return v.is_int() || v.is_bool() || (v.is_obj() && v.o->type == vm.types.int_);
}

bool is_seq_for_concat(VM& vm, const Value& v) {
    if (!v.is_obj()) return false;
    Layout l = v.o->type->layout;
    return l == Layout::Str || l == Layout::List || l == Layout::Tuple || l == Layout::Bytes;
    (void)vm;
}

// One side's implementation of a binary operator: NotImplemented, a result, or Empty (error).
// `reflected`: x is the right operand, called as x.__rop__(other).
bool float_op(BinOpKind op) {
    switch (op) {
    case BinOpKind::Add: case BinOpKind::Subtract: case BinOpKind::Multiply: case BinOpKind::TrueDivide:
    case BinOpKind::FloorDivide: case BinOpKind::Remainder: case BinOpKind::Power: return true;
    default: return false;
    }
}

Value side_call(VM& vm, BinOpKind op, Value x, Value other, bool reflected, Str* dunder, bool numeric) {
    Type* t = type_of(vm, x);
    if (numeric && op == BinOpKind::MatrixMultiply && (is_exact_intlike(vm, x) || t == vm.types.float_)) {
        return vm.not_implemented;
    } else if (numeric && t == vm.types.float_ && !float_op(op)) {
        return vm.not_implemented;
    } else if (!numeric) {
    } else if (is_exact_intlike(vm, x)) return reflected ? int_binary_op(vm, op, other, x) : int_binary_op(vm, op, x, other);
    else if (t == vm.types.float_) return reflected ? float_binary_op(vm, op, other, x) : float_binary_op(vm, op, x, other);
    Value f = type_lookup(t, dunder);
    if (f.is_empty() || f.is_none()) return vm.not_implemented;
    return call_descriptor(vm, f, x, &other, 1);
}

bool has_side(VM& vm, Value x, Str* dunder, bool numeric) {
    Type* t = type_of(vm, x);
    if (numeric && (is_exact_intlike(vm, x) || t == vm.types.float_)) return true;
    Value f = type_lookup(t, dunder);
    return !f.is_empty() && !f.is_none();
}

Value binary_protocol(VM& vm, BinOpKind op, Value a, Value b, Str* fwd, Str* rev, bool numeric = true) {
    Type* ta = type_of(vm, a);
    Type* tb = type_of(vm, b);
    bool has_a = has_side(vm, a, fwd, numeric);
    bool has_b = ta != tb && has_side(vm, b, rev, numeric);
    if (has_a && has_b && is_subtype(tb, ta)) {
        // A subclass that overrides the reflected method goes first.
        Value fa = type_lookup(ta, rev), fb = type_lookup(tb, rev);
        if (!fa.identical(fb)) {
            Value r = side_call(vm, op, b, a, true, rev, numeric);
            if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
            has_b = false;
        }
    }
    if (has_a) {
        Value r = side_call(vm, op, a, b, false, fwd, numeric);
        if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
    }
    if (has_b) {
        Value r = side_call(vm, op, b, a, true, rev, numeric);
        if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
    }
    return vm.not_implemented;
}

Str* dunder_name(VM& vm, const char* prefix, const char* name) {
    std::string s = "__";
    s += prefix;
    s += name;
    s += "__";
    return vm.intern(s);
}

Value binary_type_error(VM& vm, BinOpKind op, bool inplace, Value a, Value b) {
    int base = static_cast<int>(op);
    if (op == BinOpKind::Add && is_seq_for_concat(vm, a) && !inplace) {
        // str/list/tuple concatenation with something else (CPython's sq_concat message).
        Type* t = builtin_base(type_of(vm, a));
        if (t == vm.types.str || t == vm.types.list || t == vm.types.tuple)
            return vm.raise_format(vm.exc.TypeError, "can only concatenate %s (not \"%s\") to %s", t->name->s.c_str(),
                                   type_name(vm, b).c_str(), t->name->s.c_str());
    }
    if (op == BinOpKind::Add && inplace && is_seq_for_concat(vm, a)) {
        Type* t = builtin_base(type_of(vm, a));
        if (t == vm.types.str || t == vm.types.tuple)
            return vm.raise_format(vm.exc.TypeError, "can only concatenate %s (not \"%s\") to %s", t->name->s.c_str(),
                                   type_name(vm, b).c_str(), t->name->s.c_str());
    }
    if (op == BinOpKind::Add && a.is_obj() && a.o->type->layout == Layout::Bytes && !is_seq_for_concat(vm, b))
        return vm.raise_format(vm.exc.TypeError, "can't concat %s to %s", type_name(vm, b).c_str(), type_name(vm, a).c_str());
    if (op == BinOpKind::Add && a.is_obj() && a.o->type->layout == Layout::Bytes && b.is_obj() &&
        b.o->type->layout != Layout::Bytes)
        return vm.raise_format(vm.exc.TypeError, "can't concat %s to %s", type_name(vm, b).c_str(), type_name(vm, a).c_str());
    if (op == BinOpKind::Multiply && (is_seq_for_concat(vm, a) || is_seq_for_concat(vm, b))) {
        Value other = is_seq_for_concat(vm, a) ? b : a;
        if (!is_int_like(vm, other))
            return vm.raise_format(vm.exc.TypeError, "can't multiply sequence by non-int of type '%s'",
                                   type_name(vm, other).c_str());
    }
    std::string sym = kBinOps[base].sym;
    if (inplace) sym += "=";
    else if (op == BinOpKind::Power) sym += " or pow()";
    return vm.raise_format(vm.exc.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'", sym.c_str(),
                           type_name(vm, a).c_str(), type_name(vm, b).c_str());
}

// Small-int and float fast paths; Empty (no exception) when not applicable.
inline Value fast_numeric(VM& vm, BinOpKind op, Value a, Value b) {
    if (a.is_int() && b.is_int()) {
        int64_t x = a.i, y = b.i, r;
        switch (op) {
        case BinOpKind::Add: if (!__builtin_add_overflow(x, y, &r)) return Value::integer(r); break;
        case BinOpKind::Subtract: if (!__builtin_sub_overflow(x, y, &r)) return Value::integer(r); break;
        case BinOpKind::Multiply: if (!__builtin_mul_overflow(x, y, &r)) return Value::integer(r); break;
        case BinOpKind::And: return Value::integer(x & y);
        case BinOpKind::Or: return Value::integer(x | y);
        case BinOpKind::Xor: return Value::integer(x ^ y);
        case BinOpKind::FloorDivide:
            if (y > 0 || (y < -1)) {
                int64_t q = x / y;
                if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
                return Value::integer(q);
            }
            break;
        case BinOpKind::Remainder:
            if (y != 0 && y != -1) {
                int64_t m = x % y;
                if (m != 0 && ((m < 0) != (y < 0))) m += y;
                return Value::integer(m);
            }
            break;
        case BinOpKind::MatrixMultiply: return Value::empty();
        default: break;
        }
        return int_binary_op(vm, op, a, b);
    }
    if ((a.is_float() || b.is_float()) && float_op(op)) {
        double x, y;
        if (a.is_float()) x = a.f;
        else if (a.is_int() && a.i >= -(int64_t(1) << 53) && a.i <= (int64_t(1) << 53)) x = static_cast<double>(a.i);
        else return Value::empty();
        if (b.is_float()) y = b.f;
        else if (b.is_int() && b.i >= -(int64_t(1) << 53) && b.i <= (int64_t(1) << 53)) y = static_cast<double>(b.i);
        else return Value::empty();
        switch (op) {
        case BinOpKind::Add: return Value::real(x + y);
        case BinOpKind::Subtract: return Value::real(x - y);
        case BinOpKind::Multiply: return Value::real(x * y);
        case BinOpKind::TrueDivide:
            if (y == 0) return vm.raise(vm.exc.ZeroDivisionError, "float division by zero");
            return Value::real(x / y);
        default: return float_binary_op(vm, op, a, b);
        }
    }
    return Value::empty();
}

}  // namespace

Value binary_op(VM& vm, BinOpKind op, Value a, Value b) {
    int k = static_cast<int>(op);
    bool inplace = k >= kBinOpInplaceOffset;
    BinOpKind base = inplace ? static_cast<BinOpKind>(k - kBinOpInplaceOffset) : op;
    Value r = fast_numeric(vm, base, a, b);
    if (!r.is_empty() || vm.has_pending()) return r;
    if (a.is_bool() && b.is_bool()) {
        if (base == BinOpKind::And) return Value::boolean(a.b && b.b);
        if (base == BinOpKind::Or) return Value::boolean(a.b || b.b);
        if (base == BinOpKind::Xor) return Value::boolean(a.b != b.b);
    }
    if (a.is_obj() && b.is_obj()) {
        Type* ta = a.o->type;
        if (ta == b.o->type) {
            if (ta == vm.types.str && base == BinOpKind::Add) {
                Str* s = str_concat(vm, static_cast<Str*>(a.o), static_cast<Str*>(b.o));
                return s ? Value::object(s) : Value::empty();
            }
            if (base == BinOpKind::Add && (ta == vm.types.list || ta == vm.types.tuple)) {
                auto& x = ta == vm.types.list ? static_cast<List*>(a.o)->items : static_cast<Tuple*>(a.o)->items;
                auto& y = ta == vm.types.list ? static_cast<List*>(b.o)->items : static_cast<Tuple*>(b.o)->items;
                if (ta == vm.types.list) {
                    if (inplace) {
                        List* l = static_cast<List*>(a.o);
                        if (&x == &y) {
                            size_t n = x.size();
                            for (size_t i = 0; i < n; ++i) l->items.push_back(l->items[i]);
                        } else {
                            l->items.insert(l->items.end(), y.begin(), y.end());
                        }
                        return a;
                    }
                    List* l = new_list(vm, x.size() + y.size());
                    l->items.insert(l->items.end(), x.begin(), x.end());
                    l->items.insert(l->items.end(), y.begin(), y.end());
                    return Value::object(l);
                }
                Tuple* t = new_tuple(vm, 0);
                t->items.reserve(x.size() + y.size());
                t->items.insert(t->items.end(), x.begin(), x.end());
                t->items.insert(t->items.end(), y.begin(), y.end());
                return Value::object(t);
            }
        }
    }
    if (a.is_obj() && a.o->type == vm.types.str && base == BinOpKind::Multiply && b.is_int())
        return str_repeat(vm, static_cast<Str*>(a.o), b.i);
    const char* name = kBinOps[static_cast<int>(base)].name;
    if (inplace) {
        Value f = type_lookup(type_of(vm, a), dunder_name(vm, "i", name));
        if (!f.is_empty() && !f.is_none()) {
            r = call_descriptor(vm, f, a, &b, 1);
            if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
        }
    }
    r = binary_protocol(vm, base, a, b, dunder_name(vm, "", name), dunder_name(vm, "r", name));
    if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
    return binary_type_error(vm, base, inplace, a, b);
}

// divmod() and friends use the same protocol with their own dunder pair (builtins.cpp).
Value binary_op_named(VM& vm, Value a, Value b, const char* name, const char* what) {
    Value r = binary_protocol(vm, BinOpKind::FloorDivide, a, b, dunder_name(vm, "", name), dunder_name(vm, "r", name), false);
    if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
    return vm.raise_format(vm.exc.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'", what,
                           type_name(vm, a).c_str(), type_name(vm, b).c_str());
}

Value unary_op(VM& vm, Op op, Value a) {
    if (a.is_int()) {
        switch (op) {
        case Op::UNARY_NEGATIVE: if (a.i != INT64_MIN) return Value::integer(-a.i); return int_neg(vm, a);
        case Op::UNARY_POSITIVE: return a;
        case Op::UNARY_INVERT: return Value::integer(~a.i);
        default: break;
        }
    }
    if (a.is_float()) {
        if (op == Op::UNARY_NEGATIVE) return Value::real(-a.f);
        if (op == Op::UNARY_POSITIVE) return a;
    }
    if (a.is_bool()) {
        int64_t x = a.b ? 1 : 0;
        if (op == Op::UNARY_NEGATIVE) return Value::integer(-x);
        if (op == Op::UNARY_POSITIVE) return Value::integer(x);
        if (op == Op::UNARY_INVERT) return Value::integer(~x);
    }
    if (a.is_obj() && a.o->type == vm.types.int_) {
        if (op == Op::UNARY_NEGATIVE) return int_neg(vm, a);
        if (op == Op::UNARY_POSITIVE) return a;
        if (op == Op::UNARY_INVERT) return int_invert(vm, a);
    }
    Str* name;
    const char* sym;
    switch (op) {
    case Op::UNARY_NEGATIVE: name = vm.names.__neg__; sym = "-"; break;
    case Op::UNARY_POSITIVE: name = vm.names.__pos__; sym = "+"; break;
    case Op::UNARY_INVERT: name = vm.names.__invert__; sym = "~"; break;
    default: return vm.raise(vm.exc.SystemError, "bad unary op");
    }
    Value r = call_special(vm, a, name, nullptr, 0);
    if (!r.is_empty() || vm.has_pending()) return r;
    return vm.raise_format(vm.exc.TypeError, "bad operand type for unary %s: '%s'", sym, type_name(vm, a).c_str());
}

// ---- comparison -------------------------------------------------------------------------------

namespace {

const char* const kCmpSym[6] = {"<", "<=", "==", "!=", ">", ">="};
const CompareKind kSwapped[6] = {CompareKind::Gt, CompareKind::Ge, CompareKind::Eq, CompareKind::Ne, CompareKind::Lt,
                                 CompareKind::Le};

bool cmp3(CompareKind op, int c) { return compare_with(op, c, 0); }

Str* cmp_name(VM& vm, CompareKind op) {
    switch (op) {
    case CompareKind::Lt: return vm.names.__lt__;
    case CompareKind::Le: return vm.names.__le__;
    case CompareKind::Eq: return vm.names.__eq__;
    case CompareKind::Ne: return vm.names.__ne__;
    case CompareKind::Gt: return vm.names.__gt__;
    case CompareKind::Ge: return vm.names.__ge__;
    }
    return vm.names.__eq__;
}

bool as_small_double(const Value& v, double* out) {
    if (v.is_float()) { *out = v.f; return true; }
    if (v.is_int() && v.i >= -(int64_t(1) << 53) && v.i <= (int64_t(1) << 53)) { *out = static_cast<double>(v.i); return true; }
    if (v.is_bool()) { *out = v.b ? 1.0 : 0.0; return true; }
    return false;
}

// Fast comparison: 1/0 for a known answer, -2 when not applicable.
int fast_compare(VM& vm, CompareKind op, const Value& a, const Value& b) {
    if ((a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool())) {
        int64_t x = a.is_int() ? a.i : a.b, y = b.is_int() ? b.i : b.b;
        return compare_with(op, x, y);
    }
    double x, y;
    if ((a.is_float() || b.is_float()) && as_small_double(a, &x) && as_small_double(b, &y)) return compare_with(op, x, y);
    if (a.is_obj() && b.is_obj()) {
        Type* ta = a.o->type;
        if (ta == vm.types.str && b.o->type == ta) {
            Str* s = static_cast<Str*>(a.o);
            Str* t = static_cast<Str*>(b.o);
            if (op == CompareKind::Eq) return str_eq(s, t);
            if (op == CompareKind::Ne) return !str_eq(s, t);
            return cmp3(op, str_cmp(s, t));
        }
        if (is_exact_intlike(vm, a) && is_exact_intlike(vm, b)) return cmp3(op, int_cmp(a, b));
    } else if (is_exact_intlike(vm, a) && is_exact_intlike(vm, b)) {
        return cmp3(op, int_cmp(a, b));
    }
    if (a.is_none() || b.is_none()) {
        if (op == CompareKind::Eq) return a.identical(b);
        if (op == CompareKind::Ne) return !a.identical(b);
    }
    return -2;
}

Value call_cmp(VM& vm, Value x, Value y, Str* name) {
    Value f = lookup_special(vm, x, name);
    if (f.is_empty() || f.is_none()) return vm.not_implemented;
    return call_descriptor(vm, f, x, &y, 1);
}

}  // namespace

Value compare(VM& vm, CompareKind op, Value a, Value b) {
    int f = fast_compare(vm, op, a, b);
    if (f >= 0) return Value::boolean(f != 0);
    Type* ta = type_of(vm, a);
    Type* tb = type_of(vm, b);
    Str* name = cmp_name(vm, op);
    Str* swapped = cmp_name(vm, kSwapped[static_cast<int>(op)]);
    bool checked_reverse = false;
    if (ta != tb && is_subtype(tb, ta)) {
        Value fb = type_lookup(tb, swapped);
        if (!fb.is_empty() && !fb.identical(type_lookup(ta, swapped))) {
            checked_reverse = true;
            Value r = call_cmp(vm, b, a, swapped);
            if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
        }
    }
    Value r = call_cmp(vm, a, b, name);
    if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
    if (!checked_reverse) {
        r = call_cmp(vm, b, a, swapped);
        if (r.is_empty() || !r.identical(vm.not_implemented)) return r;
    }
    if (op == CompareKind::Eq) return Value::boolean(a.identical(b));
    if (op == CompareKind::Ne) return Value::boolean(!a.identical(b));
    return vm.raise_format(vm.exc.TypeError, "'%s' not supported between instances of '%s' and '%s'",
                           kCmpSym[static_cast<int>(op)], type_name(vm, a).c_str(), type_name(vm, b).c_str());
}

int compare_bool(VM& vm, CompareKind op, Value a, Value b) {
    int f = fast_compare(vm, op, a, b);
    if (f >= 0) return f;
    Value r = compare(vm, op, a, b);
    if (r.is_empty()) return -1;
    if (r.is_bool()) return r.b;
    return truthy(vm, r);
}

int equals(VM& vm, Value a, Value b) {
    if (a.identical(b)) return 1;
    return compare_bool(vm, CompareKind::Eq, a, b);
}

int truthy(VM& vm, Value v) {
    switch (v.tag) {
    case Tag::None: return 0;
    case Tag::Bool: return v.b;
    case Tag::Int: return v.i != 0;
    case Tag::Float: return v.f != 0.0;
    case Tag::Empty: return 0;
    case Tag::Obj: break;
    }
    Type* t = v.o->type;
    if (t == vm.types.str) return static_cast<Str*>(v.o)->length != 0;
    if (t == vm.types.list) return !static_cast<List*>(v.o)->items.empty();
    if (t == vm.types.tuple) return !static_cast<Tuple*>(v.o)->items.empty();
    if (t == vm.types.dict) return static_cast<Dict*>(v.o)->used != 0;
    if (t == vm.types.set || t == vm.types.frozenset) return static_cast<Set*>(v.o)->used != 0;
    if (t == vm.types.int_) return int_sign(v) != 0;
    if (t == vm.types.function || t == vm.types.type || t == vm.types.native_function || t == vm.types.module) return 1;
    Value f = type_lookup(t, vm.names.__bool__);
    if (!f.is_empty() && !f.is_none()) {
        Value r = call_descriptor(vm, f, v, nullptr, 0);
        if (r.is_empty()) return -1;
        if (!r.is_bool()) {
            vm.raise_format(vm.exc.TypeError, "__bool__ should return bool, returned %s", type_name(vm, r).c_str());
            return -1;
        }
        return r.b;
    }
    f = type_lookup(t, vm.names.__len__);
    if (!f.is_empty() && !f.is_none()) {
        int64_t n = length(vm, v);
        if (n < 0) return -1;
        return n != 0;
    }
    return 1;
}

int contains(VM& vm, Value container, Value item) {
    if (container.is_obj()) {
        Type* t = container.o->type;
        if (t == vm.types.dict) {
            Value r = dict_get(vm, static_cast<Dict*>(container.o), item);
            if (r.is_empty()) return vm.has_pending() ? -1 : 0;
            return 1;
        }
        if (t == vm.types.set || t == vm.types.frozenset) return set_contains(vm, static_cast<Set*>(container.o), item);
        if (t == vm.types.list || t == vm.types.tuple) {
            auto& items = t == vm.types.list ? static_cast<List*>(container.o)->items : static_cast<Tuple*>(container.o)->items;
            for (size_t i = 0; i < items.size(); ++i) {
                int r = equals(vm, items[i], item);
                if (r != 0) return r;
            }
            return 0;
        }
        if (t == vm.types.str) {
            if (!is_str_value(item)) {
                vm.raise_format(vm.exc.TypeError, "'in <string>' requires string as left operand, not %s",
                                type_name(vm, item).c_str());
                return -1;
            }
            return str_contains(static_cast<Str*>(container.o), static_cast<Str*>(item.o));
        }
        Value f = type_lookup(t, vm.names.__contains__);
        if (f.is_none()) {
            vm.raise_format(vm.exc.TypeError, "'%s' object is not a container", type_name(vm, container).c_str());
            return -1;
        }
        if (!f.is_empty()) {
            Value r = call_descriptor(vm, f, container, &item, 1);
            if (r.is_empty()) return -1;
            return truthy(vm, r);
        }
    }
    Type* t = type_of(vm, container);
    Value itf = type_lookup(t, vm.names.__iter__);
    Value gif = type_lookup(t, vm.names.__getitem__);
    if ((itf.is_empty() || itf.is_none()) && gif.is_empty()) {
        vm.raise_format(vm.exc.TypeError, "argument of type '%s' is not iterable", type_name(vm, container).c_str());
        return -1;
    }
    Value it = get_iter(vm, container);
    if (it.is_empty()) return -1;
    for (;;) {
        Value x = iter_next(vm, it);
        if (x.is_empty()) return vm.has_pending() ? -1 : 0;
        int r = equals(vm, x, item);
        if (r != 0) return r;
    }
}

// ---- subscripts -------------------------------------------------------------------------------

Value get_item(VM& vm, Value obj, Value key) {
    if (obj.is_obj()) {
        Type* t = obj.o->type;
        if (t == vm.types.list && key.is_int()) {
            auto& items = static_cast<List*>(obj.o)->items;
            int64_t i = key.i, n = static_cast<int64_t>(items.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "list index out of range");
            return items[i];
        }
        if (t == vm.types.tuple && key.is_int()) {
            auto& items = static_cast<Tuple*>(obj.o)->items;
            int64_t i = key.i, n = static_cast<int64_t>(items.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) return vm.raise(vm.exc.IndexError, "tuple index out of range");
            return items[i];
        }
        if (t == vm.types.dict) return dict_getitem(vm, static_cast<Dict*>(obj.o), key);
        if (t == vm.types.str) return str_getitem(vm, static_cast<Str*>(obj.o), key);
        Value f = type_lookup(t, vm.names.__getitem__);
        if (!f.is_empty() && !f.is_none()) return call_descriptor(vm, f, obj, &key, 1);
        if (obj.o == vm.types.type) return type_generic_alias(vm, key);
        if (is_type_obj(obj)) {
            Value cg = type_getattr(vm, as_type(obj), vm.names.__class_getitem__);
            if (!cg.is_empty()) return call_object(vm, cg, make_args(&key, 1));
            if (vm.has_pending()) return Value::empty();
            return vm.raise_format(vm.exc.TypeError, "type '%s' is not subscriptable", as_type(obj)->name->s.c_str());
        }
    }
    return vm.raise_format(vm.exc.TypeError, "'%s' object is not subscriptable", type_name(vm, obj).c_str());
}

bool set_item(VM& vm, Value obj, Value key, Value value) {
    if (obj.is_obj()) {
        Type* t = obj.o->type;
        if (t == vm.types.list && key.is_int()) {
            auto& items = static_cast<List*>(obj.o)->items;
            int64_t i = key.i, n = static_cast<int64_t>(items.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) {
                vm.raise(vm.exc.IndexError, "list assignment index out of range");
                return false;
            }
            items[i] = value;
            return true;
        }
        if (t == vm.types.dict) return dict_set(vm, static_cast<Dict*>(obj.o), key, value);
        Value f = type_lookup(t, vm.names.__setitem__);
        if (!f.is_empty() && !f.is_none()) {
            Value args[2] = {key, value};
            return !call_descriptor(vm, f, obj, args, 2).is_empty();
        }
    }
    vm.raise_format(vm.exc.TypeError, "'%s' object does not support item assignment", type_name(vm, obj).c_str());
    return false;
}

bool del_item(VM& vm, Value obj, Value key) {
    if (obj.is_obj()) {
        Type* t = obj.o->type;
        if (t == vm.types.dict) return dict_del(vm, static_cast<Dict*>(obj.o), key);
        Value f = type_lookup(t, vm.names.__delitem__);
        if (!f.is_empty() && !f.is_none()) return !call_descriptor(vm, f, obj, &key, 1).is_empty();
    }
    // CPython's wording differs between sequences (PySequence_DelItem) and everything else.
    Type* t = type_of(vm, obj);
    bool seq = (t->flags & kTypeHeap) || !type_lookup(t, vm.names.__getitem__).is_empty() ||
               !type_lookup(t, vm.names.__contains__).is_empty();
    vm.raise_format(vm.exc.TypeError, seq ? "'%s' object doesn't support item deletion" : "'%s' object does not support item deletion",
                    type_name(vm, obj).c_str());
    return false;
}

}  // namespace asy::vm
