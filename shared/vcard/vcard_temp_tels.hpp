#pragma once
// Reading the TEL fields of a vcard-temp vCard (XEP-0054): what the component guarantees in a
// user's vCard and what cusaxctl records when it imports one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/address/address_key.hpp"
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

// The SIP URI a TEL value (vcard-temp NUMBER, vCard4 uri or text) names, without surrounding
// white space: a sip:/sips: URI, also behind a "tel:" prefix (Prosody's mod_vcard_legacy turns a
// vcard-temp NUMBER into "tel:" + NUMBER, so a SIP URI set through vcard-temp reaches vCard4 as
// tel:sip:…). Empty when the value is no SIP URI. Both vCard guards read values with this one
// rule, so that what one counts as a SIP address the other does too.
std::string_view sip_uri_in(std::string_view value);

// What a TEL value identifies, to compare spellings of the same address: a SIP URI's AOR
// (RFC 3261 §19.1.4: scheme and host case, parameters and headers do not matter), or a phone
// number (RFC 3966: tel: scheme, parameters and visual separators do not matter; a SIP URI with
// user=phone is its number). None for a value that is neither.
std::optional<address::AddressKey> tel_value_key(std::string_view value);

// tel_value_key as one comparable string ("sip:alice@example.com", "+4930123456"); a value that
// is neither, trimmed and lower-case.
std::string comparable_tel_value(std::string_view value);

// Whether a TEL value (vcard-temp NUMBER, vCard4 uri or text) names a SIP address other than
// `aor` (a normalised AOR), however spelt: a value sip_uri_in reads, or one that names a SIP
// URI anywhere in it ("Name <sip:...>", a no-break space before it), of which only a spelling
// of `aor` itself is not another address. A SIP URI with user=phone names a number. Both vCard
// guards refuse or correct such a value with this one rule.
bool names_other_sip_address(std::string_view value, std::string_view aor);

// The SIP addresses (normalised AORs) a vCard's TEL fields list: RFC 7081 §3.3's confirmation of
// a binding from the XMPP side, read by sip_uri_in (tel:sip:... too, as both guards read it).
// TELs holding no valid sip:/sips: URI are not listings.
std::vector<std::string> listed_sip_uris(const XmlElement& vcard);

}  // namespace cusax::vcard
