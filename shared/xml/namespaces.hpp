#pragma once
// Every XML namespace name the programs read or write, in one place, so that a handler's claim,
// its disco feature and the elements it builds spell a namespace the same way.
#include <string_view>

namespace cusax::xmpp::ns {

// The stream (RFC 6120, XEP-0114).
inline constexpr std::string_view component = "jabber:component:accept";
inline constexpr std::string_view client = "jabber:client";
inline constexpr std::string_view streams = "http://etherx.jabber.org/streams";
inline constexpr std::string_view stream_errors = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr std::string_view stanza_errors = "urn:ietf:params:xml:ns:xmpp-stanzas";
// Bound to the prefixes xml and xmlns by definition, never declared (Namespaces in XML 1.0 §3).
inline constexpr std::string_view xml = "http://www.w3.org/XML/1998/namespace";
inline constexpr std::string_view xmlns = "http://www.w3.org/2000/xmlns/";

// Service discovery (XEP-0030), search (XEP-0055) and its data forms (XEP-0004), ping
// (XEP-0199).
inline constexpr std::string_view disco_info = "http://jabber.org/protocol/disco#info";
inline constexpr std::string_view disco_items = "http://jabber.org/protocol/disco#items";
inline constexpr std::string_view search = "jabber:iq:search";
inline constexpr std::string_view data_forms = "jabber:x:data";
inline constexpr std::string_view ping = "urn:xmpp:ping";

// vCards: vcard-temp (XEP-0054), vCard4 (RFC 6351) and its PEP node (XEP-0292); reachability
// addresses (XEP-0152).
inline constexpr std::string_view vcard_temp = "vcard-temp";
inline constexpr std::string_view vcard4 = "urn:ietf:params:xml:ns:vcard-4.0";
inline constexpr std::string_view vcard4_node = "urn:xmpp:vcard4";
inline constexpr std::string_view reach = "urn:xmpp:reach:0";

// Publish-subscribe (XEP-0060), as PEP (XEP-0163) uses it.
inline constexpr std::string_view pubsub = "http://jabber.org/protocol/pubsub";
inline constexpr std::string_view pubsub_errors = "http://jabber.org/protocol/pubsub#errors";
inline constexpr std::string_view pubsub_retrieve_items =
    "http://jabber.org/protocol/pubsub#retrieve-items";
inline constexpr std::string_view pubsub_publish_options =
    "http://jabber.org/protocol/pubsub#publish-options";

// What the server lends the component: namespace delegation (XEP-0355; ejabberd speaks :1,
// Prosody :2), privileged access (XEP-0356), and the forwarding both wrap stanzas in (XEP-0297).
inline constexpr std::string_view delegation1 = "urn:xmpp:delegation:1";
inline constexpr std::string_view delegation2 = "urn:xmpp:delegation:2";
inline constexpr std::string_view privilege = "urn:xmpp:privilege:2";
inline constexpr std::string_view forward = "urn:xmpp:forward:0";

// A server's export of its users' data (XEP-0227).
inline constexpr std::string_view pie = "urn:xmpp:pie:0";

}  // namespace cusax::xmpp::ns
