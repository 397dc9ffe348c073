// Any bytes as a SIP message, parsed by Sofia-SIP with the proxy's message class and the copy
// of each line's text the proxy's agent keeps (unparsed_headers.hpp), then handled as the
// proxy handles it: a request walks the whole request chain (request_chain.hpp) under four
// settings (trusted or untrusted source, over UDP or TLS, toward a trusted or untrusted next
// hop), a response gets the proxy's response edits. The bindings snapshot is fixed: verified
// and unverified bindings, by SIP AOR and by number.
// Invariants, checked on the wire text the proxy would send, read here by hand and not by the
// proxy's own readers:
// - no Call-Info value with purpose impp that arrived leaves: a relayed response carries none,
//   a relayed request at most the one the proxy inserted;
// - that one names a verified binding's JID, never an unverified one's;
// - a request that asks for privacy (Privacy: id or header, RFC 3323) gets no JID;
// - an initial INVITE to a PSTN target (blocked by the policy here) is never relayed, whether
//   the number is in the Request-URI or in a Route without ;lr (any of them: each becomes the
//   Request-URI somewhere down the path);
// - every request ends somewhere on purpose (forwarded, replied or dropped).
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../unit/sip_proxy/wire_text.hpp"
#include "fuzz_support.hpp"
#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/branch_mac.hpp"
#include "sip-proxy/dial_plan.hpp"
#include "sip-proxy/dns_reachability.hpp"
#include "sip-proxy/header_edits.hpp"
#include "sip-proxy/proxy_counters.hpp"
#include "sip-proxy/request_chain.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/sent_by.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/unparsed_headers.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace {

using cusax::fuzz::violated;

using namespace cusax::sip_proxy;
using cusax::store::Verification;
using cusax::text::iequals;

const std::vector<std::string>& verified_jids() {
    static const std::vector<std::string> jids = {"alice@xmpp.example.com",
                                                  "dave@xmpp.example.com"};
    return jids;
}

std::shared_ptr<const cusax::store::Snapshot> snapshot() {
    using cusax::sip_proxy::test::binding;
    static const auto s = cusax::sip_proxy::test::snapshot_of({
        binding("sip:alice@example.com", "alice@xmpp.example.com", {"+4930123456"},
                Verification::Admin),
        binding("sip:dave@example.com", "dave@xmpp.example.com", {"+4930123999"},
                Verification::Mutual),
        binding("sip:mallory@example.com", "mallory@xmpp.example.com", {"+4930666"},
                Verification::Unverified),
        binding("sip:bob@example.com", "bob@xmpp.example.com", {}, Verification::Unverified),
    });
    return s;
}

bool blocked_target(url_t const* url, const ProxySettings& s);

// The wire layer: records what would be sent instead of sending it.
class RecordingWire : public RequestWire {
  public:
    explicit RecordingWire(const ProxySettings& s) : settings(s) {}
    const ProxySettings& settings;
    SourceInfo source;
    std::optional<std::string> sent;
    bool sent_blocked_target = false;  // the target (ctx.target) as it was sent

    SourceInfo source_of(msg_t*) override { return source; }
    StepResult reply(RequestContext& ctx, int, const char*, std::string_view, std::string_view,
                     std::string_view) override {
        const bool ack = ctx.method == sip_method_ack;
        ctx.msg.reset();
        return ack ? StepResult::dropped : StepResult::replied;
    }
    bool listens_on(const char* protocol) override {
        const std::string_view p = protocol;
        return p == "udp" || p == "tcp" || p == "tls";
    }
    SendOutcome send(RequestContext& ctx, url_t const*, const std::string&) override {
        sent = cusax::sip_proxy::test::encode(ctx.msg.get());
        // ctx.target lives in the message: read before the message goes. The Request-URI
        // as sent counts too: a strict next hop got it, and a next hop that drops preloaded
        // Routes routes by it.
        sent_blocked_target = blocked_target(ctx.target, settings) ||
                              blocked_target(ctx.sip->sip_request->rq_url, settings);
        ctx.msg.reset();
        return SendOutcome::sent;
    }
};

// The header section of wire text, one unfolded line per header (RFC 3261 §7.3.1).
std::vector<std::string> header_lines(std::string_view wire) {
    std::vector<std::string> lines;
    std::size_t pos = wire.find("\r\n");  // after the start line
    while (pos != std::string_view::npos && pos + 2 <= wire.size()) {
        pos += 2;
        std::size_t end = wire.find("\r\n", pos);
        if (end == std::string_view::npos) end = wire.size();
        const std::string_view line = wire.substr(pos, end - pos);
        if (line.empty()) break;
        if ((line.front() == ' ' || line.front() == '\t') && !lines.empty())
            lines.back().append(" ").append(line);
        else
            lines.emplace_back(line);
        pos = end;
    }
    return lines;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The value of a line named `name` (any case, blanks before the colon), or nothing.
std::optional<std::string_view> value_if_named(std::string_view line, std::string_view name) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !iequals(trim(line.substr(0, colon)), name))
        return std::nullopt;
    return line.substr(colon + 1);
}

// Splits at `separator` outside <...> and "..." (with \-escapes).
std::vector<std::string_view> split_outside(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    bool quoted = false, bracket = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            bracket = true;
        } else if (c == '>') {
            bracket = false;
        } else if (c == separator && !bracket) {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(text.substr(start));
    return parts;
}

std::string unquote(std::string_view v) {
    v = trim(v);
    if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
    std::string out;
    for (std::size_t i = 1; i + 1 < v.size(); ++i) {
        if (v[i] == '\\' && i + 2 < v.size()) ++i;
        out.push_back(v[i]);
    }
    return out;
}

// The URIs (between < and >) of every Call-Info value whose purpose is impp, as a UA
// downstream would read the line.
std::vector<std::string> impp_values(std::string_view wire) {
    std::vector<std::string> found;
    for (const std::string& line : header_lines(wire)) {
        auto value = value_if_named(line, "Call-Info");
        if (!value) continue;
        for (std::string_view element : split_outside(*value, ',')) {
            const std::size_t close = element.find('>');
            const std::size_t open = element.find('<');
            const std::string_view params =
                close == std::string_view::npos ? element : element.substr(close + 1);
            auto list = split_outside(params, ';');
            for (std::size_t i = close == std::string_view::npos ? 1 : 0; i < list.size(); ++i) {
                const std::size_t eq = list[i].find('=');
                if (eq == std::string_view::npos ||
                    !iequals(trim(list[i].substr(0, eq)), "purpose"))
                    continue;
                if (!iequals(unquote(list[i].substr(eq + 1)), "impp")) continue;
                found.emplace_back(open != std::string_view::npos &&
                                           close != std::string_view::npos && open < close
                                       ? element.substr(open + 1, close - open - 1)
                                       : element);
            }
        }
    }
    return found;
}

// Whether a Privacy line of the wire text asks to hide the identity or headers (RFC 3323).
bool asks_privacy(std::string_view wire) {
    for (const std::string& line : header_lines(wire)) {
        auto value = value_if_named(line, "Privacy");
        if (!value) continue;
        for (std::string_view part : split_outside(*value, ';'))
            for (std::string_view token : split_outside(part, ','))
                if (iequals(trim(token), "id") || iequals(trim(token), "header")) return true;
    }
    return false;
}

struct Variant {
    SourceInfo source;
    const char* next_hop;
    bool identity_from_header;
};

const Variant kVariants[] = {
    {{"127.0.0.1", SourceInfo::Transport::udp, {}}, "sip:127.0.0.1:5070", true},
    {{"192.0.2.7", SourceInfo::Transport::udp, {}}, "sip:127.0.0.1:5070", false},
    {{"198.51.100.4", SourceInfo::Transport::tls, {"sbc.example.com"}},
     "sips:198.51.100.9:5061",
     false},
    {{"127.0.0.1", SourceInfo::Transport::tcp, {}}, "sip:198.51.100.9;transport=tcp", false},
};

ProxySettings settings_for(const Variant& v) {
    ProxySettings s;
    s.next_hop = v.next_hop;
    s.trusted_peers = {"127.0.0.1", "tls:sbc.example.com"};
    s.identity_from_header = v.identity_from_header;
    s.call_info_methods = {"INVITE", "MESSAGE"};
    s.record_route = true;
    s.dial_plan.local_domains = {"example.com"};
    s.dial_plan.local_number_prefixes = {"+4930"};
    s.dial_plan.offnet_number_prefixes = {"0"};
    s.charge_policy.pstn = ChargeAction::block;
    s.charge_policy.inter_domain = ChargeAction::warn;
    return s;
}

// Parsed as the proxy's agent parses: with a copy of each line's text, later forgotten for
// every line but the unparsed ones (unparsed_headers.hpp).
MsgRef parse_as_the_proxy(std::string_view input) {
    MsgRef msg(msg_make(extended_mclass(), MSG_DO_EXTRACT_COPY, input.data(),
                        static_cast<isize_t>(input.size())));
    if (!msg || !sip_object(msg.get())) return nullptr;
    write_parsed_lines_anew(msg.get());
    return msg;
}

// A Route value a next hop can route a call by once it is the Request-URI: a tel: number, or a
// sip:/sips: URI with a user part (a strict router's own address, host only, names no call).
bool names_a_call(url_t const* url) {
    if (url->url_type == url_tel) return true;
    return (url->url_type == url_sip || url->url_type == url_sips) && url->url_user &&
           *url->url_user;
}

bool blocked_target(url_t const* url, const ProxySettings& s) {
    if (!url) return false;
    const TargetClass cls = classify_target(target_of(url), s.dial_plan, snapshot().get());
    return s.charge_policy.action(cls) == ChargeAction::block;
}

void check_relayed_request(std::string_view wire, const RequestContext& ctx, const ProxySettings& s,
                           bool blocked) {
    const auto impp = impp_values(wire);
    if (impp.size() > 1) violated("more than one impp Call-Info relayed", wire);
    if (!impp.empty()) {
        bool verified = false;
        for (const std::string& jid : verified_jids()) verified |= impp.front() == "xmpp:" + jid;
        if (!verified) violated("impp Call-Info that names no verified binding's JID", wire);
        if (asks_privacy(wire) || ctx.privacy.id || ctx.privacy.header)
            violated("JID inserted into a request that asks for privacy", wire);
        if (!ctx.trust.trusted) violated("JID inserted for an untrusted source", wire);
    }
    if (ctx.method == sip_method_invite && ctx.initial) {
        if (blocked) violated("INVITE to a blocked target relayed", wire);
        MsgRef again = cusax::sip_proxy::parse_sip_message(wire.data(), wire.size());
        sip_t const* sip = again ? sip_object(again.get()) : nullptr;
        if (sip && sip->sip_request && blocked_target(sip->sip_request->rq_url, s))
            violated("INVITE relayed with a blocked Request-URI", wire);
        // Every Route value without ;lr becomes the Request-URI somewhere down the path.
        for (sip_route_t const* r = sip ? sip->sip_route : nullptr; r; r = r->r_next)
            if (!url_has_param_named(r->r_url, "lr") && names_a_call(r->r_url) &&
                blocked_target(r->r_url, s))
                violated("INVITE relayed with a blocked number in a strict Route", wire);
    }
}

void run_request(std::string_view input, const Variant& variant) {
    MsgRef msg = parse_as_the_proxy(input);
    if (!msg) return;
    sip_t* sip = sip_object(msg.get());
    if (!sip->sip_request) return;

    const ProxySettings settings = settings_for(variant);
    static cusax::counters::Registry registry;
    static ProxyCounters counters(registry);
    static DnsReachability dns;
    static const BranchSigner signer = BranchSigner::random();
    const TrustedPeers trusted(settings.trusted_peers);
    const std::vector<SentBy> ours = {{"127.0.0.1", "5060", "udp"}};
    const SnapshotSource snapshots = [] { return snapshot(); };
    RecordingWire wire(settings);
    wire.source = variant.source;
    MsgRef next_hop_home(msg_create(extended_mclass(), 0));
    url_t* next_hop = url_make(msg_home(next_hop_home.get()), settings.next_hop.c_str());
    ChainParts parts{
        settings, counters,  trusted,
        ours,     snapshots, dns,
        wire,     next_hop,  trusted.host_is_trusted(next_hop ? next_hop->url_host : ""),
        &signer};

    const bool blocked_input = blocked_target(sip->sip_request->rq_url, settings);
    RequestContext ctx(std::move(msg), sip);
    StepResult result = StepResult::next;
    try {
        result = run_chain(kRequestChain, ctx, parts);
    } catch (const std::exception&) {
        return;  // the proxy answers 500 (stateless_proxy.cpp); nothing was relayed
    }
    if (result == StepResult::next) violated("request left the chain unhandled", input);
    if (result == StepResult::forwarded && !wire.sent) violated("forwarded without a send", input);
    if (wire.sent)
        check_relayed_request(*wire.sent, ctx, settings, blocked_input || wire.sent_blocked_target);
}

// The edits the proxy makes to a response it relays (stateless_proxy.cpp handle_response),
// once the response is known to be for one of its own requests.
void run_response(std::string_view input) {
    MsgRef msg = parse_as_the_proxy(input);
    if (!msg) return;
    sip_t* sip = sip_object(msg.get());
    if (!sip->sip_status) return;
    remove_impp_call_info(msg.get(), sip);
    add_warning(msg.get(), sip, "127.0.0.1", "Call to the telephone network: charges may apply");
    relay_unparsed_as_written(msg.get(), sip);
    const std::string wire = cusax::sip_proxy::test::encode(msg.get());
    if (!impp_values(wire).empty()) violated("impp Call-Info relayed in a response", wire);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cusax::fuzz::quiet_logs();
    static const SofiaLibrary sofia;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const Variant& variant : kVariants) run_request(input, variant);
    run_response(input);
    return 0;
}
