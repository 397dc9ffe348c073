#pragma once
// The steps of the request chain, one file each; request_chain.cpp lists them in order.
// Each reads the facts earlier steps wrote into the context and returns what it did.
#include "sip-proxy/request_context.hpp"

namespace cusax::sip_proxy::steps {

// The ACK to our own final response ends here; RFC 3261 §16.3 validity checks; loops (§16.3
// item 4, 482). Writes the branch.
StepResult front_door(RequestContext& ctx, ChainParts& parts);

// Where the request came from and whether that hop is believed (RFC 3325 §2.3), decided once;
// what it asserts about the caller and asks to hide; the bindings snapshot for this request.
StepResult classify_source(RequestContext& ctx, ChainParts& parts);

// RFC 3261 §16.4 (strict router before us, Routes naming us) and §16.6 items 6-7: the target
// and the hop the request goes to, and whether that hop is in the trust domain.
StepResult route(RequestContext& ctx, ChainParts& parts);

// RFC 7081 §7, RFC 3261 §26.2.2: what arrived protected is not relayed in the clear.
StepResult tls_guard(RequestContext& ctx, ChainParts& parts);

// What the previous hop may not say: impp Call-Info (RFC 7081 §3.5), P-Asserted-Identity
// from outside the trust domain (RFC 3325 §5) or toward it under Privacy: id (§9.3).
StepResult strip_forged(RequestContext& ctx, ChainParts& parts);

// RFC 7081 §3.5: the caller's verified JID as Call-Info impp on initial requests.
StepResult insert_call_info(RequestContext& ctx, ChainParts& parts);

// RFC 7081 §5: allow, warn or block a new call by its target's class; the CANCEL of a warned
// INVITE carries the same marker in our Via.
StepResult charge_warning(RequestContext& ctx, ChainParts& parts);

// RFC 3261 §16.6 items 3-8: Max-Forwards, Record-Route, our branch, and the send (or a 503
// when the hop cannot be reached at once, §16.7 item 6).
StepResult forward(RequestContext& ctx, ChainParts& parts);

}  // namespace cusax::sip_proxy::steps
