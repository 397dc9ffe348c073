#include "xmpp-component/component_protocol.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace cusax::xmpp {

std::string stream_error_element(std::string_view condition) {
    XmlElement error("error", std::string(ns::streams));
    error.add(std::string(condition), std::string(ns::stream_errors));
    // Written inside the stream, whose prefix "stream" is bound to ns::streams.
    std::string body;
    for (const auto& c : error.children) c.serialize_to(body, ns::component);
    return "<stream:error>" + body + "</stream:error>";
}

ReceivedStreamError describe_stream_error(const XmlElement& error) {
    ReceivedStreamError out;
    for (const auto& c : error.children) {
        if (c.xmlns != ns::stream_errors) continue;
        if (c.name == "text") {
            out.text = c.text;
        } else if (out.condition.empty()) {
            out.condition = c.name;
        }
    }
    if (out.condition.empty()) out.condition = "undefined-condition";
    if (out.condition == "not-authorized") {
        out.hint = "the server refused the handshake: check the component secret";
    } else if (out.condition == "conflict") {
        out.hint = "another component is already connected for this domain";
    } else if (out.condition == "host-unknown" || out.condition == "improper-addressing") {
        out.hint = "the server has no component configured for this domain";
    } else if (out.condition == "system-shutdown") {
        out.hint = "the server is shutting down";
    } else if (out.condition == "invalid-from") {
        out.hint = "a stanza was sent from an address outside the component domain";
    }
    return out;
}

ReconnectBackoff::ReconnectBackoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
    : min_(std::max(min, std::chrono::milliseconds(1))), max_(std::max(max, min_)) {}

std::chrono::milliseconds ReconnectBackoff::next(double fraction) {
    // Cap the exponent: 2^30 times any sane minimum is past any sane maximum.
    const int shift = std::min(attempts_, 30);
    ++attempts_;
    const double ceiling =
        std::min(static_cast<double>(max_.count()),
                 static_cast<double>(min_.count()) * static_cast<double>(1LL << shift));
    fraction = std::clamp(fraction, 0.0, 1.0);
    const double delay = ceiling / 2 + fraction * (ceiling / 2);
    return std::chrono::milliseconds(static_cast<long long>(delay));
}

}  // namespace cusax::xmpp
