#pragma once
// What the component stream needs to know, filled from the [xmpp-component] INI section by
// component_config.cpp, which declares each key beside its member here: a member's default
// is its key's default (tests fill the struct by hand).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cusax::xmpp {

struct ComponentSettings {
    std::string server_host = "127.0.0.1";
    std::uint16_t server_port = 5347;
    std::string domain;  // the component's own domain, e.g. sip.example.com
    std::string secret;  // never logged
    // TLS from the first byte to the server's component port, the certificate verified
    // against tls_ca_file (empty: the system's CAs) and tls_server_name (empty: server_host).
    bool tls = false;
    std::string tls_ca_file;
    std::string tls_server_name;
    std::vector<std::string> local_domains;
    std::chrono::milliseconds reconnect_min{1000};
    std::chrono::milliseconds reconnect_max{60000};
    // Above the largest stanza the XMPP servers route to a component
    // (docs/xmpp-component-internals.md, "Stanza size"); a larger one costs only itself.
    std::size_t max_stanza_size = 1024 * 1024;
    // Whitespace keepalive every interval; with nothing read for one interval a ping goes
    // through the server, and with nothing read for two the connection is declared dead.
    std::chrono::milliseconds keepalive_interval{60000};
    std::chrono::milliseconds handshake_timeout{10000};
    std::chrono::milliseconds close_timeout{2000};  // wait for the server's </stream:stream>
    // stop() on a ready stream waits for the answers the handler owes (on_stream_closing) at
    // most close_timeout plus this: the features start no store call after close_timeout
    // (DelegationStores::start_wait_when_closing), and one started before it may take the
    // store's own longest wait to return, its answer owed all the same (main.cpp sets it from
    // the stores' wait; 0 without a store).
    std::chrono::milliseconds store_call_wait{0};
};

}  // namespace cusax::xmpp
