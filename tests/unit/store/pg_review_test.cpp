// Review rev19: what an operator may do to the PostgreSQL store by hand, and what the daemons'
// snapshot watcher must still see.
#include <gtest/gtest.h>

#include <thread>

#include "shared/store/snapshot_watcher.hpp"
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

}  // namespace
}  // namespace cusax::store
