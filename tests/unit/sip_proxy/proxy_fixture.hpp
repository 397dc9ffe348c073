#pragma once
// The real StatelessProxy in this process, listening on 127.0.0.1 on a port the kernel picks,
// driven the way NTA drives it: raw UDP peers send wire text to it and the test turns the
// su_root loop until the event it waits for has happened (bounded), as Flexisip's tester does
// (tester/utils/server/proxy-server.hh). A peer plays both the caller and the next hop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "shared/counters/counters.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/stateless_proxy.hpp"
#include "wire_text.hpp"

namespace cusax::sip_proxy::test {

// A UDP socket bound to `address` on a port the kernel picks (all of 127/8 is loopback).
class UdpPeer {
  public:
    explicit UdpPeer(const char* address = "127.0.0.1") : host_(address) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = 0;
        if (::inet_pton(AF_INET, address, &a.sin_addr) != 1 ||
            ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(fd_);
            throw std::runtime_error(std::string("cannot bind a UDP socket on ") + address);
        }
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~UdpPeer() { ::close(fd_); }
    UdpPeer(const UdpPeer&) = delete;
    UdpPeer& operator=(const UdpPeer&) = delete;

    const std::string& host() const { return host_; }
    unsigned port() const { return port_; }
    std::string host_port() const { return host_ + ":" + std::to_string(port_); }

    // Sends the text (written with "\n" line ends) as one datagram to host:port.
    void send_to(const std::string& host, unsigned port, std::string_view text) const {
        const std::string wire = crlf(text);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, host.c_str(), &to.sin_addr);
        if (::sendto(fd_, wire.data(), wire.size(), 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to) != static_cast<ssize_t>(wire.size()))
            throw std::runtime_error("sendto failed");
    }

    // One datagram if one is waiting, else nothing (never blocks).
    std::optional<std::string> receive() const {
        char buffer[65536];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) return std::nullopt;
        return std::string(buffer, static_cast<std::size_t>(n));
    }

  private:
    std::string host_;
    int fd_ = -1;
    unsigned port_ = 0;
};

class InProcessProxy {
  public:
    // settings.listen is replaced by one UDP listener on 127.0.0.1 (port picked by the kernel).
    explicit InProcessProxy(ProxySettings settings, SnapshotSource snapshots = {})
        : root_(make_root()) {
        settings.listen = {"sip:127.0.0.1:0"};
        proxy_ = std::make_unique<StatelessProxy>(root_.get(), std::move(settings),
                                                  std::move(snapshots), registry_);
        if (proxy_->sent_by().empty()) throw std::runtime_error("proxy has no Via");
        port_ = static_cast<unsigned>(std::stoul(proxy_->sent_by().front().port));
    }

    unsigned port() const { return port_; }
    const std::string& host() const { return host_; }
    counters::Registry& registry() { return registry_; }
    StatelessProxy& proxy() { return *proxy_; }
    su_root_t* root() { return root_.get(); }
    std::uint64_t counter(std::string_view name) { return registry_.get(name).value(); }

    // Sends `text` from `peer` to the proxy.
    void send(const UdpPeer& peer, std::string_view text) { peer.send_to(host_, port_, text); }

    // Turns the loop until `peer` receives a datagram; nothing when none came within the
    // bound (a failure bound for a broken proxy, never a measure of speed).
    std::optional<std::string> next_datagram(const UdpPeer& peer) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < give_up) {
            if (auto datagram = peer.receive()) return datagram;
            su_root_step(root_.get(), 5);
        }
        return peer.receive();
    }

  private:
    SofiaLibrary sofia_;
    SuRoot root_;
    counters::Registry registry_;
    std::unique_ptr<StatelessProxy> proxy_;
    std::string host_ = "127.0.0.1";
    unsigned port_ = 0;
};

// The value of the first header line named `name` (case-insensitive, long form), or nothing.
inline std::optional<std::string> header(std::string_view message, std::string_view name) {
    std::size_t pos = 0;
    while (pos < message.size()) {
        std::size_t end = message.find("\r\n", pos);
        if (end == std::string_view::npos) end = message.size();
        std::string_view line = message.substr(pos, end - pos);
        if (line.empty()) break;  // end of headers
        if (line.size() > name.size() && line[name.size()] == ':' &&
            cusax::text::iequals(line.substr(0, name.size()), name)) {
            std::string_view value = line.substr(name.size() + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            return std::string(value);
        }
        pos = end + 2;
    }
    return std::nullopt;
}

// The first line ("INVITE sip:... SIP/2.0" or "SIP/2.0 403 Forbidden").
inline std::string start_line(std::string_view message) {
    return std::string(message.substr(0, message.find("\r\n")));
}

}  // namespace cusax::sip_proxy::test
