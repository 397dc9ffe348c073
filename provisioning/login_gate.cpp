#include "provisioning/login_gate.hpp"

#include "provisioning/account_directory.hpp"

namespace cusax::provisioning {
namespace {

// Busy: come back once the attempts in flight are answered.
constexpr LoginGate::Duration busy_retry{1000};

AttemptLimiter::Limits limits(const AttemptSettings& a, std::size_t max_failures) {
    AttemptLimiter::Limits l;
    l.max_failures = max_failures;
    l.lockout = a.lockout;
    l.lockout_max = a.lockout_max;
    return l;
}

}  // namespace

LoginGate::LoginGate(const AttemptSettings& attempts, std::size_t max_concurrent,
                     Duration unavailable_hold)
    : users_(limits(attempts, attempts.max_failures_per_user)),
      addresses_(limits(attempts, attempts.max_failures_per_address)),
      max_concurrent_(max_concurrent),
      unavailable_hold_(unavailable_hold) {}

std::variant<LoginGate::Attempt, LoginGate::Refused> LoginGate::begin(std::string_view typed_user,
                                                                      std::string_view address_key,
                                                                      Clock::time_point now) {
    if (now < unavailable_until_) {
        return Refused{Refusal::unavailable, std::chrono::ceil<Duration>(unavailable_until_ - now)};
    }
    if (in_flight_ >= max_concurrent_) return Refused{Refusal::busy, busy_retry};
    // The address first: a locked-out source does not get to count against a user.
    const auto by_address = addresses_.admit(address_key, now);
    if (by_address.verdict != AttemptLimiter::Verdict::admitted) {
        return Refused{Refusal::address_locked, by_address.retry_after};
    }
    Attempt attempt{user_limit_key(typed_user), std::string(address_key)};
    const auto by_user = users_.admit(attempt.user_key, now);
    if (by_user.verdict != AttemptLimiter::Verdict::admitted) {
        addresses_.finish(address_key, AttemptLimiter::Outcome::neither, now);
        return Refused{Refusal::user_locked, by_user.retry_after};
    }
    ++in_flight_;
    return attempt;
}

void LoginGate::finish(const Attempt& attempt, LoginOutcome outcome, Clock::time_point now) {
    if (in_flight_ > 0) --in_flight_;
    using O = AttemptLimiter::Outcome;
    switch (outcome) {
        case LoginOutcome::accepted:
            users_.finish(attempt.user_key, O::succeeded, now);
            // An address's failures stay: one good account must not wash out guesses at others.
            addresses_.finish(attempt.address_key, O::neither, now);
            return;
        case LoginOutcome::rejected:
            users_.finish(attempt.user_key, O::failed, now);
            addresses_.finish(attempt.address_key, O::failed, now);
            return;
        case LoginOutcome::unavailable:
            users_.finish(attempt.user_key, O::neither, now);
            addresses_.finish(attempt.address_key, O::neither, now);
            unavailable_until_ = now + unavailable_hold_;
            return;
    }
}

}  // namespace cusax::provisioning
