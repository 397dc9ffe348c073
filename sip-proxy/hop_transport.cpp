#include "sip-proxy/hop_transport.hpp"

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

HopTransport hop_transport(url_t const* hop) {
    HopTransport out;
    if (!hop) return out;
    char transport[32];
    if (hop->url_params &&
        url_param(hop->url_params, "transport", transport, sizeof transport) > 0) {
        out.protocol = text::ascii_lower(std::string_view(transport));
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
