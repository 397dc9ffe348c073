#pragma once
// A URI parameter's value read whole, by our own reader of the parameter list.
//
// Written by hand because Sofia-SIP's url_param() has two faults that a caller of the proxy
// can steer (tests/unit/sip_proxy/url_param_buffer_test.cpp):
// - it copies nothing when the value does not fit the buffer it is given, yet reports the
//   parameter found: a fixed buffer then holds whatever an earlier call left in it (a long
//   maddr or transport in a Route read as an earlier request's short one);
// - when the last parameter's name only begins with the name asked for and goes on with
//   something other than '=' (`;userx`, `;lrx`), it steps over the list's closing NUL and
//   reads on through whatever memory follows: the rest of the message (where the caller can
//   write `;user=phone` or `;lr` to be found) or past the end of the block (found by
//   fuzz_sip_policy_chain).
// url_has_param() is url_param() too; use url_has_param_named() below instead.
#include <sofia-sip/url.h>

#include <optional>
#include <string>

namespace cusax::sip_proxy {

// The value of parameter `name` of `url` ("" for a parameter without one), or nothing when
// the URI has no such parameter. Names compare without regard to ASCII case; the first
// parameter of that name counts.
std::optional<std::string> url_param_value(url_t const* url, const char* name);

// Whether `url` has a parameter `name`, with or without a value.
bool url_has_param_named(url_t const* url, const char* name);

// Whether `url` has parameter `name` more than once. Readers disagree on which one counts: ours
// takes the first, Sofia-SIP's transport layer the last (`;transport=tls;transport=udp` is
// checked as TLS and sent over UDP).
bool url_param_repeated(url_t const* url, const char* name);

}  // namespace cusax::sip_proxy
