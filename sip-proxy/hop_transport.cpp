#include "sip-proxy/hop_transport.hpp"

#include "shared/text/ascii_case.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {

HopTransport hop_transport(url_t const* hop) {
    HopTransport out;
    if (!hop) return out;
    if (const auto transport = url_param_value(hop, "transport")) {
        out.protocol = text::ascii_lower(*transport);
        out.explicit_parameter = true;
        // Sofia-SIP turns WebSocket under a sips: URI into secure WebSocket.
        if (hop->url_type == url_sips && out.protocol == "ws") out.protocol = "wss";
        return out;
    }
    if (hop->url_type == url_sips) out.protocol = "tls";
    return out;
}

bool is_secure(const HopTransport& transport) {
    return transport.protocol == "tls" || transport.protocol == "wss";
}

}  // namespace cusax::sip_proxy
