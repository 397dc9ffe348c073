#pragma once
// What doctor's network probes share: a deadline for every wait (a silent peer must never hang
// doctor), the ways a probe fails, an owned socket, and a socket address.
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cusax::ctl::doctor {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// How a probe failed; each gets its own verdict and fix.
enum class NetFailure {
    lookup,   // the host name does not resolve
    refused,  // nothing listens (TCP RST, ICMP port unreachable)
    timeout,  // no answer before the deadline
    tls,      // the TLS handshake failed (certificate, protocol)
    closed,   // the peer closed the connection before answering
    other,    // any other socket error
};

struct NetError : std::runtime_error {
    NetError(NetFailure kind, const std::string& what) : std::runtime_error(what), failure(kind) {}
    NetFailure failure;
};

// Milliseconds left until `deadline` for poll(): 0 once it has passed.
int remaining_ms(Deadline deadline);

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT); false at the deadline.
bool wait_ready(int fd, short events, Deadline deadline);

// A socket address and its length, as getaddrinfo and getsockname give them.
struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// "192.0.2.1" or "2001:db8::1" (without brackets), and the port.
std::string address_text(const SocketAddress& address);
std::uint16_t address_port(const SocketAddress& address);
// "192.0.2.1:5060" or "[2001:db8::1]:5060".
std::string endpoint_text(const SocketAddress& address);

// The local address a connected socket uses.
SocketAddress local_address(int fd);

// A file descriptor closed when it goes out of scope.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();
    int get() const { return fd_; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_ = -1;
};

// A non-blocking socket of `type` (SOCK_STREAM, SOCK_DGRAM) connected to `address`, waiting
// for a stream's connection until the deadline. Throws NetError (refused, timeout, other).
UniqueFd connect_socket(const SocketAddress& address, int type, Deadline deadline);

// strerror(errno_value) as a std::string.
std::string error_text(int errno_value);

}  // namespace cusax::ctl::doctor
