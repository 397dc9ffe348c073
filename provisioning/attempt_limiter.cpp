#include "provisioning/attempt_limiter.hpp"

#include <algorithm>

namespace cusax::provisioning {
namespace {

// A saturated key (its in-flight checks would reach the limit) is told to come back once they
// are answered.
constexpr AttemptLimiter::Duration saturated_retry{1000};

}  // namespace

// Quiet: no failure, and no lock, for lockout_max (a lock-out is not a quiet time).
bool AttemptLimiter::forgettable(const Entry& e, Clock::time_point now) const {
    return e.pending == 0 && now - std::max(e.last_failure, e.locked_until) >= limits_.lockout_max;
}

bool AttemptLimiter::make_room(Clock::time_point now) {
    std::erase_if(entries_, [&](const auto& kv) { return forgettable(kv.second, now); });
    if (entries_.size() < limits_.max_keys) return true;
    // Still full: forget the unlocked, unchecked key whose last failure is oldest. A key
    // forgotten early starts afresh, the price of bounded memory.
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        const Entry& e = it->second;
        if (e.pending != 0 || now < e.locked_until) continue;
        if (oldest == entries_.end() || e.last_failure < oldest->second.last_failure) oldest = it;
    }
    if (oldest == entries_.end()) return false;
    entries_.erase(oldest);
    return true;
}

AttemptLimiter::Admission AttemptLimiter::admit(std::string_view key, Clock::time_point now) {
    auto it = entries_.find(std::string(key));
    if (it == entries_.end()) {
        if (entries_.size() >= limits_.max_keys && !make_room(now)) {
            return {Verdict::saturated, saturated_retry};
        }
        it = entries_.emplace(std::string(key), Entry{}).first;
    }
    Entry& e = it->second;
    if (now < e.locked_until) {
        return {Verdict::locked, std::chrono::ceil<Duration>(e.locked_until - now)};
    }
    if (forgettable(e, now)) e = Entry{};  // a fresh start, lock-outs forgotten too
    if (e.failures + e.pending >= limits_.max_failures)
        return {Verdict::saturated, saturated_retry};
    ++e.pending;
    return {};
}

void AttemptLimiter::finish(std::string_view key, Outcome outcome, Clock::time_point now) {
    const auto it = entries_.find(std::string(key));
    if (it == entries_.end()) return;  // not admitted: nothing to finish
    Entry& e = it->second;
    if (e.pending > 0) --e.pending;
    switch (outcome) {
        case Outcome::succeeded:
            if (e.pending == 0) {
                entries_.erase(it);
            } else {
                e.failures = 0;
            }
            return;
        case Outcome::neither:
            if (e.pending == 0 && e.failures == 0 && e.lockouts == 0) entries_.erase(it);
            return;
        case Outcome::failed:
            break;
    }
    e.last_failure = now;
    if (++e.failures < limits_.max_failures) return;
    // Reached the limit: lock, each lock-out twice as long as the one before, up to the cap.
    auto length = limits_.lockout;
    for (unsigned i = 0; i < e.lockouts && length < limits_.lockout_max; ++i) length *= 2;
    length = std::min(length, limits_.lockout_max);
    e.locked_until = now + length;
    ++e.lockouts;
    e.failures = 0;
}

}  // namespace cusax::provisioning
