#include "provisioning/linphone_xml.hpp"

#include <algorithm>

#include "shared/text/quoted_string.hpp"
#include "shared/xml/xml_element.hpp"

namespace cusax::provisioning {
namespace {

constexpr std::string_view lpconfig_ns = "http://www.linphone.org/xsds/lpconfig.xsd";

using xmpp::XmlElement;

bool listed(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// One INI section of the configuration, built apart and then appended to <config>.
struct Section {
    explicit Section(std::string_view name) : element("section", std::string(lpconfig_ns)) {
        element.set_attr("name", name);
    }
    Section& entry(std::string_view name, std::string_view value) {
        // overwrite: a client's own earlier value of the key is replaced, not kept.
        auto& e = element.add("entry", std::string(lpconfig_ns));
        e.set_attr("name", name).set_attr("overwrite", "true");
        e.text = std::string(value);
        return *this;
    }
    XmlElement element;
};

// A SIP URI in angle brackets with the transport named (Linphone reads it from the URI).
std::string hop(std::string_view uri, SipTransport transport) {
    std::string out = "<" + std::string(uri);
    if (uri.find(";transport=") == std::string_view::npos && transport != SipTransport::udp &&
        !uri.starts_with("sips:")) {
        out += ";transport=" + std::string(to_string(transport));
    }
    return out + ">";
}

}  // namespace

std::string linphone_xml(const Profile& p, std::string_view typed_password) {
    XmlElement config("config", std::string(lpconfig_ns));
    config.add(std::move(Section("sip").entry("default_proxy", "0").element));

    const std::string identity =
        p.display_name.empty() ? "<" + p.aor + ">"
                               : text::quoted_single_line(p.display_name) + " <" + p.aor + ">";
    Section proxy("proxy_0");
    proxy.entry("reg_identity", identity)
        .entry("reg_proxy", hop(p.registrar, p.transport))
        .entry("reg_sendregister", "1")
        .entry("reg_expires", "3600");
    if (!p.outbound_proxy.empty()) {
        // A route set of one loose-routing proxy (RFC 3261 §16.12.1.1).
        std::string route = hop(p.outbound_proxy, p.transport);
        if (route.find(";lr") == std::string::npos) route.insert(route.size() - 1, ";lr");
        proxy.entry("reg_route", route);
    }
    const bool presence_off = listed(p.sip_switch_off, "presence");
    proxy.entry("publish", presence_off ? "0" : "1");
    config.add(std::move(proxy.element));

    Section auth("auth_info_0");
    auth.entry("username", p.auth_user).entry("userid", p.auth_user).entry("domain", p.sip_domain);
    if (p.sip_password == SipPassword::same) auth.entry("passwd", typed_password);
    config.add(std::move(auth.element));

    if (presence_off) {
        config.add(std::move(Section("net").entry("friendlist_subscription_enabled", "0").element));
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + config.serialize("") + "\n";
}

}  // namespace cusax::provisioning
