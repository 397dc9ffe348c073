#include "xmpp-component/directory_features.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {
constexpr Claim kClaims[] = {{"iq", "ping", ns::ping, To::domain_or_account}};
}  // namespace

PingFeature::PingFeature() {
    share_.domain_features = {ns::ping};
    share_.account_features = {ns::ping};
}

std::span<const Claim> PingFeature::claims() const { return kClaims; }

bool PingFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    out.kind = "ping";
    out.query = QueryKind::ping;
    out.routine = true;
    out.replies.push_back(make_iq_result(c.stanza));
    return true;
}

}  // namespace cusax::xmpp
