#include "xmpp-component/stream_observer.hpp"

#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {
namespace {

bool is_iq_answer(const XmlElement& stanza) {
    const auto type = stanza.attr_or("type");
    return stanza.name == "iq" && (type == "result" || type == "error");
}

}  // namespace

StreamObserver::StreamObserver(StanzaHandler& inner, counters::Registry& registry)
    : inner_(inner),
      up_(registry.gauge("xmpp.stream_up")),
      in_flight_(registry.gauge("xmpp.requests_in_flight")) {}

std::vector<XmlElement> StreamObserver::handle(const XmlElement& stanza) {
    if (is_iq_answer(stanza) && waiting_.erase(std::string(stanza.attr_or("id"))))
        in_flight_.set(static_cast<std::int64_t>(waiting_.size()));
    return inner_.handle(stanza);
}

void StreamObserver::on_stream_ready(Send send) {
    forget_all();
    up_.set(1);
    inner_.on_stream_ready([this, send = std::move(send)](XmlElement stanza) {
        // After the loss the stream drops what is sent: nothing to wait for.
        if (stream_up() && is_iq_request(stanza) && waiting_.size() < kMaxTracked &&
            waiting_.insert(std::string(stanza.attr_or("id"))).second)
            in_flight_.set(static_cast<std::int64_t>(waiting_.size()));
        send(std::move(stanza));
    });
}

void StreamObserver::on_stream_lost() {
    up_.set(0);
    forget_all();
    inner_.on_stream_lost();
}

void StreamObserver::forget_all() {
    waiting_.clear();
    in_flight_.set(0);
}

}  // namespace cusax::xmpp
