// Which [xmpp-component] keys SIGHUP applies (search limits, account listing) and which wait
// for a restart (the server, the domain, the secret: the stream; the users' vCard store, opened
// once at the start); the TLS CA file applies to the next connection.
#include <gtest/gtest.h>

#include <algorithm>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/metrics_section.hpp"
#include "shared/runtime/config_reload.hpp"
#include "xmpp-component/component_config.hpp"

namespace cusax::xmpp {
namespace {

const std::vector<std::string> kNeeded = {"log", "store", "xmpp-component"};

config::Config load(const std::string& limits) {
    return config::load_config_string(
        "[xmpp-component]\ndomain = sip.example.com\nsecret = s3cret-value\nlocal_domains = "
        "example.com\n" +
            limits,
        "cusax.ini", kNeeded, config_catalog::all_sections());
}

TEST(ComponentReload, SearchLimitsApplyTheStreamWaitsForRestart) {
    const auto decision = runtime::decide_reload(
        load("search_rate = 1\nsearch_burst = 10\nserver_port = 5347\n"),
        load("search_rate = 5\nsearch_burst = 2\nserver_port = 5348\n"), kNeeded);
    const ComponentConfig settings = component_config(decision.config);
    EXPECT_DOUBLE_EQ(settings.search.rate_per_second, 5.0);
    EXPECT_DOUBLE_EQ(settings.search.burst, 2.0);
    EXPECT_EQ(settings.stream.server_port, 5347);
    EXPECT_EQ(decision.kept, std::vector<std::string>{"[xmpp-component] server_port"});
}

TEST(ComponentReload, SecretChangeNeedsARestartAndIsNeverQuoted) {
    const auto fresh = config::load_config_string(
        "[xmpp-component]\ndomain = sip.example.com\nsecret = other-secret\nlocal_domains = "
        "example.com\n",
        "cusax.ini", kNeeded, config_catalog::all_sections());
    const auto decision = runtime::decide_reload(load(""), fresh, kNeeded);
    EXPECT_EQ(component_config(decision.config).stream.secret, "s3cret-value");
    EXPECT_EQ(decision.kept, std::vector<std::string>{"[xmpp-component] secret"});
}

TEST(ComponentReload, TlsCaFileApplies) {
    const auto decision =
        runtime::decide_reload(load("tls_ca_file = /etc/cusax/old-ca.pem\n"),
                               load("tls_ca_file = /etc/cusax/new-ca.pem\n"), kNeeded);
    EXPECT_EQ(component_config(decision.config).stream.tls_ca_file, "/etc/cusax/new-ca.pem");
    EXPECT_EQ(decision.applied, std::vector<std::string>{"[xmpp-component] tls_ca_file"});
    EXPECT_TRUE(decision.kept.empty());
}

TEST(ComponentReload, TheProxysMetricsAddressIsNotNamed) {
    const std::vector<std::string> needed = {"log", "store", "metrics", "xmpp-component"};
    const auto with = [&needed](const std::string& metrics) {
        return config::load_config_string(
            "[metrics]\n" + metrics +
                "[xmpp-component]\ndomain = sip.example.com\nsecret = s3cret-value\n"
                "local_domains = example.com\n",
            "cusax.ini", needed, config_catalog::all_sections());
    };
    const auto decision =
        runtime::decide_reload(with(""), with("sip_proxy_listen = 127.0.0.1:9464\n"), needed,
                               config::other_daemons_metrics_keys("xmpp-component"));
    EXPECT_TRUE(decision.kept.empty());
}

// The store worker holds the vCard store it opened at the start: moving the vCards from a file
// into the [store] PostgreSQL database is a restart, as is the database itself.
TEST(ComponentReload, VcardStoreWaitsForRestart) {
    const auto in_database = config::load_config_string(
        "[store]\nbackend = postgresql\nconninfo = dbname=cusax\n[xmpp-component]\ndomain = "
        "sip.example.com\nsecret = s3cret-value\nlocal_domains = example.com\nvcard_store = "
        "postgresql\n",
        "cusax.ini", kNeeded, config_catalog::all_sections());
    const auto decision = runtime::decide_reload(
        load("vcard_store = /var/lib/cusax/xmpp-vcards.sqlite\n"), in_database, kNeeded);
    EXPECT_EQ(component_config(decision.config).vcard_store, "/var/lib/cusax/xmpp-vcards.sqlite");
    EXPECT_EQ(decision.config.string("store", "backend"), "sqlite");
    for (const std::string key : {"[xmpp-component] vcard_store", "[store] backend"}) {
        EXPECT_NE(std::find(decision.kept.begin(), decision.kept.end(), key), decision.kept.end())
            << key;
    }
    EXPECT_TRUE(decision.applied.empty());
}

}  // namespace
}  // namespace cusax::xmpp
