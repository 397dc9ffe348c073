#include "sip-proxy/stateless_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_strlst.h>
#include <sofia-sip/tport.h>
#include <sofia-sip/tport_tag.h>

#include <algorithm>
#include <stdexcept>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/charge_marker.hpp"
#include "sip-proxy/header_edits.hpp"
#include "sip-proxy/hop_transport.hpp"
#include "sip-proxy/request_chain.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/socket_buffers.hpp"
#include "sip-proxy/unparsed_headers.hpp"

namespace cusax::sip_proxy {

namespace {

int message_trampoline(nta_agent_magic_t* magic, nta_agent_t*, msg_t* msg, sip_t* sip) {
    auto* proxy = reinterpret_cast<StatelessProxy*>(magic);
    proxy->on_message(msg, sip);
    return 0;
}

std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

std::string call_id_of(sip_t const* sip) {
    return sip && sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "";
}

std::string listen_failure(const std::string& uri, const std::string& cert_dir) {
    std::string text = "cannot listen on " + uri;
    if (uri.rfind("sips:", 0) == 0)
        text += cert_dir.empty() ? " (TLS: set tls_certificate_dir to a directory with agent.pem)"
                                 : " (TLS: check agent.pem and cafile.pem in " + cert_dir + ")";
    return text;
}

unsigned tls_verify_policy(TlsVerify verify) {
    switch (verify) {
        case TlsVerify::none:
            return TPTLS_VERIFY_NONE;
        case TlsVerify::outgoing:
            return TPTLS_VERIFY_OUTGOING;
        case TlsVerify::incoming:
            return TPTLS_VERIFY_INCOMING;
        case TlsVerify::all:
            return TPTLS_VERIFY_ALL;
    }
    return TPTLS_VERIFY_OUTGOING;
}

// RFC 3261 §18.1.1: the largest message UDP can carry.
constexpr usize_t kLargestDatagram = 65535;

// The key from branch_key_file, or one for this process alone: then the responses to what
// this instance relays reach no other instance that could verify them.
BranchSigner make_branch_signer(const std::string& key_file) {
    if (!key_file.empty()) {
        if (const std::string exposure = branch_key_file_exposure(key_file); !exposure.empty())
            log::event(log::Level::warn, "sip.branch_key", exposure, {{"file", key_file}});
        return BranchSigner(read_branch_key(key_file));
    }
    log::event(log::Level::warn, "sip.branch_key",
               "branch_key_file not set: the Via branch is signed with a random key of this "
               "process; instances that may see each other's responses must share one key file");
    return BranchSigner::random();
}

log::RateLimitedLog& forged_log() {
    static log::RateLimitedLog forged("sip.forged", 20, 60);
    return forged;
}

// A message that stays incomplete on a stream this long is handed to NTA as truncated, which
// answers it (400) instead of leaving the connection waiting for bytes that never come: a
// header section Sofia cannot end (a raw NUL, RFC 4475 §3.1.1.2) otherwise stalls the stream
// for good. 64×T1 (RFC 3261 §17.1.1.2), the longest any client waits for an answer.
constexpr unsigned kIncompleteMessageTimeoutMs = 64 * 500;

log::RateLimitedLog& garbage_log() {
    static log::RateLimitedLog garbage("sip.garbage", 20, 60);
    return garbage;
}

}  // namespace

StatelessProxy::StatelessProxy(su_root_t* root, ProxySettings settings, SnapshotSource snapshots,
                               counters::Registry& registry)
    : settings_(std::move(settings)),
      counters_(registry),
      nta_rejected_(registry.get("requests.rejected.by_nta")),
      forged_dropped_(registry.get("responses.dropped.forged_branch")),
      branch_signer_(make_branch_signer(settings_.branch_key_file)),
      snapshots_(std::move(snapshots)),
      trusted_(settings_.trusted_peers),
      parts_{settings_, counters_, trusted_, sent_by_, snapshots_, dns_, *this} {
    if (settings_.listen.empty()) throw std::runtime_error("no listen URI");
    parts_.branch_signer = &branch_signer_;
    const auto rmem = static_cast<unsigned>(std::max(settings_.udp_receive_buffer, 0));
    const auto wmem = static_cast<unsigned>(std::max(settings_.udp_send_buffer, 0));
    // TLS: Sofia-SIP reads agent.pem and cafile.pem from this directory; the minimum protocol
    // is OpenSSL's system policy, so TPTAG_TLS_VERSION is left alone
    // (docs/sip-proxy-internals.md).
    const std::string& cert_dir = settings_.tls_certificate_dir;
    const unsigned verify_policy = tls_verify_policy(settings_.tls_verify);
    agent_.reset(nta_agent_create(
        root, URL_STRING_MAKE(settings_.listen.front().c_str()), message_trampoline,
        reinterpret_cast<nta_agent_magic_t*>(this),
        // P-Asserted-Identity and Privacy are parsed only with the extended class.
        NTATAG_MCLASS(extended_mclass()),
        // A proxy, not a user agent: no automatic 100 Trying, no merged-request 482.
        NTATAG_UA(0), NTATAG_MERGE_482(0), NTATAG_SERVER_RPORT(1), NTATAG_CLIENT_RPORT(1),
        TAG_IF(rmem > 0, TPTAG_UDP_RMEM(rmem)), TAG_IF(wmem > 0, TPTAG_UDP_WMEM(wmem)),
        TPTAG_TIMEOUT(kIncompleteMessageTimeoutMs),
        TAG_IF(!cert_dir.empty(), TPTAG_CERTIFICATE(cert_dir.c_str())),
        TAG_IF(!cert_dir.empty(), TPTAG_TLS_VERIFY_POLICY(verify_policy)), TAG_END()));
    if (!agent_) throw std::runtime_error(listen_failure(settings_.listen.front(), cert_dir));
    // RFC 3261 §16.6 item 1: a line Sofia cannot parse is relayed as it came
    // (unparsed_headers.hpp).
    if (!keep_wire_text_of_header_lines(agent_.get()))
        throw std::runtime_error("Sofia-SIP refused to keep the text of header lines");
    for (std::size_t i = 1; i < settings_.listen.size(); ++i) {
        if (nta_agent_add_tport(
                agent_.get(), URL_STRING_MAKE(settings_.listen[i].c_str()),
                TAG_IF(rmem > 0, TPTAG_UDP_RMEM(rmem)), TAG_IF(wmem > 0, TPTAG_UDP_WMEM(wmem)),
                TPTAG_TIMEOUT(kIncompleteMessageTimeoutMs),
                TAG_IF(!cert_dir.empty(), TPTAG_CERTIFICATE(cert_dir.c_str())),
                TAG_IF(!cert_dir.empty(), TPTAG_TLS_VERIFY_POLICY(verify_policy)), TAG_END()) < 0)
            throw std::runtime_error(listen_failure(settings_.listen[i], cert_dir));
    }
    for (sip_via_t const* v = nta_agent_via(agent_.get()); v; v = v->v_next) {
        // v_protocol is "SIP/2.0/UDP": the transport is after the last slash.
        const std::string_view protocol = view(v->v_protocol);
        sent_by_.push_back(SentBy{std::string(view(v->v_host)), std::string(view(v->v_port)),
                                  text::ascii_lower(protocol.substr(protocol.rfind('/') + 1))});
    }
    if (!settings_.next_hop.empty()) {
        url_t* url =
            url_hdup(next_hop_home_.get(), URL_STRING_MAKE(settings_.next_hop.c_str())->us_url);
        if (!url || !url->url_host) throw std::runtime_error("bad next hop " + settings_.next_hop);
        parts_.next_hop = url;
        parts_.next_hop_trusted = trusted_.host_is_trusted(url->url_host);
    }
    for (sip_via_t const* v = nta_agent_via(agent_.get()); v; v = v->v_next)
        log::event(log::Level::info, "sip.listening", "listening",
                   {{"transport", view(v->v_protocol)},
                    {"host", view(v->v_host)},
                    {"port", view(v->v_port)}});
    log_udp_socket_buffers(agent_.get(), rmem, wmem);
    stream_fallback_ = std::make_unique<StreamFallback>(agent_.get(), root, counters_);

    // NTA answers malformed requests itself (400, 413) without calling us: its statistics
    // are folded into our counters once a second.
    stats_timer_ = su_timer_create(su_root_task(root), 1000);
    if (stats_timer_)
        su_timer_set_for_ever(stats_timer_, on_stats_timer,
                              reinterpret_cast<su_timer_arg_t*>(this));
}

StatelessProxy::~StatelessProxy() {
    if (stats_timer_) su_timer_destroy(stats_timer_);
}

void StatelessProxy::on_stats_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    auto* proxy = reinterpret_cast<StatelessProxy*>(arg);
    proxy->fold_nta_stats();
    proxy->stream_fallback_->settle();
}

void StatelessProxy::fold_nta_stats() {
    usize_t bad_messages = 0, bad_requests = 0;
    nta_agent_get_stats(agent_.get(), NTATAG_S_BAD_MESSAGE_REF(bad_messages),
                        NTATAG_S_BAD_REQUEST_REF(bad_requests), TAG_END());
    if (bad_messages > nta_bad_messages_)
        counters_.messages_malformed.add(bad_messages - nta_bad_messages_);
    if (bad_requests > nta_bad_requests_) nta_rejected_.add(bad_requests - nta_bad_requests_);
    nta_bad_messages_ = bad_messages;
    nta_bad_requests_ = bad_requests;
}

std::string StatelessProxy::warning_agent() const {
    if (!settings_.warning_agent.empty()) return settings_.warning_agent;
    if (sent_by_.empty()) return "cusax";
    const auto& s = sent_by_.front();
    return s.port.empty() ? s.host : s.host + ":" + s.port;
}

SourceInfo StatelessProxy::source_of(msg_t* msg) {
    SourceInfo source;
    if (su_addrinfo_t* ai = msg_addrinfo(msg); ai && ai->ai_addr) {
        char buf[INET6_ADDRSTRLEN] = "";
        if (ai->ai_family == AF_INET)
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf,
                      sizeof buf);
        else if (ai->ai_family == AF_INET6)
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf,
                      sizeof buf);
        source.address = buf;
    }
    tport_t* tports = nta_agent_tports(agent_.get());
    tport_t* tp = tports ? tport_delivered_by(tports, msg) : nullptr;
    if (tp) {
        if (tport_has_tls(tp))
            source.transport = SourceInfo::Transport::tls;
        else if (tport_is_tcp(tp))
            source.transport = SourceInfo::Transport::tcp;
        else if (tport_is_udp(tp))
            source.transport = SourceInfo::Transport::udp;
        else
            source.transport = SourceInfo::Transport::other;
        // Names count only from a certificate the TLS layer verified.
        if (source.transport == SourceInfo::Transport::tls && tport_is_verified(tp)) {
            if (auto const* subjects = tport_delivered_from_subjects(tports, msg)) {
                for (usize_t i = 0; i < su_strlst_len(subjects); ++i)
                    if (char const* s = su_strlst_item(subjects, i)) source.tls_names.push_back(s);
            }
        }
    }
    return source;
}

StepResult StatelessProxy::reply(RequestContext& ctx, int status, const char* phrase,
                                 std::string_view warning, std::string_view unsupported,
                                 std::string_view headers) {
    sip_t* sip = ctx.sip;
    MsgRef msg = std::move(ctx.msg);
    if (ctx.method == sip_method_ack) return StepResult::dropped;  // an ACK is never answered
    counters_.rejected(status).add();
    // Our own To tag lets us recognise the ACK to this response (RFC 3261 §17.1.1.3).
    if (sip->sip_to && !sip->sip_to->a_tag) {
        BranchKey key = compute_branch(sip);
        std::string tag = "tag=" + std::string(kOwnToTagPrefix) + key.transaction;
        sip_to_tag(msg_home(msg.get()), sip->sip_to, tag.c_str());
        sip_fragment_clear(sip->sip_to->a_common);
    }
    const std::string warning_value = warning.empty() ? "" : warning_399(warning_agent(), warning);
    const std::string unsupported_value(unsupported);
    const std::string header_lines(headers);
    nta_msg_treply(
        agent_.get(), msg.release(), status, phrase,
        TAG_IF(!warning_value.empty(), SIPTAG_WARNING_STR(warning_value.c_str())),
        TAG_IF(!unsupported_value.empty(), SIPTAG_UNSUPPORTED_STR(unsupported_value.c_str())),
        TAG_IF(!header_lines.empty(), SIPTAG_HEADER_STR(header_lines.c_str())), TAG_END());
    return StepResult::replied;
}

bool StatelessProxy::listens_on(const char* protocol) {
    tport_t* tports = nta_agent_tports(agent_.get());
    return tports && tport_by_protocol(tports, protocol);
}

RequestWire::SendOutcome StatelessProxy::send(RequestContext& ctx, url_t const* hop,
                                              const std::string& branch_tag) {
    // RFC 3263 §4.1: a transport named in the URI is the one used. Left alone, NTA moves a
    // request over its UDP limit to TCP even then (RFC 3261 §18.1.1 is for a transport it
    // chose), and a next hop that listens on UDP only never gets it; the largest datagram
    // lifts that limit for this send (docs/sip-proxy-internals.md, "Transports of a hop").
    const HopTransport transport = hop_transport(hop ? hop : ctx.sip->sip_request->rq_url);
    const bool udp_named = transport.explicit_parameter && transport.protocol == "udp";
    MsgRef sent(msg_ref_create(ctx.msg.get()));
    if (nta_msg_tsend(agent_.get(), ctx.msg.release(), reinterpret_cast<url_string_t const*>(hop),
                      NTATAG_BRANCH_KEY(branch_tag.c_str()),
                      TAG_IF(udp_named, TPTAG_MTU(kLargestDatagram)), TAG_END()) < 0)
        return SendOutcome::refused;
    // Over a stream, NTA may have queued it on a connection still opening (with no transport
    // named, because it was too large for UDP): its fate is known only later.
    const bool stream = transport.protocol == "tcp" || transport.protocol == "tls";
    if ((stream || transport.protocol.empty()) &&
        stream_fallback_->watch(std::move(sent), stream ? transport.protocol.c_str() : "tcp",
                                transport.protocol.empty(), hop ? url_text(hop) : std::string(),
                                branch_tag, ctx.call_id))
        return SendOutcome::watched;
    return SendOutcome::sent;
}

void StatelessProxy::on_message(msg_t* raw, sip_t* sip) {
    const auto arrived = std::chrono::steady_clock::now();  // requests.relay_seconds
    MsgRef msg(raw);
    if (!sip) {
        counters_.messages_malformed.add();
        garbage_log().event(log::Level::info, "sip.dropped", "unparseable message dropped");
        return;
    }
    write_parsed_lines_anew(msg.get());
    if (sip->sip_request) {
        handle_request(std::move(msg), sip);
        counters_.observe_relay_time(arrived);
        return;
    }
    try {
        if (sip->sip_status) {
            handle_response(std::move(msg), sip);
            return;
        }
        counters_.messages_malformed.add();
        garbage_log().event(log::Level::info, "sip.dropped", "neither request nor response",
                            {{"call_id", call_id_of(sip)}});
    } catch (const std::exception& e) {
        log::event(log::Level::error, "sip.internal_error", e.what(),
                   {{"call_id", call_id_of(sip)}});
    }
}

void StatelessProxy::handle_request(MsgRef msg, sip_t* sip) {
    RequestContext ctx(std::move(msg), sip);
    try {
        run_chain(kRequestChain, ctx, parts_);
    } catch (const std::exception& e) {
        // A step's failure answers the caller while the message is still ours (Flexisip turns
        // a module's exception into a reply the same way), and never ends the process.
        log::event(log::Level::error, "sip.internal_error", e.what(), {{"call_id", ctx.call_id}});
        try {
            if (ctx.msg) reply(ctx, SIP_500_INTERNAL_SERVER_ERROR, {}, {}, {});
        } catch (const std::exception&) {
            // Nothing more to do: the caller's retransmission or timer takes over.
        }
    }
}

void StatelessProxy::handle_response(MsgRef msg, sip_t* sip) {
    const std::string call_id = call_id_of(sip);
    sip_via_t const* top = sip->sip_via;
    // RFC 3261 §18.1.2: a response whose top Via is not ours is not ours to relay; with no
    // Via below ours it was for this proxy itself, which sends no requests of its own.
    if (!is_own_via(sent_by_, top) || !top->v_next) {
        garbage_log().event(log::Level::info, "sip.dropped", "response not for us",
                            {{"call_id", call_id}});
        return;
    }
    // RFC 3261 §16.11: only a branch this proxy (or a sibling with the same key) signed for
    // this response's call and return Via is ours (charge_marker.hpp); anything else is a
    // look-alike or a spoofed datagram, and is neither relayed nor given a Warning.
    const std::optional<OwnBranch> own = verify_own_branch(sip, branch_signer_);
    if (!own) {
        forged_dropped_.add();
        forged_log().event(log::Level::warn, "sip.forged_response",
                           "response dropped: its top Via names us with a branch we did not sign",
                           {{"call_id", call_id}, {"peer", source_of(msg.get()).address}});
        return;
    }
    // RFC 7081 §3.5: cusax inserts an impp Call-Info only into requests, so one in a response
    // is forged whoever relays it; trusting a hop's P-Asserted-Identity (RFC 3325) is not
    // trusting everything it passes on.
    if (int removed = remove_impp_call_info(msg.get(), sip); removed > 0) {
        counters_.call_info_removed_forged.add(static_cast<std::uint64_t>(removed));
        log::event(log::Level::info, "call_info.removed", "Call-Info impp removed from a response",
                   {{"call_id", call_id},
                    {"count", std::to_string(removed)},
                    {"peer", source_of(msg.get()).address}});
    }
    // RFC 7081 §5 / RFC 3261 §20.43: every response to a warned INVITE carries the Warning.
    if (own->warn_class && sip->sip_cseq && sip->sip_cseq->cs_method == sip_method_invite &&
        sip->sip_status->st_status > 100) {
        add_warning(msg.get(), sip, warning_agent(),
                    settings_.charge_policy.text(*own->warn_class));
    }
    relay_unparsed_as_written(msg.get(), sip);
    // nta_msg_tsend removes our Via and sends by the next one.
    if (nta_msg_tsend(agent_.get(), msg.release(), nullptr, TAG_END()) < 0)
        log::event(log::Level::info, "sip.relay_failed", "response could not be relayed",
                   {{"call_id", call_id}});
    else
        counters_.responses_relayed.add();
}

}  // namespace cusax::sip_proxy
