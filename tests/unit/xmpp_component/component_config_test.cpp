// The [xmpp-component] section as the component takes it: the example file operators start
// from, the defaults of the keys it leaves out, and the values refused at load time.
#include "xmpp-component/component_config.hpp"

#include <gtest/gtest.h>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"

using namespace cusax;

namespace {
const std::vector<std::string> kNeeded{"log", "store", "xmpp-component"};

config::Config load(const std::string& section_body) {
    return config::load_config_string(
        "[xmpp-component]\ndomain = sip.example.com\n"
        "secret = s3cret-for-tests\n" +
            section_body,
        "test.ini", kNeeded, config_catalog::all_sections());
}

std::string error_of(const std::string& section_body) {
    try {
        load(section_body);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(ComponentConfig, ExampleFileGivesTheDocumentedDeployment) {
    const auto config = config::load_config_file(CUSAX_SOURCE_DIR "/conf/cusax.ini", kNeeded,
                                                 config_catalog::all_sections());
    const auto c = xmpp::component_config(config);
    EXPECT_EQ(c.stream.server_host, "127.0.0.1");
    EXPECT_EQ(c.stream.server_port, 5347);
    EXPECT_EQ(c.stream.domain, "sip.example.com");
    EXPECT_FALSE(c.stream.secret.empty());
    EXPECT_EQ(c.stream.local_domains, std::vector<std::string>{"xmpp.example.com"});
    EXPECT_EQ(c.directory.domain, "sip.example.com");
    EXPECT_EQ(c.directory.local_domains, std::vector<std::string>{"xmpp.example.com"});
    EXPECT_EQ(c.directory.trusted_servers, std::vector<std::string>{"xmpp.example.com"});
    EXPECT_EQ(c.stream.max_stanza_size, 1024u * 1024);
}

TEST(ComponentConfig, DefaultsOfTheKeysLeftOut) {
    const auto c = xmpp::component_config(load(""));
    EXPECT_EQ(c.stream.reconnect_min, std::chrono::seconds(1));
    EXPECT_EQ(c.stream.reconnect_max, std::chrono::seconds(60));
    EXPECT_EQ(c.stream.handshake_timeout, std::chrono::seconds(10));
    EXPECT_DOUBLE_EQ(c.search.rate_per_second, 1.0);
    EXPECT_DOUBLE_EQ(c.search.burst, 10.0);
    EXPECT_TRUE(c.directory.list_accounts);
    EXPECT_EQ(c.directory.max_listed_accounts, 500u);
    EXPECT_EQ(c.directory.service_name, "SIP directory");
    EXPECT_TRUE(c.directory.local_domains.empty());
    EXPECT_TRUE(c.directory.trusted_servers.empty());
    EXPECT_FALSE(c.stream.tls);
    EXPECT_EQ(c.stream.tls_ca_file, "");
    EXPECT_EQ(c.stream.tls_server_name, "");
}

TEST(ComponentConfig, TlsKeys) {
    const auto c =
        xmpp::component_config(load("tls = yes\ntls_ca_file = /etc/ssl/certs/ca-certificates.crt\n"
                                    "tls_server_name = xmpp.example.com\n"));
    EXPECT_TRUE(c.stream.tls);
    EXPECT_EQ(c.stream.tls_ca_file, "/etc/ssl/certs/ca-certificates.crt");
    EXPECT_EQ(c.stream.tls_server_name, "xmpp.example.com");
    EXPECT_EQ(xmpp::component_config(load("tls_server_name = 127.0.0.1\n")).stream.tls_server_name,
              "127.0.0.1");
    EXPECT_NE(error_of("tls_ca_file = ca.pem\n").find("tls_ca_file"), std::string::npos);
    EXPECT_NE(error_of("tls_server_name = -bad-\n").find("tls_server_name"), std::string::npos);
}

TEST(ComponentConfig, EveryKeyReachesItsSetting) {
    const auto c = xmpp::component_config(
        load("server_host = xmpp.internal\nserver_port = 5275\nlocal_domains = a.example, "
             "b.example\ntrusted_servers = A.example\nreconnect_min = 200ms\nreconnect_max = "
             "2s\nmax_stanza_size = 32KiB\n"
             "keepalive_interval = 5s\nhandshake_timeout = 3s\nsearch_rate = 0.25\n"
             "search_burst = 3\nlist_accounts = no\nmax_listed_accounts = 20\n"
             "service_name = Phone book\n"));
    EXPECT_EQ(c.stream.server_host, "xmpp.internal");
    EXPECT_EQ(c.stream.server_port, 5275);
    EXPECT_EQ(c.stream.local_domains, (std::vector<std::string>{"a.example", "b.example"}));
    EXPECT_EQ(c.directory.trusted_servers, std::vector<std::string>{"a.example"});
    EXPECT_EQ(c.stream.reconnect_min, std::chrono::milliseconds(200));
    EXPECT_EQ(c.stream.reconnect_max, std::chrono::seconds(2));
    EXPECT_EQ(c.stream.max_stanza_size, 32u * 1024);
    EXPECT_EQ(c.stream.keepalive_interval, std::chrono::seconds(5));
    EXPECT_EQ(c.stream.handshake_timeout, std::chrono::seconds(3));
    EXPECT_DOUBLE_EQ(c.search.rate_per_second, 0.25);
    EXPECT_DOUBLE_EQ(c.search.burst, 3.0);
    EXPECT_FALSE(c.directory.list_accounts);
    EXPECT_EQ(c.directory.max_listed_accounts, 20u);
    EXPECT_EQ(c.directory.service_name, "Phone book");
}

// A partner domain let in to search is not trusted to speak for its users: with several
// local_domains the operator says which servers may delegate and grant privileges.
TEST(ComponentConfig, TrustedServersAreTheOneLocalDomainOrSaidExplicitly) {
    EXPECT_EQ(xmpp::component_config(load("local_domains = xmpp.example.com\n"))
                  .directory.trusted_servers,
              std::vector<std::string>{"xmpp.example.com"});
    EXPECT_NE(error_of("local_domains = xmpp.example.com, partner.example\n")
                  .find("trusted_servers: local_domains names several domains"),
              std::string::npos);
    const auto c =
        xmpp::component_config(load("local_domains = xmpp.example.com, partner.example\n"
                                    "trusted_servers = xmpp.example.com\n"));
    EXPECT_EQ(c.directory.local_domains,
              (std::vector<std::string>{"xmpp.example.com", "partner.example"}));
    EXPECT_EQ(c.directory.trusted_servers, std::vector<std::string>{"xmpp.example.com"});
}

TEST(ComponentConfig, BadValuesAreRefusedWithTheirLine) {
    EXPECT_EQ(error_of("search_rate = fast\n"),
              "test.ini:4: [xmpp-component] search_rate: expected a decimal number such as 0.5 "
              "or 2, got \"fast\"");
    EXPECT_NE(error_of("search_rate = 0\n").find("between 0.001 and 1000000"), std::string::npos);
    EXPECT_NE(error_of("search_rate = 1e3\n").find("expected a decimal"), std::string::npos);
    EXPECT_NE(error_of("search_burst = 0\n").find("search_burst"), std::string::npos);
    EXPECT_NE(error_of("service_name = a <b>\n").find("service_name"), std::string::npos);
    EXPECT_NE(error_of("keepalive_interval = 10ms\n").find("keepalive_interval"),
              std::string::npos);
}

// A hurried operator's values that would quietly break the service are refused at load time:
// a stanza limit that skips ordinary stanzas, a trusted server that is the component itself.
TEST(ComponentConfig, ValuesThatWouldSilentlyBreakTheServiceAreRefused) {
    EXPECT_NE(error_of("max_stanza_size = 100\n").find("max_stanza_size"), std::string::npos);
    EXPECT_NE(error_of("max_stanza_size = 0\n").find("max_stanza_size"), std::string::npos);
    EXPECT_EQ(error_of("max_stanza_size = 16KiB\n"), "");
    EXPECT_NE(error_of("local_domains = xmpp.example.com\ntrusted_servers = SIP.example.com\n")
                  .find("trusted_servers: names the component's own domain"),
              std::string::npos);
    EXPECT_EQ(error_of("local_domains = xmpp.example.com\ntrusted_servers = xmpp.example.com\n"),
              "");
}

TEST(ComponentConfig, SecretNeverInAnError) {
    const std::string e = error_of("secret = s3cret-for-tests\nsecret_x = 1\n");
    EXPECT_EQ(e.find("s3cret-for-tests"), std::string::npos) << e;
}

TEST(ComponentConfig, VcardStoreIsAFileOrTheStoresPostgresqlDatabase) {
    EXPECT_EQ(error_of("vcard_store = /var/lib/cusax/vcards.sqlite\n"), "");
    EXPECT_NE(error_of("vcard_store = vcards.sqlite\n").find("absolute path"), std::string::npos);
    // postgresql: the [store] database, so only with a PostgreSQL [store].
    const std::string refused = error_of("vcard_store = postgresql\n");
    EXPECT_NE(refused.find("test.ini:4: [xmpp-component] vcard_store"), std::string::npos)
        << refused;
    EXPECT_NE(refused.find("[store] backend = postgresql"), std::string::npos) << refused;
    const auto config = config::load_config_string(
        "[store]\nbackend = postgresql\nconninfo = service=cusax\n"
        "[xmpp-component]\ndomain = sip.example.com\nsecret = s3cret-for-tests\n"
        "vcard_store = postgresql\n",
        "test.ini", kNeeded, config_catalog::all_sections());
    EXPECT_EQ(xmpp::component_config(config).vcard_store, "postgresql");
}
