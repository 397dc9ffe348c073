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
#include <cctype>
#include <stdexcept>
#include <variant>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/call_info_policy.hpp"
#include "sip-proxy/charge_marker.hpp"
#include "sip-proxy/dns_reachability.hpp"
#include "sip-proxy/header_edits.hpp"
#include "sip-proxy/request_checks.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/socket_buffers.hpp"
#include "sip-proxy/strict_routing.hpp"

namespace cusax::sip_proxy {

namespace {

// To tags of the final responses this proxy answers itself: the caller's ACK to them
// carries the tag back, which is how a stateless proxy recognises (and absorbs) that ACK.
constexpr std::string_view kOwnToTagPrefix = "cusax-";

int message_trampoline(nta_agent_magic_t* magic, nta_agent_t*, msg_t* msg, sip_t* sip) {
    auto* proxy = reinterpret_cast<StatelessProxy*>(magic);
    proxy->on_message(msg, sip);
    return 0;
}

using text::iequals;

std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

std::string call_id_of(sip_t const* sip) {
    return sip && sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "";
}

SourceInfo source_of(nta_agent_t* agent, msg_t* msg) {
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
    tport_t* tports = nta_agent_tports(agent);
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

bool url_is_secure(url_t const* url) {
    if (!url) return false;
    if (url->url_type == url_sips) return true;
    char transport[16];
    return url->url_params &&
           url_param(url->url_params, "transport", transport, sizeof transport) > 0 &&
           iequals(transport, "tls");
}

// The transport a hop's URI demands ("tls" for sips:, else its transport parameter), or
// null when any will do.
const char* required_protocol(url_t const* url) {
    if (!url) return nullptr;
    if (url->url_type == url_sips) return "tls";
    char transport[16];
    if (!url->url_params ||
        url_param(url->url_params, "transport", transport, sizeof transport) <= 0)
        return nullptr;
    for (const char* known : {"udp", "tcp", "tls", "sctp"})
        if (iequals(transport, known)) return known;
    return "unknown";
}

bool is_dialog_creating(sip_t const* sip) {
    switch (sip->sip_request->rq_method) {
        case sip_method_invite:
        case sip_method_subscribe:
        case sip_method_refer:
        case sip_method_notify:
            return true;
        default:
            return false;
    }
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

// The host NTA resolves for a hop: its maddr parameter when present, else its host.
bool sip_hop_needs_dns(url_t const* url) {
    if (!url || !url->url_host) return false;
    char maddr[256];
    if (url->url_params && url_param(url->url_params, "maddr", maddr, sizeof maddr) > 0)
        return host_needs_dns(maddr);
    return host_needs_dns(url->url_host);
}

log::RateLimitedLog& dns_log() {
    static log::RateLimitedLog dns("sip.dns", 10, 60);
    return dns;
}

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
      snapshots_(std::move(snapshots)),
      trusted_(settings_.trusted_peers) {
    if (settings_.listen.empty()) throw std::runtime_error("no listen URI");
    const auto rmem = static_cast<unsigned>(std::max(settings_.udp_receive_buffer, 0));
    const auto wmem = static_cast<unsigned>(std::max(settings_.udp_send_buffer, 0));
    // TLS: Sofia-SIP reads agent.pem and cafile.pem from this directory. The minimum
    // protocol is OpenSSL's system policy (Debian: MinProtocol = TLSv1.2), which Sofia-SIP's
    // SSLv23 method follows; TPTAG_TLS_VERSION would pin TLS 1.0, so it is left alone.
    const std::string& cert_dir = settings_.tls_certificate_dir;
    const unsigned verify_policy = tls_verify_policy(settings_.tls_verify);
    agent_.reset(nta_agent_create(
        root, URL_STRING_MAKE(settings_.listen.front().c_str()), message_trampoline,
        reinterpret_cast<nta_agent_magic_t*>(this),
        // P-Asserted-Identity and Privacy are parsed only with the extended class (notes).
        NTATAG_MCLASS(extended_mclass()),
        // A proxy, not a user agent: no automatic 100 Trying, no merged-request 482.
        NTATAG_UA(0), NTATAG_MERGE_482(0), NTATAG_SERVER_RPORT(1), NTATAG_CLIENT_RPORT(1),
        TAG_IF(rmem > 0, TPTAG_UDP_RMEM(rmem)), TAG_IF(wmem > 0, TPTAG_UDP_WMEM(wmem)),
        TAG_IF(!cert_dir.empty(), TPTAG_CERTIFICATE(cert_dir.c_str())),
        TAG_IF(!cert_dir.empty(), TPTAG_TLS_VERIFY_POLICY(verify_policy)), TAG_END()));
    if (!agent_) throw std::runtime_error(listen_failure(settings_.listen.front(), cert_dir));
    for (std::size_t i = 1; i < settings_.listen.size(); ++i) {
        if (nta_agent_add_tport(
                agent_.get(), URL_STRING_MAKE(settings_.listen[i].c_str()),
                TAG_IF(rmem > 0, TPTAG_UDP_RMEM(rmem)), TAG_IF(wmem > 0, TPTAG_UDP_WMEM(wmem)),
                TAG_IF(!cert_dir.empty(), TPTAG_CERTIFICATE(cert_dir.c_str())),
                TAG_IF(!cert_dir.empty(), TPTAG_TLS_VERIFY_POLICY(verify_policy)), TAG_END()) < 0)
            throw std::runtime_error(listen_failure(settings_.listen[i], cert_dir));
    }
    for (sip_via_t const* v = nta_agent_via(agent_.get()); v; v = v->v_next)
        sent_by_.push_back(SentBy{std::string(view(v->v_host)), std::string(view(v->v_port))});
    if (!settings_.next_hop.empty()) {
        SuHome home;
        url_t* url = url_hdup(home.get(), URL_STRING_MAKE(settings_.next_hop.c_str())->us_url);
        if (!url || !url->url_host) throw std::runtime_error("bad next hop " + settings_.next_hop);
        next_hop_trusted_ = trusted_.host_is_trusted(url->url_host);
        next_hop_ = settings_.next_hop;
    }
    for (sip_via_t const* v = nta_agent_via(agent_.get()); v; v = v->v_next)
        log::event(log::Level::info, "sip.listening", "listening",
                   {{"transport", view(v->v_protocol)},
                    {"host", view(v->v_host)},
                    {"port", view(v->v_port)}});
    log_udp_socket_buffers(agent_.get(), rmem, wmem);

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
    reinterpret_cast<StatelessProxy*>(arg)->fold_nta_stats();
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

bool StatelessProxy::is_own_uri(url_t const* url) const {
    if (!url || !url->url_host) return false;
    std::string_view port = view(url->url_port);
    for (const auto& s : sent_by_) {
        if (!iequals(s.host, url->url_host)) continue;
        std::string_view ours = s.port.empty() ? "5060" : std::string_view(s.port);
        std::string_view theirs =
            port.empty() ? (url->url_type == url_sips ? "5061" : "5060") : port;
        if (ours == theirs) return true;
    }
    return false;
}

bool StatelessProxy::is_own_via(sip_via_t const* via) const {
    if (!via || !via->v_branch || !via->v_host) return false;
    if (view(via->v_branch).substr(0, kBranchPrefix.size()) != kBranchPrefix) return false;
    std::string_view port = view(via->v_port);
    for (const auto& s : sent_by_) {
        if (!iequals(s.host, via->v_host)) continue;
        std::string_view ours = s.port.empty() ? "5060" : std::string_view(s.port);
        if (ours == (port.empty() ? "5060" : port)) return true;
    }
    return false;
}

void StatelessProxy::on_message(msg_t* raw, sip_t* sip) {
    MsgRef msg(raw);
    const std::string call_id = call_id_of(sip);
    try {
        if (!sip) {
            counters_.messages_malformed.add();
            garbage_log().event(log::Level::info, "sip.dropped", "unparseable message dropped");
            return;
        }
        if (sip->sip_request)
            handle_request(std::move(msg), sip);
        else if (sip->sip_status)
            handle_response(std::move(msg), sip);
        else {
            counters_.messages_malformed.add();
            garbage_log().event(log::Level::info, "sip.dropped", "neither request nor response",
                                {{"call_id", call_id}});
        }
    } catch (const std::exception& e) {
        // A step's failure answers the caller (when it still can), never ends the process.
        log::event(log::Level::error, "sip.internal_error", e.what(), {{"call_id", call_id}});
        if (msg && sip && sip->sip_request && sip->sip_request->rq_method != sip_method_ack) {
            counters_.rejected(500).add();
            nta_msg_treply(agent_.get(), msg.release(), SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        }
    }
}

void StatelessProxy::reject(MsgRef msg, sip_t* sip, int status, const char* phrase,
                            const std::string& warning, const std::string& unsupported) {
    if (sip->sip_request->rq_method == sip_method_ack) return;  // an ACK is never answered
    counters_.rejected(status).add();
    // Our own To tag lets us recognise the ACK to this response (RFC 3261 §17.1.1.3).
    if (sip->sip_to && !sip->sip_to->a_tag) {
        BranchKey key = compute_branch(sip);
        std::string tag = "tag=" + std::string(kOwnToTagPrefix) + key.transaction;
        sip_to_tag(msg_home(msg.get()), sip->sip_to, tag.c_str());
        sip_fragment_clear(sip->sip_to->a_common);
    }
    std::string warning_value;
    if (!warning.empty()) {
        warning_value = "399 " + warning_agent() + " \"";
        for (char c : warning) {
            if (c == '"' || c == '\\') warning_value.push_back('\\');
            warning_value.push_back(c == '\r' || c == '\n' ? ' ' : c);
        }
        warning_value += "\"";
    }
    nta_msg_treply(agent_.get(), msg.release(), status, phrase,
                   TAG_IF(!warning_value.empty(), SIPTAG_WARNING_STR(warning_value.c_str())),
                   TAG_IF(!unsupported.empty(), SIPTAG_UNSUPPORTED_STR(unsupported.c_str())),
                   TAG_END());
}

void StatelessProxy::handle_request(MsgRef msg, sip_t* sip) {
    const std::string call_id = call_id_of(sip);
    const auto method = sip->sip_request->rq_method;
    const bool initial = sip->sip_to && !sip->sip_to->a_tag;

    // The ACK to a final response we generated ends here (RFC 3261 §16.3 leaves us the UAS).
    if (method == sip_method_ack && sip->sip_to && sip->sip_to->a_tag &&
        view(sip->sip_to->a_tag).substr(0, kOwnToTagPrefix.size()) == kOwnToTagPrefix) {
        log::event(log::Level::debug, "sip.ack_absorbed", "ACK to our own response absorbed",
                   {{"call_id", call_id}});
        return;
    }

    if (auto rejection = check_request(sip)) {
        if (rejection->status == 400) counters_.messages_malformed.add();
        log::event(log::Level::info, "sip.rejected", rejection->phrase,
                   {{"call_id", call_id}, {"status", std::to_string(rejection->status)}});
        reject(std::move(msg), sip, rejection->status, rejection->phrase.c_str(),
               rejection->warning, rejection->unsupported);
        return;
    }

    const BranchKey branch = compute_branch(sip);
    if (is_loop(sip, sent_by_, branch)) {
        log::event(log::Level::info, "sip.loop", "loop detected", {{"call_id", call_id}});
        reject(std::move(msg), sip, SIP_482_LOOP_DETECTED, {});
        return;
    }

    // Trust is decided once, here; every later step reads this verdict (repro IsTrustedNode).
    const SourceInfo source = source_of(agent_.get(), msg.get());
    const Trust trust = trusted_.classify(source);

    // §16.4: a strict router before us put our Record-Route URI into the Request-URI and the
    // real target last in the Route set; put it back before anything reads the target.
    if (restore_request_uri_from_strict_router(msg.get(), sip,
                                               [this](url_t const* u) { return is_own_uri(u); }))
        log::event(log::Level::debug, "sip.strict_route",
                   "Request-URI restored from the last Route (previous hop routes strictly)",
                   {{"call_id", call_id}, {"request_uri", url_text(sip->sip_request->rq_url)}});

    // §16.4: a Route naming us has done its job.
    while (sip->sip_route && is_own_uri(sip->sip_route->r_url)) sip_route_remove(msg.get(), sip);

    // §16.6 item 6: a next Route without ;lr is a strict router: it gets the Request-URI (the
    // target goes last in the Route set) and the request is sent to it. The TLS and charge
    // checks below read the target, which this moves out of the Request-URI: keep a copy.
    url_t const* target_uri = url_hdup(msg_home(msg.get()), sip->sip_request->rq_url);
    if (!target_uri) throw std::runtime_error("out of memory copying the Request-URI");
    const bool strict_next_hop = prepare_for_strict_next_hop(msg.get(), sip);

    // Where it goes: the next Route, else the configured next hop, else the Request-URI.
    url_t const* destination = strict_next_hop  ? sip->sip_request->rq_url
                               : sip->sip_route ? sip->sip_route->r_url
                                                : nullptr;
    SuHome home;
    url_t* next_hop_url = nullptr;
    if (!destination && !next_hop_.empty()) {
        next_hop_url = url_hdup(home.get(), URL_STRING_MAKE(next_hop_.c_str())->us_url);
        destination = next_hop_url;
    }
    const bool by_request_uri = destination == nullptr && !strict_next_hop;
    if (!destination) destination = sip->sip_request->rq_url;
    const bool next_hop_trusted =
        next_hop_url ? next_hop_trusted_
                     : (destination->url_host && trusted_.host_is_trusted(destination->url_host));

    // RFC 7081 §7 (and RFC 3261 §26.2.2 for sips:): what arrived protected is never relayed
    // in the clear. 403: the proxy could route it but refuses to by policy.
    const bool secure_in =
        source.transport == SourceInfo::Transport::tls || target_uri->url_type == url_sips;
    if (secure_in && !url_is_secure(destination) &&
        !(by_request_uri && sip->sip_request->rq_url->url_type == url_sips)) {
        log::event(log::Level::warn, "sip.tls_downgrade_refused",
                   "request received over TLS or for sips: not relayed over an unencrypted hop",
                   {{"call_id", call_id}, {"peer", trust.peer}});
        counters_.tls_downgrade_refused.add();
        reject(std::move(msg), sip, SIP_403_FORBIDDEN,
               "Request received over TLS is not relayed over an unencrypted transport");
        return;
    }

    // RFC 7081 §3.5: an impp Call-Info is only believed when this proxy puts it there.
    const CallerIdentity identity = identity_of(sip, trust, settings_.identity_from_header);
    const PrivacyRequest privacy = privacy_of(sip);
    if (int removed = remove_impp_call_info(msg.get(), sip); removed > 0) {
        counters_.call_info_removed_forged.add(static_cast<std::uint64_t>(removed));
        log::event(
            log::Level::info, "call_info.removed", "forged Call-Info impp removed",
            {{"call_id", call_id}, {"count", std::to_string(removed)}, {"peer", trust.peer}});
    }
    // RFC 3325 §5: P-Asserted-Identity from outside the trust domain is not passed on.
    if (!trust.trusted) {
        if (int removed = remove_p_asserted_identity(msg.get(), sip); removed > 0)
            log::event(log::Level::info, "pai.removed", "P-Asserted-Identity from untrusted hop",
                       {{"call_id", call_id}, {"peer", trust.peer}});
    }

    auto snapshot = snapshots_ ? snapshots_() : nullptr;
    const std::string method_name(view(sip->sip_request->rq_method_name));
    const bool call_info_method =
        std::any_of(settings_.call_info_methods.begin(), settings_.call_info_methods.end(),
                    [&](const std::string& m) { return iequals(m, method_name); });
    if (initial && call_info_method) {
        CallInfoDecision decision = decide_call_info(identity, privacy, trust, snapshot.get());
        if (auto* insert = std::get_if<InsertCallInfo>(&decision)) {
            insert_impp_call_info(msg.get(), sip, insert->jid);
            counters_.call_info_inserted.add();
            log::event(log::Level::info, "call_info.inserted", "Call-Info impp added",
                       {{"call_id", call_id}, {"aor", insert->aor}, {"jid", insert->jid}});
        } else {
            const auto& skip = std::get<SkipCallInfo>(decision);
            counters_.skipped(skip.reason).add();
            log::event(log::Level::info, "call_info.skipped", "no Call-Info impp",
                       {{"call_id", call_id},
                        {"reason", to_string(skip.reason)},
                        {"aor", skip.aor},
                        {"peer", trust.peer}});
        }
    }
    // RFC 3325 §9.3: with Privacy: id the identity does not leave the trust domain.
    if (privacy.id && !next_hop_trusted) remove_p_asserted_identity(msg.get(), sip);

    // RFC 7081 §5: classify the target of a new call, then allow, warn or block.
    std::optional<TargetClass> warn_class;
    if (method == sip_method_invite && initial) {
        const RequestTarget target = target_of(target_uri);
        const TargetClass cls = classify_target(target, settings_.dial_plan, snapshot.get());
        const ChargeAction action = settings_.charge_policy.action(cls);
        if (action != ChargeAction::allow || cls == TargetClass::emergency)
            log::event(log::Level::info, "charge.classified", "call target classified",
                       {{"call_id", call_id},
                        {"target", target.uri},
                        {"class", to_string(cls)},
                        {"action", to_string(action)}});
        if (action == ChargeAction::block) {
            counters_.charge_blocked.add();
            reject(std::move(msg), sip, SIP_403_FORBIDDEN, settings_.charge_policy.text(cls));
            return;
        }
        if (action == ChargeAction::warn) {
            counters_.charge_warned.add();
            warn_class = cls;
        }
    } else if (method == sip_method_cancel && initial) {
        // RFC 3261 §9.1: a CANCEL's Via is its INVITE's. Stateless, the proxy rebuilds it: the
        // same Request-URI gives the same class, so the CANCEL carries the INVITE's marker and
        // a UAS that builds its 487 from the CANCEL's Via still gets the Warning back.
        const TargetClass cls =
            classify_target(target_of(target_uri), settings_.dial_plan, snapshot.get());
        if (settings_.charge_policy.action(cls) == ChargeAction::warn) warn_class = cls;
    }

    // §16.6 item 3: Max-Forwards one less, or 70 when absent.
    const unsigned long max_forwards = forwarded_max_forwards(sip);
    if (sip->sip_max_forwards) {
        sip->sip_max_forwards->mf_count = max_forwards;
        sip_fragment_clear(sip->sip_max_forwards->mf_common);
    } else {
        sip_add_make(msg.get(), sip, sip_max_forwards_class, std::to_string(max_forwards).c_str());
    }

    // §16.6 item 4: Record-Route on dialog-creating requests, when configured.
    if (settings_.record_route && initial && is_dialog_creating(sip) && !sent_by_.empty()) {
        const auto& s = sent_by_.front();
        std::string rr = "<sip:" + s.host + (s.port.empty() ? "" : ":" + s.port) + ";lr>";
        if (auto* h = sip_record_route_make(msg_home(msg.get()), rr.c_str()))
            sip_header_insert(msg.get(), sip, reinterpret_cast<sip_header_t*>(h));
    }

    const std::string branch_tag = branch_tag_value(branch.value(), warn_class);
    // An unreachable next hop, as measured with this Sofia-SIP: nta_msg_tsend fails at once
    // only when it has no way to send at all (no transport for the hop's protocol, e.g. a
    // ;transport=tls hop without a sips: listener): then the caller gets a 503 (RFC 3261
    // §16.7 item 6 lets a proxy answer itself), and its ACK is absorbed like any of ours.
    // A closed UDP port (ICMP port unreachable) or a refused TCP connection is reported by
    // tport later, to NTA's agent-wide error hook, which only logs it ("nta_agent: tport:
    // HOST:PORT: Connection refused", a debug line here) and names no message: being
    // stateless, the proxy cannot answer, and the caller's own Timer B ends the call with a
    // 408 after 64*T1 (RFC 3261 §17.1.1.2), as with any stateless proxy.
    MsgRef keep(msg_ref_create(msg.get()));
    // The hop chosen above, always named: left to itself, NTA sends a request whose first
    // Route lacks ;lr (a strict router) by its Request-URI, not to that router.
    url_string_t const* out =
        by_request_uri ? nullptr : reinterpret_cast<url_string_t const*>(destination);
    // A hop whose transport we do not listen on is refused here: nta_msg_tsend would fail
    // too, but this Sofia-SIP leaks the message on that path (one per request, seen by LSan).
    const char* protocol = required_protocol(destination);
    tport_t* tports = nta_agent_tports(agent_.get());
    bool sendable = !protocol || (tports && tport_by_protocol(tports, protocol));
    // A hop named by a host name goes through Sofia's resolver, which spins for ever inside
    // nta_msg_tsend when no nameserver can be connected to (dns_reachability.hpp has the
    // cause): the loop stalls and SIGTERM goes unheeded. So, decided here: when resolv.conf
    // names no nameserver with a route, the request is not handed to NTA and the caller gets
    // a 503 at once, like any hop the proxy cannot send to (RFC 3261 §16.7 item 6; RFC 3263
    // §4.3 lets a client treat a resolver failure as a 503); the proxy stays responsive and
    // serves IP-addressed hops as before. A reachable nameserver that does not answer is
    // Sofia's ordinary asynchronous case (its own timeouts; stateless, the caller's Timer B).
    if (sendable && sip_hop_needs_dns(destination) && !dns_.reachable()) {
        sendable = false;
        dns_log().event(log::Level::warn, "sip.dns_unreachable",
                        "no nameserver reachable to resolve the next hop",
                        {{"call_id", call_id},
                         {"destination", url_text(destination)},
                         {"resolv_conf", dns_.path()}});
    }
    if (!sendable || nta_msg_tsend(agent_.get(), msg.release(), out,
                                   NTATAG_BRANCH_KEY(branch_tag.c_str()), TAG_END()) < 0) {
        counters_.forward_failed.add();
        log::event(log::Level::warn, "sip.forward_failed", "next hop unreachable",
                   {{"call_id", call_id}, {"destination", url_text(destination)}});
        if (sip->sip_via && is_own_via(sip->sip_via)) sip_via_remove(keep.get(), sip);
        if (sip->sip_via) reject(std::move(keep), sip, SIP_503_SERVICE_UNAVAILABLE, {});
    } else {
        counters_.requests_relayed.add();
    }
}

void StatelessProxy::handle_response(MsgRef msg, sip_t* sip) {
    const std::string call_id = call_id_of(sip);
    sip_via_t const* top = sip->sip_via;
    // RFC 3261 §18.1.2: a response whose top Via is not ours is not ours to relay; with no
    // Via below ours it was for this proxy itself, which sends no requests of its own.
    if (!is_own_via(top) || !top->v_next) {
        garbage_log().event(log::Level::info, "sip.dropped", "response not for us",
                            {{"call_id", call_id}});
        return;
    }
    const Trust trust = trusted_.classify(source_of(agent_.get(), msg.get()));
    if (!trust.trusted) {
        if (int removed = remove_impp_call_info(msg.get(), sip); removed > 0) {
            counters_.call_info_removed_forged.add(static_cast<std::uint64_t>(removed));
            log::event(
                log::Level::info, "call_info.removed",
                "Call-Info impp removed from response of an untrusted hop",
                {{"call_id", call_id}, {"count", std::to_string(removed)}, {"peer", trust.peer}});
        }
    }
    // RFC 7081 §5 / RFC 3261 §20.43: every response to a warned INVITE carries the Warning.
    if (auto cls = charge_marker(top); cls && sip->sip_cseq &&
                                       sip->sip_cseq->cs_method == sip_method_invite &&
                                       sip->sip_status->st_status > 100) {
        add_warning(msg.get(), sip, warning_agent(), settings_.charge_policy.text(*cls));
    }
    // nta_msg_tsend removes our Via and sends by the next one.
    if (nta_msg_tsend(agent_.get(), msg.release(), nullptr, TAG_END()) < 0)
        log::event(log::Level::info, "sip.relay_failed", "response could not be relayed",
                   {{"call_id", call_id}});
    else
        counters_.responses_relayed.add();
}

}  // namespace cusax::sip_proxy
