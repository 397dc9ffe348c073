// Which [sip-proxy] keys SIGHUP applies (the policies, trusted peers, warning texts) and which
// wait for a restart (listen addresses, the next hop, the branch key).
#include "sip-proxy/proxy_reload.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/metrics_section.hpp"
#include "shared/runtime/config_reload.hpp"
#include "sip-proxy/proxy_config.hpp"

namespace cusax::sip_proxy {
namespace {

const std::vector<std::string> kNeeded = {"log", "store", "sip-proxy"};

config::Config load(const std::string& text) {
    return config::load_config_string(text, "cusax.ini", kNeeded, config_catalog::all_sections());
}

TEST(ProxyReload, PoliciesAndPeersApplyListenWaitsForRestart) {
    const auto running = load(
        "[sip-proxy]\nlisten = sip:127.0.0.1:5070\npstn_policy = warn\ntrusted_peers = "
        "127.0.0.1\npstn_warning = \"old\"\n");
    const auto fresh = load(
        "[sip-proxy]\nlisten = sip:127.0.0.1:5080\npstn_policy = block\ntrusted_peers = "
        "127.0.0.2\npstn_warning = \"new\"\n");
    const auto decision = runtime::decide_reload(running, fresh, kNeeded);
    const ProxySettings settings = proxy_settings(decision.config);
    EXPECT_EQ(settings.listen, std::vector<std::string>{"sip:127.0.0.1:5070"});
    EXPECT_EQ(settings.charge_policy.pstn, ChargeAction::block);
    EXPECT_EQ(settings.trusted_peers, std::vector<std::string>{"127.0.0.2"});
    EXPECT_EQ(settings.charge_policy.pstn_text, "\"new\"");
    EXPECT_EQ(decision.kept, std::vector<std::string>{"[sip-proxy] listen"});
    EXPECT_EQ(decision.applied.size(), 3u);
}

TEST(ProxyReload, SocketsNextHopAndBranchKeyNeedARestart) {
    const auto decision = runtime::decide_reload(
        load("[sip-proxy]\n"),
        load("[sip-proxy]\nnext_hop = sip:127.0.0.1:5099\nudp_receive_buffer = 1MiB\n"
             "tls_verify_peers = all\n"),
        kNeeded);
    EXPECT_EQ(decision.kept.size(), 3u);
    EXPECT_TRUE(decision.applied.empty());
    EXPECT_EQ(proxy_settings(decision.config).next_hop, "");
}

// [metrics] is shared: the component's address is none of the proxy's business, its own
// address needs a restart like any listen address.
TEST(ProxyReload, OnlyItsOwnMetricsAddressIsNamed) {
    const std::vector<std::string> needed = {"log", "store", "metrics", "sip-proxy"};
    const auto with = [&needed](const std::string& metrics) {
        return config::load_config_string("[metrics]\n" + metrics + "[sip-proxy]\n", "cusax.ini",
                                          needed, config_catalog::all_sections());
    };
    const auto unread = config::other_daemons_metrics_keys("sip-proxy");
    auto decision = runtime::decide_reload(
        with(""), with("xmpp_component_listen = 127.0.0.1:9465\n"), needed, unread);
    EXPECT_TRUE(decision.kept.empty());
    EXPECT_TRUE(decision.applied.empty());
    decision = runtime::decide_reload(with(""), with("sip_proxy_listen = 127.0.0.1:9464\n"), needed,
                                      unread);
    EXPECT_EQ(decision.kept, std::vector<std::string>{"[metrics] sip_proxy_listen"});
}

TEST(ProxyReload, WorkersAndTheUdpTransportNeedARestart) {
    const auto decision = runtime::decide_reload(
        load("[sip-proxy]\n"), load("[sip-proxy]\nworkers = 4\nudp_transport = sofia\n"), kNeeded);
    EXPECT_EQ(decision.kept,
              (std::vector<std::string>{"[sip-proxy] udp_transport", "[sip-proxy] workers"}));
    EXPECT_EQ(proxy_settings(decision.config).workers, 1);
    EXPECT_EQ(proxy_settings(decision.config).udp_transport, UdpTransport::batched);
}

// Worker K's metrics port (sip_proxy_listen's + K - 1) must not be the component's.
TEST(ProxyConfig, WorkersWhoseMetricsPortIsTheComponentsAreWarnedOf) {
    const std::vector<std::string> needed = {"log", "store", "metrics", "sip-proxy"};
    const auto with = [&](const std::string& workers) {
        return proxy_config_warnings(config::load_config_string(
            "[metrics]\nsip_proxy_listen = 127.0.0.1:9464\nxmpp_component_listen = "
            "127.0.0.1:9465\n[sip-proxy]\nworkers = " +
                workers + "\n",
            "cusax.ini", needed, config_catalog::all_sections()));
    };
    EXPECT_TRUE(with("1").empty());
    const auto warnings = with("2");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("worker 2"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("9465"), std::string::npos) << warnings[0];
}

// The supervisor of several workers reads the file as each worker will: reloadable keys
// taken, the others kept, and a file with errors changes nothing.
TEST(ProxyReload, TheWorkersSupervisorTakesWhatTheWorkersTake) {
    std::string pattern = std::filesystem::temp_directory_path() / "cusax-reload-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(pattern.data());
    const std::string file = dir / "cusax.ini";
    std::ofstream(file) << "[sip-proxy]\nworkers = 2\npstn_policy = warn\n";
    const auto running = config::load_config_file(file, kNeeded, config_catalog::all_sections());

    std::ofstream(file) << "[sip-proxy]\nworkers = 3\npstn_policy = block\n";
    const auto reloaded = reload_for_workers(running, kNeeded);
    ASSERT_TRUE(reloaded);
    EXPECT_EQ(proxy_settings(*reloaded).charge_policy.pstn, ChargeAction::block);
    EXPECT_EQ(proxy_settings(*reloaded).workers, 2);

    std::ofstream(file) << "[sip-proxy]\npstn_policy = sometimes\n";
    EXPECT_FALSE(reload_for_workers(running, kNeeded));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cusax::sip_proxy
