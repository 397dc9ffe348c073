// Which connection gives way to a new one over a cap: the idle one that waited longest (of the
// same address when that address is over its cap), else the newcomer is refused.
#include "provisioning/connection_table.hpp"

#include <gtest/gtest.h>

using namespace cusax::provisioning;

namespace {

TEST(ConnectionTable, UnderTheCapsEveryoneIsAccepted) {
    ConnectionTable t(3, 2);
    for (const char* source : {"10.0.0.1", "10.0.0.1", "10.0.0.2"}) {
        const auto a = t.admit(source);
        EXPECT_TRUE(a.accept);
        EXPECT_FALSE(a.evict);
        t.add(source);
    }
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.count_from("10.0.0.1"), 2u);
}

TEST(ConnectionTable, OverTheTotalTheLongestIdleGivesWay) {
    ConnectionTable t(3, 3);
    const auto a = t.add("10.0.0.1");
    const auto b = t.add("10.0.0.2");
    const auto c = t.add("10.0.0.3");
    t.set_idle(a, false);  // a is being served: never displaced
    t.set_idle(b, false);
    t.set_idle(b, true);  // b idle again, after c
    const auto admission = t.admit("10.0.0.4");
    EXPECT_TRUE(admission.accept);
    EXPECT_EQ(admission.evict, c);
    EXPECT_EQ(t.size(), 2u);
    t.add("10.0.0.4");
    EXPECT_EQ(t.admit("10.0.0.5").evict, b);
}

TEST(ConnectionTable, AnAddressOverItsCapDisplacesOnlyItsOwn) {
    ConnectionTable t(100, 2);
    const auto other = t.add("10.0.0.9");
    const auto first = t.add("10.0.0.1");
    t.add("10.0.0.1");
    (void)other;
    const auto admission = t.admit("10.0.0.1");
    EXPECT_TRUE(admission.accept);
    EXPECT_EQ(admission.evict, first);  // not `other`, though it waited longer
}

TEST(ConnectionTable, WithNoneIdleTheNewcomerIsRefused) {
    ConnectionTable t(2, 2);
    t.set_idle(t.add("10.0.0.1"), false);
    t.set_idle(t.add("10.0.0.2"), false);
    EXPECT_FALSE(t.admit("10.0.0.3").accept);
    ConnectionTable per(10, 1);
    per.set_idle(per.add("10.0.0.1"), false);
    per.add("10.0.0.2");  // idle, but another address's
    EXPECT_FALSE(per.admit("10.0.0.1").accept);
}

TEST(ConnectionTable, ThousandIdleConnectionsDoNotKeepANewOneOut) {
    ConnectionTable t(1000, 1000);
    std::vector<ConnectionTable::Id> idle;
    for (int i = 0; i < 1000; ++i) idle.push_back(t.add("10.0.0.1"));
    const auto admission = t.admit("10.0.0.1");
    EXPECT_TRUE(admission.accept);
    EXPECT_EQ(admission.evict, idle.front());
    t.remove(idle.back());
    EXPECT_EQ(t.size(), 998u);
    EXPECT_EQ(t.count_from("10.0.0.1"), 998u);
}

}  // namespace
