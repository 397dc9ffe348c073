// The snapshot watcher trusts the generation (and catches up through the change log) only on
// the connection it read its snapshot through. A store that made its connection again by
// itself (PgStore::db after the server ended the last) may now reach a standby promoted after
// the primary was lost: a copy with the same ids whose next commits reuse the generation
// numbers of the commits it lost. A fake store stands for it, so the test needs no failover.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "shared/store/snapshot_watcher.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using namespace std::chrono_literals;

template <typename Condition>
bool eventually(Condition condition) {
    const auto until = std::chrono::steady_clock::now() + 10s;  // a failure bound only
    while (!condition()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// What the server the fake store reaches holds now; the test changes it.
struct FakeServer {
    std::mutex mutex;
    std::vector<Binding> rows;
    std::uint64_t generation = 7;
    std::uint64_t connections = 1;  // as the store counts them (BindingStore::connections)
};

// Reads only; its change log always says nothing changed since the generation asked for.
class FakeStore final : public BindingStore {
  public:
    explicit FakeStore(std::shared_ptr<FakeServer> server) : server_(std::move(server)) {}

    void migrate() override {}
    int schema_version() override { return 0; }
    void add(const Binding&) override { refuse(); }
    void put(const Binding&) override { refuse(); }
    bool remove(const std::string&) override { refuse(); }
    bool set_verification(const std::string&, Verification) override { refuse(); }
    bool replace_verification(const std::string&, Verification, Verification) override { refuse(); }
    std::optional<Binding> find_by_aor(const std::string&) override { refuse(); }
    void import(const std::vector<Binding>&) override { refuse(); }

    std::vector<Binding> load_all() override {
        std::lock_guard lock(server_->mutex);
        return server_->rows;
    }
    std::uint64_t generation() override {
        std::lock_guard lock(server_->mutex);
        return server_->generation;
    }
    std::optional<BindingChanges> changes_since(std::uint64_t, std::size_t) override {
        std::lock_guard lock(server_->mutex);
        return BindingChanges{server_->generation, {}};
    }
    std::uint64_t connections() override {
        std::lock_guard lock(server_->mutex);
        return server_->connections;
    }

  private:
    [[noreturn]] static void refuse() { throw StoreError("the fake store only reads"); }
    std::shared_ptr<FakeServer> server_;
};

TEST(SnapshotWatcherReconnect, AConnectionTheStoreMadeAgainIsReadInFull) {
    auto server = std::make_shared<FakeServer>();
    server->rows = {test::binding("sip:bob@example.com", "bob@example.com")};
    SnapshotWatcher watcher([server] { return std::make_unique<FakeStore>(server); }, 5ms);
    ASSERT_NE(watcher.current()->by_aor("sip:bob@example.com"), nullptr);

    {
        // The promoted standby: bob's commit lost, carol's took its generation number.
        std::lock_guard lock(server->mutex);
        server->rows = {test::binding("sip:carol@example.com", "carol@example.com")};
        ++server->connections;
    }
    EXPECT_TRUE(eventually([&] {
        const auto s = watcher.current();
        return s->by_aor("sip:carol@example.com") && !s->by_aor("sip:bob@example.com");
    })) << "the same generation on a new connection was trusted to mean the same contents";
    EXPECT_EQ(watcher.current()->generation(), 7u);
}

}  // namespace
}  // namespace cusax::store
