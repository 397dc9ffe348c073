#include "sip-proxy/request_chain.hpp"

#include "shared/log/log.hpp"

namespace cusax::sip_proxy {

std::string_view to_string(StepResult result) {
    switch (result) {
        case StepResult::next:
            return "next";
        case StepResult::forwarded:
            return "forwarded";
        case StepResult::replied:
            return "replied";
        case StepResult::dropped:
            return "dropped";
    }
    return "?";
}

RequestContext::RequestContext(MsgRef message, sip_t* parsed)
    : msg(std::move(message)),
      sip(parsed),
      call_id(sip && sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : ""),
      method(sip->sip_request->rq_method),
      initial(sip->sip_to && !sip->sip_to->a_tag) {}

StepResult run_chain(std::span<const NamedStep> chain, RequestContext& ctx, ChainParts& parts) {
    for (const NamedStep& step : chain) {
        const StepResult result = step.run(ctx, parts);
        if (result != StepResult::next) return result;
    }
    parts.counters.not_handled.add();
    log::event(log::Level::error, "sip.not_handled",
               "request left the chain without being forwarded, answered or dropped",
               {{"call_id", ctx.call_id},
                {"last_step", chain.empty() ? std::string_view("none") : chain.back().name}});
    return StepResult::next;
}

}  // namespace cusax::sip_proxy
