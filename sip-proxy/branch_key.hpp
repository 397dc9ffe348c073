#pragma once
// The branch a stateless proxy puts in its own Via (RFC 3261 §16.11, §16.6 item 8).
// Why stateless rather than NTA's transactions: docs/sip-proxy-internals.md.
//
// A stateless proxy must give a retransmission, the CANCEL and the ACK to a non-2xx the same
// branch as their INVITE, so the branch is computed, not drawn: its first part hashes the
// incoming top Via (its RFC 3261 branch and sent-by), which those requests share; its second
// part hashes what routing depends on (Request-URI, From, To without tag, Call-ID, CSeq number,
// Route, Proxy-Require), so a request that comes back unchanged is a loop (482) while one
// that comes back changed is a spiral (§16.3 item 4).
#include <sofia-sip/sip.h>

#include <string>
#include <string_view>
#include <vector>

#include "sip-proxy/sent_by.hpp"

namespace cusax::sip_proxy {

inline constexpr std::string_view kBranchPrefix = "z9hG4bK-cx.";

struct BranchKey {
    std::string transaction;  // 16 hex digits
    std::string loop;         // 16 hex digits

    // "z9hG4bK-cx.<transaction>.<loop>": the start of the branch, which charge_marker.hpp
    // completes with the charge class and the MAC.
    std::string value() const;
};

BranchKey compute_branch(sip_t const* sip);

// §16.3 item 4: a Via of ours whose branch has the same loop part as this request would get.
bool is_loop(sip_t const* sip, const std::vector<SentBy>& ours, const BranchKey& key);

}  // namespace cusax::sip_proxy
