#pragma once
// Test helper: the wire text of a request from a UdpPeer (proxy_fixture.hpp), built field by
// field, for tests that vary one thing at a time.
#include <string>

#include "proxy_fixture.hpp"

namespace cusax::sip_proxy::test {

struct Request {
    std::string method = "INVITE";
    std::string uri = "sip:bob@example.com";
    std::string headers;  // extra header lines, each ending in "\n"
    std::string branch = "z9hG4bK-hop-1";
    int max_forwards = 70;
    std::string to_tag;
    std::size_t body_size = 0;  // a body of this many bytes (to grow past a datagram's limit)

    Request& with_method(std::string m) { return method = std::move(m), *this; }
    Request& with_uri(std::string u) { return uri = std::move(u), *this; }
    Request& with_headers(std::string h) { return headers = std::move(h), *this; }
    Request& with_branch(std::string b) { return branch = std::move(b), *this; }
    Request& with_max_forwards(int n) { return max_forwards = n, *this; }
    Request& with_to_tag(std::string t) { return to_tag = std::move(t), *this; }
    Request& with_body(std::size_t n) { return body_size = n, *this; }
};

inline std::string wire(const UdpPeer& caller, const Request& r) {
    std::string text = r.method + " " + r.uri + " SIP/2.0\n";
    text += "Via: SIP/2.0/UDP " + caller.host_port() + ";branch=" + r.branch + "\n";
    text += "Max-Forwards: " + std::to_string(r.max_forwards) + "\n";
    text += "From: <sip:alice@example.com>;tag=a1\n";
    text += "To: <sip:bob@example.com>" + (r.to_tag.empty() ? "" : ";tag=" + r.to_tag) + "\n";
    text += "Call-ID: hop-rules@127.0.0.1\n";
    text += "CSeq: 1 " + r.method + "\n";
    text += r.headers;
    if (r.body_size == 0) return text + "Content-Length: 0\n\n";
    text += "Content-Type: text/plain\nContent-Length: " + std::to_string(r.body_size) + "\n\n";
    return text + std::string(r.body_size, 'x');
}

}  // namespace cusax::sip_proxy::test
