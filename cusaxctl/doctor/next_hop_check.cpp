#include "cusaxctl/doctor/next_hop_check.hpp"

#include <filesystem>

#include "shared/config/value_parsers.hpp"

namespace cusax::ctl::doctor {
namespace {

constexpr std::string_view kCheck = "next hop";

std::string start_or_correct(const std::string& where) {
    return "start the SIP server there, or correct [sip-proxy] next_hop (" + where + ")";
}

}  // namespace

TlsClientSettings next_hop_tls(const sip_proxy::ProxySettings& settings, const SipTarget& target) {
    using sip_proxy::TlsVerify;
    TlsClientSettings tls;
    tls.server_name = target.host;
    tls.verify =
        settings.tls_verify == TlsVerify::outgoing || settings.tls_verify == TlsVerify::all;
    if (!settings.tls_certificate_dir.empty()) {
        const std::filesystem::path dir(settings.tls_certificate_dir);
        std::error_code ec;
        // Sofia-SIP's convention (tport_tls.c), as the proxy uses it.
        if (std::filesystem::exists(dir / "cafile.pem", ec)) tls.ca_file = dir / "cafile.pem";
        if (std::filesystem::exists(dir / "agent.pem", ec)) {
            tls.client_certificate = dir / "agent.pem";
        }
    }
    return tls;
}

CheckResult next_hop_verdict(const std::string& uri, const SipTarget& target,
                             const OptionsOutcome& outcome, std::chrono::milliseconds timeout,
                             const std::string& where) {
    const std::string transport(to_string(target.transport));
    const std::string hop = uri + " (" + transport + " " + outcome.peer + ")";
    const auto waited = config::format_duration(timeout);
    if (outcome.response) {
        const auto& r = *outcome.response;
        std::string detail = hop + " answered " + std::to_string(r.status) + " " + r.reason +
                             " in " + std::to_string(outcome.elapsed.count()) + " ms";
        if (!r.server.empty()) detail += "; Server: " + r.server;
        if (r.status < 300) return {std::string(kCheck), Verdict::ok, detail, ""};
        // Anything that answers is a SIP server that is up; one that does not answer an
        // OPTIONS for itself with 200 makes dispatchers' probes and this check fail.
        return {std::string(kCheck), Verdict::warning, detail + ": up, but not 200",
                "let the SIP server answer an OPTIONS for its own address with 200 (Kamailio: "
                "if (is_method(\"OPTIONS\") && uri == myself) { sl_send_reply(\"200\", \"OK\"); "
                "exit; }), or check that next_hop (" +
                    where + ") names the SIP server"};
    }
    CheckResult r{std::string(kCheck), Verdict::fail, hop + ": " + outcome.error,
                  start_or_correct(where)};
    switch (outcome.failure.value_or(NetFailure::other)) {
        case NetFailure::timeout:
            r.detail = hop + ": no answer to OPTIONS within " + waited;
            r.fix += "; a firewall may drop the packets (doctor --timeout waits longer)";
            break;
        case NetFailure::refused:
            r.detail = hop + ": nothing listens there (" +
                       (target.transport == SipTransport::udp ? "ICMP port unreachable"
                                                              : "connection refused") +
                       ")";
            break;
        case NetFailure::lookup:
            r.fix = "give next_hop (" + where + ") as an IP address (README: the proxy's " +
                    "resolver), or fix the name in DNS";
            break;
        case NetFailure::tls:
            r.fix =
                "check the next hop's certificate against cafile.pem in [sip-proxy] "
                "tls_certificate_dir, and its name against next_hop (" +
                where + ")";
            break;
        case NetFailure::closed:
        case NetFailure::other:
            break;
    }
    return r;
}

CheckResult check_next_hop(const sip_proxy::ProxySettings& settings, const std::string& where,
                           std::chrono::milliseconds timeout) {
    if (settings.next_hop.empty()) {
        return {std::string(kCheck), Verdict::skipped,
                "[sip-proxy] next_hop is empty: requests go by Route and Request-URI", ""};
    }
    const auto parsed = parse_sip_target(settings.next_hop);
    if (!parsed.target) {
        return {std::string(kCheck), Verdict::skipped,
                settings.next_hop + ": not probed (" + parsed.error + ")", ""};
    }
    const auto outcome =
        probe_options(*parsed.target, timeout, next_hop_tls(settings, *parsed.target));
    return next_hop_verdict(settings.next_hop, *parsed.target, outcome, timeout, where);
}

}  // namespace cusax::ctl::doctor
