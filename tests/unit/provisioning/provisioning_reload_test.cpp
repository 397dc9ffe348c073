// Which [provisioning] keys SIGHUP applies (what is announced and served, the limits and
// timeouts, the certificate and key) and which wait for a restart (the listeners, the TLS
// terminators, the XMPP server that checks passwords).
#include <gtest/gtest.h>

#include "config-catalog/config_catalog.hpp"
#include "provisioning/provisioning_config.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/runtime/config_reload.hpp"

namespace cusax::provisioning {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kNeeded = {"log", "store", "provisioning"};

config::Config load(const std::string& body) {
    return config::load_config_string("[provisioning]\n" + body, "cusax.ini", kNeeded,
                                      config_catalog::all_sections());
}

struct Change {
    const char* key;
    const char* before;
    const char* after;
};

// One valid pair of values per key of the section.
const std::vector<Change> kReloadable = {
    {"certificate_file", "/etc/cusax/old.crt", "/etc/cusax/new.crt"},
    {"key_file", "/etc/cusax/old.key", "/etc/cusax/new.key"},
    {"formats", "json, linphone, webfinger", "json"},
    {"sip_registrar", "sip:sip.example.com", "sip:registrar.example.com:5061"},
    {"sip_outbound_proxy", "", "sip:proxy.example.com"},
    {"sip_transport", "tls", "tcp"},
    {"sip_password", "separate", "same"},
    {"sip_switch_off", "messaging, presence", "messaging"},
    {"xmpp_host", "", "xmpp.example.com"},
    {"xmpp_port", "5222", "5223"},
    {"xmpp_switch_off", "audio, video", "video"},
    {"auth_timeout", "5s", "2s"},
    {"auth_max_concurrent", "64", "8"},
    {"failure_delay", "1s", "2s"},
    {"max_failures_per_user", "5", "3"},
    {"max_failures_per_address", "20", "10"},
    {"lockout", "60s", "120s"},
    {"lockout_max", "1h", "2h"},
    {"max_header_size", "8KiB", "16KiB"},
    {"max_body_size", "1KiB", "2KiB"},
    {"request_timeout", "10s", "5s"},
    {"idle_timeout", "30s", "10s"},
    {"max_connections", "1024", "512"},
    {"max_connections_per_address", "64", "32"},
};
const std::vector<Change> kRestartOnly = {
    {"listen", "127.0.0.1:8443", "127.0.0.1:9443"}, {"plain_http_from", "", "127.0.0.1"},
    {"auth_host", "127.0.0.1", "xmpp.example.com"}, {"auth_port", "5222", "5223"},
    {"auth_ca_file", "", "/etc/cusax/xmpp-ca.pem"}, {"auth_server_name", "", "xmpp.example.com"},
};

runtime::ReloadDecision decide(const Change& c) {
    return runtime::decide_reload(load(std::string(c.key) + " = " + c.before + "\n"),
                                  load(std::string(c.key) + " = " + c.after + "\n"), kNeeded);
}

TEST(ProvisioningReload, AnnouncedSettingsLimitsAndTheCertificateApply) {
    for (const auto& c : kReloadable) {
        const auto decision = decide(c);
        EXPECT_EQ(decision.applied,
                  std::vector<std::string>{std::string("[provisioning] ") + c.key})
            << c.key;
        EXPECT_TRUE(decision.kept.empty()) << c.key;
        EXPECT_EQ(decision.config.text("provisioning", c.key), c.after) << c.key;
    }
}

TEST(ProvisioningReload, ListenersTerminatorsAndTheAuthServerWaitForARestart) {
    for (const auto& c : kRestartOnly) {
        const auto decision = decide(c);
        EXPECT_EQ(decision.kept, std::vector<std::string>{std::string("[provisioning] ") + c.key})
            << c.key;
        EXPECT_TRUE(decision.applied.empty()) << c.key;
        EXPECT_EQ(decision.config.text("provisioning", c.key), c.before) << c.key;
    }
}

TEST(ProvisioningReload, EveryKeyOfTheSectionIsDecidedHere) {
    std::size_t keys = 0;
    for (const auto& section : config_catalog::all_sections())
        if (section.name == "provisioning") keys = section.keys.size();
    EXPECT_EQ(kReloadable.size() + kRestartOnly.size(), keys)
        << "a new [provisioning] key: decide whether it reloads, and list it above";
}

TEST(ProvisioningReload, TheSettingsReadFromTheDecisionMixOldAndNewAsDecided) {
    const auto decision = runtime::decide_reload(
        load("listen = 127.0.0.1:8443\nxmpp_host = old.example.com\nlockout = 60s\n"),
        load("listen = 127.0.0.1:9443\nxmpp_host = new.example.com\nlockout = 120s\n"), kNeeded);
    const auto settings = provisioning_config(decision.config);
    EXPECT_EQ(settings.http.listen, std::vector<std::string>{"127.0.0.1:8443"});
    EXPECT_EQ(settings.xmpp.host, "new.example.com");
    EXPECT_EQ(settings.attempts.lockout, 120s);
}

}  // namespace
}  // namespace cusax::provisioning
