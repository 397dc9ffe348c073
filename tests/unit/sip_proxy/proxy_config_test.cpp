// The [sip-proxy] section as ProxySettings: the example file, the defaults, every key.
#include "sip-proxy/proxy_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"

namespace cusax::sip_proxy {
namespace {

const std::vector<std::string> kNeeded = {"log", "store", "sip-proxy"};

TEST(ProxyConfig, DefaultsAgreeWithTheStructDefaults) {
    const auto from_config =
        proxy_settings(config::defaults_only(kNeeded, config_catalog::all_sections()));
    const ProxySettings by_hand;
    EXPECT_EQ(from_config.listen, by_hand.listen);
    EXPECT_EQ(from_config.next_hop, by_hand.next_hop);
    EXPECT_EQ(from_config.call_info_methods, by_hand.call_info_methods);
    EXPECT_EQ(from_config.udp_receive_buffer, by_hand.udp_receive_buffer);
    EXPECT_EQ(from_config.udp_send_buffer, by_hand.udp_send_buffer);
    EXPECT_EQ(from_config.tls_verify, by_hand.tls_verify);
    EXPECT_EQ(from_config.dial_plan.emergency_numbers, by_hand.dial_plan.emergency_numbers);
    EXPECT_EQ(from_config.charge_policy.pstn, by_hand.charge_policy.pstn);
    EXPECT_EQ(from_config.charge_policy.on_net, by_hand.charge_policy.on_net);
    EXPECT_EQ(from_config.charge_policy.inter_domain, by_hand.charge_policy.inter_domain);
    EXPECT_EQ(from_config.charge_policy.pstn_text, by_hand.charge_policy.pstn_text);
    EXPECT_EQ(from_config.charge_policy.inter_domain_text, by_hand.charge_policy.inter_domain_text);
    EXPECT_EQ(from_config.charge_policy.on_net_text, by_hand.charge_policy.on_net_text);
}

TEST(ProxyConfig, ExampleFileLoads) {
    const auto config = config::load_config_file(CUSAX_SOURCE_DIR "/conf/cusax.ini", kNeeded,
                                                 config_catalog::all_sections());
    const auto s = proxy_settings(config);
    EXPECT_EQ(s.listen, std::vector<std::string>{"sip:127.0.0.1:5070"});
    EXPECT_EQ(s.next_hop, "sip:127.0.0.1:5062");
}

// The example's comment says one worker per core to spare: raising `workers` alone must not
// put a worker's metrics port (sip_proxy_listen's + K - 1) on the component's, which would
// keep that worker from starting.
TEST(ProxyConfig, TheExampleTakesAWorkerPerCoreWithoutAMetricsPortClash) {
    std::ifstream file(CUSAX_SOURCE_DIR "/conf/cusax.ini");
    std::stringstream text;
    text << file.rdbuf();
    const std::string example = text.str();
    const std::string one_worker = "\nworkers = 1\n";
    const auto at = example.find(one_worker);
    ASSERT_NE(at, std::string::npos);
    const std::vector<std::string> needed = {"log", "store", "metrics", "sip-proxy"};
    for (int workers = 1; workers <= 64; ++workers) {
        std::string changed = example;
        changed.replace(at, one_worker.size(), "\nworkers = " + std::to_string(workers) + "\n");
        const auto warnings = proxy_config_warnings(config::load_config_string(
            changed, "cusax.ini", needed, config_catalog::all_sections()));
        EXPECT_TRUE(warnings.empty()) << workers << " workers: " << warnings.front();
    }
}

TEST(ProxyConfig, EveryKey) {
    const auto config = config::load_config_string(
        "[sip-proxy]\n"
        "listen = sip:127.0.0.1:5070, sip:127.0.0.1:5070;transport=tcp\n"
        "next_hop = sip:127.0.0.1:5060\n"
        "trusted_peers = 127.0.0.1, 10.0.0.0/8\n"
        "record_route = yes\n"
        "identity_from_header = true\n"
        "call_info_methods = INVITE, MESSAGE\n"
        "udp_receive_buffer = 8MiB\n"
        "udp_send_buffer = 262144\n"
        "tls_verify_peers = all\n"
        "local_domains = Example.COM\n"
        "local_number_prefixes = +4930123\n"
        "offnet_number_prefixes = 0, +\n"
        "emergency_numbers = 112, 110\n"
        "on_net_policy = warn\n"
        "pstn_policy = block\n"
        "inter_domain_policy = warn\n"
        "pstn_warning = PSTN \"call\"\n"
        "inter_domain_warning = leaves us\n"
        "on_net_warning = stays\n"
        "warning_agent = proxy.example.com:5070\n",
        "cusax.ini", kNeeded, config_catalog::all_sections());
    const auto s = proxy_settings(config);
    EXPECT_EQ(s.listen.size(), 2u);
    EXPECT_EQ(s.trusted_peers, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8"}));
    EXPECT_TRUE(s.record_route);
    EXPECT_TRUE(s.identity_from_header);
    EXPECT_EQ(s.call_info_methods, (std::vector<std::string>{"INVITE", "MESSAGE"}));
    EXPECT_EQ(s.udp_receive_buffer, 8 << 20);
    EXPECT_EQ(s.udp_send_buffer, 262144);
    EXPECT_EQ(s.tls_verify, TlsVerify::all);
    EXPECT_EQ(s.dial_plan.local_domains, std::vector<std::string>{"example.com"});
    EXPECT_EQ(s.dial_plan.local_number_prefixes, std::vector<std::string>{"+4930123"});
    EXPECT_EQ(s.dial_plan.offnet_number_prefixes, (std::vector<std::string>{"0", "+"}));
    EXPECT_EQ(s.dial_plan.emergency_numbers, (std::vector<std::string>{"112", "110"}));
    EXPECT_EQ(s.charge_policy.on_net, ChargeAction::warn);
    EXPECT_EQ(s.charge_policy.pstn, ChargeAction::block);
    EXPECT_EQ(s.charge_policy.inter_domain, ChargeAction::warn);
    EXPECT_EQ(s.charge_policy.pstn_text, "PSTN \"call\"");
    EXPECT_EQ(s.warning_agent, "proxy.example.com:5070");
}

TEST(ProxyConfig, BadValuesNameTheLine) {
    const char* cases[] = {
        "[sip-proxy]\npstn_policy = deny\n",
        "[sip-proxy]\noffnet_number_prefixes = 0x\n",
        "[sip-proxy]\nemergency_numbers = 1-1-2\n",
        "[sip-proxy]\nwarning_agent = a b\n",
        "[sip-proxy]\ntls_certificate_dir = /nonexistent/cusax-tls\n",
        "[sip-proxy]\nlocal_domains = not a domain\n",
    };
    for (const char* text : cases) {
        try {
            config::load_config_string(text, "cusax.ini", kNeeded, config_catalog::all_sections());
            ADD_FAILURE() << "accepted: " << text;
        } catch (const config::ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("cusax.ini:2: [sip-proxy]"), std::string::npos)
                << e.what();
        }
    }
}

}  // namespace
}  // namespace cusax::sip_proxy
