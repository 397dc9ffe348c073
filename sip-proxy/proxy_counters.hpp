#pragma once
// The proxy's counters, registered once at start-up (counters::Registry::get takes a lock)
// and bumped on the hot path through the references kept here: one relaxed atomic add, no
// look-up by name per message. Read by the stats reporter and `cusaxctl stats`, and with the
// relay-time histogram by the metrics endpoint, under the names proxy_metric_docs() declares.
#include <array>
#include <chrono>
#include <cstddef>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/metrics/metric_doc.hpp"
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
    // requests.relay_seconds: from the request's arrival in the message callback until it is
    // forwarded, answered or dropped (metrics only: no stats counter).
    counters::Histogram& relay_time;
    void observe_relay_time(std::chrono::steady_clock::time_point started) noexcept {
        relay_time.observe(
            static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
    }

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

// What each of the proxy's metrics families is (shared/metrics/metric_doc.hpp): the counters
// above, those StatelessProxy registers itself, the relay-time histogram and the kernel's UDP
// drops (udp_drops.hpp). The README's list is generated from these.
std::vector<metrics::MetricDoc> proxy_metric_docs();

}  // namespace cusax::sip_proxy
