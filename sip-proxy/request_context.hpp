#pragma once
// One request on its walk through the chain (request_chain.hpp), and what the steps read and
// act through. Each fact of the context is written by one step and only read by later ones,
// so a step's inputs are the steps before it in the list.
#include <sofia-sip/sip.h>
#include <sofia-sip/url.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/snapshot.hpp"
#include "sip-proxy/branch_key.hpp"
#include "sip-proxy/branch_mac.hpp"
#include "sip-proxy/call_info_policy.hpp"
#include "sip-proxy/dial_plan.hpp"
#include "sip-proxy/dns_reachability.hpp"
#include "sip-proxy/proxy_counters.hpp"
#include "sip-proxy/proxy_settings.hpp"
#include "sip-proxy/sent_by.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/trust_policy.hpp"

namespace cusax::sip_proxy {

// To tags of the final responses this proxy answers itself: the caller's ACK to them carries
// the tag back, which is how a stateless proxy recognises (and absorbs) that ACK.
inline constexpr std::string_view kOwnToTagPrefix = "cusax-";

// What a step did with the request. Every request ends in one of the last three; one that
// leaves the chain still at `next` is a bug the runner reports.
enum class StepResult {
    next,       // go on with the next step
    forwarded,  // handed to NTA for the next hop
    replied,    // answered by this proxy
    dropped,    // ended without an answer (an absorbed ACK, a request with nothing to answer)
};

std::string_view to_string(StepResult result);

struct RequestContext {
    RequestContext(MsgRef message, sip_t* parsed);

    // The adapter's part. msg is null once a step handed it on (forwarded or replied).
    MsgRef msg;
    sip_t* sip;
    std::string call_id;
    sip_method_t method;
    bool initial;  // no To tag: not inside a dialog

    // front_door: the branch of our Via (transaction and loop parts).
    BranchKey branch;
    // classify_source: where it came from, whether that is believed, what it asserts.
    SourceInfo source;
    Trust trust;
    CallerIdentity identity;
    PrivacyRequest privacy;
    std::shared_ptr<const store::Snapshot> snapshot;
    // route: the target (the Request-URI before a strict next hop takes it), the hop it goes
    // to, whether that hop is the Request-URI itself, and whether it is in the trust domain.
    url_t const* target = nullptr;
    url_t const* destination = nullptr;
    bool strict_next_hop = false;  // the Request-URI now names a strict router (no ;lr)
    bool by_request_uri = false;
    bool next_hop_trusted = false;
    // charge_warning: the class whose Warning the responses get, carried in our Via.
    std::optional<TargetClass> warn_class;
};

// What the wire layer does for a step; implemented by the Sofia adapter (stateless_proxy.cpp).
class RequestWire {
  public:
    virtual ~RequestWire() = default;
    // Address, transport and verified TLS names of the socket the request came in on.
    virtual SourceInfo source_of(msg_t* msg) = 0;
    // Answers the request (taking ctx.msg) with our own To tag and, when `warning` is not
    // empty, a Warning 399 with it; `headers` are further header lines, each ending in CRLF.
    // An ACK is never answered: then `dropped`, else `replied`.
    virtual StepResult reply(RequestContext& ctx, int status, const char* phrase,
                             std::string_view warning = {}, std::string_view unsupported = {},
                             std::string_view headers = {}) = 0;
    // Whether the agent has a transport for "udp", "tcp", "tls", ...
    virtual bool listens_on(const char* protocol) = 0;
    // Hands ctx.msg to NTA for `hop` (null: by the Request-URI) with our Via's branch tag;
    // the message is gone either way. `sent`: on its way; `refused`: NTA refused it at once;
    // `watched`: queued on a connection still opening, whose outcome the wire layer counts
    // and logs itself when it is known (stream_fallback.hpp).
    enum class SendOutcome { sent, refused, watched };
    virtual SendOutcome send(RequestContext& ctx, url_t const* hop,
                             const std::string& branch_tag) = 0;
};

using SnapshotSource = std::function<std::shared_ptr<const store::Snapshot>()>;

// Everything a step reads besides the request, built once when the proxy starts.
struct ChainParts {
    const ProxySettings& settings;
    ProxyCounters& counters;
    const TrustedPeers& trusted;
    const std::vector<SentBy>& sent_by;
    const SnapshotSource& snapshots;
    DnsReachability& dns;
    RequestWire& wire;
    url_t const* next_hop = nullptr;  // the configured next hop, parsed once; null: none
    bool next_hop_trusted = false;
    // Signs the branch of our Via (charge_marker.hpp); set by the proxy.
    BranchSigner const* branch_signer = nullptr;
};

}  // namespace cusax::sip_proxy
