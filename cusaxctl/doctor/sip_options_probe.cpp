#include "cusaxctl/doctor/sip_options_probe.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "cusaxctl/doctor/name_lookup.hpp"

namespace cusax::ctl::doctor {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kT1{500};   // RFC 3261 §17.1.1.1: the first retransmission interval
constexpr milliseconds kT2{4000};  // and its cap for non-INVITE requests (§17.1.2.2)

std::string sent_by(const SocketAddress& local) { return endpoint_text(local); }

// The answer over UDP: the connected socket reports an ICMP port unreachable as
// ECONNREFUSED, so "nothing listens" is told apart from "no answer".
SipResponse options_over_udp(const SocketAddress& peer, const SipTarget& target,
                             Deadline deadline) {
    UniqueFd fd = connect_socket(peer, SOCK_DGRAM, deadline);
    const auto ids = new_options_identifiers();
    const auto request = options_request(target, sent_by(local_address(fd.get())), ids);
    const auto where = endpoint_text(peer);
    auto refused = [&] { return NetError(NetFailure::refused, where + ": port unreachable"); };
    milliseconds interval = kT1;
    auto next_send = Clock::now();
    while (true) {
        if (Clock::now() >= next_send) {
            if (::send(fd.get(), request.data(), request.size(), 0) < 0) {
                if (errno == ECONNREFUSED) throw refused();
                throw NetError(NetFailure::other, where + ": " + error_text(errno));
            }
            next_send = Clock::now() + interval;
            interval = std::min(interval * 2, kT2);
        }
        if (Clock::now() >= deadline) throw NetError(NetFailure::timeout, where + ": no answer");
        if (!wait_ready(fd.get(), POLLIN, std::min(next_send, deadline))) continue;
        char buf[65536];
        const auto n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == ECONNREFUSED) throw refused();
            if (errno == EAGAIN || errno == EINTR) continue;
            throw NetError(NetFailure::other, where + ": " + error_text(errno));
        }
        const auto response = parse_sip_response(std::string_view(buf, static_cast<size_t>(n)));
        if (response && is_final_answer(*response, ids)) return *response;
    }
}

SipResponse options_over_stream(const std::vector<SocketAddress>& addresses,
                                const SipTarget& target, Deadline deadline,
                                const TlsClientSettings* tls, std::string& peer) {
    StreamConnection connection(addresses, deadline, tls);
    peer = endpoint_text(connection.peer());
    const auto ids = new_options_identifiers();
    connection.write_all(options_request(target, sent_by(connection.local()), ids), deadline);
    std::string buffer;
    while (true) {
        while (const auto length = complete_message_length(buffer)) {
            const auto response = parse_sip_response(std::string_view(buffer).substr(0, length));
            if (response && is_final_answer(*response, ids)) return *response;
            buffer.erase(0, length);  // a provisional answer, or not ours
        }
        const auto more = connection.read_some(deadline);
        if (more.empty()) {
            throw NetError(NetFailure::closed, peer + ": closed the connection without an answer");
        }
        buffer += more;
        if (buffer.size() > 1 << 20) {
            throw NetError(NetFailure::other, peer + ": more than 1 MiB without an answer");
        }
    }
}

}  // namespace

OptionsOutcome probe_options(const SipTarget& target, milliseconds timeout,
                             const TlsClientSettings& tls) {
    OptionsOutcome out;
    const auto started = Clock::now();
    const auto deadline = started + timeout;
    out.peer = target.host + ":" + std::to_string(target.port);
    try {
        const bool udp = target.transport == SipTransport::udp;
        const auto addresses =
            resolve(target.host, target.port, udp ? SOCK_DGRAM : SOCK_STREAM, deadline);
        if (udp) {
            out.peer = endpoint_text(addresses.front());
            out.response = options_over_udp(addresses.front(), target, deadline);
        } else {
            const bool secure = target.transport == SipTransport::tls;
            out.response =
                options_over_stream(addresses, target, deadline, secure ? &tls : nullptr, out.peer);
        }
    } catch (const NetError& e) {
        out.failure = e.failure;
        out.error = e.what();
    }
    out.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    return out;
}

}  // namespace cusax::ctl::doctor
