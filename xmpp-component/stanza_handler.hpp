#pragma once
// What the generic component stream hands stanzas to (biboumi's split between the stream and
// the application's handlers).
#include <vector>

#include "xmpp-component/xml_element.hpp"

namespace cusax::xmpp {

class StanzaHandler {
  public:
    virtual ~StanzaHandler() = default;
    // Called on the stream's thread for each stanza once the handshake succeeded; returns the
    // stanzas to send back, in order. Must not block.
    virtual std::vector<XmlElement> handle(const XmlElement& stanza) = 0;
};

}  // namespace cusax::xmpp
