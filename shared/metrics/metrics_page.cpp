#include "shared/metrics/metrics_page.hpp"

#include <map>

namespace cusax::metrics {
namespace {

// The family a registry entry belongs to, and the labels that tell its series apart.
struct Placement {
    Family* family;
    Labels labels;
};

}  // namespace

MetricsPage::MetricsPage(const counters::Registry& registry, std::vector<MetricDoc> docs)
    : registry_(registry), docs_(std::move(docs)) {}

void MetricsPage::add_collector(Collector collector) {
    collectors_.push_back(std::move(collector));
}

// The doc naming the entry itself wins over one naming a prefix of it, and a longer prefix
// over a shorter one.
const MetricDoc* MetricsPage::doc_for(std::string_view name, MetricType type) const {
    const MetricDoc* best = nullptr;
    for (const auto& doc : docs_) {
        if (doc.type != type || doc.source.empty()) continue;
        if (doc.source == name) return &doc;
        const bool prefix = doc.source.back() == '.' && name.size() > doc.source.size() &&
                            name.starts_with(doc.source);
        if (prefix && (!best || doc.source.size() > best->source.size())) best = &doc;
    }
    return best;
}

std::vector<Family> MetricsPage::families() const {
    std::map<std::string, Family> by_name;
    auto place = [&](const std::string& name, MetricType type) -> Placement {
        const MetricDoc* doc = doc_for(name, type);
        const std::string family = doc ? family_name(*doc) : family_name(name, type);
        auto [it, created] = by_name.try_emplace(family);
        if (created) {
            it->second = doc ? family_of(*doc)
                             : Family{family,
                                      type,
                                      "The daemon's " + std::string(to_string(type)) + " " + name +
                                          " (no description declared).",
                                      {}};
        }
        Labels labels;
        if (doc && doc->source.back() == '.')
            labels.emplace_back(std::string(doc->label), name.substr(doc->source.size()));
        return {&it->second, std::move(labels)};
    };

    for (const auto& [name, value] : registry_.values()) {
        auto [family, labels] = place(name, MetricType::counter);
        family->samples.push_back({"", std::move(labels), format_value(value)});
    }
    for (const auto& [name, value] : registry_.gauge_values()) {
        auto [family, labels] = place(name, MetricType::gauge);
        family->samples.push_back({"", std::move(labels), format_value(value)});
    }
    for (const auto& [name, counts] : registry_.histogram_values()) {
        auto [family, labels] = place(name, MetricType::histogram);
        // Prometheus's buckets are cumulative: each counts every observation up to its bound.
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < counts.buckets.size(); ++i) {
            cumulative += counts.buckets[i];
            Labels with_le = labels;
            with_le.emplace_back("le", i < counts.upper_bounds.size()
                                           ? format_value(counts.in_base(counts.upper_bounds[i]))
                                           : std::string("+Inf"));
            family->samples.push_back({"_bucket", std::move(with_le), format_value(cumulative)});
        }
        family->samples.push_back({"_sum", labels, format_value(counts.in_base(counts.sum))});
        family->samples.push_back({"_count", std::move(labels), format_value(cumulative)});
    }

    std::vector<Family> out;
    out.reserve(by_name.size());
    for (auto& [name, family] : by_name) out.push_back(std::move(family));
    for (const auto& collector : collectors_) {
        for (auto& family : collector()) out.push_back(std::move(family));
    }
    return out;
}

std::string MetricsPage::render() const {
    std::string out;
    for (const auto& family : families()) append_text(out, family);
    return out;
}

}  // namespace cusax::metrics
