// Private to the compiler: the symbol table built by scope.cpp, the instruction emitter of
// emitter.cpp, and the `Compiler` walker whose methods live in compile_stmt/compile_expr.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/compiler.hpp"
#include "lexer/source.hpp"
#include "parser/ast.hpp"
#include "vm/bytecode.hpp"

namespace asy::compile {

// ---- symbol table (CPython's symtable) ----------------------------------------------------

enum SymFlag : uint32_t {
    kDefGlobal = 1,       // `global x` in this block
    kDefLocal = 2,        // assigned in this block
    kDefParam = 4,        // a parameter
    kDefNonlocal = 8,     // `nonlocal x`
    kUse = 16,            // read in this block
    kDefFreeClass = 32,   // bound in a class body and also free in a method (passes through)
    kDefImport = 64,
    kDefAnnot = 128,
    kDefCompIter = 256,   // the target of a comprehension's `for`
    kDefBound = kDefLocal | kDefParam | kDefImport,
};

enum class SymScope : uint8_t { None, Local, GlobalExplicit, GlobalImplicit, Free, Cell };

struct Symbol {
    uint32_t flags = 0;
    SymScope scope = SymScope::None;
    ast::Loc decl_loc;  // where `global`/`nonlocal` named it (for diagnostics)
};

enum class BlockKind : uint8_t { Module, Class, Function };

struct ScopeInfo {
    BlockKind kind = BlockKind::Function;
    std::string name;
    const void* node = nullptr;
    ScopeInfo* parent = nullptr;
    std::vector<ScopeInfo*> children;
    std::unordered_map<std::string, Symbol> symbols;
    std::vector<std::string> order;        // symbols in first-seen order (deterministic output)
    std::vector<std::string> params;       // parameter names, in varnames order
    bool is_generator = false;
    bool is_coroutine = false;             // async def, or an async comprehension
    bool is_comprehension = false;         // list/set/dict comprehension or generator expression
    bool is_genexp = false;
    bool is_lambda = false;
    bool needs_class_closure = false;      // class body: a method uses `super`/`__class__`
    bool has_varargs = false, has_varkw = false;
    ast::Loc loc;

    SymScope scope_of(const std::string& n) const {
        auto it = symbols.find(n);
        return it == symbols.end() ? SymScope::None : it->second.scope;
    }
    Symbol& add(const std::string& n) {
        auto [it, inserted] = symbols.try_emplace(n);
        if (inserted) order.push_back(n);
        return it->second;
    }
};

struct SymbolTable {
    std::vector<std::unique_ptr<ScopeInfo>> scopes;
    std::unordered_map<const void*, ScopeInfo*> by_node;
    ScopeInfo* top = nullptr;
    ScopeInfo* lookup(const void* node) const {
        auto it = by_node.find(node);
        return it == by_node.end() ? nullptr : it->second;
    }
};

// Builds the table for `module`; SyntaxErrors go to `errors`. `allow_top_level_await` is the
// REPL's mode (module code may await, and then becomes a coroutine).
std::unique_ptr<SymbolTable> build_symbols(const ast::Module& module, const std::string& filename,
                                           bool allow_top_level_await,
                                           std::vector<lex::Diagnostic>& errors,
                                           bool future_annotations = false);

// ---- future statements (future.cpp) -------------------------------------------------------

// CO_FUTURE_* code flags (CPython 3.11's values); only `annotations` changes code generation.
constexpr uint32_t kCoFutureAnnotations = 0x1000000;
constexpr uint32_t kCoFutureMask = 0x1FE0000;

struct FutureFeatures {
    uint32_t flags = 0;   // kCoFuture* bits set by the module's future statements
    int lineno = -1;      // line of the last valid future statement (-1: none)
};

// Reads the future statements at the top of `module` (CPython's future.c); misplaced or
// unknown features are SyntaxErrors appended to `errors`.
FutureFeatures parse_future(const ast::Module& module, const std::string& filename,
                            std::vector<lex::Diagnostic>& errors);

// Source text of an expression as CPython 3.11's C unparser renders an annotation
// (`from __future__ import annotations`). `forbidden` (optional) receives the first walrus,
// yield or await inside, which an annotation may not contain.
std::string unparse_expr(const ast::Expr* e, const ast::Expr** forbidden = nullptr);

// `__spam` inside class `Ham` becomes `_Ham__spam` (CPython's _Py_Mangle).
std::string mangle(const std::string& private_name, const std::string& name);

// BINARY_OP argument for an AST operator (in-place form for augmented assignment).
uint32_t binop_arg(ast::OperatorKind k, bool inplace);

// ---- emitter ------------------------------------------------------------------------------

// Pseudo-instructions: they mark exception-handler regions and disappear on assembly.
enum PseudoOp : int {
    kSetupFinally = 256,  // handler at depth = current depth
    kSetupCleanup,        // same, and the handler gets lasti pushed
    kSetupWith,           // depth = current depth - 1 (keeps __exit__), lasti pushed
    kPopBlock,
};

struct Label {
    int id = -1;
    bool valid() const { return id >= 0; }
};

struct RawInstr {
    int op;            // vm::Op or PseudoOp
    uint32_t arg;
    int target;        // label id for jumps and SETUP_*, else -1
    ast::Loc loc;
};

class Emitter {
public:
    Label new_label();
    void bind(Label l);
    void emit(vm::Op op, uint32_t arg, const ast::Loc& loc);
    void emit_jump(vm::Op op, Label target, const ast::Loc& loc);
    void setup(PseudoOp kind, Label handler, const ast::Loc& loc);
    void pop_block(const ast::Loc& loc);
    bool last_is_terminator() const;

    // Resolves labels, drops unreachable code and pseudo-ops, builds the position and
    // exception tables and computes max_stack. Returns false on an internal inconsistency.
    bool assemble(vm::Code& out, std::string& err) const;

private:
    std::vector<RawInstr> instrs_;
    std::vector<int> label_pos_;
};

// State threaded through the compilation of one `case` pattern (CPython's pattern_context).
struct PatternContext {
    std::vector<std::string> stores;   // names captured so far (their values sit on the stack)
    bool allow_irrefutable = false;
    std::vector<Label> fail_pop;       // fail_pop[n]: pop n items, then fail
    int on_top = 0;                    // items above the captures that are not part of the match
};

// ---- code generation ----------------------------------------------------------------------

enum class FBlockKind : uint8_t {
    WhileLoop, ForLoop, TryExcept, FinallyTry, FinallyEnd, With, AsyncWith, HandlerCleanup,
    PopValue, ExceptionHandler, AsyncComprehensionGenerator, ExceptionGroupHandler,
};

struct FBlock {
    FBlockKind kind;
    Label block, exit;
    const ast::Body* finalbody = nullptr;   // FinallyTry
    const std::string* name = nullptr;      // HandlerCleanup with `as name`
    ast::Loc loc;
};

struct Unit {
    ScopeInfo* scope = nullptr;
    std::unique_ptr<vm::Code> code = std::make_unique<vm::Code>();
    Emitter em;
    std::unordered_map<std::string, int> const_index, name_index, var_index, cell_index;
    std::vector<FBlock> fblocks;
    std::string private_name;   // enclosing class name, for mangling
    ast::Loc loc;               // current source position
    bool in_async_comprehension = false;
};

class Compiler {
public:
    Compiler(const std::string& filename, SymbolTable& st, ast::ParseMode mode, FutureFeatures future)
        : filename_(filename), st_(st), mode_(mode), future_(future) {}
    bool future_annotations() const { return (future_.flags & kCoFutureAnnotations) != 0; }
    // An annotation's value: evaluated, or (future annotations) its source text as a constant.
    void annotation(const ast::Expr* e);
    std::shared_ptr<const vm::Code> compile_module(const ast::Module& m);
    std::vector<lex::Diagnostic> errors;

    // ---- helpers (compile_stmt.cpp) ----
    void error(const ast::Loc& loc, const std::string& msg);
    void enter_unit(ScopeInfo* scope, const std::string& name, const ast::Loc& loc);
    std::shared_ptr<const vm::Code> leave_unit();
    Unit& u() { return *units_.back(); }
    void set_loc(const ast::Loc& loc) { u().loc = loc; }
    void emit(vm::Op op, uint32_t arg = 0) { u().em.emit(op, arg, u().loc); }
    void emit_jump(vm::Op op, Label l) { u().em.emit_jump(op, l, u().loc); }
    Label new_label() { return u().em.new_label(); }
    void bind(Label l) { u().em.bind(l); }
    void setup(PseudoOp k, Label l) { u().em.setup(k, l, u().loc); }
    void pop_block() { u().em.pop_block(u().loc); }
    int add_const(vm::Constant c);
    void load_const(vm::Constant c) { emit(vm::Op::LOAD_CONST, add_const(std::move(c))); }
    void load_none() { load_const(vm::Constant{}); }
    int add_name(const std::string& n);
    int add_var(const std::string& n);
    int cell_slot(const std::string& n);
    std::string mangled(const std::string& n) { return mangle(u().private_name, n); }
    void name_op(const std::string& name, ast::ExprContext ctx);
    void body(const ast::Body& stmts);

    // ---- statements (compile_stmt.cpp) ----
    void stmt(const ast::Stmt* s);
    void function_def(const ast::FunctionDefStmt* s);
    void class_def(const ast::ClassDefStmt* s);
    void return_stmt(const ast::ReturnStmt* s);
    void assign(const ast::AssignStmt* s);
    void aug_assign(const ast::AugAssignStmt* s);
    void ann_assign(const ast::AnnAssignStmt* s);
    void for_stmt(const ast::ForStmt* s);
    void async_for(const ast::ForStmt* s);
    void while_stmt(const ast::WhileStmt* s);
    void if_stmt(const ast::IfStmt* s);
    void with_stmt(const ast::WithStmt* s, size_t pos);
    void async_with(const ast::WithStmt* s, size_t pos);
    void try_stmt(const ast::TryStmt* s);
    void try_except(const ast::TryStmt* s);
    void try_finally(const ast::TryStmt* s);
    void try_star_stmt(const ast::TryStmt* s);
    void try_star_except(const ast::TryStmt* s);
    void raise_stmt(const ast::RaiseStmt* s);
    void assert_stmt(const ast::AssertStmt* s);
    void import_stmt(const ast::ImportStmt* s);
    void import_from(const ast::ImportFromStmt* s);
    void delete_target(const ast::Expr* e);
    void break_stmt(const ast::Stmt* s);
    void continue_stmt(const ast::Stmt* s);
    void push_fblock(FBlockKind k, Label block, Label exit, const ast::Loc& loc);
    void pop_fblock();
    void unwind_fblock(const FBlock& fb, bool preserve_tos);
    bool unwind_fblock_stack(bool preserve_tos, FBlock* loop_out);
    void call_exit_with_nones();
    void with_except_finish(Label cleanup);
    void pop_except_and_reraise();
    void await_loop();  // SEND/YIELD_VALUE loop: [receiver, value] -> [result]
    bool find_ann(const ast::Body& b);
    void make_closure(std::shared_ptr<const vm::Code> code, uint32_t flags, const ScopeInfo* child);
    uint32_t default_arguments(const ast::Arguments* a);
    bool annotations(const ast::Arguments* a, const ast::Expr* returns);
    void set_function_args(const ast::Arguments* a);
    std::string qualname_for(const std::string& name);

    // ---- match statement (compile_match.cpp) ----
    void match_stmt(const ast::MatchStmt* s);
    bool pattern(const ast::Pattern* p, PatternContext& pc);
    bool pattern_subpattern(const ast::Pattern* p, PatternContext& pc);
    bool pattern_as(const ast::Pattern* p, PatternContext& pc);
    bool pattern_sequence(const ast::Pattern* p, PatternContext& pc);
    bool pattern_mapping(const ast::Pattern* p, PatternContext& pc);
    bool pattern_class(const ast::Pattern* p, PatternContext& pc);
    bool pattern_or(const ast::Pattern* p, PatternContext& pc);
    bool pattern_store_name(const std::string& name, PatternContext& pc);
    void pattern_rotate(int count);
    void ensure_fail_pop(PatternContext& pc, size_t n);
    void jump_to_fail_pop(PatternContext& pc, vm::Op op);
    void emit_and_reset_fail_pop(PatternContext& pc);

    // ---- expressions (compile_expr.cpp) ----
    void expr(const ast::Expr* e);
    void store(const ast::Expr* target);
    void unpack_store(const std::vector<ast::Expr*>& elts, const ast::Loc& loc);
    void jump_if(const ast::Expr* e, Label target, bool cond);
    void bool_op(const ast::BoolOp* e);
    void compare(const ast::Compare* e);
    void compare_op(ast::CmpOpKind k);
    void call(const ast::Call* e);
    void call_helper(int n, const std::vector<ast::Expr*>& args, const std::vector<ast::Keyword>& kws);
    void starunpack(const std::vector<ast::Expr*>& elts, int pushed, vm::Op build, vm::Op add,
                    vm::Op extend, bool tuple);
    void dict(const ast::Dict* e);
    void lambda(const ast::Lambda* e);
    void comprehension(const ast::Expr* e, const std::vector<ast::Comprehension>& gens,
                       const ast::Expr* elt, const ast::Expr* val, const char* name);
    void comp_generator(const std::vector<ast::Comprehension>& gens, size_t i, int depth,
                        const ast::Expr* elt, const ast::Expr* val, ast::ExprKind kind);
    void yield_value();
    bool const_value(const ast::Expr* e, vm::Constant& out);
    void fstring(const ast::JoinedStr* e);

private:
    std::string filename_;
    SymbolTable& st_;
    ast::ParseMode mode_;
    FutureFeatures future_;
    std::vector<std::unique_ptr<Unit>> units_;
};

}  // namespace asy::compile
