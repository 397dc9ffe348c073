#include "xmpp-component/component_reload.hpp"

#include <csignal>

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
                                 std::vector<std::string> needed, StanzaRouter& router,
                                 ComponentStream& stream)
    : signal_(io, SIGHUP),
      reloader_(std::move(running), std::move(needed),
                [&router, &stream](const config::Config& config) {
                    const ComponentConfig settings = component_config(config);
                    // First, as it is the step that can refuse the file (a CA file that
                    // cannot be loaded); the router's part cannot fail.
                    stream.reload_tls_ca_file(settings.stream.tls_ca_file);
                    router.apply_reloaded(settings.directory, settings.search);
                }) {
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

void ComponentReload::reload() { reloader_.reload(); }

}  // namespace cusax::xmpp
