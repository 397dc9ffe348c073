#pragma once
// The listening side: one acceptor per [provisioning] listen entry, the TLS context (TLS 1.2 or
// newer; none in plain_http_from mode), and the admission of each new connection against the
// connection caps (connection_table.hpp) before a session starts (http_session.hpp).
#include <memory>
#include <vector>

#include "provisioning/asio_include.hpp"
#include "provisioning/http_session.hpp"

namespace cusax::provisioning {

// The server's TLS context: TLS 1.2 or newer, no renegotiation, the certificate chain and key
// of the settings. Throws std::runtime_error naming the file that cannot be used.
boost::asio::ssl::context make_server_tls_context(const HttpSettings& settings);

class HttpsServer {
  public:
    // Binds every listen address; throws std::runtime_error naming the one that fails.
    HttpsServer(boost::asio::io_context& io, const HttpSettings& settings,
                ProvisioningService& service, ProvisioningCounters& counters);

    void start();
    // Closes the listeners and every connection.
    void stop();

    std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;

    // Whether the listeners speak TLS (no plain_http_from).
    bool serves_tls() const { return tls_ != nullptr; }
    // After the settings it was made with were replaced (a reload): new connections use `tls`
    // (made by make_server_tls_context; null in plain HTTP mode) and the new connection caps.
    // Connections that are up keep the context they were made with, and stay.
    void apply_reloaded(std::shared_ptr<boost::asio::ssl::context> tls);

  private:
    void accept(boost::asio::ip::tcp::acceptor& acceptor);
    void admit(boost::asio::ip::tcp::socket socket);

    const HttpSettings& settings_;
    // Null: plain HTTP behind a terminator. Shared with the sessions made with it, which keep
    // it after a reload replaced it here.
    std::shared_ptr<boost::asio::ssl::context> tls_;
    SessionContext context_;
    std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
};

}  // namespace cusax::provisioning
