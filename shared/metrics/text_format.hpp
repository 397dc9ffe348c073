#pragma once
// The Prometheus text exposition format, version 0.0.4 (what every Prometheus server scrapes):
// per family a "# HELP" and a "# TYPE" line, then one line per series, name{labels} value.
// Only the writing side, which is all a daemon needs.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/metrics/metric_doc.hpp"

namespace cusax::metrics {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
    std::string suffix;  // "_bucket", "_sum", "_count" for a histogram's series; else empty
    Labels labels;
    std::string value;  // written by format_value
};

struct Family {
    std::string name;
    MetricType type = MetricType::counter;
    std::string help;
    std::vector<Sample> samples;
};

// An empty family named and described by its declaration (family_name, help).
Family family_of(const MetricDoc& doc);

std::string format_value(std::uint64_t value);
std::string format_value(std::int64_t value);
// The shortest text that reads back as the same double; "+Inf", "-Inf", "NaN" as Prometheus
// spells them.
std::string format_value(double value);

// Appends the family's lines (nothing for a family without samples: Prometheus would see a
// family with no series, which is legal but useless).
void append_text(std::string& out, const Family& family);

}  // namespace cusax::metrics
