#pragma once
// The HTTP endpoint of a daemon ([metrics] in the INI file): GET /metrics answers the page in
// Prometheus's text format, GET /health 200 while the daemon serves and 503 otherwise (for load
// balancers and watchdogs); anything else 404 (405 for a method other than GET or HEAD).
//
// Why its own thread, with Boost.Beast on an io_context of its own: the two daemons run
// different loops (Sofia-SIP's su_root in the proxy, an Asio io_context in the component), and
// neither loop should ever wait for a slow or hostile HTTP client. On a thread of its own the
// server touches the daemon only through the two callbacks below, which read atomics (the
// counters, the snapshot pointer) and never take a lock the hot path takes; the daemons'
// threading stays what it was. Beast is in Debian's libboost-dev, beside the Asio the component
// already uses; the text format is a few lines (text_format.hpp). prometheus-cpp (Debian's
// prometheus-cpp-dev) was the alternative: its Exposer serves only registered metrics, so a
// /health answering 503 would have needed a second server, and its histogram takes a mutex per
// observation, which the proxy's relay time would have paid per request.
//
// Bounded: at most kMaxConnections at once (one more is closed as soon as it is accepted), a
// request of at most kMaxRequestBytes with no body, kIoTimeout to read it and to write the
// answer, one request per connection (Connection: close).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace cusax::metrics {

inline constexpr std::size_t kMaxConnections = 8;
inline constexpr std::size_t kMaxRequestBytes = 8192;
inline constexpr std::chrono::seconds kIoTimeout{5};

struct Health {
    bool serving = false;
    std::string detail;  // one line for the body: what serves, or what is missing
};

struct Endpoints {
    std::function<std::string()> metrics;  // the page (MetricsPage::render)
    std::function<Health()> health;
};

class MetricsServer {
  public:
    // Listens on `address` (an IPv4 or IPv6 literal) and `port` (0: one the kernel picks) and
    // serves from its own thread until destroyed. Throws std::runtime_error naming the address
    // when it cannot listen.
    MetricsServer(const std::string& address, std::uint16_t port, Endpoints endpoints);
    ~MetricsServer();  // stops serving; open connections are dropped
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    std::uint16_t port() const;  // the port it listens on

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cusax::metrics
