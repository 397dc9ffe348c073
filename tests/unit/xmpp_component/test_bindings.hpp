#pragma once
// The binding the component's vCard tests share: alice, a SIP URI and one number with video,
// verified by an operator (only a verified binding puts anything into the user's vCard).
#include "shared/store/binding.hpp"

namespace cusax::xmpp::testing {

inline store::Binding alice() {
    store::Binding b;
    b.aor = "sip:alice@sip.example.com";
    b.jid = "alice@xmpp.example.com";
    b.display_name = "Alice";
    b.numbers = {{"+4930123456", true, true}};
    b.verification = store::Verification::Admin;
    return b;
}

// The same binding as provisioned, not confirmed.
inline store::Binding unverified_alice() {
    store::Binding b = alice();
    b.verification = store::Verification::Unverified;
    return b;
}

}  // namespace cusax::xmpp::testing
