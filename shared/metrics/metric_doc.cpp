#include "shared/metrics/metric_doc.hpp"

namespace cusax::metrics {

std::string_view to_string(MetricType type) {
    switch (type) {
        case MetricType::counter:
            return "counter";
        case MetricType::gauge:
            return "gauge";
        case MetricType::histogram:
            return "histogram";
    }
    return "untyped";
}

std::string family_name(std::string_view source, MetricType type) {
    if (!source.empty() && source.back() == '.') source.remove_suffix(1);
    std::string out = "cusax_";
    for (char c : source) {
        const bool allowed =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        out += allowed ? c : '_';
    }
    if (type == MetricType::counter) out += "_total";
    return out;
}

std::string family_name(const MetricDoc& doc) {
    if (!doc.name.empty()) return std::string(doc.name);
    return family_name(doc.source, doc.type);
}

std::string stats_name(const MetricDoc& doc) {
    if (doc.type != MetricType::counter || doc.source.empty()) return {};
    if (doc.source.back() != '.') return std::string(doc.source);
    std::string placeholder(doc.label);  // requests.rejected.CODE
    for (auto& c : placeholder)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return std::string(doc.source) + placeholder;
}

std::string markdown_table(std::span<const MetricDoc> docs) {
    std::string out =
        "| metric | type | labels | what it tells | `cusaxctl stats` |\n|---|---|---|---|---|\n";
    for (const auto& doc : docs) {
        const std::string stats = stats_name(doc);
        out += "| `" + family_name(doc) + "` | " + std::string(to_string(doc.type)) + " | " +
               (doc.label.empty() ? std::string() : "`" + std::string(doc.label) + "`") + " | " +
               std::string(doc.help) + " | " + (stats.empty() ? "" : "`" + stats + "`") + " |\n";
    }
    return out;
}

}  // namespace cusax::metrics
