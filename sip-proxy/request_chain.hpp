#pragma once
// The order in which every request is handled: one list of steps (steps/), each in its own
// file. A step returns `next` to pass the request on, or ends its walk (forwarded, replied,
// dropped). A request that leaves the list still at `next` is reported and counted, as
// Flexisip's "event not handled": every request must end somewhere on purpose.
#include <array>
#include <span>
#include <string_view>

#include "sip-proxy/request_context.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy {

struct NamedStep {
    std::string_view name;
    StepResult (*run)(RequestContext&, ChainParts&);
};

inline constexpr std::array kRequestChain = {
    NamedStep{"front_door", steps::front_door},
    NamedStep{"classify_source", steps::classify_source},
    NamedStep{"route", steps::route},
    NamedStep{"tls_guard", steps::tls_guard},
    NamedStep{"strip_forged", steps::strip_forged},
    NamedStep{"insert_call_info", steps::insert_call_info},
    NamedStep{"charge_warning", steps::charge_warning},
    NamedStep{"forward", steps::forward},
};

// Walks the steps in order until one ends the request; returns how it ended (`next`: no step
// did, which is logged as sip.not_handled and counted as requests.not_handled).
StepResult run_chain(std::span<const NamedStep> chain, RequestContext& ctx, ChainParts& parts);

}  // namespace cusax::sip_proxy
