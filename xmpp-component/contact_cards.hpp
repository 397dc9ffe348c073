#pragma once
// What a binding looks like to XMPP clients: vcard-temp (XEP-0054), vCard4 (XEP-0292) and
// reachability addresses (XEP-0152). RFC 7081 §3.1: a vCard "tel" carries the SIP address,
// "video" where video works; §3.5: the bound JID is shown only when the binding is verified.
#include <string_view>

#include "shared/store/binding_view.hpp"
#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

// The name shown: the binding's display name, else the user part of its AOR.
std::string display_name_of(const store::BindingView& binding);

// Whether the SIP address itself is announced with video: the binding model records video per
// number, so the SIP URI gets VIDEO when any of the binding's numbers has it.
bool binding_has_video(const store::BindingView& binding);

// <vCard xmlns='vcard-temp'>: FN, TEL (VOICE[, VIDEO], NUMBER sip:…), a TEL per number with its
// VOICE/VIDEO, JABBERID only when verified.
XmlElement build_vcard_temp(const store::BindingView& binding);

// <vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>: fn, tel (type voice/video, uri sip:… or
// tel:+…, or text for a local number), impp xmpp:… only when verified.
XmlElement build_vcard4(const store::BindingView& binding);

// <reach xmlns='urn:xmpp:reach:0'>: addr for the SIP URI and each global number (tel:+…).
XmlElement build_reach(const store::BindingView& binding);

}  // namespace cusax::xmpp
