#pragma once
// A TCP connection, optionally TLS from the first byte, whose every wait ends at a deadline:
// what doctor speaks SIP over TCP/TLS and XEP-0114 through. OpenSSL directly, on a
// non-blocking socket: cusaxctl links neither Sofia-SIP nor Asio.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cusaxctl/doctor/net_basics.hpp"

namespace cusax::ctl::doctor {

struct TlsClientSettings {
    // PEM file of the CAs that may sign the peer's certificate; empty: the system's CAs.
    std::string ca_file;
    // The name (or IP address) the peer's certificate must carry, also sent as SNI (not for
    // an address, RFC 6066 §3).
    std::string server_name;
    bool verify = true;
    // PEM file with our own key and certificate (Sofia-SIP's agent.pem), or empty.
    std::string client_certificate;
};

class StreamConnection {
  public:
    // Connects to the first of `addresses` that takes the connection, then does the TLS
    // handshake when `tls` is given. Throws NetError.
    StreamConnection(const std::vector<SocketAddress>& addresses, Deadline deadline,
                     const TlsClientSettings* tls);
    ~StreamConnection();
    StreamConnection(const StreamConnection&) = delete;
    StreamConnection& operator=(const StreamConnection&) = delete;

    void write_all(std::string_view bytes, Deadline deadline);
    // What has arrived (at least one byte), "" once the peer closed the connection. Throws
    // NetError(timeout) at the deadline.
    std::string read_some(Deadline deadline);

    // The addresses of the connection, for a Via header and for messages.
    const SocketAddress& local() const { return local_; }
    const SocketAddress& peer() const { return peer_; }

  private:
    struct Tls;
    void start_tls(const TlsClientSettings& settings, Deadline deadline);

    UniqueFd fd_;
    SocketAddress local_;
    SocketAddress peer_;
    std::unique_ptr<Tls> tls_;
};

}  // namespace cusax::ctl::doctor
