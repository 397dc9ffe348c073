// cusax-sip-proxy: relays SIP requests and responses statelessly, adding the caller's verified
// JID as Call-Info impp and charge warnings (RFC 7081 §3.5, §5).
//
//   cusax-sip-proxy [-c FILE] [--check-config] [--dump-config[=FORMAT]] [--version]
//
// Reads [log], [store], [metrics] and [sip-proxy] of the INI file, and validates all of it
// against every section (config-catalog/).
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/program_cli.hpp"
#include "shared/log/log.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "shared/runtime/held_signal.hpp"
#include "sip-proxy/proxy_config.hpp"
#include "sip-proxy/proxy_metrics.hpp"
#include "sip-proxy/proxy_reload.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/stateless_proxy.hpp"
#include "sip-proxy/udp_workers.hpp"

using namespace cusax;

namespace {

su_root_t* g_root = nullptr;

// su_root_break only takes effect when the loop regains control; should a call into Sofia ever
// not return (as its resolver did with no reachable nameserver: dns_reachability.hpp), the
// alarm ends the process (SIGALRM's default action) instead of leaving SIGTERM unheeded.
constexpr unsigned kStopGraceSeconds = 10;

void on_signal(int) {
    if (g_root) su_root_break(g_root);
    alarm(kStopGraceSeconds);  // async-signal-safe; a later signal restarts the countdown
}

int start_failed(const std::exception& e) {
    log::event(log::Level::critical, "sip.start_failed", e.what());
    log::flush();
    std::cerr << "cusax-sip-proxy: " << e.what() << "\n";
    return 1;
}

// One proxy: the whole daemon, or one of `workers` (udp_workers.hpp). Workers after the first
// name themselves sip-proxy-N in their log lines and stats file.
// `reload_signal` holds SIGHUP until ProxyReload listens.
int serve(const config::Config& config, const std::vector<std::string>& needed_sections,
          const sip_proxy::ProxySettings& settings, int worker,
          runtime::HeldSignal& reload_signal) {
    try {
        // Logging, the bindings snapshot (start-up stops here when the store cannot be read)
        // and the counters with their reporter. The routing profile keeps only what the
        // proxy reads of a binding (call_info_policy.cpp, dial_plan.cpp): a third of the
        // memory of the full one (docs/binding-snapshot.md).
        runtime::DaemonRuntime runtime(
            config, worker <= 1 ? "sip-proxy" : "sip-proxy-" + std::to_string(worker),
            store::SnapshotProfile::routing);

        sip_proxy::SofiaLibrary sofia;
        sip_proxy::SuRoot root = sip_proxy::make_root();
        sip_proxy::StatelessProxy proxy(
            root.get(), settings, [&runtime] { return runtime.snapshot(); }, runtime.counters());
        // /metrics and /health ([metrics] sip_proxy_listen), served from a thread of their own.
        sip_proxy::ProxyMetrics metrics(config, runtime, proxy, root.get(), worker);
        sip_proxy::ProxyReload reload(root.get(), config, needed_sections, proxy);
        reload_signal.release();
        g_root = root.get();
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        metrics.set_serving(true);
        sip_proxy::worker_listening();
        su_root_run(root.get());
        metrics.set_serving(false);
        g_root = nullptr;
        log::event(log::Level::info, "sip.stopped", "stopped");
        log::flush();
        return 0;
    } catch (const std::exception& e) {
        return start_failed(e);
    }
}

}  // namespace

int main(int argc, char** argv) {
    runtime::HeldSignal reload_signal(SIGHUP);  // a reload racing start-up waits for ProxyReload
    const config::ProgramInfo info{
        .name = "cusax-sip-proxy",
        .description =
            "SIP proxy adding verified caller JIDs (Call-Info impp) and charge "
            "warnings (RFC 7081)",
        .needed_sections = {"log", "store", "metrics", "sip-proxy"},
        .schema = &config_catalog::all_sections(),
        .warnings = sip_proxy::proxy_config_warnings,
    };
    auto cli = config::parse_command_line(info, argc, argv, std::cout, std::cerr);
    if (cli.exit_code) return *cli.exit_code;

    try {
        sip_proxy::ProxySettings settings = sip_proxy::proxy_settings(*cli.config);
        if (settings.workers <= 1)
            return serve(*cli.config, info.needed_sections, settings, 1, reload_signal);
        // Any worker may relay any message of a call: one branch key for all of them.
        if (settings.branch_key_file.empty()) settings.branch_key = sip_proxy::random_branch_key();
        // What a worker started from now on runs on: the file as started, then as reloaded.
        config::Config current = *cli.config;
        // The supervisor takes SIGHUP itself (run_workers installs its handler, then lets the
        // held one through); each worker lets it through once its own ProxyReload listens.
        return sip_proxy::run_workers(
            settings.workers,
            [&](int worker) {
                return serve(current, info.needed_sections, settings, worker, reload_signal);
            },
            [&] {
                if (auto reloaded = sip_proxy::reload_for_workers(current, info.needed_sections)) {
                    current = std::move(*reloaded);
                    const std::string key = settings.branch_key;
                    settings = sip_proxy::proxy_settings(current);
                    settings.branch_key = key;
                }
            });
    } catch (const std::exception& e) {
        return start_failed(e);
    }
}
