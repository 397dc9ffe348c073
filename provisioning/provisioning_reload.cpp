#include "provisioning/provisioning_reload.hpp"

#include <csignal>
#include <memory>

#include "provisioning/provisioning_config.hpp"
#include "shared/log/log.hpp"

namespace cusax::provisioning {
namespace {

// Everything a reload changes, built before anything is changed: only this can fail.
struct Reloaded {
    ProvisioningSettings settings;
    std::shared_ptr<boost::asio::ssl::context> tls;  // null in plain HTTP mode
};

Reloaded prepare(const config::Config& config, bool serves_tls) {
    Reloaded next{provisioning_config(config), nullptr};
    // Read again even when the paths are the same: a renewed certificate replaces the files.
    // Throws naming the file that cannot be used, or a key that is not the certificate's.
    if (serves_tls) {
        next.tls = std::make_shared<boost::asio::ssl::context>(
            make_server_tls_context(next.settings.http));
    }
    return next;
}

}  // namespace

ProvisioningReload::ProvisioningReload(boost::asio::io_context& io, config::Config running,
                                       std::vector<std::string> needed,
                                       ProvisioningSettings& settings, ProvisioningService& service,
                                       HttpsServer& server)
    : signal_(io, SIGHUP),
      reloader_(std::move(running), std::move(needed),
                [&settings, &service, &server](const config::Config& config) {
                    Reloaded next = prepare(config, server.serves_tls());
                    for (const auto& warning : provisioning_config_warnings(config))
                        log::event(log::Level::warn, "provisioning.key_file", warning);
                    // The restart-only keys of `config` hold their running values
                    // (runtime::decide_reload), so the whole struct can be taken.
                    settings = std::move(next.settings);
                    const bool new_certificate = next.tls != nullptr;
                    server.apply_reloaded(std::move(next.tls));
                    service.apply_reloaded();
                    // Last: once this line is written, everything above is in force.
                    log::event(log::Level::info, "provisioning.reload_applied",
                               new_certificate ? "new TLS connections get the certificate read "
                                                 "now; open ones keep theirs"
                                               : "plain HTTP: no certificate to read",
                               {{"certificate_file", settings.http.certificate_file}});
                }) {
    wait();
}

void ProvisioningReload::wait() {
    signal_.async_wait([this](const boost::system::error_code& ec, int) {
        if (ec) return;
        reload();
        wait();
    });
}

void ProvisioningReload::stop() { signal_.cancel(); }

void ProvisioningReload::reload() { reloader_.reload(); }

}  // namespace cusax::provisioning
