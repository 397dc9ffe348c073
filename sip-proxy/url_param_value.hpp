#pragma once
// A URI parameter's value read whole. Sofia-SIP's url_param() copies nothing when the value
// does not fit the buffer it is given, yet reports the parameter found: a fixed buffer then
// holds whatever an earlier call left in it, and a caller who writes a long maddr or
// transport into a Route would have the proxy act on an earlier request's value.
#include <sofia-sip/url.h>

#include <optional>
#include <string>

namespace cusax::sip_proxy {

// The value of parameter `name` of `url` ("" for a parameter without one), or nothing when
// the URI has no such parameter.
std::optional<std::string> url_param_value(url_t const* url, const char* name);

}  // namespace cusax::sip_proxy
