// cusaxctl reload: asks the running cusax-sip-proxy and cusax-xmpp-component to read the INI
// file again, as `systemctl reload` does (SIGHUP; README "Reload"). Each daemon is found as
// `sync-vcards` finds the component: the pid in the stats file it writes ([log] stats_dir),
// checked against /proc/PID/comm so that a stale file never signals another process. What
// each daemon then applied, kept or refused is in its log (config.reloaded,
// config.restart_needed, config.reload_refused).
#include "cusaxctl/command_reload.hpp"

#include <signal.h>

#include <fstream>
#include <string>
#include <variant>

#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::ctl {
namespace {

struct Daemon {
    std::string_view program;  // the stats file's name ("sip-proxy")
    std::string_view comm;     // /proc/PID/comm: the first 15 characters of the executable
    std::string_view name;
};

constexpr Daemon kDaemons[] = {
    {"sip-proxy", "cusax-sip-proxy", "cusax-sip-proxy"},
    {"xmpp-component", "cusax-xmpp-comp", "cusax-xmpp-component"},
};

bool runs_as(long pid, std::string_view comm) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    return file && std::getline(file, name) && name == comm;
}

// The pid signalled, or why not.
std::variant<long, std::string> signal_daemon(const CtlContext& ctx, const Daemon& daemon) {
    const auto path = counters::stats_file_path(ctx.stats_dir, std::string(daemon.program));
    counters::StatsSnapshot stats;
    try {
        stats = counters::read_stats_file(path);
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
    if (!runs_as(stats.pid, daemon.comm) || ::kill(static_cast<pid_t>(stats.pid), SIGHUP) != 0)
        return path.string() + ": pid " + std::to_string(stats.pid) + " is not running";
    return stats.pid;
}

}  // namespace

int command_reload(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"reload", "reload",
                     "Ask the running daemons to read the configuration file again (SIGHUP); "
                     "their logs say what changed and what needs a restart."};
    if (!parse_command(ctx, spec, args)) return kOk;
    nlohmann::ordered_json result = nlohmann::ordered_json::array();
    std::string text;
    bool any = false;
    for (const auto& daemon : kDaemons) {
        const auto outcome = signal_daemon(ctx, daemon);
        if (!text.empty()) text += "\n";
        if (const long* pid = std::get_if<long>(&outcome)) {
            any = true;
            result.push_back({{"daemon", daemon.name}, {"pid", *pid}, {"signalled", true}});
            text += std::string(daemon.name) + " (pid " + std::to_string(*pid) +
                    "): asked to reload; its log says what changed (config.reloaded)";
        } else {
            const auto& why = std::get<std::string>(outcome);
            result.push_back({{"daemon", daemon.name}, {"signalled", false}, {"reason", why}});
            text += std::string(daemon.name) + ": not running (" + why + ")";
        }
    }
    if (!any)
        throw CommandError(kNoStats, text + "\n(no daemon running with [log] stats_dir " +
                                         ctx.stats_dir.string() + "?)");
    say(ctx, {{"daemons", result}}, text);
    return kOk;
}

}  // namespace cusax::ctl
