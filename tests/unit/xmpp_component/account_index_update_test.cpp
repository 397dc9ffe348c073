// AccountIndex::next: the index made from the previous one by the bindings that changed
// answers exactly as a full build of the new snapshot would, across many changes (case-mapped
// clashes, other hosts, numbers, removals that empty whole chunks), and takes in only what
// changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "xmpp-component/account_index.hpp"

namespace cusax::xmpp {
namespace {

constexpr const char* kDomain = "sip.example.com";

// Three AORs per user number: two that clash once case-mapped, one on another host.
std::string aor_of(int user, int variant) {
    const std::string n = std::to_string(user);
    switch (variant) {
        case 0:
            return "sip:user" + n + "@sip.example.com";
        case 1:
            return "sip:User" + n + "@sip.example.com";
        default:
            return "sip:user" + n + "@pbx.example.org";
    }
}

store::Binding binding_of(int user, int variant, int version = 0) {
    store::Binding b;
    b.aor = aor_of(user, variant);
    b.jid = std::to_string(user) + "-" + std::to_string(variant) + "@xmpp.example.com";
    b.display_name = "v" + std::to_string(version);
    char number[32];
    std::snprintf(number, sizeof number, "+1555%06d%d", user, variant);
    b.numbers = {store::PhoneNumber{number, true, false}};
    return b;
}

using Listing = std::vector<std::pair<std::string, std::string>>;  // JID, AOR

Listing listing(const AccountIndex& index) {
    Listing out;
    for (const auto& e : index.accounts()) {
        // Every binding handed out is one of the index's own snapshot.
        EXPECT_EQ(index.snapshot().by_aor(e.binding->aor), e.binding) << e.jid;
        out.emplace_back(std::string(e.jid), std::string(e.binding->aor));
    }
    return out;
}

// Answers as a full build of the same snapshot: the listing, the count and every look-up.
void expect_as_full_build(const AccountIndex& index, int users) {
    const AccountIndex full(index.snapshot_ptr(), kDomain);
    const Listing want = listing(full);
    ASSERT_EQ(listing(index), want);
    EXPECT_EQ(index.account_count(), want.size());
    EXPECT_EQ(index.accounts().size(), want.size());
    for (int u = 0; u < users; ++u) {
        for (int v = 0; v < 3; ++v) {
            const auto jid = *account_jid_for_aor(aor_of(u, v), kDomain);
            const auto* got = index.find(jid);
            const auto* expected = full.find(jid);
            ASSERT_EQ(got == nullptr, expected == nullptr) << jid;
            if (got) {
                EXPECT_EQ(got->aor, expected->aor) << jid;
            }
        }
    }
}

// A store of users that changes at random, as the watcher would apply it.
class ChangingStore {
  public:
    explicit ChangingStore(int users) : users_(users) {
        std::vector<store::Binding> initial;
        for (int u = 0; u < users; ++u) {
            for (int v = 0; v < 3; ++v) {
                if (random_() % 10 < 6) {
                    initial.push_back(binding_of(u, v));
                    present_[{u, v}] = 0;
                }
            }
        }
        snapshot_ = store::Snapshot::build(std::move(initial), 1);
    }

    // Changes `count` random AORs (added when absent, else removed or changed); returns how
    // many bindings came and went (a changed one both).
    std::size_t change_random(int count) {
        std::set<std::pair<int, int>> picked;
        while (static_cast<int>(picked.size()) < count) {
            picked.insert({static_cast<int>(random_() % users_), static_cast<int>(random_() % 3)});
        }
        return change({picked.begin(), picked.end()}, false);
    }

    // Removes every AOR of users [from, to).
    std::size_t remove_range(int from, int to) {
        std::vector<std::pair<int, int>> picked;
        for (int u = from; u < to; ++u) {
            for (int v = 0; v < 3; ++v) picked.push_back({u, v});
        }
        return change(picked, true);
    }

    const std::shared_ptr<const store::Snapshot>& snapshot() const { return snapshot_; }

  private:
    std::size_t change(const std::vector<std::pair<int, int>>& picked, bool remove_only) {
        std::vector<store::BindingChange> changes;
        std::size_t moved = 0;
        for (const auto& key : picked) {
            const auto it = present_.find(key);
            const bool remove = it != present_.end() && (remove_only || random_() % 2 == 0);
            if (remove) {
                changes.push_back({aor_of(key.first, key.second), std::nullopt});
                present_.erase(it);
                moved += 1;
            } else if (!remove_only) {
                const int version = it == present_.end() ? 0 : it->second + 1;
                moved += it == present_.end() ? 1 : 2;
                changes.push_back(
                    {aor_of(key.first, key.second), binding_of(key.first, key.second, version)});
                present_[key] = version;
            }
        }
        snapshot_ = store::Snapshot::apply(*snapshot_, changes, snapshot_->generation() + 1);
        return moved;
    }

    int users_;
    std::mt19937 random_{21};
    std::map<std::pair<int, int>, int> present_;  // the version of each AOR present
    std::shared_ptr<const store::Snapshot> snapshot_;
};

TEST(AccountIndexUpdate, AnswersAsAFullBuildAfterEachChange) {
    constexpr int kUsers = 4000;  // about 7200 bindings: several chunks
    ChangingStore store(kUsers);
    auto index = std::make_shared<const AccountIndex>(store.snapshot(), kDomain);
    expect_as_full_build(*index, kUsers);
    for (int round = 0; round < 30; ++round) {
        // Mostly small changes; now and then a large one, and removals of a thousand users
        // (user1000 to user1999 are most of the JIDs from user1 to user2 in JID order) that
        // leave chunks too small to stand alone.
        const int thousand = 1 + round / 10;
        const std::size_t moved = round % 10 == 9
                                      ? store.remove_range(thousand * 1000, thousand * 1000 + 1000)
                                  : round % 10 == 4 ? store.change_random(400)
                                                    : store.change_random(1 + round % 7);
        index = index->next(store.snapshot());
        EXPECT_TRUE(index->incremental()) << round;
        EXPECT_EQ(index->changed(), moved) << round;
        expect_as_full_build(*index, kUsers);
        if (::testing::Test::HasFailure()) FAIL() << "round " << round;
    }
}

// user00000 to user09999 are in JID order as in number order: a run of removals takes most of
// a stretch of the index, whatever the cut of its chunks, and then its very end.
TEST(AccountIndexUpdate, RemovalsOfLongRunsLeaveAnIndexAsAFullBuild) {
    const auto padded = [](int i) {
        char user[32];
        std::snprintf(user, sizeof user, "user%05d", i);
        store::Binding b;
        b.aor = std::string("sip:") + user + "@sip.example.com";
        b.jid = std::string(user) + "@xmpp.example.com";
        return b;
    };
    std::vector<store::Binding> bindings;
    for (int i = 0; i < 10000; ++i) bindings.push_back(padded(i));
    auto snapshot = store::Snapshot::build(std::move(bindings), 1);
    auto index = std::make_shared<const AccountIndex>(snapshot, kDomain);
    for (const auto& [from, to] : {std::pair{1000, 1900}, std::pair{9050, 10000}}) {
        std::vector<store::BindingChange> changes;
        for (int i = from; i < to; ++i) changes.push_back({padded(i).aor, std::nullopt});
        snapshot = store::Snapshot::apply(*snapshot, changes, snapshot->generation() + 1);
        index = index->next(snapshot);
        EXPECT_TRUE(index->incremental());
        EXPECT_EQ(index->changed(), changes.size());
        const AccountIndex full(snapshot, kDomain);
        EXPECT_EQ(listing(*index), listing(full));
        EXPECT_EQ(index->account_count(), full.account_count());
        EXPECT_EQ(index->find("user01899@sip.example.com"), nullptr);
        ASSERT_NE(index->find("user01900@sip.example.com"), nullptr);
        EXPECT_EQ(index->find("user01900@sip.example.com")->aor, "sip:user01900@sip.example.com");
    }
    EXPECT_EQ(index->account_count(), 10000u - 900 - 950);
}

TEST(AccountIndexUpdate, OneChangedBindingIsAllThatIsTakenIn) {
    std::vector<store::Binding> bindings;
    for (int u = 0; u < 5000; ++u) bindings.push_back(binding_of(u, 0));
    auto snapshot = store::Snapshot::build(std::move(bindings), 1);
    const auto first = std::make_shared<const AccountIndex>(snapshot, kDomain);
    EXPECT_FALSE(first->incremental());
    EXPECT_EQ(first->changed(), 5000u);  // a full build takes in every binding

    snapshot = store::Snapshot::apply(*snapshot, {{aor_of(9000, 0), binding_of(9000, 0)}}, 2);
    const auto second = first->next(snapshot);
    EXPECT_TRUE(second->incremental());
    EXPECT_EQ(second->changed(), 1u);
    ASSERT_NE(second->find("user9000@sip.example.com"), nullptr);
    EXPECT_EQ(second->account_count(), 5001u);
    EXPECT_EQ(first->find("user9000@sip.example.com"), nullptr);  // the first one is unchanged
    EXPECT_EQ(first->account_count(), 5000u);
}

// The router refreshes from the watcher's current snapshot, which can be several applies past
// the index's own, and an apply packs its table after many removals (Snapshot::apply): the
// bindings both snapshots share keep their order all the same (snapshot_diff.hpp), so the
// index is still made from the changes alone, and a binding that came and went in between is
// not among them.
TEST(AccountIndexUpdate, SeveralAppliesLaterAndThroughAPackedTableOnlyTheChanges) {
    std::vector<store::Binding> bindings;
    for (int u = 0; u < 6000; ++u) bindings.push_back(binding_of(u, u % 3));
    auto snapshot = store::Snapshot::build(std::move(bindings), 1);
    const auto first = std::make_shared<const AccountIndex>(snapshot, kDomain);

    // A binding comes (to go again), one changes.
    snapshot = store::Snapshot::apply(
        *snapshot, {{aor_of(7000, 0), binding_of(7000, 0)}, {aor_of(1, 1), binding_of(1, 1, 1)}},
        2);
    // 4,000 go, more than stay: the table is packed. The newcomer goes, another comes.
    std::vector<store::BindingChange> changes;
    for (int u = 1000; u < 5000; ++u) changes.push_back({aor_of(u, u % 3), std::nullopt});
    changes.push_back({aor_of(7000, 0), std::nullopt});
    changes.push_back({aor_of(7001, 0), binding_of(7001, 0)});
    snapshot = store::Snapshot::apply(*snapshot, changes, 3);
    snapshot = store::Snapshot::apply(*snapshot, {{aor_of(2, 2), binding_of(2, 2, 1)}}, 4);

    const auto index = first->next(snapshot);
    EXPECT_TRUE(index->incremental());
    // 4,000 gone, two changed (each one out, one in), one new.
    EXPECT_EQ(index->changed(), 4000u + 2 * 2 + 1);
    expect_as_full_build(*index, 7002);
    EXPECT_EQ(index->find(*account_jid_for_aor(aor_of(7000, 0), kDomain)), nullptr);
    ASSERT_NE(index->find(*account_jid_for_aor(aor_of(7001, 0), kDomain)), nullptr);
    EXPECT_EQ(index->find(*account_jid_for_aor(aor_of(2, 2), kDomain))->display_name, "v1");
    EXPECT_EQ(index->account_count(), 2001u);
}

TEST(AccountIndexUpdate, ASnapshotSharingNothingIsIndexedAfresh) {
    std::vector<store::Binding> bindings;
    for (int u = 0; u < 5000; ++u) bindings.push_back(binding_of(u, u % 3));
    const auto first =
        std::make_shared<const AccountIndex>(store::Snapshot::build(bindings, 1), kDomain);
    bindings.pop_back();
    const auto reloaded = first->next(store::Snapshot::build(bindings, 2));  // a full reload
    EXPECT_FALSE(reloaded->incremental());
    EXPECT_EQ(reloaded->account_count(), 4999u);
    expect_as_full_build(*reloaded, 5000);
}

TEST(AccountIndexUpdate, TheNextInAorOrderTakesOverAClashedName) {
    auto snapshot = store::Snapshot::build({binding_of(1, 0), binding_of(1, 1)}, 1);
    auto index = std::make_shared<const AccountIndex>(snapshot, kDomain);
    EXPECT_EQ(index->find("user1@sip.example.com")->aor, "sip:User1@sip.example.com");
    EXPECT_EQ(index->account_count(), 1u);
    snapshot = store::Snapshot::apply(*snapshot, {{aor_of(1, 1), std::nullopt}}, 2);
    index = index->next(snapshot);
    EXPECT_TRUE(index->incremental());
    EXPECT_EQ(index->find("user1@sip.example.com")->aor, "sip:user1@sip.example.com");
    EXPECT_EQ(index->account_count(), 1u);
    snapshot = store::Snapshot::apply(*snapshot, {{aor_of(1, 0), std::nullopt}}, 3);
    index = index->next(snapshot);
    EXPECT_EQ(index->find("user1@sip.example.com"), nullptr);
    EXPECT_EQ(index->account_count(), 0u);
    EXPECT_EQ(index->accounts().begin(), index->accounts().end());
}

}  // namespace
}  // namespace cusax::xmpp
