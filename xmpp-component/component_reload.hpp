#pragma once
// SIGHUP in cusax-xmpp-component: the INI file is read again and its reloadable keys (search
// limits, account listing, service name, log level and format) apply from the next stanza,
// the TLS CA file from the next connection; the XMPP stream stays up
// (shared/runtime/config_reload.hpp).
//
// The signal is taken by a signal_set on the io_context that runs the stream, so the change
// happens between two stanzas on the thread that handles them.
#include <string>
#include <vector>

#include "shared/config/config.hpp"
#include "shared/runtime/config_reload.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_stream.hpp"
#include "xmpp-component/stanza_router.hpp"

namespace cusax::xmpp {

class ComponentReload {
  public:
    // `running`: the configuration the component started with; `needed`: the sections it
    // reads. Waits for SIGHUP until stop().
    ComponentReload(boost::asio::io_context& io, config::Config running,
                    std::vector<std::string> needed, StanzaRouter& router,
                    ComponentStream& stream);

    // Reads the file again and applies it; what SIGHUP does (public for tests).
    void reload();
    // Stops waiting for SIGHUP (the io_context can then run out of work).
    void stop();

  private:
    void wait();

    boost::asio::signal_set signal_;
    runtime::ConfigReloader reloader_;
};

}  // namespace cusax::xmpp
