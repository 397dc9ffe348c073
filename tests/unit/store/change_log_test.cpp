// The change log (SQLite's schema version 3, PostgreSQL's 1) and changes_since: a snapshot
// brought up to date from it is exactly the snapshot a full load gives, on each engine.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "change_log_support.hpp"
#include "shared/store/snapshot.hpp"
#include "shared/store/sqlite_schema.hpp"
#include "shared/store/sqlite_store.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;
using test::caught_up;
using test::expect_same_snapshot;
using test::full;

class ChangeLog : public ::testing::TestWithParam<test::Engine> {};
INSTANTIATE_TEST_SUITE_P(Engines, ChangeLog, test::all_engines(), test::engine_name);

TEST_P(ChangeLog, NothingChangedGivesNoChanges) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:a@x", "a@x"));
    const auto changes = store->changes_since(store->generation(), 10);
    ASSERT_TRUE(changes);
    EXPECT_EQ(changes->generation, store->generation());
    EXPECT_TRUE(changes->changes.empty());
}

TEST_P(ChangeLog, ListsEachChangedAorOnceWithItsBindingNow) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:a@x", "a@x", {{"+1"}}));
    store->add(binding("sip:b@x", "b@x"));
    const auto before = store->generation();
    // The number moves from a to b; a is then removed.
    store->put(binding("sip:a@x", "a@x"));
    store->put(binding("sip:b@x", "b@x", {{"+1"}}));
    store->remove("sip:a@x");
    store->add(binding("sip:c@x", "c@x"));
    const auto changes = store->changes_since(before, 10);
    ASSERT_TRUE(changes);
    EXPECT_EQ(changes->generation, store->generation());
    std::map<std::string, std::optional<Binding>> got;
    for (const auto& c : changes->changes) EXPECT_TRUE(got.emplace(c.aor, c.binding).second);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_FALSE(got["sip:a@x"]);
    ASSERT_TRUE(got["sip:b@x"]);
    EXPECT_EQ(got["sip:b@x"]->numbers.size(), 1u);
    EXPECT_TRUE(got["sip:c@x"]);
}

TEST_P(ChangeLog, RandomWritesThroughTheStoreMatchAFullLoad) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    std::vector<Binding> initial;
    for (int i = 0; i < 200; ++i) {
        const auto n = std::to_string(i);
        initial.push_back(binding("sip:u" + n + "@x", "u" + n + "@x", {{"+1" + n}}));
    }
    store->import(initial);
    auto snapshot = full(*store);
    std::mt19937 random(7);
    std::set<std::string> keys;
    int next = 1000;
    const auto pick = [&] { return "sip:u" + std::to_string(random() % 260) + "@x"; };
    for (int round = 0; round < 150; ++round) {
        const int writes = 1 + round % 5;
        for (int w = 0; w < writes; ++w) {
            const auto aor = pick();
            const auto n = std::to_string(next++);
            keys.insert({aor, "j" + n + "@x", "+2" + n});
            try {
                switch (random() % 5) {
                    case 0:
                        store->remove(aor);
                        break;
                    case 1:  // a renamed JID
                        if (auto b = store->find_by_aor(aor)) {
                            b->jid = "j" + n + "@x";
                            store->put(*b);
                        }
                        break;
                    case 2: {  // a number taken from another binding
                        auto from = store->find_by_aor(pick());
                        if (!from || from->aor == aor || from->numbers.empty()) break;
                        auto to = store->find_by_aor(aor);
                        if (!to) break;
                        to->numbers.push_back(from->numbers.back());
                        from->numbers.pop_back();
                        store->import({*from, *to});  // one transaction, as an import would
                        break;
                    }
                    case 3:
                        store->set_verification(
                            aor, round % 2 ? Verification::Admin : Verification::Directory);
                        break;
                    default:  // (re)added
                        store->put(binding(aor, "k" + n + "@x", {{"+2" + n}}));
                        break;
                }
            } catch (const BindingError&) {
                // A clash with another binding's JID: the store refused it, nothing changed.
            }
        }
        auto next_snapshot = caught_up(*store, *snapshot);
        ASSERT_TRUE(next_snapshot) << round;
        const auto want = full(*store);
        EXPECT_EQ(next_snapshot->generation(), want->generation());
        expect_same_snapshot(*next_snapshot, *want, keys);
        if (HasFatalFailure()) return;
        snapshot = next_snapshot;
    }
}

TEST_P(ChangeLog, AGapThePrunedLogNoLongerCoversIsReported) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x"));
    const auto old = store->generation();
    std::vector<Binding> many;
    for (int i = 0; i < 40'000; ++i) {
        const auto n = std::to_string(i);
        many.push_back(binding("sip:u" + n + "@x", "u" + n + "@x", {{"+1" + n}}));
    }
    store->import(many);  // 80,000 log rows: the oldest are pruned
    EXPECT_FALSE(store->changes_since(old, 1'000'000));
    // Recent history is still there.
    const auto recent = store->generation();
    store->remove("sip:u1@x");
    const auto changes = store->changes_since(recent, 10);
    ASSERT_TRUE(changes);
    EXPECT_EQ(changes->changes.size(), 1u);
}

TEST_P(ChangeLog, MoreChangedAorsThanTheLimitAreReported) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    const auto before = store->generation();
    for (int i = 0; i < 5; ++i) {
        store->add(binding("sip:u" + std::to_string(i) + "@x", "u" + std::to_string(i) + "@x"));
    }
    EXPECT_FALSE(store->changes_since(before, 4));
    ASSERT_TRUE(store->changes_since(before, 5));
}

TEST(SqliteChangeLog, AStoreMigratedFromVersion2LogsFromThenOn) {
    test::TempDir dir;
    const auto path = dir.file("s.db");
    {
        auto store = open_store(test::sqlite_settings(path));
        store->add(binding("sip:a@x", "a@x"));
    }
    // Back to version 2 as an older cusax left it: no log, the version 2 triggers.
    test::raw_sql(path,
                  "DROP TABLE changes; DROP TRIGGER bindings_inserted; "
                  "CREATE TRIGGER bindings_inserted AFTER INSERT ON bindings BEGIN UPDATE "
                  "generation SET value = value + 1 WHERE id = 1; END; PRAGMA user_version = 2;");
    {
        SqliteStore old(test::sqlite_settings(path));
        EXPECT_FALSE(old.changes_since(0, 10));  // not migrated: no log to read
    }
    auto store = open_store(test::sqlite_settings(path));
    EXPECT_EQ(store->schema_version(), sqlite::current_schema_version());
    auto base = full(*store);
    EXPECT_EQ(base->size(), 1u);
    EXPECT_FALSE(store->changes_since(base->generation() - 1, 10));  // before the log began
    store->add(binding("sip:b@x", "b@x"));
    auto next = caught_up(*store, *base);
    ASSERT_TRUE(next);
    expect_same_snapshot(*next, *full(*store));
}

}  // namespace
}  // namespace cusax::store
