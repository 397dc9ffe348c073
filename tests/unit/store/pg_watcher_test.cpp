// The snapshot watcher on PostgreSQL: woken by NOTIFY, serving the last snapshot while the
// server is away, reading it in full again when it is back.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <algorithm>
#include <thread>

#include "shared/log/log.hpp"
#include "shared/store/snapshot_watcher.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using namespace std::chrono_literals;
using test::binding;
using test::Engine;
using test::PostgresServer;
using test::StoreTarget;

constexpr auto kDeadline = 10s;  // the only timing the tests rely on

template <typename Condition>
bool eventually(Condition condition) {
    const auto until = std::chrono::steady_clock::now() + kDeadline;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

class PgWatcherTest : public ::testing::Test {
  protected:
    PgWatcherTest() {
        log::setup_with_sink({"test", log::Level::info, log::Format::text, ""}, sink_);
        writer_ = open_store(target_.settings());
        writer_->add(binding("sip:alice@example.com", "alice@example.com", {{"+4930123456"}}));
    }
    ~PgWatcherTest() override {
        PostgresServer::shared().start();  // whatever a test stopped
        log::setup({});
    }
    SnapshotWatcher::StoreFactory factory() const {
        return [s = target_.settings(true)] { return open_store(s); };
    }
    BindingStore& writer() { return *writer_; }
    // A writer of its own: the test's one may have lost its connection with the server.
    std::unique_ptr<BindingStore> new_writer() const { return open_store(target_.settings()); }
    std::size_t log_count(std::string_view text) {
        const auto lines = sink_->last_formatted();
        return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](auto& l) {
            return l.find(text) != std::string::npos;
        }));
    }
    void expect_matches_store(const Snapshot& snapshot) {
        auto reader = open_store(target_.settings(true));
        const auto generation = reader->generation();
        test::expect_same_snapshot(snapshot, *Snapshot::build(reader->load_all(), generation));
    }

  private:
    StoreTarget target_{Engine::postgresql};
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ =
        std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
    std::unique_ptr<BindingStore> writer_;
};

// With a poll interval of an hour, only the notification can bring the change in.
TEST_F(PgWatcherTest, ANotificationWakesTheWatcherWithoutWaitingForThePoll) {
    SnapshotWatcher watcher(factory(), 1h);
    for (int i = 0; i < 3; ++i) {
        const auto aor = "sip:u" + std::to_string(i) + "@example.com";
        writer().add(binding(aor, "u" + std::to_string(i) + "@example.com"));
        EXPECT_TRUE(eventually([&] { return watcher.current()->by_aor(aor) != nullptr; })) << i;
    }
    writer().set_verification("sip:alice@example.com", Verification::Mutual);
    ASSERT_TRUE(eventually([&] {
        const auto* b = watcher.current()->by_aor("sip:alice@example.com");
        return b && b->verification == Verification::Mutual;
    }));
    EXPECT_GE(log_count("mode=incremental"), 4u);
    expect_matches_store(*watcher.current());
}

TEST_F(PgWatcherTest, KeepsServingWhileTheServerIsDownAndCatchesUpWhenItIsBack) {
    SnapshotWatcher watcher(factory(), 20ms);
    PostgresServer::shared().stop();
    ASSERT_TRUE(eventually([&] { return log_count("store.refresh_failed") == 1; }));
    // Look-ups go on from memory, and the failure is logged once, not once per try.
    EXPECT_NE(watcher.current()->by_number("+4930123456"), nullptr);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(log_count("store.refresh_failed"), 1u);

    PostgresServer::shared().start();
    {
        auto writer = new_writer();
        writer->add(binding("sip:bob@example.com", "bob@example.com"));
        writer->remove("sip:alice@example.com");
    }
    ASSERT_TRUE(eventually([&] {
        const auto s = watcher.current();
        return s->by_aor("sip:bob@example.com") && !s->by_aor("sip:alice@example.com");
    }));
    EXPECT_EQ(log_count("store.refresh_recovered"), 1u);
    EXPECT_EQ(log_count("store.refresh_failed"), 1u);
    // A new connection: read in full (a promoted standby may reuse generation numbers).
    EXPECT_EQ(log_count("mode=full"), 2u);  // the first load and the one after reconnecting
    expect_matches_store(*watcher.current());
}

// A connection cut while the server stays up (a network cut, a restarted pooler): every
// change made meanwhile arrives, exactly as a full load would have it.
TEST_F(PgWatcherTest, ChangesMadeWhileTheConnectionWasCutAreAllCaughtUp) {
    SnapshotWatcher watcher(factory(), 20ms);
    PostgresServer::shared().sql(
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
        "'cusax' AND backend_type = 'client backend'");
    auto writer = new_writer();
    for (int i = 0; i < 50; ++i) {
        const auto n = std::to_string(i);
        writer->put(binding("sip:u" + n + "@example.com", "u" + n + "@example.com", {{"+49" + n}}));
        if (i % 5 == 0) writer->remove("sip:u" + std::to_string(i / 2) + "@example.com");
    }
    const auto want = writer->generation();
    ASSERT_TRUE(eventually([&] { return watcher.current()->generation() == want; }));
    expect_matches_store(*watcher.current());
    EXPECT_EQ(log_count("mode=full"), 2u);  // the first load and the one after reconnecting
}

}  // namespace
}  // namespace cusax::store
