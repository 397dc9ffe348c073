#pragma once
// The generic XEP-0114 component stream (wire layer): connects to the server's component port,
// opens the jabber:component:accept stream, authenticates with the handshake, then hands each
// stanza to a StanzaHandler and writes back what it returns. Stream errors and lost connections
// give one log line and a reconnect with exponential back-off and jitter (reset only once a
// stream has stayed up for reconnect_max); whitespace keepalives and a read timeout notice a
// dead server; stop() closes the stream cleanly, once the handler has sent the answers it
// still owes (StanzaHandler::on_stream_closing), within close_timeout plus store_call_wait.
//
// One user must not be able to take this stream, everyone's service, down:
// - a stanza over max_stanza_size, nested deeper than the parser keeps, or not
//   namespace-well-formed (a user's <xml:foo/> as Prosody writes it) is skipped, logged and,
//   when it is an iq request, answered with a stanza error (when it is an iq answer, the
//   handler gets it as that error, so that its request ends); the stream goes on
//   (xml_stream_parser.hpp);
// - the write queue is bounded: past a high-water mark the stream stops reading (and so stops
//   taking new requests) until the queue drains below a low-water mark, and a server that does
//   not take our writes for two keepalive intervals gets the connection closed and retried.
//
// Runs entirely on one io_context thread. Asio stays out of this header so that only this file
// and main.cpp pay for it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "shared/counters/counters.hpp"
#include "xmpp-component/component_settings.hpp"
#include "xmpp-component/stanza_handler.hpp"

namespace boost::asio {
class io_context;
}

namespace cusax::xmpp {

// Bytes queued for the server (not yet taken by the kernel) at which reading stops, and below
// which it resumes. Not configuration: the defaults hold the answers to a few hundred requests,
// far more than a healthy server leaves unread; tests set small ones.
struct WriteQueueLimits {
    std::size_t high_water = 1024 * 1024;
    std::size_t low_water = 256 * 1024;
};

class ComponentStream {
  public:
    // Registers its counters (component_counters.hpp) in `registry`, which must outlive it.
    ComponentStream(boost::asio::io_context& io, ComponentSettings settings, StanzaHandler& handler,
                    counters::Registry& registry, WriteQueueLimits write_limits = {});
    ~ComponentStream();
    ComponentStream(const ComponentStream&) = delete;
    ComponentStream& operator=(const ComponentStream&) = delete;

    void start();
    // On a ready stream, first lets the handler send the answers it still owes (up to
    // close_timeout plus store_call_wait; stanzas arriving meanwhile are still handled); then sends
    // </stream:stream>, waits up to close_timeout for the server's own, closes and does not
    // reconnect. On a stream that is down (waiting to reconnect, or connecting) while the
    // handler still owes answers (StanzaHandler::owes_answers), connects once more first, at
    // once, and stops as above once it is up; gives up, the answers unsent, if it is not up
    // within close_timeout plus store_call_wait or the connection fails. Once it has, the
    // stream has no work left on the io_context.
    void stop();

    // SIGHUP: loads the CA certificates of `tls_ca_file` again (a renewed or replaced file)
    // for the next TLS connection; the connection that is up keeps its own. Throws, changing
    // nothing, when the file cannot be loaded. Call on the io_context thread.
    void reload_tls_ca_file(const std::string& tls_ca_file);

    struct Counters {
        std::uint64_t connects = 0;  // successful handshakes
        std::uint64_t reconnects = 0;
        std::uint64_t stanzas_in = 0;
        std::uint64_t stanzas_out = 0;
        std::uint64_t stanzas_too_large = 0;        // skipped for max_stanza_size
        std::uint64_t stanzas_too_deep = 0;         // skipped for nesting (xml_stream_parser.hpp)
        std::uint64_t stanzas_namespace_error = 0;  // skipped: not namespace-well-formed
        std::uint64_t write_stalls = 0;  // connections closed for a write queue never drained
        std::size_t write_queue_peak_bytes = 0;
    };
    Counters counters() const;  // a consistent view only on the io_context thread

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace cusax::xmpp
