#include "xmpp-component/feature_handler.hpp"

#include <algorithm>

#include "shared/text/ascii_case.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

std::string StanzaContext::requester_bare() const { return bare_jid(stanza.attr_or("from")); }

bool StanzaContext::requester_is_local() const {
    const std::string domain = text::ascii_lower(split_jid(stanza.attr_or("from")).domain);
    const auto& allowed = settings.local_domains;
    return std::find(allowed.begin(), allowed.end(), domain) != allowed.end();
}

void HandlerOutcome::result(const XmlElement& stanza, XmlElement payload) {
    XmlElement reply = make_iq_result(stanza);
    reply.add(std::move(payload));
    replies.push_back(std::move(reply));
}

void HandlerOutcome::refuse(const XmlElement& stanza, std::string_view condition,
                            std::string_view type, std::string_view text) {
    error = condition;
    replies.push_back(make_error_reply(stanza, condition, type, text));
}

const DiscoShare& FeatureHandler::disco() const {
    static const DiscoShare none;
    return none;
}

}  // namespace cusax::xmpp
