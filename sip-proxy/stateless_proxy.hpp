#pragma once
// Wire layer: one NTA agent whose message callback receives every request and response
// statelessly (RFC 3261 §16.11), as in Flexisip. Each request walks the front-door checks,
// the trust verdict, the Call-Info and charge policies, then goes out with nta_msg_tsend and a
// computed branch; each response loses our Via and goes back by the next one.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/store/snapshot.hpp"
#include "sip-proxy/branch_key.hpp"
#include "sip-proxy/dns_reachability.hpp"
#include "sip-proxy/proxy_counters.hpp"
#include "sip-proxy/proxy_settings.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/trust_policy.hpp"

namespace cusax::sip_proxy {

class StatelessProxy {
  public:
    using SnapshotSource = std::function<std::shared_ptr<const store::Snapshot>()>;

    // Binds every listen URI. Throws std::runtime_error naming the URI that failed.
    // Registers its counters in `registry`, which must outlive the proxy.
    StatelessProxy(su_root_t* root, ProxySettings settings, SnapshotSource snapshots,
                   counters::Registry& registry);
    ~StatelessProxy();
    StatelessProxy(const StatelessProxy&) = delete;
    StatelessProxy& operator=(const StatelessProxy&) = delete;

    nta_agent_t* agent() const { return agent_.get(); }
    // The host and port this proxy writes into its Via, one per transport.
    const std::vector<SentBy>& sent_by() const { return sent_by_; }

    // The message callback (public for the C trampoline; ownership of msg passes in).
    void on_message(msg_t* msg, sip_t* sip);

  private:
    struct RequestContext;
    void handle_request(MsgRef msg, sip_t* sip);
    void handle_response(MsgRef msg, sip_t* sip);
    void reject(MsgRef msg, sip_t* sip, int status, const char* phrase, const std::string& warning,
                const std::string& unsupported = {});
    bool is_own_uri(url_t const* url) const;
    bool is_own_via(sip_via_t const* via) const;
    std::string warning_agent() const;
    void fold_nta_stats();

    static void on_stats_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);

    ProxySettings settings_;
    ProxyCounters counters_;
    counters::Counter& nta_rejected_;  // requests.rejected.by_nta (400/413 NTA answers)
    std::size_t nta_bad_messages_ = 0;
    std::size_t nta_bad_requests_ = 0;
    SnapshotSource snapshots_;
    TrustedPeers trusted_;
    bool next_hop_trusted_ = false;
    NtaAgent agent_;
    std::vector<SentBy> sent_by_;
    std::string next_hop_;
    DnsReachability dns_;  // checked before a host-name hop reaches NTA's resolver
    su_timer_t* stats_timer_ = nullptr;
};

}  // namespace cusax::sip_proxy
