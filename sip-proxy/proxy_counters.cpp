#include "sip-proxy/proxy_counters.hpp"

#include <string>

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
      not_handled(registry.get("requests.not_handled")) {
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

}  // namespace cusax::sip_proxy
