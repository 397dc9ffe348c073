#pragma once
// The branch of our own Via, signed, with the charge decision of an INVITE inside it:
//
//     z9hG4bK-cx.<transaction>.<loop>.<class>.<mac>
//
// A stateless proxy no longer has the Request-URI when the responses come back, and the To
// URI is not the Request-URI, so the class travels in our Via (RFC 3261 §16.6 item 8 lets a
// proxy put what it needs there; §16.7 item 3 hands it back with every response). Only what
// this proxy wrote may be believed (§16.11), so the branch ends in a MAC (branch_mac.hpp)
// over the class and over what the responses to the request repeat of it (§8.2.6.2):
// Call-ID, CSeq number, From tag, and the Via the response goes back by. A response whose
// top Via does not verify is dropped: a caller's look-alike Via, a spoofed datagram, or a
// response moved to another call or another return address. The CANCEL and the ACK to a
// non-2xx repeat all of these, so their branch is the INVITE's.
#include <sofia-sip/sip.h>

#include <optional>
#include <string>
#include <string_view>

#include "sip-proxy/branch_key.hpp"
#include "sip-proxy/branch_mac.hpp"
#include "sip-proxy/dial_plan.hpp"

namespace cusax::sip_proxy {

// The value for NTATAG_BRANCH_KEY ("branch=<signed branch>") for the request `sip` as it
// arrived (its top Via is the one the responses go back by).
std::string branch_tag_value(sip_t const* sip, const BranchKey& key,
                             std::optional<TargetClass> warn_class, const BranchSigner& signer);

// What a verified Via of ours says.
struct OwnBranch {
    std::optional<TargetClass> warn_class;
};

// The top Via of the response `sip`, when its branch is one we signed for this response's
// call and return Via; nothing otherwise.
std::optional<OwnBranch> verify_own_branch(sip_t const* sip, const BranchSigner& signer);

}  // namespace cusax::sip_proxy
