#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;

std::vector<Binding> many(std::size_t count) {
    std::vector<Binding> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto n = std::to_string(i);
        out.push_back(binding("sip:user" + n + "@example.com", "user" + n + "@example.com",
                              {{"+4930" + n, true, i % 3 == 0}}, Verification::Directory,
                              "User " + n));
    }
    return out;
}

// On each engine: SQLite writes row by row in one transaction, PostgreSQL copies (COPY).
class ImportTest : public ::testing::TestWithParam<test::Engine> {
  protected:
    ImportTest() : target_(GetParam()), store_(open_store(target_.settings())) {
        // Bindings already there: an import must leave them as they were when it fails.
        store_->add(binding("sip:old@example.com", "old@example.com", {{"+4989"}},
                            Verification::Admin, "Old"));
        store_->add(binding("sip:user7@example.com", "before7@example.com"));
    }
    BindingStore& store() { return *store_; }

  private:
    test::StoreTarget target_;
    std::unique_ptr<BindingStore> store_;
};
INSTANTIATE_TEST_SUITE_P(Engines, ImportTest, test::all_engines(), test::engine_name);

// One call stores every row (its speed is measured by bench/store/run-store-bench, not here:
// a unit test asserts no timing). That the call is one transaction is what
// AConflictHalfWayChangesNothing proves.
TEST_P(ImportTest, AHundredThousandBindingsImportInOneGo) {
    const auto rows = many(100'000);
    store().import(rows);

    const auto all = store().load_all();
    EXPECT_EQ(all.size(), 100'001u);  // sip:user7 was replaced, sip:old kept
    const auto user7 = store().find_by_aor("sip:user7@example.com");
    ASSERT_TRUE(user7);
    EXPECT_EQ(user7->jid, "user7@example.com");  // put semantics
    EXPECT_EQ(user7->numbers, rows[7].numbers);
    EXPECT_TRUE(store().find_by_aor("sip:user99999@example.com"));  // the last row too
}

TEST_P(ImportTest, AConflictHalfWayChangesNothing) {
    const auto before = store().load_all();
    const auto generation_before = store().generation();

    auto rows = many(100'000);
    rows[50'000].jid = "old@example.com";  // row 50,001 takes a JID bound to another AOR
    try {
        store().import(rows);
        FAIL() << "import accepted a conflict";
    } catch (const ImportError& e) {
        EXPECT_EQ(e.index, 50'000u);
        EXPECT_EQ(std::string(e.what()),
                  R"(jid "old@example.com": already bound to "sip:old@example.com")");
    }
    EXPECT_EQ(store().load_all(), before);
    EXPECT_EQ(store().generation(), generation_before);
    EXPECT_FALSE(store().find_by_aor("sip:user1@example.com"));
}

TEST_P(ImportTest, ANumberTakenTwiceInsideTheImportIsRefused) {
    const auto before = store().load_all();
    auto rows = many(10);
    rows[9].numbers = rows[2].numbers;
    EXPECT_THROW(store().import(rows), BindingError);
    EXPECT_EQ(store().load_all(), before);
}

TEST_P(ImportTest, AnUnsafeRowIsRefusedWithItsIndex) {
    auto rows = many(10);
    rows[4].display_name = "a<b";
    try {
        store().import(rows);
        FAIL() << "accepted";
    } catch (const ImportError& e) {
        EXPECT_EQ(e.index, 4u);
    }
    EXPECT_EQ(store().load_all().size(), 2u);
}

TEST_P(ImportTest, AnEmptyImportIsFine) {
    EXPECT_NO_THROW(store().import({}));
    EXPECT_EQ(store().load_all().size(), 2u);
}

}  // namespace
}  // namespace cusax::store
