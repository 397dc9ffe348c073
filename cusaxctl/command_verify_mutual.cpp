// cusaxctl verify --mutual: RFC 7081 §3.3's check that both sides confirm a binding. The store
// (the SIP side, provisioned by the operator) binds an AOR to a JID; the binding becomes
// "mutual" when that JID's own vCard, as its owner last set it through the XMPP server (kept by
// the component in [xmpp-component] vcard_store), lists the AOR. A mutual binding whose vCard no
// longer lists it goes back to unverified; other states are left as they are when the vCard
// does not list the AOR (an operator's verification is not the user's to withdraw).
//
// The listing read here is the user's own word: the component records only what the user typed,
// never a value it had shown them in a get and their client sent back, whatever the binding's
// state then or now (xmpp-component/vcard_delegation.hpp; README, "What counts as listing").
//
// Only this command promotes a binding: the component only ever demotes one (a vCard set that
// drops the listing), so that trust is raised by an operator's action, never by traffic alone.
#include <algorithm>

#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "cusaxctl/user_vcards_access.hpp"

namespace cusax::ctl {
namespace {

struct MutualCheck {
    bool listed = false;
    std::string reason;  // why it is not mutual, when not
};

MutualCheck check_listing(store::UserVcardStore& vcards, const store::Binding& b) {
    const auto vcard = vcards.get(b.jid);
    if (!vcard) return {false, "no vCard stored for " + b.jid};
    const auto& listed = vcard->listed_sip;
    if (std::find(listed.begin(), listed.end(), b.aor) == listed.end()) {
        return {false, b.jid + "'s vCard does not list it"};
    }
    return {true, {}};
}

}  // namespace

int verify_mutual(const CtlContext& ctx, const std::string& aor_text, bool all) {
    auto vcards = open_user_vcards(ctx, VcardStoreUse::read, "verify --mutual");
    auto store = ctx.open();
    std::vector<store::Binding> bindings;
    try {
        if (all) {
            bindings = store->load_all();
        } else {
            const auto aor = aor_argument(aor_text);
            auto found = store->find_by_aor(aor);
            if (!found) throw CommandError(kNotFound, aor + ": no such binding");
            bindings.push_back(std::move(*found));
        }
        std::size_t mutual = 0, dropped = 0;
        for (const auto& b : bindings) {
            const auto check = check_listing(vcards, b);
            auto state = b.verification;
            if (check.listed) {
                state = store::Verification::Mutual;
            } else if (state == store::Verification::Mutual) {
                state = store::Verification::Unverified;
            }
            if (state != b.verification) store->set_verification(b.aor, state);
            mutual += check.listed ? 1 : 0;
            dropped += (!check.listed && b.verification == store::Verification::Mutual) ? 1 : 0;
            const std::string was(store::to_string(b.verification)), now(store::to_string(state));
            say(ctx,
                {{"aor", b.aor},
                 {"jid", b.jid},
                 {"mutual", check.listed},
                 {"verification", now},
                 {"was", was},
                 {"reason", check.reason}},
                b.aor + ": " + (check.listed ? "mutual" : "not mutual (" + check.reason + ")") +
                    (was == now ? ", " + now : ", " + was + " -> " + now));
        }
        if (all && !ctx.json) {
            *ctx.out << bindings.size() << " bindings checked: " << mutual << " mutual, " << dropped
                     << " no longer mutual\n";
        }
    } catch (const store::StoreError& e) {
        throw CommandError(kStoreError, e.what());
    }
    return kOk;
}

}  // namespace cusax::ctl
