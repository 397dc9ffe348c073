// cusax-xmpp-component: the XEP-0114 component that publishes the SIP side of a CUSAX service
// (RFC 7081 §3.1, §3.3, §3.5) to XMPP clients.
//
//   cusax-xmpp-component [-c FILE] [--check-config] [--dump-config[=FORMAT]] [--version]
//
// Reads [log], [store], [metrics] and [xmpp-component] of the INI file (shared/config), sets up
// logging, the live bindings snapshot and the counters (shared/runtime), then runs the component
// stream on one io_context thread until SIGTERM or SIGINT closes it cleanly; /metrics and
// /health are served from a thread of their own (component_metrics.hpp).
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/program_cli.hpp"
#include "shared/log/log.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "shared/runtime/held_signal.hpp"
#include "shared/store/user_vcard_store.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_config.hpp"
#include "xmpp-component/component_metrics.hpp"
#include "xmpp-component/component_reload.hpp"
#include "xmpp-component/component_stream.hpp"
#include "xmpp-component/delegation_feature.hpp"
#include "xmpp-component/handler_list.hpp"
#include "xmpp-component/stanza_router.hpp"
#include "xmpp-component/stream_observer.hpp"
#include "xmpp-component/vcard4_sync.hpp"

using namespace cusax;

namespace {

int run(const config::Config& config, const std::vector<std::string>& needed_sections,
        runtime::HeldSignal& reload_signal) {
    auto settings = xmpp::component_config(config);
    // Before the runtime: the store watcher (in the runtime) posts work here until it stops.
    boost::asio::io_context io;
    runtime::DaemonRuntime runtime(config, "xmpp-component");

    xmpp::Vcard4SyncSettings vcard4_settings;
    vcard4_settings.enabled = settings.vcard4_sync;
    vcard4_settings.domain = settings.stream.domain;
    vcard4_settings.local_domains = settings.directory.trusted_servers;  // whose grants count
    vcard4_settings.guard = settings.directory.vcard_guard;

    // The stores are used on a thread of their own (StoreWorker): the stream never waits for
    // a database.
    std::optional<xmpp::DelegationFeature> delegation;
    if (settings.vcard_store.empty()) {
        delegation.emplace();
    } else {
        const auto store_settings = runtime::store_settings(config);
        delegation.emplace(xmpp::DelegationStores{
            std::make_shared<xmpp::VcardStore>(
                store::user_vcard_location(settings.vcard_store, store_settings)),
            store::open_store(store_settings),
            std::make_unique<xmpp::StoreWorker>(
                [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); }),
            &runtime.counters(), settings.stream.close_timeout});
        // On SIGTERM a delegated set under way is answered once its store calls return: the
        // vCard write may wait out the vCard file's lock, then the binding write (a set that
        // stops listing a mutual AOR) the binding store's; a second more for the rest. A
        // PostgreSQL store waits its connect_timeout (5 s) instead, within the same bound.
        settings.stream.store_call_wait =
            store::kUserVcardBusyWait +
            std::chrono::milliseconds(std::max(store_settings.busy_timeout_ms, 5000)) +
            std::chrono::seconds(1);
    }
    boost::asio::steady_timer vcard4_timer(io);
    // Once stopping, nothing new is deferred: a stream up again only to send the answers still
    // owed (ComponentStream::stop) must not keep the io_context busy with a vCard4 check.
    bool stopping = false;
    auto vcard4 = std::make_shared<xmpp::Vcard4Sync>(
        [&runtime] { return runtime.snapshot(); }, std::move(vcard4_settings),
        [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); },
        [&vcard4_timer, &stopping](std::chrono::milliseconds after, std::function<void()> f) {
            if (stopping) return;
            vcard4_timer.expires_after(after);
            vcard4_timer.async_wait([f = std::move(f)](const boost::system::error_code& ec) {
                if (!ec) f();
            });
        },
        runtime.counters());
    xmpp::DirectoryFeatures directory;
    // Shared with the store watcher's callback, which may run until the runtime stops it.
    auto service = std::make_shared<xmpp::StanzaRouter>(
        [&runtime] { return runtime.snapshot(); }, std::move(settings.directory), settings.search,
        runtime.counters(), xmpp::handler_list(vcard4.get(), &*delegation, directory));

    // The account index of each new snapshot is built on the store watcher's thread, and so
    // is the list of users whose vCard4 needs a look; the second refresh() catches a snapshot
    // published before the callback was in place.
    runtime.watcher().on_publish(
        [&runtime, weak = std::weak_ptr<xmpp::StanzaRouter>(service),
         weak_vcard4 = std::weak_ptr<xmpp::Vcard4Sync>(vcard4)](const store::Snapshot&) {
            if (auto s = weak.lock()) s->refresh();
            if (auto v = weak_vcard4.lock()) v->snapshot_published(runtime.snapshot());
        });
    service->refresh();
    vcard4->snapshot_published(runtime.snapshot());

    // Between the stream and the router: the stream's state and the component's own requests
    // waiting for answers, as gauges for /metrics and /health.
    xmpp::StreamObserver observer(*service, runtime.counters());
    xmpp::ComponentStream stream(io, std::move(settings.stream), observer, runtime.counters());
    xmpp::ComponentMetrics metrics(config, runtime, observer, io);
    // SIGUSR2 (`cusaxctl sync-vcards`): every user's vCard4 looked at again now.
    boost::asio::signal_set resync_signal(io, SIGUSR2);
    std::function<void()> wait_resync = [&] {
        resync_signal.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            const bool started = vcard4->resync_all();
            log::event(log::Level::info, "xmpp.vcard4_resync",
                       started ? "SIGUSR2: every bound user's vCard4 looked at again"
                               : "SIGUSR2: not connected or no privilege granted: nothing to do "
                                 "until the next grant, which starts a full pass");
            wait_resync();
        });
    };
    wait_resync();
    xmpp::ComponentReload reload(io, config, needed_sections, *service, stream);  // SIGHUP
    reload_signal.release();
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        log::event(log::Level::info, "daemon.stopping",
                   signal_number == SIGTERM ? "SIGTERM received" : "SIGINT received");
        stopping = true;
        stream.stop();
        metrics.stop();
        vcard4_timer.cancel();
        resync_signal.cancel();
        reload.stop();
    });
    stream.start();
    io.run();
    log::event(log::Level::info, "daemon.stopped", "");
    log::flush();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Until run() listens for it, a SIGUSR2 (`cusaxctl sync-vcards` racing the start-up) must
    // not end the process, as its default action would.
    std::signal(SIGUSR2, SIG_IGN);
    // A reload, though, waits for ComponentReload rather than being lost.
    runtime::HeldSignal reload_signal(SIGHUP);
    config::ProgramInfo info;
    info.name = "cusax-xmpp-component";
    info.description =
        "The XEP-0114 component that answers XMPP clients for the SIP accounts of the binding "
        "store (vCard, reach, disco, search).";
    info.needed_sections = {"log", "store", "metrics", "xmpp-component"};
    info.schema = &config_catalog::all_sections();
    auto cli = config::parse_command_line(info, argc, argv, std::cout, std::cerr);
    if (cli.exit_code) return *cli.exit_code;
    try {
        return run(*cli.config, info.needed_sections, reload_signal);
    } catch (const std::exception& e) {
        log::event(log::Level::critical, "xmpp.startup_failed", e.what());
        log::flush();
        std::cerr << info.name << ": " << e.what() << "\n";
        return 1;
    }
}
