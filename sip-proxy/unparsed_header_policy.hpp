#pragma once
// What the proxy does with a header line of Sofia-SIP's own set that Sofia could not parse.
// Policy layer: a pure function of the header's name.
//
// Sofia keeps such a line only as an error record and leaves it out of the message it sends,
// so doing nothing would relay the request with a changed meaning. RFC 3261 §16.3 item 1:
// what the proxy's own validation and forwarding read must be well-formed; so a line the
// proxy needs is answered (400, or 420 for Proxy-Require, §16.3 item 6), a line a policy
// reads fails closed, and a line nobody here reads goes on unchanged (§16.6 item 1).
// docs/sip-proxy-internals.md has the table and what Sofia does.
#include <string_view>

namespace cusax::sip_proxy {

enum class UnparsedAction {
    reject_400,       // needed to validate or route the request (§16.3, §16.4, §16.6)
    reject_420,       // Proxy-Require: an option tag we cannot read is one we do not support
    assume_privacy,   // Privacy: the caller may have asked for it (RFC 3323 §4.2)
    no_identity,      // P-Asserted-Identity: nothing to believe (RFC 3325 §9.1)
    remove,           // Call-Info: may be a forged impp (RFC 7081 §3.5); removed and counted
    relay_unchanged,  // end to end, read by nobody here: relayed as received, logged
};

// `name` is the header's canonical name as Sofia's class spells it ("Proxy-Require").
UnparsedAction unparsed_header_action(std::string_view name);

std::string_view to_string(UnparsedAction action);

}  // namespace cusax::sip_proxy
