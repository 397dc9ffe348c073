// Review rev19: what an operator may do to the PostgreSQL store by hand, and what the daemons'
// snapshot watcher must still see.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "shared/store/snapshot_watcher.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using namespace std::chrono_literals;
using test::binding;
using test::Engine;
using test::StoreTarget;

template <typename Condition>
bool eventually(Condition condition) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// "TRUNCATE bindings CASCADE" then "cusaxctl import new.csv" is how a hurried operator
// replaces every binding. TRUNCATE fires no DELETE trigger: before the fix the generation did
// not move, so the daemons kept serving every truncated binding (and, after a small import,
// every binding the new file no longer has) until they were restarted.
TEST(PgReview, ATruncateByHandReachesTheDaemons) {
    StoreTarget target(Engine::postgresql);
    auto writer = open_store(target.settings());
    writer->add(binding("sip:alice@example.com", "alice@example.com", {{"+4930123456"}}));
    writer->add(binding("sip:bob@example.com", "bob@example.com"));
    SnapshotWatcher watcher([s = target.settings(true)] { return open_store(s); }, 20ms);
    ASSERT_NE(watcher.current()->by_aor("sip:alice@example.com"), nullptr);

    target.sql("TRUNCATE bindings CASCADE");
    writer->import({binding("sip:carol@example.com", "carol@example.com")});

    ASSERT_TRUE(
        eventually([&] { return watcher.current()->by_aor("sip:carol@example.com") != nullptr; }));
    EXPECT_TRUE(eventually([&] {
        const auto s = watcher.current();
        return !s->by_aor("sip:alice@example.com") && !s->by_number("+4930123456") &&
               !s->by_aor("sip:bob@example.com");
    })) << "the daemons still serve bindings the store no longer has";
}

// A standby promoted after the primary was lost (asynchronous replication) is a physical copy:
// the same store_id, the same database oid, and the last commits missing. Simulated with a copy
// of the data directory taken before "bob" was added; "carol" is written into the copy (the
// promoted standby's first write, made before the daemon reconnects: here in single-user mode,
// so nothing races) and takes the very generation number bob had. Identity and generation
// alike, so the watcher must read the store in full after reconnecting to see that bob is gone
// and carol is there.
TEST(PgReview, AStandbyThatLostTheLastCommitIsNotMistakenForTheSameHistory) {
    test::PostgresServer server;
    const auto conninfo = server.create_database();
    auto database = conninfo.substr(conninfo.find("dbname=") + 7);
    database = database.substr(0, database.find(' '));
    StoreSettings settings;
    settings.backend = "postgresql";
    settings.conninfo = conninfo;
    auto reader_settings = settings;
    reader_settings.read_only = true;
    open_store(settings)->add(binding("sip:alice@example.com", "alice@example.com"));

    const auto data = server.data_dir().string();
    const auto standby = data + ".standby";
    server.stop();
    ASSERT_EQ(std::system(("cp -a " + data + " " + standby).c_str()), 0);
    server.start();

    SnapshotWatcher watcher([reader_settings] { return open_store(reader_settings); }, 20ms);
    open_store(settings)->add(binding("sip:bob@example.com", "bob@example.com"));
    ASSERT_TRUE(eventually([&] { return watcher.current()->by_aor("sip:bob@example.com"); }));

    const auto as_server_user = ::geteuid() == 0 ? std::string("runuser -u postgres -- ") : "";
    ASSERT_EQ(std::system(("echo \"INSERT INTO bindings (aor, jid) VALUES "
                           "('sip:carol@example.com', 'carol@example.com')\" | " +
                           as_server_user + "/usr/lib/postgresql/15/bin/postgres --single -D " +
                           standby + " " + database + " >/dev/null")
                              .c_str()),
              0);
    server.stop();  // the primary is lost; the standby, without bob, with carol, takes over
    ASSERT_EQ(std::system(("rm -rf " + data + " && mv " + standby + " " + data).c_str()), 0);
    server.start();

    EXPECT_TRUE(eventually([&] {
        const auto s = watcher.current();
        return s->by_aor("sip:carol@example.com") && !s->by_aor("sip:bob@example.com");
    })) << "the watcher serves a history the store no longer has";
}

// Writers on several connections at once, as cusaxctl on several hosts: each change is
// applied by the watcher exactly as a full load has it, whatever order the transactions
// committed in (a log read by "id > last seen" skips a change whose id was taken before a
// higher one but committed after it; the generation row's lock is meant to rule that out).
TEST(PgReview, ConcurrentWritersAreAllCaughtUp) {
    StoreTarget target(Engine::postgresql);
    open_store(target.settings());  // created before the watcher reads it
    SnapshotWatcher watcher([s = target.settings(true)] { return open_store(s); }, 20ms);
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            auto store = open_store(target.settings());
            for (int i = 0; i < 60; ++i) {
                const auto n = std::to_string((i * 7 + w) % 40);
                const auto aor = "sip:u" + n + "@example.com";
                try {
                    if (i % 9 == 8) {
                        store->remove(aor);
                    } else {
                        store->put(binding(aor, "u" + n + "@example.com",
                                           {{"+49" + n + std::to_string(w)}}));
                    }
                } catch (const StoreError&) {
                    // a number or JID another writer holds at that moment: refused, fine
                }
            }
        });
    }
    for (auto& t : writers) t.join();
    auto reader = open_store(target.settings(true));
    const auto want = reader->generation();
    ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == want; }));
    test::expect_same_snapshot(*watcher.current(), *Snapshot::build(reader->load_all(), want));
}

}  // namespace
}  // namespace cusax::store
