#pragma once
// Failed logins counted per key (a user id's limit key, or a source address), with a growing
// lock-out. Time is passed in, so the policy is clock-free and testable.
//
// An attempt is admitted only while the failures of its key plus the attempts still being
// checked stay below the limit, so that parallel requests cannot carry more guesses to the
// XMPP server than the limit allows. Reaching the limit locks the key for `lockout`, the next
// time for twice that, and so on up to `lockout_max`; a key with neither a failure nor a lock
// for `lockout_max` starts afresh.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cusax::provisioning {

class AttemptLimiter {
  public:
    using Clock = std::chrono::steady_clock;
    using Duration = std::chrono::milliseconds;

    struct Limits {
        std::size_t max_failures = 5;
        Duration lockout{60000};
        Duration lockout_max{3600000};
        std::size_t max_keys = 100000;  // memory bound, see admit()
    };

    enum class Verdict { admitted, locked, saturated };
    struct Admission {
        Verdict verdict = Verdict::admitted;
        Duration retry_after{0};  // locked: until the lock ends; saturated: a short wait
    };

    explicit AttemptLimiter(Limits limits) : limits_(limits) {}

    // An attempt under key: admitted (then finish() must follow, once), or refused. With
    // max_keys tracked, a new key needs room: keys quiet for lockout_max are forgotten first,
    // then the one whose last failure is oldest among those neither locked nor being checked;
    // when every key is, the new one is refused as saturated.
    Admission admit(std::string_view key, Clock::time_point now);

    enum class Outcome {
        failed,     // a wrong password (or an unknown user): counts
        succeeded,  // forget the key's failures (user keys)
        neither,    // the check could not be made, or an address key after a success
    };
    void finish(std::string_view key, Outcome outcome, Clock::time_point now);

    std::size_t tracked_keys() const { return entries_.size(); }

  private:
    struct Entry {
        std::size_t failures = 0;
        std::size_t pending = 0;
        unsigned lockouts = 0;  // how many times it was locked: each doubles the next
        Clock::time_point locked_until{};
        Clock::time_point last_failure{};
    };
    bool forgettable(const Entry& e, Clock::time_point now) const;
    bool make_room(Clock::time_point now);

    Limits limits_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace cusax::provisioning
