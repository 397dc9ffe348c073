#include "shared/store/snapshot_watcher.hpp"

#include <gtest/gtest.h>
#include <spawn.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "shared/log/log.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

extern char** environ;

namespace cusax::store {
namespace {

using namespace std::chrono_literals;
using test::binding;
using test::raw_sql;
using test::sqlite_settings;
using test::TempDir;

constexpr auto kInterval = 20ms;
constexpr auto kDeadline = 3s;  // the only timing the tests rely on

// Polls `condition` until it holds or the deadline passes.
template <typename Condition>
bool eventually(Condition condition) {
    const auto until = std::chrono::steady_clock::now() + kDeadline;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// Captures the log lines the watcher writes; restores a plain logger afterwards.
class WatcherTest : public ::testing::Test {
  protected:
    WatcherTest() {
        log::setup_with_sink({"test", log::Level::info, log::Format::text, ""}, sink_);
        store_ = open_store(settings());
        store_->add(binding("sip:alice@example.com", "alice@example.com", {{"+4930123456"}}));
    }
    ~WatcherTest() override { log::setup({}); }

    StoreSettings settings() const { return sqlite_settings(path_); }
    const std::string& path() const { return path_; }
    BindingStore& writer() { return *store_; }
    SnapshotWatcher::StoreFactory factory() const {
        return [s = settings()] { return open_store(s); };
    }
    std::size_t log_count(std::string_view event) {
        const auto lines = sink_->last_formatted();
        return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](auto& l) {
            return l.find(event) != std::string::npos;
        }));
    }

  private:
    TempDir dir_;
    std::string path_ = dir_.file("bindings.db");
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ =
        std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
    std::unique_ptr<BindingStore> store_;
};

TEST_F(WatcherTest, TheFirstSnapshotIsThereWhenTheConstructorReturns) {
    SnapshotWatcher watcher(factory(), kInterval);
    const auto s = watcher.current();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->size(), 1u);
    EXPECT_NE(s->by_number("+4930123456"), nullptr);
    EXPECT_EQ(s->generation(), writer().generation());
    EXPECT_EQ(log_count("store.snapshot_published count=1 generation="), 1u);
}

TEST_F(WatcherTest, AChangeIsAppliedToThePreviousSnapshotAndMatchesAFullLoad) {
    writer().add(binding("sip:bob@example.com", "bob@example.com", {{"+4940777"}}));
    SnapshotWatcher watcher(factory(), kInterval);
    const auto first = watcher.current();
    const BindingView* alice = first->by_aor("sip:alice@example.com");
    // In one transaction: the number moves from bob to a new binding; bob's JID is renamed.
    writer().import({binding("sip:bob@example.com", "robert@example.com"),
                     binding("sip:carol@example.com", "carol@example.com", {{"+4940777"}})});
    const auto generation = writer().generation();
    ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == generation; }));
    const auto now = watcher.current();
    // Incremental: the binding no change touched is the same entry, not a reloaded copy.
    EXPECT_EQ(now->by_aor("sip:alice@example.com"), alice);
    // The watcher logs a snapshot after publishing it (a reader that sees the line can use
    // the snapshot), so the line may follow the generation seen above: wait for it.
    ASSERT_TRUE(eventually([&] { return log_count("mode=incremental") >= 1; }));
    EXPECT_EQ(log_count("mode=incremental"), 1u);
    const auto full = Snapshot::build(writer().load_all(), generation);
    test::expect_same_snapshot(*now, *full, {"bob@example.com", "robert@example.com"});
    EXPECT_EQ(now->by_number("+4940777")->aor, "sip:carol@example.com");
}

// A running daemon must stop announcing a binding removed or unverified by another program
// (cusaxctl remove / unverify): the incremental apply drops the removed one entirely.
TEST_F(WatcherTest, ARemovalAndAnUnverifyFromAnotherConnectionReachTheIncrementalSnapshot) {
    writer().add(
        binding("sip:bob@example.com", "bob@example.com", {{"+4940777"}}, Verification::Admin));
    writer().add(
        binding("sip:carol@example.com", "carol@example.com", {{"+4940888"}}, Verification::Admin));
    SnapshotWatcher watcher(factory(), kInterval);
    ASSERT_NE(watcher.current()->by_aor("sip:bob@example.com"), nullptr);

    // Another connection, as cusaxctl would be: both changes in one generation each.
    auto other = open_store(settings());
    ASSERT_TRUE(other->remove("sip:bob@example.com"));
    ASSERT_TRUE(other->set_verification("sip:carol@example.com", Verification::Unverified));
    const auto generation = other->generation();
    ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == generation; }));
    ASSERT_TRUE(eventually([&] { return log_count("mode=incremental") >= 1; }))
        << "the change was not applied incrementally, so this test would not test apply";

    const auto now = watcher.current();
    EXPECT_EQ(now->by_aor("sip:bob@example.com"), nullptr);
    EXPECT_EQ(now->by_jid("bob@example.com"), nullptr);
    EXPECT_EQ(now->by_number("+4940777"), nullptr);
    const BindingView* carol = now->by_aor("sip:carol@example.com");
    ASSERT_NE(carol, nullptr);
    EXPECT_EQ(carol->verification, Verification::Unverified);
    EXPECT_FALSE(is_verified(carol->verification));
    const auto full = Snapshot::build(writer().load_all(), generation);
    test::expect_same_snapshot(*now, *full);
}

// The proxy's watcher (sip-proxy/main.cpp): every snapshot it publishes, the first and the
// incremental ones, is in the routing profile it was created with.
TEST_F(WatcherTest, AWatcherKeepsItsProfileAcrossIncrementalRefreshes) {
    SnapshotWatcher watcher(factory(), kInterval, SnapshotProfile::routing);
    const auto first = watcher.current();
    EXPECT_EQ(first->profile(), SnapshotProfile::routing);
    EXPECT_EQ(first->route_by_number("+4930123456")->jid, "");  // unverified
    EXPECT_EQ(log_count("profile=routing"), 1u);
    writer().set_verification("sip:alice@example.com", Verification::Admin);
    const auto generation = writer().generation();
    ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == generation; }));
    const auto now = watcher.current();
    EXPECT_EQ(now->profile(), SnapshotProfile::routing);
    EXPECT_EQ(now->route_by_aor("sip:alice@example.com")->jid, "alice@example.com");
    ASSERT_TRUE(eventually([&] { return log_count("mode=incremental") >= 1; }));
    EXPECT_EQ(log_count("profile=full"), 0u);
}

// The store sets no limit on the numbers of one binding (a PBX's block of DIDs); a routing
// entry counts them in 16 bits. A binding of 65,536 numbers must neither stop the proxy's
// watcher from following the store (a binding unverified afterwards must stop being
// announced: RFC 7081 §3.5) nor stop a proxy from starting on that store.
TEST_F(WatcherTest, ABindingOfMoreNumbersThanARoutingEntryCountsDoesNotStopTheProxysSnapshot) {
    writer().add(binding("sip:bob@example.com", "bob@example.com", {}, Verification::Admin));
    writer().add(binding("sip:pbx@example.com", "pbx@example.com"));
    SnapshotWatcher watcher(factory(), kInterval, SnapshotProfile::routing);
    ASSERT_EQ(watcher.current()->route_by_aor("sip:bob@example.com")->jid, "bob@example.com");
    // Written as another tool (or a sqlite3 session) would, in one statement.
    raw_sql(path(),
            "WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < 65535) "
            "INSERT INTO numbers (number, aor) "
            "SELECT printf('+1555%07d', 1000000 + n), 'sip:pbx@example.com' FROM i;");
    writer().set_verification("sip:bob@example.com", Verification::Unverified);
    const auto generation = writer().generation();
    ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == generation; }))
        << "the proxy's snapshot stopped following the store";
    const auto now = watcher.current();
    EXPECT_EQ(now->route_by_aor("sip:bob@example.com")->jid, "");
    EXPECT_EQ(now->route_by_number("+15551065535")->aor, "sip:pbx@example.com");
    EXPECT_EQ(log_count("store.refresh_failed"), 0u);

    SnapshotWatcher started(factory(), kInterval, SnapshotProfile::routing);
    EXPECT_EQ(started.current()->route_by_number("+15551000000")->aor, "sip:pbx@example.com");
}

// A routing entry's 16-bit sizes could not hold a field of 65,536 bytes; the store's own limit
// (256 bytes) comes first: it refuses such a field on the way in, and skips one written around
// it (SQL) when it loads. The rest of the store reaches the proxy's snapshot.
TEST_F(WatcherTest, AFieldBeyondTheStoresLimitNeverReachesTheProxysSnapshot) {
    const std::string huge(65'536, 'a');
    EXPECT_THROW(writer().add(binding("sip:" + huge + "@example.com", "h@example.com")),
                 BindingError);
    EXPECT_THROW(writer().add(binding("sip:h@example.com", huge + "@example.com")), BindingError);
    EXPECT_THROW(writer().add(binding("sip:h@example.com", "h@example.com", {{"+1" + huge}})),
                 BindingError);
    // hex(zeroblob(32768)): 65,536 zeros.
    raw_sql(path(),
            "INSERT INTO bindings (aor, jid, verification) "
            "VALUES ('sip:' || hex(zeroblob(32768)) || '@example.com', 'long@example.com', "
            "'admin');"
            "INSERT INTO numbers (number, aor) "
            "VALUES ('+1' || hex(zeroblob(32768)), 'sip:alice@example.com');");
    SnapshotWatcher watcher(factory(), kInterval, SnapshotProfile::routing);
    const auto s = watcher.current();
    EXPECT_EQ(s->size(), 1u);
    EXPECT_EQ(s->route_by_number("+4930123456")->aor, "sip:alice@example.com");
    EXPECT_EQ(log_count("store.rows_skipped"), 1u);
}

TEST_F(WatcherTest, AStoreThatCannotBeReadAtStartIsAStoreError) {
    const auto garbage = path() + ".garbage";
    raw_sql(path(), "SELECT 1;");
    std::FILE* f = std::fopen(garbage.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(std::string(4096, 'x').c_str(), f);
    std::fclose(f);
    EXPECT_THROW(SnapshotWatcher([&] { return open_store(sqlite_settings(garbage)); }, kInterval),
                 StoreError);
    // Whatever the factory throws, the caller sees a StoreError.
    EXPECT_THROW(
        SnapshotWatcher([]() -> std::unique_ptr<BindingStore> { throw std::runtime_error("boom"); },
                        kInterval),
        StoreError);
}

TEST_F(WatcherTest, AChangeInThisProcessIsPublishedAndAnnounced) {
    SnapshotWatcher watcher(factory(), kInterval);
    std::atomic<int> published{0};
    watcher.on_publish([&](const Snapshot& s) {
        if (s.by_aor("sip:bob@example.com")) ++published;
    });
    writer().add(binding("sip:bob@example.com", "bob@example.com"));
    EXPECT_TRUE(eventually([&] { return watcher.current()->by_jid("bob@example.com"); }));
    EXPECT_TRUE(eventually([&] { return published.load() > 0; }));
}

TEST_F(WatcherTest, ACallbackThatThrowsDoesNotStopTheWatcher) {
    SnapshotWatcher watcher(factory(), kInterval);
    watcher.on_publish([](const Snapshot&) { throw std::runtime_error("callback failed"); });
    writer().add(binding("sip:bob@example.com", "bob@example.com"));
    ASSERT_TRUE(eventually([&] { return watcher.current()->by_jid("bob@example.com"); }));
    writer().add(binding("sip:carol@example.com", "carol@example.com"));
    EXPECT_TRUE(eventually([&] { return watcher.current()->by_jid("carol@example.com"); }));
}

// Run only by SeesAWriteFromAnotherProcess, in a process of its own.
TEST(DISABLED_ChildProcess, WritesABinding) {
    const char* path = std::getenv("CUSAX_STORE_TEST_CHILD_DB");
    ASSERT_NE(path, nullptr);
    auto store = open_store(sqlite_settings(path));
    store->put(binding("sip:child@example.com", "child@example.com", {{"+4940777"}}));
}

TEST_F(WatcherTest, SeesAWriteFromAnotherProcessWhileAnsweringLookUps) {
    SnapshotWatcher watcher(factory(), kInterval);

    char self[4096];
    const auto n = readlink("/proc/self/exe", self, sizeof self - 1);
    ASSERT_GT(n, 0);
    self[n] = '\0';
    std::vector<std::string> env_text = {"CUSAX_STORE_TEST_CHILD_DB=" + path()};
    std::vector<char*> env;
    for (char** e = environ; *e; ++e) env.push_back(*e);
    env.push_back(env_text[0].data());
    env.push_back(nullptr);
    std::string a0 = self, a1 = "--gtest_filter=DISABLED_ChildProcess.WritesABinding",
                a2 = "--gtest_also_run_disabled_tests";
    char* argv[] = {a0.data(), a1.data(), a2.data(), nullptr};
    pid_t child = 0;
    ASSERT_EQ(posix_spawn(&child, self, nullptr, nullptr, argv, env.data()), 0);

    // Readers keep reading throughout: every look-up of the old binding succeeds, on a
    // snapshot that is never null, until the child's binding shows up.
    std::size_t lookups = 0;
    bool every_lookup_answered = true;
    const bool seen = eventually([&] {
        const auto s = watcher.current();
        ++lookups;
        every_lookup_answered = every_lookup_answered && s && s->by_aor("sip:alice@example.com");
        return s && s->by_number("+4940777") && s->by_jid("child@example.com");
    });
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the writer process failed";
    EXPECT_TRUE(seen) << "the other process's binding did not appear within the deadline";
    EXPECT_TRUE(every_lookup_answered);
    EXPECT_GT(lookups, 0u);
}

// A store connection that can be broken from the test, around a real one.
class BreakableStore final : public BindingStore {
  public:
    BreakableStore(std::unique_ptr<BindingStore> real, std::atomic<bool>& broken,
                   std::atomic<int>& polls)
        : real_(std::move(real)), broken_(broken), polls_(polls) {}
    void migrate() override { real_->migrate(); }
    int schema_version() override { return real_->schema_version(); }
    void add(const Binding& b) override { real_->add(b); }
    void put(const Binding& b) override { real_->put(b); }
    bool remove(const std::string& aor) override { return real_->remove(aor); }
    bool set_verification(const std::string& aor, Verification v) override {
        return real_->set_verification(aor, v);
    }
    bool replace_verification(const std::string& aor, Verification expected,
                              Verification v) override {
        return real_->replace_verification(aor, expected, v);
    }
    std::optional<Binding> find_by_aor(const std::string& aor) override {
        return real_->find_by_aor(aor);
    }
    std::vector<Binding> load_all() override {
        check();
        return real_->load_all();
    }
    void import(const std::vector<Binding>& b) override { real_->import(b); }
    std::uint64_t generation() override {
        ++polls_;
        check();
        return real_->generation();
    }

  private:
    void check() {
        if (broken_) throw StoreError("disk I/O error (simulated)");
    }
    std::unique_ptr<BindingStore> real_;
    std::atomic<bool>& broken_;
    std::atomic<int>& polls_;
};

TEST_F(WatcherTest, KeepsTheLastGoodSnapshotWhileTheStoreFailsAndRecovers) {
    std::atomic<bool> broken{false};
    std::atomic<int> polls{0};
    std::atomic<int> connections{0};
    SnapshotWatcher watcher(
        [&, s = settings()]() -> std::unique_ptr<BindingStore> {
            ++connections;
            if (broken) throw StoreError("cannot open (simulated)");
            return std::make_unique<BreakableStore>(open_store(s), broken, polls);
        },
        kInterval);
    const auto good = watcher.current();

    broken = true;
    writer().add(binding("sip:bob@example.com", "bob@example.com"));
    const int connections_before = connections;
    // Several polls fail: the first on the connection, the next ones on reconnecting.
    ASSERT_TRUE(eventually([&] { return connections > connections_before + 3; }));
    EXPECT_EQ(watcher.current(), good);  // the very same snapshot, still answering
    EXPECT_NE(watcher.current()->by_aor("sip:alice@example.com"), nullptr);
    EXPECT_EQ(log_count("store.refresh_failed"), 1u) << "logged once per failure streak";

    broken = false;
    EXPECT_TRUE(eventually([&] { return watcher.current()->by_jid("bob@example.com"); }));
    EXPECT_EQ(log_count("store.refresh_recovered"), 1u);

    // A second streak is logged again.
    broken = true;
    const int again = connections;
    ASSERT_TRUE(eventually([&] { return connections > again + 1; }));
    EXPECT_EQ(log_count("store.refresh_failed"), 2u);
    broken = false;
}

TEST_F(WatcherTest, SurvivesADroppedTableAndRecoversWhenItIsBack) {
    SnapshotWatcher watcher(factory(), kInterval);
    const auto good = watcher.current();

    // What a careless manual session could do; every poll now fails.
    raw_sql(path(), "DROP TABLE generation;");
    ASSERT_TRUE(eventually([&] { return log_count("store.refresh_failed") == 1; }));
    EXPECT_EQ(watcher.current(), good);
    EXPECT_NE(watcher.current()->by_number("+4930123456"), nullptr);

    // Restored (with a counter that restarts): the watcher reloads after a failure streak
    // whatever the counter says.
    raw_sql(path(),
            "CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT "
            "NULL); INSERT INTO generation VALUES (1, 1);");
    writer().add(binding("sip:bob@example.com", "bob@example.com"));
    EXPECT_TRUE(eventually([&] { return watcher.current()->by_jid("bob@example.com"); }));
    EXPECT_EQ(log_count("store.refresh_failed"), 1u);
}

// A daemon's watcher, as DaemonRuntime makes it: read-only connections.
SnapshotWatcher::StoreFactory reader_of(StoreSettings settings) {
    settings.read_only = true;
    return [settings] { return open_store(settings); };
}

// Writes a store file at `path` holding `bindings`, closed (as a restored backup is).
void write_store(const std::string& path, const std::vector<Binding>& bindings) {
    auto store = open_store(sqlite_settings(path));
    store->import(bindings);
}

// The usual way to restore a backup: mv over the live file. The watcher's open connection
// still reads the old file, so only a comparison of the path with it can see the new one.
TEST_F(WatcherTest, AFileReplacedWithMvIsReadInFullAndItsRevocationsTakeEffect) {
    writer().add(
        binding("sip:bob@example.com", "bob@example.com", {{"+4940777"}}, Verification::Admin));
    SnapshotWatcher watcher(reader_of(settings()), kInterval);
    ASSERT_NE(watcher.current()->by_aor("sip:bob@example.com"), nullptr);

    // The backup: alice unverified, bob gone; its generation counter may equal the live one.
    const auto backup = path() + ".backup";
    write_store(backup, {binding("sip:alice@example.com", "alice@example.com", {{"+4930123456"}},
                                 Verification::Unverified)});
    std::filesystem::rename(backup, path());

    ASSERT_TRUE(eventually([&] {
        return watcher.current()->by_aor("sip:bob@example.com") == nullptr;
    })) << "the replaced file was never read";
    const auto now = watcher.current();
    ASSERT_NE(now->by_aor("sip:alice@example.com"), nullptr);
    EXPECT_EQ(now->by_aor("sip:alice@example.com")->verification, Verification::Unverified);
    EXPECT_EQ(now->by_number("+4940777"), nullptr);
    EXPECT_EQ(log_count("store.file_replaced"), 1u);
    EXPECT_EQ(log_count("store.refresh_failed"), 0u);

    // Later changes to the new file reach the snapshot as usual.
    auto restored = open_store(settings());
    restored->add(binding("sip:carol@example.com", "carol@example.com"));
    EXPECT_TRUE(eventually([&] { return watcher.current()->by_jid("carol@example.com"); }));
    EXPECT_EQ(log_count("store.file_replaced"), 1u) << "logged once per replacement";
}

TEST_F(WatcherTest, AVanishedFileKeepsTheLastSnapshotUntilItIsBack) {
    std::atomic<int> connects{0};
    SnapshotWatcher watcher(
        [&, open = reader_of(settings())] {
            ++connects;
            return open();
        },
        kInterval);
    const auto good = watcher.current();

    const auto aside = path() + ".aside";
    std::filesystem::rename(path(), aside);
    ASSERT_TRUE(eventually([&] { return log_count("store.file_vanished") == 1; }));
    EXPECT_EQ(watcher.current(), good);
    EXPECT_NE(watcher.current()->by_number("+4930123456"), nullptr);
    // Several polls later: still one line, still no file made by the reader.
    std::atomic<int> published{0};
    watcher.on_publish([&](const Snapshot&) { ++published; });
    const auto marker = log_count("store.snapshot_published");
    // Each poll tries to connect again: wait for a few of them.
    const int tried = connects;
    ASSERT_TRUE(eventually([&] { return connects > tried + 3; }));
    EXPECT_EQ(log_count("store.file_vanished"), 1u);
    EXPECT_FALSE(std::filesystem::exists(path())) << "the reader created the store file";
    EXPECT_EQ(log_count("store.snapshot_published"), marker);

    // Back, as another file with bob added: read in full.
    const auto backup = path() + ".backup";
    write_store(backup, {binding("sip:alice@example.com", "alice@example.com", {{"+4930123456"}}),
                         binding("sip:bob@example.com", "bob@example.com")});
    std::filesystem::rename(backup, path());
    EXPECT_TRUE(eventually([&] { return watcher.current()->by_jid("bob@example.com"); }));
    EXPECT_EQ(log_count("store.file_back"), 1u);
    EXPECT_GT(published.load(), 0);
}

TEST_F(WatcherTest, TheDestructorDoesNotWaitForTheNextPoll) {
    const auto started = std::chrono::steady_clock::now();
    { SnapshotWatcher watcher(factory(), std::chrono::hours(1)); }
    EXPECT_LT(std::chrono::steady_clock::now() - started, kDeadline);
}

}  // namespace
}  // namespace cusax::store
