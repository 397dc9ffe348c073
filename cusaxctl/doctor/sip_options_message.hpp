#pragma once
// The one SIP request doctor sends and what it reads of the answer, as text (no I/O).
//
// cusaxctl does not link Sofia-SIP (cusaxctl/CMakeLists.txt: the daemons' wire libraries stay
// out of the administration tool), and doctor needs one OPTIONS and one status line: a short
// hand-written request (RFC 3261 §11, with the headers §8.1.1 requires) and a reader of the
// response's head are enough, and keep cusaxctl small.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cusaxctl/doctor/sip_target.hpp"

namespace cusax::ctl::doctor {

struct OptionsIdentifiers {
    std::string call_id;  // "4f9c...@cusaxctl.doctor"
    std::string branch;   // "z9hG4bK-doctor-4f9c..." (RFC 3261 §8.1.1.7 magic cookie)
    std::string tag;
};

// Fresh random identifiers for one request.
OptionsIdentifiers new_options_identifiers();

// "OPTIONS sip:HOST:PORT SIP/2.0" with Via (sent-by `local`, "127.0.0.1:40000", and rport),
// Max-Forwards 70, From, To, Call-ID, CSeq, Accept, User-Agent and Content-Length 0.
std::string options_request(const SipTarget& target, std::string_view local,
                            const OptionsIdentifiers& ids);

struct SipResponse {
    int status = 0;
    std::string reason;       // "OK"
    std::string call_id;      // of the Call-ID header (or its compact form i)
    std::string cseq_method;  // "OPTIONS"
    std::string server;       // Server or User-Agent, when given: who answered
    std::size_t content_length = 0;
};

// The head of a message (its first line and headers, to the blank line or the end). nullopt
// when it is not a SIP/2.0 response.
std::optional<SipResponse> parse_sip_response(std::string_view head);

// Whether `response` answers the request with `ids` with a final status (>= 200).
bool is_final_answer(const SipResponse& response, const OptionsIdentifiers& ids);

// On a stream: the length of the first complete message in `buffer` (its head, the blank line
// and Content-Length bytes of body), or 0 while it is incomplete (RFC 3261 §18.3).
std::size_t complete_message_length(std::string_view buffer);

}  // namespace cusax::ctl::doctor
