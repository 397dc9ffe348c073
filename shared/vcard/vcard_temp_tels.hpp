#pragma once
// Reading the TEL fields of a vcard-temp vCard (XEP-0054): what the component guarantees in a
// user's vCard and what cusaxctl records when it imports one.
#include <string>
#include <string_view>
#include <vector>

#include "shared/xml/xml_element.hpp"

namespace cusax::vcard {

using xmpp::XmlElement;

// A <TEL/> of vcard-temp.
bool is_tel(const XmlElement& element);
// Its NUMBER, without surrounding white space; empty when none.
std::string tel_number(const XmlElement& tel);
// Whether it carries the type flag (VOICE, VIDEO, ...).
bool tel_has_flag(const XmlElement& tel, std::string_view flag);
// Whether a NUMBER is a sip: or sips: URI (scheme case-insensitive, RFC 3261 §19.1.1).
bool is_sip_uri(std::string_view number);

// The SIP addresses (normalised AORs) a vCard's TEL fields list: RFC 7081 §3.3's confirmation of
// a binding from the XMPP side. TELs holding no valid sip:/sips: URI are not listings.
std::vector<std::string> listed_sip_uris(const XmlElement& vcard);

}  // namespace cusax::vcard
