// RFC 7081 §3.5: the caller's verified JID as Call-Info impp (call_info_policy.hpp decides).
#include <algorithm>
#include <variant>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/header_edits.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

namespace {

bool gets_call_info(const RequestContext& ctx, const ProxySettings& settings) {
    if (!ctx.initial) return false;
    const char* name = ctx.sip->sip_request->rq_method_name;
    const std::string_view method = name ? name : "";
    return std::any_of(settings.call_info_methods.begin(), settings.call_info_methods.end(),
                       [&](const std::string& m) { return text::iequals(m, method); });
}

}  // namespace

StepResult insert_call_info(RequestContext& ctx, ChainParts& parts) {
    if (!gets_call_info(ctx, parts.settings)) return StepResult::next;
    CallInfoDecision decision =
        decide_call_info(ctx.identity, ctx.privacy, ctx.trust, ctx.snapshot.get());
    if (auto* insert = std::get_if<InsertCallInfo>(&decision)) {
        insert_impp_call_info(ctx.msg.get(), ctx.sip, insert->jid);
        parts.counters.call_info_inserted.add();
        log::event(log::Level::info, "call_info.inserted", "Call-Info impp added",
                   {{"call_id", ctx.call_id}, {"aor", insert->aor}, {"jid", insert->jid}});
    } else {
        const auto& skip = std::get<SkipCallInfo>(decision);
        parts.counters.skipped(skip.reason).add();
        log::event(log::Level::info, "call_info.skipped", "no Call-Info impp",
                   {{"call_id", ctx.call_id},
                    {"reason", to_string(skip.reason)},
                    {"aor", skip.aor},
                    {"peer", ctx.trust.peer}});
    }
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
