#include "cusaxctl/doctor/component_check.hpp"

#include "shared/config/value_parsers.hpp"

namespace cusax::ctl::doctor {
namespace {

constexpr std::string_view kCheck = "XMPP component port";

std::string with_text(const std::string& condition, const std::string& text) {
    return text.empty() ? condition : condition + ": \"" + text + "\"";
}

}  // namespace

CheckResult component_verdict(const xmpp::ComponentSettings& settings,
                              const HandshakeOutcome& outcome, std::chrono::milliseconds timeout,
                              const ComponentKeyLocations& where) {
    const std::string server = outcome.server + (settings.tls ? " (TLS)" : "");
    const std::string domain = settings.domain;
    const std::string check(kCheck);
    const std::string close = outcome.closed_cleanly ? ", stream closed cleanly"
                                                     : ", but the server did not close its stream";
    if (outcome.accepted) {
        return {check, Verdict::ok, server + " accepted the secret for " + domain + close, ""};
    }
    if (outcome.stream_error == "conflict") {
        return {check, Verdict::ok,
                server + " accepted the secret for " + domain +
                    ", then refused a second connection for it (conflict): the running "
                    "component holds it",
                ""};
    }
    if (outcome.stream_error == "not-authorized") {
        return {check, Verdict::fail,
                server + " refused the secret for " + domain + " (" +
                    with_text("not-authorized", outcome.stream_error_text) + ")",
                "make [xmpp-component] secret (" + where.secret +
                    ") the server's secret for the component " + domain +
                    " (Prosody: component_secret under Component \"" + domain +
                    "\"; ejabberd: the password of its ejabberd_service listener)"};
    }
    if (outcome.stream_error == "host-unknown" || outcome.stream_error == "improper-addressing") {
        return {check, Verdict::fail,
                server + " has no component " + domain + " (" +
                    with_text(*outcome.stream_error, outcome.stream_error_text) + ")",
                "declare the component " + domain + " in the XMPP server (Prosody: Component \"" +
                    domain + "\"), or correct [xmpp-component] domain (" + where.domain + ")"};
    }
    if (outcome.stream_error) {
        return {check, Verdict::fail,
                server + " ended the stream: " +
                    with_text(*outcome.stream_error, outcome.stream_error_text),
                "see the XMPP server's log"};
    }
    const std::string tls_hint = "; [xmpp-component] tls (" + where.tls + ") must match the " +
                                 "port: TLS from the first byte or none";
    if (outcome.not_xmpp) {
        return {check, Verdict::fail,
                server + " answered with something that is not an XMPP stream (" +
                    *outcome.not_xmpp + ")",
                "point server_host/server_port (" + where.server +
                    ") at the server's component port" + tls_hint};
    }
    const std::string start =
        "start the XMPP server and its component port (Prosody: "
        "component_ports, component_interfaces; ejabberd: a listener "
        "with module ejabberd_service), or correct server_host/"
        "server_port (" +
        where.server + ")";
    switch (outcome.failure.value_or(NetFailure::other)) {
        case NetFailure::refused:
            return {check, Verdict::fail, server + ": nothing listens there (connection refused)",
                    start};
        case NetFailure::timeout:
            if (outcome.connected) {
                return {check, Verdict::fail,
                        server + " took the connection but " +
                            (outcome.stream_opened ? "did not answer the handshake"
                                                   : "sent no stream header") +
                            " within " + config::format_duration(timeout),
                        "check that it is the component port" + tls_hint};
            }
            return {check, Verdict::fail,
                    server + ": no answer within " + config::format_duration(timeout),
                    start + "; a firewall may drop the packets"};
        case NetFailure::tls:
            return {check, Verdict::fail, outcome.error,
                    "check [xmpp-component] tls_ca_file and tls_server_name against the "
                    "server's certificate" +
                        tls_hint};
        case NetFailure::lookup:
            return {check, Verdict::fail, outcome.error,
                    "correct server_host (" + where.server + "), or its DNS record"};
        case NetFailure::closed:
            return {check, Verdict::fail, outcome.error,
                    "check that it is the component port" + tls_hint +
                        "; the XMPP server's log says why it closed"};
        case NetFailure::other:
            break;
    }
    return {check, Verdict::fail, server + ": " + outcome.error, start};
}

CheckResult check_component(const xmpp::ComponentSettings& settings,
                            const ComponentKeyLocations& where, std::chrono::milliseconds timeout) {
    return component_verdict(settings, probe_component(settings, timeout), timeout, where);
}

}  // namespace cusax::ctl::doctor
