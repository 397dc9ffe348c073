// The component stream against an in-process fake server on 127.0.0.1: handshake answered in
// the same read as the first stanza, replies written back, a stream error leads to a
// reconnect, stop() closes the stream and leaves the io_context without work.
#include "xmpp-component/component_stream.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_protocol.hpp"

namespace cusax::xmpp {
namespace {

using boost::asio::ip::tcp;

class PingHandler : public StanzaHandler {
  public:
    std::vector<XmlElement> handle(const XmlElement& stanza) override {
        ++handled;
        XmlElement reply("iq", std::string(ns::component));
        reply.set_attr("type", "result").set_attr("id", stanza.attr_or("id"));
        return {reply};
    }
    int handled = 0;
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

TEST(ComponentStream, HandshakeStanzasReconnectAndCleanClose) {
    boost::asio::io_context server_io;
    tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    const auto port = acceptor.local_endpoint().port();

    ComponentSettings settings;
    settings.server_port = port;
    settings.domain = "sip.example.com";
    settings.secret = "sesame";
    settings.reconnect_min = std::chrono::milliseconds(10);
    settings.reconnect_max = std::chrono::milliseconds(20);
    settings.close_timeout = std::chrono::milliseconds(3000);

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

}  // namespace
}  // namespace cusax::xmpp
