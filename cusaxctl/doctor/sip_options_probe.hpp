#pragma once
// Wire: one OPTIONS to a SIP target and its final answer, within a bound. Over UDP the request
// is retransmitted as RFC 3261 §17.1.2.2 says (timer E: 500 ms, doubling up to 4 s) until the
// bound; over TCP and TLS it is sent once.
#include <chrono>
#include <optional>
#include <string>

#include "cusaxctl/doctor/net_basics.hpp"
#include "cusaxctl/doctor/sip_options_message.hpp"
#include "cusaxctl/doctor/sip_target.hpp"
#include "cusaxctl/doctor/stream_connection.hpp"

namespace cusax::ctl::doctor {

struct OptionsOutcome {
    std::optional<SipResponse> response;  // the final answer, when one came
    std::optional<NetFailure> failure;    // else why not
    std::string error;                    // the failure's text
    std::string peer;                     // "127.0.0.1:5060": the address tried
    std::chrono::milliseconds elapsed{0};
};

// `tls` is used for a TLS target only.
OptionsOutcome probe_options(const SipTarget& target, std::chrono::milliseconds timeout,
                             const TlsClientSettings& tls);

}  // namespace cusax::ctl::doctor
