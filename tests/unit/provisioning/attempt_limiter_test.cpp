// Failed logins per key: the limit, the growing lock-out, the attempts in flight, forgetting.
#include "provisioning/attempt_limiter.hpp"

#include <gtest/gtest.h>

using namespace cusax::provisioning;
using namespace std::chrono_literals;
using V = AttemptLimiter::Verdict;
using O = AttemptLimiter::Outcome;

namespace {

AttemptLimiter::Limits limits(std::size_t max = 3) {
    AttemptLimiter::Limits l;
    l.max_failures = max;
    l.lockout = 60s;
    l.lockout_max = 600s;
    return l;
}

const AttemptLimiter::Clock::time_point t0{std::chrono::hours(1000)};

// One attempt that fails at `now`; returns the verdict it got.
V fail_once(AttemptLimiter& l, std::string_view key, AttemptLimiter::Clock::time_point now) {
    const auto a = l.admit(key, now);
    if (a.verdict == V::admitted) l.finish(key, O::failed, now);
    return a.verdict;
}

TEST(AttemptLimiter, LocksAKeyAtTheLimitForLockout) {
    AttemptLimiter l(limits());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(fail_once(l, "alice", t0), V::admitted);
    const auto a = l.admit("alice", t0 + 1s);
    EXPECT_EQ(a.verdict, V::locked);
    EXPECT_EQ(a.retry_after, 59s);
    EXPECT_EQ(l.admit("bob", t0 + 1s).verdict, V::admitted);  // other keys are not touched
    EXPECT_EQ(l.admit("alice", t0 + 60s).verdict, V::admitted);
}

TEST(AttemptLimiter, EachLockOutIsTwiceTheOneBeforeUpToTheCap) {
    AttemptLimiter l(limits(1));
    auto now = t0;
    std::vector<std::chrono::milliseconds> lengths;
    for (int round = 0; round < 6; ++round) {
        EXPECT_EQ(fail_once(l, "k", now), V::admitted);
        const auto a = l.admit("k", now);
        ASSERT_EQ(a.verdict, V::locked);
        lengths.push_back(a.retry_after);
        now += a.retry_after;
    }
    const std::vector<std::chrono::milliseconds> expected{60s, 120s, 240s, 480s, 600s, 600s};
    EXPECT_EQ(lengths, expected);
}

TEST(AttemptLimiter, AKeyQuietForLockoutMaxStartsAfresh) {
    AttemptLimiter l(limits(1));
    EXPECT_EQ(fail_once(l, "k", t0), V::admitted);        // locked 60 s
    EXPECT_EQ(fail_once(l, "k", t0 + 60s), V::admitted);  // locked 120 s
    EXPECT_EQ(l.admit("k", t0 + 61s).retry_after, 119s);
    // Quiet for lockout_max after the last lock-out ended: the next one is the first again.
    EXPECT_EQ(fail_once(l, "k", t0 + 180s + 599s), V::admitted);
    EXPECT_EQ(l.admit("k", t0 + 180s + 599s).retry_after, 240s);
    const auto later = t0 + 779s + 240s + 600s;
    EXPECT_EQ(fail_once(l, "k", later), V::admitted);
    EXPECT_EQ(l.admit("k", later).retry_after, 60s);
}

TEST(AttemptLimiter, AttemptsInFlightCountAgainstTheLimit) {
    AttemptLimiter l(limits(3));
    // Three parallel attempts are admitted, the fourth is not: all three could still fail.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(l.admit("alice", t0).verdict, V::admitted);
    const auto fourth = l.admit("alice", t0);
    EXPECT_EQ(fourth.verdict, V::saturated);
    EXPECT_EQ(fourth.retry_after, 1s);
    for (int i = 0; i < 3; ++i) l.finish("alice", O::failed, t0);
    EXPECT_EQ(l.admit("alice", t0).verdict, V::locked);
}

TEST(AttemptLimiter, ASuccessForgetsTheFailuresOnlyWhenSaidSo) {
    AttemptLimiter l(limits(3));
    EXPECT_EQ(fail_once(l, "alice", t0), V::admitted);
    EXPECT_EQ(fail_once(l, "alice", t0), V::admitted);
    ASSERT_EQ(l.admit("alice", t0).verdict, V::admitted);
    l.finish("alice", O::succeeded, t0);
    EXPECT_EQ(l.tracked_keys(), 0u);
    // "neither" (an address after a success, or no answer) keeps what was there.
    EXPECT_EQ(fail_once(l, "10.0.0.1", t0), V::admitted);
    EXPECT_EQ(fail_once(l, "10.0.0.1", t0), V::admitted);
    ASSERT_EQ(l.admit("10.0.0.1", t0).verdict, V::admitted);
    l.finish("10.0.0.1", O::neither, t0);
    EXPECT_EQ(fail_once(l, "10.0.0.1", t0), V::admitted);
    EXPECT_EQ(l.admit("10.0.0.1", t0).verdict, V::locked);
}

TEST(AttemptLimiter, MemoryIsBoundedWithoutFreeingALockedKey) {
    auto lim = limits(1);
    lim.max_keys = 3;
    AttemptLimiter l(lim);
    EXPECT_EQ(fail_once(l, "first", t0), V::admitted);        // locked until t0 + 60 s
    EXPECT_EQ(fail_once(l, "second", t0 + 2s), V::admitted);  // locked until t0 + 62 s
    EXPECT_EQ(l.admit("pending", t0).verdict, V::admitted);
    // Full, every key locked or being checked: a new key is refused, not made room for.
    EXPECT_EQ(l.admit("new", t0).verdict, V::saturated);
    // Once a lock ends, that key may give way; the others stay.
    EXPECT_EQ(l.admit("new", t0 + 61s).verdict, V::admitted);
    EXPECT_EQ(l.tracked_keys(), 3u);
    EXPECT_EQ(l.admit("second", t0 + 61s).verdict, V::locked);
    EXPECT_EQ(l.admit("another", t0 + 61s).verdict, V::saturated);
}

}  // namespace
