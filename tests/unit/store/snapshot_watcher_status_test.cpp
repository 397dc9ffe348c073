// SnapshotWatcher::status(), which the metrics endpoint shows as cusax_store_reachable and
// cusax_snapshot_age_seconds: reachable while polls read the store, not while its file is
// gone; the snapshot confirmed by each poll, so its age stays small only while they succeed.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "shared/store/snapshot_watcher.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <typename Condition>
bool eventually(Condition condition) {
    const auto until = Clock::now() + 5s;  // a failure bound, never a measure of speed
    while (!condition()) {
        if (Clock::now() > until) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

TEST(SnapshotWatcherStatus, ReachableAndConfirmedWhileTheStoreReads) {
    test::TempDir dir;
    const auto path = dir.file("bindings.db");
    open_store(test::sqlite_settings(path))
        ->add(test::binding("sip:alice@example.com", "alice@example.com"));
    const auto before = Clock::now();
    auto settings = test::sqlite_settings(path);
    settings.read_only = true;
    SnapshotWatcher watcher([settings] { return open_store(settings); }, 20ms);
    auto status = watcher.status();
    EXPECT_TRUE(status.store_reachable);
    EXPECT_GE(status.confirmed_at, before);  // the load at start confirms it

    // Polls that find nothing new still confirm it.
    const auto first = status.confirmed_at;
    ASSERT_TRUE(eventually([&] { return watcher.status().confirmed_at > first; }));

    // The file gone: not reachable, and the confirmation stops moving.
    const auto aside = path + ".aside";
    std::filesystem::rename(path, aside);
    ASSERT_TRUE(eventually([&] { return !watcher.status().store_reachable; }));
    const auto last = watcher.status().confirmed_at;
    std::this_thread::sleep_for(100ms);  // several polls, none of which may confirm it
    EXPECT_EQ(watcher.status().confirmed_at, last);

    // Back: reachable again, confirmed again.
    std::filesystem::rename(aside, path);
    EXPECT_TRUE(eventually([&] {
        const auto s = watcher.status();
        return s.store_reachable && s.confirmed_at > last;
    }));
}

}  // namespace
}  // namespace cusax::store
