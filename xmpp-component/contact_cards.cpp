#include "xmpp-component/contact_cards.hpp"

#include <algorithm>

namespace cusax::xmpp {

std::string display_name_of(const store::BindingView& binding) {
    if (!binding.display_name.empty()) return std::string(binding.display_name);
    std::string_view aor = binding.aor;
    auto colon = aor.find(':');
    auto rest = colon == std::string_view::npos ? aor : aor.substr(colon + 1);
    auto at = rest.rfind('@');
    return std::string(at == std::string_view::npos ? rest : rest.substr(0, at));
}

bool binding_has_video(const store::BindingView& binding) {
    return std::any_of(binding.numbers.begin(), binding.numbers.end(),
                       [](const store::NumberView& n) { return n.video; });
}

namespace {

bool is_global(std::string_view number) { return !number.empty() && number.front() == '+'; }

void add_temp_tel(XmlElement& vcard, bool voice, bool video, std::string_view number) {
    XmlElement& tel = vcard.add("TEL", std::string(ns::vcard_temp));
    if (voice) tel.add("VOICE", std::string(ns::vcard_temp));
    if (video) tel.add("VIDEO", std::string(ns::vcard_temp));
    tel.add_text_child("NUMBER", number);
}

void add_v4_tel(XmlElement& vcard, bool voice, bool video, std::string_view uri_or_text,
                bool is_uri) {
    const std::string v4(ns::vcard4);
    XmlElement& tel = vcard.add("tel", v4);
    if (voice || video) {
        XmlElement& type = tel.add("parameters", v4).add("type", v4);
        if (voice) type.add_text_child("text", "voice");
        if (video) type.add_text_child("text", "video");
    }
    tel.add_text_child(is_uri ? "uri" : "text", uri_or_text);
}

}  // namespace

XmlElement build_vcard_temp(const store::BindingView& binding) {
    XmlElement vcard("vCard", std::string(ns::vcard_temp));
    vcard.add_text_child("FN", display_name_of(binding));
    add_temp_tel(vcard, true, binding_has_video(binding), binding.aor);
    for (const auto& n : binding.numbers) add_temp_tel(vcard, n.voice, n.video, n.number);
    // RFC 7081 §3.5: an unverified binding must not be presented as the contact's JID.
    if (store::is_verified(binding.verification)) vcard.add_text_child("JABBERID", binding.jid);
    return vcard;
}

XmlElement build_vcard4(const store::BindingView& binding) {
    const std::string v4(ns::vcard4);
    XmlElement vcard("vcard", v4);
    vcard.add("fn", v4).add_text_child("text", display_name_of(binding));
    add_v4_tel(vcard, true, binding_has_video(binding), binding.aor, true);
    for (const auto& n : binding.numbers) {
        if (is_global(n.number)) {
            add_v4_tel(vcard, n.voice, n.video, "tel:" + std::string(n.number), true);
        } else {
            // RFC 3966 wants a phone-context for a local number, which the store does not
            // know: give it as text.
            add_v4_tel(vcard, n.voice, n.video, n.number, false);
        }
    }
    if (store::is_verified(binding.verification)) {
        vcard.add("impp", v4).add_text_child("uri", "xmpp:" + std::string(binding.jid));
    }
    return vcard;
}

XmlElement build_reach(const store::BindingView& binding) {
    XmlElement reach("reach", std::string(ns::reach));
    reach.add("addr", std::string(ns::reach)).set_attr("uri", binding.aor);
    for (const auto& n : binding.numbers) {
        if (is_global(n.number)) {
            reach.add("addr", std::string(ns::reach))
                .set_attr("uri", "tel:" + std::string(n.number));
        }
    }
    return reach;
}

}  // namespace cusax::xmpp
