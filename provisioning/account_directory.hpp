#pragma once
// Which binding a user id names, over one bindings snapshot. The id is what a user types to
// log in (RFC 7081 §2: "only a user ID and password"): a bare JID, a SIP AOR, or the local part
// alone where exactly one binding has it. Built once per snapshot (the local-part index costs
// a pass over every binding), then read without locks.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "shared/store/snapshot.hpp"

namespace cusax::provisioning {

class AccountDirectory {
  public:
    explicit AccountDirectory(std::shared_ptr<const store::Snapshot> snapshot);

    // The binding the id names, or nullptr: none, or more than one.
    //  - sip:/sips: URI: the AOR (RFC 3261 §10.3 normalisation);
    //  - NAME@DOMAIN: the bare JID, or else the AOR sip:NAME@DOMAIN; when both name a binding
    //    and they differ, neither;
    //  - NAME alone: the one binding whose JID local part or AOR user part is NAME (ASCII
    //    letters compared without case); none when two bindings have it.
    const store::BindingView* find_user(std::string_view id) const;

    // The binding a WebFinger resource names (RFC 7033 §4.1): acct:NAME@DOMAIN as a JID or
    // else an AOR, as find_user reads NAME@DOMAIN; sip:/sips: and xmpp: URIs as themselves.
    const store::BindingView* find_resource(std::string_view resource) const;

    const store::Snapshot& snapshot() const { return *snapshot_; }

  private:
    const store::BindingView* by_address(std::string_view name_at_domain) const;

    std::shared_ptr<const store::Snapshot> snapshot_;
    // Lower-cased local part -> its one binding; nullptr where several share it.
    std::unordered_map<std::string, const store::BindingView*> by_local_part_;
};

// The key failed logins of this id are counted under (attempt_limiter.hpp): its local part
// (the text before "@", without a sip:, sips: or xmpp: scheme), folded as the look-ups fold
// it (%HEX escapes decoded, then XMPP nodeprep, or ASCII lower-casing where that refuses it),
// at most 64 bytes. Taken from the text alone, never from the store, so that how an id is
// throttled says nothing about whether it names an account; the spellings of one account
// (alice, alice@xmpp.example.com, sip:alice@sip.example.com) share one key when the JID's local
// part and the AOR's user part agree.
std::string user_limit_key(std::string_view id);

}  // namespace cusax::provisioning
