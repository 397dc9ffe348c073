#include "xmpp-component/component_reload.hpp"

#include <csignal>

#include "shared/log/log.hpp"
#include "shared/runtime/config_reload.hpp"
#include "xmpp-component/component_config.hpp"

namespace cusax::xmpp {

// Only the reloadable members of `fresh` are taken (component_config.cpp marks their keys);
// the domain, which refresh() reads on the store watcher's thread, is not among them. A new
// limiter starts every requester with a full bucket.
void StanzaRouter::apply_reloaded(const DirectorySettings& fresh, SearchLimits limits) {
    settings_.list_accounts = fresh.list_accounts;
    settings_.max_listed_accounts = fresh.max_listed_accounts;
    settings_.service_name = fresh.service_name;
    limiter_ = TokenBucketLimiter(limits.rate_per_second, limits.burst);
}

ComponentReload::ComponentReload(boost::asio::io_context& io, config::Config running,
                                 std::vector<std::string> needed, StanzaRouter& router)
    : signal_(io, SIGHUP),
      running_(std::move(running)),
      needed_(std::move(needed)),
      router_(router) {
    wait();
}

void ComponentReload::wait() {
    signal_.async_wait([this](const boost::system::error_code& ec, int) {
        if (ec) return;
        reload();
        wait();
    });
}

void ComponentReload::stop() { signal_.cancel(); }

void ComponentReload::reload() {
    auto config = runtime::reload_config(running_, needed_);
    if (!config) return;
    try {
        const ComponentConfig settings = component_config(*config);
        router_.apply_reloaded(settings.directory, settings.search);
        runtime::apply_log_settings(*config);
        running_ = std::move(*config);
    } catch (const std::exception& e) {
        log::event(log::Level::error, "config.reload_refused", e.what(),
                   {{"config", running_.file()}});
    }
}

}  // namespace cusax::xmpp
