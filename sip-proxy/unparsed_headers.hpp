#pragma once
// Adapter: the header lines of a message that Sofia-SIP could not parse.
//
// Sofia parses each line of a header it knows with that header's class; when the decoder
// fails, the line becomes an error record in sip->sip_error (class msg_error_class) that
// keeps the name as written (any case, compact form), and is not written out again when the
// message is sent (its encoder writes nothing). Its text survives only when the message was
// read with MSG_DO_EXTRACT_COPY (the decoders work on a copy, the record points at the line
// as received); the proxy reads so, and relays the lines nobody here reads from that text.
// A second line of a header that may appear once (a duplicate Privacy) lands in the same
// list with its own class and stays in the message.
#include <sofia-sip/nta.h>
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

// Makes the agent read every message with MSG_DO_EXTRACT_COPY, so that a line Sofia cannot
// parse keeps its text. Returns false if Sofia refused.
bool keep_wire_text_of_header_lines(nta_agent_t* agent);

// In such a message every line also points at its text as received, which Sofia would send
// in place of the parsed header: forgotten here for every line but the error records, so
// that what the proxy relays is written from the parsed headers, as without the copy. The
// empty line after the headers is written as CRLF whatever ended it (a bare CR or LF).
void write_parsed_lines_anew(msg_t* msg);

// RFC 3261 §16.6 item 1: the lines nobody here reads (UnparsedAction::relay_unchanged) are
// relayed unchanged: each error record becomes an unknown header with the line's text (a
// fold read as its white space, RFC 3261 §7.3.1), which survives a copy of the message.
// Every other error record forgets its text and is left out, as Sofia leaves it out.
// Returns how many were kept.
int relay_unparsed_as_written(msg_t* msg, sip_t* sip);

// Removes the error records of the lines named `canonical_name` (e.g. "Call-Info") from the
// message. Returns how many.
int remove_unparsed(msg_t* msg, sip_t* sip, std::string_view canonical_name);

}  // namespace cusax::sip_proxy
