// StreamObserver: the stream's state and the handler's own requests awaiting an answer, as
// gauges, with every call passed through to the wrapped handler unchanged.
#include "xmpp-component/stream_observer.hpp"

#include <gtest/gtest.h>

#include "wire_stanza.hpp"

namespace cusax::xmpp {
namespace {

using testing::parse_stanza;

// Records what reaches it and keeps the stream's send for the test to use.
struct RecordingHandler : StanzaHandler {
    std::vector<XmlElement> handle(const XmlElement& stanza) override {
        handled.emplace_back(stanza.attr_or("id"));
        return {};
    }
    void on_stream_ready(Send s) override {
        ++readies;
        send = std::move(s);
    }
    void on_stream_lost() override { ++losses; }

    std::vector<std::string> handled;
    int readies = 0;
    int losses = 0;
    Send send;
};

struct StreamObserverTest : ::testing::Test {
    std::int64_t up() { return registry.gauge("xmpp.stream_up").value(); }
    std::int64_t in_flight() { return registry.gauge("xmpp.requests_in_flight").value(); }

    counters::Registry registry;
    RecordingHandler inner;
    StreamObserver observer{inner, registry};
    std::vector<std::string> sent;  // ids, as the stream wrote them
    StanzaHandler::Send stream_send = [this](XmlElement s) {
        sent.push_back(std::string(s.attr_or("id")));
    };
};

TEST_F(StreamObserverTest, UpFromTheHandshakeUntilTheLoss) {
    EXPECT_EQ(up(), 0);
    EXPECT_FALSE(observer.stream_up());
    observer.on_stream_ready(stream_send);
    EXPECT_EQ(up(), 1);
    EXPECT_TRUE(observer.stream_up());
    EXPECT_EQ(inner.readies, 1);
    observer.on_stream_lost();
    EXPECT_EQ(up(), 0);
    EXPECT_EQ(inner.losses, 1);
}

TEST_F(StreamObserverTest, OwnRequestsWaitUntilTheirAnswerOrTheLoss) {
    observer.on_stream_ready(stream_send);
    inner.send(parse_stanza("<iq type='get' id='r1' to='alice@example.com'/>"));
    inner.send(parse_stanza("<iq type='set' id='r2' to='bob@example.com'/>"));
    inner.send(parse_stanza("<message id='m1' to='bob@example.com'/>"));  // not a request
    inner.send(parse_stanza("<iq type='result' id='x1' to='bob@example.com'/>"));
    EXPECT_EQ(sent, (std::vector<std::string>{"r1", "r2", "m1", "x1"}));  // all passed on
    EXPECT_EQ(in_flight(), 2);

    observer.handle(parse_stanza("<iq type='result' id='r1' from='alice@example.com'/>"));
    EXPECT_EQ(in_flight(), 1);
    observer.handle(parse_stanza("<iq type='result' id='other' from='alice@example.com'/>"));
    observer.handle(parse_stanza("<iq type='get' id='r2' from='alice@example.com'/>"));
    EXPECT_EQ(in_flight(), 1);  // neither answers r2
    observer.handle(parse_stanza("<iq type='error' id='r2' from='bob@example.com'/>"));
    EXPECT_EQ(in_flight(), 0);
    EXPECT_EQ(inner.handled, (std::vector<std::string>{"r1", "other", "r2", "r2"}));

    // A loss answers nothing: what was waiting is given up, and a send after it (which the
    // stream drops) waits for nothing.
    inner.send(parse_stanza("<iq type='get' id='r3' to='alice@example.com'/>"));
    EXPECT_EQ(in_flight(), 1);
    observer.on_stream_lost();
    EXPECT_EQ(in_flight(), 0);
    inner.send(parse_stanza("<iq type='get' id='r4' to='alice@example.com'/>"));
    EXPECT_EQ(in_flight(), 0);
}

}  // namespace
}  // namespace cusax::xmpp
