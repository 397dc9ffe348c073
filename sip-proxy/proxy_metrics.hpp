#pragma once
// The proxy's [metrics] endpoint (shared/metrics): /metrics shows the runtime's families
// (snapshot, store), the proxy's counters and relay time (proxy_counters.hpp) and the kernel's
// drops at its UDP sockets (udp_drops.hpp); /health answers 200 while the proxy serves: from
// the moment main() hands control to the su_root loop until it stops, and only while that loop
// still turns (runtime/heartbeat.hpp). The bindings snapshot is loaded before the proxy is
// built, and a store that later cannot be read leaves the last good one serving, so neither
// makes the proxy unhealthy (cusax_store_reachable says so instead).
#include <sofia-sip/su_wait.h>

#include <atomic>
#include <memory>

#include "shared/config/config.hpp"
#include "shared/metrics/metrics_page.hpp"
#include "shared/metrics/metrics_server.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "shared/runtime/heartbeat.hpp"
#include "sip-proxy/stateless_proxy.hpp"

namespace cusax::sip_proxy {

class ProxyMetrics {
  public:
    // Serves on [metrics] sip_proxy_listen, nothing when it is empty. Throws
    // std::runtime_error when it cannot listen. All arguments must outlive it.
    ProxyMetrics(const config::Config& config, runtime::DaemonRuntime& runtime,
                 StatelessProxy& proxy, su_root_t* root);
    ~ProxyMetrics();
    ProxyMetrics(const ProxyMetrics&) = delete;
    ProxyMetrics& operator=(const ProxyMetrics&) = delete;

    // true just before su_root_run, false once it has returned.
    void set_serving(bool serving) { serving_.store(serving); }

    metrics::Health health() const;

  private:
    static void on_beat(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);

    runtime::DaemonRuntime& runtime_;
    std::atomic<bool> serving_{false};
    runtime::Heartbeat heartbeat_;
    su_timer_t* beat_timer_ = nullptr;
    std::unique_ptr<metrics::MetricsPage> page_;
    std::unique_ptr<metrics::MetricsServer> server_;  // last: stops before what it reads goes
};

}  // namespace cusax::sip_proxy
