#pragma once
// One element read back from its serialised form: what the vCard store keeps and what an XMPP
// server's export (XEP-0227) holds. The stream parser reads it, with its restrictions (no DTD,
// no entities, no comments), as the one stanza of a stream in the component's default namespace.
#include <optional>
#include <string_view>

#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

// nullopt when it does not parse. An XML declaration is not allowed (it cannot stand inside a
// stream): strip it first.
std::optional<XmlElement> parse_element(std::string_view xml);

}  // namespace cusax::xmpp
