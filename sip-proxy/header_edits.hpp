#pragma once
// Adapter, outbound: turns decisions into edits of a parsed Sofia message.
#include <sofia-sip/sip.h>

#include <string>
#include <string_view>

namespace cusax::sip_proxy {

// True when a Call-Info value's purpose parameter is "impp", however it is spelled:
// any case, quoted or not, with LWS around '=' (RFC 3261 §7.3.1, §25.1 quoted-string).
// Only a parameter *named* purpose counts: `;info="purpose=impp"` is not a purpose.
bool is_impp(sip_call_info_t const* value);

// Removes every impp value from every Call-Info header line, keeping the other values of a
// comma-separated line as they were, and every Call-Info line Sofia could not parse: what
// cannot be read cannot be told from a forged impp (unparsed_header_policy.hpp). Returns how
// many values and lines were removed.
int remove_impp_call_info(msg_t* msg, sip_t* sip);

// Adds exactly one `Call-Info: <xmpp:JID>;purpose=impp` (RFC 6993, RFC 7081 §3.5).
// The JID comes from the store, which refuses anything that could break a header.
bool insert_impp_call_info(msg_t* msg, sip_t* sip, std::string_view jid);

// Removes every P-Asserted-Identity value (RFC 3325 §5, §9.3). Returns how many.
int remove_p_asserted_identity(msg_t* msg, sip_t* sip);

// The value `399 AGENT "TEXT"` (RFC 3261 §20.43 warn-code 399, miscellaneous), TEXT as one
// quoted string (shared/text/quoted_string.hpp): the one spelling of every Warning we write.
std::string warning_399(std::string_view agent, std::string_view text);

// Adds `Warning: 399 AGENT "TEXT"` (RFC 3261 §20.43), quotes and backslashes escaped.
bool add_warning(msg_t* msg, sip_t* sip, std::string_view agent, std::string_view text);

}  // namespace cusax::sip_proxy
