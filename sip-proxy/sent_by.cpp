#include "sip-proxy/sent_by.hpp"

#include "shared/text/ascii_case.hpp"
#include "sip-proxy/branch_key.hpp"

namespace cusax::sip_proxy {

namespace {

std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

}  // namespace

bool is_sent_by_us(const std::vector<SentBy>& ours, std::string_view host, std::string_view port,
                   std::string_view default_port) {
    const std::string_view theirs = port.empty() ? default_port : port;
    for (const auto& s : ours) {
        if (!text::iequals(s.host, host)) continue;
        const std::string_view own = s.port.empty() ? kSipDefaultPort : std::string_view(s.port);
        if (own == theirs) return true;
    }
    return false;
}

bool is_own_uri(const std::vector<SentBy>& ours, url_t const* url) {
    if (!url || !url->url_host) return false;
    return is_sent_by_us(ours, url->url_host, view(url->url_port),
                         url->url_type == url_sips ? kSipsDefaultPort : kSipDefaultPort);
}

bool is_own_via(const std::vector<SentBy>& ours, sip_via_t const* via) {
    if (!via || !via->v_branch || !via->v_host) return false;
    if (!view(via->v_branch).starts_with(kBranchPrefix)) return false;
    return is_sent_by_us(ours, via->v_host, view(via->v_port));
}

}  // namespace cusax::sip_proxy
