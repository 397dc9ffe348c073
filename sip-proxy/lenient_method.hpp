#pragma once
// Request-line and CSeq parsing that accepts every RFC 3261 token as a method name.
//
// Why: RFC 3261 §25.1 defines
//     Method = INVITEm / ACKm / ... / extension-method;  extension-method = token
//     token  = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
// and a proxy must relay requests with methods it does not know (§16.6). Sofia-SIP's
// sip_method_d() checks an unknown method against the URL "unreserved" set instead, which
// lacks "+" and "`": a request such as RFC 4475 §3.1.1.2 (intmeth.dat,
// "!interesting-Method0123456789_*+`.%indeed'~") then has no request line, and NTA drops it
// as garbage. The same method in CSeq fails the same way (sip_cseq_d uses sip_method_d).
//
// The header classes installed here are copies of Sofia's sip_request_class and
// sip_cseq_class with only the decoder replaced: Sofia's decoder runs first and its result
// is kept whenever it succeeds; only when it fails and the method is a valid RFC 3261 token
// is the line decoded here (method sip_method_unknown, name kept as received).
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/msg_types.h>

namespace cusax::sip_proxy {

// Installs the lenient request-line and CSeq classes into `mclass` (a class of our own,
// e.g. from sip_extend_mclass(NULL)). Headers made with Sofia's own CSeq class still find
// their place in messages of `mclass`. False when the class has no room left.
bool install_lenient_method(msg_mclass_t* mclass);

// The two classes, for tests and for code that creates such headers itself.
msg_hclass_t* lenient_request_class();
msg_hclass_t* lenient_cseq_class();

// True when `name` is non-empty and made only of RFC 3261 token characters.
bool is_rfc3261_token(char const* name);

}  // namespace cusax::sip_proxy
