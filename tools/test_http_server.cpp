// A tiny HTTP/1.1 server with fixed routes for the http module's tests (loopback only, one
// thread per connection, keep-alive). Not part of asy: built only for the tests.
//
// usage: asy_test_http_server PORTFILE  — listens on 127.0.0.1:<free port>, writes the port to
// PORTFILE (atomically), serves until killed (or for at most 10 minutes).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>

namespace {

std::atomic<int> g_next_conn{1};

struct Request {
    std::string method, target, path, query, version;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

bool send_all(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

// Reads from fd into buf until it holds `want` bytes; false on EOF/error.
bool fill(int fd, std::string& buf, size_t want) {
    char tmp[65536];
    while (buf.size() < want) {
        ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf.append(tmp, static_cast<size_t>(n));
    }
    return true;
}

bool read_request(int fd, std::string& buf, Request* req) {
    size_t end;
    char tmp[65536];
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf.append(tmp, static_cast<size_t>(n));
    }
    std::string head = buf.substr(0, end);
    buf.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t s1 = first.find(' '), s2 = first.rfind(' ');
    if (s1 == std::string::npos || s2 == s1) return false;
    req->method = first.substr(0, s1);
    req->target = first.substr(s1 + 1, s2 - s1 - 1);
    req->version = first.substr(s2 + 1);
    size_t q = req->target.find('?');
    req->path = req->target.substr(0, q);
    req->query = q == std::string::npos ? "" : req->target.substr(q + 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        std::string line = head.substr(pos, e - pos);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            size_t v = colon + 1;
            while (v < line.size() && line[v] == ' ') ++v;
            req->headers[name] = line.substr(v);
        }
        pos = e + 2;
    }
    auto te = req->headers.find("transfer-encoding");
    if (te != req->headers.end() && te->second.find("chunked") != std::string::npos) {
        while (true) {
            size_t e;
            while ((e = buf.find("\r\n")) == std::string::npos) {
                if (!fill(fd, buf, buf.size() + 1)) return false;
            }
            size_t size = std::strtoul(buf.substr(0, e).c_str(), nullptr, 16);
            buf.erase(0, e + 2);
            if (!fill(fd, buf, size + 2)) return false;
            req->body.append(buf, 0, size);
            buf.erase(0, size + 2);
            if (size == 0) break;
        }
        return true;
    }
    auto cl = req->headers.find("content-length");
    if (cl != req->headers.end()) {
        size_t n = std::strtoul(cl->second.c_str(), nullptr, 10);
        if (!fill(fd, buf, n)) return false;
        req->body = buf.substr(0, n);
        buf.erase(0, n);
    }
    return true;
}

std::string query_param(const std::string& query, const std::string& key, const std::string& def) {
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t amp = query.find('&', pos);
        if (amp == std::string::npos) amp = query.size();
        std::string part = query.substr(pos, amp - pos);
        size_t eq = part.find('=');
        if (part.substr(0, eq) == key) return eq == std::string::npos ? "" : part.substr(eq + 1);
        pos = amp + 1;
    }
    return def;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

const char* reason_of(int code) {
    switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 418: return "I'm a Teapot";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

struct Response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::string extra_headers;
};

bool respond(int fd, const Request& req, const Response& r, int conn) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_of(r.status) + "\r\n";
    out += "Content-Type: " + r.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    out += "X-Conn: " + std::to_string(conn) + "\r\n";
    out += r.extra_headers;
    out += "\r\n";
    if (req.method != "HEAD") out += r.body;
    return send_all(fd, out);
}

// Chunked body: n chunks of `size` bytes with a short pause between them.
bool respond_stream(int fd, const Request& req, int conn) {
    int n = std::atoi(query_param(req.query, "n", "5").c_str());
    int size = std::atoi(query_param(req.query, "size", "10").c_str());
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                       "Transfer-Encoding: chunked\r\nX-Conn: " + std::to_string(conn) + "\r\n\r\n";
    if (!send_all(fd, head)) return false;
    for (int i = 0; i < n; ++i) {
        std::string chunk(static_cast<size_t>(size), static_cast<char>('a' + i % 26));
        char len[32];
        std::snprintf(len, sizeof len, "%x\r\n", size);
        if (!send_all(fd, len + chunk + "\r\n")) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return send_all(fd, "0\r\n\r\n");
}

void serve(int fd) {
    int conn = g_next_conn++;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string buf;
    Request req;
    while (true) {
        req = Request();
        if (!read_request(fd, buf, &req)) break;
        Response r;
        const std::string& p = req.path;
        if (p == "/text") {
            r.body = "Hello, asy!\n";
        } else if (p == "/json") {
            r.content_type = "application/json";
            r.body = "{\"name\": \"asy\", \"version\": 1, \"tags\": [\"fast\", \"async\"], \"ok\": true}";
        } else if (p == "/utf8") {
            r.body = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93\n";
        } else if (p == "/latin1") {
            r.content_type = "text/plain; charset=iso-8859-1";
            r.body = "caf\xe9";
        } else if (p == "/html") {
            r.content_type = "text/html";
            r.body = "<p>hi</p>";
        } else if (p.rfind("/status/", 0) == 0) {
            r.status = std::atoi(p.c_str() + 8);
            r.body = "status " + std::to_string(r.status);
        } else if (p == "/slow") {
            int ms = std::atoi(query_param(req.query, "ms", "100").c_str());
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            r.body = "slept " + std::to_string(ms);
        } else if (p == "/echo") {
            r.content_type = "application/json";
            std::string hdrs;
            for (auto& [k, v] : req.headers) {
                if (k.rfind("x-", 0) != 0 && k != "content-type" && k != "authorization") continue;
                if (!hdrs.empty()) hdrs += ", ";
                hdrs += json_string(k) + ": " + json_string(v);
            }
            r.body = "{\"method\": " + json_string(req.method) + ", \"path\": " + json_string(req.path) +
                     ", \"query\": " + json_string(req.query) + ", \"headers\": {" + hdrs +
                     "}, \"body\": " + json_string(req.body) + "}";
        } else if (p == "/bytes") {
            int n = std::atoi(query_param(req.query, "n", "256").c_str());
            r.content_type = "application/octet-stream";
            for (int i = 0; i < n; ++i) r.body += static_cast<char>(i % 256);
        } else if (p == "/stream") {
            if (!respond_stream(fd, req, conn)) break;
            continue;
        } else if (p == "/redirect") {
            r.status = 302;
            r.extra_headers = "Location: " + query_param(req.query, "to", "/text") + "\r\n";
            r.body = "redirecting";
        } else if (p == "/conn") {
            r.body = std::to_string(conn);
        } else if (p == "/close") {
            break;
        } else {
            r.status = 404;
            r.body = "no route " + p;
        }
        if (!respond(fd, req, r, conn)) break;
        auto c = req.headers.find("connection");
        if (c != req.headers.end() && c->second == "close") break;
    }
    ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s PORTFILE\n", argv[0]);
        return 2;
    }
    int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(lfd, 64) != 0) {
        std::perror("bind/listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
    std::string tmp = std::string(argv[1]) + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr) return 1;
    std::fprintf(f, "%d\n", ntohs(addr.sin_port));
    std::fclose(f);
    std::rename(tmp.c_str(), argv[1]);
    alarm(600);  // never outlive a forgotten test run
    while (true) {
        int fd = ::accept(lfd, nullptr, nullptr);
        if (fd < 0) continue;
        std::thread(serve, fd).detach();
    }
}
