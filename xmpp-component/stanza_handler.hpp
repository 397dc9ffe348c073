#pragma once
// What the generic component stream hands stanzas to (biboumi's split between the stream and
// the application's handlers).
#include <functional>
#include <vector>

#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

class StanzaHandler {
  public:
    virtual ~StanzaHandler() = default;
    // Called on the stream's thread for each stanza once the handshake succeeded; returns the
    // stanzas to send back, in order. Must not block.
    virtual std::vector<XmlElement> handle(const XmlElement& stanza) = 0;

    // Sends a stanza of the handler's own on the current connection (not a reply): only on the
    // stream's thread, and only until on_stream_lost(); a call after that is dropped.
    using Send = std::function<void(XmlElement)>;
    // The handshake succeeded: from now on the handler may send stanzas of its own (requests
    // whose answers come back through handle()).
    virtual void on_stream_ready(Send /*send*/) {}
    // The connection is gone (lost or closed): nothing sent on it will be answered.
    virtual void on_stream_lost() {}
    // stop(): the stream is about to close. A handler that still owes answers to requests it
    // has taken (replies it sends later, through Send) calls `done` on the stream's thread once
    // it owes none; until then, at most close_timeout plus store_call_wait (ComponentSettings),
    // the stream stays up and goes on handing it stanzas. The server keeps no timer for a
    // request it routed to the component: one taken and never answered leaves its sender
    // waiting.
    using Done = std::function<void()>;
    virtual void on_stream_closing(Done done) { done(); }
    // Whether the handler still owes answers to requests it has taken, those taken on a
    // connection gone since included (the server still waits for them): stop() while the
    // stream is down then connects once more to send them.
    virtual bool owes_answers() const { return false; }
};

}  // namespace cusax::xmpp
