// `_files`: the native core under files.asy. Every operation runs as plain blocking POSIX/stdio
// code on libuv's thread pool (uv_queue_work) and reports back on the loop thread as the
// completion `callback(future, ok, value)`, so file I/O never blocks the asyncio loop.
// Worker threads never touch the VM: a job copies its inputs into C++ values first.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "loop/event_loop.hpp"
#include "stdlib/registry.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

// An open stdio stream. Only one operation uses it at a time (files.asy awaits each one), so
// the worker thread that runs the operation owns it for the duration. Closed when collected.
struct FileHandle : Obj {
    FILE* fp = nullptr;
    bool busy = false;
    ~FileHandle() override {
        if (fp != nullptr && !busy) std::fclose(fp);
    }
};

Type* file_handle_type(VM& vm) {
    Value t = dict_get_str(vm.modules, vm.intern("_files"));
    if (t.is_empty()) return nullptr;
    Value type = dict_get_str(t.o->dict, vm.intern("FileHandle"));
    return type.is_empty() ? nullptr : static_cast<Type*>(type.o);
}

enum class Op {
    Open, Close, Read, ReadChars, ReadLine, Write, Seek, Tell, Flush, Truncate,
    Stat, Exists, IsDir, IsFile, Remove, Rmdir, Rename, Mkdir, Listdir, ReadFile, WriteFile,
};

enum class Result { None, Int, Bool, Bytes, Handle, Names, Stat };

struct Job {
    uv_work_t req;
    loop::EventLoop* loop = nullptr;
    VM* vm = nullptr;
    uint64_t key = 0;           // held (callback, future, handle)
    Op op;
    Result result = Result::None;
    FILE* fp = nullptr;
    std::string path, path2, data, mode;
    int64_t n = -1, whence = 0;
    bool flag = false, flag2 = false;
    // results
    int err = 0;
    bool err_two_paths = false;
    std::string err_path;
    std::string out;
    int64_t num = 0;
    std::vector<std::string> names;
    struct stat st {};
};

void fail(Job* j, int err, const std::string& path) {
    j->err = err;
    j->err_path = path;
}

// Reads up to `n` UTF-8 characters (text mode): whole sequences only, so no char is split.
void read_chars(Job* j) {
    int64_t chars = 0;
    while (chars < j->n) {
        int c = std::fgetc(j->fp);
        if (c == EOF) break;
        j->out += static_cast<char>(c);
        int len = (c & 0x80) == 0 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
        for (int k = 1; k < len; ++k) {
            int d = std::fgetc(j->fp);
            if (d == EOF) break;
            if ((d & 0xC0) != 0x80) {
                std::ungetc(d, j->fp);
                break;
            }
            j->out += static_cast<char>(d);
        }
        ++chars;
    }
}

void read_rest(FILE* fp, std::string* out) {
    char buf[65536];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, fp)) > 0) out->append(buf, got);
}

bool make_dirs(Job* j, const std::string& path, bool parents, bool exist_ok) {
    if (::mkdir(path.c_str(), 0777) == 0) return true;
    int e = errno;
    if (e == ENOENT && parents) {
        size_t slash = path.find_last_of('/', path.size() > 1 ? path.size() - 2 : 0);
        if (slash != std::string::npos && slash > 0) {
            if (!make_dirs(j, path.substr(0, slash), true, true)) return false;
            if (::mkdir(path.c_str(), 0777) == 0) return true;
            e = errno;
        }
    }
    struct stat st;
    if (e == EEXIST && exist_ok && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
    fail(j, e, path);
    return false;
}

void run_job(uv_work_t* req) {
    Job* j = static_cast<Job*>(req->data);
    errno = 0;
    switch (j->op) {
    case Op::Open: {
        FILE* fp = std::fopen(j->path.c_str(), j->mode.c_str());
        if (fp == nullptr) return fail(j, errno, j->path);
        struct stat st;
        if (::fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
            std::fclose(fp);
            return fail(j, EISDIR, j->path);
        }
        j->fp = fp;
        j->result = Result::Handle;
        return;
    }
    case Op::Close:
        if (std::fclose(j->fp) != 0) fail(j, errno, "");
        return;
    case Op::Read:
        j->result = Result::Bytes;
        if (j->n < 0) {
            read_rest(j->fp, &j->out);
        } else {
            j->out.resize(static_cast<size_t>(j->n));
            j->out.resize(std::fread(j->out.data(), 1, j->out.size(), j->fp));
        }
        if (std::ferror(j->fp)) {
            std::clearerr(j->fp);
            fail(j, errno ? errno : EIO, "");
        }
        return;
    case Op::ReadChars:
        j->result = Result::Bytes;
        if (j->n < 0) read_rest(j->fp, &j->out); else read_chars(j);
        return;
    case Op::ReadLine: {
        j->result = Result::Bytes;
        int c;
        while ((j->n < 0 || static_cast<int64_t>(j->out.size()) < j->n) && (c = std::fgetc(j->fp)) != EOF) {
            j->out += static_cast<char>(c);
            if (c == '\n') break;
        }
        return;
    }
    case Op::Write:
        j->result = Result::Int;
        if (std::fwrite(j->data.data(), 1, j->data.size(), j->fp) != j->data.size()) return fail(j, errno, "");
        j->num = static_cast<int64_t>(j->data.size());
        return;
    case Op::Seek:
        j->result = Result::Int;
        if (std::fseek(j->fp, j->n, static_cast<int>(j->whence)) != 0) return fail(j, errno, "");
        j->num = std::ftell(j->fp);
        return;
    case Op::Tell:
        j->result = Result::Int;
        j->num = std::ftell(j->fp);
        if (j->num < 0) fail(j, errno, "");
        return;
    case Op::Flush:
        if (std::fflush(j->fp) != 0) fail(j, errno, "");
        return;
    case Op::Truncate: {
        j->result = Result::Int;
        std::fflush(j->fp);
        int64_t size = j->n >= 0 ? j->n : std::ftell(j->fp);
        if (::ftruncate(fileno(j->fp), size) != 0) return fail(j, errno, "");
        j->num = size;
        return;
    }
    case Op::Stat:
        j->result = Result::Stat;
        if ((j->flag ? ::stat(j->path.c_str(), &j->st) : ::lstat(j->path.c_str(), &j->st)) != 0) {
            fail(j, errno, j->path);
        }
        return;
    case Op::Exists:
    case Op::IsDir:
    case Op::IsFile: {
        j->result = Result::Bool;
        struct stat st;
        bool ok = ::stat(j->path.c_str(), &st) == 0;
        j->num = j->op == Op::Exists ? ok : j->op == Op::IsDir ? ok && S_ISDIR(st.st_mode) : ok && S_ISREG(st.st_mode);
        return;
    }
    case Op::Remove:
        if (::unlink(j->path.c_str()) != 0) fail(j, errno, j->path);
        return;
    case Op::Rmdir:
        if (::rmdir(j->path.c_str()) != 0) fail(j, errno, j->path);
        return;
    case Op::Rename:
        if (std::rename(j->path.c_str(), j->path2.c_str()) != 0) {
            fail(j, errno, j->path);
            j->err_two_paths = true;
        }
        return;
    case Op::Mkdir:
        make_dirs(j, j->path, j->flag, j->flag2);
        return;
    case Op::Listdir: {
        j->result = Result::Names;
        DIR* dir = ::opendir(j->path.c_str());
        if (dir == nullptr) return fail(j, errno, j->path);
        while (dirent* e = ::readdir(dir)) {
            if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
            j->names.emplace_back(e->d_name);
        }
        ::closedir(dir);
        return;
    }
    case Op::ReadFile: {
        j->result = Result::Bytes;
        FILE* fp = std::fopen(j->path.c_str(), "rb");
        if (fp == nullptr) return fail(j, errno, j->path);
        struct stat st;
        if (::fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
            std::fclose(fp);
            return fail(j, EISDIR, j->path);
        }
        read_rest(fp, &j->out);
        std::fclose(fp);
        return;
    }
    case Op::WriteFile: {
        j->result = Result::Int;
        FILE* fp = std::fopen(j->path.c_str(), j->flag ? "ab" : "wb");
        if (fp == nullptr) return fail(j, errno, j->path);
        size_t put = std::fwrite(j->data.data(), 1, j->data.size(), fp);
        int e = errno;
        if (std::fclose(fp) != 0 || put != j->data.size()) return fail(j, e ? e : errno, j->path);
        j->num = static_cast<int64_t>(put);
        return;
    }
    }
}

// OSError(errno, strerror, filename[, None, filename2]) picks the CPython subclass by errno.
Value make_os_error(VM& vm, Job* j) {
    Value args[5] = {Value::integer(j->err), str_value(vm, std::strerror(j->err)), Value::none(), Value::none(),
                     Value::none()};
    size_t n = 2;
    if (!j->err_path.empty()) {
        args[2] = str_value(vm, j->err_path);
        n = 3;
        if (j->err_two_paths) {
            args[4] = str_value(vm, j->path2);
            n = 5;
        }
    }
    return vm.call(Value::object(vm.exc.OSError), args, n);
}

Value make_result(VM& vm, Job* j, Value handle) {
    switch (j->result) {
    case Result::None: return Value::none();
    case Result::Int: return Value::integer(j->num);
    case Result::Bool: return Value::boolean(j->num != 0);
    case Result::Bytes: return new_bytes(vm, j->out);
    case Result::Handle: {
        Type* t = file_handle_type(vm);
        if (t == nullptr) return vm.raise(vm.exc.RuntimeError, "_files module is gone");
        FileHandle* h = vm.alloc<FileHandle>(t);
        h->fp = j->fp;
        return Value::object(h);
    }
    case Result::Names: {
        List* l = new_list(vm, j->names.size());
        for (auto& s : j->names) l->items.push_back(str_value(vm, s));
        return Value::object(l);
    }
    case Result::Stat: {
        const struct stat& st = j->st;
        auto ts = [](const timespec& t) { return static_cast<double>(t.tv_sec) + t.tv_nsec / 1e9; };
        Value items[] = {Value::integer(st.st_mode), Value::integer(static_cast<int64_t>(st.st_ino)),
                         Value::integer(static_cast<int64_t>(st.st_dev)),
                         Value::integer(static_cast<int64_t>(st.st_nlink)), Value::integer(st.st_uid),
                         Value::integer(st.st_gid), Value::integer(st.st_size), Value::real(ts(st.st_atim)),
                         Value::real(ts(st.st_mtim)), Value::real(ts(st.st_ctim))};
        return Value::object(new_tuple(vm, items, 10));
    }
    }
    return Value::none();
}

void after_job(uv_work_t* req, int status) {
    Job* j = static_cast<Job*>(req->data);
    loop::EventLoop* loop = j->loop;
    loop::EventLoop::CallbackLock lock(*loop);  // the loop thread waits without the lock
    VM& vm = *j->vm;
    loop->end();
    Value held = loop->release(j->key);
    // Pinned until loop_wait returns; by then the completion below roots what it needs.
    vm.heap.pin(held.o);
    Tuple* t = static_cast<Tuple*>(held.o);
    Value callback = t->items[0], future = t->items[1], handle = t->items[2];
    if (!handle.is_none()) {
        FileHandle* h = static_cast<FileHandle*>(handle.o);
        h->busy = false;
        if (j->op == Op::Close) h->fp = nullptr;
    }
    bool ok = j->err == 0 && status == 0;
    Value payload;
    if (status != 0) {
        j->err = ECANCELED;
        payload = make_os_error(vm, j);
    } else {
        payload = ok ? make_result(vm, j, handle) : make_os_error(vm, j);
    }
    if (payload.is_empty()) {
        ok = false;
        payload = vm.take_pending();
    }
    if (j->result == Result::Handle && !ok && j->fp != nullptr) std::fclose(j->fp);
    Value items[] = {future, Value::boolean(ok), payload};
    loop->complete(callback, new_tuple(vm, items, 3));
    delete j;
}

bool str_arg(VM& vm, Value v, std::string* out, const char* what) {
    if (is_str(v)) {
        *out = std::string(as_str(v)->view());
        return true;
    }
    if (is_bytes_like(v)) {
        *out = std::string(as_bytes(v)->view());
        return true;
    }
    vm.raise_format(vm.exc.TypeError, "%s: expected str, bytes or os.PathLike object, not %s", what,
                    type_name(vm, v).c_str());
    return false;
}

// Starts `j` on the thread pool; the last two positional arguments are (callback, future).
Value submit(VM& vm, Job* j, const Args& a, Value handle) {
    loop::EventLoop& loop = loop::EventLoop::of(vm);
    if (!handle.is_none()) {
        FileHandle* h = static_cast<FileHandle*>(handle.o);
        if (h->fp == nullptr) {
            delete j;
            return vm.raise(vm.exc.ValueError, "I/O operation on closed file.");
        }
        if (h->busy) {
            delete j;
            return vm.raise(vm.exc.RuntimeError, "another operation is in progress on this file");
        }
        h->busy = true;
        j->fp = h->fp;
    }
    Value items[] = {a.pos[a.npos - 2], a.pos[a.npos - 1], handle};
    j->loop = &loop;
    j->vm = &vm;
    j->key = loop.hold(Value::object(new_tuple(vm, items, 3)));
    j->req.data = j;
    loop.begin();
    int rc = uv_queue_work(loop.uv(), &j->req, run_job, after_job);
    if (rc != 0) {
        loop.end();
        loop.release(j->key);
        if (!handle.is_none()) static_cast<FileHandle*>(handle.o)->busy = false;
        delete j;
        return vm.raise_format(vm.exc.OSError, "cannot queue file operation: %s", uv_strerror(rc));
    }
    return Value::none();
}

bool handle_arg(VM& vm, Value v, Value* out) {
    Type* t = file_handle_type(vm);
    if (t == nullptr || !v.is_obj() || v.o->type != t) {
        vm.raise(vm.exc.TypeError, "expected a _files.FileHandle");
        return false;
    }
    *out = v;
    return true;
}

// ---- operations on a handle: op(handle, [args...], callback, future) ------------------------

Value handle_op(VM& vm, const Args& a, const char* name, Op op, uint32_t extra) {
    if (!check_args(vm, a, name, 3 + extra, 3 + extra)) return Value::empty();
    Value h;
    if (!handle_arg(vm, a.pos[0], &h)) return Value::empty();
    Job* j = new Job();
    j->op = op;
    if (op == Op::Write) {
        if (!is_bytes_like(a.pos[1])) {
            delete j;
            return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                                   type_name(vm, a.pos[1]).c_str());
        }
        j->data = std::string(as_bytes(a.pos[1])->view());
    } else if (extra >= 1) {
        if (!a.pos[1].is_none() && !to_int64(vm, a.pos[1], &j->n)) {
            delete j;
            return Value::empty();
        }
        if (extra >= 2 && !to_int64(vm, a.pos[2], &j->whence)) {
            delete j;
            return Value::empty();
        }
    }
    return submit(vm, j, a, h);
}

Value f_close(VM& vm, const Args& a) { return handle_op(vm, a, "close", Op::Close, 0); }
Value f_read(VM& vm, const Args& a) { return handle_op(vm, a, "read", Op::Read, 1); }
Value f_read_chars(VM& vm, const Args& a) { return handle_op(vm, a, "read_chars", Op::ReadChars, 1); }
Value f_readline(VM& vm, const Args& a) { return handle_op(vm, a, "readline", Op::ReadLine, 1); }
Value f_write(VM& vm, const Args& a) { return handle_op(vm, a, "write", Op::Write, 1); }
Value f_seek(VM& vm, const Args& a) { return handle_op(vm, a, "seek", Op::Seek, 2); }
Value f_tell(VM& vm, const Args& a) { return handle_op(vm, a, "tell", Op::Tell, 0); }
Value f_flush(VM& vm, const Args& a) { return handle_op(vm, a, "flush", Op::Flush, 0); }
Value f_truncate(VM& vm, const Args& a) { return handle_op(vm, a, "truncate", Op::Truncate, 1); }

// Whether the handle is open (closed handles raise ValueError like CPython's file objects).
Value f_is_open(VM& vm, const Args& a) {
    if (!check_args(vm, a, "is_open", 1, 1)) return Value::empty();
    Value h;
    if (!handle_arg(vm, a.pos[0], &h)) return Value::empty();
    return Value::boolean(static_cast<FileHandle*>(h.o)->fp != nullptr);
}

Value f_fileno(VM& vm, const Args& a) {
    if (!check_args(vm, a, "fileno", 1, 1)) return Value::empty();
    Value h;
    if (!handle_arg(vm, a.pos[0], &h)) return Value::empty();
    FILE* fp = static_cast<FileHandle*>(h.o)->fp;
    if (fp == nullptr) return vm.raise(vm.exc.ValueError, "I/O operation on closed file");
    return Value::integer(fileno(fp));
}

// ---- path operations: op(path, [args...], callback, future) ---------------------------------

Value path_op(VM& vm, const Args& a, const char* name, Op op, uint32_t extra) {
    if (!check_args(vm, a, name, 3 + extra, 3 + extra)) return Value::empty();
    Job* j = new Job();
    j->op = op;
    if (!str_arg(vm, a.pos[0], &j->path, name)) {
        delete j;
        return Value::empty();
    }
    if (op == Op::Open) {
        if (!str_arg(vm, a.pos[1], &j->mode, name)) {
            delete j;
            return Value::empty();
        }
    } else if (op == Op::Rename) {
        if (!str_arg(vm, a.pos[1], &j->path2, name)) {
            delete j;
            return Value::empty();
        }
    } else if (op == Op::WriteFile) {
        if (!is_bytes_like(a.pos[1])) {
            delete j;
            return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'",
                                   type_name(vm, a.pos[1]).c_str());
        }
        j->data = std::string(as_bytes(a.pos[1])->view());
        int t = truthy(vm, a.pos[2]);
        if (t < 0) {
            delete j;
            return Value::empty();
        }
        j->flag = t == 1;
    } else if (op == Op::Mkdir || op == Op::Stat) {
        for (uint32_t k = 0; k < extra; ++k) {
            int t = truthy(vm, a.pos[1 + k]);
            if (t < 0) {
                delete j;
                return Value::empty();
            }
            (k == 0 ? j->flag : j->flag2) = t == 1;
        }
    }
    return submit(vm, j, a, Value::none());
}

Value f_open(VM& vm, const Args& a) { return path_op(vm, a, "open", Op::Open, 1); }
Value f_stat(VM& vm, const Args& a) { return path_op(vm, a, "stat", Op::Stat, 1); }
Value f_exists(VM& vm, const Args& a) { return path_op(vm, a, "exists", Op::Exists, 0); }
Value f_isdir(VM& vm, const Args& a) { return path_op(vm, a, "isdir", Op::IsDir, 0); }
Value f_isfile(VM& vm, const Args& a) { return path_op(vm, a, "isfile", Op::IsFile, 0); }
Value f_remove(VM& vm, const Args& a) { return path_op(vm, a, "remove", Op::Remove, 0); }
Value f_rmdir(VM& vm, const Args& a) { return path_op(vm, a, "rmdir", Op::Rmdir, 0); }
Value f_rename(VM& vm, const Args& a) { return path_op(vm, a, "rename", Op::Rename, 1); }
Value f_mkdir(VM& vm, const Args& a) { return path_op(vm, a, "mkdir", Op::Mkdir, 2); }
Value f_listdir(VM& vm, const Args& a) { return path_op(vm, a, "listdir", Op::Listdir, 0); }
Value f_read_file(VM& vm, const Args& a) { return path_op(vm, a, "read_file", Op::ReadFile, 0); }
Value f_write_file(VM& vm, const Args& a) { return path_op(vm, a, "write_file", Op::WriteFile, 2); }

Obj* alloc_file_handle(VM& vm, Type* type) { return vm.alloc<FileHandle>(type); }

}  // namespace

bool init_files_core_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    Type* t = new_builtin_type(vm, "FileHandle", vm.types.object, Layout::Other, alloc_file_handle, 0);
    dict_set_str(vm, ns, vm.intern("FileHandle"), Value::object(t));
    def_function(vm, ns, "open", f_open);
    def_function(vm, ns, "close", f_close);
    def_function(vm, ns, "read", f_read);
    def_function(vm, ns, "read_chars", f_read_chars);
    def_function(vm, ns, "readline", f_readline);
    def_function(vm, ns, "write", f_write);
    def_function(vm, ns, "seek", f_seek);
    def_function(vm, ns, "tell", f_tell);
    def_function(vm, ns, "flush", f_flush);
    def_function(vm, ns, "truncate", f_truncate);
    def_function(vm, ns, "is_open", f_is_open);
    def_function(vm, ns, "fileno", f_fileno);
    def_function(vm, ns, "stat", f_stat);
    def_function(vm, ns, "exists", f_exists);
    def_function(vm, ns, "isdir", f_isdir);
    def_function(vm, ns, "isfile", f_isfile);
    def_function(vm, ns, "remove", f_remove);
    def_function(vm, ns, "rmdir", f_rmdir);
    def_function(vm, ns, "rename", f_rename);
    def_function(vm, ns, "mkdir", f_mkdir);
    def_function(vm, ns, "listdir", f_listdir);
    def_function(vm, ns, "read_file", f_read_file);
    def_function(vm, ns, "write_file", f_write_file);
    return true;
}

}  // namespace asy::stdlib
