// cusaxctl doctor: one command that checks a deployment end to end, in the order an operator
// would look: the INI file, the store, the SIP next hop, the XMPP server's component port, the
// kernel's socket-buffer caps, the certificate files and the daemons. Each check prints its
// verdict (ok, warning, FAIL, skipped), what it found and how to fix it. It changes nothing:
// the store is opened read-only, the daemons are not signalled, and its probes are one
// OPTIONS and one component handshake, each bounded by --timeout.
#include "cusaxctl/command_doctor.hpp"

#include <algorithm>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <tuple>

#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "cusaxctl/doctor/buffer_check.hpp"
#include "cusaxctl/doctor/certificate_check.hpp"
#include "cusaxctl/doctor/component_check.hpp"
#include "cusaxctl/doctor/daemon_check.hpp"
#include "cusaxctl/doctor/doctor_report.hpp"
#include "cusaxctl/doctor/health_check.hpp"
#include "cusaxctl/doctor/ini_check.hpp"
#include "cusaxctl/doctor/next_hop_check.hpp"
#include "cusaxctl/doctor/store_check.hpp"
#include "cusaxctl/doctor/vcard_store_check.hpp"
#include "shared/config/metrics_section.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/config/value_parsers.hpp"
#include "shared/log/log.hpp"
#include "sip-proxy/proxy_config.hpp"
#include "xmpp-component/component_config.hpp"

namespace cusax::ctl {
namespace {

using namespace doctor;

struct DoctorOptions {
    std::chrono::milliseconds timeout{5000};
    int cert_days = 30;
};

// The checks that need a loaded file, skipped with the reason when it does not load.
const std::vector<std::string> kLaterChecks{
    "store",          "users' vCards", "next hop", "XMPP component port",
    "socket buffers", "certificate",   "daemons"};

DoctorOptions read_options(const po::variables_map& vm) {
    DoctorOptions options;
    const auto timeout = vm["timeout"].as<std::string>();
    if (const auto error = config::parse_duration(timeout, options.timeout); !error.empty()) {
        throw CommandError(kUsage, "--timeout " + timeout + ": " + error);
    }
    if (options.timeout.count() <= 0) throw CommandError(kUsage, "--timeout must be above 0");
    options.cert_days = vm["cert-days"].as<int>();
    if (options.cert_days < 0) throw CommandError(kUsage, "--cert-days must be 0 or more");
    return options;
}

CheckResult skipped(const std::string& check, const std::string& why) {
    return {check, Verdict::skipped, why, ""};
}

CheckResults proxy_checks(const config::Config& cfg, const sip_proxy::ProxySettings& settings,
                          const DoctorOptions& options) {
    CheckResults results;
    results.push_back(
        check_next_hop(settings, cfg.location("sip-proxy", "next_hop"), options.timeout));
    const bool udp = std::any_of(settings.listen.begin(), settings.listen.end(), listens_on_udp);
    if (!udp) {
        results.push_back(skipped("socket buffers", "the proxy listens on no UDP socket"));
        return results;
    }
    const std::filesystem::path proc("/proc/sys/net/core");
    results.push_back(buffer_verdict({static_cast<std::uint64_t>(settings.udp_receive_buffer),
                                      static_cast<std::uint64_t>(settings.udp_send_buffer),
                                      kernel_cap(proc, "rmem_max"), kernel_cap(proc, "wmem_max"),
                                      cfg.location("sip-proxy", "udp_receive_buffer"),
                                      cfg.location("sip-proxy", "udp_send_buffer")}));
    return results;
}

CheckResult component_port_check(const config::Config& cfg, const xmpp::ComponentSettings& settings,
                                 const DoctorOptions& options) {
    const auto at = [&cfg](std::string_view key) { return cfg.location("xmpp-component", key); };
    return check_component(settings, {at("server_port"), at("domain"), at("secret"), at("tls")},
                           options.timeout);
}

CheckResults run_checks(const CtlContext& ctx, const DoctorOptions& options) {
    auto ini = check_ini(ctx.config_path);
    CheckResults results = std::move(ini.results);
    if (!ini.config) {
        for (const auto& check : kLaterChecks) {
            results.push_back(skipped(check, "not checked: the configuration does not load"));
        }
        return results;
    }
    const auto& cfg = *ini.config;
    for (auto& secret : cfg.secret_values()) log::register_secret(std::move(secret));
    const bool proxy = ini.sections.contains("sip-proxy");
    const bool component = ini.sections.contains("xmpp-component");
    const auto proxy_settings = sip_proxy::proxy_settings(cfg);
    const auto component_settings = xmpp::component_config(cfg).stream;

    results.push_back(check_store(ctx.store_settings));
    results.push_back(
        component ? check_vcard_store(ctx.vcard_store_path, ctx.store_settings)
                  : skipped("users' vCards", "no [xmpp-component] section: no component here"));
    if (proxy) {
        for (auto& r : proxy_checks(cfg, proxy_settings, options)) results.push_back(std::move(r));
    } else {
        results.push_back(skipped("next hop", "no [sip-proxy] section: no proxy here"));
        results.push_back(skipped("socket buffers", "no [sip-proxy] section: no proxy here"));
    }
    results.push_back(component ? component_port_check(cfg, component_settings, options)
                                : skipped("XMPP component port",
                                          "no [xmpp-component] section: no component here"));
    for (auto& r : check_certificates(proxy ? &proxy_settings : nullptr,
                                      component ? &component_settings : nullptr, std::time(nullptr),
                                      options.cert_days)) {
        results.push_back(std::move(r));
    }

    const auto interval = config::log_config(cfg).stats_interval;
    const auto metrics = config::metrics_config(cfg);
    for (const auto& [present, daemon, key, listen] :
         {std::tuple{proxy, kSipProxy, "sip_proxy_listen", metrics.sip_proxy_listen},
          {component, kXmppComponent, "xmpp_component_listen", metrics.xmpp_component_listen}}) {
        if (!present) continue;
        const auto facts = read_daemon_facts(daemon, ctx.stats_dir);
        results.push_back(daemon_verdict(daemon, facts, std::time(nullptr), interval));
        // Only a running daemon is asked: a stopped one has failed the line above already.
        const auto at = config::parse_listen_address(listen);
        if (facts.running && at) {
            results.push_back(health_verdict(daemon, key, *at,
                                             probe_health(*at, Clock::now() + options.timeout)));
        }
    }
    if (!proxy && !component) {
        results.push_back(skipped("daemons", "no [sip-proxy] or [xmpp-component] section"));
    }
    return results;
}

}  // namespace

int command_doctor(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"doctor", "doctor [--timeout DURATION] [--cert-days N]",
                     "Check the deployment end to end: the INI file, the store, the users' vCard "
                     "store, the SIP next hop "
                     "(OPTIONS), the XMPP component port (handshake), socket-buffer caps, "
                     "certificate files and the daemons. Changes nothing. Exit status 8 when a "
                     "check fails."};
    spec.options.add_options()  //
        ("timeout", po::value<std::string>()->default_value("5s"),
         "longest wait for each network check (connection and answer): 500ms, 5s, ...")  //
        ("cert-days", po::value<int>()->default_value(30),
         "warn of certificates that expire within this many days");
    const auto vm = parse_command(ctx, spec, args);
    if (!vm) return kOk;
    // A peer that closes while doctor writes (a server refusing the handshake, a TLS hop) is
    // a verdict, not a reason to die: OpenSSL writes with write(2), which raises SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    const auto results = run_checks(ctx, read_options(*vm));
    if (ctx.json) {
        write_json_report(*ctx.out, results);
    } else {
        write_text_report(*ctx.out, results);
    }
    return any_failed(results) ? kCheckFailed : kOk;
}

}  // namespace cusax::ctl
