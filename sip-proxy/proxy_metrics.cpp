#include "sip-proxy/proxy_metrics.hpp"

#include <string>

#include "shared/config/metrics_section.hpp"
#include "shared/runtime/runtime_metrics.hpp"
#include "sip-proxy/udp_drops.hpp"

namespace cusax::sip_proxy {

ProxyMetrics::ProxyMetrics(const config::Config& config, runtime::DaemonRuntime& runtime,
                           StatelessProxy& proxy, su_root_t* root)
    : runtime_(runtime) {
    const std::string listen = config::metrics_config(config).sip_proxy_listen;
    if (listen.empty()) return;
    beat_timer_ = su_timer_create(
        su_root_task(root), static_cast<su_duration_t>(runtime::Heartbeat::kBeatInterval.count()));
    if (beat_timer_)
        su_timer_set_for_ever(beat_timer_, on_beat, reinterpret_cast<su_timer_arg_t*>(this));
    page_ = runtime::make_metrics_page(runtime, proxy_metric_docs());
    // The agent's UDP sockets do not change once bound: found once, read at each scrape.
    page_->add_collector([sockets = udp_sockets_to_watch(proxy.agent())] {
        return std::vector<metrics::Family>{udp_drop_family(sockets)};
    });
    server_ = runtime::start_metrics_server(listen, *page_, [this] { return health(); });
}

ProxyMetrics::~ProxyMetrics() {
    server_.reset();
    if (beat_timer_) su_timer_destroy(beat_timer_);
}

void ProxyMetrics::on_beat(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    reinterpret_cast<ProxyMetrics*>(arg)->heartbeat_.beat();
}

metrics::Health ProxyMetrics::health() const {
    if (!serving_.load()) return {false, "not serving: starting or stopping"};
    if (auto stale = heartbeat_.stale_reason(runtime::Heartbeat::Clock::now(), "SIP event loop");
        !stale.empty())
        return {false, "not serving: " + stale};
    const auto snapshot = runtime_.snapshot();
    return {true, "serving: " + std::to_string(snapshot->size()) + " bindings, generation " +
                      std::to_string(snapshot->generation())};
}

}  // namespace cusax::sip_proxy
