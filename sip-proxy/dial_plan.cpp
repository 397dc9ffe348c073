#include "sip-proxy/dial_plan.hpp"

#include <algorithm>

namespace cusax::sip_proxy {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

bool any_prefix(std::string_view number, const std::vector<std::string>& prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string& p) { return !p.empty() && starts_with(number, p); });
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// RFC 1034 §3.1: "example.com." is the absolute spelling of "example.com".
std::string_view without_root_dot(std::string_view domain) {
    if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    return domain;
}

bool is_local_domain(std::string_view host, const DialPlan& plan) {
    host = without_root_dot(host);
    return !host.empty() &&
           std::any_of(plan.local_domains.begin(), plan.local_domains.end(),
                       [&](const std::string& domain) { return without_root_dot(domain) == host; });
}

bool is_emergency_number(const RequestTarget& target, const DialPlan& plan) {
    using Scheme = RequestTarget::Scheme;
    if (target.scheme != Scheme::sip && target.scheme != Scheme::sips &&
        target.scheme != Scheme::tel)
        return false;
    const auto listed = [&](const std::string& n) {
        return !n.empty() && contains(plan.emergency_numbers, n);
    };
    return listed(target.dialled) || listed(target.number);
}

}  // namespace

std::string_view to_string(TargetClass c) {
    switch (c) {
        case TargetClass::emergency:
            return "emergency";
        case TargetClass::on_net:
            return "on_net";
        case TargetClass::pstn:
            return "pstn";
        case TargetClass::inter_domain:
            return "inter_domain";
    }
    return "?";
}

std::optional<TargetClass> target_class_from_string(std::string_view text) {
    for (auto c : {TargetClass::emergency, TargetClass::on_net, TargetClass::pstn,
                   TargetClass::inter_domain}) {
        if (to_string(c) == text) return c;
    }
    return std::nullopt;
}

std::string_view to_string(ChargeAction a) {
    switch (a) {
        case ChargeAction::allow:
            return "allow";
        case ChargeAction::warn:
            return "warn";
        case ChargeAction::block:
            return "block";
    }
    return "?";
}

std::optional<ChargeAction> charge_action_from_string(std::string_view text) {
    for (auto a : {ChargeAction::allow, ChargeAction::warn, ChargeAction::block}) {
        if (to_string(a) == text) return a;
    }
    return std::nullopt;
}

ChargeAction ChargePolicy::action(TargetClass c) const {
    switch (c) {
        case TargetClass::emergency:
            // RFC 7081 §5 cues must never stand between a caller and an emergency service.
            return ChargeAction::allow;
        case TargetClass::on_net:
            return on_net;
        case TargetClass::pstn:
            return pstn;
        case TargetClass::inter_domain:
            return inter_domain;
    }
    return ChargeAction::allow;
}

const std::string& ChargePolicy::text(TargetClass c) const {
    switch (c) {
        case TargetClass::pstn:
            return pstn_text;
        case TargetClass::inter_domain:
            return inter_domain_text;
        default:
            return on_net_text;
    }
}

TargetClass classify_target(const RequestTarget& target, const DialPlan& plan,
                            const store::Snapshot* snapshot) {
    using Scheme = RequestTarget::Scheme;
    // RFC 5031: urn:service:sos and its sub-services are emergency calls.
    if (target.scheme == Scheme::urn) {
        if (target.urn == "urn:service:sos" || starts_with(target.urn, "urn:service:sos."))
            return TargetClass::emergency;
        return TargetClass::inter_domain;
    }
    // RFC 5031 §1 and RFC 6881 (ED-10): an emergency number dialled is an emergency call, to
    // any host and in any phone-context; no dial plan or store entry may come before it.
    if (is_emergency_number(target, plan)) return TargetClass::emergency;
    const bool local_host = (target.scheme == Scheme::sip || target.scheme == Scheme::sips) &&
                            (target.server_host || is_local_domain(target.host, plan));
    // A dial string in a foreign domain is that domain's business: only telephone numbers
    // (tel:, user=phone) and dial strings in our own domains are numbers to us.
    const bool is_number = target.scheme == Scheme::tel || target.user_phone || local_host;
    // RFC 7081 §5 fails closed: a number this reader gives up on may still be routed to the
    // PSTN by the server behind, so it is never taken for the cheaper on-net class.
    if (is_number && target.unreadable_number) return TargetClass::pstn;
    const std::string_view number = is_number ? std::string_view(target.number) : "";

    // On-net: anything the binding store knows, a local number range, a local domain.
    if (snapshot) {
        if (!target.aor.empty() && snapshot->route_by_aor(target.aor)) return TargetClass::on_net;
        if (!number.empty() && snapshot->route_by_number(number)) return TargetClass::on_net;
    }
    if (!number.empty() && any_prefix(number, plan.local_number_prefixes))
        return TargetClass::on_net;
    if (!number.empty() && any_prefix(number, plan.offnet_number_prefixes))
        return TargetClass::pstn;
    if (target.user_phone || target.scheme == Scheme::tel) return TargetClass::pstn;
    if (local_host) return TargetClass::on_net;
    return TargetClass::inter_domain;
}

}  // namespace cusax::sip_proxy
