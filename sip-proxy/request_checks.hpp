#pragma once
// RFC 3261 §16.3 request validation, done once at the front door before any policy step
// (as repro's Proxy.cxx does). NTA answers unparseable requests itself; these are the
// checks it leaves to the proxy.
#include <sofia-sip/sip.h>

#include <optional>
#include <string>

namespace cusax::sip_proxy {

struct Rejection {
    int status = 0;
    std::string phrase;
    std::string warning;      // text for a Warning: 399, or empty
    std::string unsupported;  // 420: the Unsupported header value
};

// §16.3 items 1 (To, From, Call-ID, CSeq, Via present), 2 (URI scheme: sip, sips, tel, urn),
// 3 (Max-Forwards 0: 483, for every method; NTA never checks it) and 6 (Proxy-Require: this proxy
// supports no extension, so any option tag gets 420 with Unsupported).
std::optional<Rejection> check_request(sip_t const* sip);

// §16.6 item 3: the Max-Forwards to send: one less than received, or 70 when absent.
unsigned long forwarded_max_forwards(sip_t const* sip);

}  // namespace cusax::sip_proxy
