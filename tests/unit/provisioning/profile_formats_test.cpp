// What each profile format holds, and what it never holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "provisioning/linphone_xml.hpp"
#include "provisioning/profile.hpp"
#include "provisioning/profile_json.hpp"
#include "shared/xml/parse_element.hpp"
#include "test_directory.hpp"

using namespace cusax::provisioning;
using cusax::xmpp::XmlElement;

namespace {

constexpr const char* password = "s3cret&<pw>";

Profile profile_of(std::string_view user, SipAnnounce sip = {}, XmppAnnounce xmpp = {}) {
    static const auto directory = test_data::example_directory();
    const auto* b = directory->find_user(user);
    EXPECT_TRUE(b) << user;
    return make_profile(*b, sip, xmpp);
}

TEST(Profile, DefaultsComeFromTheBinding) {
    const auto p = profile_of("alice");
    EXPECT_EQ(p.aor, "sip:alice@sip.example.com");
    EXPECT_EQ(p.sip_domain, "sip.example.com");
    EXPECT_EQ(p.registrar, "sip:sip.example.com");
    EXPECT_EQ(p.auth_user, "alice");
    EXPECT_EQ(p.jid, "alice@xmpp.example.com");
    EXPECT_EQ(p.xmpp_host, "xmpp.example.com");
    EXPECT_EQ(p.xmpp_port, 5222);
    EXPECT_EQ(p.display_name, "Alice Example");
    const auto e = profile_of("erin");
    EXPECT_EQ(e.auth_user, "+15550100009");
}

TEST(ProfileJson, BothAccountsWhatToSwitchOffAndTheRelation) {
    SipAnnounce sip;
    sip.outbound_proxy = "sip:edge.example.com;lr";
    XmppAnnounce xmpp;
    xmpp.host = "chat.example.com";
    xmpp.port = 5223;
    const auto doc = nlohmann::json::parse(profile_json(profile_of("alice", sip, xmpp)));
    EXPECT_EQ(doc["cusax_profile"], 1);
    EXPECT_EQ(doc["display_name"], "Alice Example");
    EXPECT_EQ(doc["sip"]["aor"], "sip:alice@sip.example.com");
    EXPECT_EQ(doc["sip"]["registrar"], "sip:sip.example.com");
    EXPECT_EQ(doc["sip"]["outbound_proxy"], "sip:edge.example.com;lr");
    EXPECT_EQ(doc["sip"]["transport"], "tls");
    EXPECT_EQ(doc["sip"]["auth_user"], "alice");
    EXPECT_EQ(doc["sip"]["password"], "ask-user");
    // RFC 7081 §2: messaging and presence off over SIP, calls off over XMPP.
    EXPECT_EQ(doc["sip"]["switch_off"], nlohmann::json::array({"messaging", "presence"}));
    EXPECT_EQ(doc["xmpp"]["jid"], "alice@xmpp.example.com");
    EXPECT_EQ(doc["xmpp"]["host"], "chat.example.com");
    EXPECT_EQ(doc["xmpp"]["port"], 5223);
    EXPECT_EQ(doc["xmpp"]["password"], "same-as-login");
    EXPECT_EQ(doc["xmpp"]["switch_off"], nlohmann::json::array({"audio", "video"}));
    EXPECT_EQ(doc["relation"]["aor"], "sip:alice@sip.example.com");
    EXPECT_EQ(doc["relation"]["jid"], "alice@xmpp.example.com");
    EXPECT_EQ(doc["relation"]["verification"], "admin");
    EXPECT_EQ(doc["relation"]["verified"], true);
}

TEST(ProfileJson, AnUnverifiedBindingSaysSoAndNothingOptionalIsInvented) {
    SipAnnounce sip;
    sip.password = SipPassword::same;
    sip.transport = SipTransport::udp;
    sip.switch_off = {};
    const auto doc = nlohmann::json::parse(profile_json(profile_of("carol", sip)));
    EXPECT_FALSE(doc.contains("display_name"));
    EXPECT_FALSE(doc["sip"].contains("outbound_proxy"));
    EXPECT_EQ(doc["sip"]["transport"], "udp");
    EXPECT_EQ(doc["sip"]["password"], "same-as-login");
    EXPECT_TRUE(doc["sip"]["switch_off"].empty());
    EXPECT_EQ(doc["relation"]["verification"], "unverified");
    EXPECT_EQ(doc["relation"]["verified"], false);
}

TEST(ProfileJson, NeverAPassword) {
    for (auto same : {SipPassword::same, SipPassword::separate}) {
        SipAnnounce sip;
        sip.password = same;
        const auto text = profile_json(profile_of("alice", sip));
        EXPECT_EQ(text.find("s3cret"), std::string::npos);
        EXPECT_EQ(text.find("passwd"), std::string::npos);
    }
}

// name -> value of every entry of one <section>.
std::map<std::string, std::string> section(const XmlElement& config, std::string_view name) {
    std::map<std::string, std::string> out;
    for (const auto& s : config.children) {
        if (s.name != "section" || s.attr_or("name") != name) continue;
        for (const auto& e : s.children) {
            EXPECT_EQ(e.attr_or("overwrite"), "true");
            out[std::string(e.attr_or("name"))] = e.text;
        }
    }
    return out;
}

XmlElement parse_linphone(const std::string& text) {
    const std::string declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    EXPECT_TRUE(text.starts_with(declaration));
    auto element = cusax::xmpp::parse_element(text.substr(declaration.size()));
    EXPECT_TRUE(element) << text;
    return element.value_or(XmlElement{});
}

TEST(LinphoneXml, TheSipAccountWithPresenceOff) {
    SipAnnounce sip;
    sip.outbound_proxy = "sip:edge.example.com";
    sip.password = SipPassword::same;
    const auto config = parse_linphone(linphone_xml(profile_of("bob", sip), password));
    EXPECT_EQ(config.name, "config");
    EXPECT_EQ(config.xmlns, "http://www.linphone.org/xsds/lpconfig.xsd");
    EXPECT_EQ(section(config, "sip")["default_proxy"], "0");
    auto proxy = section(config, "proxy_0");
    EXPECT_EQ(proxy["reg_identity"], "\"Bob & Co\" <sip:bob@sip.example.com>");
    EXPECT_EQ(proxy["reg_proxy"], "<sip:sip.example.com;transport=tls>");
    EXPECT_EQ(proxy["reg_route"], "<sip:edge.example.com;transport=tls;lr>");
    EXPECT_EQ(proxy["reg_sendregister"], "1");
    EXPECT_EQ(proxy["publish"], "0");
    auto auth = section(config, "auth_info_0");
    EXPECT_EQ(auth["username"], "bob");
    EXPECT_EQ(auth["userid"], "bob");
    EXPECT_EQ(auth["domain"], "sip.example.com");
    // With one password for both services, the one the user typed (escaped as XML text).
    EXPECT_EQ(auth["passwd"], password);
    EXPECT_EQ(section(config, "net")["friendlist_subscription_enabled"], "0");
}

TEST(LinphoneXml, NoPasswordUnlessTheSipServiceTakesTheSameOne) {
    const auto text = linphone_xml(profile_of("alice"), password);
    EXPECT_EQ(text.find("s3cret"), std::string::npos);
    const auto config = parse_linphone(text);
    EXPECT_EQ(section(config, "auth_info_0").count("passwd"), 0u);
}

TEST(LinphoneXml, PresenceLeftOnWhenNotSwitchedOffAndTransportsAsAnnounced) {
    SipAnnounce sip;
    sip.switch_off = {"messaging"};
    sip.transport = SipTransport::udp;
    sip.registrar = "sip:registrar.example.com:5080";
    const auto config = parse_linphone(linphone_xml(profile_of("carol", sip), password));
    auto proxy = section(config, "proxy_0");
    EXPECT_EQ(proxy["publish"], "1");
    EXPECT_EQ(proxy["reg_proxy"], "<sip:registrar.example.com:5080>");
    EXPECT_EQ(proxy["reg_identity"], "<sip:carol@sip.example.com>");
    EXPECT_TRUE(section(config, "net").empty());
}

}  // namespace
