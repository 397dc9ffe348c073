#pragma once
// The proxy's counters, registered once at start-up (counters::Registry::get takes a lock)
// and bumped on the hot path through the references kept here: one relaxed atomic add, no
// look-up by name per message. Read by the stats reporter and `cusaxctl stats`.
#include <array>
#include <cstddef>

#include "shared/counters/counters.hpp"
#include "sip-proxy/call_info_policy.hpp"

namespace cusax::sip_proxy {

struct ProxyCounters {
    explicit ProxyCounters(counters::Registry& registry);

    counters::Counter& call_info_inserted;        // call_info.inserted
    counters::Counter& call_info_removed_forged;  // call_info.removed_forged (values)
    counters::Counter& charge_warned;             // charge.warned
    counters::Counter& charge_blocked;            // charge.blocked
    counters::Counter& requests_relayed;          // requests.relayed
    counters::Counter& responses_relayed;         // responses.relayed
    counters::Counter& messages_malformed;        // messages.malformed
    counters::Counter& tls_downgrade_refused;     // requests.tls_downgrade_refused
    counters::Counter& forward_failed;            // requests.forward_failed
    counters::Counter& not_handled;               // requests.not_handled (a bug: no step ended it)

    // call_info.skipped.<reason>, by SkipReason.
    counters::Counter& skipped(SkipReason reason) {
        return *skipped_[static_cast<std::size_t>(reason)];
    }
    // requests.rejected.<code> for the codes the proxy answers itself, else
    // requests.rejected.other.
    counters::Counter& rejected(int status);

  private:
    static constexpr std::array<int, 10> kRejectCodes = {400, 403, 408, 413, 416,
                                                         420, 482, 483, 500, 503};
    std::array<counters::Counter*, 5> skipped_{};
    std::array<counters::Counter*, kRejectCodes.size()> rejected_{};
    counters::Counter* rejected_other_ = nullptr;
};

}  // namespace cusax::sip_proxy
