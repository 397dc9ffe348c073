#pragma once
// Policy, RFC 3261 §11: an OPTIONS asked of this proxy itself (what a dispatcher sends to
// probe it), which the proxy answers instead of relaying, and what the answer says.
#include <sofia-sip/sip.h>

#include <string_view>
#include <vector>

#include "sip-proxy/sent_by.hpp"

namespace cusax::sip_proxy {

// An OPTIONS whose Request-URI names this proxy, with or without a user part (§11.1 leaves
// it out for a proxy, a dispatcher's list may still carry one), and whose Route values, if
// any, all name this proxy too: §16.4 removes each of them, so nobody else is asked.
bool is_options_for_this_proxy(sip_t const* sip, const std::vector<SentBy>& ours);

// §11.2: the header lines of the 200. A stateless proxy relays every method and any body (so
// Accept is every type); it supports no extension of its own, so it sends no Supported.
// §11.2 says a proxy should leave Allow out (it is method agnostic); it is kept, listing what
// the proxy relays, as Kamailio's options_reply() does and monitoring tools look for.
inline constexpr std::string_view kOptionsAnswerHeaders =
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, INFO, UPDATE, PRACK, SUBSCRIBE, "
    "NOTIFY, REFER, PUBLISH, REGISTER\r\n"
    "Accept: */*\r\n";

}  // namespace cusax::sip_proxy
