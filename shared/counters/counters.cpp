#include "shared/counters/counters.hpp"

namespace cusax::counters {

Counter& Registry::get(std::string_view name) {
    std::lock_guard lock(mutex_);
    if (auto it = by_name_.find(name); it != by_name_.end()) return *it->second;
    Counter& counter = storage_.emplace_back();
    by_name_.emplace(std::string(name), &counter);
    return counter;
}

std::vector<std::pair<std::string, std::uint64_t>> Registry::values() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::uint64_t>> out;
    out.reserve(by_name_.size());
    for (const auto& [name, counter] : by_name_) out.emplace_back(name, counter->value());
    return out;
}

Gauge& Registry::gauge(std::string_view name) {
    std::lock_guard lock(mutex_);
    if (auto it = gauges_by_name_.find(name); it != gauges_by_name_.end()) return *it->second;
    Gauge& gauge = gauges_.emplace_back();
    gauges_by_name_.emplace(std::string(name), &gauge);
    return gauge;
}

Histogram& Registry::histogram(std::string_view name, std::vector<std::uint64_t> upper_bounds,
                               std::uint64_t units_per_base) {
    std::lock_guard lock(mutex_);
    if (auto it = histograms_by_name_.find(name); it != histograms_by_name_.end())
        return *it->second;
    Histogram& histogram = histograms_.emplace_back(std::move(upper_bounds), units_per_base);
    histograms_by_name_.emplace(std::string(name), &histogram);
    return histogram;
}

std::vector<std::pair<std::string, std::int64_t>> Registry::gauge_values() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::int64_t>> out;
    out.reserve(gauges_by_name_.size());
    for (const auto& [name, gauge] : gauges_by_name_) out.emplace_back(name, gauge->value());
    return out;
}

std::vector<std::pair<std::string, Histogram::Counts>> Registry::histogram_values() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, Histogram::Counts>> out;
    out.reserve(histograms_by_name_.size());
    for (const auto& [name, histogram] : histograms_by_name_)
        out.emplace_back(name, histogram->counts());
    return out;
}

}  // namespace cusax::counters
