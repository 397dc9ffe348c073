#pragma once
// Which XMPP address names which binding: the component's SIP accounts as JIDs of its domain.
//
//  - An AOR on the component domain keeps its user part: sip:alice@sip.example.com is
//    alice@sip.example.com (as RFC 7081 §3.4's example pairs them).
//  - An AOR on any other host gets the whole user@host as localpart, escaped as XEP-0106 says:
//    sip:bob@pbx.example.org is bob\40pbx.example.org@sip.example.com. Reversible, valid in
//    every server, and never clashes with an account of the first kind (which has no '@').
//  - A phone number is an alias: +4930123456@sip.example.com (or 1234@... for a local number)
//    is the binding that lists that number, unless an account of that name exists.
// Servers case-map JID localparts (RFC 7622 §3.3), SIP user parts are case-sensitive: look-ups
// go through the case-mapped form, so sip:Alice@… answers as alice@…; were two AORs to differ
// only in case, the first in AOR order keeps the name and the other is not addressable.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shared/store/snapshot.hpp"

namespace cusax::xmpp {

// XEP-0106 JID escaping of a localpart.
std::string escape_localpart(std::string_view raw);
std::string unescape_localpart(std::string_view escaped);

// The account JID (bare, case-mapped as servers do) for an AOR; nullopt when the AOR cannot be
// expressed as a JID (should not happen for a normalised AOR).
std::optional<std::string> account_jid_for_aor(std::string_view aor, std::string_view domain);

class AccountIndex {
  public:
    struct Entry {
        std::string jid;
        const store::BindingView* binding;
    };

    // Builds the index once per snapshot (O(n)); the snapshot is kept alive by the index.
    AccountIndex(std::shared_ptr<const store::Snapshot> snapshot, std::string domain);

    // The binding addressed by a bare JID of the component domain, or nullptr.
    const store::BindingView* find(std::string_view bare_jid) const;
    // The account JID of a binding of this snapshot.
    std::string account_jid(const store::BindingView& binding) const;

    const std::vector<Entry>& accounts() const { return entries_; }  // sorted by JID
    const store::Snapshot& snapshot() const { return *snapshot_; }
    const std::shared_ptr<const store::Snapshot>& snapshot_ptr() const { return snapshot_; }
    const std::string& domain() const { return domain_; }

  private:
    std::shared_ptr<const store::Snapshot> snapshot_;
    std::string domain_;
    std::vector<Entry> entries_;
    std::unordered_map<std::string_view, const store::BindingView*> by_jid_;
    std::unordered_map<const store::BindingView*, std::string_view> jid_of_;
};

}  // namespace cusax::xmpp
