// Whether a login attempt may go ahead: limits per address and per user id, the cap on checks at
// once, the hold after the server could not be reached.
#include "provisioning/login_gate.hpp"

#include <gtest/gtest.h>

using namespace cusax::provisioning;
using namespace std::chrono_literals;
using R = LoginGate::Refusal;

namespace {

AttemptSettings attempts() {
    AttemptSettings a;
    a.max_failures_per_user = 3;
    a.max_failures_per_address = 5;
    a.lockout = 60s;
    a.lockout_max = 3600s;
    return a;
}
const LoginGate::Clock::time_point t0{std::chrono::hours(1000)};

std::optional<R> refusal(const std::variant<LoginGate::Attempt, LoginGate::Refused>& v) {
    if (const auto* r = std::get_if<LoginGate::Refused>(&v)) return r->why;
    return std::nullopt;
}

// Begins and finishes one attempt with `outcome`; the refusal when it did not begin.
std::optional<R> attempt(LoginGate& g, std::string_view user, std::string_view address,
                         LoginOutcome outcome, LoginGate::Clock::time_point now = t0) {
    auto v = g.begin(user, address, now);
    if (auto r = refusal(v)) return r;
    g.finish(std::get<LoginGate::Attempt>(v), outcome, now);
    return std::nullopt;
}

TEST(LoginGate, AUserIdIsLockedAfterItsFailuresWhateverItsSpelling) {
    LoginGate g(attempts(), 10, 5s);
    EXPECT_FALSE(attempt(g, "alice", "10.0.0.1", LoginOutcome::rejected));
    EXPECT_FALSE(attempt(g, "alice@xmpp.example.com", "10.0.0.2", LoginOutcome::rejected));
    EXPECT_FALSE(attempt(g, "sip:alice@sip.example.com", "10.0.0.3", LoginOutcome::rejected));
    EXPECT_EQ(attempt(g, "Alice", "10.0.0.4", LoginOutcome::accepted), R::user_locked);
    // Another user from those addresses is not.
    EXPECT_FALSE(attempt(g, "bob", "10.0.0.1", LoginOutcome::accepted));
}

TEST(LoginGate, AnAddressIsLockedAfterItsFailuresOverAnyUserIds) {
    LoginGate g(attempts(), 10, 5s);
    for (const char* user : {"a", "b", "c", "d", "e"}) {
        EXPECT_FALSE(attempt(g, user, "10.0.0.1", LoginOutcome::rejected));
    }
    const auto v = g.begin("f", "10.0.0.1", t0 + 1s);
    ASSERT_EQ(refusal(v), R::address_locked);
    EXPECT_EQ(std::get<LoginGate::Refused>(v).retry_after, 59s);
    // A locked-out address does not count against the user it tries next.
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(attempt(g, "alice", "10.0.0.1", LoginOutcome::rejected), R::address_locked);
    }
    EXPECT_FALSE(attempt(g, "alice", "10.0.0.2", LoginOutcome::accepted));
}

TEST(LoginGate, RefusingALockedUserLeavesTheAddressAsItWas) {
    LoginGate g(attempts(), 10, 5s);
    for (int i = 0; i < 3; ++i)
        EXPECT_FALSE(attempt(g, "alice", "10.0.0.1", LoginOutcome::rejected));
    // Many more tries at the locked user from the same address: each refused for the user,
    // none held against the address (3 failures of its 5 so far).
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(attempt(g, "alice", "10.0.0.1", LoginOutcome::rejected), R::user_locked);
    }
    EXPECT_FALSE(attempt(g, "bob", "10.0.0.1", LoginOutcome::accepted));
    EXPECT_EQ(g.in_flight(), 0u);
}

TEST(LoginGate, UnknownUsersAndWrongPasswordsCountAlike) {
    // The gate never sees whether an id names an account: both are "rejected".
    LoginGate known(attempts(), 10, 5s);
    LoginGate unknown(attempts(), 10, 5s);
    std::vector<std::optional<R>> a, b;
    for (int i = 0; i < 5; ++i) {
        a.push_back(attempt(known, "alice", "10.0.0.1", LoginOutcome::rejected));
        b.push_back(attempt(unknown, "mallory", "10.0.0.1", LoginOutcome::rejected));
    }
    EXPECT_EQ(a, b);
}

TEST(LoginGate, SuccessClearsTheUserNotTheAddress) {
    LoginGate g(attempts(), 10, 5s);
    for (int i = 0; i < 2; ++i)
        EXPECT_FALSE(attempt(g, "alice", "10.0.0.1", LoginOutcome::rejected));
    EXPECT_FALSE(attempt(g, "alice", "10.0.0.1", LoginOutcome::accepted));
    for (int i = 0; i < 2; ++i)
        EXPECT_FALSE(attempt(g, "alice", "10.0.0.2", LoginOutcome::rejected));
    EXPECT_FALSE(attempt(g, "alice", "10.0.0.2", LoginOutcome::accepted));  // 2 failures since
    // 10.0.0.1 still holds its two failures: three more lock it.
    for (const char* user : {"x", "y", "z"}) {
        EXPECT_FALSE(attempt(g, user, "10.0.0.1", LoginOutcome::rejected));
    }
    EXPECT_EQ(attempt(g, "w", "10.0.0.1", LoginOutcome::rejected), R::address_locked);
}

TEST(LoginGate, ParallelAttemptsCannotCarryMoreGuessesThanTheLimit) {
    LoginGate g(attempts(), 100, 5s);
    std::vector<LoginGate::Attempt> in_flight;
    int refused = 0;
    for (int i = 0; i < 50; ++i) {
        auto v = g.begin("alice", "10.0.0." + std::to_string(i), t0);
        if (refusal(v)) {
            EXPECT_EQ(refusal(v), R::user_locked);
            ++refused;
        } else {
            in_flight.push_back(std::get<LoginGate::Attempt>(std::move(v)));
        }
    }
    EXPECT_EQ(in_flight.size(), 3u);
    EXPECT_EQ(refused, 47);
    for (auto& a : in_flight) g.finish(a, LoginOutcome::rejected, t0);
    EXPECT_EQ(g.in_flight(), 0u);
}

TEST(LoginGate, BusyPastTheCapOfChecksAtOnce) {
    LoginGate g(attempts(), 2, 5s);
    auto a = g.begin("a", "10.0.0.1", t0);
    auto b = g.begin("b", "10.0.0.2", t0);
    EXPECT_EQ(refusal(g.begin("c", "10.0.0.3", t0)), R::busy);
    g.finish(std::get<LoginGate::Attempt>(a), LoginOutcome::accepted, t0);
    EXPECT_FALSE(refusal(g.begin("c", "10.0.0.3", t0)));
    (void)b;
}

TEST(LoginGate, AfterTheServerWasUnreachableEveryoneGetsTheSameRefusalForAWhile) {
    LoginGate g(attempts(), 10, 5s);
    EXPECT_FALSE(attempt(g, "alice", "10.0.0.1", LoginOutcome::unavailable));
    const auto v = g.begin("mallory", "10.0.0.2", t0 + 1s);
    ASSERT_EQ(refusal(v), R::unavailable);
    EXPECT_EQ(std::get<LoginGate::Refused>(v).retry_after, 4s);
    EXPECT_EQ(refusal(g.begin("alice", "10.0.0.1", t0 + 1s)), R::unavailable);
    EXPECT_FALSE(refusal(g.begin("alice", "10.0.0.1", t0 + 5s)));
    // An unreachable server is nobody's failure.
    LoginGate h(attempts(), 10, 5s);
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(attempt(h, "alice", "10.0.0.1", LoginOutcome::unavailable, t0 + i * 10s));
    }
}

}  // namespace
