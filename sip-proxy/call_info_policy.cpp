#include "sip-proxy/call_info_policy.hpp"

namespace cusax::sip_proxy {

std::string_view to_string(SkipReason reason) {
    switch (reason) {
        case SkipReason::privacy:
            return "privacy";
        case SkipReason::untrusted:
            return "untrusted";
        case SkipReason::no_identity:
            return "no_identity";
        case SkipReason::no_binding:
            return "no_binding";
        case SkipReason::unverified:
            return "unverified";
    }
    return "?";
}

CallInfoDecision decide_call_info(const CallerIdentity& identity, const PrivacyRequest& privacy,
                                  const Trust& trust, const store::Snapshot* snapshot) {
    // RFC 7081 §3.5: "callers preferring to remain anonymous as per [RFC3325] would not
    // provide Call-Info information"; the proxy must not provide it for them either.
    if (privacy.hides_identity()) return SkipCallInfo{SkipReason::privacy, {}};
    // RFC 3325 §5: an identity from outside the trust domain is not believed.
    if (!trust.trusted) return SkipCallInfo{SkipReason::untrusted, {}};
    if (identity.candidates.empty()) return SkipCallInfo{SkipReason::no_identity, {}};
    if (!snapshot) return SkipCallInfo{SkipReason::no_binding, {}};
    for (const auto& key : identity.candidates) {
        const auto binding = key.kind == address::AddressKey::Kind::Aor
                                 ? snapshot->route_by_aor(key.value)
                                 : snapshot->route_by_number(key.value);
        if (!binding) continue;
        // The first identity that is bound decides: a later one never overrides an
        // unverified binding of an earlier one.
        if (!store::is_verified(binding->verification))
            return SkipCallInfo{SkipReason::unverified, std::string(binding->aor)};
        return InsertCallInfo{std::string(binding->jid), std::string(binding->aor)};
    }
    return SkipCallInfo{SkipReason::no_binding, {}};
}

}  // namespace cusax::sip_proxy
