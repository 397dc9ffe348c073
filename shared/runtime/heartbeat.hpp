#pragma once
// Proof that a daemon's event loop still turns, for /health: a timer on the loop beats every
// kBeatInterval, and the metrics server's thread reads how long ago it last did. A loop stuck
// in one call (as the proxy's once was in Sofia-SIP's resolver: dns_reachability.hpp) stops
// beating, and the daemon stops answering 200 although its process is alive.
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace cusax::runtime {

class Heartbeat {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kBeatInterval{1000};
    // Ten missed beats: a loaded two-core machine, a sanitizer build or a burst of calls may
    // delay a beat, and none of them means the loop is stuck.
    static constexpr std::chrono::seconds kStaleAfter{10};

    Heartbeat() { beat(); }
    void beat() noexcept { last_.store(Clock::now().time_since_epoch().count()); }
    // From any thread.
    Clock::duration age(Clock::time_point now) const {
        return now - Clock::time_point(Clock::duration(last_.load()));
    }
    bool fresh(Clock::time_point now) const { return age(now) < kStaleAfter; }
    // For /health: empty while fresh, else "the LOOP has not turned for N s".
    std::string stale_reason(Clock::time_point now, std::string_view loop) const {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(age(now)).count();
        if (fresh(now)) return {};
        return "the " + std::string(loop) + " has not turned for " + std::to_string(seconds) + " s";
    }

  private:
    std::atomic<Clock::rep> last_{0};
};

}  // namespace cusax::runtime
