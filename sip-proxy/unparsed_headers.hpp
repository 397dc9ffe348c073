#pragma once
// Adapter: the header lines of a message that Sofia-SIP could not parse.
//
// Sofia parses each line of a header it knows with that header's class; when the decoder
// fails, the line becomes an error record in sip->sip_error (class msg_error_class) that
// keeps the name as written (any case, compact form) but not the text, and is not written
// out again when the message is sent. A second line of a header that may appear once
// (a duplicate Privacy) lands in the same list with its own class and stays in the message.
#include <sofia-sip/sip.h>

#include <string>
#include <vector>

#include "sip-proxy/unparsed_header_policy.hpp"

namespace cusax::sip_proxy {

struct UnparsedHeader {
    std::string name;  // canonical ("Call-Info"), or as written when Sofia has no class for it
    UnparsedAction action;
};

// Every line that failed to parse, in message order, with what the policy makes of it.
std::vector<UnparsedHeader> unparsed_headers(msg_t* msg, sip_t const* sip);

// The first one whose action rejects the request, if any.
UnparsedHeader const* first_rejecting(const std::vector<UnparsedHeader>& unparsed);

bool any_with(const std::vector<UnparsedHeader>& unparsed, UnparsedAction action);

// Removes the error records of the lines named `canonical_name` (e.g. "Call-Info") from the
// message. Returns how many.
int remove_unparsed(msg_t* msg, sip_t* sip, std::string_view canonical_name);

}  // namespace cusax::sip_proxy
