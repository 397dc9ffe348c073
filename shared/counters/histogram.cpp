#include "shared/counters/histogram.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace cusax::counters {

Histogram::Histogram(std::vector<std::uint64_t> upper_bounds, std::uint64_t units_per_base)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)),
      units_per_base_(units_per_base) {
    if (bounds_.empty()) throw std::invalid_argument("histogram: no bucket bounds");
    if (std::adjacent_find(bounds_.begin(), bounds_.end(), std::greater_equal<>()) != bounds_.end())
        throw std::invalid_argument("histogram: bucket bounds not ascending");
    if (units_per_base_ == 0) throw std::invalid_argument("histogram: no units per base unit");
}

std::uint64_t Histogram::Counts::count() const {
    return std::accumulate(buckets.begin(), buckets.end(), std::uint64_t{0});
}

Histogram::Counts Histogram::counts() const {
    Counts out;
    out.upper_bounds = bounds_;
    out.buckets.reserve(bounds_.size() + 1);
    for (std::size_t i = 0; i <= bounds_.size(); ++i)
        out.buckets.push_back(buckets_[i].load(std::memory_order_relaxed));
    out.sum = sum_.load(std::memory_order_relaxed);
    out.units_per_base = units_per_base_;
    return out;
}

}  // namespace cusax::counters
