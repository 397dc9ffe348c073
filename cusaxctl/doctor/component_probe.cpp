#include "cusaxctl/doctor/component_probe.hpp"

#include "cusaxctl/doctor/component_reply.hpp"
#include "cusaxctl/doctor/name_lookup.hpp"
#include "cusaxctl/doctor/stream_connection.hpp"

namespace cusax::ctl::doctor {
namespace {

using std::chrono::milliseconds;

// How long to wait for the server's </stream:stream> after ours: the verdict is known by then,
// so this wait is short, and only says whether the close was clean.
constexpr milliseconds kCloseWait{2000};

// Reads into `reply` until `done()` holds, the server closes the connection or the deadline.
// Returns false when the connection was closed.
template <typename Done>
bool read_until(StreamConnection& connection, ComponentReply& reply, Deadline deadline, Done done) {
    while (!done()) {
        const auto bytes = connection.read_some(deadline);
        if (bytes.empty()) return false;
        reply.feed(bytes);
    }
    return true;
}

}  // namespace

HandshakeOutcome probe_component(const xmpp::ComponentSettings& settings, milliseconds timeout) {
    HandshakeOutcome out;
    out.server = settings.server_host + ":" + std::to_string(settings.server_port);
    const auto deadline = Clock::now() + timeout;
    try {
        const auto addresses =
            resolve(settings.server_host, settings.server_port, SOCK_STREAM, deadline);
        TlsClientSettings tls;
        tls.ca_file = settings.tls_ca_file;
        tls.server_name =
            settings.tls_server_name.empty() ? settings.server_host : settings.tls_server_name;
        StreamConnection connection(addresses, deadline, settings.tls ? &tls : nullptr);
        out.server = endpoint_text(connection.peer());
        out.connected = true;
        ComponentReply reply;
        auto answered = [&] {
            return reply.accepted() || reply.error_condition() || reply.not_xmpp() ||
                   reply.closed();
        };
        connection.write_all(component_stream_open(settings.domain), deadline);
        const bool open = read_until(connection, reply, deadline,
                                     [&] { return reply.stream_id() || answered(); });
        out.stream_opened = reply.stream_id().has_value();
        if (open && out.stream_opened && !answered()) {
            connection.write_all(component_handshake(*reply.stream_id(), settings.secret),
                                 deadline);
            read_until(connection, reply, deadline, answered);
        }
        out.accepted = reply.accepted();
        out.stream_error = reply.error_condition();
        out.stream_error_text = reply.error_text();
        out.not_xmpp = reply.not_xmpp();
        if (!out.stream_opened && !out.not_xmpp && !out.accepted && !out.stream_error) {
            throw NetError(NetFailure::closed, out.server + ": closed the connection");
        }
        if (out.stream_opened && !answered()) {
            throw NetError(NetFailure::closed, out.server +
                                                   ": closed the connection without "
                                                   "answering the handshake");
        }
        if (!out.not_xmpp) {
            // A clean close (RFC 6120 §4.4): our </stream:stream>, then the server's.
            try {
                connection.write_all("</stream:stream>", deadline);
                read_until(connection, reply, Clock::now() + kCloseWait,
                           [&] { return reply.closed(); });
            } catch (const NetError&) {
                // The verdict stands; only the close was not clean.
            }
            out.closed_cleanly = reply.closed();
        }
    } catch (const NetError& e) {
        out.failure = e.failure;
        out.error = e.what();
    }
    return out;
}

}  // namespace cusax::ctl::doctor
