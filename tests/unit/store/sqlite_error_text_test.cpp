// What a failed SQLite call tells the operator: the path, what was being done, SQLite's words
// and, for input/output errors, the system's reason (a full disk shows as "disk I/O error"
// alone otherwise; the integration test test_fault_store_disk_full covers the disk itself).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "shared/store/sqlite_handles.hpp"

namespace cusax::store::sqlite {
namespace {

TEST(SqliteErrorText, CannotOpenCarriesTheSystemsReason) {
    const std::string path = "/nonexistent-cusax-dir/store.db";
    try {
        Database db(path, /*read_only=*/false);
        FAIL() << "opened " << path;
    } catch (const SqliteError& e) {
        const std::string text = e.what();
        EXPECT_EQ(e.code & 0xff, SQLITE_CANTOPEN);
        EXPECT_NE(text.find(path), std::string::npos) << text;
        EXPECT_NE(text.find("(No such file or directory)"), std::string::npos) << text;
    }
}

TEST(SqliteErrorText, ASyntaxErrorCarriesNoSystemReason) {
    Database db(":memory:", /*read_only=*/false);
    try {
        db.exec("NOT SQL");
        FAIL() << "NOT SQL ran";
    } catch (const SqliteError& e) {
        const std::string text = e.what();
        EXPECT_EQ(text.find(" ("), std::string::npos) << text;
    }
}

}  // namespace
}  // namespace cusax::store::sqlite
