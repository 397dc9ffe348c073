// [metrics]: off by default; each daemon's address is an IP literal and a port.
#include "shared/config/metrics_section.hpp"

#include <gtest/gtest.h>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"

namespace cusax::config {
namespace {

TEST(MetricsSection, OffByDefault) {
    const auto config = defaults_only({"metrics"}, config_catalog::all_sections());
    const auto values = metrics_config(config);
    EXPECT_EQ(values.sip_proxy_listen, "");
    EXPECT_EQ(values.xmpp_component_listen, "");
}

TEST(MetricsSection, ReadsEachDaemonsAddress) {
    const auto config = load_config_string(
        "[metrics]\nsip_proxy_listen = 127.0.0.1:9464\nxmpp_component_listen = [::1]:9465\n",
        "t.ini", {"metrics"}, config_catalog::all_sections());
    const auto values = metrics_config(config);
    EXPECT_EQ(values.sip_proxy_listen, "127.0.0.1:9464");
    EXPECT_EQ(values.xmpp_component_listen, "[::1]:9465");
}

TEST(MetricsSection, ABadAddressStopsStartUpWithItsLine) {
    try {
        load_config_string("[metrics]\n\nsip_proxy_listen = localhost:9464\n", "t.ini", {"metrics"},
                           config_catalog::all_sections());
        FAIL() << "accepted a host name";
    } catch (const ConfigError& e) {
        ASSERT_EQ(e.errors().size(), 1u);
        EXPECT_EQ(e.errors()[0],
                  "t.ini:3: [metrics] sip_proxy_listen: not ADDRESS:PORT with an IP address "
                  "(127.0.0.1:9464, [::1]:9464) and a port 1-65535, got \"localhost:9464\"");
    }
}

TEST(ListenAddress, IpLiteralsAndPorts) {
    const auto v4 = parse_listen_address("127.0.0.1:9464");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->address, "127.0.0.1");
    EXPECT_EQ(v4->port, 9464);
    const auto v6 = parse_listen_address("[::1]:1");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->address, "::1");
    EXPECT_EQ(v6->port, 1);
    EXPECT_TRUE(parse_listen_address("0.0.0.0:65535"));
    for (const char* bad :
         {"", "127.0.0.1", "127.0.0.1:", ":9464", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:94a",
          "localhost:9464", "::1:9464", "[127.0.0.1]:9464", "[::1:9464", "127.0.0.1:+9",
          "127.0.0.1:-1", " 127.0.0.1:9464"})
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
}

}  // namespace
}  // namespace cusax::config
