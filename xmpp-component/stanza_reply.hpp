#pragma once
// Building replies to stanzas: results and RFC 6120 §8.3 stanza errors.
#include <string_view>

#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

// An iq get or set: a request, which is always answered (RFC 6120 §8.2.3).
bool is_iq_request(const XmlElement& stanza);

// An empty <iq type='result'/> to an iq: from and to swapped, id kept.
XmlElement make_iq_result(const XmlElement& request);

// RFC 6120 §8.3: the same kind of stanza, type='error', addresses swapped, id kept, with
// <error type='TYPE'><CONDITION xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>[<text/>]</error>.
// type is one of "auth", "cancel", "continue", "modify", "wait".
XmlElement make_error_reply(const XmlElement& request, std::string_view condition,
                            std::string_view type, std::string_view text = {});

// The parts of a JID (RFC 7622 §3.1): the resource is what follows the first '/', the
// localpart what precedes an '@' before that.
struct JidParts {
    std::string_view local;
    std::string_view domain;
    std::string_view resource;
};
JidParts split_jid(std::string_view jid);
std::string bare_jid(std::string_view jid);

}  // namespace cusax::xmpp
