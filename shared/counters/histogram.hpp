#pragma once
// A histogram with fixed buckets, cheap enough for the SIP proxy's hot path: observe() is a
// short search through the bucket bounds and two relaxed atomic adds, never a lock. Read by
// the metrics endpoint (shared/metrics) as Prometheus's cumulative buckets, sum and count.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace cusax::counters {

class Histogram {
  public:
    // `upper_bounds`: ascending, in the histogram's own unit (nanoseconds for a duration);
    // every observation above the last lands in the implicit +Inf bucket. `units_per_base`:
    // how many of that unit make the base unit the metric is shown in (1'000'000'000:
    // nanoseconds shown as seconds; a division, so that 1000 ns shows as 1e-06 exactly).
    // Throws std::invalid_argument when the bounds are empty or not ascending, or
    // units_per_base is 0.
    Histogram(std::vector<std::uint64_t> upper_bounds, std::uint64_t units_per_base);

    void observe(std::uint64_t value) noexcept {
        std::size_t i = 0;
        while (i < bounds_.size() && value > bounds_[i]) ++i;
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        sum_.fetch_add(value, std::memory_order_relaxed);
    }

    struct Counts {
        std::vector<std::uint64_t> upper_bounds;  // as given
        std::vector<std::uint64_t> buckets;       // per bucket, not cumulative; last is +Inf
        std::uint64_t sum = 0;
        std::uint64_t units_per_base = 1;
        // A value of the histogram's unit in the base unit.
        double in_base(std::uint64_t value) const {
            return static_cast<double>(value) / static_cast<double>(units_per_base);
        }
        std::uint64_t count() const;
    };
    // Each bucket read once; an observation made meanwhile may show in a bucket and not yet
    // in the sum (Prometheus tolerates that; rates over time are what matter).
    Counts counts() const;

  private:
    std::vector<std::uint64_t> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
    std::atomic<std::uint64_t> sum_{0};
    std::uint64_t units_per_base_;
};

}  // namespace cusax::counters
