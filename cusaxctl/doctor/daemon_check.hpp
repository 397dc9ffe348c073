#pragma once
// The daemons run and report: each writes its counters to [log] stats_dir at start and every
// stats_interval (shared/counters/stats_reporter.hpp), naming its pid. A daemon is running
// when that pid is a live process of its program (its /proc/PID/comm, as cusaxctl sync-vcards
// finds the component), and reporting when the file is younger than two intervals (and a
// little slack for a loaded host).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cusaxctl/doctor/check_result.hpp"

namespace cusax::ctl::doctor {

struct DaemonIdentity {
    std::string program;  // as in its stats file name: "sip-proxy"
    std::string binary;   // "cusax-sip-proxy"
};

inline const DaemonIdentity kSipProxy{"sip-proxy", "cusax-sip-proxy"};
inline const DaemonIdentity kXmppComponent{"xmpp-component", "cusax-xmpp-component"};

struct DaemonFacts {
    std::filesystem::path stats_file;
    std::optional<std::string> unreadable;  // no stats file, or not one
    bool missing = false;                   // no file at all
    long pid = 0;
    bool running = false;         // pid is a live process of this program
    std::int64_t written_at = 0;  // unix seconds
};

// Reads the daemon's stats file in `stats_dir` and looks its pid up in /proc.
DaemonFacts read_daemon_facts(const DaemonIdentity& daemon, const std::filesystem::path& stats_dir);

CheckResult daemon_verdict(const DaemonIdentity& daemon, const DaemonFacts& facts, std::int64_t now,
                           std::chrono::milliseconds stats_interval);

// Whether /proc/PID/comm names `binary` (the kernel keeps its first 15 characters).
bool process_is(long pid, const std::string& binary);

}  // namespace cusax::ctl::doctor
