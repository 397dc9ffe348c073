// The Prometheus text format as this repository writes it (text_format.hpp).
#include "shared/metrics/text_format.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace cusax::metrics {
namespace {

TEST(TextFormat, HelpTypeThenOneLinePerSeries) {
    Family family{"cusax_requests_rejected_total",
                  MetricType::counter,
                  "Requests answered with an error.",
                  {{"", {{"code", "400"}}, "3"}, {"", {{"code", "other"}}, "0"}}};
    std::string out;
    append_text(out, family);
    EXPECT_EQ(out,
              "# HELP cusax_requests_rejected_total Requests answered with an error.\n"
              "# TYPE cusax_requests_rejected_total counter\n"
              "cusax_requests_rejected_total{code=\"400\"} 3\n"
              "cusax_requests_rejected_total{code=\"other\"} 0\n");
}

TEST(TextFormat, LabelValuesAndHelpAreEscaped) {
    Family family{"x",
                  MetricType::gauge,
                  "back\\slash\nnew line \"quoted\"",
                  {{"", {{"a", "q\"b\\c\nd"}, {"b", "plain"}}, "1"}}};
    std::string out;
    append_text(out, family);
    // HELP escapes backslash and line feed only; label values the double quote too.
    EXPECT_EQ(out,
              "# HELP x back\\\\slash\\nnew line \"quoted\"\n"
              "# TYPE x gauge\n"
              "x{a=\"q\\\"b\\\\c\\nd\",b=\"plain\"} 1\n");
}

TEST(TextFormat, AFamilyWithoutSeriesWritesNothing) {
    std::string out;
    append_text(out, Family{"x", MetricType::counter, "nothing", {}});
    EXPECT_EQ(out, "");
}

TEST(TextFormat, NumbersAsPrometheusReadsThem) {
    EXPECT_EQ(format_value(std::uint64_t{18446744073709551615u}), "18446744073709551615");
    EXPECT_EQ(format_value(std::int64_t{-2}), "-2");
    EXPECT_EQ(format_value(0.25), "0.25");
    EXPECT_EQ(format_value(1.0), "1");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
    EXPECT_EQ(std::stod(format_value(2.5e-05)), 2.5e-05);
}

}  // namespace
}  // namespace cusax::metrics
