#pragma once
// Charge classes of a call's target (RFC 7081 §5) and what the proxy does for each.
// Policy layer: pure functions over plain values and a bindings snapshot, no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/snapshot.hpp"

namespace cusax::sip_proxy {

enum class TargetClass { emergency, on_net, pstn, inter_domain };
enum class ChargeAction { allow, warn, block };

std::string_view to_string(TargetClass c);
std::optional<TargetClass> target_class_from_string(std::string_view text);
std::string_view to_string(ChargeAction a);
std::optional<ChargeAction> charge_action_from_string(std::string_view text);

// The operator's dial plan. [sip-proxy] keys in brackets.
struct DialPlan {
    // [emergency_numbers] dialled numbers that are emergency calls ("112", "911").
    std::vector<std::string> emergency_numbers = {"112", "911"};
    // [local_domains] SIP domains served here (lower case).
    std::vector<std::string> local_domains;
    // [local_number_prefixes] number ranges that stay on the operator's network ("+4930123").
    std::vector<std::string> local_number_prefixes;
    // [offnet_number_prefixes] dialled numbers in a local domain that leave it ("0", "+").
    std::vector<std::string> offnet_number_prefixes;
};

// Per class: allow, warn or block, and the Warning text. Emergency is never blocked or warned.
struct ChargePolicy {
    ChargeAction on_net = ChargeAction::allow;        // [on_net_policy]
    ChargeAction pstn = ChargeAction::warn;           // [pstn_policy]
    ChargeAction inter_domain = ChargeAction::allow;  // [inter_domain_policy]
    std::string pstn_text = "Call to the telephone network: charges may apply";  // [pstn_warning]
    std::string inter_domain_text =
        "Call leaves this service: charges may apply";     // [inter_domain_warning]
    std::string on_net_text = "Call within this service";  // [on_net_warning]

    ChargeAction action(TargetClass c) const;
    const std::string& text(TargetClass c) const;
};

// A Request-URI reduced to what classification needs (filled by the adapter).
struct RequestTarget {
    enum class Scheme { sip, sips, tel, urn, other };
    Scheme scheme = Scheme::other;
    std::string uri;   // as received, for logs
    std::string host;  // sip/sips: lower-cased host
    // Normalised address-of-record ("sip:bob@example.com") for sip/sips URIs that are not
    // user=phone numbers; empty otherwise.
    std::string aor;
    // Normalised number (shared/address/dialled_number.hpp): a tel: URI, a user=phone URI,
    // or a sip/sips user part that is a telephone-subscriber, escaped, with visual separators
    // or parameters; a global phone-context prefixed. Empty otherwise.
    std::string number;
    // The same digits as dialled: no phone-context prefixed, every parameter ignored.
    std::string dialled;
    bool user_phone = false;  // tel: or ;user=phone: the URI names a telephone number
    // The user part or tel: body starts like a number ('+' or a digit) but cannot be read
    // as one (dialled_number.hpp): classed PSTN wherever it would be a number.
    bool unreadable_number = false;
    std::string urn;  // urn: the URN, lower-cased ("urn:service:sos.police")
    // sip/sips: the host is the SIP server's, the configured next hop's (set by the adapter),
    // which routes a dial string at any of its addresses as its own: a local domain.
    bool server_host = false;
};

// RFC 7081 §5 classification, in this order: emergency (a configured number dialled in any
// sip, sips or tel URI whatever its host or phone-context, RFC 5031 urn:service:sos), on-net (bound
// in the store, local number range, local domain), PSTN (tel/user=phone not on-net, off-net dial
// prefixes, a number that cannot be read), inter-domain (other domains). A local domain
// matches with or without the trailing dot of an absolute DNS name (RFC 1034 §3.1); the SIP
// server's host (RequestTarget::server_host) is one.
TargetClass classify_target(const RequestTarget& target, const DialPlan& plan,
                            const store::Snapshot* snapshot);

}  // namespace cusax::sip_proxy
