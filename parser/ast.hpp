// The asy AST: node kinds and fields mirror CPython 3.11's `ast` module (Python.asdl), so
// names below are the ones a Python user knows (`BinOp.left`, `FunctionDef.args`, ...).
// Nodes are owned by an `Arena`; children are raw pointers valid as long as the arena lives.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace asy::ast {

// 1-based line, 0-based column counted in code points (as CPython's col_offset is in UTF-8
// bytes we deliberately use code points: carets line up with what the user sees).
struct Loc {
    int line = 0, col = 0, end_line = 0, end_col = 0;
};

struct Node {
    Loc loc;
    virtual ~Node() = default;
};

// ---- expressions -------------------------------------------------------------------------

enum class ExprKind : uint8_t {
    BoolOp, NamedExpr, BinOp, UnaryOp, Lambda, IfExp, Dict, Set, ListComp, SetComp, DictComp,
    GeneratorExp, Await, Yield, YieldFrom, Compare, Call, FormattedValue, JoinedStr, Constant,
    Attribute, Subscript, Starred, Name, List, Tuple, Slice,
};

enum class ExprContext : uint8_t { Load, Store, Del };
enum class BoolOpKind : uint8_t { And, Or };
enum class OperatorKind : uint8_t {
    Add, Sub, Mult, MatMult, Div, Mod, Pow, LShift, RShift, BitOr, BitXor, BitAnd, FloorDiv,
};
enum class UnaryOpKind : uint8_t { Invert, Not, UAdd, USub };
enum class CmpOpKind : uint8_t { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };

struct Expr : Node {
    ExprKind kind;
    explicit Expr(ExprKind k) : kind(k) {}
    template <class T> bool is() const { return kind == T::kKind; }
    template <class T> T* as() { return kind == T::kKind ? static_cast<T*>(this) : nullptr; }
    template <class T> const T* as() const { return kind == T::kKind ? static_cast<const T*>(this) : nullptr; }
};

struct Stmt;
struct Arguments;

#define ASY_EXPR_NODE(Name) \
    static constexpr ExprKind kKind = ExprKind::Name; \
    Name() : Expr(ExprKind::Name) {}

struct BoolOp : Expr { ASY_EXPR_NODE(BoolOp) BoolOpKind op{}; std::vector<Expr*> values; };
struct NamedExpr : Expr { ASY_EXPR_NODE(NamedExpr) Expr* target = nullptr; Expr* value = nullptr; };
struct BinOp : Expr { ASY_EXPR_NODE(BinOp) Expr* left = nullptr; OperatorKind op{}; Expr* right = nullptr; };
struct UnaryOp : Expr { ASY_EXPR_NODE(UnaryOp) UnaryOpKind op{}; Expr* operand = nullptr; };
struct Lambda : Expr { ASY_EXPR_NODE(Lambda) Arguments* args = nullptr; Expr* body = nullptr; };
struct IfExp : Expr { ASY_EXPR_NODE(IfExp) Expr* test = nullptr; Expr* body = nullptr; Expr* orelse = nullptr; };
// keys[i] == nullptr means `**values[i]`
struct Dict : Expr { ASY_EXPR_NODE(Dict) std::vector<Expr*> keys; std::vector<Expr*> values; };
struct Set : Expr { ASY_EXPR_NODE(Set) std::vector<Expr*> elts; };

struct Comprehension {
    Expr* target = nullptr;
    Expr* iter = nullptr;
    std::vector<Expr*> ifs;
    bool is_async = false;
};

struct ListComp : Expr { ASY_EXPR_NODE(ListComp) Expr* elt = nullptr; std::vector<Comprehension> generators; };
struct SetComp : Expr { ASY_EXPR_NODE(SetComp) Expr* elt = nullptr; std::vector<Comprehension> generators; };
struct DictComp : Expr { ASY_EXPR_NODE(DictComp) Expr* key = nullptr; Expr* value = nullptr; std::vector<Comprehension> generators; };
struct GeneratorExp : Expr { ASY_EXPR_NODE(GeneratorExp) Expr* elt = nullptr; std::vector<Comprehension> generators; };
struct Await : Expr { ASY_EXPR_NODE(Await) Expr* value = nullptr; };
struct Yield : Expr { ASY_EXPR_NODE(Yield) Expr* value = nullptr; /* may be null */ };
struct YieldFrom : Expr { ASY_EXPR_NODE(YieldFrom) Expr* value = nullptr; };
struct Compare : Expr { ASY_EXPR_NODE(Compare) Expr* left = nullptr; std::vector<CmpOpKind> ops; std::vector<Expr*> comparators; };

struct Keyword {
    std::string arg;  // empty means `**value`
    Expr* value = nullptr;
    Loc loc;
};

struct Call : Expr { ASY_EXPR_NODE(Call) Expr* func = nullptr; std::vector<Expr*> args; std::vector<Keyword> keywords; };
// conversion: -1 none, 's', 'r', 'a'. format_spec is a JoinedStr or null.
struct FormattedValue : Expr { ASY_EXPR_NODE(FormattedValue) Expr* value = nullptr; int conversion = -1; Expr* format_spec = nullptr; };
struct JoinedStr : Expr { ASY_EXPR_NODE(JoinedStr) std::vector<Expr*> values; };

// Literal constants. Ints that do not fit int64 keep their decimal digits in `text`.
enum class ConstKind : uint8_t { None, True, False, Ellipsis, Int, BigInt, Float, Complex, Str, Bytes };
struct Constant : Expr {
    ASY_EXPR_NODE(Constant)
    ConstKind ckind = ConstKind::None;
    int64_t int_value = 0;
    double float_value = 0;   // Float, and the imaginary part of Complex
    std::string text;         // Str (UTF-8), Bytes (raw bytes), BigInt (decimal digits)
    bool u_prefix = false;    // Str written as u'...' (ast.dump shows kind='u')
};

struct Attribute : Expr { ASY_EXPR_NODE(Attribute) Expr* value = nullptr; std::string attr; ExprContext ctx = ExprContext::Load; };
struct Subscript : Expr { ASY_EXPR_NODE(Subscript) Expr* value = nullptr; Expr* slice = nullptr; ExprContext ctx = ExprContext::Load; };
struct Starred : Expr { ASY_EXPR_NODE(Starred) Expr* value = nullptr; ExprContext ctx = ExprContext::Load; };
struct Name : Expr { ASY_EXPR_NODE(Name) std::string id; ExprContext ctx = ExprContext::Load; };
struct List : Expr { ASY_EXPR_NODE(List) std::vector<Expr*> elts; ExprContext ctx = ExprContext::Load; };
struct Tuple : Expr { ASY_EXPR_NODE(Tuple) std::vector<Expr*> elts; ExprContext ctx = ExprContext::Load; };
struct Slice : Expr { ASY_EXPR_NODE(Slice) Expr* lower = nullptr; Expr* upper = nullptr; Expr* step = nullptr; };

#undef ASY_EXPR_NODE

// ---- function signatures -----------------------------------------------------------------

struct Arg {
    std::string arg;
    Expr* annotation = nullptr;
    Loc loc;
};

// As CPython: `defaults` align with the *last* entries of posonlyargs+args;
// kw_defaults[i] (nullable) belongs to kwonlyargs[i].
struct Arguments : Node {
    std::vector<Arg> posonlyargs;
    std::vector<Arg> args;
    Arg* vararg = nullptr;          // owned by the arena (see Arena::make_arg)
    std::vector<Arg> kwonlyargs;
    std::vector<Expr*> kw_defaults;
    Arg* kwarg = nullptr;
    std::vector<Expr*> defaults;
};

// ---- statements --------------------------------------------------------------------------

enum class StmtKind : uint8_t {
    FunctionDef, AsyncFunctionDef, ClassDef, Return, Delete, Assign, AugAssign, AnnAssign, For,
    AsyncFor, While, If, With, AsyncWith, Match, Raise, Try, TryStar, Assert, Import, ImportFrom,
    Global, Nonlocal, Expr, Pass, Break, Continue,
};

struct Stmt : Node {
    StmtKind kind;
    explicit Stmt(StmtKind k) : kind(k) {}
    template <class T> bool is() const { return kind == T::kKind; }
    template <class T> T* as() { return kind == T::kKind ? static_cast<T*>(this) : nullptr; }
    template <class T> const T* as() const { return kind == T::kKind ? static_cast<const T*>(this) : nullptr; }
};

#define ASY_STMT_NODE(Name) \
    static constexpr StmtKind kKind = StmtKind::Name; \
    Name##Stmt() : Stmt(StmtKind::Name) {}

using Body = std::vector<Stmt*>;

// FunctionDef and AsyncFunctionDef share one struct; `kind` tells them apart.
struct FunctionDefStmt : Stmt {
    static constexpr StmtKind kKind = StmtKind::FunctionDef;
    explicit FunctionDefStmt(bool is_async = false)
        : Stmt(is_async ? StmtKind::AsyncFunctionDef : StmtKind::FunctionDef) {}
    bool is_async() const { return kind == StmtKind::AsyncFunctionDef; }
    std::string name;
    Arguments* args = nullptr;
    Body body;
    std::vector<Expr*> decorator_list;
    Expr* returns = nullptr;
};

struct ClassDefStmt : Stmt {
    ASY_STMT_NODE(ClassDef)
    std::string name;
    std::vector<Expr*> bases;
    std::vector<Keyword> keywords;
    Body body;
    std::vector<Expr*> decorator_list;
};

struct ReturnStmt : Stmt { ASY_STMT_NODE(Return) Expr* value = nullptr; };
struct DeleteStmt : Stmt { ASY_STMT_NODE(Delete) std::vector<Expr*> targets; };
struct AssignStmt : Stmt { ASY_STMT_NODE(Assign) std::vector<Expr*> targets; Expr* value = nullptr; };
struct AugAssignStmt : Stmt { ASY_STMT_NODE(AugAssign) Expr* target = nullptr; OperatorKind op{}; Expr* value = nullptr; };
// simple: target is a plain Name not in parentheses
struct AnnAssignStmt : Stmt { ASY_STMT_NODE(AnnAssign) Expr* target = nullptr; Expr* annotation = nullptr; Expr* value = nullptr; bool simple = false; };

// For and AsyncFor share one struct.
struct ForStmt : Stmt {
    static constexpr StmtKind kKind = StmtKind::For;
    explicit ForStmt(bool is_async = false) : Stmt(is_async ? StmtKind::AsyncFor : StmtKind::For) {}
    bool is_async() const { return kind == StmtKind::AsyncFor; }
    Expr* target = nullptr;
    Expr* iter = nullptr;
    Body body;
    Body orelse;
};

struct WhileStmt : Stmt { ASY_STMT_NODE(While) Expr* test = nullptr; Body body; Body orelse; };
struct IfStmt : Stmt { ASY_STMT_NODE(If) Expr* test = nullptr; Body body; Body orelse; };

struct WithItem {
    Expr* context_expr = nullptr;
    Expr* optional_vars = nullptr;
};

// With and AsyncWith share one struct.
struct WithStmt : Stmt {
    static constexpr StmtKind kKind = StmtKind::With;
    explicit WithStmt(bool is_async = false) : Stmt(is_async ? StmtKind::AsyncWith : StmtKind::With) {}
    bool is_async() const { return kind == StmtKind::AsyncWith; }
    std::vector<WithItem> items;
    Body body;
};

// ---- match (patterns) --------------------------------------------------------------------

enum class PatternKind : uint8_t { MatchValue, MatchSingleton, MatchSequence, MatchMapping, MatchClass, MatchStar, MatchAs, MatchOr };

struct Pattern : Node {
    PatternKind kind;
    explicit Pattern(PatternKind k) : kind(k) {}
    Expr* value = nullptr;                 // MatchValue; MatchSingleton (a Constant)
    std::vector<Pattern*> patterns;        // MatchSequence, MatchMapping, MatchClass (positional), MatchOr
    std::vector<Expr*> keys;               // MatchMapping
    std::string rest;                      // MatchMapping `**rest` (empty: none)
    Expr* cls = nullptr;                   // MatchClass
    std::vector<std::string> kwd_attrs;    // MatchClass
    std::vector<Pattern*> kwd_patterns;    // MatchClass
    std::string name;                      // MatchStar / MatchAs (empty: wildcard `_`)
    Pattern* pattern = nullptr;            // MatchAs (`p as name`; null for a bare capture)
};

struct MatchCase {
    Pattern* pattern = nullptr;
    Expr* guard = nullptr;
    Body body;
};

struct MatchStmt : Stmt { ASY_STMT_NODE(Match) Expr* subject = nullptr; std::vector<MatchCase> cases; };

struct RaiseStmt : Stmt { ASY_STMT_NODE(Raise) Expr* exc = nullptr; Expr* cause = nullptr; };

struct ExceptHandler {
    Expr* type = nullptr;   // null: bare `except:`
    std::string name;       // empty: no `as`
    Body body;
    Loc loc;
};

// Try and TryStar (except*) share one struct.
struct TryStmt : Stmt {
    static constexpr StmtKind kKind = StmtKind::Try;
    explicit TryStmt(bool star = false) : Stmt(star ? StmtKind::TryStar : StmtKind::Try) {}
    Body body;
    std::vector<ExceptHandler> handlers;
    Body orelse;
    Body finalbody;
};

struct AssertStmt : Stmt { ASY_STMT_NODE(Assert) Expr* test = nullptr; Expr* msg = nullptr; };

struct Alias {
    std::string name;     // dotted for `import a.b.c`; "*" for `from m import *`
    std::string asname;   // empty: none
    Loc loc;
};

struct ImportStmt : Stmt { ASY_STMT_NODE(Import) std::vector<Alias> names; };
struct ImportFromStmt : Stmt { ASY_STMT_NODE(ImportFrom) std::string module; std::vector<Alias> names; int level = 0; };
struct GlobalStmt : Stmt { ASY_STMT_NODE(Global) std::vector<std::string> names; };
struct NonlocalStmt : Stmt { ASY_STMT_NODE(Nonlocal) std::vector<std::string> names; };
struct ExprStmt : Stmt { ASY_STMT_NODE(Expr) ast::Expr* value = nullptr; };
struct PassStmt : Stmt { ASY_STMT_NODE(Pass) };
struct BreakStmt : Stmt { ASY_STMT_NODE(Break) };
struct ContinueStmt : Stmt { ASY_STMT_NODE(Continue) };

#undef ASY_STMT_NODE

// ---- ownership ---------------------------------------------------------------------------

// Owns every node of one parse. Nodes are created with `make<T>()` and freed with the arena.
class Arena {
public:
    template <class T, class... A> T* make(A&&... a) {
        auto p = std::make_unique<T>(std::forward<A>(a)...);
        T* raw = p.get();
        nodes_.push_back(std::move(p));
        return raw;
    }
    Arg* make_arg() { args_.push_back(std::make_unique<Arg>()); return args_.back().get(); }

private:
    std::vector<std::unique_ptr<Node>> nodes_;
    std::vector<std::unique_ptr<Arg>> args_;
};

// A parsed module (file, `-c` string, REPL line, or eval expression).
enum class ParseMode : uint8_t { Exec, Single, Eval };
struct Module {
    std::shared_ptr<Arena> arena = std::make_shared<Arena>();
    Body body;
    Expr* expression = nullptr;  // ParseMode::Eval only
    ParseMode mode = ParseMode::Exec;
};

}  // namespace asy::ast
