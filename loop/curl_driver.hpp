// Drives libcurl's multi-socket interface from the VM's libuv loop: one CURLM per loop (so
// connections, keep-alive and HTTP/2 multiplexing are shared by every request of the VM), a
// uv_poll_t per socket curl watches and one uv_timer_t for curl's timeouts. Finished transfers
// are reported to their CurlClient on the loop thread.
#pragma once

#include <curl/curl.h>
#include <uv.h>

#include <unordered_set>

#include "loop/event_loop.hpp"

namespace asy::loop {

// The owner of one easy handle (the http module's transfer object).
class CurlClient {
public:
    virtual ~CurlClient() = default;
    // The transfer ended (result CURLE_OK or an error); the handle was removed from the multi.
    virtual void on_finished(CURLcode result) = 0;
    // The driver is being destroyed (VM teardown) while the transfer still runs: forget it.
    virtual void on_abandoned() {}
};

class CurlDriver {
public:
    explicit CurlDriver(EventLoop& loop);
    ~CurlDriver();
    CurlDriver(const CurlDriver&) = delete;
    CurlDriver& operator=(const CurlDriver&) = delete;

    // The driver of a loop, created on first use (kept in EventLoop::curl).
    static CurlDriver& of(EventLoop& loop);

    // Start a configured easy handle; `client` hears when it ends. Counts as a pending
    // operation of the loop until it finishes or is removed. False when curl refuses it.
    bool add(CURL* easy, CurlClient* client);
    // Abort a running transfer without reporting it (no-op when not running).
    void remove(CURL* easy);
    bool running(CURL* easy) const { return active_.count(easy) != 0; }
    // Resume a transfer paused by its write callback.
    void unpause(CURL* easy);

    EventLoop& loop() { return loop_; }

    struct Socket;  // one watched socket (curl_driver.cpp)

private:
    static int on_socket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp);
    static int on_timer(CURLM* multi, long timeout_ms, void* userp);
    static void on_poll(uv_poll_t* handle, int status, int events);
    static void on_timeout(uv_timer_t* timer);
    void action(curl_socket_t fd, int flags);
    void collect_finished();

    EventLoop& loop_;
    CURLM* multi_ = nullptr;
    uv_timer_t* timer_ = nullptr;  // heap-allocated: its close callback may run after we are gone
    std::unordered_set<CURL*> active_;
    bool in_action_ = false;
};

}  // namespace asy::loop
