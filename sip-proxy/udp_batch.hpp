#pragma once
// Wire layer: UDP datagrams read and written in batches, one system call for many
// (recvmmsg, sendmmsg), where Sofia-SIP's UDP transport makes four per datagram (its size
// with FIONREAD, the datagram, a pending error with getsockopt, the send). Plain sockets and
// bytes: what a datagram means is for udp_path.hpp.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "sip-proxy/udp_destination.hpp"

namespace cusax::sip_proxy {

// Up to `capacity` datagrams of up to 64 KiB each, read at once from one socket.
class UdpReceiveBatch {
  public:
    explicit UdpReceiveBatch(std::size_t capacity);

    // Reads what is waiting on `fd` (never blocks). Returns how many datagrams (0: none);
    // a socket error (a pending ICMP report) is cleared and reported as none.
    std::size_t receive(int fd);

    std::string_view bytes(std::size_t i) const;
    sockaddr const* from(std::size_t i) const;
    socklen_t from_length(std::size_t i) const;
    // The datagram did not fit its buffer (it was larger than any SIP message over UDP).
    bool truncated(std::size_t i) const;
    std::size_t capacity() const { return headers_.size(); }

  private:
    static constexpr std::size_t kLargestDatagram = 65535;
    std::unique_ptr<char[]> buffers_;
    std::vector<iovec> iovecs_;
    std::vector<sockaddr_storage> sources_;
    std::vector<mmsghdr> headers_;
    std::size_t used_ = 0;  // datagrams the last receive() read
};

// Datagrams queued while a batch of received ones is handled, written together by flush().
class UdpSendBatch {
  public:
    explicit UdpSendBatch(std::size_t capacity);

    // Queues a copy of the pieces (one datagram) for `to` from socket `fd`; a full queue is
    // flushed first.
    void add(int fd, const UdpDestination& to, const iovec* pieces, std::size_t count);

    // Sends everything queued, one sendmmsg per run of datagrams for the same socket.
    // Returns how many could not be sent (after one retry each: a pending error of an
    // earlier datagram is reported by the next send, and cleared by it).
    std::size_t flush();
    bool empty() const { return used_ == 0; }
    // errno of the last datagram flush() could not send.
    int last_error() const { return last_error_; }

  private:
    struct Slot {
        int fd = -1;
        UdpDestination to;
        std::vector<char> bytes;
    };
    std::vector<Slot> slots_;
    std::vector<mmsghdr> headers_;
    std::vector<iovec> iovecs_;
    std::size_t used_ = 0;
    int last_error_ = 0;
};

}  // namespace cusax::sip_proxy
