#include "cusaxctl/doctor/sip_target.hpp"

#include <charconv>

#include "shared/text/ascii_case.hpp"

namespace cusax::ctl::doctor {
namespace {

ParsedSipTarget refuse(std::string error) { return {std::nullopt, std::move(error)}; }

// The value of the transport parameter among ";a;b=c" (lower-cased), or "".
std::string transport_parameter(std::string_view params) {
    while (!params.empty()) {
        params.remove_prefix(1);  // the ';'
        const auto end = params.find(';');
        const auto param = params.substr(0, end);
        const auto eq = param.find('=');
        if (eq != std::string_view::npos && text::ascii_lower(param.substr(0, eq)) == "transport") {
            return text::ascii_lower(param.substr(eq + 1));
        }
        params = end == std::string_view::npos ? std::string_view() : params.substr(end);
    }
    return {};
}

}  // namespace

std::string_view to_string(SipTransport transport) {
    switch (transport) {
        case SipTransport::udp:
            return "UDP";
        case SipTransport::tcp:
            return "TCP";
        case SipTransport::tls:
            return "TLS";
    }
    return "UDP";
}

ParsedSipTarget parse_sip_target(std::string_view uri) {
    SipTarget target;
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos) return refuse("not a SIP URI");
    const auto scheme = text::ascii_lower(uri.substr(0, colon));
    if (scheme != "sip" && scheme != "sips") return refuse("not a sip: or sips: URI");
    target.secure_scheme = scheme == "sips";
    std::string_view rest = uri.substr(colon + 1);
    rest = rest.substr(0, rest.find('?'));  // headers
    const auto params_at = rest.find(';');
    std::string_view params =
        params_at == std::string_view::npos ? std::string_view() : rest.substr(params_at);
    std::string_view hostport = rest.substr(0, params_at);
    if (const auto at = hostport.rfind('@'); at != std::string_view::npos) {
        hostport.remove_prefix(at + 1);  // user and password
    }
    std::string_view port_text;
    if (hostport.starts_with('[')) {
        const auto close = hostport.find(']');
        if (close == std::string_view::npos) return refuse("unclosed IPv6 reference");
        target.host = std::string(hostport.substr(1, close - 1));
        const auto after = hostport.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) return refuse("bad port");
        if (!after.empty()) port_text = after.substr(1);
    } else {
        const auto port_colon = hostport.find(':');
        target.host = std::string(hostport.substr(0, port_colon));
        if (port_colon != std::string_view::npos) port_text = hostport.substr(port_colon + 1);
    }
    if (target.host.empty()) return refuse("no host");
    const auto transport = transport_parameter(params);
    if (transport.empty()) {
        target.transport = target.secure_scheme ? SipTransport::tls : SipTransport::udp;
    } else if (transport == "udp") {
        target.transport = SipTransport::udp;
    } else if (transport == "tcp") {
        target.transport = SipTransport::tcp;
    } else if (transport == "tls") {
        target.transport = SipTransport::tls;
    } else {
        return refuse("transport " + transport + ": doctor speaks UDP, TCP and TLS");
    }
    target.port = target.transport == SipTransport::tls ? 5061 : 5060;
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            return refuse("bad port");
        }
        target.port = static_cast<std::uint16_t>(port);
    }
    return {target, ""};
}

}  // namespace cusax::ctl::doctor
