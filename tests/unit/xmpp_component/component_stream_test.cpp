// The component stream against an in-process fake server on 127.0.0.1: handshake answered in
// the same read as the first stanza, replies written back, a stream error leads to a
// reconnect, stop() closes the stream and leaves the io_context without work; an oversize
// stanza costs only itself; the back-off survives streams that fail right after their
// handshake; a server that stops reading gets a bounded queue and a closed stream; stop() sends
// the answers the handler still owes before </stream:stream>, within close_timeout.
#include "xmpp-component/component_stream.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "log_capture.hpp"
#include "shared/log/log.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_protocol.hpp"

namespace cusax::xmpp {
namespace {

using boost::asio::ip::tcp;
using testing::LogCapture;

class PingHandler : public StanzaHandler {
  public:
    std::vector<XmlElement> handle(const XmlElement& stanza) override {
        ++handled;
        const std::string_view type = stanza.attr_or("type");
        if (type == "result" || type == "error") {
            answers.push_back(stanza.serialize());  // to a request of its own: not answered
            return {};
        }
        XmlElement reply("iq", std::string(ns::component));
        reply.set_attr("type", "result").set_attr("id", stanza.attr_or("id"));
        return {reply};
    }
    int handled = 0;
    std::vector<std::string> answers;
};

// Reads from a blocking socket until `marker` has arrived; returns everything read.
std::string read_until(tcp::socket& s, std::string_view marker) {
    std::string data;
    char buf[4096];
    while (data.find(marker) == std::string::npos) {
        boost::system::error_code ec;
        const std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
        if (ec) break;
        data.append(buf, n);
    }
    return data;
}

// The server's side of a connection up to the handshake answer; `after` goes out in the same
// write as <handshake/>.
void accept_component(tcp::acceptor& acceptor, tcp::socket& s, const std::string& stream_id,
                      const std::string& after = {}) {
    acceptor.accept(s);
    read_until(s, "sip.example.com'>");
    boost::asio::write(
        s, boost::asio::buffer("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                               "xmlns='jabber:component:accept' id='" +
                               stream_id + "' from='sip.example.com'>"));
    read_until(s, "</handshake>");
    boost::asio::write(s, boost::asio::buffer("<handshake/>" + after));
}

// Tells the component to stop (from the server's thread) and answers its </stream:stream>.
void stop_and_close(boost::asio::io_context& io, ComponentStream& stream, tcp::socket& s) {
    boost::asio::post(io, [&] { stream.stop(); });
    read_until(s, "</stream:stream>");
    boost::asio::write(s, boost::asio::buffer(std::string("</stream:stream>")));
}

ComponentSettings test_settings(std::uint16_t port) {
    ComponentSettings settings;
    settings.server_port = port;
    settings.domain = "sip.example.com";
    settings.secret = "sesame";
    settings.reconnect_min = std::chrono::milliseconds(1);
    settings.reconnect_max = std::chrono::milliseconds(60000);
    settings.close_timeout = std::chrono::milliseconds(3000);
    return settings;
}

// Starts the stream and runs io until it has closed for good (the io_context runs out of
// work) or a bound passes, then joins the server thread (freed by closing the acceptor when
// the bound passed). Returns whether the stream closed.
bool run_until_closed(boost::asio::io_context& io, ComponentStream& stream, tcp::acceptor& acceptor,
                      std::thread& server) {
    stream.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(50));
    }
    const bool closed = io.stopped();
    if (!closed) acceptor.close();
    server.join();
    return closed;
}

// One stream whose server sends `wire` with its handshake answer, reads what the component
// writes up to `until`, then has it stop. Returns what it read, or nothing if the stream did
// not close.
std::optional<std::string> exchange(boost::asio::io_context& io, ComponentStream& stream,
                                    tcp::acceptor& acceptor, const std::string& stream_id,
                                    const std::string& wire, std::string_view until) {
    std::string answers;
    std::thread server([&] {
        tcp::socket s(acceptor.get_executor());
        accept_component(acceptor, s, stream_id, wire);
        answers = read_until(s, until);
        stop_and_close(io, stream, s);
    });
    if (!run_until_closed(io, stream, acceptor, server)) return std::nullopt;
    return answers;
}

TEST(ComponentStream, HandshakeStanzasReconnectAndCleanClose) {
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.reconnect_min = std::chrono::milliseconds(10);
    settings.reconnect_max = std::chrono::milliseconds(20);

    boost::asio::io_context io;
    PingHandler handler;
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);

    std::string first_header, handshake, reply, second_handshake, closing;
    std::thread server([&] {
        {
            tcp::socket s(server_io);
            acceptor.accept(s);
            first_header = read_until(s, "sip.example.com'>");
            boost::asio::write(s, boost::asio::buffer(
                                      std::string("<?xml version='1.0'?><stream:stream "
                                                  "xmlns:stream='http://etherx.jabber.org/streams' "
                                                  "xmlns='jabber:component:accept' id='abc-1' "
                                                  "from='sip.example.com'>")));
            handshake = read_until(s, "</handshake>");
            // The handshake answer and a first stanza in one write.
            boost::asio::write(s, boost::asio::buffer(std::string(
                                      "<handshake/><iq type='get' id='p1' from='j@x.example/r' "
                                      "to='sip.example.com'><ping xmlns='urn:xmpp:ping'/></iq>")));
            reply = read_until(s, "/>");
            boost::asio::write(
                s, boost::asio::buffer(std::string(
                       "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                       "</stream:error></stream:stream>")));
        }
        {
            tcp::socket s(server_io);
            acceptor.accept(s);  // the reconnect
            read_until(s, "sip.example.com'>");
            boost::asio::write(s, boost::asio::buffer(std::string(
                                      "<stream:stream xmlns:stream='http://etherx.jabber.org/"
                                      "streams' xmlns='jabber:component:accept' id='abc-2'>")));
            second_handshake = read_until(s, "</handshake>");
            boost::asio::write(s, boost::asio::buffer(std::string("<handshake/>")));
            boost::asio::post(io, [&] { stream.stop(); });
            closing = read_until(s, "</stream:stream>");
            boost::asio::write(s, boost::asio::buffer(std::string("</stream:stream>")));
        }
    });

    stream.start();
    // The io_context runs out of work only once the stream has closed for good; a bug that
    // keeps it busy (or a hang) ends at the deadline instead of hanging the test.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(50));
    }
    const bool finished = io.stopped();
    if (!finished) acceptor.close();  // unblock the server thread
    server.join();
    ASSERT_TRUE(finished) << "the stream did not close";

    EXPECT_NE(first_header.find("xmlns='jabber:component:accept'"), std::string::npos);
    EXPECT_NE(first_header.find("to='sip.example.com'"), std::string::npos);
    EXPECT_EQ(handshake, "<handshake>" + handshake_digest("abc-1", "sesame") + "</handshake>");
    EXPECT_EQ(reply, "<iq type='result' id='p1'/>");
    EXPECT_EQ(second_handshake,
              "<handshake>" + handshake_digest("abc-2", "sesame") + "</handshake>");
    EXPECT_EQ(closing, "</stream:stream>");
    EXPECT_EQ(handler.handled, 1);
    EXPECT_EQ(stream.counters().connects, 2u);
}

// A stream with a PingHandler, against a server on 127.0.0.1 that sends what run() is given
// right after its handshake answer; the stream is made by run(), once `settings` are as the
// test wants them.
struct SkippingServer {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor{server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)};
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    boost::asio::io_context io;
    PingHandler handler;
    counters::Registry registry;
    std::optional<ComponentStream> stream;

    // What the component wrote back up to `until`; nothing if the stream did not close.
    std::optional<std::string> run(const std::string& stream_id, const std::string& wire,
                                   std::string_view until) {
        stream.emplace(io, settings, handler, registry);
        return exchange(io, *stream, acceptor, stream_id, wire, until);
    }
};

TEST(ComponentStream, OverSizeStanzasCostOnlyThemselvesAndIqRequestsGetPolicyViolation) {
    SkippingServer t;
    t.settings.max_stanza_size = 1024;

    // A vcard-temp set with an avatar, a long chat message, the answer to a request of the
    // handler's own with a large vCard4, then a ping: the set is refused, the message dropped,
    // the answer handed to the handler as the policy-violation error it became, the ping
    // handled, and the stream stays up.
    const std::string avatar_set =
        "<iq type='set' id='vc-7' from='bob@xmpp.example.com/pda' to='sip.example.com' "
        "xml:lang='en'><vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>" +
        std::string(20000, 'Q') + "</BINVAL></PHOTO><NICKNAME>bob</NICKNAME></vCard></iq>";
    const std::string long_message =
        "<message type='chat' id='m-1' from='eve@xmpp.example.com/x' "
        "to='alice@sip.example.com'><body>" +
        std::string(100000, 'b') + "</body></message>";
    const std::string ping =
        "<iq type='get' id='p2' from='juliet@xmpp.example.com/balcony' "
        "to='sip.example.com'><ping xmlns='urn:xmpp:ping'/></iq>";
    const std::string large_answer =
        "<iq type='result' id='vcard4-1' from='alice@xmpp.example.com' to='sip.example.com'>"
        "<privilege xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'>"
        "<iq xmlns='jabber:client' type='result' id='vcard4-1'><pubsub "
        "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'><item "
        "id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><photo><uri>data:image/"
        "png;base64," +
        std::string(30000, 'Q') +
        "</uri></photo></vcard></item></items></pubsub></iq>"
        "</forwarded></privilege></iq>";
    const auto answers =
        t.run("big-1", avatar_set + long_message + large_answer + ping, "id='p2'/>");
    ASSERT_TRUE(answers) << "the stream did not close";

    EXPECT_EQ(*answers,
              "<iq type='error' from='sip.example.com' to='bob@xmpp.example.com/pda' id='vc-7'>"
              "<error type='modify'><policy-violation "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>stanza larger than "
              "1024 bytes</text></error></iq><iq type='result' id='p2'/>");
    EXPECT_EQ(t.handler.handled, 2);
    ASSERT_EQ(t.handler.answers.size(), 1u);
    EXPECT_EQ(t.handler.answers[0],
              "<iq type='error' id='vcard4-1' from='alice@xmpp.example.com' "
              "to='sip.example.com'><error type='modify'><policy-violation "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>stanza larger than "
              "1024 bytes</text></error></iq>");
    const auto c = t.stream->counters();
    EXPECT_EQ(c.connects, 1u);
    EXPECT_EQ(c.reconnects, 0u);
    EXPECT_EQ(c.stanzas_too_large, 3u);
    const auto logged = t.log_capture.lines("xmpp.stanza_too_large");
    ASSERT_EQ(logged.size(), 3u);
    EXPECT_NE(logged[0].find("stanza_id=vc-7 peer=bob@xmpp.example.com/pda"), std::string::npos)
        << logged[0];
    EXPECT_NE(logged[0].find("bytes=" + std::to_string(avatar_set.size())), std::string::npos)
        << logged[0];
    EXPECT_NE(logged[1].find("stanza_id=m-1 peer=eve@xmpp.example.com/x"), std::string::npos)
        << logged[1];
    EXPECT_TRUE(t.log_capture.lines("xmpp.disconnected").empty());
}

std::string nested(int depth) {
    std::string open;
    std::string close;
    for (int i = 0; i < depth; ++i) {
        open += "<x xmlns='urn:example:nest'>";
        close += "</x>";
    }
    return open + close;
}

TEST(ComponentStream, TooDeeplyNestedStanzasCostOnlyThemselvesLikeOverSizeOnes) {
    SkippingServer t;

    // Nested 70 deep, each far under max_stanza_size: an iq get, a chat message, the answer to
    // a request of the handler's own (a user's vCard4), then a ping.
    const std::string deep_get =
        "<iq type='get' id='deep-iq' from='carol@xmpp.example.com/tab' to='sip.example.com'>"
        "<query xmlns='http://jabber.org/protocol/disco#info'>" +
        nested(70) + "</query></iq>";
    const std::string deep_message =
        "<message type='chat' id='deep-msg' from='carol@xmpp.example.com/tab' "
        "to='alice@sip.example.com'><body>hi</body>" +
        nested(70) + "</message>";
    const std::string deep_answer =
        "<iq type='result' id='vcard4-2' from='alice@xmpp.example.com' to='sip.example.com'>"
        "<privilege xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'>"
        "<iq xmlns='jabber:client' type='result' id='vcard4-2'><pubsub "
        "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'><item "
        "id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>" +
        nested(70) + "</vcard></item></items></pubsub></iq></forwarded></privilege></iq>";
    const std::string ping =
        "<iq type='get' id='p3' from='juliet@xmpp.example.com/balcony' "
        "to='sip.example.com'><ping xmlns='urn:xmpp:ping'/></iq>";
    const auto answers = t.run("deep-1", deep_get + deep_message + deep_answer + ping, "id='p3'/>");
    ASSERT_TRUE(answers) << "the stream did not close";

    EXPECT_EQ(*answers,
              "<iq type='error' from='sip.example.com' to='carol@xmpp.example.com/tab' "
              "id='deep-iq'><error type='modify'><policy-violation "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>stanza nested deeper "
              "than 64 levels</text></error></iq><iq type='result' id='p3'/>");
    EXPECT_EQ(t.handler.handled, 2);  // the ping and the answer as its error
    ASSERT_EQ(t.handler.answers.size(), 1u);
    EXPECT_EQ(t.handler.answers[0],
              "<iq type='error' id='vcard4-2' from='alice@xmpp.example.com' "
              "to='sip.example.com'><error type='modify'><policy-violation "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>stanza nested deeper "
              "than 64 levels</text></error></iq>");
    const auto c = t.stream->counters();
    EXPECT_EQ(c.connects, 1u);
    EXPECT_EQ(c.reconnects, 0u);
    EXPECT_EQ(c.stanzas_too_deep, 3u);
    EXPECT_EQ(c.stanzas_too_large, 0u);
    const auto logged = t.log_capture.lines("xmpp.stanza_too_deep");
    ASSERT_EQ(logged.size(), 3u);
    EXPECT_NE(logged[1].find("stanza_id=deep-msg peer=carol@xmpp.example.com/tab"),
              std::string::npos)
        << logged[1];
    EXPECT_TRUE(t.log_capture.lines("xmpp.disconnected").empty());
}

TEST(ComponentStream, StanzasNotNamespaceWellFormedCostOnlyThemselvesAndIqRequestsGetBadRequest) {
    SkippingServer t;

    // What Prosody writes for a user's <xml:foo/>: the xml namespace as a default namespace.
    // In an iq set, in a chat message, in the answer to a request of the handler's own (a
    // user's vCard4 carrying it), then a ping: the set is refused with bad-request, the message
    // dropped, the answer handed over as that error, the ping answered, the stream stays up.
    const std::string xml_default = "xmlns='http://www.w3.org/XML/1998/namespace'";
    const std::string bad_set =
        "<iq type='set' id='ns-set' from='eve@xmpp.example.com/x' to='sip.example.com'>"
        "<query xmlns='jabber:iq:private'><foo " +
        xml_default + "/></query></iq>";
    const std::string bad_message =
        "<message type='chat' id='ns-msg' from='eve@xmpp.example.com/x' "
        "to='alice@sip.example.com'><body>hi</body><foo " +
        xml_default + "/></message>";
    const std::string bad_answer =
        "<iq type='result' id='vcard4-3' from='alice@xmpp.example.com' to='sip.example.com'>"
        "<privilege xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'>"
        "<iq xmlns='jabber:client' type='result' id='vcard4-3'><pubsub "
        "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'><item "
        "id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><note " +
        xml_default + "/></vcard></item></items></pubsub></iq></forwarded></privilege></iq>";
    // An iq whose own prefix is unbound is in no namespace: no stanza of this stream, so
    // nothing is written back for it (an iq in no namespace could cost the stream itself).
    const std::string unbound_iq =
        "<q:iq type='get' id='ns-unbound' from='eve@xmpp.example.com/x' to='sip.example.com'/>";
    const std::string ping =
        "<iq type='get' id='p4' from='juliet@xmpp.example.com/balcony' "
        "to='sip.example.com'><ping xmlns='urn:xmpp:ping'/></iq>";
    const auto answers =
        t.run("ns-1", bad_set + bad_message + bad_answer + unbound_iq + ping, "id='p4'/>");
    ASSERT_TRUE(answers) << "the stream did not close";

    const std::string error =
        "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>stanza not "
        "namespace-well-formed: the xml namespace declared as the default namespace</text>"
        "</error>";
    EXPECT_EQ(*answers,
              "<iq type='error' from='sip.example.com' to='eve@xmpp.example.com/x' "
              "id='ns-set'>" +
                  error + "</iq><iq type='result' id='p4'/>");
    EXPECT_EQ(t.handler.handled, 2);  // the ping and the answer as its error
    ASSERT_EQ(t.handler.answers.size(), 1u);
    EXPECT_EQ(t.handler.answers[0],
              "<iq type='error' id='vcard4-3' from='alice@xmpp.example.com' "
              "to='sip.example.com'>" +
                  error + "</iq>");
    const auto c = t.stream->counters();
    EXPECT_EQ(c.connects, 1u);
    EXPECT_EQ(c.reconnects, 0u);
    EXPECT_EQ(c.stanzas_namespace_error, 4u);
    EXPECT_EQ(c.stanzas_too_large + c.stanzas_too_deep, 0u);
    const auto logged = t.log_capture.lines("xmpp.stanza_namespace_error");
    ASSERT_EQ(logged.size(), 4u);
    EXPECT_NE(logged[0].find("stanza_id=ns-set peer=eve@xmpp.example.com/x"), std::string::npos)
        << logged[0];
    EXPECT_NE(logged[1].find("stanza_id=ns-msg peer=eve@xmpp.example.com/x"), std::string::npos)
        << logged[1];
    EXPECT_NE(logged[3].find("stanza_id=ns-unbound"), std::string::npos) << logged[3];
    EXPECT_TRUE(t.log_capture.lines("xmpp.disconnected").empty());
}

// The attempt each reconnect line reports, in order.
std::vector<std::string> reconnect_attempts(LogCapture& log_capture) {
    std::vector<std::string> attempts;
    for (const auto& line : log_capture.lines("xmpp.disconnected")) {
        const auto at = line.find(" attempt=");
        attempts.push_back(
            at == std::string::npos ? "?" : line.substr(at + 9, line.find(' ', at + 1) - at - 9));
    }
    return attempts;
}

TEST(ComponentStream, BackoffKeepsGrowingWhenEachStreamFailsRightAfterItsHandshake) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());

    boost::asio::io_context io;
    PingHandler handler;
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    std::thread server([&] {
        // Authenticated, then dropped at once, four times.
        for (int i = 0; i < 4; ++i) {
            tcp::socket s(server_io);
            accept_component(acceptor, s, "flap-" + std::to_string(i));
        }
        tcp::socket s(server_io);
        accept_component(acceptor, s, "last");
        stop_and_close(io, stream, s);
    });
    const bool finished = run_until_closed(io, stream, acceptor, server);
    ASSERT_TRUE(finished) << "the stream did not close";
    EXPECT_EQ(stream.counters().connects, 5u);
    EXPECT_EQ(reconnect_attempts(log_capture), (std::vector<std::string>{"1", "2", "3", "4"}));
}

class HelloHandler : public PingHandler {
  public:
    void on_stream_ready(Send send) override {
        XmlElement hello("message", std::string(ns::component));
        hello.set_attr("id", "hello").set_attr("to", "sip.example.com");
        send(hello);
    }
};

TEST(ComponentStream, BackoffResetsOnceAStreamHasStayedUpForReconnectMax) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.reconnect_max = std::chrono::milliseconds(50);

    boost::asio::io_context io;
    HelloHandler handler;
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    std::thread server([&] {
        {
            tcp::socket s(server_io);
            accept_component(acceptor, s, "short");
        }
        {
            tcp::socket s(server_io);
            accept_component(acceptor, s, "long");
            // The component is past its handshake once its first stanza arrives; from then on
            // it has been up for at least as long as this sleep, whatever the load.
            read_until(s, "id='hello'");
            std::this_thread::sleep_for(2 * settings.reconnect_max);
        }
        tcp::socket s(server_io);
        accept_component(acceptor, s, "last");
        stop_and_close(io, stream, s);
    });
    const bool finished = run_until_closed(io, stream, acceptor, server);
    ASSERT_TRUE(finished) << "the stream did not close";
    EXPECT_EQ(reconnect_attempts(log_capture), (std::vector<std::string>{"1", "1"}));
}

class BigReplyHandler : public StanzaHandler {
  public:
    static constexpr std::size_t kReplyText = 32 * 1024;
    std::vector<XmlElement> handle(const XmlElement& stanza) override {
        ++handled;
        XmlElement reply("iq", std::string(ns::component));
        reply.set_attr("type", "result").set_attr("id", stanza.attr_or("id"));
        reply.add("query", "urn:example:big").text = std::string(kReplyText, 'r');
        return {reply};
    }
    std::atomic<int> handled = 0;
};

TEST(ComponentStream, AServerThatStopsReadingGetsABoundedQueueThenAClosedStream) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    // A small receive window, so that the kernel's buffers fill early.
    tcp::acceptor acceptor(server_io);
    acceptor.open(tcp::v4());
    acceptor.set_option(boost::asio::socket_base::receive_buffer_size(4096));
    acceptor.bind(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    acceptor.listen();
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.keepalive_interval = std::chrono::milliseconds(100);
    WriteQueueLimits limits;
    limits.high_water = 256 * 1024;
    limits.low_water = 64 * 1024;

    boost::asio::io_context io;
    BigReplyHandler handler;
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry, limits);

    constexpr int kRequests = 3000;  // answers: about 100 MB, far past any socket buffer
    std::string requests;
    for (int i = 0; i < kRequests; ++i) {
        requests += "<iq type='get' id='q" + std::to_string(i) +
                    "' from='u@xmpp.example.com/r' to='sip.example.com'><query "
                    "xmlns='urn:example:big'/></iq>";
    }
    tcp::socket stalled(server_io);
    std::thread writer;
    std::thread server([&] {
        accept_component(acceptor, stalled, "stall");
        // Requests keep coming, and nothing is ever read again. The writes block once the
        // component stops reading, and fail once it closes.
        writer = std::thread([&] {
            boost::system::error_code ignored;
            boost::asio::write(stalled, boost::asio::buffer(requests), ignored);
        });
        tcp::socket s(server_io);
        accept_component(acceptor, s, "after");  // the reconnect
        stop_and_close(io, stream, s);
    });
    const bool finished = run_until_closed(io, stream, acceptor, server);
    boost::system::error_code ignored;
    stalled.shutdown(tcp::socket::shutdown_both, ignored);
    if (writer.joinable()) writer.join();
    ASSERT_TRUE(finished) << "the stream did not close";

    const auto c = stream.counters();
    EXPECT_EQ(c.write_stalls, 1u);
    EXPECT_EQ(c.connects, 2u);
    // Reading stops at the high-water mark: the queue never holds more than that plus the
    // answer to one request (and a few bytes of stream framing).
    EXPECT_GE(c.write_queue_peak_bytes, limits.high_water);
    EXPECT_LE(c.write_queue_peak_bytes, limits.high_water + BigReplyHandler::kReplyText + 1024);
    EXPECT_LT(handler.handled.load(), kRequests);
    const auto lost = log_capture.lines("xmpp.disconnected");
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_NE(lost[0].find("not taking our writes"), std::string::npos) << lost[0];
}

// Takes each request and answers it later, on the stream's thread, through Send; told that the
// stream is closing, it answers what it took, then says done (later, as a store job's reply
// comes) or never (the stream's close_timeout ends it).
class OwingHandler : public StanzaHandler {
  public:
    OwingHandler(boost::asio::io_context& io, bool says_done) : io_(io), says_done_(says_done) {}
    std::vector<XmlElement> handle(const XmlElement& stanza) override {
        owed_.push_back(std::string(stanza.attr_or("id")));
        ++taken;
        return {};
    }
    void on_stream_ready(Send send) override { send_ = std::move(send); }
    bool owes_answers() const override { return !owed_.empty(); }
    void on_stream_closing(Done done) override {
        ++closing_calls;
        if (!says_done_) return;
        // Later, as a store job's reply comes: the stream must still be up by then.
        boost::asio::post(io_, [this, done = std::move(done)] {
            for (const auto& id : owed_) {
                XmlElement reply("iq", std::string(ns::component));
                reply.set_attr("type", "result").set_attr("id", id);
                send_(reply);
            }
            owed_.clear();
            done();
        });
    }
    std::atomic<int> taken = 0;
    int closing_calls = 0;

  private:
    boost::asio::io_context& io_;
    bool says_done_;
    Send send_;
    std::vector<std::string> owed_;
};

// stop() against a server that answers </stream:stream> once it has read it; returns what the
// component wrote after its handshake, up to its </stream:stream>.
std::optional<std::string> stop_while_owing(boost::asio::io_context& io, ComponentStream& stream,
                                            OwingHandler& handler, tcp::acceptor& acceptor) {
    std::string written;
    std::thread server([&] {
        tcp::socket s(acceptor.get_executor());
        accept_component(acceptor, s, "owing",
                         "<iq type='set' id='d1' from='xmpp.example.com' to='sip.example.com'>"
                         "<query xmlns='urn:example:slow'/></iq>");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (handler.taken.load() == 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        boost::asio::post(io, [&] { stream.stop(); });
        written = read_until(s, "</stream:stream>");
        boost::asio::write(s, boost::asio::buffer(std::string("</stream:stream>")));
    });
    if (!run_until_closed(io, stream, acceptor, server)) return std::nullopt;
    return written;
}

TEST(ComponentStream, StopSendsWhatTheHandlerStillOwesBeforeClosingTheStream) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    boost::asio::io_context io;
    OwingHandler handler(io, /*says_done=*/true);
    counters::Registry registry;
    ComponentStream stream(io, test_settings(acceptor.local_endpoint().port()), handler, registry);
    const auto written = stop_while_owing(io, stream, handler, acceptor);
    ASSERT_TRUE(written) << "the stream did not close";
    // The answer the handler owed went out first, on the stream that was still up.
    EXPECT_EQ(*written, "<iq type='result' id='d1'/></stream:stream>");
    EXPECT_EQ(handler.closing_calls, 1);
    EXPECT_EQ(log_capture.lines("xmpp.draining").size(), 1u);
    EXPECT_TRUE(log_capture.lines("xmpp.drain_timeout").empty());
}

TEST(ComponentStream, StopClosesAfterCloseTimeoutWhenTheHandlerNeverSaysDone) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.close_timeout = std::chrono::milliseconds(200);
    boost::asio::io_context io;
    OwingHandler handler(io, /*says_done=*/false);
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    const auto written = stop_while_owing(io, stream, handler, acceptor);
    ASSERT_TRUE(written) << "the stream did not close";
    EXPECT_EQ(*written, "</stream:stream>");
    EXPECT_EQ(log_capture.lines("xmpp.drain_timeout").size(), 1u);
}

// The connection was lost with a request owed (the server still waits for its answer) and the
// stream waits out its back-off: stop() connects once more, at once, sends the answer on the
// new stream, then closes it.
TEST(ComponentStream, StopWhileReconnectingWithAnswersOwedComesBackToSendThem) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.reconnect_min = std::chrono::milliseconds(60000);  // not back by itself
    boost::asio::io_context io;
    OwingHandler handler(io, /*says_done=*/true);
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    std::string written;
    std::thread server([&] {
        {
            tcp::socket s(acceptor.get_executor());
            accept_component(acceptor, s, "first",
                             "<iq type='set' id='d1' from='xmpp.example.com' "
                             "to='sip.example.com'><query xmlns='urn:example:slow'/></iq>");
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (handler.taken.load() == 0 && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::yield();
            }
        }  // closed: the component waits its back-off
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (log_capture.lines("xmpp.disconnected").empty() &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        boost::asio::post(io, [&] { stream.stop(); });
        // The second connection, if it comes (within a bound: a stream that stopped without it
        // leaves no one to close the acceptor).
        acceptor.non_blocking(true);
        tcp::socket s(acceptor.get_executor());
        boost::system::error_code ec = boost::asio::error::would_block;
        while (ec && std::chrono::steady_clock::now() < deadline + std::chrono::seconds(10)) {
            acceptor.accept(s, ec);
            if (ec) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (ec) return;
        acceptor.non_blocking(false);
        s.non_blocking(false);
        read_until(s, "sip.example.com'>");
        boost::asio::write(s, boost::asio::buffer(std::string(
                                  "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                                  "xmlns='jabber:component:accept' id='second' "
                                  "from='sip.example.com'>")));
        read_until(s, "</handshake>");
        boost::asio::write(s, boost::asio::buffer(std::string("<handshake/>")));
        written = read_until(s, "</stream:stream>");
        boost::asio::write(s, boost::asio::buffer(std::string("</stream:stream>")));
    });
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until_closed(io, stream, acceptor, server)) << "the stream did not close";
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    EXPECT_EQ(written, "<iq type='result' id='d1'/></stream:stream>");
    EXPECT_EQ(log_capture.lines("xmpp.reconnecting_to_answer").size(), 1u);
    EXPECT_TRUE(log_capture.lines("xmpp.drain_timeout").empty());
}

// The same with the server gone for good: the connection is refused, and the stream stops at
// once, saying the answers owed were left unanswered.
TEST(ComponentStream, StopWhileReconnectingToAServerGoneGivesUpAtOnce) {
    LogCapture log_capture;
    std::uint16_t port = 0;
    {
        boost::asio::io_context server_io;
        tcp::acceptor gone(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
        port = gone.local_endpoint().port();
    }
    ComponentSettings settings = test_settings(port);
    settings.reconnect_min = std::chrono::milliseconds(60000);
    boost::asio::io_context io;
    OwingHandler handler(io, /*says_done=*/true);
    handler.handle(XmlElement("iq", std::string(ns::component)));  // taken on a stream gone
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    stream.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (log_capture.lines("xmpp.disconnected").empty() &&
           std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(log_capture.lines("xmpp.disconnected").empty());
    stream.stop();
    while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(io.stopped()) << "the stream did not stop";
    EXPECT_EQ(log_capture.lines("xmpp.reconnecting_to_answer").size(), 1u);
    const auto closed = log_capture.lines("xmpp.closed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_NE(closed[0].find("unanswered"), std::string::npos) << closed[0];
}

// stop() while a request is owed, then the server goes away during the drain; true once the
// stream has stopped (false when it did not within run_until_closed's bound).
bool lose_the_stream_while_draining(LogCapture& log_capture, const std::string& name,
                                    ComponentStream::Counters* counters_out = nullptr) {
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.close_timeout = std::chrono::milliseconds(10000);  // not what ends it here
    boost::asio::io_context io;
    OwingHandler handler(io, /*says_done=*/false);
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    std::thread server([&] {
        tcp::socket s(acceptor.get_executor());
        accept_component(acceptor, s, name,
                         "<iq type='set' id='d1' from='xmpp.example.com' to='sip.example.com'>"
                         "<query xmlns='urn:example:slow'/></iq>");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (handler.taken.load() == 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        boost::asio::post(io, [&] { stream.stop(); });
        while (log_capture.lines("xmpp.draining").empty() &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        s.close();  // the server goes away while the component drains
    });
    const bool stopped = run_until_closed(io, stream, acceptor, server);
    if (counters_out) *counters_out = stream.counters();
    return stopped;
}

TEST(ComponentStream, AStreamLostWhileStoppingStopsInsteadOfReconnecting) {
    LogCapture log_capture;
    ComponentStream::Counters counters{};
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(lose_the_stream_while_draining(log_capture, "lost", &counters))
        << "the stream did not stop";
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(counters.reconnects, 0u);
    EXPECT_TRUE(log_capture.lines("xmpp.disconnected").empty());
}

// The operator's one line for a drain cut short: why the stream ended, and that the requests
// taken were left unanswered.
TEST(ComponentStream, AStreamLostWhileStoppingSaysWhyInItsClosedLine) {
    LogCapture log_capture;
    ASSERT_TRUE(lose_the_stream_while_draining(log_capture, "lost-log"))
        << "the stream did not stop";
    const auto closed = log_capture.lines("xmpp.closed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_NE(closed[0].find("the server closed the connection"), std::string::npos) << closed[0];
    EXPECT_NE(closed[0].find("unanswered"), std::string::npos) << closed[0];
    EXPECT_NE(closed[0].find("warn"), std::string::npos) << closed[0];
}

// stop() has sent </stream:stream>; the server answers with a stream error (Prosody going down
// too: system-shutdown). The stream ends there: a reconnect would leave a component that was
// told to stop running, its SIGTERM spent.
TEST(ComponentStream, AStreamErrorAnsweringTheCloseStopsInsteadOfReconnecting) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    ComponentSettings settings = test_settings(acceptor.local_endpoint().port());
    settings.close_timeout = std::chrono::milliseconds(10000);  // not what ends it here
    boost::asio::io_context io;
    PingHandler handler;
    counters::Registry registry;
    ComponentStream stream(io, settings, handler, registry);
    std::thread server([&] {
        tcp::socket s(acceptor.get_executor());
        accept_component(acceptor, s, "closing-error");
        boost::asio::post(io, [&] { stream.stop(); });
        read_until(s, "</stream:stream>");
        boost::asio::write(
            s, boost::asio::buffer(std::string(
                   "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                   "</stream:error></stream:stream>")));
        read_until(s, "never sent");  // until the component closes the connection
    });
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until_closed(io, stream, acceptor, server)) << "the stream did not stop";
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(stream.counters().reconnects, 0u);
    EXPECT_TRUE(log_capture.lines("xmpp.disconnected").empty());
    const auto closed = log_capture.lines("xmpp.closed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_NE(closed[0].find("system-shutdown"), std::string::npos) << closed[0];
}

// A handler that throws when told the stream is closing costs nothing but its own answers: one
// xmpp.handler_failed line, then the close as without a drain, and no reconnect.
class ThrowingClosingHandler : public PingHandler {
  public:
    void on_stream_closing(Done) override { throw std::runtime_error("on_stream_closing failed"); }
};

TEST(ComponentStream, AHandlerThrowingWhenTheStreamClosesStillHasItClosedOnce) {
    LogCapture log_capture;
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    boost::asio::io_context io;
    ThrowingClosingHandler handler;
    counters::Registry registry;
    ComponentStream stream(io, test_settings(acceptor.local_endpoint().port()), handler, registry);
    std::string written;
    std::thread server([&] {
        tcp::socket s(acceptor.get_executor());
        accept_component(acceptor, s, "throwing-closing");
        boost::asio::post(io, [&] { stream.stop(); });
        written = read_until(s, "</stream:stream>");
        boost::asio::write(s, boost::asio::buffer(std::string("</stream:stream>")));
    });
    ASSERT_TRUE(run_until_closed(io, stream, acceptor, server));
    EXPECT_EQ(written, "</stream:stream>");
    EXPECT_EQ(log_capture.lines("xmpp.handler_failed").size(), 1u);
    EXPECT_EQ(log_capture.lines("xmpp.closing").size(), 1u);
    EXPECT_TRUE(log_capture.lines("xmpp.draining").empty());
    const auto closed = log_capture.lines("xmpp.closed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_NE(closed[0].find("component stream closed"), std::string::npos) << closed[0];
    EXPECT_EQ(stream.counters().reconnects, 0u);
}

}  // namespace
}  // namespace cusax::xmpp
