#pragma once
// The component's [metrics] endpoint (shared/metrics): /metrics shows the runtime's families
// (snapshot, store), the component's counters and the stream's gauges (component_counters.hpp,
// stream_observer.hpp); /health answers 200 while the component serves: its stream to the
// XMPP server is authenticated and its io_context still turns (runtime/heartbeat.hpp).
#include <memory>

#include "shared/config/config.hpp"
#include "shared/metrics/metrics_page.hpp"
#include "shared/metrics/metrics_server.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "shared/runtime/heartbeat.hpp"
#include "xmpp-component/stream_observer.hpp"

namespace boost::asio {
class io_context;
}

namespace cusax::xmpp {

class ComponentMetrics {
  public:
    // Serves on [metrics] xmpp_component_listen, nothing when it is empty. Throws
    // std::runtime_error when it cannot listen. All arguments must outlive it.
    ComponentMetrics(const config::Config& config, runtime::DaemonRuntime& runtime,
                     const StreamObserver& stream, boost::asio::io_context& io);
    ~ComponentMetrics();
    ComponentMetrics(const ComponentMetrics&) = delete;
    ComponentMetrics& operator=(const ComponentMetrics&) = delete;

    // Stops the heartbeat's timer, so that the io_context can run out of work (SIGTERM).
    void stop();

    metrics::Health health() const;

    struct Beat;

  private:
    const StreamObserver& stream_;
    runtime::Heartbeat heartbeat_;
    std::unique_ptr<Beat> beat_;  // the timer on the io_context
    std::unique_ptr<metrics::MetricsPage> page_;
    std::unique_ptr<metrics::MetricsServer> server_;  // last: stops before what it reads goes
};

}  // namespace cusax::xmpp
