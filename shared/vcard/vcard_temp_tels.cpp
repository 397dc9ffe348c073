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

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && text::ascii_lower(s.substr(0, prefix.size())) == prefix;
}

}  // namespace

std::string_view sip_uri_in(std::string_view value) {
    std::string_view v = text::trim_whitespace(value);
    if (starts_with_ci(v, "tel:") && is_sip_uri(v.substr(4))) v.remove_prefix(4);
    return is_sip_uri(v) ? v : std::string_view();
}

std::optional<address::AddressKey> tel_value_key(std::string_view value) {
    std::string_view v = text::trim_whitespace(value);
    if (const std::string_view sip = sip_uri_in(v); !sip.empty()) v = sip;
    if (is_sip_uri(v) || starts_with_ci(v, "tel:")) {
        auto key = address::parse_sip_address(v);
        return key ? std::move(key.value) : std::nullopt;
    }
    auto number = address::normalise_number(v);
    if (!number) return std::nullopt;
    return address::AddressKey{address::AddressKey::Kind::Number, std::move(*number.value)};
}

std::string comparable_tel_value(std::string_view value) {
    auto key = tel_value_key(value);
    return key ? std::move(key->value) : text::ascii_lower(text::trim_whitespace(value));
}

bool names_other_sip_address(std::string_view value, std::string_view aor) {
    const std::string_view sip = sip_uri_in(value);
    if (sip.empty()) {
        const std::string lower = text::ascii_lower(value);
        if (lower.find("sip:") == std::string::npos && lower.find("sips:") == std::string::npos) {
            return false;
        }
        const auto parsed = address::parse_sip_address(value);
        if (!parsed) return true;
        return parsed.value->kind == address::AddressKey::Kind::Aor && parsed.value->value != aor;
    }
    const auto key = tel_value_key(sip);
    if (key && key->kind == address::AddressKey::Kind::Number) return false;
    return !key || key->value != aor;
}

std::vector<std::string> listed_sip_uris(const XmlElement& vcard) {
    std::vector<std::string> out;
    for (const auto& c : vcard.children) {
        if (!is_tel(c)) continue;
        const std::string number = tel_number(c);
        // The guards' rule (sip_uri_in): tel:sip:... is the SIP URI in it.
        const std::string_view sip = sip_uri_in(number);
        if (sip.empty()) continue;
        auto aor = address::normalise_aor(sip);
        if (aor && std::find(out.begin(), out.end(), *aor.value) == out.end()) {
            out.push_back(std::move(*aor.value));
        }
    }
    return out;
}

}  // namespace cusax::vcard
