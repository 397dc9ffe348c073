#pragma once
// Named event counters: cheap to bump on a hot path (one relaxed atomic add), read by the
// periodic stats report, the SIGUSR1 report and `cusaxctl stats` (through a stats file).
// The registry also keeps a daemon's gauges and histograms, which only the metrics endpoint
// shows (shared/metrics): the stats file and `cusaxctl stats` list the counters alone.
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/counters/histogram.hpp"

namespace cusax::counters {

class Counter {
  public:
    void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (a connection up or not, requests waiting for an answer),
// set by whoever owns the state, read from any thread.
class Gauge {
  public:
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::int64_t> value_{0};
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

    // The gauge of that name, created at 0; the reference stays valid as get()'s does.
    Gauge& gauge(std::string_view name);
    // The histogram of that name, created with these buckets (Histogram's constructor) the
    // first time; later calls return it as it is.
    Histogram& histogram(std::string_view name, std::vector<std::uint64_t> upper_bounds,
                         std::uint64_t units_per_base);

    // Every gauge and histogram with its values, sorted by name.
    std::vector<std::pair<std::string, std::int64_t>> gauge_values() const;
    std::vector<std::pair<std::string, Histogram::Counts>> histogram_values() const;

  private:
    // One kind of entry by name. Callers hold the registry's mutex.
    template <class T>
    struct Named {
        std::deque<T> storage;  // deque: references stay valid as it grows
        std::map<std::string, T*, std::less<>> by_name;

        template <class... Args>
        T& find_or_add(std::string_view name, Args&&... args) {
            if (auto it = by_name.find(name); it != by_name.end()) return *it->second;
            T& entry = storage.emplace_back(std::forward<Args>(args)...);
            by_name.emplace(std::string(name), &entry);
            return entry;
        }
        template <class Read>
        auto list(Read read) const {
            std::vector<std::pair<std::string, decltype(read(*storage.begin()))>> out;
            out.reserve(by_name.size());
            for (const auto& [name, entry] : by_name) out.emplace_back(name, read(*entry));
            return out;
        }
    };

    mutable std::mutex mutex_;
    Named<Counter> counters_;
    Named<Gauge> gauges_;
    Named<Histogram> histograms_;
};

}  // namespace cusax::counters
