#pragma once
// Per-requester token buckets (XEP-0055 searches and account listings are the costly, and the
// harvestable, requests). Time is passed in, so the policy stays clock-free and testable.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cusax::xmpp {

class TokenBucketLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    // rate: tokens added per second; burst: bucket size. max_keys bounds memory: past it, full
    // (idle) buckets are dropped, and if none is, the oldest-refilled half.
    TokenBucketLimiter(double rate_per_second, double burst, std::size_t max_keys = 100000);

    // Takes one token for key; false when its bucket is empty.
    bool allow(std::string_view key, Clock::time_point now);

    std::size_t tracked_keys() const { return buckets_.size(); }

  private:
    struct Bucket {
        double tokens;
        Clock::time_point last;
    };
    void refill(Bucket& bucket, Clock::time_point now) const;
    void prune(Clock::time_point now);

    double rate_;
    double burst_;
    std::size_t max_keys_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace cusax::xmpp
