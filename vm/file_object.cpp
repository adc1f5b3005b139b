// The open() builtin and its synchronous file objects: _io.TextIOWrapper (UTF-8/ASCII/Latin-1
// text with universal newlines) and _io.BufferedReader/Writer/Random (bytes), over stdio FILE*.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/init.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/objects/containers.hpp"
#include "vm/thread_state.hpp"
#include "vm/type_internal.hpp"

namespace asy::vm {

namespace {

enum FileKind : int { kText = 0, kReader = 1, kWriter = 2, kRandom = 3, kUnsupported = 4 };

struct FileObj : Obj {
    FILE* fp = nullptr;
    Value name;                   // what was passed to open() (path or fd)
    std::string mode;             // as CPython reports it ("r", "rb", "w+", ...)
    std::string encoding;         // text only, as given ("UTF-8" by default)
    std::string errors = "strict";
    int enc = 0;                  // 0 utf-8, 1 ascii, 2 latin-1
    bool text = false, readable = false, writable = false, appending = false, closed = false;
    bool universal = true;        // newline=None: \r\n and \r read as \n
    std::string newline;          // newline= when not None: '' (any ending, kept), '\n', '\r', '\r\n'
    std::string write_newline;    // newline='\r\n' / '\r': what '\n' becomes on write
    bool last_write = false;      // stdio needs a seek between a write and a read
    bool closefd = true;

    ~FileObj() override {
        if (fp) std::fclose(fp);
    }
    void trace(Tracer& t) override { t.mark(name); }
};

FileObj* file_self(VM& vm, const Args& a, const char* method) {
    if (a.npos >= 1 && a.pos[0].is_obj()) {
        Type* t = a.pos[0].o->type;
        for (int k = kText; k <= kRandom; ++k)
            if (t == vm.file_types[k] || is_subtype(t, vm.file_types[k])) return static_cast<FileObj*>(a.pos[0].o);
    }
    vm.raise_format(vm.exc.TypeError, "descriptor '%s' requires a file object", method);
    return nullptr;
}

Value raise_unsupported(VM& vm, const char* what) {
    Value exc = vm.call(Value::object(vm.file_types[kUnsupported]), {str_value(vm, what)});
    if (exc.is_empty()) return exc;
    return vm.raise_value(exc);
}

// OSError(errno, strerror, filename): the constructor picks FileNotFoundError etc.
Value raise_os_error(VM& vm, int err, Value filename) {
    Value args[3] = {Value::integer(err), str_value(vm, std::strerror(err)), filename};
    Value exc = vm.call(Value::object(vm.exc.OSError), args, filename.is_empty() ? 2 : 3);
    if (exc.is_empty()) return exc;
    return vm.raise_value(exc);
}

// An open file usable for `want` ("r" / "w" / ""): ValueError when closed, UnsupportedOperation
// when the mode does not allow it.
FileObj* usable(VM& vm, const Args& a, const char* method, char want) {
    FileObj* f = file_self(vm, a, method);
    if (!f) return nullptr;
    if (f->closed) {
        if (!f->text && want == 'r') vm.raise(vm.exc.ValueError, "read of closed file");
        else if (!f->text && want == 'w') vm.raise(vm.exc.ValueError, "write to closed file");
        else vm.raise(vm.exc.ValueError, "I/O operation on closed file.");
        return nullptr;
    }
    if (want == 'r' && !f->readable) {
        raise_unsupported(vm, f->text ? "not readable" : "read");
        return nullptr;
    }
    if (want == 'w' && !f->writable) {
        raise_unsupported(vm, f->text ? "not writable" : "write");
        return nullptr;
    }
    if (want == 'r' && f->last_write) {
        std::fflush(f->fp);
        f->last_write = false;
    } else if (want == 'w' && !f->last_write && f->readable) {
        std::fseek(f->fp, 0, SEEK_CUR);   // required by stdio between a read and a write
        f->last_write = true;
    } else if (want == 'w') {
        f->last_write = true;
    }
    return f;
}

bool size_arg(VM& vm, const Args& a, uint32_t i, int64_t* out) {
    *out = -1;
    if (a.npos <= i || a.pos[i].is_none()) return true;
    if (!is_int_like(vm, a.pos[i])) {
        vm.raise_format(vm.exc.TypeError, "argument should be integer or None, not '%s'", type_name(vm, a.pos[i]).c_str());
        return false;
    }
    return to_int64(vm, a.pos[i], out);
}

// ---- text decoding -----------------------------------------------------------------------------

// Bytes read from a text file -> str (errors per the file's `errors`).
Value decode_text(VM& vm, FileObj* f, const std::string& raw) {
    if (f->enc == 0 && utf8_valid(raw, false)) return str_value(vm, raw);
    if (f->enc == 1) {
        bool ascii = true;
        for (unsigned char c : raw) ascii = ascii && c < 0x80;
        if (ascii) return str_value(vm, raw);
    }
    Value b = new_bytes(vm, raw);
    const char* codec = f->enc == 0 ? "utf-8" : f->enc == 1 ? "ascii" : "latin-1";
    return vm.call_method(b, vm.intern("decode"), {str_value(vm, codec), str_value(vm, f->errors)});
}

// One character's bytes (a whole UTF-8 sequence), newline-translated; false at EOF.
bool read_char(FileObj* f, std::string& out) {
    int c = std::fgetc(f->fp);
    if (c == EOF) return false;
    if (c == '\r' && f->universal) {
        int d = std::fgetc(f->fp);
        if (d != '\n' && d != EOF) std::ungetc(d, f->fp);
        out += '\n';
        return true;
    }
    out += static_cast<char>(c);
    if (f->enc != 0 || c < 0xC0) return true;
    int n = utf8_seq_len(static_cast<unsigned char>(c));
    for (int i = 1; i < n; ++i) {
        int d = std::fgetc(f->fp);
        if (d == EOF) break;
        if ((d & 0xC0) != 0x80) {
            std::ungetc(d, f->fp);
            break;
        }
        out += static_cast<char>(d);
    }
    return true;
}

std::string translate_newlines(std::string raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\r') {
            out += '\n';
            if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
        } else {
            out += raw[i];
        }
    }
    return out;
}

std::string read_all_bytes(FILE* fp) {
    std::string data;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) data.append(buf, n);
    return data;
}

// readline: up to and including '\n' (limit: characters for text, bytes for binary; <0 none).
std::string read_line(FileObj* f, int64_t limit) {
    std::string line;
    int64_t count = 0;
    while (limit < 0 || count < limit) {
        if (f->text) {
            if (!read_char(f, line)) break;
        } else {
            int c = std::fgetc(f->fp);
            if (c == EOF) break;
            line += static_cast<char>(c);
        }
        ++count;
        if (!f->text || f->universal || f->newline == "\n") {
            if (line.back() == '\n') break;
        } else if (f->newline == "\r") {
            if (line.back() == '\r') break;
        } else if (f->newline == "\r\n") {
            if (line.size() >= 2 && line.compare(line.size() - 2, 2, "\r\n") == 0) break;
        } else if (line.back() == '\n') {
            break;
        } else if (line.back() == '\r') {   // newline='': \r or \r\n ends a line
            int d = std::fgetc(f->fp);
            if (d == '\n') line += '\n';
            else if (d != EOF) std::ungetc(d, f->fp);
            break;
        }
    }
    return line;
}

Value line_value(VM& vm, FileObj* f, const std::string& line) {
    return f->text ? decode_text(vm, f, line) : new_bytes(vm, line);
}

// ---- methods -----------------------------------------------------------------------------------

Value f_read(VM& vm, const Args& a) {
    if (!check_args(vm, a, "read", 1, 2)) return Value::empty();
    FileObj* f = usable(vm, a, "read", 'r');
    int64_t size;
    if (!f || !size_arg(vm, a, 1, &size)) return Value::empty();
    std::string data;
    if (size < 0) {
        {
            GilRelease unlocked(vm);  // other threads run during the blocking read
            data = read_all_bytes(f->fp);
        }
        if (f->text && f->universal) data = translate_newlines(std::move(data));
    } else if (f->text) {
        for (int64_t i = 0; i < size && read_char(f, data); ++i) {}
    } else {
        data.resize(static_cast<size_t>(size));
        GilRelease unlocked(vm);
        data.resize(std::fread(data.data(), 1, data.size(), f->fp));
    }
    if (std::ferror(f->fp)) {
        std::clearerr(f->fp);
        return raise_os_error(vm, errno, Value::empty());
    }
    return line_value(vm, f, data);
}

Value f_readline(VM& vm, const Args& a) {
    if (!check_args(vm, a, "readline", 1, 2)) return Value::empty();
    FileObj* f = usable(vm, a, "readline", 'r');
    int64_t size;
    if (!f || !size_arg(vm, a, 1, &size)) return Value::empty();
    return line_value(vm, f, read_line(f, size));
}

Value f_readlines(VM& vm, const Args& a) {
    if (!check_args(vm, a, "readlines", 1, 2)) return Value::empty();
    FileObj* f = usable(vm, a, "readlines", 'r');
    int64_t hint;
    if (!f || !size_arg(vm, a, 1, &hint)) return Value::empty();
    List* out = new_list(vm);
    int64_t total = 0;
    for (;;) {
        std::string line = read_line(f, -1);
        if (line.empty()) break;
        Value v = line_value(vm, f, line);
        if (v.is_empty()) return v;
        list_append(vm, out, v);
        total += static_cast<int64_t>(line.size());
        if (hint > 0 && total >= hint) break;
    }
    return Value::object(out);
}

Value f_next(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "__next__", 'r');
    if (!f) return Value::empty();
    std::string line = read_line(f, -1);
    if (line.empty()) return vm.raise_value(Value::object(vm.exc.StopIteration));
    return line_value(vm, f, line);
}

Value f_iter(VM& vm, const Args& a) {
    FileObj* f = file_self(vm, a, "__iter__");
    if (!f) return Value::empty();
    if (f->closed) return vm.raise(vm.exc.ValueError, "I/O operation on closed file.");
    return a.pos[0];
}

// Write `data` (already encoded); false with OSError pending on failure.
bool write_bytes(VM& vm, FileObj* f, std::string_view data) {
    // Flushed at once: asy finalizes unreachable files only at a later collection, so
    // `open(p, 'w').write(s)` must not leave the data in a stdio buffer.
    bool failed;
    int err = 0;
    {
        GilRelease unlocked(vm);  // other threads run during the blocking write
        failed = (!data.empty() && std::fwrite(data.data(), 1, data.size(), f->fp) != data.size()) ||
                 std::fflush(f->fp) != 0;
        if (failed) err = errno;
    }
    if (failed) {
        raise_os_error(vm, err, Value::empty());
        return false;
    }
    return true;
}

// Encode one str for a text file; false with an error pending.
bool encode_text(VM& vm, FileObj* f, Value s, std::string* out) {
    std::string_view text = sv(s);
    bool plain = f->enc == 0;
    if (!plain && f->enc == 1) {
        plain = true;
        for (unsigned char c : text) plain = plain && c < 0x80;
    }
    std::string encoded;
    if (plain && utf8_valid(text, false)) {
        encoded.assign(text);
    } else {
        const char* codec = f->enc == 0 ? "utf-8" : f->enc == 1 ? "ascii" : "latin-1";
        Value b = vm.call_method(s, vm.intern("encode"), {str_value(vm, codec), str_value(vm, f->errors)});
        if (b.is_empty()) return false;
        encoded.assign(as_bytes(b)->view());
    }
    if (f->write_newline.empty()) {
        *out = std::move(encoded);
    } else {
        out->clear();
        for (char c : encoded) {
            if (c == '\n') *out += f->write_newline;
            else *out += c;
        }
    }
    return true;
}

Value write_one(VM& vm, FileObj* f, Value v, const char* method) {
    if (f->text) {
        if (!is_str_value(v))
            return vm.raise_format(vm.exc.TypeError, "%s() argument must be str, not %s", method,
                                   type_name(vm, v).c_str());
        std::string data;
        if (!encode_text(vm, f, v, &data) || !write_bytes(vm, f, data)) return Value::empty();
        return Value::integer(static_cast<Str*>(v.o)->length);
    }
    if (!is_bytes_like(v))
        return vm.raise_format(vm.exc.TypeError, "a bytes-like object is required, not '%s'", type_name(vm, v).c_str());
    std::string data(as_bytes(v)->view());   // a copy: the bytearray may not move under fwrite, but be safe
    if (!write_bytes(vm, f, data)) return Value::empty();
    return Value::integer(static_cast<int64_t>(data.size()));
}

Value f_write(VM& vm, const Args& a) {
    if (!check_args(vm, a, "write", 2, 2)) return Value::empty();
    FileObj* f = usable(vm, a, "write", 'w');
    if (!f) return Value::empty();
    return write_one(vm, f, a.pos[1], "write");
}

Value f_writelines(VM& vm, const Args& a) {
    if (!check_args(vm, a, "writelines", 2, 2)) return Value::empty();
    FileObj* f = usable(vm, a, "writelines", 'w');
    if (!f) return Value::empty();
    Value it = get_iter(vm, a.pos[1]);
    if (it.is_empty()) return it;
    for (;;) {
        Value v = iter_next(vm, it);
        if (v.is_empty()) {
            if (vm.has_pending()) return v;
            break;
        }
        if (write_one(vm, f, v, "write").is_empty()) return Value::empty();
    }
    return Value::none();
}

Value f_seek(VM& vm, const Args& a) {
    if (!check_args(vm, a, "seek", 2, 3)) return Value::empty();
    FileObj* f = usable(vm, a, "seek", 0);
    if (!f) return Value::empty();
    int64_t off, whence = 0;
    if (!is_int_like(vm, a.pos[1]))
        return vm.raise_format(vm.exc.TypeError, "'%s' object cannot be interpreted as an integer",
                               type_name(vm, a.pos[1]).c_str());
    if (!to_int64(vm, a.pos[1], &off) || (a.npos == 3 && !to_int64(vm, a.pos[2], &whence))) return Value::empty();
    if (whence < 0 || whence > 2) return vm.raise_format(vm.exc.ValueError, "invalid whence (%lld, should be 0, 1 or 2)",
                                                         static_cast<long long>(whence));
    if (f->text && whence != 0 && off != 0) {
        return raise_unsupported(vm, whence == 1 ? "can't do nonzero cur-relative seeks"
                                                 : "can't do nonzero end-relative seeks");
    }
    if (f->text && whence == 0 && off < 0)
        return vm.raise_format(vm.exc.ValueError, "negative seek position %lld", static_cast<long long>(off));
    if (std::fseek(f->fp, static_cast<long>(off), static_cast<int>(whence)) != 0)
        return raise_os_error(vm, errno, Value::empty());
    f->last_write = false;
    return Value::integer(std::ftell(f->fp));
}

Value f_tell(VM& vm, const Args& a) {
    if (!check_args(vm, a, "tell", 1, 1)) return Value::empty();
    FileObj* f = usable(vm, a, "tell", 0);
    if (!f) return Value::empty();
    long pos = std::ftell(f->fp);
    if (pos < 0) return raise_os_error(vm, errno, Value::empty());
    return Value::integer(pos);
}

Value f_truncate(VM& vm, const Args& a) {
    if (!check_args(vm, a, "truncate", 1, 2)) return Value::empty();
    FileObj* f = usable(vm, a, "truncate", 'w');
    if (!f) return Value::empty();
    std::fflush(f->fp);
    int64_t size = std::ftell(f->fp);
    if (a.npos == 2 && !a.pos[1].is_none() && !to_int64(vm, a.pos[1], &size)) return Value::empty();
    if (ftruncate(fileno(f->fp), static_cast<off_t>(size)) != 0) return raise_os_error(vm, errno, Value::empty());
    return Value::integer(size);
}

Value f_flush(VM& vm, const Args& a) {
    FileObj* f = file_self(vm, a, "flush");
    if (!f) return Value::empty();
    if (f->closed) return vm.raise(vm.exc.ValueError, f->text ? "I/O operation on closed file." : "flush of closed file");
    if (std::fflush(f->fp) != 0) return raise_os_error(vm, errno, Value::empty());
    return Value::none();
}

Value f_close(VM& vm, const Args& a) {
    FileObj* f = file_self(vm, a, "close");
    if (!f) return Value::empty();
    if (f->closed) return Value::none();
    f->closed = true;
    int rc = std::fclose(f->fp);
    f->fp = nullptr;
    if (rc != 0) return raise_os_error(vm, errno, Value::empty());
    return Value::none();
}

Value f_fileno(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "fileno", 0);
    if (!f) return Value::empty();
    return Value::integer(fileno(f->fp));
}

Value f_isatty(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "isatty", 0);
    if (!f) return Value::empty();
    return Value::boolean(isatty(fileno(f->fp)) == 1);
}

Value f_readable(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "readable", 0);
    return f ? Value::boolean(f->readable) : Value::empty();
}

Value f_writable(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "writable", 0);
    return f ? Value::boolean(f->writable) : Value::empty();
}

Value f_seekable(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "seekable", 0);
    if (!f) return Value::empty();
    return Value::boolean(lseek(fileno(f->fp), 0, SEEK_CUR) >= 0);
}

Value f_enter(VM& vm, const Args& a) {
    FileObj* f = usable(vm, a, "__enter__", 0);
    return f ? a.pos[0] : Value::empty();
}

Value f_exit(VM& vm, const Args& a) {
    Args b = a;
    b.npos = a.npos > 0 ? 1 : 0;
    return f_close(vm, b);
}

Value f_repr(VM& vm, const Args& a) {
    FileObj* f = file_self(vm, a, "__repr__");
    if (!f) return Value::empty();
    std::string out = "<_io." + std::string(sv(Value::object(a.pos[0].o->type->name)));
    Str* nr = repr(vm, f->name);
    if (!nr) return Value::empty();
    out += " name=" + nr->s;
    if (f->text) out += " mode='" + f->mode + "' encoding='" + f->encoding + "'";
    return str_value(vm, out + ">");
}

Value f_get_name(VM&, Value obj, GetSetDescr*) { return static_cast<FileObj*>(obj.o)->name; }
Value f_get_mode(VM& vm, Value obj, GetSetDescr*) { return str_value(vm, static_cast<FileObj*>(obj.o)->mode); }
Value f_get_closed(VM&, Value obj, GetSetDescr*) { return Value::boolean(static_cast<FileObj*>(obj.o)->closed); }
Value f_get_encoding(VM& vm, Value obj, GetSetDescr*) {
    return str_value(vm, static_cast<FileObj*>(obj.o)->encoding);
}
Value f_get_errors(VM& vm, Value obj, GetSetDescr*) { return str_value(vm, static_cast<FileObj*>(obj.o)->errors); }

// ---- open() ------------------------------------------------------------------------------------

// 0 utf-8, 1 ascii, 2 latin-1, -1 unknown.
int encoding_code(std::string_view name) {
    std::string n;
    for (char c : name) n += (c == '_' || c == ' ') ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n == "utf-8" || n == "utf8" || n == "u8" || n == "utf") return 0;
    if (n == "ascii" || n == "us-ascii" || n == "646") return 1;
    if (n == "latin-1" || n == "latin1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1" || n == "8859" ||
        n == "cp819" || n == "latin")
        return 2;
    return -1;
}

Value bi_open(VM& vm, const Args& a) {
    static const char* const names[] = {"file", "mode", "buffering", "encoding", "errors", "newline", "closefd",
                                        "opener", nullptr};
    Value v[8];
    if (!parse_args(vm, a, "open", names, 1, v)) return Value::empty();
    Value file = v[0];
    // os.PathLike: __fspath__ gives the str/bytes path.
    if (!is_str_value(file) && !is_bytes_like(file) && !is_int_like(vm, file)) {
        if (!lookup_special(vm, file, vm.intern("__fspath__")).is_empty()) {
            Value p = call_special(vm, file, vm.intern("__fspath__"), nullptr, 0);
            if (p.is_empty()) return p;
            file = p;
        }
        if (!is_str_value(file) && !is_bytes_like(file))
            return vm.raise_format(vm.exc.TypeError, "expected str, bytes or os.PathLike object, not %s",
                                   type_name(vm, v[0]).c_str());
    }
    if (file.is_bool()) file = Value::integer(file.b ? 1 : 0);
    std::string mode = "r";
    if (!v[1].is_empty()) {
        if (!is_str_value(v[1]))
            return vm.raise_format(vm.exc.TypeError, "open() argument 'mode' must be str, not %s",
                                   type_name(vm, v[1]).c_str());
        mode = std::string(sv(v[1]));
    }
    for (int i : {3, 4, 5}) {
        if (!v[i].is_empty() && !v[i].is_none() && !is_str_value(v[i])) {
            static const char* const argn[] = {"", "", "", "encoding", "errors", "newline"};
            return vm.raise_format(vm.exc.TypeError, "open() argument '%s' must be str or None, not %s", argn[i],
                                   type_name(vm, v[i]).c_str());
        }
    }
    bool r = false, w = false, x = false, ap = false, plus = false, b = false, t = false;
    for (char c : mode) {
        bool* flag = c == 'r' ? &r : c == 'w' ? &w : c == 'x' ? &x : c == 'a' ? &ap : c == '+' ? &plus
                   : c == 'b' ? &b : c == 't' ? &t : nullptr;
        if (!flag || *flag) return vm.raise_format(vm.exc.ValueError, "invalid mode: '%s'", mode.c_str());
        *flag = true;
    }
    if (b && t) return vm.raise(vm.exc.ValueError, "can't have text and binary mode at once");
    if (r + w + x + ap != 1) return vm.raise(vm.exc.ValueError, "must have exactly one of create/read/write/append mode");
    bool has_enc = !v[3].is_empty() && !v[3].is_none();
    bool has_err = !v[4].is_empty() && !v[4].is_none();
    bool has_nl = !v[5].is_empty() && !v[5].is_none();
    if (b && has_enc) return vm.raise(vm.exc.ValueError, "binary mode doesn't take an encoding argument");
    if (b && has_err) return vm.raise(vm.exc.ValueError, "binary mode doesn't take an errors argument");
    if (b && has_nl) return vm.raise(vm.exc.ValueError, "binary mode doesn't take a newline argument");
    std::string newline = has_nl ? std::string(sv(v[5])) : std::string("\x01");   // \x01: None
    if (has_nl && newline != "" && newline != "\n" && newline != "\r" && newline != "\r\n") {
        Str* nr = repr(vm, v[5]);
        return vm.raise_format(vm.exc.ValueError, "illegal newline value: %s", nr ? nr->s.c_str() : "?");
    }
    int enc = 0;
    std::string encoding = "UTF-8";
    if (has_enc) {
        encoding = std::string(sv(v[3]));
        enc = encoding_code(encoding);
        if (enc < 0) return vm.raise_format(vm.exc.LookupError, "unknown encoding: %s", encoding.c_str());
    }
    bool closefd = true;
    if (!v[6].is_empty()) {
        int c = truthy(vm, v[6]);
        if (c < 0) return Value::empty();
        closefd = c != 0;
    }
    if (!closefd && !file.is_int()) return vm.raise(vm.exc.ValueError, "Cannot use closefd=False with file name");
    if (!v[7].is_empty() && !v[7].is_none())
        return vm.raise(vm.exc.NotImplementedError, "open(): the opener argument is not supported");

    int flags = O_CLOEXEC;
    if (r) flags |= plus ? O_RDWR : O_RDONLY;
    if (w) flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
    if (x) flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL;
    if (ap) flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
    int fd;
    if (file.is_int()) {
        fd = closefd ? static_cast<int>(file.i) : dup(static_cast<int>(file.i));
        if (fd < 0) return raise_os_error(vm, errno, Value::empty());
    } else {
        std::string path(is_str_value(file) ? sv(file) : as_bytes(file)->view());
        if (path.find('\0') != std::string::npos) return vm.raise(vm.exc.ValueError, "embedded null byte");
        fd = ::open(path.c_str(), flags, 0666);
        if (fd < 0) return raise_os_error(vm, errno, file);
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        return raise_os_error(vm, EISDIR, file);
    }
    const char* fmode = r ? (plus ? "r+" : "r") : ap ? (plus ? "a+" : "a") : (plus ? "w+" : "w");
    FILE* fp = fdopen(fd, fmode);
    if (!fp) {
        int err = errno;
        ::close(fd);
        return raise_os_error(vm, err, file);
    }
    int kind = !b ? kText : plus ? kRandom : r ? kReader : kWriter;
    auto* f = vm.alloc<FileObj>(vm.file_types[kind]);
    f->fp = fp;
    f->name = v[0];
    f->text = !b;
    f->readable = r || plus;
    f->writable = !r || plus;
    f->appending = ap;
    f->closefd = closefd;
    f->enc = enc;
    f->encoding = encoding;
    if (has_err) f->errors = std::string(sv(v[4]));
    f->universal = newline == "\x01";
    if (!f->universal) f->newline = newline;
    if (newline == "\r" || newline == "\r\n") f->write_newline = newline;
    // CPython's mode attribute: text files report the mode string given, binary ones the
    // canonical "rb"/"wb"/"ab"/"xb" ("w+b" is "rb+").
    if (b) f->mode = plus ? std::string(ap ? "ab+" : x ? "xb+" : "rb+") : std::string(r ? "rb" : w ? "wb" : x ? "xb" : "ab");
    else f->mode = mode;
    if (ap) std::fseek(fp, 0, SEEK_END);
    return Value::object(f);
}

}  // namespace

void init_file_objects(VM& vm) {
    Type* text = new_builtin_type(vm, "TextIOWrapper", vm.types.object, Layout::Other, nullptr, 0);
    Type* reader = new_builtin_type(vm, "BufferedReader", vm.types.object, Layout::Other, nullptr, 0);
    Type* writer = new_builtin_type(vm, "BufferedWriter", vm.types.object, Layout::Other, nullptr, 0);
    Type* random = new_builtin_type(vm, "BufferedRandom", vm.types.object, Layout::Other, nullptr, 0);
    vm.file_types[kText] = text;
    vm.file_types[kReader] = reader;
    vm.file_types[kWriter] = writer;
    vm.file_types[kRandom] = random;
    for (Type* t : {text, reader, writer, random}) {
        t->module = vm.intern("_io");
        def_method(vm, t, "read", f_read);
        def_method(vm, t, "readline", f_readline);
        def_method(vm, t, "readlines", f_readlines);
        def_method(vm, t, "write", f_write);
        def_method(vm, t, "writelines", f_writelines);
        def_method(vm, t, "seek", f_seek);
        def_method(vm, t, "tell", f_tell);
        def_method(vm, t, "truncate", f_truncate);
        def_method(vm, t, "flush", f_flush);
        def_method(vm, t, "close", f_close);
        def_method(vm, t, "fileno", f_fileno);
        def_method(vm, t, "isatty", f_isatty);
        def_method(vm, t, "readable", f_readable);
        def_method(vm, t, "writable", f_writable);
        def_method(vm, t, "seekable", f_seekable);
        def_method(vm, t, "__enter__", f_enter);
        def_method(vm, t, "__exit__", f_exit);
        def_method(vm, t, "__iter__", f_iter);
        def_method(vm, t, "__next__", f_next);
        def_method(vm, t, "__repr__", f_repr);
        def_getset(vm, t, "name", f_get_name);
        def_getset(vm, t, "mode", f_get_mode);
        def_getset(vm, t, "closed", f_get_closed);
    }
    def_getset(vm, text, "encoding", f_get_encoding);
    def_getset(vm, text, "errors", f_get_errors);

    // io.UnsupportedOperation(OSError, ValueError), made as a class statement would.
    Value bases[2] = {Value::object(vm.exc.OSError), Value::object(vm.exc.ValueError)};
    Dict* ns = new_dict(vm);
    dict_set_str(vm, ns, vm.names.__module__, str_value(vm, "io"));
    Value targs[3] = {str_value(vm, "UnsupportedOperation"), Value::object(new_tuple(vm, bases, 2)), Value::object(ns)};
    Value unsupported = vm.call(Value::object(vm.types.type), targs, 3);
    if (unsupported.is_obj()) vm.file_types[kUnsupported] = static_cast<Type*>(unsupported.o);
    def_function(vm, vm.builtins, "open", bi_open);
}

}  // namespace asy::vm
