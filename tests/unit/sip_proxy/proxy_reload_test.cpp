// Which [sip-proxy] keys SIGHUP applies (the policies, trusted peers, warning texts) and which
// wait for a restart (listen addresses, the next hop, the branch key).
#include <gtest/gtest.h>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"
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

}  // namespace
}  // namespace cusax::sip_proxy
