#include "sip-proxy/unparsed_header_policy.hpp"

#include <array>
#include <utility>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

namespace {

// Every header the request chain or the relay of responses reads, and what a line of it that
// does not parse means. Everything else is end to end (RFC 3261 §16.3 item 1: "SHOULD be
// ignored").
constexpr std::array<std::pair<std::string_view, UnparsedAction>, 14> kActions = {{
    {"Via", UnparsedAction::reject_400},           // §16.6 item 8, §16.11 branch, §18.2.2
    {"Route", UnparsedAction::reject_400},         // §16.4, §16.6 items 6-7
    {"Record-Route", UnparsedAction::reject_400},  // §16.6 item 4, dialog routing
    {"Max-Forwards", UnparsedAction::reject_400},  // §16.3 item 3, §16.6 item 3
    {"To", UnparsedAction::reject_400},            // §16.3 item 1, §8.1.1
    {"From", UnparsedAction::reject_400},
    {"Call-ID", UnparsedAction::reject_400},
    {"CSeq", UnparsedAction::reject_400},
    {"Content-Length", UnparsedAction::reject_400},  // §18.3 framing
    {"Require", UnparsedAction::reject_400},  // dropping it would drop what the UAS must refuse
    {"Proxy-Require", UnparsedAction::reject_420},  // §16.3 item 6
    {"Privacy", UnparsedAction::assume_privacy},
    {"P-Asserted-Identity", UnparsedAction::no_identity},
    {"Call-Info", UnparsedAction::remove},
}};

}  // namespace

UnparsedAction unparsed_header_action(std::string_view name) {
    for (const auto& [header, action] : kActions)
        if (text::iequals(header, name)) return action;
    return UnparsedAction::relay_unchanged;
}

std::string_view to_string(UnparsedAction action) {
    switch (action) {
        case UnparsedAction::reject_400:
            return "reject-400";
        case UnparsedAction::reject_420:
            return "reject-420";
        case UnparsedAction::assume_privacy:
            return "assume-privacy";
        case UnparsedAction::no_identity:
            return "no-identity";
        case UnparsedAction::remove:
            return "remove";
        case UnparsedAction::relay_unchanged:
            return "relay-unchanged";
    }
    return "?";
}

}  // namespace cusax::sip_proxy
