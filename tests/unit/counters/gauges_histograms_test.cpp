// The registry's gauges and histograms: shown by the metrics endpoint only, never in the stats
// file that `cusaxctl stats` reads (which keeps listing the counters alone).
#include <gtest/gtest.h>

#include <stdexcept>

#include "shared/counters/counters.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::counters {
namespace {

TEST(Histogram, EachObservationLandsInTheFirstBucketThatHoldsIt) {
    Histogram histogram({10, 100, 1000}, 1000);
    for (std::uint64_t v : {0, 10, 11, 100, 999, 1000, 1001, 50000}) histogram.observe(v);
    const auto counts = histogram.counts();
    EXPECT_EQ(counts.upper_bounds, (std::vector<std::uint64_t>{10, 100, 1000}));
    // Not cumulative here; the last bucket is +Inf.
    EXPECT_EQ(counts.buckets, (std::vector<std::uint64_t>{2, 2, 2, 2}));
    EXPECT_EQ(counts.count(), 8u);
    EXPECT_EQ(counts.sum, 0u + 10 + 11 + 100 + 999 + 1000 + 1001 + 50000);
    EXPECT_EQ(counts.units_per_base, 1000u);
    EXPECT_DOUBLE_EQ(counts.in_base(2500), 2.5);
}

TEST(Histogram, BoundsMustBeGivenAndAscending) {
    EXPECT_THROW(Histogram({}, 1), std::invalid_argument);
    EXPECT_THROW(Histogram({10, 10}, 1), std::invalid_argument);
    EXPECT_THROW(Histogram({100, 10}, 1), std::invalid_argument);
    EXPECT_THROW(Histogram({10}, 0), std::invalid_argument);
}

TEST(Registry, GaugesAndHistogramsByNameSortedAndStable) {
    Registry registry;
    auto& up = registry.gauge("z.up");
    up.set(1);
    registry.gauge("a.waiting").add(3);
    registry.gauge("a.waiting").add(-1);
    EXPECT_EQ(&registry.gauge("z.up"), &up);
    EXPECT_EQ(registry.gauge_values(),
              (std::vector<std::pair<std::string, std::int64_t>>{{"a.waiting", 2}, {"z.up", 1}}));

    auto& relay = registry.histogram("relay", {1, 2}, 1);
    relay.observe(2);
    // The first registration's buckets stay.
    EXPECT_EQ(&registry.histogram("relay", {5, 6, 7}, 1), &relay);
    const auto histograms = registry.histogram_values();
    ASSERT_EQ(histograms.size(), 1u);
    EXPECT_EQ(histograms[0].first, "relay");
    EXPECT_EQ(histograms[0].second.buckets, (std::vector<std::uint64_t>{0, 1, 0}));
}

TEST(Registry, StatsListTheCountersOnly) {
    Registry registry;
    registry.get("requests.relayed").add();
    registry.gauge("xmpp.stream_up").set(1);
    registry.histogram("requests.relay_seconds", {1}, 1).observe(1);
    const auto values = registry.values();
    ASSERT_EQ(values.size(), 1u);
    EXPECT_EQ(values[0].first, "requests.relayed");
    const auto json = to_json({"sip-proxy", 1, 0, 0, values});
    EXPECT_EQ(json.find("stream_up"), std::string::npos);
    EXPECT_EQ(json.find("relay_seconds"), std::string::npos);
}

}  // namespace
}  // namespace cusax::counters
