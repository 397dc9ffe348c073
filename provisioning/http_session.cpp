#include "provisioning/http_session.hpp"

#include <optional>

#include "provisioning/client_address.hpp"
#include "shared/log/log.hpp"

namespace cusax::provisioning {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// Boost 1.74's Beast hands out boost::string_view.
std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

// Every X-Forwarded-For line, in order, as one list (RFC 9110 §5.3): a terminator may add a
// line of its own after the client's (HAProxy does) rather than append to it, and only its
// entry, the last, is to be trusted.
template <class Request>
std::string forwarded_for(const Request& req) {
    std::string joined;
    const auto [first, last] = req.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it) {
        if (!joined.empty()) joined += ", ";
        joined += sv(it->value());
    }
    return joined;
}

log::RateLimitedLog& bad_request_log() {
    static log::RateLimitedLog l("provisioning.bad_request", 10, 60);
    return l;
}

template <class Stream>
class HttpSession : public HttpSessionBase,
                    public std::enable_shared_from_this<HttpSession<Stream>> {
  public:
    template <class... StreamArgs>
    HttpSession(const SessionContext& context, ConnectionTable::Id id, std::string peer,
                std::string source, std::shared_ptr<asio::ssl::context> tls_context,
                StreamArgs&&... stream_args)
        : tls_context_(std::move(tls_context)),
          stream_(std::forward<StreamArgs>(stream_args)...),
          context_(context),
          id_(id),
          peer_(std::move(peer)),
          source_(std::move(source)) {}

    ~HttpSession() override {
        context_.registry->table.remove(id_);
        context_.registry->sessions.erase(id_);
    }

    void run() {
        if constexpr (tls) {
            lowest().expires_after(context_.settings->request_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](error_code ec) {
                                        if (ec) return self->lost(ec);
                                        self->read();
                                    });
        } else {
            read();
        }
    }

    void close_now() override {
        error_code ignored;
        lowest().socket().close(ignored);
    }

  private:
    static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void read() {
        context_.registry->table.set_idle(id_, true);
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(context_.settings->max_header_size));
        parser_->body_limit(context_.settings->max_body_size);
        // A slow client gets no more time by sending slowly: the whole request is due at once.
        // Over TLS the first request shares the deadline the handshake started with.
        if (!first_) {
            lowest().expires_after(context_.settings->idle_timeout);
        } else if constexpr (!tls) {
            lowest().expires_after(context_.settings->request_timeout);
        }
        http::async_read(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(error_code ec) {
        if (ec == http::error::header_limit) {
            context_.counters->header_too_large.add();
            return refuse(431, "request header too large");
        }
        if (ec == http::error::body_limit) {
            context_.counters->body_too_large.add();
            return refuse(413, "request body too large");
        }
        if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            context_.counters->bad_request.add();
            return refuse(400, "malformed request");
        }
        if (ec) return lost(ec);
        // RFC 9112 §6.3: with a transfer coding other than a final chunked the body's length is
        // unknown; what follows on the connection is not read as a request.
        if (parser_->get().count(http::field::transfer_encoding) != 0 && !parser_->chunked()) {
            context_.counters->bad_request.add();
            return refuse(400, "transfer coding is not chunked");
        }
        context_.registry->table.set_idle(id_, false);
        lowest().expires_never();

        const auto& req = parser_->get();
        std::string source = source_;
        if constexpr (!tls) {
            auto client =
                forwarded_client(peer_, forwarded_for(req), context_.settings->plain_http_from);
            if (!client) {
                context_.counters->bad_request.add();
                return refuse(400, "no client address in X-Forwarded-For");
            }
            source = std::move(*client);
        }
        const RequestFacts facts{sv(req.method_string()), sv(req.target()),
                                 sv(req[http::field::authorization]), sv(req[http::field::accept])};
        const bool head = req.method() == http::verb::head;
        const bool keep_alive = req.keep_alive();
        context_.service->handle(
            facts, source, [self = this->shared_from_this(), head, keep_alive](HttpAnswer answer) {
                self->write(std::move(answer), head, keep_alive);
            });
    }

    // A 4xx for a request that could not be read; the connection then closes (what follows
    // on it cannot be trusted to start a request).
    void refuse(unsigned status, std::string why) {
        bad_request_log().event(log::Level::info, "provisioning.bad_request", why,
                                {{"source", source_}, {"status", std::to_string(status)}});
        write(text_answer(status, std::move(why)), false, false);
    }

    void write(HttpAnswer answer, bool head, bool keep_alive) {
        response_ = {};
        response_.version(11);
        response_.result(answer.status);
        response_.set(http::field::server, "cusax-provisioning");
        response_.set(http::field::content_type, answer.content_type);
        // Profiles are one user's; nothing here is for a shared cache.
        response_.set(http::field::cache_control, "no-store");
        response_.set("X-Content-Type-Options", "nosniff");
        if constexpr (tls)
            response_.set(http::field::strict_transport_security, "max-age=31536000");
        for (auto& [name, value] : answer.headers) response_.set(name, value);
        const auto length = answer.body.size();
        if (!head) response_.body() = std::move(answer.body);
        response_.content_length(length);
        response_.keep_alive(keep_alive);
        lowest().expires_after(context_.settings->request_timeout);
        http::async_write(
            stream_, response_,
            [self = this->shared_from_this(), keep_alive](error_code ec, std::size_t) {
                if (ec || !keep_alive) return self->close_now();
                self->first_ = false;
                self->read();
            });
    }

    // The connection ended without a request to answer: closed by the client, timed out,
    // displaced, or a TLS failure. Only the timeout is counted; none is worth a log line each.
    void lost(error_code ec) {
        if (ec == beast::error::timeout) context_.counters->connections_timed_out.add();
        close_now();
    }

    // The context the stream was made with: a reload may replace the server's (a renewed
    // certificate) while this connection is up. Declared first, so it outlives the stream.
    std::shared_ptr<asio::ssl::context> tls_context_;
    Stream stream_;
    SessionContext context_;
    ConnectionTable::Id id_;
    std::string peer_;
    std::string source_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    bool first_ = true;
};

template <class Session, class... Args>
void launch(const SessionContext& context, ConnectionTable::Id id, Args&&... args) {
    auto session = std::make_shared<Session>(context, id, std::forward<Args>(args)...);
    context.registry->sessions[id] = session;
    session->run();
}

}  // namespace

void start_session(tcp::socket socket, std::shared_ptr<asio::ssl::context> tls,
                   const SessionContext& context, ConnectionTable::Id id, std::string peer,
                   std::string source) {
    if (tls) {
        auto& ctx = *tls;
        launch<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(context, id, std::move(peer),
                                                                  std::move(source), std::move(tls),
                                                                  std::move(socket), ctx);
    } else {
        launch<HttpSession<beast::tcp_stream>>(context, id, std::move(peer), std::move(source),
                                               nullptr, std::move(socket));
    }
}

}  // namespace cusax::provisioning
