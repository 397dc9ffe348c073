#pragma once
// Wire layer: one NTA agent whose message callback receives every request and response
// statelessly (RFC 3261 §16.11), as in Flexisip. Each request walks the chain of steps
// (request_chain.hpp); this file does the Sofia work the steps ask for (where a request came
// from, answers, sends). Each response loses our Via and goes back by the next one.
#include <memory>
#include <string>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/store/snapshot.hpp"
#include "sip-proxy/branch_mac.hpp"
#include "sip-proxy/dns_reachability.hpp"
#include "sip-proxy/proxy_counters.hpp"
#include "sip-proxy/proxy_settings.hpp"
#include "sip-proxy/request_context.hpp"
#include "sip-proxy/sent_by.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/stream_fallback.hpp"
#include "sip-proxy/trust_policy.hpp"

namespace cusax::sip_proxy {

class StatelessProxy : private RequestWire {
  public:
    using SnapshotSource = sip_proxy::SnapshotSource;

    // Binds every listen URI. Throws std::runtime_error naming the URI that failed.
    // Registers its counters in `registry`, which must outlive the proxy.
    StatelessProxy(su_root_t* root, ProxySettings settings, SnapshotSource snapshots,
                   counters::Registry& registry);
    ~StatelessProxy() override;
    StatelessProxy(const StatelessProxy&) = delete;
    StatelessProxy& operator=(const StatelessProxy&) = delete;

    nta_agent_t* agent() const { return agent_.get(); }
    // The host and port this proxy writes into its Via, one per transport.
    const std::vector<SentBy>& sent_by() const { return sent_by_; }

    // SIGHUP: settings whose restart-only members equal the running ones (proxy_reload.cpp);
    // on the loop thread, so the next request sees them.
    void apply_reloaded(ProxySettings fresh);

    // The message callback (public for the C trampoline; ownership of msg passes in).
    void on_message(msg_t* msg, sip_t* sip);

  private:
    void handle_request(MsgRef msg, sip_t* sip);
    void handle_response(MsgRef msg, sip_t* sip);
    std::string warning_agent() const;
    void fold_nta_stats();
    static void on_stats_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);

    // RequestWire: what the steps ask of Sofia.
    SourceInfo source_of(msg_t* msg) override;
    StepResult reply(RequestContext& ctx, int status, const char* phrase, std::string_view warning,
                     std::string_view unsupported, std::string_view headers) override;
    bool listens_on(const char* protocol) override;
    SendOutcome send(RequestContext& ctx, url_t const* hop, const std::string& branch_tag) override;

    ProxySettings settings_;
    ProxyCounters counters_;
    counters::Counter& nta_rejected_;    // requests.rejected.by_nta (400/413 NTA answers)
    counters::Counter& forged_dropped_;  // responses.dropped.forged_branch
    BranchSigner branch_signer_;
    std::size_t nta_bad_messages_ = 0;
    std::size_t nta_bad_requests_ = 0;
    SnapshotSource snapshots_;
    TrustedPeers trusted_;
    NtaAgent agent_;
    std::vector<SentBy> sent_by_;
    SuHome next_hop_home_;  // holds the parsed next hop
    DnsReachability dns_;   // checked before a host-name hop reaches NTA's resolver
    ChainParts parts_;
    std::unique_ptr<StreamFallback> stream_fallback_;
    su_timer_t* stats_timer_ = nullptr;
};

}  // namespace cusax::sip_proxy
