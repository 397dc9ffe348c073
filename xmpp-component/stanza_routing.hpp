#pragma once
// The one place that decides who answers a stanza (policy layer: no I/O, no clock, no globals).
//
// In order:
//   1. the features' claims on the server's own traffic (To::server_link), in list order;
//   2. the front door: a stanza without `from` is not answered (the server stamps every one)
//      unless it is an iq get or set (bad-request, to the server), an iq result or error never
//      (RFC 6120 §8.3.1), an iq get or set must carry exactly one payload (bad-request), and
//      one addressed outside the component's domain or to an account that does not exist is
//      service-unavailable (RFC 6121 §8.5.1);
//   3. the features' claims on what is addressed to the domain or an account, in list order;
//   4. what no feature claimed: an iq is service-unavailable (RFC 6120 §8.3.3.19), a message is
//      bounced (naming the SIP address when sent to an account) unless it is an error or a
//      headline (RFC 6121 §8.5.2), a presence is dropped (RFC 6121 §4.3.2, §3.1.3).
// Whatever the path, an iq get or set leaves with a reply (RFC 6120 §8.2.3): one that a feature
// claimed and left unanswered gets internal-server-error.
#include <span>

#include "xmpp-component/feature_handler.hpp"

namespace cusax::xmpp {

HandlerOutcome route_stanza(std::span<FeatureHandler* const> handlers, const XmlElement& stanza,
                            const AccountIndex& accounts, const DirectorySettings& settings,
                            TokenBucketLimiter& limiter, TokenBucketLimiter::Clock::time_point now);

}  // namespace cusax::xmpp
