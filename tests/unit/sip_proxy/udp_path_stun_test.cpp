// RFC 5626 §4.4.2, §8.4: a UA keeps a SIP flow over UDP alive with STUN Binding requests sent
// to the proxy's SIP port, and takes the flow for dead when no Binding response comes.
// Sofia-SIP's UDP transport answers them (a first byte of 0 or 1 is STUN, not SIP); the
// proxy's own UDP path must too, and must not count them as malformed SIP.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>

#include "proxy_fixture.hpp"

namespace cusax::sip_proxy {
namespace {

using test::InProcessProxy;

// A raw UDP socket on 127.0.0.1 (UdpPeer writes text with CRLF line ends; STUN is binary).
class RawPeer {
  public:
    RawPeer() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~RawPeer() { ::close(fd_); }
    unsigned port() const { return port_; }
    void send_to(unsigned port, const std::string& bytes) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    // Turns the proxy's loop until a datagram comes (bounded: a broken proxy, not a speed).
    std::optional<std::string> next(InProcessProxy& proxy) const {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        char buffer[2048];
        while (std::chrono::steady_clock::now() < give_up) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n > 0) return std::string(buffer, static_cast<std::size_t>(n));
            su_root_step(proxy.root(), 5);
        }
        return std::nullopt;
    }

  private:
    int fd_ = -1;
    unsigned port_ = 0;
};

// RFC 5389 §6: a Binding request (type 0x0001), no attributes, the magic cookie, a
// transaction id.
std::string binding_request(const std::array<unsigned char, 12>& transaction) {
    std::string bytes = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, static_cast<char>(0xa4), 0x42};
    bytes.append(reinterpret_cast<const char*>(transaction.data()), transaction.size());
    return bytes;
}

class StunKeepAlive : public ::testing::TestWithParam<UdpTransport> {};

TEST_P(StunKeepAlive, ABindingRequestGetsABindingResponse) {
    ProxySettings settings;
    settings.udp_transport = GetParam();
    InProcessProxy proxy(settings);
    RawPeer ua;
    const std::array<unsigned char, 12> transaction = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    ua.send_to(proxy.port(), binding_request(transaction));
    const auto response = ua.next(proxy);
    ASSERT_TRUE(response) << "no Binding response";
    ASSERT_GE(response->size(), 20u);
    EXPECT_EQ(response->substr(0, 2), std::string("\x01\x01", 2)) << "not a Binding response";
    EXPECT_EQ(response->substr(8, 12),
              std::string(reinterpret_cast<const char*>(transaction.data()), 12))
        << "another transaction id";
    EXPECT_EQ(proxy.counter("messages.malformed"), 0u);
}

INSTANTIATE_TEST_SUITE_P(BothPaths, StunKeepAlive,
                         ::testing::Values(UdpTransport::sofia, UdpTransport::batched),
                         [](const auto& param_info) {
                             return param_info.param == UdpTransport::sofia ? "sofia" : "batched";
                         });

}  // namespace
}  // namespace cusax::sip_proxy
