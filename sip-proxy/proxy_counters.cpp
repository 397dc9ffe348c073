#include "sip-proxy/proxy_counters.hpp"

#include <string>

#include "sip-proxy/udp_drops.hpp"

namespace cusax::sip_proxy {

ProxyCounters::ProxyCounters(counters::Registry& registry)
    : call_info_inserted(registry.get("call_info.inserted")),
      call_info_removed_forged(registry.get("call_info.removed_forged")),
      charge_warned(registry.get("charge.warned")),
      charge_blocked(registry.get("charge.blocked")),
      requests_relayed(registry.get("requests.relayed")),
      responses_relayed(registry.get("responses.relayed")),
      messages_malformed(registry.get("messages.malformed")),
      tls_downgrade_refused(registry.get("requests.tls_downgrade_refused")),
      forward_failed(registry.get("requests.forward_failed")),
      not_handled(registry.get("requests.not_handled")),
      // Nanoseconds, shown in seconds: 25 us to 1 s, where a request relayed from memory
      // (tens of microseconds) and one held up by something (a slow log, a busy machine) fall
      // in different buckets.
      relay_time(
          registry.histogram("requests.relay_seconds",
                             {25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000,
                              5'000'000, 10'000'000, 25'000'000, 100'000'000, 1'000'000'000},
                             1'000'000'000)) {
    for (auto reason : {SkipReason::privacy, SkipReason::untrusted, SkipReason::no_identity,
                        SkipReason::no_binding, SkipReason::unverified})
        skipped_[static_cast<std::size_t>(reason)] =
            &registry.get("call_info.skipped." + std::string(to_string(reason)));
    for (std::size_t i = 0; i < kRejectCodes.size(); ++i)
        rejected_[i] = &registry.get("requests.rejected." + std::to_string(kRejectCodes[i]));
    rejected_other_ = &registry.get("requests.rejected.other");
}

counters::Counter& ProxyCounters::rejected(int status) {
    for (std::size_t i = 0; i < kRejectCodes.size(); ++i)
        if (kRejectCodes[i] == status) return *rejected_[i];
    return *rejected_other_;
}

std::vector<metrics::MetricDoc> proxy_metric_docs() {
    using metrics::MetricType;
    return {
        {.source = "requests.relayed", .help = "Requests forwarded to their next hop."},
        {.source = "requests.relay_seconds",
         .type = MetricType::histogram,
         .help = "Time from a request's arrival in the proxy until it was forwarded, answered "
                 "or dropped (the proxy's own work, not the network's)."},
        {.source = "responses.relayed", .help = "Responses relayed back by their Via."},
        {.source = "responses.dropped.forged_branch",
         .help = "Responses dropped because their top Via names this proxy with a branch it "
                 "did not sign (branch_key_file)."},
        {.source = "call_info.inserted",
         .help = "Call-Info impp headers added for a caller with a verified binding."},
        {.source = "call_info.removed_forged",
         .help = "impp Call-Info values removed from requests and responses: only cusax "
                 "inserts them, so any that arrives is forged."},
        {.source = "call_info.skipped.",
         .help = "Requests that got no Call-Info impp, by reason: privacy, untrusted, "
                 "no_identity, no_binding, unverified.",
         .label = "reason"},
        {.source = "charge.warned",
         .help = "Calls relayed with a charge Warning (PSTN or another domain, RFC 7081 §5)."},
        {.source = "charge.blocked", .help = "Calls refused with 403 for where they go."},
        {.source = "requests.rejected.",
         .help = "Requests the proxy answered with an error itself, by status code (other: a "
                 "code without a series of its own).",
         .label = "code"},
        {.source = "requests.rejected.by_nta",
         .help = "Malformed requests Sofia-SIP's transaction layer answered itself (400, 413) "
                 "before the proxy saw them."},
        {.source = "requests.forward_failed",
         .help = "Requests that could not be sent to their next hop."},
        {.source = "requests.tls_downgrade_refused",
         .help = "Requests received over TLS or for sips: refused (403) because their next "
                 "hop is unencrypted."},
        {.source = "requests.not_handled",
         .help = "Requests no step of the chain ended (a bug; each is logged as sip.not_handled)."},
        {.source = "messages.malformed",
         .help = "Messages dropped or answered 400 because they could not be read."},
        udp_drops_doc(),
    };
}

}  // namespace cusax::sip_proxy
