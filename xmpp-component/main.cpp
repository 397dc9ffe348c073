// cusax-xmpp-component: the XEP-0114 component that publishes the SIP side of a CUSAX service
// (RFC 7081 §3.1, §3.3, §3.5) to XMPP clients.
//
//   cusax-xmpp-component [-c FILE] [--check-config] [--dump-config[=FORMAT]] [--version]
//
// Reads [log], [store] and [xmpp-component] of the INI file (shared/config), sets up logging,
// the live bindings snapshot and the counters (shared/runtime), then runs the component stream
// on one io_context thread until SIGTERM or SIGINT closes it cleanly.
#include <csignal>
#include <iostream>

#include "shared/config/program_cli.hpp"
#include "shared/log/log.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_config.hpp"
#include "xmpp-component/component_stream.hpp"
#include "xmpp-component/directory_service.hpp"

using namespace cusax;

namespace {

int run(const config::Config& config) {
    auto settings = xmpp::component_config(config);
    runtime::DaemonRuntime runtime(config, "xmpp-component");

    // Shared with the store watcher's callback, which may run until the runtime stops it.
    auto service = std::make_shared<xmpp::DirectoryService>(
        [&runtime] { return runtime.snapshot(); }, std::move(settings.directory), settings.search,
        runtime.counters());
    if (!settings.vcard_store.empty()) {
        service->set_vcard_store(std::make_shared<xmpp::VcardStore>(settings.vcard_store),
                                 store::open_store(runtime::store_settings(config)));
    }
    // The account index of each new snapshot is built on the store watcher's thread; the
    // second refresh() catches a snapshot published before the callback was in place.
    runtime.watcher().on_publish(
        [weak = std::weak_ptr<xmpp::DirectoryService>(service)](const store::Snapshot&) {
            if (auto s = weak.lock()) s->refresh();
        });
    service->refresh();

    boost::asio::io_context io;
    xmpp::ComponentStream stream(io, std::move(settings.stream), *service, runtime.counters());
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        log::event(log::Level::info, "daemon.stopping",
                   signal_number == SIGTERM ? "SIGTERM received" : "SIGINT received");
        stream.stop();
    });
    stream.start();
    io.run();
    log::event(log::Level::info, "daemon.stopped", "");
    log::flush();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    config::ProgramInfo info;
    info.name = "cusax-xmpp-component";
    info.description =
        "The XEP-0114 component that answers XMPP clients for the SIP accounts of the binding "
        "store (vCard, reach, disco, search).";
    info.needed_sections = {"log", "store", "xmpp-component"};
    auto cli = config::parse_command_line(info, argc, argv, std::cout, std::cerr);
    if (cli.exit_code) return *cli.exit_code;
    try {
        return run(*cli.config);
    } catch (const std::exception& e) {
        log::event(log::Level::critical, "xmpp.startup_failed", e.what());
        log::flush();
        std::cerr << info.name << ": " << e.what() << "\n";
        return 1;
    }
}
