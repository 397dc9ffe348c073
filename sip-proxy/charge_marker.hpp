#pragma once
// The charge decision for an INVITE travels in the proxy's own Via as `;cusax-cw=<class>`:
// a stateless proxy no longer has the Request-URI when the responses come back, and the To
// URI is not the Request-URI (RFC 3261 §16.6 item 8 lets a proxy put what it needs into its
// Via; §16.7 item 3 hands the Via back to it with every response).
#include <sofia-sip/sip.h>

#include <optional>
#include <string>
#include <string_view>

#include "sip-proxy/dial_plan.hpp"

namespace cusax::sip_proxy {

inline constexpr std::string_view kChargeParam = "cusax-cw";

// The value for NTATAG_BRANCH_KEY: "branch=<branch>" or "branch=<branch>;cusax-cw=<class>".
// NTA stores it as the Via's branch parameter, written verbatim, so the marker goes out as a
// Via parameter of its own and parses as one when the response returns.
std::string branch_tag_value(std::string_view branch, std::optional<TargetClass> warn_class);

// The class carried by a Via of ours, if any.
std::optional<TargetClass> charge_marker(sip_via_t const* via);

}  // namespace cusax::sip_proxy
