// The component's /health, and every family it shows declared and listed in the README.
#include "xmpp-component/component_metrics.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "shared/config/config_loader.hpp"
#include "shared/config/metrics_section.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/runtime/runtime_metrics.hpp"
#include "tests/unit/readme_metrics.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_counters.hpp"

namespace cusax::xmpp {
namespace {

namespace fs = std::filesystem;

struct NullHandler : StanzaHandler {
    std::vector<XmlElement> handle(const XmlElement&) override { return {}; }
};

TEST(ComponentHealth, ServingOnlyWhileTheStreamIsAuthenticated) {
    std::string pattern = fs::temp_directory_path() / "cusax-component-health-XXXXXX";
    const fs::path dir = ::mkdtemp(pattern.data());
    store::open_store({"sqlite", (dir / "b.sqlite").string(), 5000});
    const config::Schema sections{config::log_section(), config::store_section(),
                                  config::metrics_section()};
    const auto config = config::load_config_string(
        "[log]\nlevel = warn\nstats_dir = " + (dir / "stats").string() +
            "\nstats_interval = 0s\n[store]\npath = " + (dir / "b.sqlite").string() + "\n",
        "test.ini", {"log", "store", "metrics"}, sections);
    {
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
    fs::remove_all(dir);
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
    const auto families = metrics::MetricsPage(registry, docs).families();
    for (const auto& family : families) {
        EXPECT_EQ(family.help.find("no description declared"), std::string::npos)
            << family.name << ": declare it in component_metric_docs()";
    }
    for (const auto& doc : own) {
        const auto name = metrics::family_name(doc);
        EXPECT_TRUE(std::any_of(families.begin(), families.end(), [&](const metrics::Family& f) {
            return f.name == name;
        })) << name;
    }
    cusax::test::expect_readme_block("xmpp-component", metrics::markdown_table(own));
}

}  // namespace
}  // namespace cusax::xmpp
