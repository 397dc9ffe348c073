// [sip-proxy] branch_key_file: the key that signs our Via branch (branch_mac.hpp) comes from a
// file, is refused when too short, and never shows up in an error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"
#include "sip-proxy/proxy_config.hpp"
#include "sip-proxy/proxy_config_branch_key.hpp"

namespace cusax::sip_proxy {
namespace {

const std::vector<std::string> kNeeded = {"log", "store", "sip-proxy"};

class BranchKeyFile : public ::testing::Test {
  protected:
    std::string write(std::string_view content) {
        std::ofstream(path_) << content;
        return path_.string();
    }
    ~BranchKeyFile() override { std::filesystem::remove(path_); }

  private:
    std::filesystem::path path_ =
        std::filesystem::temp_directory_path() / ("cusax-branch-key-" + std::to_string(::getpid()));
};

TEST_F(BranchKeyFile, AKeyOf32BytesOrMoreIsReadWithoutItsNewline) {
    const std::string key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    EXPECT_EQ(read_branch_key(write(key + "\n")), key);
    const auto config =
        config::load_config_string("[sip-proxy]\nbranch_key_file = " + write(key) + "\n",
                                   "cusax.ini", kNeeded, config_catalog::all_sections());
    EXPECT_FALSE(proxy_settings(config).branch_key_file.empty());
}

TEST_F(BranchKeyFile, AShortKeyIsRefusedWithTheLineAndWithoutTheKey) {
    const std::string secret = "short-secret-31-bytes-long-xxxx";
    ASSERT_EQ(secret.size(), 31u);
    const std::string path = write(secret + "\n");
    EXPECT_THROW(read_branch_key(path), std::runtime_error);
    try {
        config::load_config_string("[sip-proxy]\nbranch_key_file = " + path + "\n", "cusax.ini",
                                   kNeeded, config_catalog::all_sections());
        ADD_FAILURE() << "a 31-byte key was accepted";
    } catch (const config::ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("cusax.ini:2: [sip-proxy]"), std::string::npos) << what;
        EXPECT_NE(what.find("branch_key_file"), std::string::npos) << what;
        EXPECT_EQ(what.find(secret), std::string::npos) << "the key reached the message";
    }
}

// What the daemon logs at start, --check-config prints: the file and its mode, not the key.
TEST_F(BranchKeyFile, AKeyFileOthersMayReadIsWarnedOfWithItsModeAndWithoutTheKey) {
    const std::string key = "0123456789abcdef0123456789abcdef-the-secret-part";
    const std::string path = write(key + "\n");
    const auto config =
        config::load_config_string("[sip-proxy]\nbranch_key_file = " + path + "\n", "cusax.ini",
                                   kNeeded, config_catalog::all_sections());
    using std::filesystem::perms;
    std::filesystem::permissions(
        path, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
    const auto warnings = proxy_config_warnings(config);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("branch_key_file"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find(path), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("mode 0644"), std::string::npos) << warnings[0];
    EXPECT_EQ(warnings[0].find("the-secret-part"), std::string::npos) << "the key reached it";

    std::filesystem::permissions(path, perms::owner_read | perms::owner_write);
    EXPECT_TRUE(proxy_config_warnings(config).empty());
    EXPECT_TRUE(branch_key_file_exposure(path).empty());
}

TEST_F(BranchKeyFile, AMissingFileIsRefused) {
    EXPECT_THROW(read_branch_key("/nonexistent/cusax-branch.key"), std::runtime_error);
}

}  // namespace
}  // namespace cusax::sip_proxy
