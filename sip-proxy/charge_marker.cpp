#include "sip-proxy/charge_marker.hpp"

#include <vector>

namespace cusax::sip_proxy {

namespace {

constexpr std::string_view kNoClass = "none";

std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

// What a response repeats of its request (RFC 3261 §8.2.6.2), with `back` the Via it goes
// back by: the request's top Via, the response's second. Fields end with a NUL, which no
// header value holds, so no two sets of fields give the same text.
std::string response_fields(sip_t const* sip, sip_via_t const* back) {
    std::string text;
    auto add = [&text](std::string_view field) {
        text += field;
        text.push_back('\0');
    };
    add(sip->sip_call_id ? view(sip->sip_call_id->i_id) : "");
    add(sip->sip_cseq ? std::to_string(sip->sip_cseq->cs_seq) : "");
    add(sip->sip_from ? view(sip->sip_from->a_tag) : "");
    if (back) {
        add(view(back->v_host));
        add(view(back->v_port));
        add(view(back->v_branch));
        add(view(back->v_received));
        add(view(back->v_rport));
    }
    return text;
}

std::string signed_part(std::string_view unsigned_branch, sip_t const* sip, sip_via_t const* back) {
    return std::string(unsigned_branch) + '\0' + response_fields(sip, back);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

}  // namespace

std::string branch_tag_value(sip_t const* sip, const BranchKey& key,
                             std::optional<TargetClass> warn_class, const BranchSigner& signer) {
    const std::string unsigned_branch =
        key.value() + "." + std::string(warn_class ? to_string(*warn_class) : kNoClass);
    return "branch=" + unsigned_branch + "." +
           signer.mac(signed_part(unsigned_branch, sip, sip->sip_via));
}

std::optional<OwnBranch> verify_own_branch(sip_t const* sip, const BranchSigner& signer) {
    sip_via_t const* top = sip ? sip->sip_via : nullptr;
    if (!top || !top->v_branch) return std::nullopt;
    const std::string_view branch = top->v_branch;
    if (!branch.starts_with(kBranchPrefix)) return std::nullopt;
    const auto last_dot = branch.rfind('.');
    const std::string_view unsigned_branch = branch.substr(0, last_dot);
    const auto parts = split(unsigned_branch.substr(kBranchPrefix.size()), '.');
    if (parts.size() != 3) return std::nullopt;  // transaction, loop, class
    if (!signer.verify(signed_part(unsigned_branch, sip, top->v_next), branch.substr(last_dot + 1)))
        return std::nullopt;
    OwnBranch own;
    if (parts[2] != kNoClass) {
        own.warn_class = target_class_from_string(parts[2]);
        if (!own.warn_class) return std::nullopt;  // signed, yet unknown: not ours after all
    }
    return own;
}

}  // namespace cusax::sip_proxy
