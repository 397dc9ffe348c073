#include "shared/counters/counters.hpp"

namespace cusax::counters {

Counter& Registry::get(std::string_view name) {
    std::lock_guard lock(mutex_);
    return counters_.find_or_add(name);
}

std::vector<std::pair<std::string, std::uint64_t>> Registry::values() const {
    std::lock_guard lock(mutex_);
    return counters_.list([](const Counter& c) { return c.value(); });
}

Gauge& Registry::gauge(std::string_view name) {
    std::lock_guard lock(mutex_);
    return gauges_.find_or_add(name);
}

Histogram& Registry::histogram(std::string_view name, std::vector<std::uint64_t> upper_bounds,
                               std::uint64_t units_per_base) {
    std::lock_guard lock(mutex_);
    return histograms_.find_or_add(name, std::move(upper_bounds), units_per_base);
}

std::vector<std::pair<std::string, std::int64_t>> Registry::gauge_values() const {
    std::lock_guard lock(mutex_);
    return gauges_.list([](const Gauge& g) { return g.value(); });
}

std::vector<std::pair<std::string, Histogram::Counts>> Registry::histogram_values() const {
    std::lock_guard lock(mutex_);
    return histograms_.list([](const Histogram& h) { return h.counts(); });
}

}  // namespace cusax::counters
