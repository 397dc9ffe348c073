// cusax-provisioning: the HTTPS service that configures a CUSAX client's SIP and XMPP accounts
// from one user id and password (RFC 7081 §2; server strategies 1, 2 and 5 of §6).
//
//   cusax-provisioning [-c FILE] [--check-config] [--dump-config[=FORMAT]] [--version]
//
// Reads [log], [store] and [provisioning] of the INI file, sets up logging, the live bindings
// snapshot and the counters (shared/runtime), then serves on one io_context thread until
// SIGTERM or SIGINT.
#include <csignal>
#include <iostream>

#include "config-catalog/config_catalog.hpp"
#include "provisioning/account_directory.hpp"
#include "provisioning/asio_include.hpp"
#include "provisioning/https_server.hpp"
#include "provisioning/provisioning_config.hpp"
#include "provisioning/provisioning_counters.hpp"
#include "provisioning/provisioning_service.hpp"
#include "provisioning/xmpp_login.hpp"
#include "shared/config/program_cli.hpp"
#include "shared/log/log.hpp"
#include "shared/runtime/daemon_runtime.hpp"

using namespace cusax;

namespace {

int run(const config::Config& config) {
    const auto settings = provisioning::provisioning_config(config);
    // Before the runtime: the store watcher posts new directories here until it stops.
    boost::asio::io_context io;
    runtime::DaemonRuntime runtime(config, "provisioning");
    provisioning::ProvisioningCounters counters(runtime.counters());
    for (const auto& warning : provisioning::provisioning_config_warnings(config)) {
        log::event(log::Level::warn, "provisioning.key_file", warning);
    }
    auto xmpp_tls = provisioning::make_xmpp_tls_context(settings.auth);

    provisioning::PasswordCheck check = [&](const std::string& jid, std::string password,
                                            auto done) {
        provisioning::check_password(io, xmpp_tls, settings.auth, jid, std::move(password),
                                     std::move(done));
    };
    provisioning::ProvisioningService service(
        io, settings, counters, std::move(check),
        std::make_shared<const provisioning::AccountDirectory>(runtime.snapshot()));
    // Each new snapshot's directory is built on the watcher's thread and swapped in on ours.
    runtime.watcher().on_publish([&io, &runtime, &service](const store::Snapshot&) {
        auto directory = std::make_shared<const provisioning::AccountDirectory>(runtime.snapshot());
        boost::asio::post(io, [&service, directory] { service.set_directory(directory); });
    });
    service.set_directory(
        std::make_shared<const provisioning::AccountDirectory>(runtime.snapshot()));

    provisioning::HttpsServer server(io, settings.http, service, counters);
    for (const auto& endpoint : server.local_endpoints()) {
        log::event(log::Level::info, "provisioning.listening",
                   settings.http.plain_http_from.empty() ? "HTTPS"
                                                         : "plain HTTP behind TLS "
                                                           "terminators",
                   {{"address", endpoint.address().to_string()},
                    {"port", std::to_string(endpoint.port())}});
    }
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        log::event(log::Level::info, "daemon.stopping",
                   signal_number == SIGTERM ? "SIGTERM received" : "SIGINT received");
        server.stop();
        // Password checks still in flight are dropped with their connections.
        io.stop();
    });
    server.start();
    io.run();
    log::event(log::Level::info, "daemon.stopped", "");
    log::flush();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    config::ProgramInfo info;
    info.name = "cusax-provisioning";
    info.description =
        "The HTTPS service that gives a CUSAX client its SIP and XMPP accounts for one user id "
        "and password (JSON profile, Linphone remote provisioning, WebFinger).";
    info.needed_sections = {"log", "store", "provisioning"};
    info.schema = &config_catalog::all_sections();
    info.warnings = provisioning::provisioning_config_warnings;
    auto cli = config::parse_command_line(info, argc, argv, std::cout, std::cerr);
    if (cli.exit_code) return *cli.exit_code;
    try {
        return run(*cli.config);
    } catch (const std::exception& e) {
        log::event(log::Level::critical, "provisioning.startup_failed", e.what());
        log::flush();
        std::cerr << info.name << ": " << e.what() << "\n";
        return 1;
    }
}
