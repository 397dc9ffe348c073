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

    // The account an id that names no binding is checked as, so that its attempt meets the
    // XMPP server as a known id's does (provisioning_service.cpp): placeholder_local_part at the
    // XMPP domain most bindings have (of those tied, the first in byte order, so the same
    // bindings give the same one); empty when there are no bindings.
    const std::string& placeholder_jid() const { return placeholder_jid_; }

    const store::Snapshot& snapshot() const { return *snapshot_; }

  private:
    const store::BindingView* by_address(std::string_view name_at_domain) const;

    std::shared_ptr<const store::Snapshot> snapshot_;
    // Lower-cased local part -> its one binding; nullptr where several share it.
    std::unordered_map<std::string, const store::BindingView*> by_local_part_;
    std::string placeholder_jid_;
};

// The placeholder account's local part. No binding is meant to have it; should the XMPP server
// hold such an account, its login still counts as a refusal (provisioning_service.cpp).
inline constexpr std::string_view placeholder_local_part = "cusax-no-such-account";

// The key failed logins of this id are counted under (attempt_limiter.hpp): its local part
// (the text before "@", without a sip:, sips:, xmpp: or acct: scheme), folded as the look-ups fold
// it
// (%HEX escapes decoded, then XMPP nodeprep, or ASCII lower-casing where that refuses it),
// at most 64 bytes. Taken from the text alone, never from the store, so that how an id is
// throttled says nothing about whether it names an account; the spellings of one account
// (alice, alice@xmpp.example.com, alice@sip.example.com) share one key when the JID's local
// part and the AOR's user part agree. A sip: or sips: URI cannot come through HTTP Basic (its
// user id ends at the first colon): the service sees the id "sip", whose key is "sip".
std::string user_limit_key(std::string_view id);

}  // namespace cusax::provisioning
