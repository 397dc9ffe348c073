#pragma once
// The generic XEP-0114 component stream (wire layer): connects to the server's component port,
// opens the jabber:component:accept stream, authenticates with the handshake, then hands each
// stanza to a StanzaHandler and writes back what it returns. Stream errors and lost connections
// give one log line and a reconnect with exponential back-off and jitter; whitespace keepalives
// and a read timeout notice a dead server; stop() closes the stream cleanly.
//
// Runs entirely on one io_context thread. Asio stays out of this header so that only this file
// and main.cpp pay for it.
#include <cstdint>
#include <memory>

#include "shared/counters/counters.hpp"
#include "xmpp-component/component_settings.hpp"
#include "xmpp-component/stanza_handler.hpp"

namespace boost::asio {
class io_context;
}

namespace cusax::xmpp {

class ComponentStream {
  public:
    // Registers its counters (component_counters.hpp) in `registry`, which must outlive it.
    ComponentStream(boost::asio::io_context& io, ComponentSettings settings, StanzaHandler& handler,
                    counters::Registry& registry);
    ~ComponentStream();
    ComponentStream(const ComponentStream&) = delete;
    ComponentStream& operator=(const ComponentStream&) = delete;

    void start();
    // Sends </stream:stream>, waits up to close_timeout for the server's own, closes and does
    // not reconnect. Once it has, the stream has no work left on the io_context.
    void stop();

    struct Counters {
        std::uint64_t connects = 0;  // successful handshakes
        std::uint64_t reconnects = 0;
        std::uint64_t stanzas_in = 0;
        std::uint64_t stanzas_out = 0;
    };
    Counters counters() const;  // a consistent view only on the io_context thread

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace cusax::xmpp
