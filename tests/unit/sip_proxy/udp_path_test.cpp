// The proxy's own UDP path (udp_path.hpp) against Sofia-SIP's transport: the same datagrams
// through the real proxy on 127.0.0.1 (proxy_fixture.hpp), once with udp_transport = sofia
// and once with batched, must give the same datagrams back, byte for byte but for what
// differs by nature (the proxy's port, the To tag the agent drew for its own 400s).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "proxy_fixture.hpp"

namespace cusax::sip_proxy {
namespace {

using store::Verification;
using test::header;
using test::InProcessProxy;
using test::start_line;
using test::UdpPeer;

std::string invite(const UdpPeer& caller, std::string_view call_id, std::string_view extra = "",
                   std::string_view via_host = {}, std::string_view first_line = {}) {
    std::string text = first_line.empty() ? "INVITE sip:bob@example.com SIP/2.0\n"
                                          : std::string(first_line) + "\n";
    text += "Via: SIP/2.0/UDP " + (via_host.empty() ? caller.host_port() : std::string(via_host)) +
            ";branch=z9hG4bK-path-" + std::string(call_id) + "\n";
    text += "Max-Forwards: 70\n";
    text += "From: \"Alice\" <sip:alice@example.com>;tag=a1\n";
    text += "To: <sip:bob@example.com>\n";
    text += "Call-ID: " + std::string(call_id) + "@127.0.0.1\n";
    text += "CSeq: 1 INVITE\n";
    text += "Contact: <sip:alice@" + caller.host_port() + ">\n";
    text += std::string(extra);
    text += "Content-Length: 0\n\n";
    return text;
}

// An OPTIONS asked of the proxy itself (RFC 3261 §11), which it answers with a 200.
std::string options_for(const InProcessProxy& proxy, const UdpPeer& caller,
                        std::string_view call_id) {
    const std::string id(call_id);
    return "OPTIONS sip:" + proxy.host() + ":" + std::to_string(proxy.port()) +
           " SIP/2.0\nVia: SIP/2.0/UDP " + caller.host_port() + ";branch=z9hG4bK-path-" + id +
           "\nMax-Forwards: 70\nFrom: <sip:probe@example.com>;tag=p1\nTo: <sip:" + proxy.host() +
           ">\nCall-ID: " + id + "@127.0.0.1\nCSeq: 1 OPTIONS\n" + "Content-Length: 0\n\n";
}

// Every value of the lines named `name`, in order.
std::vector<std::string> header_lines(std::string text, std::string_view name) {
    std::vector<std::string> values;
    while (auto value = header(text, name)) {
        values.push_back(*value);
        text.erase(text.find(std::string(name) + ": " + *value), name.size() + value->size() + 4);
    }
    return values;
}

// A response of the next hop to what it received (Via, From, To, Call-ID, CSeq copied).
std::string ringing(std::string_view request) {
    std::string text = "SIP/2.0 180 Ringing\n";
    for (const std::string& via : header_lines(std::string(request), "Via"))
        text += "Via: " + via + "\n";
    for (const char* name : {"From", "To", "Call-ID", "CSeq"})
        text += std::string(name) + ": " + *header(request, name) +
                (name == std::string("To") ? ";tag=b1" : "") + "\n";
    text += "Content-Length: 0\n\n";
    return text;
}

// What differs by nature between two proxies: their port, and the To tag of an answer.
std::string normalised(std::string text, unsigned proxy_port) {
    const std::string port = ":" + std::to_string(proxy_port);
    for (std::size_t at; (at = text.find(port)) != std::string::npos;)
        text.replace(at, port.size(), ":PROXY");
    if (auto to = header(text, "To"); to && to->find(";tag=") != std::string::npos) {
        const std::string tagged = *to;
        text.replace(text.find(tagged), tagged.size(), tagged.substr(0, tagged.find(";tag=")));
    }
    return text;
}

class OwnUdpPath : public ::testing::Test {
  protected:
    OwnUdpPath() {
        settings.next_hop = "sip:" + next_hop.host_port();
        settings.trusted_peers = {"127.0.0.1"};
        // One key for both proxies, so that both sign the same branch.
        char path[] = "/tmp/cusax-udp-path-key.XXXXXX";
        const int fd = mkstemp(path);
        key_file = path;
        const std::string key(64, 'k');
        EXPECT_EQ(::write(fd, key.data(), key.size()), static_cast<ssize_t>(key.size()));
        ::close(fd);
        settings.branch_key_file = key_file;
    }
    ~OwnUdpPath() override { std::remove(key_file.c_str()); }

    // Everything that came back to the caller and the next hop, in order, for each path.
    struct Seen {
        std::vector<std::string> datagrams;
        InProcessProxy* proxy = nullptr;
    };
    using Exchange = std::function<void(InProcessProxy&, Seen&)>;

    void same_on_both_paths(const Exchange& exchange) {
        std::vector<std::string> outcome[2];
        for (int path = 0; path < 2; ++path) {
            ProxySettings s = settings;
            s.udp_transport = path == 0 ? UdpTransport::sofia : UdpTransport::batched;
            InProcessProxy proxy(s, [this] { return snapshot; });
            Seen seen;
            exchange(proxy, seen);
            for (auto& d : seen.datagrams) outcome[path].push_back(normalised(d, proxy.port()));
        }
        ASSERT_EQ(outcome[0].size(), outcome[1].size());
        for (std::size_t i = 0; i < outcome[0].size(); ++i)
            EXPECT_EQ(outcome[1][i], outcome[0][i]) << "datagram " << i;
    }

    // The next datagram for `peer`; a failure when none comes.
    static std::string next(InProcessProxy& proxy, const UdpPeer& peer, Seen& seen) {
        auto got = proxy.next_datagram(peer);
        EXPECT_TRUE(got) << "nothing came";
        seen.datagrams.push_back(got.value_or(""));
        return got.value_or("");
    }

    UdpPeer caller, next_hop;
    ProxySettings settings;
    std::string key_file;
    std::shared_ptr<const store::Snapshot> snapshot = test::snapshot_of({test::binding(
        "sip:alice@example.com", "alice@xmpp.example.com", {"+4930123456"}, Verification::Admin)});
};

// A relayed call: the INVITE with our Via, rport, the signed branch and the caller's JID; the
// 180 back without our Via.
TEST_F(OwnUdpPath, ARelayedCallReadsTheSame) {
    same_on_both_paths([&](InProcessProxy& proxy, Seen& seen) {
        proxy.send(caller,
                   invite(caller, "relayed", "P-Asserted-Identity: <sip:alice@example.com>\n"));
        const std::string forwarded = next(proxy, next_hop, seen);
        next_hop.send_to(proxy.host(), proxy.port(), ringing(forwarded));
        next(proxy, caller, seen);
    });
}

// RFC 3261 §18.2.1, RFC 3581 §4: a Via whose host is not the sender's address gets received,
// and an empty rport is filled in; the response goes back to them.
TEST_F(OwnUdpPath, ReceivedAndRportAreAddedAsTheAgentAddsThem) {
    same_on_both_paths([&](InProcessProxy& proxy, Seen& seen) {
        const std::string via = "client.example.com:5999;rport";
        proxy.send(caller, invite(caller, "received", "", via));
        const std::string forwarded = next(proxy, next_hop, seen);
        const std::string caller_via = header_lines(forwarded, "Via").at(1);
        EXPECT_NE(caller_via.find(";rport=" + std::to_string(caller.port())), std::string::npos)
            << caller_via;
        EXPECT_NE(caller_via.find(";received=127.0.0.1"), std::string::npos) << caller_via;
        next_hop.send_to(proxy.host(), proxy.port(), ringing(forwarded));
        next(proxy, caller, seen);
    });
}

// The agent's own answers: 400 naming the header it could not parse, 400 for a request
// missing what every request has, 505 for another SIP version; and the chain's answers.
TEST_F(OwnUdpPath, AnswersReadTheSame) {
    same_on_both_paths([&](InProcessProxy& proxy, Seen& seen) {
        proxy.send(caller, invite(caller, "bad-cseq", "CSeq: abc INVITE\n"));
        EXPECT_EQ(start_line(next(proxy, caller, seen)), "SIP/2.0 400 Bad CSeq Header");
        std::string no_call_id = invite(caller, "no-call-id");
        no_call_id.erase(
            no_call_id.find("Call-ID:"),
            no_call_id.find('\n', no_call_id.find("Call-ID:")) - no_call_id.find("Call-ID:") + 1);
        proxy.send(caller, no_call_id);
        EXPECT_EQ(start_line(next(proxy, caller, seen)), "SIP/2.0 400 Bad Request");
        proxy.send(caller, invite(caller, "version", "", {}, "INVITE sip:bob@example.com SIP/3.0"));
        EXPECT_EQ(start_line(next(proxy, caller, seen)), "SIP/2.0 505 Version Not Supported");
        std::string max_forwards = invite(caller, "hops");
        max_forwards.replace(max_forwards.find("Max-Forwards: 70"), 16, "Max-Forwards: 0");
        proxy.send(caller, max_forwards);
        EXPECT_EQ(start_line(next(proxy, caller, seen)), "SIP/2.0 483 Too Many Hops");
        proxy.send(caller, options_for(proxy, caller, "options"));
        EXPECT_EQ(start_line(next(proxy, caller, seen)), "SIP/2.0 200 OK");
    });
}

// What the agent drops without a word: a Via naming another transport than the one the
// request came by, a response to an ACK. An OPTIONS after them is the first thing back.
TEST_F(OwnUdpPath, WhatTheAgentDropsIsDropped) {
    same_on_both_paths([&](InProcessProxy& proxy, Seen& seen) {
        std::string tcp_via = invite(caller, "tcp-via");
        tcp_via.replace(tcp_via.find("SIP/2.0/UDP"), 11, "SIP/2.0/TCP");
        proxy.send(caller, tcp_via);
        proxy.send(next_hop, "SIP/2.0 200 OK\nVia: SIP/2.0/UDP " + proxy.host() + ":" +
                                 std::to_string(proxy.port()) +
                                 ";branch=z9hG4bK-x\nVia: SIP/2.0/UDP " + caller.host_port() +
                                 ";branch=z9hG4bK-y\nFrom: <sip:a@example.com>;tag=1\n"
                                 "To: <sip:b@example.com>;tag=2\nCall-ID: ack@127.0.0.1\n"
                                 "CSeq: 1 ACK\nContent-Length: 0\n\n");
        proxy.send(caller, options_for(proxy, caller, "marker"));
        EXPECT_EQ(header(next(proxy, caller, seen), "Call-ID"), "marker@127.0.0.1");
    });
}

// Several datagrams waiting at once are read together and relayed in the order they came.
TEST_F(OwnUdpPath, DatagramsWaitingTogetherAreRelayedInOrder) {
    settings.udp_transport = UdpTransport::batched;
    InProcessProxy proxy(settings, [this] { return snapshot; });
    for (int i = 0; i < 40; ++i) proxy.send(caller, invite(caller, "batch-" + std::to_string(i)));
    for (int i = 0; i < 40; ++i) {
        auto got = proxy.next_datagram(next_hop);
        ASSERT_TRUE(got) << "call " << i << " was not relayed";
        EXPECT_EQ(header(*got, "Call-ID"), "batch-" + std::to_string(i) + "@127.0.0.1");
    }
    EXPECT_EQ(proxy.counter("requests.relayed"), 40u);
}

// The agent's answers and drops count where the agent's statistics were folded in.
TEST_F(OwnUdpPath, TheAgentsCountsAreKept) {
    settings.udp_transport = UdpTransport::batched;
    InProcessProxy proxy(settings, [this] { return snapshot; });
    proxy.send(caller, invite(caller, "count-bad-cseq", "CSeq: abc INVITE\n"));
    ASSERT_TRUE(proxy.next_datagram(caller));
    proxy.send(caller, "garbage\r\n\r\n");
    proxy.send(caller, invite(caller, "count-marker"));
    ASSERT_TRUE(proxy.next_datagram(next_hop));
    EXPECT_EQ(proxy.counter("messages.malformed"), 2u);
    EXPECT_EQ(proxy.counter("requests.rejected.by_nta"), 1u);
}

}  // namespace
}  // namespace cusax::sip_proxy
