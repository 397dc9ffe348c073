#include "shared/metrics/metrics_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>
#include <thread>

#include "shared/log/log.hpp"
#include "shared/metrics/text_format.hpp"

namespace cusax::metrics {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Declaration order matters at destruction: the io_context goes before the members above it,
// and destroys the sessions still waiting in it, which count themselves out of `open`.
struct MetricsServer::Impl {
    Endpoints endpoints;
    std::size_t open = 0;  // connections being served; touched only on the server's thread
    std::uint16_t port = 0;
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    std::thread thread;

    void accept();
    void run();
};

namespace {

using Request = http::request<http::empty_body>;
using Response = http::response<http::string_body>;

void set_text(Response& response, http::status status, std::string body,
              std::string_view content_type = "text/plain; charset=utf-8") {
    response.result(status);
    response.set(http::field::content_type,
                 beast::string_view(content_type.data(), content_type.size()));
    response.body() = std::move(body);
}

void answer_get(const Request& request, const Endpoints& endpoints, Response& response) {
    // Boost 1.74's Beast has its own string_view.
    std::string_view target(request.target().data(), request.target().size());
    target = target.substr(0, target.find('?'));
    if (target == "/metrics") {
        set_text(response, http::status::ok, endpoints.metrics(), kTextContentType);
    } else if (target == "/health") {
        const Health health = endpoints.health();
        set_text(response, health.serving ? http::status::ok : http::status::service_unavailable,
                 health.detail + "\n");
    } else {
        set_text(response, http::status::not_found, "not found: try /metrics or /health\n");
    }
}

Response answer(const Request& request, const Endpoints& endpoints) {
    Response response;
    response.version(request.version());
    response.keep_alive(false);
    response.set(http::field::server, "cusax");
    const bool head = request.method() == http::verb::head;
    if (request.method() != http::verb::get && !head) {
        set_text(response, http::status::method_not_allowed, "only GET and HEAD\n");
        response.set(http::field::allow, "GET, HEAD");
    } else {
        try {
            answer_get(request, endpoints, response);
        } catch (const std::exception& e) {
            log::event(log::Level::warn, "metrics.failed", e.what());
            set_text(response, http::status::internal_server_error, "internal error\n");
        }
    }
    response.prepare_payload();
    if (head) response.body().clear();  // Content-Length stays that of the GET
    return response;
}

// One connection: one request read within the limits, one answer, then closed.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, MetricsServer::Impl& server)
        : stream_(std::move(socket)), server_(server) {
        ++server_.open;
        parser_.header_limit(static_cast<std::uint32_t>(kMaxRequestBytes));
    }
    ~Session() { --server_.open; }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() {
        stream_.expires_after(kIoTimeout);
        http::async_read(
            stream_, buffer_, parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

  private:
    void on_read(beast::error_code ec) {
        // A client that sends too much, too slowly or nothing at all loses its connection
        // (the session ends and its socket closes with it); below info, for it is theirs.
        if (ec) {
            if (ec != http::error::end_of_stream)
                log::event(log::Level::debug, "metrics.bad_request", ec.message());
            return;
        }
        response_ = answer(parser_.get(), server_.endpoints);
        stream_.expires_after(kIoTimeout);
        http::async_write(stream_, response_,
                          [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                              beast::error_code ignored;
                              if (!write_ec)
                                  self->stream_.socket().shutdown(tcp::socket::shutdown_send,
                                                                  ignored);
                          });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_{kMaxRequestBytes};
    http::request_parser<http::empty_body> parser_;
    Response response_;
    MetricsServer::Impl& server_;
};

}  // namespace

void MetricsServer::Impl::accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        // Past the limit the connection is closed at once (the socket goes out of scope).
        if (!ec && open < kMaxConnections)
            std::make_shared<Session>(std::move(socket), *this)->start();
        accept();
    });
}

void MetricsServer::Impl::run() {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            log::event(log::Level::error, "metrics.failed", e.what());
        }
    }
}

MetricsServer::MetricsServer(const std::string& address, std::uint16_t port, Endpoints endpoints)
    : impl_(std::make_unique<Impl>()) {
    impl_->endpoints = std::move(endpoints);
    const std::string where = address + " port " + std::to_string(port);
    try {
        const tcp::endpoint endpoint(asio::ip::make_address(address), port);
        impl_->acceptor.open(endpoint.protocol());
        impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
        impl_->acceptor.bind(endpoint);
        impl_->acceptor.listen(static_cast<int>(2 * kMaxConnections));
        impl_->port = impl_->acceptor.local_endpoint().port();
    } catch (const std::exception& e) {
        throw std::runtime_error("[metrics] cannot listen on " + where + ": " + e.what());
    }
    impl_->accept();
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
    log::event(log::Level::info, "metrics.listening", "serving /metrics and /health",
               {{"address", address}, {"port", std::to_string(impl_->port)}});
}

MetricsServer::~MetricsServer() {
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t MetricsServer::port() const { return impl_->port; }

}  // namespace cusax::metrics
