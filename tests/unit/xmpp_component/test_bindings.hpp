#pragma once
// The binding the component's vCard tests share: alice, a SIP URI and one number with video.
#include "shared/store/binding.hpp"

namespace cusax::xmpp::testing {

inline store::Binding alice() {
    store::Binding b;
    b.aor = "sip:alice@sip.example.com";
    b.jid = "alice@xmpp.example.com";
    b.display_name = "Alice";
    b.numbers = {{"+4930123456", true, true}};
    return b;
}

}  // namespace cusax::xmpp::testing
