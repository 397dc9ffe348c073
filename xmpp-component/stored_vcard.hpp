#pragma once
// A user's vCard as the component keeps it (plain data: the policy reads and returns it, the
// vCard store adapter writes it).
#include <string>
#include <vector>

#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

struct StoredVcard {
    XmlElement vcard;
    std::vector<std::string> listed_sip;  // SIP AORs the user's own TELs listed
};

}  // namespace cusax::xmpp
