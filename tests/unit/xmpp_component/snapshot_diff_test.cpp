// The bindings two snapshots differ by, found by walking them in step: exact after an apply,
// everything (or, past the limit, nothing) for snapshots that share no binding.
#include "xmpp-component/snapshot_diff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cusax::xmpp {
namespace {

store::Binding binding(const std::string& user, const std::string& name = "") {
    store::Binding b;
    b.aor = "sip:" + user + "@sip.example.com";
    b.jid = user + "@xmpp.example.com";
    b.display_name = name;
    return b;
}

std::vector<store::Binding> users(int count) {
    std::vector<store::Binding> out;
    for (int i = 0; i < count; ++i) out.push_back(binding("user" + std::to_string(i)));
    return out;
}

std::vector<std::string> aors(const std::vector<const store::BindingView*>& views) {
    std::vector<std::string> out;
    for (const auto* v : views) out.emplace_back(v->aor);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(SnapshotDiff, AfterAnApplyExactlyWhatChanged) {
    const auto before = store::Snapshot::build(users(3000), 1);
    const auto after = store::Snapshot::apply(
        *before,
        {{"sip:user7@sip.example.com", std::nullopt},                        // removed
         {"sip:user2000@sip.example.com", binding("user2000", "New name")},  // changed
         {"sip:new1@sip.example.com", binding("new1")},                      // added
         {"sip:new2@sip.example.com", binding("new2")}},
        2);
    const auto diff = diff_snapshots(*before, *after, 100);
    ASSERT_TRUE(diff);
    EXPECT_EQ(aors(diff->removed), (std::vector<std::string>{"sip:user2000@sip.example.com",
                                                             "sip:user7@sip.example.com"}));
    EXPECT_EQ(aors(diff->added),
              (std::vector<std::string>{"sip:new1@sip.example.com", "sip:new2@sip.example.com",
                                        "sip:user2000@sip.example.com"}));
    for (const auto* v : diff->removed) EXPECT_EQ(before->by_aor(v->aor), v);
    for (const auto* v : diff->added) EXPECT_EQ(after->by_aor(v->aor), v);
    EXPECT_EQ(after->by_aor("sip:user2000@sip.example.com")->display_name, "New name");
}

TEST(SnapshotDiff, ASnapshotAgainstItselfDiffersInNothing) {
    const auto snapshot = store::Snapshot::build(users(100), 1);
    const auto diff = diff_snapshots(*snapshot, *snapshot, 0);
    ASSERT_TRUE(diff);
    EXPECT_TRUE(diff->removed.empty());
    EXPECT_TRUE(diff->added.empty());
}

TEST(SnapshotDiff, SnapshotsThatShareNothingDifferInEveryBindingOrGiveUp) {
    const auto before = store::Snapshot::build(users(50), 1);
    const auto after = store::Snapshot::build(users(50), 2);  // the same bindings, loaded again
    const auto diff = diff_snapshots(*before, *after, 100);
    ASSERT_TRUE(diff);
    EXPECT_EQ(diff->removed.size(), 50u);
    EXPECT_EQ(diff->added.size(), 50u);
    EXPECT_FALSE(diff_snapshots(*before, *after, 99));
}

}  // namespace
}  // namespace cusax::xmpp
