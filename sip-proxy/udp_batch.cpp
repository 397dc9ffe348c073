#include "sip-proxy/udp_batch.hpp"

#include <cerrno>
#include <cstring>

namespace cusax::sip_proxy {

UdpReceiveBatch::UdpReceiveBatch(std::size_t capacity)
    // Left uninitialised on purpose: the kernel writes only what a datagram needs, so the
    // pages of a buffer never filled are never touched (resident memory stays small).
    : buffers_(new char[capacity * kLargestDatagram]),
      iovecs_(capacity),
      sources_(capacity),
      headers_(capacity) {
    char* base = buffers_.get();
    for (std::size_t i = 0; i < capacity; ++i) {
        iovecs_[i] = {base + i * kLargestDatagram, kLargestDatagram};
        msghdr& h = headers_[i].msg_hdr;
        h = {};
        h.msg_name = &sources_[i];
        h.msg_namelen = sizeof sources_[i];
        h.msg_iov = &iovecs_[i];
        h.msg_iovlen = 1;
    }
}

std::size_t UdpReceiveBatch::receive(int fd) {
    // The kernel wrote the address length and flags of the datagrams read last time.
    for (std::size_t i = 0; i < used_; ++i) {
        headers_[i].msg_hdr.msg_namelen = sizeof sources_[i];
        headers_[i].msg_hdr.msg_flags = 0;
    }
    used_ = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const int n = recvmmsg(fd, headers_.data(), static_cast<unsigned>(headers_.size()),
                               MSG_DONTWAIT, nullptr);
        if (n >= 0) return used_ = static_cast<std::size_t>(n);
        // EINTR, or a pending socket error (an ICMP report: IP_RECVERR is on) that this call
        // has cleared: try again. EAGAIN: nothing waiting.
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    }
    return 0;
}

std::string_view UdpReceiveBatch::bytes(std::size_t i) const {
    return {static_cast<const char*>(iovecs_[i].iov_base), headers_[i].msg_len};
}

sockaddr const* UdpReceiveBatch::from(std::size_t i) const {
    return reinterpret_cast<sockaddr const*>(&sources_[i]);
}

socklen_t UdpReceiveBatch::from_length(std::size_t i) const {
    return headers_[i].msg_hdr.msg_namelen;
}

bool UdpReceiveBatch::truncated(std::size_t i) const {
    return (headers_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
}

UdpSendBatch::UdpSendBatch(std::size_t capacity)
    : slots_(capacity), headers_(capacity), iovecs_(capacity) {}

void UdpSendBatch::add(int fd, const UdpDestination& to, const iovec* pieces, std::size_t count) {
    if (used_ == slots_.size()) flush();
    Slot& slot = slots_[used_++];
    slot.fd = fd;
    slot.to = to;
    slot.bytes.clear();
    for (std::size_t i = 0; i < count; ++i) {
        const auto* data = static_cast<const char*>(pieces[i].iov_base);
        slot.bytes.insert(slot.bytes.end(), data, data + pieces[i].iov_len);
    }
}

std::size_t UdpSendBatch::flush() {
    for (std::size_t i = 0; i < used_; ++i) {
        Slot& slot = slots_[i];
        iovecs_[i] = {slot.bytes.data(), slot.bytes.size()};
        msghdr& h = headers_[i].msg_hdr;
        h = {};
        h.msg_name = &slot.to.address;
        h.msg_namelen = slot.to.length;
        h.msg_iov = &iovecs_[i];
        h.msg_iovlen = 1;
    }
    std::size_t failed = 0;
    std::size_t next = 0;
    bool retried = false;
    while (next < used_) {
        std::size_t run = next;
        while (run < used_ && slots_[run].fd == slots_[next].fd) ++run;
        const int sent = sendmmsg(slots_[next].fd, &headers_[next],
                                  static_cast<unsigned>(run - next), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent > 0) {
            next += static_cast<std::size_t>(sent);
            retried = false;
            continue;
        }
        const int error = sent < 0 ? errno : 0;
        if (error == EINTR) continue;
        // The datagram at `next` failed: a pending error of an earlier datagram (ICMP) is
        // reported by this send and cleared, so one retry; a second failure is its own
        // (a full send buffer, no route): it is lost, as the network may lose it.
        if (!retried) {
            retried = true;
            continue;
        }
        ++failed;
        last_error_ = error;
        ++next;
        retried = false;
    }
    used_ = 0;
    return failed;
}

}  // namespace cusax::sip_proxy
