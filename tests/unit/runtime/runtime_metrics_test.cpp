// What both daemons show about their snapshot and store (runtime_metrics.hpp), and the
// README's list of it.
#include "shared/runtime/runtime_metrics.hpp"

#include <gtest/gtest.h>

#include "shared/runtime/heartbeat.hpp"
#include "tests/unit/daemon_test_config.hpp"
#include "tests/unit/readme_metrics.hpp"

namespace cusax::runtime {
namespace {

class RuntimeMetricsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store::open_store({"sqlite", dir_.store(), 5000})
            ->add(store::make_binding("sip:alice@example.com", "alice@example.com", "", {},
                                      store::Verification::Admin));
    }
    config::Config config() const { return dir_.config(); }

    test::DaemonTestDir dir_;
};

TEST_F(RuntimeMetricsTest, ThePageShowsTheSnapshotAndTheStore) {
    DaemonRuntime runtime(config(), "test-daemon");
    const auto page = make_metrics_page(runtime, {});
    const auto text = page->render();
    const auto generation = std::to_string(runtime.snapshot()->generation());
    EXPECT_NE(text.find("\ncusax_snapshot_generation " + generation + "\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\ncusax_snapshot_bindings 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\ncusax_store_reachable 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\ncusax_snapshot_age_seconds "), std::string::npos) << text;
    EXPECT_NE(text.find("\ncusax_store_snapshots_published_total 0\n"), std::string::npos) << text;
    // Every family on the page is declared (none falls back to the generic help).
    EXPECT_EQ(text.find("no description declared"), std::string::npos) << text;
}

TEST_F(RuntimeMetricsTest, TheAgeIsTimeSinceTheLastConfirmation) {
    DaemonRuntime runtime(config(), "test-daemon");
    const auto confirmed = runtime.watcher().status().confirmed_at;
    const auto families =
        snapshot_families(runtime.watcher(), confirmed + std::chrono::seconds(90));
    bool found = false;
    for (const auto& family : families) {
        if (family.name != "cusax_snapshot_age_seconds") continue;
        found = true;
        ASSERT_EQ(family.samples.size(), 1u);
        EXPECT_EQ(family.samples[0].value, "90");
    }
    EXPECT_TRUE(found);
}

TEST_F(RuntimeMetricsTest, NoAddressNoServer) {
    DaemonRuntime runtime(config(), "test-daemon");
    const auto page = make_metrics_page(runtime, {});
    EXPECT_EQ(start_metrics_server("", *page, [] { return metrics::Health{true, ""}; }), nullptr);
}

TEST(Heartbeat, StaleOnlyAfterTenSecondsWithoutABeat) {
    Heartbeat heartbeat;
    const auto now = Heartbeat::Clock::now();
    EXPECT_TRUE(heartbeat.fresh(now));
    EXPECT_EQ(heartbeat.stale_reason(now, "loop"), "");
    EXPECT_TRUE(heartbeat.fresh(now + std::chrono::seconds(9)));
    const auto later = now + std::chrono::seconds(12);
    EXPECT_FALSE(heartbeat.fresh(later));
    EXPECT_EQ(heartbeat.stale_reason(later, "SIP event loop"),
              "the SIP event loop has not turned for 12 s");
}

TEST(ReadmeMetrics, TheListOfWhatBothDaemonsShowMatchesTheDeclarations) {
    test::expect_readme_block("both", metrics::markdown_table(runtime_metric_docs()));
}

}  // namespace
}  // namespace cusax::runtime
