#pragma once
// Whether a login attempt may go ahead, and what its outcome changes: the limits per user id
// and per source address (attempt_limiter.hpp), a cap on attempts answered at once, and a short
// hold after the XMPP server could not be reached. Time is passed in; no I/O.
//
// Every attempt passes here, whether or not its user id names an account, and is finished
// the same way, so an unknown user and a wrong password are throttled alike (the session also
// answers both after the same failure_delay, with the same bytes). While the server is held
// unreachable every attempt gets the same 503, for the same reason: an unknown user answered
// 401 while a known one gets 503 would tell them apart.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "provisioning/attempt_limiter.hpp"
#include "provisioning/provisioning_settings.hpp"

namespace cusax::provisioning {

enum class LoginOutcome {
    accepted,     // the XMPP server took the password
    rejected,     // it refused it, or the user id names no account
    unavailable,  // no answer: unreachable, timed out, TLS or protocol failure
};

class LoginGate {
  public:
    using Clock = std::chrono::steady_clock;
    using Duration = std::chrono::milliseconds;

    LoginGate(const AttemptSettings& attempts, std::size_t max_concurrent,
              Duration unavailable_hold);

    struct Attempt {
        std::string user_key;
        std::string address_key;
    };
    enum class Refusal { address_locked, user_locked, busy, unavailable };
    struct Refused {
        Refusal why;
        Duration retry_after;
    };

    // typed_user: the id as the client sent it; address_key: client_address.hpp.
    std::variant<Attempt, Refused> begin(std::string_view typed_user, std::string_view address_key,
                                         Clock::time_point now);
    // Once per admitted attempt.
    void finish(const Attempt& attempt, LoginOutcome outcome, Clock::time_point now);

    std::size_t in_flight() const { return in_flight_; }

  private:
    AttemptLimiter users_;
    AttemptLimiter addresses_;
    std::size_t max_concurrent_;
    Duration unavailable_hold_;
    std::size_t in_flight_ = 0;
    Clock::time_point unavailable_until_{};
};

}  // namespace cusax::provisioning
