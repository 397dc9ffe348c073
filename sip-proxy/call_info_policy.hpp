#pragma once
// Whether a request gets a Call-Info impp (RFC 6993, RFC 7081 §3.5 and §6 strategy 6).
// Policy layer: a pure function over plain values and a bindings snapshot, no I/O.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "shared/address/address_key.hpp"
#include "shared/store/snapshot.hpp"
#include "sip-proxy/trust_policy.hpp"

namespace cusax::sip_proxy {

// Who the caller is, as far as the previous hop can be believed, in look-up order
// (RFC 3325 §9.1: the SIP URI of a P-Asserted-Identity first, then the tel URI).
struct CallerIdentity {
    std::vector<address::AddressKey> candidates;
    std::string source;  // "p-asserted-identity", "from" or empty, for logs
    // Why an assertion that was there is not believed (empty: it is, or there was none).
    std::string refused;
};

// What the caller asked to hide (RFC 3323 §4.2, RFC 3325 §9.3).
struct PrivacyRequest {
    bool id = false;              // Privacy: id
    bool header = false;          // Privacy: header
    bool user = false;            // Privacy: user
    bool anonymous_from = false;  // From: "Anonymous" <sip:anonymous@anonymous.invalid>

    bool hides_identity() const { return id || header || user || anonymous_from; }
};

struct InsertCallInfo {
    std::string jid;  // normalised bare JID from the store
    std::string aor;  // the binding's AOR, for logs
};

enum class SkipReason { privacy, untrusted, no_identity, no_binding, unverified };
std::string_view to_string(SkipReason reason);

struct SkipCallInfo {
    SkipReason reason;
    std::string aor;  // the binding found, for unverified; else empty
};

using CallInfoDecision = std::variant<InsertCallInfo, SkipCallInfo>;

// RFC 7081 §3.5: the JID is only a cue, so only verified bindings are announced, only for
// an identity a trusted hop asserted, and never when the caller asked for privacy.
CallInfoDecision decide_call_info(const CallerIdentity& identity, const PrivacyRequest& privacy,
                                  const Trust& trust, const store::Snapshot* snapshot);

}  // namespace cusax::sip_proxy
