#pragma once
// A SQLite file name of the running test's own in the temporary directory, removed (with its
// WAL and shared-memory files) before and after the test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace cusax::xmpp::testing {

class TempSqliteFile {
  public:
    explicit TempSqliteFile(const std::string& prefix)
        : path_(std::filesystem::temp_directory_path() /
                (prefix + "-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".sqlite")) {
        remove();
    }
    ~TempSqliteFile() { remove(); }
    TempSqliteFile(const TempSqliteFile&) = delete;
    TempSqliteFile& operator=(const TempSqliteFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string string() const { return path_.string(); }

  private:
    void remove() const {
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }
    std::filesystem::path path_;
};

}  // namespace cusax::xmpp::testing
