#include "cusaxctl/doctor/daemon_check.hpp"

#include <fstream>

#include "shared/config/value_parsers.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::ctl::doctor {
namespace {

// Slack on top of two intervals: a loaded host writes a little late.
constexpr std::int64_t kSlackSeconds = 5;
// What /proc/PID/comm keeps of a name (TASK_COMM_LEN minus the NUL).
constexpr std::size_t kCommLength = 15;

}  // namespace

bool process_is(long pid, const std::string& binary) {
    if (pid <= 0) return false;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    return comm && std::getline(comm, name) && name == binary.substr(0, kCommLength);
}

DaemonFacts read_daemon_facts(const DaemonIdentity& daemon,
                              const std::filesystem::path& stats_dir) {
    DaemonFacts facts;
    facts.stats_file = counters::stats_file_path(stats_dir, daemon.program);
    try {
        const auto stats = counters::read_stats_file(facts.stats_file);
        facts.pid = stats.pid;
        facts.written_at = stats.written_at;
        facts.running = process_is(stats.pid, daemon.binary);
    } catch (const std::exception& e) {
        std::error_code ec;
        facts.missing = !std::filesystem::exists(facts.stats_file, ec);
        facts.unreadable = e.what();
    }
    return facts;
}

CheckResult daemon_verdict(const DaemonIdentity& daemon, const DaemonFacts& facts, std::int64_t now,
                           std::chrono::milliseconds stats_interval) {
    CheckResult r{daemon.binary, Verdict::ok, "", ""};
    const std::string start = "systemctl start " + daemon.binary + " (journalctl -u " +
                              daemon.binary + " says why it stopped)";
    if (facts.unreadable) {
        r.verdict = Verdict::fail;
        r.detail = facts.missing ? "no stats file " + facts.stats_file.string() +
                                       ": not running, or it writes them to another "
                                       "[log] stats_dir"
                                 : *facts.unreadable;
        r.fix = start + "; doctor reads the INI file the daemon uses (-c)";
        return r;
    }
    const std::string pid = "pid " + std::to_string(facts.pid);
    const auto age = std::max<std::int64_t>(0, now - facts.written_at);
    const std::string written = "stats written " + std::to_string(age) + " s ago";
    if (!facts.running) {
        r.verdict = Verdict::fail;
        r.detail = "not running: no " + daemon.binary + " has " + pid + ", which " +
                   facts.stats_file.string() + " names (" + written + ")";
        r.fix = start;
        return r;
    }
    const auto interval_s =
        std::chrono::duration_cast<std::chrono::seconds>(stats_interval).count();
    if (interval_s == 0 && stats_interval.count() == 0) {
        r.detail = pid +
                   " runs; [log] stats_interval = 0s, so how fresh its stats are is not "
                   "checked";
        return r;
    }
    const auto limit = 2 * std::max<std::int64_t>(interval_s, 1) + kSlackSeconds;
    if (age > limit) {
        r.verdict = Verdict::fail;
        r.detail = pid + " runs, but its stats are " + std::to_string(age) +
                   " s old ([log] stats_interval = " + config::format_duration(stats_interval) +
                   "): it may hang, or cannot write " + facts.stats_file.parent_path().string();
        r.fix = "kill -USR1 " + std::to_string(facts.pid) +
                " writes them at once; if the file stays old, see its log and restart it "
                "(systemctl restart " +
                daemon.binary + ")";
        return r;
    }
    r.detail = pid + " runs, " + written;
    return r;
}

}  // namespace cusax::ctl::doctor
