#pragma once
// The bindings the provisioning tests share, as the example CSV has them: alice verified by an
// operator, bob by a directory, carol not yet verified, and two accounts that share the local
// part "dave" (so "dave" alone names neither).
#include <memory>
#include <vector>

#include "provisioning/account_directory.hpp"
#include "shared/store/binding.hpp"
#include "shared/store/snapshot.hpp"

namespace cusax::provisioning::test_data {

inline std::vector<store::Binding> example_bindings() {
    using store::Verification;
    return {
        store::make_binding("sip:alice@sip.example.com", "alice@xmpp.example.com", "Alice Example",
                            {{"+15550100001", true, true}}, Verification::Admin),
        store::make_binding("sip:bob@sip.example.com", "bob@xmpp.example.com", "Bob & Co", {},
                            Verification::Directory),
        store::make_binding("sip:carol@sip.example.com", "carol@xmpp.example.com", "", {},
                            Verification::Unverified),
        store::make_binding("sip:dave@sip.example.com", "dave@xmpp.example.com", "", {},
                            Verification::Admin),
        store::make_binding("sip:dave@pbx.example.org", "david@xmpp.example.com", "", {},
                            Verification::Admin),
        // An AOR user that is someone else's JID local part elsewhere: erin and sip:erin...
        store::make_binding("sip:+15550100009@sip.example.com", "erin@xmpp.example.com", "", {},
                            Verification::Mutual),
    };
}

inline std::shared_ptr<const AccountDirectory> example_directory() {
    return std::make_shared<const AccountDirectory>(store::Snapshot::build(example_bindings(), 1));
}

}  // namespace cusax::provisioning::test_data
