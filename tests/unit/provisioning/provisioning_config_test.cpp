// The [provisioning] section: the example file, the defaults, and the values refused at load.
#include "provisioning/provisioning_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"

using namespace cusax;
using namespace std::chrono_literals;

namespace {
const std::vector<std::string> kNeeded{"log", "store", "provisioning"};

config::Config load(const std::string& section_body, bool with_tls = true) {
    return config::load_config_string(
        "[provisioning]\n" +
            std::string(with_tls ? "certificate_file = /etc/cusax/p.crt\n"
                                   "key_file = /etc/cusax/p.key\n"
                                 : "") +
            section_body,
        "test.ini", kNeeded, config_catalog::all_sections());
}

std::string error_of(const std::string& section_body, bool with_tls = true) {
    try {
        load(section_body, with_tls);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(ProvisioningConfig, ExampleFileGivesTheDocumentedDeployment) {
    const auto config = config::load_config_file(CUSAX_SOURCE_DIR "/conf/cusax.ini", kNeeded,
                                                 config_catalog::all_sections());
    const auto s = provisioning::provisioning_config(config);
    EXPECT_EQ(s.http.listen, std::vector<std::string>{"0.0.0.0:443"});
    EXPECT_EQ(s.http.certificate_file, "/etc/cusax/provisioning.crt");
    EXPECT_EQ(s.sip.registrar, "sip:sip.example.com");
    EXPECT_EQ(s.sip.transport, provisioning::SipTransport::tls);
    EXPECT_EQ(s.sip.password, provisioning::SipPassword::separate);
    EXPECT_EQ(s.xmpp.host, "xmpp.example.com");
    EXPECT_EQ(s.auth.host, "127.0.0.1");
    EXPECT_EQ(s.formats, (std::vector<std::string>{"json", "linphone", "webfinger"}));
}

TEST(ProvisioningConfig, DefaultsOfTheKeysLeftOut) {
    const auto s = provisioning::provisioning_config(load(""));
    EXPECT_EQ(s.http.listen, std::vector<std::string>{"127.0.0.1:8443"});
    EXPECT_TRUE(s.http.plain_http_from.empty());
    EXPECT_EQ(s.http.max_header_size, 8u * 1024);
    EXPECT_EQ(s.http.request_timeout, 10s);
    EXPECT_EQ(s.http.idle_timeout, 30s);
    EXPECT_EQ(s.sip.switch_off, (std::vector<std::string>{"messaging", "presence"}));
    EXPECT_EQ(s.xmpp.switch_off, (std::vector<std::string>{"audio", "video"}));
    EXPECT_EQ(s.xmpp.port, 5222);
    EXPECT_EQ(s.auth.port, 5222);
    EXPECT_EQ(s.auth.timeout, 5s);
    EXPECT_EQ(s.attempts.failure_delay, 1s);
    EXPECT_EQ(s.attempts.max_failures_per_user, 5u);
    EXPECT_EQ(s.attempts.max_failures_per_address, 20u);
    EXPECT_EQ(s.attempts.lockout, 60s);
    EXPECT_EQ(s.attempts.lockout_max, 3600s);
}

TEST(ProvisioningConfig, EveryKeyReachesItsSetting) {
    const auto s = provisioning::provisioning_config(
        load("listen = [::1]:9443, 127.0.0.1:9443\nformats = json\nsip_registrar = "
             "sip:registrar.example.com:5061\nsip_outbound_proxy = sip:edge.example.com;lr\n"
             "sip_transport = tcp\nsip_password = same\nsip_switch_off = presence\n"
             "xmpp_host = chat.example.com\nxmpp_port = 5223\nxmpp_switch_off =\n"
             "auth_host = xmpp.internal\nauth_port = 15222\nauth_ca_file = /etc/ssl/ca.pem\n"
             "auth_server_name = xmpp.example.com\nauth_timeout = 2s\nauth_max_concurrent = 8\n"
             "failure_delay = 500ms\nmax_failures_per_user = 3\nmax_failures_per_address = 9\n"
             "lockout = 30s\nlockout_max = 2h\nmax_header_size = 4KiB\nmax_body_size = 0\n"
             "request_timeout = 3s\nidle_timeout = 4s\nmax_connections = 100\n"
             "max_connections_per_address = 10\n"));
    EXPECT_EQ(s.http.listen, (std::vector<std::string>{"[::1]:9443", "127.0.0.1:9443"}));
    EXPECT_EQ(s.formats, std::vector<std::string>{"json"});
    EXPECT_EQ(s.sip.registrar, "sip:registrar.example.com:5061");
    EXPECT_EQ(s.sip.outbound_proxy, "sip:edge.example.com;lr");
    EXPECT_EQ(s.sip.transport, provisioning::SipTransport::tcp);
    EXPECT_EQ(s.sip.password, provisioning::SipPassword::same);
    EXPECT_EQ(s.sip.switch_off, std::vector<std::string>{"presence"});
    EXPECT_EQ(s.xmpp.host, "chat.example.com");
    EXPECT_EQ(s.xmpp.port, 5223);
    EXPECT_TRUE(s.xmpp.switch_off.empty());
    EXPECT_EQ(s.auth.host, "xmpp.internal");
    EXPECT_EQ(s.auth.port, 15222);
    EXPECT_EQ(s.auth.ca_file, "/etc/ssl/ca.pem");
    EXPECT_EQ(s.auth.server_name, "xmpp.example.com");
    EXPECT_EQ(s.auth.timeout, 2s);
    EXPECT_EQ(s.auth.max_concurrent, 8u);
    EXPECT_EQ(s.attempts.failure_delay, 500ms);
    EXPECT_EQ(s.attempts.max_failures_per_user, 3u);
    EXPECT_EQ(s.attempts.max_failures_per_address, 9u);
    EXPECT_EQ(s.attempts.lockout, 30s);
    EXPECT_EQ(s.attempts.lockout_max, 2h);
    EXPECT_EQ(s.http.max_header_size, 4096u);
    EXPECT_EQ(s.http.max_body_size, 0u);
    EXPECT_EQ(s.http.request_timeout, 3s);
    EXPECT_EQ(s.http.idle_timeout, 4s);
    EXPECT_EQ(s.http.max_connections, 100u);
    EXPECT_EQ(s.http.max_connections_per_address, 10u);
}

TEST(ProvisioningConfig, HttpsNeedsACertificateAndKeyUnlessBehindATerminator) {
    const auto defaults = provisioning::provisioning_config(load("", false));
    EXPECT_EQ(defaults.http.certificate_file, "/etc/cusax/provisioning.crt");
    EXPECT_EQ(defaults.http.key_file, "/etc/cusax/provisioning.key");
    const auto no_certificate = error_of("certificate_file =\n", false);
    EXPECT_NE(no_certificate.find("certificate_file: empty, but needed for HTTPS"),
              std::string::npos)
        << no_certificate;
    EXPECT_NE(error_of("key_file =\n", false).find("key_file"), std::string::npos);
    EXPECT_EQ(error_of("plain_http_from = 10.0.0.1, ::1\ncertificate_file =\nkey_file =\n", false),
              "");
    EXPECT_NE(error_of("plain_http_from = proxy.example.com\n", false).find("plain_http_from"),
              std::string::npos);
}

TEST(ProvisioningConfig, ValuesRefused) {
    for (const char* bad :
         {"listen = 127.0.0.1\n", "listen = ::1:443\n", "listen = host:0\n", "listen = [::1:443\n",
          "formats = json, html\n", "formats =\n", "sip_switch_off = calls\n",
          "xmpp_switch_off = messaging\n", "sip_transport = sctp\n",
          "sip_registrar = alice@example.com\n", "auth_host =\n", "xmpp_host = -bad-\n",
          "lockout = 2h\n", "max_connections = 10\nmax_connections_per_address = 11\n",
          "max_header_size = 100\n", "failure_delay = 1m\n"}) {
        EXPECT_NE(error_of(bad), "") << bad;
    }
    EXPECT_NE(error_of("lockout = 2h\n").find("lockout (2h) is longer than lockout_max (1h)"),
              std::string::npos)
        << error_of("lockout = 2h\n");
    EXPECT_EQ(error_of("listen = provisioning.example.com:443\n"), "");
}

TEST(ProvisioningConfig, AKeyFileOthersMayReadIsWarnedOfByNameAndMode) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("cusax-provisioning-key-" + std::to_string(::getpid()) + ".pem");
    { std::ofstream(path) << "not a real key\n"; }
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                  std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    const auto config =
        load("certificate_file = /etc/cusax/p.crt\nkey_file = " + path.string() + "\n", false);
    const auto warnings = provisioning::provisioning_config_warnings(config);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find(path.string()), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("mode 0644"), std::string::npos) << warnings[0];
    EXPECT_EQ(warnings[0].find("not a real key"), std::string::npos);
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_TRUE(provisioning::provisioning_config_warnings(config).empty());
    std::filesystem::remove(path);
}
