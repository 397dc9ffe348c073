// The reload decision (SIGHUP): reloadable keys take the file's new value, restart-only keys
// keep the running one and are named once, a file with errors changes nothing.
#include "shared/runtime/config_reload.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shared/config/config_loader.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/log/log.hpp"

namespace cusax::runtime {
namespace {

namespace fs = std::filesystem;

const config::Schema kSections{config::log_section(), config::store_section()};
const std::vector<std::string> kNeeded{"log", "store"};

config::Config load(const std::string& text) {
    return config::load_config_string(text, "test.ini", kNeeded, kSections);
}

TEST(ReloadDecision, ReloadableKeyTakesTheNewValue) {
    const auto decision =
        decide_reload(load("[log]\nlevel = info\n"), load("[log]\nlevel = debug\n"), kNeeded);
    EXPECT_EQ(decision.config.text("log", "level"), "debug");
    EXPECT_EQ(decision.applied, std::vector<std::string>{"[log] level"});
    EXPECT_TRUE(decision.kept.empty());
}

TEST(ReloadDecision, RestartOnlyKeyKeepsTheRunningValueAndIsNamed) {
    const auto decision =
        decide_reload(load("[log]\nformat = text\n[store]\npath = /a.sqlite\n"),
                      load("[log]\nformat = json\n[store]\npath = /b.sqlite\n"), kNeeded);
    EXPECT_EQ(decision.config.text("store", "path"), "/a.sqlite");
    EXPECT_EQ(decision.config.text("log", "format"), "json");
    EXPECT_EQ(decision.kept, std::vector<std::string>{"[store] path"});
    EXPECT_EQ(decision.applied, std::vector<std::string>{"[log] format"});
}

TEST(ReloadDecision, RestartOnlyKeyRemovedFromTheFileKeepsItsValue) {
    const auto decision =
        decide_reload(load("[log]\nfile = /tmp/x.log\n"), load("[log]\n"), kNeeded);
    EXPECT_EQ(decision.config.text("log", "file"), "/tmp/x.log");
    EXPECT_EQ(decision.kept, std::vector<std::string>{"[log] file"});
}

TEST(ReloadDecision, SectionsTheDaemonDoesNotReadAreNotReported) {
    const auto decision = decide_reload(load("[store]\npath = /a.sqlite\n"),
                                        load("[store]\npath = /b.sqlite\n"), {"log"});
    EXPECT_TRUE(decision.kept.empty());
    EXPECT_TRUE(decision.applied.empty());
}

TEST(ReloadDecision, UnchangedFileChangesNothing) {
    const auto decision =
        decide_reload(load("[log]\nlevel = warn\n"), load("[log]\nlevel = warn\n"), kNeeded);
    EXPECT_TRUE(decision.applied.empty());
    EXPECT_TRUE(decision.kept.empty());
}

class ReloadFile : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = fs::temp_directory_path() / "cusax-reload-XXXXXX";
        dir_ = ::mkdtemp(pattern.data());
        file_ = dir_ / "cusax.ini";
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
        log::setup_with_sink({"test", log::Level::info, log::Format::text, ""}, sink);
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string& text) { std::ofstream(file_) << text; }
    config::Config running() {
        return config::load_config_file(file_.string(), kNeeded, kSections);
    }

    fs::path dir_;
    fs::path file_;
    std::ostringstream log_;
};

TEST_F(ReloadFile, BrokenFileIsRefusedWithFileAndLine) {
    write("[log]\nlevel = info\n");
    const auto before = running();
    write("[log]\nlevel = debug\nlevle = warn\n");
    EXPECT_FALSE(reload_config(before, kNeeded).has_value());
    log::flush();
    const std::string logged = log_.str();
    EXPECT_NE(logged.find("config.reload_refused"), std::string::npos) << logged;
    EXPECT_NE(logged.find(file_.string() + ":3:"), std::string::npos) << logged;
    EXPECT_EQ(logged.find("config.reloaded"), std::string::npos) << logged;
}

TEST_F(ReloadFile, RestartOnlyKeysAreNamedInOneLine) {
    write("[log]\nlevel = info\n[store]\npath = /a.sqlite\nbusy_timeout = 1s\n");
    const auto before = running();
    write("[log]\nlevel = debug\n[store]\npath = /b.sqlite\nbusy_timeout = 2s\n");
    const auto after = reload_config(before, kNeeded);
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->text("log", "level"), "debug");
    EXPECT_EQ(after->text("store", "path"), "/a.sqlite");
    log::flush();
    const std::string logged = log_.str();
    const auto line = logged.find("config.restart_needed");
    ASSERT_NE(line, std::string::npos) << logged;
    EXPECT_EQ(logged.find("config.restart_needed", line + 1), std::string::npos) << logged;
    EXPECT_NE(logged.find("[store] path, [store] busy_timeout"), std::string::npos) << logged;
}

}  // namespace
}  // namespace cusax::runtime
