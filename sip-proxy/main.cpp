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
#include "sip-proxy/proxy_config.hpp"
#include "sip-proxy/proxy_metrics.hpp"
#include "sip-proxy/proxy_reload.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/stateless_proxy.hpp"

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

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGHUP, SIG_IGN);  // until ProxyReload listens: a reload racing start-up
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
        const sip_proxy::ProxySettings settings = sip_proxy::proxy_settings(*cli.config);
        // Logging, the bindings snapshot (start-up stops here when the store cannot be read)
        // and the counters with their reporter.
        runtime::DaemonRuntime runtime(*cli.config, "sip-proxy");

        sip_proxy::SofiaLibrary sofia;
        sip_proxy::SuRoot root = sip_proxy::make_root();
        sip_proxy::StatelessProxy proxy(
            root.get(), settings, [&runtime] { return runtime.snapshot(); }, runtime.counters());
        // /metrics and /health ([metrics] sip_proxy_listen), served from a thread of their own.
        sip_proxy::ProxyMetrics metrics(*cli.config, runtime, proxy, root.get());
        sip_proxy::ProxyReload reload(root.get(), *cli.config, info.needed_sections, proxy);
        g_root = root.get();
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        metrics.set_serving(true);
        su_root_run(root.get());
        metrics.set_serving(false);
        g_root = nullptr;
        log::event(log::Level::info, "sip.stopped", "stopped");
        log::flush();
        return 0;
    } catch (const std::exception& e) {
        log::event(log::Level::critical, "sip.start_failed", e.what());
        log::flush();
        std::cerr << "cusax-sip-proxy: " << e.what() << "\n";
        return 1;
    }
}
