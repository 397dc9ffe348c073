#include "cusaxctl/doctor/net_basics.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cusax::ctl::doctor {

int remaining_ms(Deadline deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

bool wait_ready(int fd, short events, Deadline deadline) {
    while (true) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

std::string address_text(const SocketAddress& address) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (address.storage.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(address.storage);
        ::inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf);
    } else if (address.storage.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address.storage);
        ::inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf);
    }
    return buf;
}

std::uint16_t address_port(const SocketAddress& address) {
    if (address.storage.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in&>(address.storage).sin_port);
    }
    if (address.storage.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address.storage).sin6_port);
    }
    return 0;
}

std::string endpoint_text(const SocketAddress& address) {
    const auto host = address_text(address);
    const auto port = std::to_string(address_port(address));
    return address.storage.ss_family == AF_INET6 ? "[" + host + "]:" + port : host + ":" + port;
}

SocketAddress local_address(int fd) {
    SocketAddress out;
    out.length = sizeof out.storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&out.storage), &out.length) != 0) {
        out.length = 0;
    }
    return out;
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

std::string error_text(int errno_value) { return std::strerror(errno_value); }

UniqueFd connect_socket(const SocketAddress& address, int type, Deadline deadline) {
    UniqueFd fd(::socket(address.storage.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) throw NetError(NetFailure::other, "socket: " + error_text(errno));
    const auto where = endpoint_text(address);
    if (::connect(fd.get(), address.get(), address.length) == 0) return fd;
    if (errno == ECONNREFUSED) throw NetError(NetFailure::refused, where + ": connection refused");
    if (errno != EINPROGRESS) throw NetError(NetFailure::other, where + ": " + error_text(errno));
    if (!wait_ready(fd.get(), POLLOUT, deadline)) {
        throw NetError(NetFailure::timeout, where + ": no answer to the connection");
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == ECONNREFUSED) throw NetError(NetFailure::refused, where + ": connection refused");
    if (error != 0) throw NetError(NetFailure::other, where + ": " + error_text(error));
    return fd;
}

}  // namespace cusax::ctl::doctor
