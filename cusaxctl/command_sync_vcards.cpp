// cusaxctl sync-vcards: asks the running cusax-xmpp-component to write the guaranteed fields
// (the bound SIP address and numbers) into every bound user's vCard4 now, through the XMPP
// server's XEP-0356 privileged pubsub, as it does by itself after each connection and for each
// binding change. The server does not tell the component when users edit their own vCard4 (or
// their vcard-temp where it is not delegated: Prosody's mod_vcard_legacy keeps it as vCard4), so
// an operator (or cron) runs this to put back what users removed meanwhile.
//
// The component is found through the stats file it writes ([log] stats_dir), and signalled
// with SIGUSR2; what it then changes is in its log (xmpp.vcard4_published).
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::ctl {
namespace {

constexpr std::string_view kComponentProgram = "xmpp-component";
// /proc/PID/comm holds the first 15 characters of the executable's name.
constexpr std::string_view kComponentComm = "cusax-xmpp-comp";

bool is_component(long pid) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    return comm && std::getline(comm, name) && name == kComponentComm;
}

}  // namespace

int command_sync_vcards(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"sync-vcards", "sync-vcards",
                     "Ask the running cusax-xmpp-component to put every bound user's SIP address "
                     "and numbers back into their vCard4 now (XEP-0356; SIGUSR2)."};
    if (!parse_command(ctx, spec, args)) return kOk;
    const auto path = counters::stats_file_path(ctx.stats_dir, std::string(kComponentProgram));
    counters::StatsSnapshot stats;
    try {
        stats = counters::read_stats_file(path);
    } catch (const std::exception& e) {
        throw CommandError(kNoStats, std::string(e.what()) +
                                         " (is cusax-xmpp-component running, with [log] "
                                         "stats_dir there?)");
    }
    if (!is_component(stats.pid) || ::kill(static_cast<pid_t>(stats.pid), SIGUSR2) != 0) {
        throw CommandError(kNoStats, path.string() + ": cusax-xmpp-component (pid " +
                                         std::to_string(stats.pid) + ") is not running");
    }
    say(ctx, {{"signalled", "cusax-xmpp-component"}, {"pid", stats.pid}},
        "asked cusax-xmpp-component (pid " + std::to_string(stats.pid) +
            ") to look at every bound user's vCard4 now; its log says what it changed "
            "(xmpp.vcard4_published)");
    return kOk;
}

}  // namespace cusax::ctl
