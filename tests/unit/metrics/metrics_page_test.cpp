// The /metrics page from a registry and its declarations (metrics_page.hpp, metric_doc.hpp):
// every counter shows under a name derived from its own, families with a label gather the
// counters of a prefix, histograms become Prometheus's cumulative buckets.
#include "shared/metrics/metrics_page.hpp"

#include <gtest/gtest.h>

namespace cusax::metrics {
namespace {

const Family* find(const std::vector<Family>& families, std::string_view name) {
    for (const auto& family : families)
        if (family.name == name) return &family;
    return nullptr;
}

TEST(MetricDoc, NamesFollowTheRegistryNames) {
    EXPECT_EQ(family_name({.source = "requests.relayed"}), "cusax_requests_relayed_total");
    EXPECT_EQ(family_name({.source = "requests.rejected.", .label = "code"}),
              "cusax_requests_rejected_total");
    EXPECT_EQ(family_name({.source = "xmpp.stream_up", .type = MetricType::gauge}),
              "cusax_xmpp_stream_up");
    EXPECT_EQ(family_name({.type = MetricType::gauge, .name = "cusax_snapshot_generation"}),
              "cusax_snapshot_generation");
    // Characters a Prometheus name cannot hold become '_'.
    EXPECT_EQ(family_name("xmpp.errors.bad-request", MetricType::counter),
              "cusax_xmpp_errors_bad_request_total");
    EXPECT_EQ(stats_name({.source = "requests.rejected.", .label = "code"}),
              "requests.rejected.CODE");
    EXPECT_EQ(stats_name({.source = "xmpp.stream_up", .type = MetricType::gauge}), "");
}

TEST(MetricsPage, EveryCounterShowsAndPrefixesBecomeLabels) {
    counters::Registry registry;
    registry.get("requests.relayed").add(5);
    registry.get("requests.rejected.400").add(2);
    registry.get("requests.rejected.other").add();
    registry.get("requests.rejected.by_nta").add(7);
    registry.get("something.new").add();  // declared by no one
    MetricsPage page(registry,
                     {
                         {.source = "requests.relayed", .help = "Relayed."},
                         {.source = "requests.rejected.", .help = "By code.", .label = "code"},
                         {.source = "requests.rejected.by_nta", .help = "By NTA."},
                     });
    const auto families = page.families();

    const auto* relayed = find(families, "cusax_requests_relayed_total");
    ASSERT_NE(relayed, nullptr);
    EXPECT_EQ(relayed->help, "Relayed.");
    ASSERT_EQ(relayed->samples.size(), 1u);
    EXPECT_EQ(relayed->samples[0].value, "5");

    const auto* rejected = find(families, "cusax_requests_rejected_total");
    ASSERT_NE(rejected, nullptr);
    ASSERT_EQ(rejected->samples.size(), 2u);  // by_nta has a family of its own
    EXPECT_EQ(rejected->samples[0].labels, (Labels{{"code", "400"}}));
    EXPECT_EQ(rejected->samples[0].value, "2");
    EXPECT_EQ(rejected->samples[1].labels, (Labels{{"code", "other"}}));

    const auto* by_nta = find(families, "cusax_requests_rejected_by_nta_total");
    ASSERT_NE(by_nta, nullptr);
    EXPECT_EQ(by_nta->samples[0].value, "7");

    // Undeclared, still shown: nothing `cusaxctl stats` shows is missing here.
    const auto* fresh = find(families, "cusax_something_new_total");
    ASSERT_NE(fresh, nullptr);
    EXPECT_NE(fresh->help.find("something.new"), std::string::npos);
}

TEST(MetricsPage, HistogramsAreCumulativeInTheBaseUnit) {
    counters::Registry registry;
    auto& relay = registry.histogram("requests.relay_seconds", {1000, 1000000}, 1000000000);
    relay.observe(500);
    relay.observe(2000);
    relay.observe(5000000);
    MetricsPage page(registry, {{.source = "requests.relay_seconds",
                                 .type = MetricType::histogram,
                                 .help = "Relay time."}});
    EXPECT_EQ(page.render(),
              "# HELP cusax_requests_relay_seconds Relay time.\n"
              "# TYPE cusax_requests_relay_seconds histogram\n"
              "cusax_requests_relay_seconds_bucket{le=\"1e-06\"} 1\n"
              "cusax_requests_relay_seconds_bucket{le=\"0.001\"} 2\n"
              "cusax_requests_relay_seconds_bucket{le=\"+Inf\"} 3\n"
              "cusax_requests_relay_seconds_sum 0.0050025\n"
              "cusax_requests_relay_seconds_count 3\n");
}

TEST(MetricsPage, GaugesAndCollectedFamiliesFollowTheRegistrysCounters) {
    counters::Registry registry;
    registry.gauge("xmpp.stream_up").set(1);
    const MetricDoc computed{.type = MetricType::gauge, .help = "Computed.", .name = "cusax_x"};
    MetricsPage page(
        registry,
        {{.source = "xmpp.stream_up", .type = MetricType::gauge, .help = "Up."}, computed});
    page.add_collector([&computed] {
        auto family = family_of(computed);
        family.samples.push_back({"", {}, "42"});
        return std::vector<Family>{family};
    });
    EXPECT_EQ(page.render(),
              "# HELP cusax_xmpp_stream_up Up.\n"
              "# TYPE cusax_xmpp_stream_up gauge\n"
              "cusax_xmpp_stream_up 1\n"
              "# HELP cusax_x Computed.\n"
              "# TYPE cusax_x gauge\n"
              "cusax_x 42\n");
}

TEST(MetricDoc, MarkdownTableRowPerFamily) {
    const std::vector<MetricDoc> docs{
        {.source = "requests.rejected.", .help = "By code.", .label = "code"},
        {.type = MetricType::gauge, .help = "Age.", .name = "cusax_snapshot_age_seconds"}};
    EXPECT_EQ(markdown_table(docs),
              "| metric | type | labels | what it tells | `cusaxctl stats` |\n"
              "|---|---|---|---|---|\n"
              "| `cusax_requests_rejected_total` | counter | `code` | By code. | "
              "`requests.rejected.CODE` |\n"
              "| `cusax_snapshot_age_seconds` | gauge |  | Age. |  |\n");
}

}  // namespace
}  // namespace cusax::metrics
