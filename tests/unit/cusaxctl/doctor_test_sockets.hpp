#pragma once
// Sockets on 127.0.0.1 with a free port, for doctor's probes to talk to in unit tests.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>

namespace cusax::ctl::testing {

// A bound socket of `type`: SOCK_DGRAM (a UDP hop), or SOCK_STREAM listening (the kernel
// completes connections into its backlog; nothing accepts them unless the test does).
// Reads on it end after 15 s, so that a test's peer thread never waits for ever.
class LoopbackSocket {
  public:
    explicit LoopbackSocket(int type) : fd(::socket(AF_INET, type, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        if (type == SOCK_STREAM) ::listen(fd, 4);
        socklen_t length = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
        port = ntohs(a.sin_port);
        timeval bound{15, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    }
    ~LoopbackSocket() {
        if (fd >= 0) ::close(fd);
    }
    LoopbackSocket(const LoopbackSocket&) = delete;
    LoopbackSocket& operator=(const LoopbackSocket&) = delete;

    int fd;
    std::uint16_t port = 0;
};

}  // namespace cusax::ctl::testing
