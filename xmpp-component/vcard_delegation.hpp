#pragma once
// XEP-0355 namespace delegation of vcard-temp (policy layer: no I/O, no clock, no globals).
//
// The XMPP server hands the component the vCards of its own users (alice@xmpp.example.com):
//
//   <iq type='set' from='xmpp.example.com' to='sip.example.com' id='X'>
//     <delegation xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'>
//       <iq xmlns='jabber:client' type='get' from='bob@…/r' to='alice@xmpp.example.com' id='Y'>
//         <vCard xmlns='vcard-temp'/></iq></forwarded></delegation></iq>
//
// and expects the reply to the inner iq wrapped the same way in an iq result to itself, the
// inner reply carrying xmlns='jabber:client' explicitly (Prosody's mod_delegation drops anything
// else silently). Only a stanza whose `from` is the bare domain of the server (one of
// local_domains) is acted upon: anyone else could otherwise forge requests "from" any user.
//
// RFC 7081 §3.1 / strategy 3: the vCard of a user with a verified binding (admin, directory,
// mutual) carries, as TEL fields, the SIP URI the store binds to their JID and the binding's
// numbers (VOICE, VIDEO as the binding says). A get returns the stored vCard merged with those;
// a set that removes or replaces one is refused (not-acceptable, naming the field) or
// corrected, per vcard_guard. An unverified binding puts nothing into the vCard and locks
// nothing there. README, "Verification states".
//
// What counts as the user's word (RFC 7081 §3.3: what `cusaxctl verify --mutual` reads) is
// only what the user typed. A client edits a vCard by fetching it, changing it and sending all
// of it back, so a set carries whatever a get showed. So the component remembers, per bare JID
// and across restarts (the vCard store's shown values), each value (a SIP address or a number,
// compared as vcard::comparable_tel_value spells them) that it added to a get made by the vCard's
// owner, before it answers that get. In a set, a TEL whose value
//   - was shown to the user (remembered, or guaranteed by the binding as it is now), and
//   - is not in the user's own stored vCard already (typed before it was shown: their word
//     then, their word still),
// is an echo: it is not stored and lists nothing, whatever the binding's state by then
// (verified, unverified, re-pointed to another AOR, removed). A mutual binding's AOR is no
// exception: it counts because the user's stored vCard lists it (which is what made it mutual).
//
// A set that does not carry a remembered value forgets it (the client's copy no longer has it,
// so a later set with it was typed). Nothing else forgets one: not time, not a binding change,
// not a get that no longer shows it (the client may still hold the copy it fetched before).
// What follows from that:
//   - a user who deliberately types a value they were shown (their SIP address, after an
//     unverify) is taken for the echo until they have saved their vCard once without it; after
//     that, typing it is their word. With a verified binding the get shows it again, so the
//     value must be typed without fetching in between (vcard_guard = correct lets the set
//     without it through; refuse does not).
//   - values gone stale (a binding removed or re-pointed since) never make anything count;
//     they go at the user's next set without them.
//   - a user with no stored vCard is shown the guaranteed TELs too: remembered all the same.
//   - only the owner's gets are remembered: what others are shown is not in the owner's copy.
//   - two clients of one user are not told apart (a set does not say which get it came from):
//     once one client's set has forgotten a value, another client still holding an older
//     copy with it can send that back as a listing.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/binding_view.hpp"
#include "shared/xml/xml_element.hpp"
#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/directory_settings.hpp"
#include "xmpp-component/stored_vcard.hpp"

namespace cusax::xmpp {

struct DelegatedRequest {
    enum class Status {
        not_delegation,  // no <delegation/> payload: not for this module
        untrusted,       // from someone other than the server: ignore, log
        malformed,       // from the server, but not delegation/forwarded/iq: ignore, log
        ok,
    };
    Status status = Status::not_delegation;
    std::string_view delegation_ns;     // the namespace to answer with
    const XmlElement* inner = nullptr;  // the forwarded iq, inside the outer stanza
    std::string server;                 // the outer stanza's from, lower-case
};

// Recognises a delegated iq. server_domains: the bare domains whose server may delegate
// (lower-case).
DelegatedRequest unwrap_delegation(const XmlElement& stanza,
                                   const std::vector<std::string>& server_domains);

// Whether this is the server's announcement of what it delegates (XEP-0355 §4.2, a message
// with <delegation><delegated namespace='…'/></delegation>): the namespaces, empty when not.
std::vector<std::string> delegation_advertisement(const XmlElement& stanza,
                                                  const std::vector<std::string>& server_domains);

// The iq result to the outer stanza, wrapping inner_reply (made jabber:client throughout).
XmlElement wrap_delegated_reply(const XmlElement& outer, std::string_view delegation_ns,
                                XmlElement inner_reply);

// Whose vCard a forwarded iq is about: the bare `to`, or the bare `from` when there is no `to`
// (a user's own vCard); lower-case.
std::string delegated_vcard_owner(const XmlElement& inner);

// The guaranteed TEL fields of a verified binding: the SIP URI (VOICE, VIDEO when any number
// has video) and each number with its VOICE/VIDEO. None for an unverified binding.
std::vector<XmlElement> guaranteed_tels(const store::BindingView& binding);

// stored (or an empty vcard-temp when nullptr), with the TELs that repeat a guaranteed number
// (however spelt: vcard::comparable_tel_value) replaced by the guaranteed ones; everything else
// kept as stored.
XmlElement merge_guaranteed_tels(const XmlElement* stored, const store::BindingView* binding);

struct GuardResult {
    std::string problem;  // empty: acceptable; else names the TEL field (refuse mode only)
    XmlElement vcard;     // what to store
};
// A user's own vCard set checked against a verified binding: each guaranteed TEL must stay
// (the same address however spelt, at least the same VOICE/VIDEO), and no TEL may carry another
// SIP address (vcard::sip_uri_in; compared as RFC 3261 §19.1.4 says). The problem text quotes
// the submitted value cut as address::quote_for_message does. correct: the vCard with foreign
// SIP TELs dropped and the guaranteed ones put back. An unverified binding: always acceptable.
GuardResult guard_vcard_set(const XmlElement& submitted, const store::BindingView& binding,
                            VcardGuard mode);

// The values a get adds to the vCard it shows: those of guaranteed_tels, comparable.
std::vector<std::string> shown_values(const store::BindingView& binding);

struct DelegatedVcardOutcome {
    XmlElement reply;                      // the inner reply, jabber:client
    std::optional<StoredVcard> store;      // vCard to store for the owner, when any
    std::vector<std::string> still_shown;  // with store: the values remembered as shown from now
    std::vector<std::string> newly_shown;  // an owner's get: values to remember before replying
    bool unlisted = false;   // a stored set whose own word does not list the owner's bound AOR
    std::string_view kind;   // "vcard-get", "vcard-set", ...
    std::string_view error;  // condition sent back, empty when none
    std::string detail;      // what was refused, corrected or not taken as typed, for the log
};

// Answers one forwarded vcard-temp iq. What it stores is the user's own word, with the SIP
// addresses it lists (what `cusaxctl verify --mutual` reads): the set without its echoes (see
// above) and without the foreign SIP TELs a correction drops. server: the domain whose users
// these are; binding: the owner's binding (nullptr when none); stored: the owner's stored vCard
// (nullptr when none); shown: the values remembered as shown to the owner; storage: whether
// sets can be stored at all. A user without a binding may list any SIP address: a listing
// counts only in the vCard of the JID an address is bound to.
DelegatedVcardOutcome handle_delegated_vcard(const XmlElement& inner, std::string_view server,
                                             const store::BindingView* binding,
                                             const StoredVcard* stored,
                                             const std::vector<std::string>& shown, VcardGuard mode,
                                             bool storage);

}  // namespace cusax::xmpp
