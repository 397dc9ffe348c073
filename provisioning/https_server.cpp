#include "provisioning/https_server.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

#include "provisioning/client_address.hpp"
#include "shared/log/log.hpp"

namespace cusax::provisioning {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// "HOST:PORT" or "[V6]:PORT", as the config check let through.
std::pair<std::string, std::string> split_endpoint(const std::string& text) {
    const auto colon = text.rfind(':');
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    return {host, text.substr(colon + 1)};
}

// Behind terminators every connection comes from one of them: only the global cap applies.
std::size_t per_source_cap(const HttpSettings& settings) {
    return settings.plain_http_from.empty() ? settings.max_connections_per_address
                                            : settings.max_connections;
}

log::RateLimitedLog& refused_log() {
    static log::RateLimitedLog l("provisioning.connection_refused", 5, 60);
    return l;
}

}  // namespace

asio::ssl::context make_server_tls_context(const HttpSettings& settings) {
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.native_handle(),
                        SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    error_code ec;
    ctx.use_certificate_chain_file(settings.certificate_file, ec);
    if (ec) {
        throw std::runtime_error("[provisioning] certificate_file " + settings.certificate_file +
                                 " cannot be used: " + ec.message());
    }
    ctx.use_private_key_file(settings.key_file, asio::ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
        throw std::runtime_error("[provisioning] key_file " + settings.key_file +
                                 " cannot be used, or is not the certificate's key" +
                                 (ec ? ": " + ec.message() : std::string()));
    }
    return ctx;
}

HttpsServer::HttpsServer(asio::io_context& io, const HttpSettings& settings,
                         ProvisioningService& service, ProvisioningCounters& counters)
    : settings_(settings) {
    if (settings.plain_http_from.empty()) {
        tls_ = std::make_shared<asio::ssl::context>(make_server_tls_context(settings));
    }
    context_ = SessionContext{
        std::make_shared<SessionRegistry>(settings.max_connections, per_source_cap(settings)),
        &service, &settings, &counters};
    tcp::resolver resolver(io);
    for (const auto& entry : settings.listen) {
        const auto [host, port] = split_endpoint(entry);
        error_code ec;
        const auto results = resolver.resolve(host, port, tcp::resolver::passive, ec);
        if (ec || results.empty()) {
            throw std::runtime_error("[provisioning] listen " + entry +
                                     ": cannot resolve: " + ec.message());
        }
        const tcp::endpoint endpoint = *results.begin();
        auto acceptor = std::make_unique<tcp::acceptor>(io);
        acceptor->open(endpoint.protocol(), ec);
        if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor->bind(endpoint, ec);
        if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw std::runtime_error("[provisioning] listen " + entry + ": " + ec.message());
        acceptors_.push_back(std::move(acceptor));
    }
}

std::vector<tcp::endpoint> HttpsServer::local_endpoints() const {
    std::vector<tcp::endpoint> out;
    for (const auto& a : acceptors_) out.push_back(a->local_endpoint());
    return out;
}

void HttpsServer::apply_reloaded(std::shared_ptr<asio::ssl::context> tls) {
    tls_ = std::move(tls);
    context_.registry->table.set_caps(settings_.max_connections, per_source_cap(settings_));
}

void HttpsServer::start() {
    for (auto& a : acceptors_) accept(*a);
}

void HttpsServer::stop() {
    for (auto& a : acceptors_) {
        error_code ignored;
        a->close(ignored);
    }
    std::vector<std::shared_ptr<HttpSessionBase>> open;
    for (auto& [id, weak] : context_.registry->sessions)
        if (auto s = weak.lock()) open.push_back(std::move(s));
    for (auto& s : open) s->close_now();
}

void HttpsServer::accept(tcp::acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        if (!ec) admit(std::move(socket));
        // Out of file descriptors and the like: the next accept is tried all the same.
        accept(acceptor);
    });
}

void HttpsServer::admit(tcp::socket socket) {
    auto& counters = *context_.counters;
    error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return;
    std::string peer = remote.address().to_string();
    const auto source = address_key(peer);
    if (!source) return;
    if (!tls_) {
        // Plain HTTP is for the TLS terminators named in the settings only.
        if (!listed_address(peer, settings_.plain_http_from)) {
            counters.connections_refused.add();
            refused_log().event(log::Level::warn, "provisioning.connection_refused",
                                "plain HTTP from a host not in plain_http_from",
                                {{"source", peer}});
            return;
        }
    }
    auto& registry = *context_.registry;
    const auto admission = registry.table.admit(*source);
    if (admission.evict) {
        counters.connections_displaced.add();
        if (auto victim = registry.sessions[*admission.evict].lock()) victim->close_now();
        registry.sessions.erase(*admission.evict);
    }
    if (!admission.accept) {
        counters.connections_refused.add();
        refused_log().event(log::Level::warn, "provisioning.connection_refused",
                            "over the connection caps with none idle", {{"source", *source}});
        return;
    }
    counters.connections_accepted.add();
    const auto id = registry.table.add(*source);
    start_session(std::move(socket), tls_, context_, id, std::move(peer), *source);
}

}  // namespace cusax::provisioning
