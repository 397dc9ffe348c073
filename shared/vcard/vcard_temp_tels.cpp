#include "shared/vcard/vcard_temp_tels.hpp"

#include <algorithm>

#include "shared/address/sip_address.hpp"
#include "shared/text/ascii_case.hpp"
#include "shared/text/trim.hpp"

namespace cusax::vcard {

bool is_tel(const XmlElement& element) {
    return element.name == "TEL" && element.xmlns == xmpp::ns::vcard_temp;
}

std::string tel_number(const XmlElement& tel) {
    const XmlElement* n = tel.child("NUMBER", xmpp::ns::vcard_temp);
    return n ? std::string(text::trim_whitespace(n->text)) : std::string();
}

bool tel_has_flag(const XmlElement& tel, std::string_view flag) {
    return tel.child(flag, xmpp::ns::vcard_temp) != nullptr;
}

bool is_sip_uri(std::string_view number) {
    const std::string lower = text::ascii_lower(number.substr(0, 5));
    return lower.rfind("sip:", 0) == 0 || lower.rfind("sips:", 0) == 0;
}

std::vector<std::string> listed_sip_uris(const XmlElement& vcard) {
    std::vector<std::string> out;
    for (const auto& c : vcard.children) {
        if (!is_tel(c)) continue;
        const std::string number = tel_number(c);
        if (!is_sip_uri(number)) continue;
        auto aor = address::normalise_aor(number);
        if (aor && std::find(out.begin(), out.end(), *aor.value) == out.end()) {
            out.push_back(std::move(*aor.value));
        }
    }
    return out;
}

}  // namespace cusax::vcard
