#include "xmpp-component/component_stream.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "shared/log/log.hpp"
#include "shared/xml/xml_stream_parser.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_counters.hpp"
#include "xmpp-component/component_protocol.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {
std::string ms_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()); }

// The longest single token a server may write for a stanza it routes: Prosody 0.12 takes up to
// 512 KiB from other servers and writes each ' and " of it as a six-byte reference (3 MiB), so
// a user's attribute value, one token, can be far longer on this stream than it was when sent
// (docs/xmpp-component-internals.md, "Stanza size").
constexpr std::size_t kServerTokenBytes = 4 * 1024 * 1024;

// Skipped stanzas (oversize, too deeply nested, not namespace-well-formed) come from users: logged
// below error and rate-limited, so that one user sending them in a loop cannot fill a disk.
log::RateLimitedLog& skipped_log() {
    static log::RateLimitedLog log("xmpp.stanza_skipped", 20, 60);
    return log;
}

// TLS from the first byte (XEP-0114 has no STARTTLS): ejabberd's listener with `tls: true`,
// Prosody's ssl_ports through mod_net_multiplex. The peer's certificate is always verified.
asio::ssl::context make_tls_context(const ComponentSettings& s) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    if (s.tls) {
        if (s.tls_ca_file.empty()) {
            ctx.set_default_verify_paths();
        } else {
            error_code ec;
            ctx.load_verify_file(s.tls_ca_file, ec);
            if (ec) {
                throw std::runtime_error("[xmpp-component] tls_ca_file " + s.tls_ca_file +
                                         ": cannot load CA certificates: " + ec.message());
            }
        }
    }
    return ctx;
}

// One connection's byte stream, TLS or not. Handlers hold it by shared_ptr, so a connection
// given up while an operation is pending is destroyed only once that operation has returned.
// It keeps the TLS context it was made with: a reload may replace the stream's context while
// this connection is up.
struct Transport {
    Transport(asio::io_context& io, std::shared_ptr<asio::ssl::context> ctx, bool tls_)
        : context(std::move(ctx)), ssl(io, *context), tls(tls_) {}
    tcp::socket& socket() { return ssl.next_layer(); }
    template <class Buffer, class Handler>
    void read_some(const Buffer& buffer, Handler&& handler) {
        if (tls) return ssl.async_read_some(buffer, std::forward<Handler>(handler));
        socket().async_read_some(buffer, std::forward<Handler>(handler));
    }
    template <class Buffer, class Handler>
    void write(const Buffer& buffer, Handler&& handler) {
        if (tls) return asio::async_write(ssl, buffer, std::forward<Handler>(handler));
        asio::async_write(socket(), buffer, std::forward<Handler>(handler));
    }
    void close() {
        error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

    std::shared_ptr<asio::ssl::context> context;
    asio::ssl::stream<tcp::socket> ssl;
    bool tls;
};
}  // namespace

struct ComponentStream::Impl : std::enable_shared_from_this<Impl> {
    enum class State {
        Idle,
        Connecting,
        AwaitingHeader,
        AwaitingHandshake,
        Ready,
        Closing,
        Stopped
    };

    asio::io_context& io;
    ComponentSettings settings;
    StanzaHandler& handler;
    tcp::resolver resolver;
    std::shared_ptr<asio::ssl::context> tls_context;  // for the next connection
    std::shared_ptr<Transport> transport;
    asio::steady_timer retry_timer;
    asio::steady_timer keepalive_timer;
    asio::steady_timer deadline_timer;  // handshake or close deadline
    asio::steady_timer drain_timer;     // how long the write queue may stay full
    asio::steady_timer stop_timer;      // stop_when_ready: how long to wait for the stream
    std::unique_ptr<XmlStreamParser> parser;
    std::array<char, 16384> read_buffer{};
    std::deque<std::string> write_queue;
    WriteQueueLimits write_limits;
    std::size_t queued_bytes = 0;  // in write_queue plus the write in flight
    std::size_t queued_peak = 0;
    // Stanzas parsed while the write queue was full: at most one read's worth, handled in order
    // once it has drained.
    std::deque<XmlElement> inbound;
    bool read_paused = false;
    bool writing = false;
    bool close_after_write = false;
    // stop() on a ready stream: the handler still owes answers (on_stream_closing); the stream
    // stays up, at most close_timeout, until it owes none, then closes.
    bool draining = false;
    // stop() while the stream was down with answers owed: connecting once more to send them,
    // then stopping (stop_timer bounds the wait for the stream).
    bool stop_when_ready = false;
    State state = State::Idle;
    std::uint64_t generation = 0;        // of the current connection; stale handlers compare it
    std::optional<std::string> failure;  // first reason the current connection is going down
    log::Level failure_level = log::Level::warn;
    Clock::time_point last_read{};
    bool ping_outstanding = false;
    bool handler_ready = false;  // the handler was told on_stream_ready and not yet lost
    std::uint64_t ping_counter = 0;
    std::optional<Clock::time_point> ready_since;  // handshake time of the current connection
    ReconnectBackoff backoff;
    std::mt19937_64 rng{std::random_device{}()};
    StreamCounters counters;

    Impl(asio::io_context& io_, ComponentSettings s, StanzaHandler& h, counters::Registry& r,
         WriteQueueLimits limits)
        : io(io_),
          settings(std::move(s)),
          handler(h),
          resolver(io_),
          tls_context(std::make_shared<asio::ssl::context>(make_tls_context(settings))),
          retry_timer(io_),
          keepalive_timer(io_),
          deadline_timer(io_),
          drain_timer(io_),
          stop_timer(io_),
          write_limits(limits),
          backoff(settings.reconnect_min, settings.reconnect_max),
          counters(r) {}

    std::string server() const {
        return settings.server_host + ":" + std::to_string(settings.server_port);
    }
    const std::string& tls_name() const {
        return settings.tls_server_name.empty() ? settings.server_host : settings.tls_server_name;
    }

    // ---- connecting ----

    void connect() {
        if (state == State::Stopped) return;
        ++generation;
        state = State::Connecting;
        failure.reset();
        auto self = shared_from_this();
        const auto gen = generation;
        resolver.async_resolve(
            settings.server_host, std::to_string(settings.server_port),
            [this, self, gen](error_code ec, tcp::resolver::results_type results) {
                if (gen != generation || state == State::Stopped) return;
                if (ec) return lose("cannot resolve " + settings.server_host + ": " + ec.message());
                auto t = std::make_shared<Transport>(io, tls_context, settings.tls);
                transport = t;
                asio::async_connect(
                    t->socket(), results,
                    [this, self, gen, t](error_code ec2, const tcp::endpoint&) {
                        if (gen != generation || state == State::Stopped) return;
                        if (ec2) {
                            return lose("cannot connect to " + server() + ": " + ec2.message());
                        }
                        if (!settings.tls) return on_connected();
                        start_tls(t, gen);
                    });
            });
    }

    void start_tls(const std::shared_ptr<Transport>& t, std::uint64_t gen) {
        // The certificate must name tls_name() (RFC 6125, checked by OpenSSL itself so that a
        // mismatch is reported as one: X509_V_ERR_HOSTNAME_MISMATCH / IP_ADDRESS_MISMATCH).
        // SNI carries the name, except an address literal (RFC 6066 §3).
        error_code not_ip;
        asio::ip::make_address(tls_name(), not_ip);
        SSL* ssl = t->ssl.native_handle();
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int name_set = not_ip ? X509_VERIFY_PARAM_set1_host(param, tls_name().c_str(), 0)
                                    : X509_VERIFY_PARAM_set1_ip_asc(param, tls_name().c_str());
        if (name_set != 1) {
            failure_level = log::Level::error;
            return lose("cannot check a TLS certificate against the name " + tls_name());
        }
        if (not_ip) SSL_set_tlsext_host_name(ssl, tls_name().c_str());
        arm_deadline(settings.handshake_timeout, "no TLS handshake with " + server() + " within " +
                                                     ms_text(settings.handshake_timeout) + " ms");
        auto self = shared_from_this();
        t->ssl.async_handshake(asio::ssl::stream_base::client, [this, self, gen, t](error_code ec) {
            if (gen != generation || state == State::Stopped) return;
            if (ec) {
                std::string reason = "TLS handshake with " + server() + " as " + tls_name() +
                                     " failed: " + ec.message();
                const long verify = SSL_get_verify_result(t->ssl.native_handle());
                if (verify != X509_V_OK) {
                    reason += std::string(" (certificate: ") +
                              X509_verify_cert_error_string(verify) + ")";
                }
                failure_level = log::Level::error;
                return lose(reason);
            }
            on_connected();
        });
    }

    XmlStreamParserLimits parser_limits() const {
        XmlStreamParserLimits limits;
        limits.max_stanza_bytes = settings.max_stanza_size;
        limits.max_token_bytes = std::max(settings.max_stanza_size, kServerTokenBytes);
        return limits;
    }

    void on_connected() {
        parser = std::make_unique<XmlStreamParser>(
            parser_limits(),
            XmlStreamParser::Callbacks{[this](const StreamHeader& h) { on_stream_open(h); },
                                       [this](XmlElement&& e) { on_stanza(std::move(e)); },
                                       [this] { on_stream_close(); },
                                       [this](SkippedStanza&& s) { on_stanza_skipped(s); }});
        state = State::AwaitingHeader;
        last_read = Clock::now();
        write(component_stream_header(settings.domain));
        arm_deadline(settings.handshake_timeout, "no handshake answer from " + server() +
                                                     " within " +
                                                     ms_text(settings.handshake_timeout) + " ms");
        read();
    }

    void arm_deadline(std::chrono::milliseconds after, std::string reason) {
        deadline_timer.expires_after(after);
        auto self = shared_from_this();
        const auto gen = generation;
        deadline_timer.async_wait([this, self, gen, reason = std::move(reason)](error_code ec) {
            if (ec || gen != generation) return;
            if (state == State::Closing) return finish_stop();
            if (state != State::Ready) lose(reason);
        });
    }

    // ---- reading ----

    void read() {
        auto self = shared_from_this();
        const auto gen = generation;
        transport->read_some(asio::buffer(read_buffer), [this, self, gen, t = transport](
                                                            error_code ec, std::size_t n) {
            if (gen != generation) return;
            if (ec) {
                if (state == State::Closing) return finish_stop();
                if (state == State::Stopped) return;
                return lose(ec == asio::error::eof ? "the server closed the connection"
                                                   : "connection lost: " + ec.message());
            }
            last_read = Clock::now();
            ping_outstanding = false;
            if (!parser->feed(std::string_view(read_buffer.data(), n))) {
                const auto& error = *parser->error();
                counters.stream_errors_sent.add();
                // Our side ends the stream: tell the server why (RFC 6120 §4.9).
                write(stream_error_element(to_string(error.condition)) + "</stream:stream>");
                return lose("stream error sent to server: " +
                                std::string(to_string(error.condition)) + " (" + error.detail + ")",
                            /*flush=*/true);
            }
            if (failure) return lose(*failure, /*flush=*/true);
            if (state == State::Closing && parser->closed()) return finish_stop();
            if (parser->closed()) return lose("the server closed the stream", true);
            if (write_queue_full() || !inbound.empty()) return pause_reading();
            read();
        });
    }

    // ---- back-pressure: a server that does not take our writes gets no more reads ----

    bool write_queue_full() const { return queued_bytes >= write_limits.high_water; }

    // The drain deadline is the patience the keepalive has for a server that sends nothing.
    std::chrono::milliseconds drain_timeout() const { return 2 * settings.keepalive_interval; }

    void pause_reading() {
        read_paused = true;
        drain_timer.expires_after(drain_timeout());
        auto self = shared_from_this();
        const auto gen = generation;
        drain_timer.async_wait([this, self, gen](error_code ec) {
            if (ec || gen != generation || !read_paused || state != State::Ready) return;
            counters.write_stalls.add();
            failure_level = log::Level::error;
            lose("the server is not taking our writes: " + std::to_string(queued_bytes) +
                 " bytes still queued for it after " + ms_text(drain_timeout()) +
                 " ms without reading (reading stops at " +
                 std::to_string(write_limits.high_water) + " and resumes below " +
                 std::to_string(write_limits.low_water) + "); closing the stream");
        });
    }

    // Called as writes complete: once the queue is below the low-water mark, the stanzas held
    // back are handled (as long as their answers fit) and then reading goes on.
    void maybe_resume_reading() {
        if (!read_paused || queued_bytes > write_limits.low_water) return;
        while (!inbound.empty() && !write_queue_full() && state == State::Ready) {
            XmlElement stanza = std::move(inbound.front());
            inbound.pop_front();
            handle_stanza(stanza);
        }
        if (state != State::Ready) inbound.clear();
        if (!inbound.empty()) return pause_reading();  // a new deadline: the queue moved
        read_paused = false;
        drain_timer.cancel();
        // The server's silence while we were not reading says nothing about its health.
        last_read = Clock::now();
        ping_outstanding = false;
        read();
    }

    // Parser callbacks: they run inside feed(), so they only write and record; the read
    // handler acts on failure once feed() has returned.
    void on_stream_open(const StreamHeader& header) {
        if (state != State::AwaitingHeader) return;
        if (header.xmlns != ns::component) {
            write(stream_error_element("invalid-namespace") + "</stream:stream>");
            failure = "the server's stream is not jabber:component:accept";
            return;
        }
        if (header.id.empty()) {
            failure = "the server's stream header has no id";
            return;
        }
        write("<handshake>" + handshake_digest(header.id, settings.secret) + "</handshake>");
        state = State::AwaitingHandshake;
    }

    void on_stanza(XmlElement&& stanza) {
        if (failure) return;
        if (stanza.name == "error" && stanza.xmlns == ns::streams) {
            const auto e = describe_stream_error(stanza);
            std::string reason = "stream error from server: " + e.condition;
            if (!e.text.empty()) reason += " (" + e.text + ")";
            if (!e.hint.empty()) reason += ": " + std::string(e.hint);
            failure = std::move(reason);
            failure_level = log::Level::error;
            counters.stream_errors_received.add();
            return;
        }
        if (state == State::AwaitingHandshake) {
            if (stanza.name == "handshake" && stanza.xmlns == ns::component) {
                state = State::Ready;
                deadline_timer.cancel();
                counters.connects.add();
                ready_since = Clock::now();
                log::event(log::Level::info, "xmpp.connected", "component stream authenticated",
                           {{"peer", server()}, {"domain", settings.domain}});
                start_keepalive();
                notify_ready();
                if (stop_when_ready) {  // back only to send the answers owed (stop())
                    stop_when_ready = false;
                    stop_timer.cancel();
                    stop();
                }
            } else {
                failure = "unexpected <" + stanza.name + "> before the handshake answer";
            }
            return;
        }
        if (state != State::Ready) return;
        deliver(std::move(stanza));
    }

    // In order: behind what waits for the write queue to drain.
    void deliver(XmlElement&& stanza) {
        if (write_queue_full() || !inbound.empty()) {
            inbound.push_back(std::move(stanza));
            return;
        }
        handle_stanza(stanza);
    }

    void handle_stanza(const XmlElement& stanza) {
        counters.stanzas_in.add();
        std::vector<XmlElement> replies;
        try {
            replies = handler.handle(stanza);
        } catch (const std::exception& ex) {
            // A handler bug must not take the stream down (Flexisip: an exception becomes an
            // error reply, never a crash); the stanza gets internal-server-error if it can.
            counters.handler_failures.add();
            log::event(log::Level::error, "xmpp.handler_failed", ex.what(),
                       {{"stanza_id", stanza.attr_or("id")}, {"peer", stanza.attr_or("from")}});
            if (is_iq_request(stanza)) {
                replies.push_back(make_error_reply(stanza, "internal-server-error", "wait"));
            }
        }
        for (const auto& r : replies) {
            write(r.serialize(ns::component));
            counters.stanzas_out.add();
        }
    }

    // How a skipped stanza is logged and counted, and the stanza error it becomes.
    struct SkipAccount {
        counters::Counter& counter;
        std::string_view event;
        std::string what;
        std::string_view condition;
        std::string_view limit_key;  // the limit it crossed, or the constraint it broke
        std::string limit;
    };
    SkipAccount account(const SkippedStanza& skipped) const {
        switch (skipped.reason) {
            case SkipReason::TooDeep: {
                std::string limit = std::to_string(parser_limits().max_depth);
                return {counters.stanzas_too_deep,
                        "xmpp.stanza_too_deep",
                        "stanza nested deeper than " + limit + " levels",
                        "policy-violation",
                        "limit",
                        limit};
            }
            case SkipReason::NamespaceError:
                // RFC 6120 §8.3.3.1: XML that cannot be processed is bad-request; sent again
                // as it is, it cannot succeed (modify).
                return {counters.stanzas_namespace_error,
                        "xmpp.stanza_namespace_error",
                        "stanza not namespace-well-formed: " + skipped.detail,
                        "bad-request",
                        "constraint",
                        skipped.detail};
            case SkipReason::TooLarge:
                break;
        }
        std::string limit = std::to_string(settings.max_stanza_size);
        return {counters.stanzas_too_large,
                "xmpp.stanza_too_large",
                "stanza larger than " + limit + " bytes",
                "policy-violation",
                "limit",
                limit};
    }

    // A stanza over max_stanza_size, nested deeper than the parser keeps, or not
    // namespace-well-formed, costs only itself.
    // RFC 6120 §8.2.3: an iq get or set still gets an answer. Over a limit, the condition is
    // policy-violation, which RFC 6120 §4.9.3.14 names for a stanza over a configured limit,
    // with type modify (§8.3.3.12): sending it again as it is cannot succeed (resource-constraint
    // would say "wait", not-acceptable is about what the request asks, not its shape).
    void on_stanza_skipped(const SkippedStanza& skipped) {
        if (failure) return;
        const XmlElement& start = skipped.start;
        if (state == State::AwaitingHandshake) {
            failure = "unexpected <" + start.name + "> of " + std::to_string(skipped.bytes) +
                      " bytes before the handshake answer";
            return;
        }
        if (state != State::Ready) return;
        const SkipAccount a = account(skipped);
        a.counter.add();
        const std::string bytes = std::to_string(skipped.bytes);
        skipped_log().event(log::Level::warn, a.event, a.what + ": skipped",
                            {{"stanza_id", start.attr_or("id")},
                             {"peer", start.attr_or("from")},
                             {"to", start.attr_or("to")},
                             {"stanza", start.name},
                             {"type", start.attr_or("type")},
                             {"bytes", bytes},
                             {a.limit_key, a.limit}});
        // A start tag whose own name could not be resolved is in no namespace: nothing this
        // stream could answer.
        if (start.xmlns.empty()) return;
        XmlElement error = make_error_reply(start, a.condition, "modify", a.what);
        if (start.name == "iq" && !is_iq_request(start)) {
            // An answer to one of the handler's own requests: handed over as the error it
            // became, addressed as it was, so that the request does not wait for it forever.
            error.attributes = start.attributes;
            error.set_attr("type", "error");
            deliver(std::move(error));
            return;
        }
        if (!is_iq_request(start)) return;
        write(error.serialize(ns::component));
        counters.stanzas_out.add();
    }

    // The handler's own stanzas go out on this connection only: a send kept past a reconnect
    // is dropped (its generation is stale), as is one made while closing.
    void notify_ready() {
        handler_ready = true;
        std::weak_ptr<Impl> weak = weak_from_this();
        const auto gen = generation;
        try {
            handler.on_stream_ready([weak, gen](XmlElement stanza) {
                auto self = weak.lock();
                if (!self || gen != self->generation || self->state != State::Ready) return;
                self->write(stanza.serialize(ns::component));
                self->counters.stanzas_out.add();
            });
        } catch (const std::exception& ex) {
            counters.handler_failures.add();
            log::event(log::Level::error, "xmpp.handler_failed", ex.what(), {{"peer", server()}});
        }
    }

    void notify_lost() {
        if (!handler_ready) return;
        handler_ready = false;
        try {
            handler.on_stream_lost();
        } catch (const std::exception& ex) {
            counters.handler_failures.add();
            log::event(log::Level::error, "xmpp.handler_failed", ex.what(), {{"peer", server()}});
        }
    }

    void on_stream_close() {
        // Handled after feed() returns (parser->closed()).
    }

    // ---- writing ----

    void write(std::string data) {
        queued_bytes += data.size();
        queued_peak = std::max(queued_peak, queued_bytes);
        write_queue.push_back(std::move(data));
        if (!writing) write_next();
    }

    void clear_writes() {
        write_queue.clear();
        queued_bytes = 0;
        writing = false;
    }

    void write_next() {
        if (write_queue.empty()) {
            writing = false;
            return;
        }
        writing = true;
        // The buffer travels with the handler: a connection given up mid-write clears the
        // queue, and the pending write must not point into it.
        auto data = std::make_shared<std::string>(std::move(write_queue.front()));
        write_queue.pop_front();
        auto self = shared_from_this();
        const auto gen = generation;
        transport->write(asio::buffer(*data),
                         [this, self, gen, data, t = transport](error_code ec, std::size_t) {
                             if (gen != generation) return;
                             queued_bytes -= data->size();
                             if (ec) {
                                 clear_writes();
                                 if (state == State::Closing) return finish_stop();
                                 if (close_after_write) return schedule_reconnect();
                                 if (state != State::Stopped) {
                                     lose("write to " + server() + " failed: " + ec.message());
                                 }
                                 return;
                             }
                             if (write_queue.empty() && close_after_write) {
                                 writing = false;
                                 return schedule_reconnect();
                             }
                             write_next();
                             maybe_resume_reading();
                         });
    }

    // ---- keepalive ----

    void start_keepalive() {
        keepalive_timer.expires_after(settings.keepalive_interval);
        auto self = shared_from_this();
        const auto gen = generation;
        keepalive_timer.async_wait([this, self, gen](error_code ec) {
            if (ec || gen != generation || state != State::Ready) return;
            // Not reading, we cannot judge the server's silence, and a ping would only join the
            // full queue: the drain deadline decides instead.
            if (read_paused) return start_keepalive();
            const auto idle = Clock::now() - last_read;
            if (ping_outstanding && idle >= 2 * settings.keepalive_interval) {
                return lose("nothing from " + server() + " for " +
                            ms_text(std::chrono::duration_cast<std::chrono::milliseconds>(idle)) +
                            " ms: connection presumed dead");
            }
            if (idle >= settings.keepalive_interval && !ping_outstanding) {
                // XEP-0199 ping to our own domain: the server routes it back to us, we answer
                // it, and the answer comes back too: a round trip through the server that a
                // whitespace keepalive alone cannot prove.
                ping_outstanding = true;
                XmlElement ping("iq", std::string(ns::component));
                ping.set_attr("type", "get")
                    .set_attr("id", "keepalive-" + std::to_string(++ping_counter))
                    .set_attr("from", settings.domain)
                    .set_attr("to", settings.domain);
                ping.add("ping", "urn:xmpp:ping");
                write(ping.serialize(ns::component));
            } else {
                write(" ");  // RFC 6120 §4.6.1 whitespace keepalive
            }
            start_keepalive();
        });
    }

    // ---- failure, reconnect, stop ----

    // Ends the current connection for `reason`. With flush, whatever is queued (a stream error,
    // </stream:stream>) is written first.
    void lose(const std::string& reason, bool flush = false) {
        if (state == State::Stopped || close_after_write) return;
        if (!failure) failure = reason;
        if (flush && writing) {
            close_after_write = true;
            // Do not wait forever for a server that does not read.
            auto self = shared_from_this();
            const auto gen = generation;
            deadline_timer.expires_after(settings.close_timeout);
            deadline_timer.async_wait([this, self, gen](error_code ec) {
                if (!ec && gen == generation && close_after_write) schedule_reconnect();
            });
            return;
        }
        schedule_reconnect();
    }

    void close_socket() {
        if (transport) transport->close();
        transport.reset();
        keepalive_timer.cancel();
        deadline_timer.cancel();
        drain_timer.cancel();
        resolver.cancel();
        clear_writes();
        inbound.clear();
        read_paused = false;
    }

    // A stream that failed soon after its handshake must not restart the back-off from its
    // minimum, or a server that accepts and then drops the component is hammered every
    // reconnect_min. Only a stream that stayed up for reconnect_max resets it: one that fails
    // after that reconnects no more often, on average, than the back-off's ceiling would.
    void reset_backoff_if_stream_was_stable() {
        if (ready_since && Clock::now() - *ready_since >= settings.reconnect_max) backoff.reset();
        ready_since.reset();
    }

    void schedule_reconnect() {
        if (state == State::Stopped) return;
        // Lost while stopping (answering what the handler owes, or waiting for the server's
        // </stream:stream>, which may come as a stream error): nothing to come back for.
        if (draining || state == State::Closing || stop_when_ready) {
            return finish_stop(failure.value_or("connection lost"));
        }
        ++generation;  // every handler of the old connection is now stale
        notify_lost();
        close_socket();
        close_after_write = false;
        reset_backoff_if_stream_was_stable();
        // The parser may be on the stack (we can be called from a read handler, never from a
        // parser callback); release it once this handler is done.
        asio::post(io, [p = std::shared_ptr<XmlStreamParser>(std::move(parser))] {});
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const auto delay = backoff.next(unit(rng));
        counters.reconnects.add();
        const std::string reason = failure.value_or("connection lost");
        log::event(failure_level, "xmpp.disconnected", reason + "; reconnecting",
                   {{"peer", server()},
                    {"domain", settings.domain},
                    {"retry_in_ms", ms_text(delay)},
                    {"attempt", std::to_string(backoff.attempts())}});
        failure_level = log::Level::warn;
        state = State::Idle;
        retry_timer.expires_after(delay);
        auto self = shared_from_this();
        retry_timer.async_wait([this, self](error_code ec) {
            // Not when stop() connected already (come_back_to_answer) or stopped meanwhile.
            if (!ec && state == State::Idle) connect();
        });
    }

    void stop() {
        if (state == State::Stopped || state == State::Closing || draining || stop_when_ready) {
            return;
        }
        retry_timer.cancel();
        if (state != State::Ready && handler.owes_answers()) return come_back_to_answer();
        if (state == State::Ready && handler_ready && !close_after_write) {
            // The server keeps no timer for a request it routed here: those taken are answered
            // before the stream closes (the handler says when), within close_timeout.
            draining = true;
            const auto gen = generation;
            std::weak_ptr<Impl> weak = weak_from_this();
            try {
                handler.on_stream_closing([weak, gen] {
                    auto s = weak.lock();
                    if (s && gen == s->generation && s->draining) s->close_stream();
                });
            } catch (const std::exception& ex) {
                counters.handler_failures.add();
                log::event(log::Level::error, "xmpp.handler_failed", ex.what(),
                           {{"peer", server()}});
                return close_stream();
            }
            if (!draining || gen != generation) return;  // nothing owed: closing already
            log::event(log::Level::info, "xmpp.draining",
                       "answering the requests already taken before closing the stream",
                       {{"peer", server()}});
            auto self = shared_from_this();
            const auto drain_limit = settings.close_timeout + settings.store_call_wait;
            deadline_timer.expires_after(drain_limit);
            deadline_timer.async_wait([this, self, gen, drain_limit](error_code ec) {
                if (ec || gen != generation || !draining) return;
                log::event(log::Level::warn, "xmpp.drain_timeout",
                           "requests still unanswered after " + ms_text(drain_limit) +
                               " ms: closing the stream without their answers",
                           {{"peer", server()}});
                close_stream();
            });
            return;
        }
        close_stream();
    }

    // stop() while the stream is down (waiting to reconnect, or connecting) and the handler
    // still owes answers to requests taken before: the server still waits for them, so the
    // stream connects once more (now, rather than after its back-off) and, once up, stops as a
    // ready one does (answers first). Given up, unanswered, if the stream is not up within
    // close_timeout plus store_call_wait or its connection fails.
    void come_back_to_answer() {
        stop_when_ready = true;
        const auto limit = settings.close_timeout + settings.store_call_wait;
        log::event(log::Level::info, "xmpp.reconnecting_to_answer",
                   "stopping while the stream is down: connecting once more to send the answers "
                   "still owed",
                   {{"peer", server()}, {"within_ms", ms_text(limit)}});
        auto self = shared_from_this();
        stop_timer.expires_after(limit);
        stop_timer.async_wait([this, self, limit](error_code ec) {
            if (ec || !stop_when_ready) return;
            stop_when_ready = false;
            log::event(log::Level::warn, "xmpp.drain_timeout",
                       "the stream was not up again within " + ms_text(limit) +
                           " ms: stopping without the answers still owed",
                       {{"peer", server()}});
            close_stream();
        });
        if (state == State::Idle) connect();
    }

    // </stream:stream>, then the server's own within close_timeout; or, before a stream is
    // up, stopped at once.
    void close_stream() {
        draining = false;
        if (state == State::Ready || state == State::AwaitingHandshake ||
            state == State::AwaitingHeader) {
            state = State::Closing;
            keepalive_timer.cancel();
            // Held-back requests will not be answered now; read on to see the server's close.
            inbound.clear();
            if (read_paused) {
                read_paused = false;
                drain_timer.cancel();
                read();
            }
            log::event(log::Level::info, "xmpp.closing", "closing the component stream",
                       {{"peer", server()}});
            write("</stream:stream>");
            // Wait briefly for the server's own </stream:stream> (RFC 6120 §4.4), then close.
            deadline_timer.expires_after(settings.close_timeout);
            auto self = shared_from_this();
            const auto gen = generation;
            deadline_timer.async_wait([this, self, gen](error_code ec) {
                if (!ec && gen == generation) finish_stop();
            });
            return;
        }
        finish_stop();
    }

    // `lost`: why the connection ended before the close was done, for the log line.
    void finish_stop(const std::optional<std::string>& lost = std::nullopt) {
        const bool was_draining = std::exchange(draining, false) || stop_when_ready;
        stop_when_ready = false;
        stop_timer.cancel();
        if (state == State::Stopped) return;
        const bool was_closing = state == State::Closing;
        state = State::Stopped;
        ++generation;
        notify_lost();
        close_socket();
        retry_timer.cancel();
        asio::post(io, [p = std::shared_ptr<XmlStreamParser>(std::move(parser))] {});
        std::string text = was_closing ? "component stream closed" : "component stopped";
        if (lost) {
            text += ": " + *lost;
            if (was_draining) text += "; the requests still owed are left unanswered";
        }
        log::event(lost ? log::Level::warn : log::Level::info, "xmpp.closed", text,
                   {{"peer", server()}});
    }
};

ComponentStream::ComponentStream(asio::io_context& io, ComponentSettings settings,
                                 StanzaHandler& handler, counters::Registry& registry,
                                 WriteQueueLimits write_limits)
    : impl_(std::make_shared<Impl>(io, std::move(settings), handler, registry, write_limits)) {}

ComponentStream::~ComponentStream() = default;

void ComponentStream::start() {
    asio::post(impl_->io, [impl = impl_] { impl->connect(); });
}

void ComponentStream::stop() {
    asio::post(impl_->io, [impl = impl_] { impl->stop(); });
}

void ComponentStream::reload_tls_ca_file(const std::string& tls_ca_file) {
    auto& impl = *impl_;
    if (!impl.settings.tls) return;  // no TLS: the file is never read
    ComponentSettings fresh = impl.settings;
    fresh.tls_ca_file = tls_ca_file;
    // Loaded before anything changes: a file that cannot be read throws, and the stream keeps
    // the certificates it had.
    auto context = std::make_shared<asio::ssl::context>(make_tls_context(fresh));
    impl.settings.tls_ca_file = tls_ca_file;
    impl.tls_context = std::move(context);
    log::event(log::Level::info, "xmpp.tls_ca_reloaded",
               "the next connection to the server is verified with these CA certificates; the "
               "stream that is up stays",
               {{"file", tls_ca_file.empty() ? "(the system's CAs)" : tls_ca_file}});
}

ComponentStream::Counters ComponentStream::counters() const {
    const auto& c = impl_->counters;
    return {c.connects.value(),
            c.reconnects.value(),
            c.stanzas_in.value(),
            c.stanzas_out.value(),
            c.stanzas_too_large.value(),
            c.stanzas_too_deep.value(),
            c.stanzas_namespace_error.value(),
            c.write_stalls.value(),
            impl_->queued_peak};
}

}  // namespace cusax::xmpp
