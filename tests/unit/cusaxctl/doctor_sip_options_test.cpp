// cusaxctl doctor's next-hop check: the URI read as the proxy reads it, the OPTIONS it sends,
// the answer it reads (a real Kamailio 5.6 answer), each outcome's verdict, and the probe
// against real sockets on 127.0.0.1 (an answering one, a silent one, a closed port).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <thread>

#include "cusaxctl/doctor/next_hop_check.hpp"
#include "cusaxctl/doctor/sip_options_message.hpp"
#include "cusaxctl/doctor/sip_options_probe.hpp"
#include "doctor_test_sockets.hpp"

namespace cusax::ctl::doctor {
namespace {

using std::chrono::milliseconds;

SipTarget target_of(std::string_view uri) {
    const auto parsed = parse_sip_target(uri);
    EXPECT_TRUE(parsed.target) << uri << ": " << parsed.error;
    return parsed.target.value_or(SipTarget{});
}

TEST(DoctorSipTarget, TransportAndPortAsTheProxyReadsThem) {
    auto t = target_of("sip:127.0.0.1:5060");
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 5060);
    EXPECT_EQ(t.transport, SipTransport::udp);
    t = target_of("sip:kamailio.example.com;transport=TCP;lr");
    EXPECT_EQ(t.host, "kamailio.example.com");
    EXPECT_EQ(t.port, 5060);
    EXPECT_EQ(t.transport, SipTransport::tcp);
    t = target_of("sips:[2001:db8::1]");
    EXPECT_EQ(t.host, "2001:db8::1");
    EXPECT_EQ(t.port, 5061);
    EXPECT_EQ(t.transport, SipTransport::tls);
    // A transport parameter wins over the scheme (sip-proxy/hop_transport.hpp).
    EXPECT_EQ(target_of("sips:host:5070;transport=udp").transport, SipTransport::udp);
    EXPECT_EQ(target_of("sip:proxy@host:5070;transport=tls").port, 5070);
    EXPECT_FALSE(parse_sip_target("sip:host;transport=sctp").target);
    EXPECT_FALSE(parse_sip_target("tel:+4930123").target);
    EXPECT_FALSE(parse_sip_target("sip:host:0").target);
}

TEST(DoctorSipOptions, TheRequestCarriesWhatRfc3261Requires) {
    const OptionsIdentifiers ids{"abc@cusaxctl.doctor", "z9hG4bK-doctor-abc", "t1"};
    const auto text =
        options_request(target_of("sip:127.0.0.1:5060;transport=tcp"), "127.0.0.1:40000", ids);
    EXPECT_TRUE(text.starts_with("OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n")) << text;
    for (const auto* line :
         {"\r\nVia: SIP/2.0/TCP 127.0.0.1:40000;branch=z9hG4bK-doctor-abc;rport\r\n",
          "\r\nMax-Forwards: 70\r\n", "\r\nFrom: <sip:doctor@127.0.0.1:40000>;tag=t1\r\n",
          "\r\nTo: <sip:127.0.0.1:5060>\r\n", "\r\nCall-ID: abc@cusaxctl.doctor\r\n",
          "\r\nCSeq: 1 OPTIONS\r\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line;
    }
    EXPECT_TRUE(text.ends_with("\r\nContent-Length: 0\r\n\r\n"));
    const auto fresh = new_options_identifiers();
    EXPECT_TRUE(fresh.branch.starts_with("z9hG4bK"));
    EXPECT_NE(fresh.call_id, new_options_identifiers().call_id);
}

// Kamailio 5.6.3's answer to doctor's OPTIONS (sl_send_reply), as captured on 127.0.0.1.
constexpr std::string_view kKamailio200 =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-doctor-abc;rport=40000;received=127.0.0.1\r\n"
    "From: <sip:doctor@127.0.0.1:40000>;tag=t1\r\n"
    "To: <sip:127.0.0.1:41068>;tag=c0c39ad298cacc5f56b2635c02877deb.c13ded03\r\n"
    "Call-ID: abc@cusaxctl.doctor\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Server: kamailio (5.6.3 (x86_64/linux))\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(DoctorSipOptions, ReadsTheStatusAndMatchesItsRequest) {
    const OptionsIdentifiers ids{"abc@cusaxctl.doctor", "z9hG4bK-doctor-abc", "t1"};
    const auto r = parse_sip_response(kKamailio200);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->reason, "OK");
    EXPECT_EQ(r->server, "kamailio (5.6.3 (x86_64/linux))");
    EXPECT_TRUE(is_final_answer(*r, ids));
    EXPECT_FALSE(is_final_answer(*r, {"other@x", "", ""}));
    // Compact forms (RFC 3261 §7.3.3), a provisional answer, and what is not a response.
    const auto trying = parse_sip_response(
        "SIP/2.0 100 Trying\r\ni: abc@cusaxctl.doctor\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n");
    ASSERT_TRUE(trying);
    EXPECT_EQ(trying->call_id, "abc@cusaxctl.doctor");
    EXPECT_FALSE(is_final_answer(*trying, ids));
    EXPECT_FALSE(parse_sip_response("OPTIONS sip:x SIP/2.0\r\n\r\n"));
    EXPECT_FALSE(parse_sip_response("SIP/2.0 2x0 OK\r\n\r\n"));
    EXPECT_FALSE(parse_sip_response("HTTP/1.1 200 OK\r\n\r\n"));
}

TEST(DoctorSipOptions, AStreamMessageEndsAfterItsBody) {
    const std::string with_body = "SIP/2.0 200 OK\r\nContent-Length: 4\r\n\r\nabcd";
    EXPECT_EQ(complete_message_length(with_body + "SIP/2.0"), with_body.size());
    EXPECT_EQ(complete_message_length(with_body.substr(0, with_body.size() - 1)), 0u);
    EXPECT_EQ(complete_message_length("SIP/2.0 200 OK\r\nContent-Length: 0\r\n"), 0u);
}

OptionsOutcome answered(int status, std::string reason) {
    OptionsOutcome o;
    o.peer = "127.0.0.1:5060";
    o.response = SipResponse{status, std::move(reason), "", "OPTIONS", "kamailio", 0};
    o.elapsed = milliseconds(3);
    return o;
}

OptionsOutcome failed(NetFailure failure, std::string error) {
    OptionsOutcome o;
    o.peer = "127.0.0.1:5060";
    o.failure = failure;
    o.error = std::move(error);
    return o;
}

CheckResult verdict(const OptionsOutcome& outcome, std::string_view uri = "sip:127.0.0.1:5060") {
    return next_hop_verdict(std::string(uri), target_of(uri), outcome, milliseconds(5000),
                            "cusax.ini:40");
}

TEST(DoctorNextHop, EachOutcomeHasItsVerdictAndFix) {
    auto r = verdict(answered(200, "OK"));
    EXPECT_EQ(r.verdict, Verdict::ok);
    EXPECT_NE(r.detail.find("answered 200 OK in 3 ms; Server: kamailio"), std::string::npos)
        << r.detail;
    // Up, but not answering OPTIONS for itself.
    r = verdict(answered(404, "Not Found"));
    EXPECT_EQ(r.verdict, Verdict::warning);
    EXPECT_NE(r.detail.find("404 Not Found"), std::string::npos);
    EXPECT_NE(r.fix.find("uri == myself"), std::string::npos) << r.fix;
    // Silent, closed, unknown: each a failure of its own words.
    r = verdict(failed(NetFailure::timeout, "no answer"));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("no answer to OPTIONS within 5s"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("next_hop (cusax.ini:40)"), std::string::npos) << r.fix;
    r = verdict(failed(NetFailure::refused, "port unreachable"));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("nothing listens there (ICMP port unreachable)"), std::string::npos);
    r = verdict(failed(NetFailure::refused, "refused"), "sip:127.0.0.1:5060;transport=tcp");
    EXPECT_NE(r.detail.find("TCP 127.0.0.1:5060): nothing listens there (connection refused)"),
              std::string::npos)
        << r.detail;
    r = verdict(failed(NetFailure::lookup, "sip.invalid: Name or service not known"),
                "sip:sip.invalid");
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.fix.find("IP address"), std::string::npos);
}

TEST(DoctorNextHop, NoNextHopIsNotProbed) {
    sip_proxy::ProxySettings settings;
    settings.next_hop = "";
    EXPECT_EQ(check_next_hop(settings, "default", milliseconds(100)).verdict, Verdict::skipped);
    settings.next_hop = "sip:127.0.0.1;transport=sctp";
    EXPECT_EQ(check_next_hop(settings, "default", milliseconds(100)).verdict, Verdict::skipped);
}

struct UdpSocket : testing::LoopbackSocket {
    UdpSocket() : LoopbackSocket(SOCK_DGRAM) {}
};

SipTarget udp_target(std::uint16_t port) {
    return target_of("sip:127.0.0.1:" + std::to_string(port));
}

// Answers the `answer_at`-th request it receives (1: the first) with 200, as a SIP server does
// (its Call-ID and CSeq copied, RFC 3261 §8.2.6.2); the ones before are lost.
void answer_udp_request(const UdpSocket& hop, int answer_at) {
    char buf[4096];
    sockaddr_in from{};
    socklen_t length = sizeof from;
    std::string request;
    for (int i = 0; i < answer_at; ++i) {
        const auto n =
            ::recvfrom(hop.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &length);
        request.assign(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    auto header = [&request](const std::string& name) {
        const auto at = request.find("\r\n" + name + ": ");
        if (at == std::string::npos) return std::string();
        const auto start = at + name.size() + 4;
        return request.substr(start, request.find("\r\n", start) - start);
    };
    const auto answer = "SIP/2.0 200 OK\r\nCall-ID: " + header("Call-ID") +
                        "\r\nCSeq: " + header("CSeq") + "\r\nContent-Length: 0\r\n\r\n";
    ::sendto(hop.fd, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&from), length);
}

// The probe of a UDP hop that answers its `answer_at`-th request.
OptionsOutcome probe_hop_answering(int answer_at) {
    UdpSocket hop;
    std::thread server([&hop, answer_at] { answer_udp_request(hop, answer_at); });
    auto outcome = probe_options(udp_target(hop.port), milliseconds(10000), {});
    server.join();
    return outcome;
}

TEST(DoctorNextHop, AnAnsweringHopOverUdp) {
    const auto outcome = probe_hop_answering(1);
    ASSERT_TRUE(outcome.response) << outcome.error;
    EXPECT_EQ(outcome.response->status, 200);
}

TEST(DoctorNextHop, ALostRequestIsSentAgain) {
    // RFC 3261 §17.1.2.2: over UDP the request is retransmitted (timer E) until the bound.
    const auto outcome = probe_hop_answering(2);
    ASSERT_TRUE(outcome.response) << outcome.error;
    EXPECT_EQ(outcome.response->status, 200);
}

TEST(DoctorNextHop, ASilentHopEndsAtTheTimeout) {
    UdpSocket hop;  // bound, never answers
    const auto outcome = probe_options(udp_target(hop.port), milliseconds(300), {});
    EXPECT_FALSE(outcome.response);
    EXPECT_EQ(outcome.failure, NetFailure::timeout) << outcome.error;
}

TEST(DoctorNextHop, AClosedPortIsRefusedNotSilent) {
    std::uint16_t port = 0;
    {
        UdpSocket gone;
        port = gone.port;
    }
    const auto outcome = probe_options(udp_target(port), milliseconds(10000), {});
    EXPECT_EQ(outcome.failure, NetFailure::refused) << outcome.error;
}

}  // namespace
}  // namespace cusax::ctl::doctor
