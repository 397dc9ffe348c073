#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "shared/store/sqlite_schema.hpp"
#include "shared/store/sqlite_store.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;
using test::raw_sql;
using test::sqlite_settings;
using test::TempDir;

using test::Engine;
using test::StoreTarget;

// Every store behaviour, on each engine.
class StoreTest : public ::testing::TestWithParam<Engine> {
  protected:
    StoreTest() : target_(GetParam()), store_(open_store(target_.settings())) {}
    BindingStore& store() { return *store_; }
    const StoreTarget& target() const { return target_; }

  private:
    StoreTarget target_;
    std::unique_ptr<BindingStore> store_;
};
INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, test::all_engines(), test::engine_name);

// What only the SQLite file has.
class SqliteStoreTest : public ::testing::Test {
  protected:
    SqliteStoreTest() : target_(Engine::sqlite), store_(open_store(target_.settings())) {}
    BindingStore& store() { return *store_; }
    const std::string& path() const { return target_.path(); }

  private:
    StoreTarget target_;
    std::unique_ptr<BindingStore> store_;
};

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const BindingError& e) {
        return e.what();
    }
    return "(no BindingError)";
}

TEST_F(SqliteStoreTest, CreatesTheFileAtTheCurrentSchemaVersionInWalMode) {
    EXPECT_EQ(store().schema_version(), sqlite::current_schema_version());
    EXPECT_GE(store().schema_version(), 2);
    sqlite::Database db(path());
    EXPECT_EQ(db.query_int("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='wal'"), 1);
}

TEST_P(StoreTest, AddThenFindReturnsEveryField) {
    auto b = binding("sip:alice@example.com", "alice@example.com",
                     {{"+4930123456", true, false}, {"+4930999", true, true}},
                     Verification::Directory, "Alice");
    store().add(b);
    auto found = store().find_by_aor("sip:alice@example.com");
    ASSERT_TRUE(found);
    EXPECT_GT(found->updated_at, 1'600'000'000);  // set by the store, in unix seconds
    b.updated_at = found->updated_at;
    EXPECT_EQ(*found, b);
    EXPECT_EQ(store().find_by_aor("sip:nobody@example.com"), std::nullopt);
}

TEST_P(StoreTest, NumbersKeepTheOrderTheyWereGivenIn) {
    store().add(binding("sip:a@example.com", "a@example.com",
                        {{"+49300", true, false}, {"+1200", true, false}, {"+4410", false, true}}));
    const auto found = store().find_by_aor("sip:a@example.com");
    ASSERT_TRUE(found);
    ASSERT_EQ(found->numbers.size(), 3u);
    EXPECT_EQ(found->numbers[0].number, "+49300");
    EXPECT_EQ(found->numbers[1].number, "+1200");
    EXPECT_EQ(found->numbers[2].number, "+4410");
    EXPECT_EQ(store().load_all().at(0).numbers, found->numbers);
}

TEST_P(StoreTest, AddRefusesAnAorAlreadyBound) {
    store().add(binding("sip:a@example.com", "a@example.com"));
    EXPECT_EQ(error_of([&] { store().add(binding("sip:a@example.com", "other@example.com")); }),
              R"(aor "sip:a@example.com": already bound to "a@example.com")");
}

TEST_P(StoreTest, PutReplacesTheBindingAndItsNumbers) {
    store().add(binding("sip:a@example.com", "a@example.com", {{"+491", true, false}}));
    store().put(binding("sip:a@example.com", "a2@example.com", {{"+492", false, true}},
                        Verification::Admin, "A"));
    const auto all = test::without_times(store().load_all());
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0], binding("sip:a@example.com", "a2@example.com", {{"+492", false, true}},
                              Verification::Admin, "A"));
    // The old number is free again.
    EXPECT_NO_THROW(store().add(binding("sip:b@example.com", "b@example.com", {{"+491"}})));
}

TEST_P(StoreTest, PutAddsWhenTheAorIsNew) {
    store().put(binding("sip:a@example.com", "a@example.com"));
    EXPECT_TRUE(store().find_by_aor("sip:a@example.com"));
}

TEST_P(StoreTest, TheSameJidOnTwoAorsIsRefusedAndNothingChanges) {
    store().add(binding("sip:a@example.com", "a@example.com"));
    const auto before = store().load_all();
    EXPECT_EQ(error_of([&] { store().add(binding("sip:b@example.com", "a@example.com")); }),
              R"(jid "a@example.com": already bound to "sip:a@example.com")");
    EXPECT_EQ(error_of([&] { store().put(binding("sip:b@example.com", "a@example.com")); }),
              R"(jid "a@example.com": already bound to "sip:a@example.com")");
    EXPECT_EQ(store().load_all(), before);
}

TEST_P(StoreTest, TheSameNumberOnTwoAorsIsRefusedAndTheBindingIsNotHalfWritten) {
    store().add(binding("sip:a@example.com", "a@example.com", {{"+491"}}));
    EXPECT_EQ(error_of([&] {
                  store().add(binding("sip:b@example.com", "b@example.com", {{"+492"}, {"+491"}}));
              }),
              R"(number "+491": already bound to "sip:a@example.com")");
    EXPECT_EQ(store().find_by_aor("sip:b@example.com"), std::nullopt);
    EXPECT_EQ(store().load_all().size(), 1u);
}

TEST_P(StoreTest, RefusesUnsafeTextEvenFromAHandBuiltBinding) {
    EXPECT_THROW(store().add(binding("sip:a@example.com", "a@example.com", {}, {}, "x\r\ny")),
                 BindingError);
    EXPECT_THROW(store().add(binding("sip:a@example.com", "a@example.com", {{"+1"}, {"+1"}})),
                 BindingError);
    EXPECT_TRUE(store().load_all().empty());
}

TEST_P(StoreTest, RemoveDeletesTheBindingAndFreesItsNumbers) {
    store().add(binding("sip:a@example.com", "a@example.com", {{"+491"}}));
    EXPECT_TRUE(store().remove("sip:a@example.com"));
    EXPECT_FALSE(store().remove("sip:a@example.com"));
    EXPECT_TRUE(store().load_all().empty());
    // The number is free for another binding.
    EXPECT_NO_THROW(store().add(binding("sip:b@example.com", "b@example.com", {{"+491"}})));
}

TEST_P(StoreTest, SetVerificationChangesOnlyTheState) {
    store().add(binding("sip:a@example.com", "a@example.com", {{"+491"}}));
    EXPECT_TRUE(store().set_verification("sip:a@example.com", Verification::Admin));
    EXPECT_FALSE(store().set_verification("sip:b@example.com", Verification::Admin));
    // Compare-and-set: only from the expected state.
    EXPECT_FALSE(store().replace_verification("sip:a@example.com", Verification::Mutual,
                                              Verification::Unverified));
    EXPECT_EQ(store().find_by_aor("sip:a@example.com")->verification, Verification::Admin);
    EXPECT_TRUE(store().replace_verification("sip:a@example.com", Verification::Admin,
                                             Verification::Mutual));
    const auto all = test::without_times(store().load_all());
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0],
              binding("sip:a@example.com", "a@example.com", {{"+491"}}, Verification::Mutual));
}

TEST_P(StoreTest, LoadAllReturnsEveryBindingWithItsOwnNumbers) {
    store().add(binding("sip:a@example.com", "a@example.com", {{"+491"}, {"+492"}}));
    store().add(binding("sip:b@example.com", "b@example.com"));
    store().add(binding("sip:c@example.com", "c@example.com", {{"+493", false, true}}));
    store().put(binding("sip:a@example.com", "a@example.com", {{"+494"}}));  // rewrites rowids
    auto all = test::without_times(store().load_all());
    std::sort(all.begin(), all.end(), [](auto& x, auto& y) { return x.aor < y.aor; });
    EXPECT_EQ(all, (std::vector<Binding>{
                       binding("sip:a@example.com", "a@example.com", {{"+494"}}),
                       binding("sip:b@example.com", "b@example.com"),
                       binding("sip:c@example.com", "c@example.com", {{"+493", false, true}}),
                   }));
}

TEST_P(StoreTest, EveryWriteChangesTheGeneration) {
    auto g = store().generation();
    const auto changed = [&] {
        const auto now = store().generation();
        const bool differs = now != g;
        g = now;
        return differs;
    };
    store().add(binding("sip:a@example.com", "a@example.com"));
    EXPECT_TRUE(changed());
    store().put(binding("sip:a@example.com", "a@example.com", {{"+491"}}));
    EXPECT_TRUE(changed());
    store().set_verification("sip:a@example.com", Verification::Admin);
    EXPECT_TRUE(changed());
    store().remove("sip:a@example.com");
    EXPECT_TRUE(changed());
    EXPECT_FALSE(changed());  // reading does not
    EXPECT_THROW(store().add(binding("sip:x@example.com", "x\n")), BindingError);
    EXPECT_FALSE(changed());  // a refused write does not
}

TEST_P(StoreTest, AManualEditInAnotherConnectionChangesTheGeneration) {
    const auto before = store().generation();
    target().sql("INSERT INTO bindings (aor, jid) VALUES ('sip:m@example.com', 'm@example.com');");
    EXPECT_NE(store().generation(), before);
    const auto middle = store().generation();
    target().sql("INSERT INTO numbers (number, aor) VALUES ('+499', 'sip:m@example.com');");
    EXPECT_NE(store().generation(), middle);
    const auto found = store().find_by_aor("sip:m@example.com");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->numbers, (std::vector<PhoneNumber>{{"+499", true, false}}));
}

TEST_F(SqliteStoreTest, ADeleteWithoutForeignKeysStillRemovesTheNumbers) {
    store().add(binding("sip:a@example.com", "a@example.com", {{"+491"}}));
    // A sqlite3 shell starts with foreign keys off; the schema's trigger cleans up anyway.
    raw_sql(path(), "PRAGMA foreign_keys = OFF; DELETE FROM bindings;");
    EXPECT_NO_THROW(store().add(binding("sip:b@example.com", "b@example.com", {{"+491"}})));
}

TEST_P(StoreTest, RowsWithUnsafeTextTypedIntoTheFileAreSkippedOnLoad) {
    store().add(binding("sip:a@example.com", "a@example.com"));
    target().sql(
        "INSERT INTO bindings (aor, jid, display_name) VALUES "
        "('sip:e@example.com', 'e@example.com', 'x' || char(13) || char(10) || 'y');",
        "INSERT INTO bindings (aor, jid, display_name) VALUES "
        "('sip:e@example.com', 'e@example.com', 'x' || chr(13) || chr(10) || 'y');");
    const auto all = store().load_all();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].aor, "sip:a@example.com");
}

TEST_P(StoreTest, AnUnknownVerificationStateReadsAsUnverified) {
    // A newer cusaxctl may write states this program does not know.
    target().sql(
        "INSERT INTO bindings (aor, jid, verification) VALUES "
        "('sip:a@example.com', 'a@example.com', 'from-the-future');");
    const auto all = store().load_all();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].verification, Verification::Unverified);
}

TEST(OpenStore, RefusesAnUnknownBackend) {
    StoreSettings s;
    s.backend = "postgres";
    s.path = "/nonexistent";
    try {
        open_store(s);
        FAIL() << "no StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown backend"), std::string::npos) << e.what();
    }
}

TEST(OpenStore, RefusesAnEmptyPathAndAMissingDirectory) {
    EXPECT_THROW(open_store(sqlite_settings("")), StoreError);
    EXPECT_THROW(open_store(sqlite_settings("/nonexistent-dir/x/bindings.db")), StoreError);
}

TEST(OpenStore, RefusesAFileThatIsNotADatabase) {
    TempDir dir;
    const auto path = dir.file("garbage.db");
    std::ofstream(path) << std::string(8192, 'g');
    EXPECT_THROW(open_store(sqlite_settings(path)), StoreError);
}

TEST_P(StoreTest, TwoConnectionsSeeEachOthersWrites) {
    auto& writer = store();
    auto reader = open_store(target().settings());
    const auto before = reader->generation();
    writer.add(binding("sip:a@example.com", "a@example.com"));
    EXPECT_NE(reader->generation(), before);
    EXPECT_TRUE(reader->find_by_aor("sip:a@example.com"));
}

// What a daemon opens: the store as it is, never created, never migrated.
TEST(OpenStore, AReaderNeitherCreatesNorMigratesNorWrites) {
    TempDir dir;
    auto settings = sqlite_settings(dir.file("b.db"));
    settings.read_only = true;
    EXPECT_THROW(open_store(settings), StoreMissing);
    EXPECT_FALSE(std::filesystem::exists(settings.path));

    open_store(sqlite_settings(settings.path));  // cusaxctl init
    raw_sql(settings.path, "PRAGMA user_version = 1;");
    try {
        open_store(settings);
        FAIL() << "a reader opened a store of an old schema";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 1 is older"), std::string::npos)
            << e.what();
    }
    raw_sql(settings.path,
            "PRAGMA user_version = " + std::to_string(sqlite::current_schema_version()) + ";");
    auto reader = open_store(settings);
    EXPECT_THROW(reader->add(binding("sip:a@example.com", "a@example.com")), StoreError);
}

// A long-lived writer (the component's verification writes) follows a file restored with mv:
// its writes land in the file the daemons now read.
TEST(OpenStore, AWriterFollowsAFileReplacedWithMv) {
    TempDir dir;
    const auto path = dir.file("b.db");
    auto writer = open_store(sqlite_settings(path));
    writer->add(binding("sip:a@example.com", "a@example.com"));
    EXPECT_EQ(writer->source(), BindingStore::Source::same);
    {
        auto backup = open_store(sqlite_settings(dir.file("backup.db")));
        backup->add(binding("sip:b@example.com", "b@example.com"));
    }
    std::filesystem::rename(dir.file("backup.db"), path);
    EXPECT_EQ(writer->source(), BindingStore::Source::replaced);
    writer->add(binding("sip:c@example.com", "c@example.com"));
    EXPECT_EQ(writer->source(), BindingStore::Source::same);
    auto now = open_store(sqlite_settings(path));
    EXPECT_TRUE(now->find_by_aor("sip:b@example.com"));
    EXPECT_TRUE(now->find_by_aor("sip:c@example.com"));
    EXPECT_FALSE(now->find_by_aor("sip:a@example.com"));

    std::filesystem::remove(path);
    EXPECT_EQ(writer->source(), BindingStore::Source::vanished);
    EXPECT_THROW(writer->add(binding("sip:d@example.com", "d@example.com")), StoreError);
    EXPECT_FALSE(std::filesystem::exists(path)) << "a writer recreated a vanished store";
}

}  // namespace
}  // namespace cusax::store
