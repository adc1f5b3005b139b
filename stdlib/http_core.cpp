// `_http`: the native core under http.asy. One Transfer object per request wraps a curl easy
// handle run by the loop's CurlDriver; it reports the response head (status, headers) once,
// then hands out the body in pieces as asy reads it, pausing curl when too much is unread.
// Results reach asy as completions `callback(future, ok, value)`; errors as (kind, message).
#include <curl/curl.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "loop/curl_driver.hpp"
#include "stdlib/registry.hpp"
#include "vm/objects/bytes.hpp"
#include "vm/ops.hpp"

namespace asy::stdlib {

using namespace asy::vm;

namespace {

constexpr int64_t kFlagVerifySsl = 1;   // start() flags, as in http.asy
constexpr int64_t kFlagFollow = 2;
constexpr size_t kMaxUnread = 1 << 20;  // pause the transfer beyond this much unread body

struct Transfer : Obj, loop::CurlClient {
    VM* vm = nullptr;
    loop::EventLoop* loop = nullptr;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};
    uint64_t self_key = 0;          // holds this object while curl runs it
    bool running = false;           // added to the driver and not yet finished/removed

    // response head
    long status = 0;
    std::string reason, version;
    std::vector<std::pair<std::string, std::string>> head;
    bool head_reported = false;
    Value head_cb, head_fut;

    // body
    std::string body;
    size_t body_pos = 0;
    bool finished = false, paused = false;
    CURLcode result = CURLE_OK;
    Value read_cb, read_fut;
    int64_t read_n = 0;

    ~Transfer() override {
        if (easy != nullptr) {
            if (running) loop::CurlDriver::of(*loop).remove(easy);
            curl_easy_cleanup(easy);
        }
        curl_slist_free_all(headers);
    }
    void trace(Tracer& t) override {
        t.mark(head_cb);
        t.mark(head_fut);
        t.mark(read_cb);
        t.mark(read_fut);
    }
    size_t external_size() const override { return body.capacity(); }

    size_t unread() const { return body.size() - body_pos; }

    void on_abandoned() override { running = false; }

    void on_finished(CURLcode code) override {
        running = false;
        finished = true;
        result = code;
        report_head();
        serve_read();
        if (self_key != 0) {
            loop->release(self_key);
            self_key = 0;
        }
    }

    // The error of a failed transfer as (kind, message) for http.asy to turn into its classes.
    Value error_value() {
        const char* kind = "other";
        switch (result) {
        case CURLE_OPERATION_TIMEDOUT: kind = "timeout"; break;
        case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_CONNECT:
            kind = "connect"; break;
        case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: kind = "ssl"; break;
        case CURLE_GOT_NOTHING: case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: kind = "disconnected"; break;
        case CURLE_PARTIAL_FILE: case CURLE_BAD_CONTENT_ENCODING: kind = "payload"; break;
        case CURLE_URL_MALFORMAT: case CURLE_UNSUPPORTED_PROTOCOL: kind = "url"; break;
        case CURLE_TOO_MANY_REDIRECTS: kind = "redirects"; break;
        default: break;
        }
        std::string msg = error[0] != '\0' ? error : curl_easy_strerror(result);
        Value items[] = {str_value(*vm, kind), str_value(*vm, msg), Value::integer(result)};
        return Value::object(new_tuple(*vm, items, 3));
    }

    void deliver(Value& cb, Value& fut, bool ok, Value value) {
        // Allocate while cb/fut are still traced from here: the future is all that keeps the
        // awaiting task alive, and a collection may run at this allocation.
        Value items[] = {fut, Value::boolean(ok), value};
        Tuple* args = new_tuple(*vm, items, 3);
        Value callback = cb;
        cb = Value::empty();
        fut = Value::empty();
        loop->complete(callback, args);
    }

    void report_head() {
        if (head_reported) return;
        if (!finished && head.empty() && status == 0) return;
        head_reported = true;
        if (head_cb.is_empty()) return;
        if (finished && result != CURLE_OK) {
            deliver(head_cb, head_fut, false, error_value());
            return;
        }
        VM& v = *vm;
        long code = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
        if (code != 0) status = code;
        char* url = nullptr;
        curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url);
        List* hl = new_list(v, head.size());
        for (auto& [k, val] : head) {
            Value kv[] = {str_value(v, k), str_value(v, val)};
            hl->items.push_back(Value::object(new_tuple(v, kv, 2)));
        }
        Value items[] = {Value::integer(status), str_value(v, reason), Value::object(hl),
                         str_value(v, url != nullptr ? url : ""), str_value(v, version)};
        deliver(head_cb, head_fut, true, Value::object(new_tuple(v, items, 5)));
    }

    // Answer the waiting read when it can be: some data (n > 0), all of it (n < 0), or the end.
    void serve_read() {
        if (read_cb.is_empty()) return;
        if (finished && result != CURLE_OK && unread() == 0) {
            deliver(read_cb, read_fut, false, error_value());
            return;
        }
        if (read_n < 0 ? !finished : (unread() == 0 && !finished)) return;
        size_t n = read_n < 0 ? unread() : std::min(unread(), static_cast<size_t>(read_n));
        Value data = new_bytes(*vm, std::string_view(body).substr(body_pos, n));
        body_pos += n;
        if (body_pos == body.size()) {
            body.clear();
            body_pos = 0;
        } else if (body_pos > (1 << 16) && body_pos * 2 > body.size()) {
            body.erase(0, body_pos);
            body_pos = 0;
        }
        deliver(read_cb, read_fut, true, data);
        if (paused && running && unread() < kMaxUnread / 2) {
            paused = false;
            loop::CurlDriver::of(*loop).unpause(easy);
        }
    }

    static size_t on_header(char* data, size_t size, size_t n, void* userp) {
        auto* t = static_cast<Transfer*>(userp);
        std::string_view line(data, size * n);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
        if (line.substr(0, 5) == "HTTP/") {
            // A new response (after a redirect or 100 Continue): start over.
            t->head.clear();
            size_t sp = line.find(' ');
            t->version = std::string(line.substr(5, sp == std::string_view::npos ? line.npos : sp - 5));
            t->status = 0;
            t->reason.clear();
            if (sp != std::string_view::npos) {
                std::string_view rest = line.substr(sp + 1);
                size_t sp2 = rest.find(' ');
                t->status = std::atol(std::string(rest.substr(0, sp2)).c_str());
                if (sp2 != std::string_view::npos) t->reason = std::string(rest.substr(sp2 + 1));
            }
            return size * n;
        }
        size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
            t->head.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        }
        return size * n;
    }

    static size_t on_body(char* data, size_t size, size_t n, void* userp) {
        auto* t = static_cast<Transfer*>(userp);
        if (!t->head_reported) t->report_head();
        if (t->read_n >= 0 && t->unread() >= kMaxUnread && t->read_cb.is_empty()) {
            t->paused = true;
            return CURL_WRITEFUNC_PAUSE;
        }
        t->body.append(data, size * n);
        t->serve_read();
        return size * n;
    }
};

Type* transfer_type(VM& vm) {
    Value m = dict_get_str(vm.modules, vm.intern("_http"));
    if (m.is_empty()) return nullptr;
    Value type = dict_get_str(m.o->dict, vm.intern("Transfer"));
    return type.is_empty() ? nullptr : static_cast<Type*>(type.o);
}

bool transfer_arg(VM& vm, Value v, Transfer** out) {
    Type* t = transfer_type(vm);
    if (t == nullptr || !v.is_obj() || v.o->type != t) {
        vm.raise(vm.exc.TypeError, "expected an _http.Transfer");
        return false;
    }
    *out = static_cast<Transfer*>(v.o);
    return true;
}

bool text_arg(VM& vm, Value v, std::string* out, const char* what) {
    if (!is_str(v)) {
        vm.raise_format(vm.exc.TypeError, "%s must be str, not %s", what, type_name(vm, v).c_str());
        return false;
    }
    *out = std::string(as_str(v)->view());
    return true;
}

// start(method, url, header_lines, body, timeout, flags, callback, future) -> Transfer.
// callback(future, True, (status, reason, [(name, value)], url, version)) once the head is in.
Value http_start(VM& vm, const Args& a) {
    if (!check_args(vm, a, "start", 8, 8)) return Value::empty();
    std::string method, url;
    if (!text_arg(vm, a.pos[0], &method, "method") || !text_arg(vm, a.pos[1], &url, "url")) return Value::empty();
    Type* type = transfer_type(vm);
    if (type == nullptr) return vm.raise(vm.exc.RuntimeError, "_http module is gone");
    loop::EventLoop& loop = loop::EventLoop::of(vm);
    Transfer* t = vm.alloc<Transfer>(type);
    t->vm = &vm;
    t->loop = &loop;
    t->easy = curl_easy_init();
    if (t->easy == nullptr) return vm.raise(vm.exc.MemoryError, "curl_easy_init failed");
    CURL* e = t->easy;

    bool has_agent = false, has_type = false;
    Value it = get_iter(vm, a.pos[2]);
    if (it.is_empty()) return Value::empty();
    while (true) {
        Value line = iter_next(vm, it);
        if (line.is_empty()) {
            if (vm.has_pending()) return Value::empty();
            break;
        }
        std::string text;
        if (!text_arg(vm, line, &text, "header")) return Value::empty();
        if (strncasecmp(text.c_str(), "user-agent:", 11) == 0) has_agent = true;
        if (strncasecmp(text.c_str(), "content-type:", 13) == 0) has_type = true;
        t->headers = curl_slist_append(t->headers, text.c_str());
    }
    // No "Expect: 100-continue" round trip for bodies (aiohttp does not send it either).
    t->headers = curl_slist_append(t->headers, "Expect:");
    // Nor curl's default form Content-Type for bodies the caller did not label.
    if (!has_type) t->headers = curl_slist_append(t->headers, "Content-Type:");
    if (!has_agent) curl_easy_setopt(e, CURLOPT_USERAGENT, "asy-http/0.1 libcurl");

    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");

    Value body = a.pos[3];
    if (method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (!body.is_none()) {
        if (!is_bytes_like(body)) {
            return vm.raise_format(vm.exc.TypeError, "body must be bytes, not %s", type_name(vm, body).c_str());
        }
        std::string_view data = as_bytes(body)->view();
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(data.size()));
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, data.data());
        if (method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    } else if (method != "GET") {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
        if (method == "POST" || method == "PUT" || method == "PATCH") {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
            curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, "");
        }
    }
    if (!a.pos[4].is_none()) {
        double timeout = 0;
        if (!to_double(vm, a.pos[4], &timeout)) return Value::empty();
        if (timeout > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout * 1000 + 0.5));
    }
    int64_t flags = 0;
    if (!to_int64(vm, a.pos[5], &flags)) return Value::empty();
    if ((flags & kFlagFollow) == 0) curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    if ((flags & kFlagVerifySsl) == 0) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    t->head_cb = a.pos[6];
    t->head_fut = a.pos[7];
    t->self_key = loop.hold(Value::object(t));
    t->running = true;
    if (!loop::CurlDriver::of(loop).add(e, t)) {
        t->running = false;
        loop.release(t->self_key);
        t->self_key = 0;
        return vm.raise(vm.exc.RuntimeError, "curl refused the transfer");
    }
    return Value::object(t);
}

// read(transfer, n, callback, future): callback(future, True, bytes) with up to n bytes (all
// of the rest when n < 0; b'' at the end), or (future, False, (kind, message)).
Value http_read(VM& vm, const Args& a) {
    if (!check_args(vm, a, "read", 4, 4)) return Value::empty();
    Transfer* t;
    if (!transfer_arg(vm, a.pos[0], &t)) return Value::empty();
    int64_t n = -1;
    if (!a.pos[1].is_none() && !to_int64(vm, a.pos[1], &n)) return Value::empty();
    if (!t->read_cb.is_empty()) return vm.raise(vm.exc.RuntimeError, "another read is in progress");
    if (t->easy == nullptr) return vm.raise(vm.exc.RuntimeError, "the response is closed");
    t->read_cb = a.pos[2];
    t->read_fut = a.pos[3];
    t->read_n = n == 0 ? 1 : n;
    t->serve_read();
    if (t->paused && t->running && !t->read_cb.is_empty()) {
        t->paused = false;
        loop::CurlDriver::of(*t->loop).unpause(t->easy);
    }
    return Value::none();
}

// close(transfer): stop the transfer (if still running) and drop its buffers.
Value http_close(VM& vm, const Args& a) {
    if (!check_args(vm, a, "close", 1, 1)) return Value::empty();
    Transfer* t;
    if (!transfer_arg(vm, a.pos[0], &t)) return Value::empty();
    if (t->running) {
        t->running = false;
        loop::CurlDriver::of(*t->loop).remove(t->easy);
        t->finished = true;
        t->result = CURLE_ABORTED_BY_CALLBACK;
        std::strcpy(t->error, "Connection closed");
        t->report_head();
        t->serve_read();
    }
    if (t->self_key != 0) {
        t->loop->release(t->self_key);
        t->self_key = 0;
    }
    t->body.clear();
    t->body_pos = 0;
    return Value::none();
}

// done(transfer) -> True once the whole body has arrived (or the transfer failed).
Value http_done(VM& vm, const Args& a) {
    if (!check_args(vm, a, "done", 1, 1)) return Value::empty();
    Transfer* t;
    if (!transfer_arg(vm, a.pos[0], &t)) return Value::empty();
    return Value::boolean(t->finished);
}

Value http_version(VM& vm, const Args& a) {
    if (!check_args(vm, a, "curl_version", 0, 0)) return Value::empty();
    return str_value(vm, curl_version());
}

Obj* alloc_transfer(VM& vm, Type* type) { return vm.alloc<Transfer>(type); }

}  // namespace

bool init_http_core_module(VM& vm, Module* m) {
    Dict* ns = m->dict;
    Type* t = new_builtin_type(vm, "Transfer", vm.types.object, Layout::Other, alloc_transfer, 0);
    dict_set_str(vm, ns, vm.intern("Transfer"), Value::object(t));
    def_function(vm, ns, "start", http_start);
    def_function(vm, ns, "read", http_read);
    def_function(vm, ns, "close", http_close);
    def_function(vm, ns, "done", http_done);
    def_function(vm, ns, "curl_version", http_version);
    return true;
}

}  // namespace asy::stdlib
