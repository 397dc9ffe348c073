// An import of more rows than the change log keeps (issue 21): one gap in the log instead of a
// row per binding and number. Readers reload in full once, the writes after it are logged
// again, and a failed one leaves the log and its triggers as they were.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <algorithm>
#include <string>
#include <thread>

#include "bulk_import_support.hpp"
#include "change_log_support.hpp"
#include "shared/log/log.hpp"
#include "shared/store/snapshot.hpp"
#include "shared/store/snapshot_watcher.hpp"
#include "shared/store/sqlite_handles.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using namespace std::chrono_literals;
using test::binding;
using test::bulk;
using test::caught_up;
using test::full;
using test::trigger_sql;

class BulkImport : public ::testing::TestWithParam<test::Engine> {};
INSTANTIATE_TEST_SUITE_P(Engines, BulkImport, test::all_engines(), test::engine_name);

// SQLite: an import that would log more rows than the log keeps. PostgreSQL logs a statement's
// rows at once (pg_schema.cpp): each of the import's statements past 65,536 rows empties the
// log, hence 70,000 bindings here, on both.
TEST_P(BulkImport, LeavesOneGapNotALogRowPerBindingAndNumber) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x", {{"+2"}}));
    const auto before = store->generation();
    store->import(bulk(70'000));
    const auto after = store->generation();

    EXPECT_EQ(target.query_int("SELECT count(*) FROM changes"), 0);
    if (GetParam() == test::Engine::sqlite) {
        EXPECT_EQ(after, before + 1);  // one generation for the whole import
    }
    // A reader of the store before the import cannot catch up through the log: it reloads in
    // full. (No reader ever sees a generation between, inside the import's transaction.)
    EXPECT_FALSE(store->changes_since(before, 1'000'000));

    // The log goes on after it: every kind of write reaches a snapshot taken after the
    // import through the log alone (the change triggers, on both tables, are all back).
    const auto base = full(*store);
    store->put(binding("sip:u1@x", "renamed@x", {{"+3"}, {"+4"}}));  // update, numbers replaced
    store->add(binding("sip:new@x", "new@x", {{"+5"}}));             // insert
    store->remove("sip:u2@x");                                       // delete, numbers with it
    store->set_verification("sip:u3@x", Verification::Admin);
    const auto next = caught_up(*store, *base);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->generation(), store->generation());
    test::expect_same_snapshot(*next, *full(*store), {"renamed@x", "u1@x", "u2@x", "+11", "+12"});
    EXPECT_GE(target.query_int("SELECT count(*) FROM changes"), 4);
}

// A small import is still logged row by row: the daemons catch up without a full reload.
TEST_P(BulkImport, ASmallImportIsLoggedRowByRow) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x"));
    const auto base = full(*store);
    store->import(bulk(100));
    EXPECT_GE(target.query_int("SELECT count(*) FROM changes"), 200);
    const auto next = caught_up(*store, *base);
    ASSERT_TRUE(next);
    test::expect_same_snapshot(*next, *full(*store), {});
}

TEST_P(BulkImport, AFailedOneLeavesTheLogAsItWas) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x", {{"+2"}}));
    const auto base = full(*store);
    const auto logged = target.query_int("SELECT count(*) FROM changes");
    auto rows = bulk();
    rows.back().jid = "first@x";  // the last row takes a JID bound to another AOR
    EXPECT_THROW(store->import(rows), ImportError);
    EXPECT_EQ(store->generation(), base->generation());
    EXPECT_EQ(target.query_int("SELECT count(*) FROM changes"), logged);
    // Still logging: a change after it is caught up through the log.
    store->add(binding("sip:after@x", "after@x"));
    const auto next = caught_up(*store, *base);
    ASSERT_TRUE(next);
    test::expect_same_snapshot(*next, *full(*store), {});
}

// Single-row writes by another connection while a bulk import runs wait for it or go before it;
// none is lost, and a watcher that ran throughout ends with what a full load reads.
TEST_P(BulkImport, WritesOfAnotherConnectionMeanwhileAreNotLost) {
    test::StoreTarget target(GetParam());
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x"));
    SnapshotWatcher watcher([s = target.settings(true)] { return open_store(s); }, 20ms);
    std::exception_ptr failed;
    std::thread other([&] {
        try {
            auto writer = open_store(target.settings());
            for (int i = 0; i < 20; ++i) {
                const auto n = std::to_string(i);
                // SQLite gives up on the write lock after its busy timeout (5 s), which a
                // loaded machine could reach: the writer is told, and tries again.
                for (int attempt = 0;; ++attempt) {
                    try {
                        writer->add(
                            binding("sip:other" + n + "@x", "other" + n + "@x", {{"+9" + n}}));
                        break;
                    } catch (const sqlite::SqliteError& e) {
                        if ((e.code & 0xff) != SQLITE_BUSY || attempt == 10) throw;
                    }
                }
            }
        } catch (...) {
            failed = std::current_exception();
        }
    });
    store->import(bulk());
    other.join();
    ASSERT_FALSE(failed);
    const auto want = full(*store);
    EXPECT_EQ(want->size(), 40'021u);
    for (int i = 0; i < 20; ++i) {
        EXPECT_NE(want->by_aor("sip:other" + std::to_string(i) + "@x"), nullptr) << i;
    }
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (watcher.current()->generation() != want->generation() &&
           std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_EQ(watcher.current()->generation(), want->generation());
    test::expect_same_snapshot(*watcher.current(), *want);
}

// SQLite drops the change triggers inside the import's transaction: whether it commits or rolls
// back, the file's triggers are then exactly what they were.
TEST(SqliteBulkImport, TheTriggersAreAsTheyWereAfterItCommitsOrFails) {
    test::StoreTarget target(test::Engine::sqlite);
    auto store = open_store(target.settings());
    store->add(binding("sip:first@x", "first@x"));
    const auto triggers = trigger_sql(target.path());
    ASSERT_NE(triggers.find("bindings_inserted"), std::string::npos);
    ASSERT_NE(triggers.find("numbers_deleted"), std::string::npos);
    store->import(bulk());
    EXPECT_EQ(trigger_sql(target.path()), triggers);
    auto rows = bulk();
    rows.back().jid = "first@x";
    EXPECT_THROW(store->import(rows), ImportError);
    EXPECT_EQ(trigger_sql(target.path()), triggers);
}

// A daemon's watcher on the store: the import reaches it as one full reload, the next change
// as an incremental one again.
TEST(SqliteBulkImport, AWatcherReloadsInFullOnceAndThenFollowsTheLog) {
    auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
    log::setup_with_sink({"test", log::Level::info, log::Format::text, ""}, sink);
    const auto published = [&](std::string_view mode) {
        const auto lines = sink->last_formatted();
        return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.find("store.snapshot_published") != std::string::npos &&
                   l.find(mode) != std::string::npos;
        });
    };
    const auto eventually = [](auto condition) {
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (!condition()) {
            if (std::chrono::steady_clock::now() > until) return false;
            std::this_thread::sleep_for(5ms);
        }
        return true;
    };
    {
        test::StoreTarget target(test::Engine::sqlite);
        auto writer = open_store(target.settings());
        writer->add(binding("sip:first@x", "first@x"));
        SnapshotWatcher watcher([s = target.settings(true)] { return open_store(s); }, 20ms);
        ASSERT_EQ(published("mode=full"), 1);

        writer->import(bulk());
        const auto imported = writer->generation();
        ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == imported; }));
        EXPECT_EQ(watcher.current()->size(), 40'001u);
        ASSERT_TRUE(eventually([&] { return published("mode=full") == 2; }));

        writer->add(binding("sip:after@x", "after@x"));
        const auto added = writer->generation();
        ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == added; }));
        ASSERT_TRUE(eventually([&] { return published("mode=incremental") == 1; }));
        EXPECT_EQ(published("mode=full"), 2);  // the import's one full reload, no other
    }
    log::setup({});
}

}  // namespace
}  // namespace cusax::store
