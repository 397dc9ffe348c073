// cusaxctl doctor's component-port check: the handshake it sends, what it reads of the
// server's answers (Prosody 0.12's, as it writes them), each outcome's verdict (a wrong
// secret and a closed port told apart, the secret never in the report), and the probe against
// a closed and a silent port on 127.0.0.1.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "cusaxctl/doctor/component_check.hpp"
#include "cusaxctl/doctor/component_reply.hpp"
#include "doctor_test_sockets.hpp"

namespace cusax::ctl::doctor {
namespace {

using std::chrono::milliseconds;

// Prosody 0.12.3's stream header and answers on its component port, as captured on 127.0.0.1.
constexpr std::string_view kProsodyHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xml:lang='en' "
    "id='7f1bcfee-1478-4484-93f3-920dd0f1827f' from='sip.example.com' "
    "xmlns:stream='http://etherx.jabber.org/streams'>";
constexpr std::string_view kProsodyNotAuthorized =
    "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
    "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Given token does not match calculated "
    "token</text></stream:error></stream:stream>";

TEST(DoctorComponentReply, TheHandshakeIsTheHexSha1OfTheIdAndTheSecret) {
    // printf %s 3BF96D32sesame | sha1sum
    EXPECT_EQ(component_handshake("3BF96D32", "sesame"),
              "<handshake>7a98dc4c9e92493d7fd66a25364c862637789c45</handshake>");
    EXPECT_EQ(component_stream_open("sip.example.com"),
              "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
              "xmlns:stream='http://etherx.jabber.org/streams' to='sip.example.com'>");
}

TEST(DoctorComponentReply, AcceptedThenClosed) {
    ComponentReply reply;
    reply.feed(kProsodyHeader.substr(0, 40));  // as it arrives, in pieces
    EXPECT_FALSE(reply.stream_id());
    reply.feed(kProsodyHeader.substr(40));
    ASSERT_TRUE(reply.stream_id());
    EXPECT_EQ(*reply.stream_id(), "7f1bcfee-1478-4484-93f3-920dd0f1827f");
    reply.feed("<handshake/>");
    EXPECT_TRUE(reply.accepted());
    EXPECT_FALSE(reply.closed());
    reply.feed("</stream:stream>");
    EXPECT_TRUE(reply.closed());
}

TEST(DoctorComponentReply, AStreamErrorNamesItsCondition) {
    ComponentReply reply;
    reply.feed(std::string(kProsodyHeader) + std::string(kProsodyNotAuthorized));
    EXPECT_FALSE(reply.accepted());
    ASSERT_TRUE(reply.error_condition());
    EXPECT_EQ(*reply.error_condition(), "not-authorized");
    EXPECT_EQ(reply.error_text(), "Given token does not match calculated token");
    EXPECT_TRUE(reply.closed());
}

TEST(DoctorComponentReply, WhatIsNotAStreamIsSaid) {
    ComponentReply tls_alert;
    tls_alert.feed(std::string("\x15\x03\x01\x00\x02\x02\x46", 7));
    EXPECT_TRUE(tls_alert.not_xmpp());
    ComponentReply http;
    http.feed("HTTP/1.1 400 Bad Request\r\n\r\n");
    EXPECT_TRUE(http.not_xmpp());
}

const ComponentKeyLocations kWhere{"cusax.ini:50", "cusax.ini:51", "cusax.ini:52", "default"};
constexpr std::string_view kSecret = "s3cr3t-never-shown";

CheckResult verdict(const HandshakeOutcome& outcome) {
    xmpp::ComponentSettings settings;
    settings.domain = "sip.example.com";
    settings.secret = std::string(kSecret);
    const auto r = component_verdict(settings, outcome, milliseconds(5000), kWhere);
    EXPECT_EQ(r.detail.find(kSecret), std::string::npos) << r.detail;
    EXPECT_EQ(r.fix.find(kSecret), std::string::npos) << r.fix;
    return r;
}

HandshakeOutcome answered(std::optional<std::string> error, bool accepted = false) {
    HandshakeOutcome o;
    o.server = "127.0.0.1:5347";
    o.connected = o.stream_opened = true;
    o.accepted = accepted;
    o.stream_error = std::move(error);
    o.closed_cleanly = true;
    return o;
}

HandshakeOutcome failed(NetFailure failure, bool connected = false) {
    HandshakeOutcome o;
    o.server = "127.0.0.1:5347";
    o.connected = connected;
    o.failure = failure;
    o.error = "127.0.0.1:5347: something";
    return o;
}

TEST(DoctorComponentPort, AcceptedOrHeldByTheRunningComponentIsOk) {
    auto r = verdict(answered(std::nullopt, true));
    EXPECT_EQ(r.verdict, Verdict::ok);
    EXPECT_NE(r.detail.find("accepted the secret for sip.example.com, stream closed cleanly"),
              std::string::npos)
        << r.detail;
    // Prosody checks the secret before it refuses a second connection for the domain.
    r = verdict(answered("conflict"));
    EXPECT_EQ(r.verdict, Verdict::ok);
    EXPECT_NE(r.detail.find("accepted the secret"), std::string::npos);
}

TEST(DoctorComponentPort, AWrongSecretAndAClosedPortAreDistinctFailures) {
    const auto secret = verdict(answered("not-authorized"));
    EXPECT_EQ(secret.verdict, Verdict::fail);
    EXPECT_NE(secret.detail.find("refused the secret for sip.example.com (not-authorized)"),
              std::string::npos)
        << secret.detail;
    EXPECT_NE(secret.fix.find("[xmpp-component] secret (cusax.ini:52)"), std::string::npos);
    const auto closed = verdict(failed(NetFailure::refused));
    EXPECT_EQ(closed.verdict, Verdict::fail);
    EXPECT_NE(closed.detail.find("nothing listens there (connection refused)"), std::string::npos);
    EXPECT_NE(closed.fix.find("server_host/server_port (cusax.ini:50)"), std::string::npos);
    EXPECT_NE(secret.detail, closed.detail);
}

TEST(DoctorComponentPort, OtherFailuresSayWhereItStopped) {
    auto r = verdict(answered("host-unknown"));
    EXPECT_NE(r.detail.find("has no component sip.example.com"), std::string::npos);
    EXPECT_NE(r.fix.find("domain (cusax.ini:51)"), std::string::npos);
    r = verdict(failed(NetFailure::timeout, true));
    EXPECT_NE(r.detail.find("took the connection but sent no stream header within 5s"),
              std::string::npos)
        << r.detail;
    r = verdict(failed(NetFailure::timeout, false));
    EXPECT_NE(r.detail.find("no answer within 5s"), std::string::npos) << r.detail;
    auto not_xmpp = answered(std::nullopt);
    not_xmpp.stream_opened = false;
    not_xmpp.not_xmpp = "not-well-formed";
    r = verdict(not_xmpp);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.fix.find("tls (default) must match"), std::string::npos) << r.fix;
}

struct TcpListener : testing::LoopbackSocket {
    TcpListener() : LoopbackSocket(SOCK_STREAM) {}
};

xmpp::ComponentSettings at_port(std::uint16_t port) {
    xmpp::ComponentSettings settings;
    settings.server_port = port;
    settings.domain = "sip.example.com";
    settings.secret = std::string(kSecret);
    return settings;
}

TEST(DoctorComponentPort, ProbeOfAClosedPort) {
    std::uint16_t port = 0;
    {
        TcpListener gone;
        port = gone.port;
    }
    const auto outcome = probe_component(at_port(port), milliseconds(10000));
    EXPECT_EQ(outcome.failure, NetFailure::refused) << outcome.error;
    EXPECT_FALSE(outcome.connected);
}

TEST(DoctorComponentPort, ProbeOfASilentPortEndsAtTheTimeout) {
    TcpListener silent;
    const auto outcome = probe_component(at_port(silent.port), milliseconds(300));
    EXPECT_EQ(outcome.failure, NetFailure::timeout) << outcome.error;
    EXPECT_TRUE(outcome.connected);
    EXPECT_FALSE(outcome.stream_opened);
}

}  // namespace
}  // namespace cusax::ctl::doctor
