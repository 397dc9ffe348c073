#include "xmpp-component/component_metrics.hpp"

#include <string>

#include "shared/config/metrics_section.hpp"
#include "shared/runtime/runtime_metrics.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_counters.hpp"

namespace cusax::xmpp {

struct ComponentMetrics::Beat {
    Beat(boost::asio::io_context& io, runtime::Heartbeat& heartbeat)
        : timer(io), heartbeat_(heartbeat) {}

    void next() {
        timer.expires_after(runtime::Heartbeat::kBeatInterval);
        timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            heartbeat_.beat();
            next();
        });
    }

    boost::asio::steady_timer timer;
    runtime::Heartbeat& heartbeat_;
};

ComponentMetrics::ComponentMetrics(const config::Config& config, runtime::DaemonRuntime& runtime,
                                   const StreamObserver& stream, boost::asio::io_context& io)
    : stream_(stream) {
    const std::string listen = config::metrics_config(config).xmpp_component_listen;
    if (listen.empty()) return;
    beat_ = std::make_unique<Beat>(io, heartbeat_);
    beat_->next();
    page_ = runtime::make_metrics_page(runtime, component_metric_docs());
    server_ = runtime::start_metrics_server(listen, *page_, [this] { return health(); });
}

ComponentMetrics::~ComponentMetrics() { server_.reset(); }

void ComponentMetrics::stop() {
    if (beat_) beat_->timer.cancel();
}

metrics::Health ComponentMetrics::health() const {
    if (!stream_.stream_up())
        return {false, "not serving: the stream to the XMPP server is not authenticated"};
    if (auto stale =
            heartbeat_.stale_reason(runtime::Heartbeat::Clock::now(), "component's event loop");
        !stale.empty())
        return {false, "not serving: " + stale};
    return {true, "serving: the stream to the XMPP server is authenticated"};
}

}  // namespace cusax::xmpp
