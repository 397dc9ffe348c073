#pragma once
// Named event counters: cheap to bump on a hot path (one relaxed atomic add), read by the
// periodic stats report, the SIGUSR1 report and `cusaxctl stats` (through a stats file).
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cusax::counters {

class Counter {
  public:
    void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

// One per daemon, passed to whatever counts (no global registry: tests make their own).
// Register counters at start-up and keep the reference; get() takes a lock.
class Registry {
  public:
    // Returns the counter of that name, creating it at 0. The reference stays valid for the
    // registry's lifetime.
    Counter& get(std::string_view name);

    // Every counter with its value, sorted by name.
    std::vector<std::pair<std::string, std::uint64_t>> values() const;

  private:
    mutable std::mutex mutex_;
    std::deque<Counter> storage_;  // deque: references stay valid as it grows
    std::map<std::string, Counter*, std::less<>> by_name_;
};

}  // namespace cusax::counters
