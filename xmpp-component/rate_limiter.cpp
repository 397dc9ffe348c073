#include "xmpp-component/rate_limiter.hpp"

#include <algorithm>
#include <vector>

namespace cusax::xmpp {

TokenBucketLimiter::TokenBucketLimiter(double rate_per_second, double burst, std::size_t max_keys)
    : rate_(std::max(0.0, rate_per_second)),
      burst_(std::max(1.0, burst)),
      max_keys_(std::max<std::size_t>(1, max_keys)) {}

void TokenBucketLimiter::refill(Bucket& bucket, Clock::time_point now) const {
    if (now <= bucket.last) return;
    const double seconds = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min(burst_, bucket.tokens + seconds * rate_);
    bucket.last = now;
}

bool TokenBucketLimiter::allow(std::string_view key, Clock::time_point now) {
    auto it = buckets_.find(std::string(key));
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_keys_) prune(now);
        it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
    }
    Bucket& bucket = it->second;
    refill(bucket, now);
    if (bucket.tokens < 1.0) return false;
    bucket.tokens -= 1.0;
    return true;
}

void TokenBucketLimiter::prune(Clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        refill(it->second, now);
        it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() < max_keys_) return;
    // Everyone is busy: forget the half that was refilled longest ago (they get a fresh
    // bucket, which is the cost of bounding memory).
    std::vector<Clock::time_point> times;
    times.reserve(buckets_.size());
    for (const auto& [k, b] : buckets_) times.push_back(b.last);
    auto mid = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), mid, times.end());
    const auto cutoff = *mid;
    std::erase_if(buckets_, [&](const auto& kv) { return kv.second.last <= cutoff; });
}

}  // namespace cusax::xmpp
