// cusaxctl with an INI file: stats from the daemons' files, config and store errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::ctl {
namespace {

using testing::CtlResult;
using testing::CtlRunner;

// cusaxctl -c <temp>/cusax.ini ARGS... (no --store: the file says where the store is)
CtlResult run_with_config(const CtlRunner& ctl, const std::string& ini,
                          std::vector<std::string> args) {
    const auto config = ctl.write_file("cusax.ini", ini);
    std::vector<std::string> argv{"cusaxctl", "-c", config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::ostringstream out, err;
    const int code = run_cusaxctl(argv, out, err);
    return {code, out.str(), err.str()};
}

std::string ini_for(const CtlRunner& ctl) {
    return "[log]\nstats_dir = " + (ctl.dir() / "stats").string() +
           "\n[store]\npath = " + ctl.store_path() + "\n";
}

TEST(CusaxctlConfig, StatsWithoutDaemonFilesExitsSeven) {
    CtlRunner ctl;
    const auto result = run_with_config(ctl, ini_for(ctl), {"stats"});
    EXPECT_EQ(result.code, kNoStats) << result.err;
    EXPECT_NE(result.err.find("no stats in"), std::string::npos) << result.err;
}

TEST(CusaxctlConfig, StatsShowsWhatADaemonWrote) {
    CtlRunner ctl;
    std::filesystem::create_directories(ctl.dir() / "stats");
    counters::write_stats_file(counters::stats_file_path(ctl.dir() / "stats", "sip-proxy"),
                               {"sip-proxy",
                                static_cast<long>(::getpid()),
                                100,
                                200,
                                {{"call_info.inserted", 12}, {"charge.warned", 3}}});
    const auto result = run_with_config(ctl, ini_for(ctl), {"--json", "stats"});
    ASSERT_EQ(result.code, kOk) << result.err;
    const auto doc = nlohmann::json::parse(result.out);
    ASSERT_EQ(doc.size(), 1u);
    EXPECT_EQ(doc[0].at("program"), "sip-proxy");
    EXPECT_EQ(doc[0].at("running"), true);  // our own pid
    EXPECT_EQ(doc[0].at("counters").at("call_info.inserted"), 12);

    const auto table = run_with_config(ctl, ini_for(ctl), {"stats"});
    EXPECT_EQ(table.code, kOk);
    EXPECT_NE(table.out.find("  charge.warned 3\n"), std::string::npos) << table.out;
}

TEST(CusaxctlConfig, ABadConfigFileExitsTwoWithFileAndLine) {
    CtlRunner ctl;
    const auto result = run_with_config(ctl, "[store]\npaht = /tmp/x\n", {"list"});
    EXPECT_EQ(result.code, kUsage);
    EXPECT_NE(result.err.find("cusax.ini:2: [store] paht: unknown key (did you mean path?)"),
              std::string::npos)
        << result.err;
}

TEST(CusaxctlConfig, CheckConfigAndDumpConfig) {
    CtlRunner ctl;
    const auto checked = run_with_config(ctl, ini_for(ctl), {"--check-config"});
    EXPECT_EQ(checked.code, kOk) << checked.err;
    EXPECT_NE(checked.out.find(": OK"), std::string::npos);
    const auto dumped = ctl.run({"--dump-config"});
    EXPECT_EQ(dumped.code, kOk);
    EXPECT_NE(dumped.out.find("[store]\n"), std::string::npos);
    const auto markdown = ctl.run({"--dump-config=markdown"});
    EXPECT_EQ(markdown.code, kOk);
    EXPECT_NE(markdown.out.find("| Key | Type | Default | Description |"), std::string::npos);
    EXPECT_EQ(ctl.run({"--dump-config=yaml"}).code, kUsage);
}

TEST(CusaxctlConfig, AStoreThatCannotBeOpenedExitsSix) {
    CtlRunner ctl;
    const auto garbage = ctl.write_file("garbage.sqlite", std::string(8192, 'x'));
    const std::string ini = "[store]\npath = " + garbage.string() + "\n";
    const auto result = run_with_config(ctl, ini, {"list"});
    EXPECT_EQ(result.code, kStoreError) << result.err;
    EXPECT_NE(result.err.find("garbage.sqlite"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace cusax::ctl
