#include "cusaxctl/doctor/stream_connection.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

namespace cusax::ctl::doctor {
namespace {

bool is_address_literal(const std::string& name) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, name.c_str(), buf) == 1 ||
           ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// OpenSSL's queued errors as one line (and the queue emptied).
std::string openssl_errors() {
    std::string out;
    while (const unsigned long code = ::ERR_get_error()) {
        char buf[256];
        ::ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? "unknown TLS error" : out;
}

}  // namespace

struct StreamConnection::Tls {
    std::unique_ptr<SSL_CTX, decltype(&::SSL_CTX_free)> ctx{nullptr, ::SSL_CTX_free};
    std::unique_ptr<SSL, decltype(&::SSL_free)> ssl{nullptr, ::SSL_free};

    // Runs one SSL call until it completes, waiting on the socket as OpenSSL asks. Returns
    // its result (> 0 done, 0 the peer closed) or throws NetError at the deadline.
    template <typename Call>
    int drive(int fd, Deadline deadline, const std::string& doing, Call call) {
        while (true) {
            ::ERR_clear_error();
            const int n = call();
            if (n > 0) return n;
            const int error = ::SSL_get_error(ssl.get(), n);
            if (error == SSL_ERROR_ZERO_RETURN) return 0;
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
                if (!wait_ready(fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                    throw NetError(NetFailure::timeout, doing + ": no answer");
                }
                continue;
            }
            if (error == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET)) {
                return 0;  // closed without close_notify
            }
            throw NetError(NetFailure::tls, doing + ": " + openssl_errors());
        }
    }
};

StreamConnection::StreamConnection(const std::vector<SocketAddress>& addresses, Deadline deadline,
                                   const TlsClientSettings* tls) {
    // Each address in turn, as a client of a host with several addresses does; the first
    // error that is not "refused" is the one reported.
    std::optional<NetError> first;
    for (const auto& address : addresses) {
        try {
            fd_ = connect_socket(address, SOCK_STREAM, deadline);
            peer_ = address;
            break;
        } catch (const NetError& e) {
            if (!first || first->failure == NetFailure::refused) first = e;
        }
    }
    if (fd_.get() < 0) {
        throw first ? *first : NetError(NetFailure::lookup, "no address to connect to");
    }
    local_ = local_address(fd_.get());
    if (tls) start_tls(*tls, deadline);
}

StreamConnection::~StreamConnection() {
    // A TLS close_notify, best effort: the socket is non-blocking, so this never waits.
    if (tls_) ::SSL_shutdown(tls_->ssl.get());
}

void StreamConnection::start_tls(const TlsClientSettings& settings, Deadline deadline) {
    tls_ = std::make_unique<Tls>();
    tls_->ctx.reset(::SSL_CTX_new(::TLS_client_method()));
    if (!tls_->ctx) throw NetError(NetFailure::tls, "TLS: " + openssl_errors());
    SSL_CTX* ctx = tls_->ctx.get();
    ::SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    const bool loaded = settings.ca_file.empty() ? ::SSL_CTX_set_default_verify_paths(ctx) == 1
                                                 : ::SSL_CTX_load_verify_locations(
                                                       ctx, settings.ca_file.c_str(), nullptr) == 1;
    if (settings.verify && !loaded) {
        throw NetError(NetFailure::tls, "TLS: cannot load the CA certificates " + settings.ca_file +
                                            ": " + openssl_errors());
    }
    if (!settings.client_certificate.empty()) {
        const char* file = settings.client_certificate.c_str();
        if (::SSL_CTX_use_certificate_chain_file(ctx, file) != 1 ||
            ::SSL_CTX_use_PrivateKey_file(ctx, file, SSL_FILETYPE_PEM) != 1) {
            throw NetError(NetFailure::tls, "TLS: cannot load " + settings.client_certificate +
                                                ": " + openssl_errors());
        }
    }
    ::SSL_CTX_set_verify(ctx, settings.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    tls_->ssl.reset(::SSL_new(ctx));
    SSL* ssl = tls_->ssl.get();
    if (!ssl || ::SSL_set_fd(ssl, fd_.get()) != 1) {
        throw NetError(NetFailure::tls, "TLS: " + openssl_errors());
    }
    // The certificate must name server_name (RFC 6125, checked by OpenSSL itself, as the
    // component does); SNI carries the name, except an address literal.
    const bool literal = is_address_literal(settings.server_name);
    X509_VERIFY_PARAM* param = ::SSL_get0_param(ssl);
    ::X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int named = literal
                          ? ::X509_VERIFY_PARAM_set1_ip_asc(param, settings.server_name.c_str())
                          : ::X509_VERIFY_PARAM_set1_host(param, settings.server_name.c_str(), 0);
    if (settings.verify && named != 1) {
        throw NetError(NetFailure::tls,
                       "TLS: cannot check a certificate against the name " + settings.server_name);
    }
    if (!literal) ::SSL_set_tlsext_host_name(ssl, settings.server_name.c_str());
    const auto doing = "TLS handshake with " + endpoint_text(peer_);
    try {
        if (tls_->drive(fd_.get(), deadline, doing, [ssl] { return ::SSL_connect(ssl); }) == 0) {
            throw NetError(NetFailure::closed, doing + ": the peer closed the connection");
        }
    } catch (const NetError& e) {
        const long verify = ::SSL_get_verify_result(ssl);
        if (e.failure == NetFailure::tls && verify != X509_V_OK) {
            throw NetError(NetFailure::tls,
                           doing + " as " + settings.server_name +
                               ": certificate: " + ::X509_verify_cert_error_string(verify));
        }
        throw;
    }
}

void StreamConnection::write_all(std::string_view bytes, Deadline deadline) {
    const auto doing = "writing to " + endpoint_text(peer_);
    while (!bytes.empty()) {
        int n = 0;
        if (tls_) {
            SSL* ssl = tls_->ssl.get();
            n = tls_->drive(fd_.get(), deadline, doing, [&] {
                return ::SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
            });
            if (n == 0) throw NetError(NetFailure::closed, doing + ": connection closed");
        } else {
            const auto sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait_ready(fd_.get(), POLLOUT, deadline)) {
                    throw NetError(NetFailure::timeout, doing + ": no progress");
                }
                continue;
            }
            if (sent < 0) {
                throw NetError(
                    errno == EPIPE || errno == ECONNRESET ? NetFailure::closed : NetFailure::other,
                    doing + ": " + error_text(errno));
            }
            n = static_cast<int>(sent);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string StreamConnection::read_some(Deadline deadline) {
    char buf[4096];
    const auto doing = "reading from " + endpoint_text(peer_);
    if (tls_) {
        SSL* ssl = tls_->ssl.get();
        const int n = tls_->drive(fd_.get(), deadline, doing,
                                  [&] { return ::SSL_read(ssl, buf, sizeof buf); });
        return std::string(buf, static_cast<std::size_t>(n));
    }
    while (true) {
        const auto n = ::recv(fd_.get(), buf, sizeof buf, 0);
        if (n >= 0) return std::string(buf, static_cast<std::size_t>(n));
        if (errno == ECONNRESET) return {};
        if (errno != EAGAIN && errno != EINTR) {
            throw NetError(NetFailure::other, doing + ": " + error_text(errno));
        }
        if (!wait_ready(fd_.get(), POLLIN, deadline)) {
            throw NetError(NetFailure::timeout, doing + ": no answer");
        }
    }
}

}  // namespace cusax::ctl::doctor
