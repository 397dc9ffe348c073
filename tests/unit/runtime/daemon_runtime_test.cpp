#include "shared/runtime/daemon_runtime.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "shared/config/config_loader.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::runtime {
namespace {

namespace fs = std::filesystem;

// The sections the runtime reads; the programs' own sections are not its business.
const config::Schema kSharedSections{config::log_section(), config::store_section()};

class DaemonRuntimeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = fs::temp_directory_path() / "cusax-runtime-XXXXXX";
        dir_ = ::mkdtemp(pattern.data());
    }
    void TearDown() override { fs::remove_all(dir_); }

    config::Config config_for(const fs::path& store_path) {
        const std::string text = "[log]\nlevel = warn\nstats_dir = " + (dir_ / "stats").string() +
                                 "\nstats_interval = 0s\n[store]\npath = " + store_path.string() +
                                 "\nrefresh_interval = 50ms\n";
        return config::load_config_string(text, "test.ini", {"log", "store"}, kSharedSections);
    }

    fs::path dir_;
};

TEST_F(DaemonRuntimeTest, ServesTheStoreAndSeesAChangeFromAnotherWriter) {
    const auto path = dir_ / "bindings.sqlite";
    auto writer = store::open_store({"sqlite", path.string(), 5000});
    writer->add(store::make_binding("sip:alice@example.com", "alice@example.com", "Alice", {},
                                    store::Verification::Admin));
    DaemonRuntime runtime(config_for(path), "test-daemon");
    ASSERT_NE(runtime.snapshot()->by_aor("sip:alice@example.com"), nullptr);

    writer->add(store::make_binding("sip:bob@example.com", "bob@example.com", "", {},
                                    store::Verification::Unverified));
    // The counter is bumped by the watcher's publish callback, which runs after the snapshot
    // is visible: wait for both.
    auto& published = runtime.counters().get("store.snapshots_published");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (
        (runtime.snapshot()->by_aor("sip:bob@example.com") == nullptr || published.value() < 1) &&
        std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_NE(runtime.snapshot()->by_aor("sip:bob@example.com"), nullptr)
        << "the change was not published within 3 s";
    EXPECT_GE(published.value(), 1u) << "the publish callback did not run within 3 s";
}

TEST_F(DaemonRuntimeTest, AnUnreadableStoreStopsStartUp) {
    const auto path = dir_ / "garbage.sqlite";
    std::ofstream(path) << std::string(8192, 'x');
    EXPECT_THROW(DaemonRuntime(config_for(path), "test-daemon"), store::StoreError);
}

// A daemon reads the operator's store; creating or migrating it is cusaxctl init's job, so a
// typo in [store] path or a store left at an old schema stops start-up and changes nothing.
TEST_F(DaemonRuntimeTest, AMissingStoreStopsStartUpAndIsNotCreated) {
    const auto path = dir_ / "bindings.sqlite";
    EXPECT_THROW(DaemonRuntime(config_for(path), "test-daemon"), store::StoreMissing);
    EXPECT_FALSE(fs::exists(path));
}

TEST_F(DaemonRuntimeTest, AnOldSchemaStopsStartUpAndIsNotMigrated) {
    const auto path = dir_ / "bindings.sqlite";
    {
        auto writer = store::open_store({"sqlite", path.string(), 5000});
        writer->add(store::make_binding("sip:alice@example.com", "alice@example.com", "", {},
                                        store::Verification::Admin));
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 1", nullptr, nullptr, nullptr), SQLITE_OK);
    try {
        DaemonRuntime runtime(config_for(path), "test-daemon");
        ADD_FAILURE() << "started on a store at schema version 1";
    } catch (const store::StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("run cusaxctl init"), std::string::npos) << e.what();
    }
    sqlite3_stmt* version = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &version, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(version), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(version, 0), 1) << "the daemon migrated the operator's store";
    sqlite3_finalize(version);
    sqlite3_close(db);
}

TEST_F(DaemonRuntimeTest, WritesItsCountersWhenItStops) {
    const auto path = dir_ / "bindings.sqlite";
    store::open_store({"sqlite", path.string(), 5000});  // cusaxctl init
    {
        DaemonRuntime runtime(config_for(path), "test-daemon");
        runtime.counters().get("queries").add(3);
    }
    const auto stats = counters::read_stats_file(dir_ / "stats" / "test-daemon.stats.json");
    EXPECT_EQ(stats.program, "test-daemon");
    bool found = false;
    for (const auto& [name, value] : stats.counters) {
        if (name == "queries") found = value == 3;
    }
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace cusax::runtime
