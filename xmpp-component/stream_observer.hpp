#pragma once
// What the component stream does not show outside its own thread, seen from the handler's
// seat: it wraps the handler the stream hands stanzas to (StanzaRouter in main.cpp) and keeps
// two gauges that the metrics endpoint and /health read from their thread:
//
//   xmpp.stream_up             1 from the handshake until the connection is lost or closed
//   xmpp.requests_in_flight    the handler's own iq requests (vCard4 sync reads and
//                              publishes) sent and not yet answered; all given up with the
//                              connection, which answers none of them any more
//
// Nothing in the stream changes: it still calls on_stream_ready, handle and on_stream_lost,
// which pass through to the wrapped handler unchanged.
#include <string>
#include <unordered_set>
#include <vector>

#include "shared/counters/counters.hpp"
#include "xmpp-component/stanza_handler.hpp"

namespace cusax::xmpp {

class StreamObserver : public StanzaHandler {
  public:
    // Registers the two gauges in `registry`; `inner` and `registry` must outlive it.
    StreamObserver(StanzaHandler& inner, counters::Registry& registry);

    std::vector<XmlElement> handle(const XmlElement& stanza) override;
    void on_stream_ready(Send send) override;
    void on_stream_lost() override;
    void on_stream_closing(Done done) override { inner_.on_stream_closing(std::move(done)); }
    bool owes_answers() const override { return inner_.owes_answers(); }

    // From any thread.
    bool stream_up() const { return up_.value() == 1; }

  private:
    // Ids past this many unanswered requests are not tracked (a handler that never gets its
    // answers must not grow this set); the gauge then shows at least this many.
    static constexpr std::size_t kMaxTracked = 65536;

    void forget_all();

    StanzaHandler& inner_;
    counters::Gauge& up_;
    counters::Gauge& in_flight_;
    std::unordered_set<std::string> waiting_;  // ids of the requests sent; stream thread only
};

}  // namespace cusax::xmpp
