// The proxy's metrics (proxy_metrics.hpp): the relay time of each request, the kernel's drops
// at its UDP sockets, /health, and the README's list, through the real proxy on 127.0.0.1
// (proxy_fixture.hpp).
#include "sip-proxy/proxy_metrics.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "proxy_fixture.hpp"
#include "shared/runtime/runtime_metrics.hpp"
#include "sip-proxy/udp_drops.hpp"
#include "tests/unit/daemon_test_config.hpp"
#include "tests/unit/readme_metrics.hpp"

namespace cusax::sip_proxy {
namespace {

namespace fs = std::filesystem;
using test::InProcessProxy;
using test::UdpPeer;

std::string request(const UdpPeer& caller, std::string_view call_id, int max_forwards = 70) {
    return "OPTIONS sip:bob@example.com SIP/2.0\n"
           "Via: SIP/2.0/UDP " +
           caller.host_port() + ";branch=z9hG4bK-" + std::string(call_id) +
           "\n"
           "Max-Forwards: " +
           std::to_string(max_forwards) +
           "\n"
           "From: <sip:alice@example.com>;tag=a1\n"
           "To: <sip:bob@example.com>\n"
           "Call-ID: " +
           std::string(call_id) +
           "\n"
           "CSeq: 1 OPTIONS\n"
           "Content-Length: 0\n\n";
}

std::uint64_t relay_count(InProcessProxy& proxy) {
    for (const auto& [name, counts] : proxy.registry().histogram_values())
        if (name == "requests.relay_seconds") return counts.count();
    return 0;
}

TEST(ProxyMetrics, EachRequestRelayedOrAnsweredIsTimedOnce) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + next_hop.host_port();
    InProcessProxy proxy(settings);
    EXPECT_EQ(relay_count(proxy), 0u);

    proxy.send(caller, request(caller, "relayed-1"));
    ASSERT_TRUE(proxy.next_datagram(next_hop));
    EXPECT_EQ(relay_count(proxy), 1u);

    // Answered by the proxy itself (483): timed too.
    proxy.send(caller, request(caller, "answered-1", 0));
    const auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer);
    EXPECT_EQ(test::start_line(*answer), "SIP/2.0 483 Too Many Hops");
    EXPECT_EQ(relay_count(proxy), 2u);
}

TEST(UdpDrops, ReadsTheLastColumnOfTheKernelsTable) {
    // /proc/net/udp as Linux 6 writes it: a header, then one line per socket.
    const std::string table =
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode ref pointer drops             \n"
        "  245: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0      "
        "  0 4242 2 0000000000000000 17      \n"
        "  246: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0      "
        "  0 99 2 0000000000000000 0       \n"
        "garbage line\n";
    const auto drops = parse_udp_drops(table);
    EXPECT_EQ(drops, (std::map<std::uint64_t, std::uint64_t>{{4242, 17}, {99, 0}}));
}

TEST(UdpDrops, OneSeriesPerWatchedSocketFoundInTheTables) {
    std::string pattern = fs::temp_directory_path() / "cusax-udp-XXXXXX";
    const fs::path dir = ::mkdtemp(pattern.data());
    const std::string line =
        "sl local rem st q tr re uid timeout inode ref pointer drops\n"
        "1: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 ";
    std::ofstream(dir / "udp") << line << "11 2 0000000000000000 3\n";
    std::ofstream(dir / "udp6") << line << "12 2 0000000000000000 5\n";
    const auto family = udp_drop_family(
        {{"127.0.0.1:5060", 11}, {"[::1]:5060", 12}, {"127.0.0.1:5070", 13}}, dir.string());
    fs::remove_all(dir);
    EXPECT_EQ(family.name, "cusax_udp_receive_drops_total");
    ASSERT_EQ(family.samples.size(), 2u);  // 13 is in neither table
    EXPECT_EQ(family.samples[0].labels, (metrics::Labels{{"socket", "127.0.0.1:5060"}}));
    EXPECT_EQ(family.samples[0].value, "3");
    EXPECT_EQ(family.samples[1].labels, (metrics::Labels{{"socket", "[::1]:5060"}}));
    EXPECT_EQ(family.samples[1].value, "5");
}

TEST(UdpDrops, TheProxysOwnSocketIsFoundInTheKernelsTable) {
    InProcessProxy proxy(ProxySettings{});
    const auto sockets = udp_sockets_to_watch(proxy.proxy().agent());
    ASSERT_EQ(sockets.size(), 1u);
    EXPECT_EQ(sockets[0].address, "127.0.0.1:" + std::to_string(proxy.port()));
    const auto family = udp_drop_family(sockets);
    ASSERT_EQ(family.samples.size(), 1u);
    EXPECT_EQ(family.samples[0].value, "0");
}

TEST(ProxyHealth, ServingOnlyWhileTheLoopRuns) {
    const cusax::test::DaemonTestDir dir;
    const auto cfg = dir.config();
    runtime::DaemonRuntime runtime(cfg, "sip-proxy");
    InProcessProxy proxy(ProxySettings{});
    ProxyMetrics metrics(cfg, runtime, proxy.proxy(), proxy.root());
    auto health = metrics.health();
    EXPECT_FALSE(health.serving);
    EXPECT_EQ(health.detail, "not serving: starting or stopping");
    metrics.set_serving(true);
    health = metrics.health();
    EXPECT_TRUE(health.serving);
    EXPECT_EQ(health.detail, "serving: 0 bindings, generation " +
                                 std::to_string(runtime.snapshot()->generation()));
    metrics.set_serving(false);
    EXPECT_FALSE(metrics.health().serving);
}

// Every family the proxy shows is declared: the proxy's own registrations (the in-process
// proxy registers what the daemon's does) and the runtime's.
TEST(ReadmeMetrics, EveryFamilyOfTheProxyIsDeclaredAndListed) {
    InProcessProxy proxy(ProxySettings{});
    proxy.registry().get("store.snapshots_published");  // the runtime's
    auto docs = runtime::runtime_metric_docs();
    const auto own = proxy_metric_docs();
    docs.insert(docs.end(), own.begin(), own.end());
    metrics::MetricsPage page(proxy.registry(), docs);
    page.add_collector([sockets = udp_sockets_to_watch(proxy.proxy().agent())] {
        return std::vector<metrics::Family>{udp_drop_family(sockets)};
    });
    cusax::test::expect_declared_and_listed(page, own, "sip-proxy");
}

}  // namespace
}  // namespace cusax::sip_proxy
