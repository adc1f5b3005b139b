// libcurl multi-socket integration with libuv: curl tells us which sockets to watch and when
// to wake it; we translate that into uv_poll_t / uv_timer_t and feed events back through
// curl_multi_socket_action, then hand finished transfers to their clients.
#include "loop/curl_driver.hpp"

namespace asy::loop {

// One watched socket. Freed by its uv close callback, which never touches the driver.
struct CurlDriver::Socket {
    uv_poll_t poll;
    curl_socket_t fd;
    CurlDriver* driver;
};

namespace {

void close_and_free_socket(uv_handle_t* handle);

struct GlobalInit {
    GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

CurlDriver::CurlDriver(EventLoop& loop) : loop_(loop) {
    static GlobalInit init;  // curl_global_init is process-wide and not thread-safe: once, first use
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlDriver::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlDriver::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    timer_ = new uv_timer_t;
    uv_timer_init(loop_.uv(), timer_);
    timer_->data = this;
}

CurlDriver::~CurlDriver() {
    for (CURL* easy : active_) {
        curl_multi_remove_handle(multi_, easy);
        loop_.end();
        void* priv = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
        if (priv != nullptr) static_cast<CurlClient*>(priv)->on_abandoned();
    }
    active_.clear();
    // Cleanup may still call on_socket (closing connections) while we are alive.
    curl_multi_cleanup(multi_);
    uv_timer_stop(timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
}

CurlDriver& CurlDriver::of(EventLoop& loop) {
    if (!loop.curl) loop.curl = std::make_shared<CurlDriver>(loop);
    return *static_cast<CurlDriver*>(loop.curl.get());
}

bool CurlDriver::add(CURL* easy, CurlClient* client) {
    curl_easy_setopt(easy, CURLOPT_PRIVATE, static_cast<void*>(client));
    if (curl_multi_add_handle(multi_, easy) != CURLM_OK) return false;
    active_.insert(easy);
    loop_.begin();
    return true;
}

void CurlDriver::remove(CURL* easy) {
    if (active_.erase(easy) == 0) return;
    curl_multi_remove_handle(multi_, easy);
    loop_.end();
}

void CurlDriver::unpause(CURL* easy) {
    if (active_.count(easy) == 0) return;
    curl_easy_pause(easy, CURLPAUSE_CONT);
    // Unpausing may have finished the transfer (data was all buffered inside curl).
    if (!in_action_) collect_finished();
}

int CurlDriver::on_socket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
    auto* self = static_cast<CurlDriver*>(userp);
    auto* sock = static_cast<Socket*>(socketp);
    if (what == CURL_POLL_REMOVE) {
        if (sock != nullptr) {
            uv_poll_stop(&sock->poll);
            uv_close(reinterpret_cast<uv_handle_t*>(&sock->poll), close_and_free_socket);
            curl_multi_assign(self->multi_, fd, nullptr);
        }
        return 0;
    }
    if (sock == nullptr) {
        sock = new Socket;
        sock->fd = fd;
        sock->driver = self;
        if (uv_poll_init_socket(self->loop_.uv(), &sock->poll, fd) != 0) {
            delete sock;
            return -1;
        }
        sock->poll.data = sock;
        curl_multi_assign(self->multi_, fd, sock);
    }
    int events = 0;
    if (what & CURL_POLL_IN) events |= UV_READABLE;
    if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
    uv_poll_start(&sock->poll, events, &CurlDriver::on_poll);
    return 0;
}

int CurlDriver::on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<CurlDriver*>(userp);
    if (timeout_ms < 0) {
        uv_timer_stop(self->timer_);
    } else {
        // Even 0 goes through the timer: curl forbids calling socket_action from this callback.
        uv_timer_start(self->timer_, &CurlDriver::on_timeout, static_cast<uint64_t>(timeout_ms), 0);
    }
    return 0;
}

void CurlDriver::on_poll(uv_poll_t* handle, int status, int events) {
    auto* sock = static_cast<Socket*>(handle->data);
    int flags = 0;
    if (status < 0) {
        flags = CURL_CSELECT_ERR;
    } else {
        if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    }
    sock->driver->action(sock->fd, flags);
}

void CurlDriver::on_timeout(uv_timer_t* timer) {
    static_cast<CurlDriver*>(timer->data)->action(CURL_SOCKET_TIMEOUT, 0);
}

void CurlDriver::action(curl_socket_t fd, int flags) {
    // Transfers finishing here complete into the VM; the loop thread polls without the lock.
    EventLoop::CallbackLock lock(loop_);
    int running = 0;
    in_action_ = true;
    curl_multi_socket_action(multi_, fd, flags, &running);
    in_action_ = false;
    collect_finished();
}

void CurlDriver::collect_finished() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;
        CURLcode result = msg->data.result;
        void* priv = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
        if (active_.erase(easy) == 0) continue;
        curl_multi_remove_handle(multi_, easy);
        loop_.end();
        if (priv != nullptr) static_cast<CurlClient*>(priv)->on_finished(result);
    }
}

namespace {

void close_and_free_socket(uv_handle_t* handle) {
    delete static_cast<CurlDriver::Socket*>(handle->data);
}

}  // namespace

}  // namespace asy::loop
