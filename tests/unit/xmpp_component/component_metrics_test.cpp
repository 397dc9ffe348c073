// The component's /health, and every family it shows declared and listed in the README.
#include "xmpp-component/component_metrics.hpp"

#include <gtest/gtest.h>

#include "shared/runtime/runtime_metrics.hpp"
#include "tests/unit/daemon_test_config.hpp"
#include "tests/unit/readme_metrics.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_counters.hpp"

namespace cusax::xmpp {
namespace {

struct NullHandler : StanzaHandler {
    std::vector<XmlElement> handle(const XmlElement&) override { return {}; }
};

TEST(ComponentHealth, ServingOnlyWhileTheStreamIsAuthenticated) {
    const cusax::test::DaemonTestDir dir;
    const auto config = dir.config();
    boost::asio::io_context io;
    runtime::DaemonRuntime runtime(config, "xmpp-component");
    NullHandler inner;
    StreamObserver observer(inner, runtime.counters());
    ComponentMetrics metrics(config, runtime, observer, io);
    auto health = metrics.health();
    EXPECT_FALSE(health.serving);
    EXPECT_EQ(health.detail, "not serving: the stream to the XMPP server is not authenticated");
    observer.on_stream_ready([](XmlElement) {});
    health = metrics.health();
    EXPECT_TRUE(health.serving);
    EXPECT_EQ(health.detail, "serving: the stream to the XMPP server is authenticated");
    observer.on_stream_lost();
    EXPECT_FALSE(metrics.health().serving);
}

// The component's registrations (each counters struct as the daemon makes it, and the
// observer's gauges) and the runtime's: all declared, and the README lists the declarations.
TEST(ReadmeMetrics, EveryFamilyOfTheComponentIsDeclaredAndListed) {
    counters::Registry registry;
    DirectoryCounters directory(registry);
    StreamCounters stream(registry);
    Vcard4SyncCounters vcard4(registry);
    NullHandler inner;
    StreamObserver observer(inner, registry);
    registry.get("store.snapshots_published");  // the runtime's
    auto docs = runtime::runtime_metric_docs();
    const auto own = component_metric_docs();
    docs.insert(docs.end(), own.begin(), own.end());
    cusax::test::expect_declared_and_listed(metrics::MetricsPage(registry, docs), own,
                                            "xmpp-component");
}

}  // namespace
}  // namespace cusax::xmpp
