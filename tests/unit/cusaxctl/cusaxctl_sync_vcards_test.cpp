// cusaxctl sync-vcards finds the running component through its stats file and signals it
// (the signal's effect is tested with a real component in test_xmpp_vcard4_privileged.py);
// here: no stats file, and a stats file whose pid is not a cusax-xmpp-component (this test
// process: it must not be signalled).
#include <gtest/gtest.h>
#include <unistd.h>

#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::ctl {
namespace {

using testing::CtlRunner;

TEST(SyncVcards, NoStatsFileIsNoStats) {
    CtlRunner ctl;
    const auto ini = ctl.write_file("c.ini", "[log]\nstats_dir = " + ctl.dir().string() + "\n");
    const auto r = ctl.run({"-c", ini.string(), "sync-vcards"});
    EXPECT_EQ(r.code, kNoStats);
    EXPECT_NE(r.err.find("xmpp-component"), std::string::npos) << r.err;
}

TEST(SyncVcards, APidThatIsNotTheComponentIsNotSignalled) {
    CtlRunner ctl;
    const auto ini = ctl.write_file("c.ini", "[log]\nstats_dir = " + ctl.dir().string() + "\n");
    counters::write_stats_file(counters::stats_file_path(ctl.dir(), "xmpp-component"),
                               {"xmpp-component", static_cast<long>(::getpid()), 0, 0, {}});
    const auto r = ctl.run({"-c", ini.string(), "sync-vcards"});  // SIGUSR2 would end this test
    EXPECT_EQ(r.code, kNoStats);
    EXPECT_NE(r.err.find("is not running"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cusax::ctl
