#pragma once
// One client connection: over TLS (HTTPS here) or plain (behind a TLS terminator), read a
// request within the limits of [provisioning] (header and body sizes, request_timeout for the
// TLS handshake and a first request, idle_timeout for each later one), hand it to the service
// (provisioning_service.hpp), write the answer, and go on while the client keeps the connection.
// Malformed or oversized requests get their 4xx and the connection is closed.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "provisioning/asio_include.hpp"
#include "provisioning/connection_table.hpp"
#include "provisioning/provisioning_counters.hpp"
#include "provisioning/provisioning_service.hpp"
#include "provisioning/provisioning_settings.hpp"

namespace cusax::provisioning {

class HttpSessionBase {
  public:
    virtual ~HttpSessionBase() = default;
    virtual void close_now() = 0;  // displaced or shutting down: pending operations abort
};

// What every session of one server shares, kept alive by the sessions themselves so that a
// session outliving the server (its handler still queued) finds it intact.
struct SessionRegistry {
    SessionRegistry(std::size_t max_connections, std::size_t max_per_source)
        : table(max_connections, max_per_source) {}
    ConnectionTable table;
    std::unordered_map<ConnectionTable::Id, std::weak_ptr<HttpSessionBase>> sessions;
};

struct SessionContext {
    std::shared_ptr<SessionRegistry> registry;
    ProvisioningService* service;
    const HttpSettings* settings;
    ProvisioningCounters* counters;
};

// Starts a session over an accepted socket. tls: the server's context, or nullptr for plain
// HTTP. peer: the socket's remote address; source: its address key (client_address.hpp).
void start_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                   const SessionContext& context, ConnectionTable::Id id, std::string peer,
                   std::string source);

}  // namespace cusax::provisioning
