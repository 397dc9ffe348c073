#include "provisioning/xmpp_login.hpp"

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <variant>

#include "provisioning/login_dialogue.hpp"
#include "provisioning/scram.hpp"

namespace cusax::provisioning {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// After the outcome, the closing </stream:stream> gets this long to be written.
constexpr std::chrono::milliseconds close_grace{1000};

class XmppLogin : public std::enable_shared_from_this<XmppLogin> {
  public:
    XmppLogin(asio::io_context& io, asio::ssl::context& tls, const XmppAuthSettings& settings,
              std::string local, std::string domain, std::string password, LoginCallback done)
        : settings_(settings),
          domain_(domain),
          resolver_(io),
          stream_(io, tls),
          deadline_(io),
          dialogue_(std::move(local), std::move(domain), std::move(password), scram_nonce()),
          done_(std::move(done)) {}

    void start() {
        auto self = shared_from_this();
        deadline_.expires_after(settings_.timeout);
        deadline_.async_wait([this, self](error_code ec) {
            if (ec) return;
            report(LoginOutcome::unavailable, "no answer from " + server() + " within " +
                                                  std::to_string(settings_.timeout.count()) +
                                                  " ms");
        });
        resolver_.async_resolve(
            settings_.host, std::to_string(settings_.port),
            [this, self](error_code ec, const tcp::resolver::results_type& results) {
                if (reported_) return;
                if (ec) return report(LoginOutcome::unavailable, "cannot resolve " + server());
                asio::async_connect(
                    socket(), results, [this, self](error_code ec2, const tcp::endpoint&) {
                        if (reported_) return;
                        if (ec2) {
                            return report(LoginOutcome::unavailable,
                                          "cannot connect to " + server() + ": " + ec2.message());
                        }
                        open_stream();
                    });
            });
    }

  private:
    tcp::socket& socket() { return stream_.next_layer(); }
    std::string server() const { return settings_.host + ":" + std::to_string(settings_.port); }
    const std::string& tls_name() const {
        return settings_.server_name.empty() ? domain_ : settings_.server_name;
    }

    // A new stream: at the start and once TLS is up, each read by a fresh parser.
    void open_stream() {
        events_.clear();
        parser_ = std::make_unique<xmpp::XmlStreamParser>(
            xmpp::XmlStreamParserLimits{},
            xmpp::XmlStreamParser::Callbacks{
                [this](const xmpp::StreamHeader& h) { events_.emplace_back(h); },
                [this](xmpp::XmlElement&& e) { events_.emplace_back(std::move(e)); },
                [this] { events_.emplace_back(Closed{}); }});
        write(dialogue_.stream_header(), false);
    }

    void write(std::string bytes, bool then_tls) {
        out_ = std::move(bytes);
        auto self = shared_from_this();
        auto handler = [this, self, then_tls](error_code ec, std::size_t) {
            if (reported_) return;
            if (ec) return report(LoginOutcome::unavailable, "write failed: " + ec.message());
            if (then_tls) return start_tls();
            read();
        };
        if (tls_) {
            asio::async_write(stream_, asio::buffer(out_), handler);
        } else {
            asio::async_write(socket(), asio::buffer(out_), handler);
        }
    }

    void read() {
        auto self = shared_from_this();
        auto handler = [this, self](error_code ec, std::size_t n) {
            if (reported_) return;
            if (ec) {
                return apply(dialogue_.on_stream_end(ec == asio::error::eof
                                                         ? "the server closed the connection"
                                                         : "read failed: " + ec.message()));
            }
            if (!parser_->feed(std::string_view(in_.data(), n))) {
                return apply(
                    dialogue_.on_stream_end("unreadable stream: " + parser_->error()->detail));
            }
            handle_events();
        };
        if (tls_) {
            stream_.async_read_some(asio::buffer(in_), handler);
        } else {
            socket().async_read_some(asio::buffer(in_), handler);
        }
    }

    void handle_events() {
        std::string send;
        while (!events_.empty() && !reported_) {
            auto event = std::move(events_.front());
            events_.pop_front();
            LoginDialogue::Step step;
            if (auto* header = std::get_if<xmpp::StreamHeader>(&event)) {
                step = dialogue_.on_stream_header(*header);
            } else if (auto* stanza = std::get_if<xmpp::XmlElement>(&event)) {
                step = dialogue_.on_stanza(*stanza);
            } else {
                step = dialogue_.on_stream_end("the server closed the stream");
            }
            send += step.send;
            if (step.outcome) return report(*step.outcome, step.detail);
            if (step.start_tls) return write(std::move(send), true);
        }
        if (!send.empty()) return write(std::move(send), false);
        read();
    }

    void apply(const LoginDialogue::Step& step) {
        if (step.outcome) return report(*step.outcome, step.detail);
        report(LoginOutcome::unavailable, "the check ended without an outcome");
    }

    void start_tls() {
        // The certificate must name the user's XMPP domain (RFC 6120 §13.7.2.1, RFC 6125), or
        // the name the operator set; SNI carries it unless it is an address (RFC 6066 §3).
        error_code not_ip;
        asio::ip::make_address(tls_name(), not_ip);
        SSL* ssl = stream_.native_handle();
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int name_set = not_ip ? X509_VERIFY_PARAM_set1_host(param, tls_name().c_str(), 0)
                                    : X509_VERIFY_PARAM_set1_ip_asc(param, tls_name().c_str());
        if (name_set != 1) {
            return report(LoginOutcome::unavailable,
                          "cannot check a certificate against the name " + tls_name());
        }
        if (not_ip) SSL_set_tlsext_host_name(ssl, tls_name().c_str());
        auto self = shared_from_this();
        stream_.async_handshake(asio::ssl::stream_base::client, [this, self](error_code ec) {
            if (reported_) return;
            if (ec) {
                std::string why = "TLS handshake with " + server() + " as " + tls_name() +
                                  " failed: " + ec.message();
                const long verify = SSL_get_verify_result(stream_.native_handle());
                if (verify != X509_V_OK) {
                    why += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) +
                           ")";
                }
                return report(LoginOutcome::unavailable, why);
            }
            tls_ = true;
            dialogue_.tls_started();
            open_stream();
        });
    }

    void report(LoginOutcome outcome, const std::string& detail) {
        if (reported_) return;
        reported_ = true;
        auto done = std::move(done_);
        done(outcome, detail);
        close();
    }

    // Ends the stream politely when it is up (</stream:stream>, then TLS close_notify), and
    // closes the socket in any case, within close_grace.
    void close() {
        auto self = shared_from_this();
        deadline_.cancel();
        resolver_.cancel();
        if (!socket().is_open()) return;
        deadline_.expires_after(close_grace);
        deadline_.async_wait([this, self](error_code ec) {
            if (!ec) shut();
        });
        if (!parser_) return shut();
        out_ = "</stream:stream>";
        if (!tls_) {
            return asio::async_write(socket(), asio::buffer(out_),
                                     [this, self](error_code, std::size_t) { shut(); });
        }
        asio::async_write(stream_, asio::buffer(out_), [this, self](error_code ec, std::size_t) {
            if (ec) return shut();
            stream_.async_shutdown([this, self](error_code) { shut(); });
        });
    }

    void shut() {
        error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
        deadline_.cancel();
    }

    struct Closed {};
    using Event = std::variant<xmpp::StreamHeader, xmpp::XmlElement, Closed>;

    const XmppAuthSettings settings_;  // a copy: a check may outlive its caller
    std::string domain_;
    tcp::resolver resolver_;
    asio::ssl::stream<tcp::socket> stream_;
    asio::steady_timer deadline_;
    LoginDialogue dialogue_;
    LoginCallback done_;
    std::unique_ptr<xmpp::XmlStreamParser> parser_;
    std::deque<Event> events_;
    std::array<char, 4096> in_{};
    std::string out_;
    bool tls_ = false;
    bool reported_ = false;
};

}  // namespace

asio::ssl::context make_xmpp_tls_context(const XmppAuthSettings& settings) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    if (settings.ca_file.empty()) {
        ctx.set_default_verify_paths();
    } else {
        error_code ec;
        ctx.load_verify_file(settings.ca_file, ec);
        if (ec) {
            throw std::runtime_error("[provisioning] auth_ca_file " + settings.ca_file +
                                     " cannot be read: " + ec.message());
        }
    }
    return ctx;
}

void check_password(asio::io_context& io, asio::ssl::context& tls, const XmppAuthSettings& settings,
                    const std::string& jid, std::string password, LoginCallback done) {
    const auto at = jid.find('@');
    auto prepared = saslprep(password);
    OPENSSL_cleanse(password.data(), password.size());
    if (!prepared || at == std::string::npos) {
        // What SASLprep refuses, no server accepts: a wrong password, without a connection.
        asio::post(io, [done = std::move(done)] {
            done(LoginOutcome::rejected, "the password holds characters SASLprep prohibits");
        });
        return;
    }
    std::make_shared<XmppLogin>(io, tls, settings, jid.substr(0, at), jid.substr(at + 1),
                                std::move(*prepared), std::move(done))
        ->start();
}

}  // namespace cusax::provisioning
