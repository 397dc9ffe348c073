#pragma once
// SIGHUP in cusax-provisioning: the INI file is read again and its reloadable [provisioning]
// keys (what the profiles announce, the formats served, the limits and timeouts, log level
// and format) apply from the next request; the certificate and key are read again (also when
// only the files' content changed, as after a renewal) for the next TLS handshake. Connections
// that are up stay, with the certificate they were made with. A certificate or key that cannot
// be used refuses the reload, and the old one is still served (shared/runtime/config_reload.hpp).
//
// The signal is taken by a signal_set on the io_context that serves the requests, so the
// settings change between two handlers on the thread that reads them, and no request sees
// half of them. The login gate keeps its counts: a reload does not lift a lock-out.
#include <string>
#include <vector>

#include "provisioning/asio_include.hpp"
#include "provisioning/https_server.hpp"
#include "provisioning/provisioning_service.hpp"
#include "provisioning/provisioning_settings.hpp"
#include "shared/config/config.hpp"
#include "shared/runtime/config_reload.hpp"

namespace cusax::provisioning {

class ProvisioningReload {
  public:
    // `running`: the configuration the service started with; `needed`: the sections it reads;
    // `settings`: the settings `service` and `server` were made with (replaced on a reload).
    // Waits for SIGHUP until stop().
    ProvisioningReload(boost::asio::io_context& io, config::Config running,
                       std::vector<std::string> needed, ProvisioningSettings& settings,
                       ProvisioningService& service, HttpsServer& server);

    // Reads the file again and applies it; what SIGHUP does (public for tests).
    void reload();
    // Stops waiting for SIGHUP (the io_context can then run out of work).
    void stop();

  private:
    void wait();

    boost::asio::signal_set signal_;
    runtime::ConfigReloader reloader_;
};

}  // namespace cusax::provisioning
