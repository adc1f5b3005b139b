// `_os`: the native calls under os.asy / posixpath.asy — environment, working directory,
// directory listing and stat — raising the OSError subclasses CPython raises.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "stdlib/registry.hpp"
#include "vm/ops.hpp"

extern char** environ;

namespace asy::stdlib {

using namespace asy::vm;

namespace {

bool path_arg(VM& vm, Value v, std::string* out, const char* fname) {
    if (v.is_obj() && is_instance(vm, v, vm.types.str)) {
        *out = std::string(static_cast<Str*>(v.o)->view());
        return true;
    }
    vm.raise_format(vm.exc.TypeError, "%s: path should be string, bytes or os.PathLike, not %s", fname,
                    type_name(vm, v).c_str());
    return false;
}

// OSError(errno, strerror, filename) -> the matching subclass (FileNotFoundError, ...).
Value raise_os_error(VM& vm, int err, const std::string& filename) {
    Value args[] = {Value::integer(err), str_value(vm, std::strerror(err)), str_value(vm, filename)};
    Value exc = vm.call(Value::object(vm.exc.OSError), args, 3);
    if (exc.is_empty()) return exc;
    return vm.raise_value(exc);
}

Value os_environ(VM& vm, const Args& a) {
    Dict* d = new_dict(vm);
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const char* eq = std::strchr(*e, '=');
        if (eq == nullptr) continue;
        dict_set(vm, d, str_value(vm, std::string_view(*e, eq - *e)), str_value(vm, eq + 1));
    }
    return Value::object(d);
}

Value os_putenv(VM& vm, const Args& a) {
    if (!check_args(vm, a, "putenv", 2, 2)) return Value::empty();
    std::string k, v;
    if (!path_arg(vm, a.pos[0], &k, "putenv") || !path_arg(vm, a.pos[1], &v, "putenv")) return Value::empty();
    setenv(k.c_str(), v.c_str(), 1);
    return Value::none();
}

Value os_unsetenv(VM& vm, const Args& a) {
    if (!check_args(vm, a, "unsetenv", 1, 1)) return Value::empty();
    std::string k;
    if (!path_arg(vm, a.pos[0], &k, "unsetenv")) return Value::empty();
    unsetenv(k.c_str());
    return Value::none();
}

Value os_getcwd(VM& vm, const Args& a) {
    if (!check_args(vm, a, "getcwd", 0, 0)) return Value::empty();
    char buf[4096];
    if (getcwd(buf, sizeof buf) == nullptr) return raise_os_error(vm, errno, "");
    return str_value(vm, buf);
}

Value os_chdir(VM& vm, const Args& a) {
    if (!check_args(vm, a, "chdir", 1, 1)) return Value::empty();
    std::string p;
    if (!path_arg(vm, a.pos[0], &p, "chdir")) return Value::empty();
    if (chdir(p.c_str()) != 0) return raise_os_error(vm, errno, p);
    return Value::none();
}

Value os_listdir(VM& vm, const Args& a) {
    if (!check_args(vm, a, "listdir", 0, 1)) return Value::empty();
    std::string p = ".";
    if (a.npos == 1 && !path_arg(vm, a.pos[0], &p, "listdir")) return Value::empty();
    DIR* dir = opendir(p.c_str());
    if (dir == nullptr) return raise_os_error(vm, errno, p);
    List* out = new_list(vm);
    while (dirent* e = readdir(dir)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        out->items.push_back(str_value(vm, e->d_name));
    }
    closedir(dir);
    return Value::object(out);
}

// stat(path) -> (mode, size, mtime, is_dir, is_file): os.asy wraps it in stat_result.
Value os_stat(VM& vm, const Args& a) {
    if (!check_args(vm, a, "stat", 1, 1)) return Value::empty();
    std::string p;
    if (!path_arg(vm, a.pos[0], &p, "stat")) return Value::empty();
    struct stat st;
    if (stat(p.c_str(), &st) != 0) return raise_os_error(vm, errno, p);
    double mtime = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
    double atime = static_cast<double>(st.st_atim.tv_sec) + st.st_atim.tv_nsec / 1e9;
    double ctime = static_cast<double>(st.st_ctim.tv_sec) + st.st_ctim.tv_nsec / 1e9;
    Value items[] = {Value::integer(st.st_mode), Value::integer(static_cast<int64_t>(st.st_ino)),
                     Value::integer(static_cast<int64_t>(st.st_dev)), Value::integer(static_cast<int64_t>(st.st_nlink)),
                     Value::integer(st.st_uid), Value::integer(st.st_gid), Value::integer(st.st_size),
                     Value::real(atime), Value::real(mtime), Value::real(ctime)};
    return Value::object(new_tuple(vm, items, 10));
}

Value os_remove(VM& vm, const Args& a) {
    if (!check_args(vm, a, "remove", 1, 1)) return Value::empty();
    std::string p;
    if (!path_arg(vm, a.pos[0], &p, "remove")) return Value::empty();
    if (unlink(p.c_str()) != 0) return raise_os_error(vm, errno, p);
    return Value::none();
}

Value os_rmdir(VM& vm, const Args& a) {
    if (!check_args(vm, a, "rmdir", 1, 1)) return Value::empty();
    std::string p;
    if (!path_arg(vm, a.pos[0], &p, "rmdir")) return Value::empty();
    if (rmdir(p.c_str()) != 0) return raise_os_error(vm, errno, p);
    return Value::none();
}

Value os_mkdir(VM& vm, const Args& a) {
    if (!check_args(vm, a, "mkdir", 1, 2)) return Value::empty();
    std::string p;
    if (!path_arg(vm, a.pos[0], &p, "mkdir")) return Value::empty();
    int64_t mode = 0777;
    if (a.npos == 2 && !to_int64(vm, a.pos[1], &mode)) return Value::empty();
    if (mkdir(p.c_str(), static_cast<mode_t>(mode)) != 0) return raise_os_error(vm, errno, p);
    return Value::none();
}

Value os_rename(VM& vm, const Args& a) {
    if (!check_args(vm, a, "rename", 2, 2)) return Value::empty();
    std::string src, dst;
    if (!path_arg(vm, a.pos[0], &src, "rename") || !path_arg(vm, a.pos[1], &dst, "rename")) return Value::empty();
    if (std::rename(src.c_str(), dst.c_str()) != 0) return raise_os_error(vm, errno, src);
    return Value::none();
}

Value os_getpid(VM& vm, const Args& a) { return Value::integer(getpid()); }

Value os_cpu_count(VM& vm, const Args& a) {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? Value::none() : Value::integer(n);
}

Value os_strerror(VM& vm, const Args& a) {
    if (!check_args(vm, a, "strerror", 1, 1)) return Value::empty();
    int64_t code;
    if (!to_int64(vm, a.pos[0], &code)) return Value::empty();
    return str_value(vm, std::strerror(static_cast<int>(code)));
}

}  // namespace

bool init_os_core_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    def_function(vm, ns, "environ", os_environ);
    def_function(vm, ns, "putenv", os_putenv);
    def_function(vm, ns, "unsetenv", os_unsetenv);
    def_function(vm, ns, "getcwd", os_getcwd);
    def_function(vm, ns, "chdir", os_chdir);
    def_function(vm, ns, "listdir", os_listdir);
    def_function(vm, ns, "stat", os_stat);
    def_function(vm, ns, "remove", os_remove);
    def_function(vm, ns, "unlink", os_remove);
    def_function(vm, ns, "rmdir", os_rmdir);
    def_function(vm, ns, "mkdir", os_mkdir);
    def_function(vm, ns, "rename", os_rename);
    def_function(vm, ns, "getpid", os_getpid);
    def_function(vm, ns, "cpu_count", os_cpu_count);
    def_function(vm, ns, "strerror", os_strerror);
    return true;
}

}  // namespace asy::stdlib
