#pragma once
// vCard4 (XEP-0292) of the XMPP server's own users through XEP-0356 privileged iq (policy
// layer: no I/O, no clock, no globals).
//
// XEP-0292 keeps a user's vCard4 in their PEP node urn:xmpp:vcard4, which vcard-temp
// delegation (vcard_delegation.hpp) does not reach. With the server's mod_privilege granting
// the component the pubsub namespace, the component reads and publishes that node as the user:
//
//   <message from='xmpp.example.com' to='sip.example.com'>                 (the grant)
//     <privilege xmlns='urn:xmpp:privilege:2'><perm access='iq'>
//       <namespace type='both' ns='http://jabber.org/protocol/pubsub'/></perm></privilege>
//   <iq type='get' id='X' from='sip.example.com' to='alice@xmpp.example.com'>
//     <privileged_iq xmlns='urn:xmpp:privilege:2'><iq xmlns='jabber:client' type='get' id='X'>
//       <pubsub …><items node='urn:xmpp:vcard4' max_items='1'/></pubsub></iq></privileged_iq>
//
// and the answer comes back as an iq result from the user's bare JID wrapping the inner
// answer in <privilege><forwarded/></privilege>, an inner error included (Prosody 0.12: a node
// that does not exist yet is an inner item-not-found; a refusal of mod_privilege itself is an
// outer error).
//
// RFC 7081 strategy 3: the vCard4 of a user with a verified binding carries, as tel fields, the
// SIP URI bound to their JID and the binding's numbers (voice; video as the binding says), like
// their vcard-temp; an unverified binding publishes nothing there (vcard_delegation.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/binding.hpp"
#include "shared/xml/xml_element.hpp"
#include "xmpp-component/vcard_delegation.hpp"

namespace cusax::xmpp {

struct PrivilegeGrant {
    enum class Status {
        not_advertisement,  // not a <message><privilege/></message>: not for this module
        untrusted,          // from anyone but the server's bare domain: ignore, log
        ok,
    };
    Status status = Status::not_advertisement;
    std::string server;       // the granting domain, lower-case
    bool pubsub_get = false;  // iq permission on the pubsub namespace
    bool pubsub_set = false;
    std::vector<std::string> iq_namespaces;  // every namespace granted, for the log
};

// Recognises the server's XEP-0356 §4.2 advertisement. server_domains: the bare domains whose
// server may grant (lower-case); a grant is per domain (each VirtualHost sends its own).
PrivilegeGrant privilege_advertisement(const XmlElement& stanza,
                                       const std::vector<std::string>& server_domains);

// The privileged get of user_jid's current vCard4 item (user_jid bare, lower-case).
XmlElement vcard4_get_request(std::string_view component_domain, std::string_view user_jid,
                              std::string_view id);

// The privileged publish of `vcard` as user_jid's item item_id. open_node: the node does not
// exist yet and is created with access model open (publish-options), as Prosody's
// mod_vcard_legacy creates it: a vCard is public, like vcard-temp. An existing node is
// published to without options, so that the user's own access model stays (a mismatching
// option is a precondition-not-met conflict).
XmlElement vcard4_publish_request(std::string_view component_domain, std::string_view user_jid,
                                  std::string_view id, const XmlElement& vcard,
                                  std::string_view item_id, bool open_node);

// An answer to a privileged iq, unwrapped.
struct PrivilegedAnswer {
    enum class Status {
        result,  // the inner iq is a result
        error,   // the inner iq or mod_privilege itself refused: condition, text
        malformed,
    };
    Status status = Status::malformed;
    const XmlElement* inner = nullptr;  // the inner iq, when there is one
    std::string condition;              // RFC 6120 §8.3.3 condition of an error
    std::string text;                   // its text, or the pubsub#errors condition
    bool outer_error = false;           // refused by the server, not by the user's PEP
};
PrivilegedAnswer unwrap_privileged_answer(const XmlElement& stanza);

struct Vcard4Fetch {
    enum class Status { found, absent, failed };
    Status status = Status::failed;
    XmlElement vcard;          // found: the user's <vcard/>
    std::string item_id;       // found: its item id
    bool node_exists = false;  // absent: false when the node itself is missing
    std::string error;         // failed: condition (and text)
};
// Reads the answer to vcard4_get_request.
Vcard4Fetch read_vcard4_fetch(const XmlElement& answer);

// Reads the answer to vcard4_publish_request: empty when published, else what failed.
std::string read_vcard4_publish(const XmlElement& answer);

// The tel fields a verified binding guarantees in vCard4 (build_vcard4's: the SIP URI, each
// number); none for an unverified one.
std::vector<XmlElement> guaranteed_vcard4_tels(const store::Binding& binding);

struct Vcard4Merge {
    bool publish = false;  // false: the vCard already carries everything; nothing to send
    XmlElement vcard;      // what to publish
    std::string detail;    // what changed, for the log ("added sip:…; removed tel:+…")
};
// The user's vCard4 (nullptr: none yet) with every guaranteed tel of `binding` (nullptr: not
// bound any more) present: a tel already carrying the same URI with at least the same types is
// kept as the user has it; one that repeats a guaranteed URI with fewer types is replaced.
// Tels of `previous` (the binding as it was, when it changed; nullptr: unknown) that the
// binding no longer guarantees are dropped: they were put there by this component. With
// VcardGuard::correct and a verified binding, tels with another SIP address are dropped too
// (guard_vcard_set's correction, the same rule: vcard::sip_uri_in); with refuse they stay (a
// PEP publish cannot be refused after the fact).
// Everything else is kept.
Vcard4Merge merge_vcard4(const XmlElement* current, const store::Binding* binding,
                         const store::Binding* previous, VcardGuard mode);

// Whether two bindings guarantee the same tel fields (same AOR, numbers and their types, both
// verified or both not).
bool same_guaranteed_tels(const store::Binding* a, const store::Binding* b);

}  // namespace cusax::xmpp
