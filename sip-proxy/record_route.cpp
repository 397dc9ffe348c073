#include "sip-proxy/record_route.hpp"

#include <algorithm>

namespace cusax::sip_proxy {

namespace {

SentBy const* listener_for(const std::vector<SentBy>& ours, std::string_view protocol) {
    // Resolution of a sip: URI without a transport picks UDP (RFC 3263 §4.1).
    const std::string_view wanted = protocol.empty() ? "udp" : protocol;
    auto it = std::find_if(ours.begin(), ours.end(),
                           [&](const SentBy& s) { return s.transport == wanted; });
    if (it != ours.end()) return &*it;
    return ours.empty() ? nullptr : &ours.front();
}

std::string uri_for(const std::vector<SentBy>& ours, std::string_view protocol, bool sips) {
    SentBy const* listener = listener_for(ours, sips ? "tls" : protocol);
    if (!listener) return {};
    const std::string host_port =
        listener->host + (listener->port.empty() ? "" : ":" + listener->port);
    // §16.6 item 4: a sips: request gets a sips: Record-Route.
    if (sips && listener->transport == "tls") return "<sips:" + host_port + ";lr>";
    // RFC 3263 §4.1: without a transport parameter a sip: URI with a port means UDP.
    const bool name_transport = !listener->transport.empty() && listener->transport != "udp";
    return "<sip:" + host_port + (name_transport ? ";transport=" + listener->transport : "") +
           ";lr>";
}

}  // namespace

std::vector<std::string> record_route_values(const std::vector<SentBy>& ours,
                                             std::string_view inbound, std::string_view outbound,
                                             bool sips) {
    std::vector<std::string> values;
    const std::string caller_side = uri_for(ours, inbound, sips);
    const std::string callee_side = uri_for(ours, outbound, sips);
    if (!caller_side.empty()) values.push_back(caller_side);
    if (!callee_side.empty() && callee_side != caller_side) values.push_back(callee_side);
    return values;
}

}  // namespace cusax::sip_proxy
