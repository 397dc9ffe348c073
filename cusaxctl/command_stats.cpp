// cusaxctl stats: what the running daemons counted, from the files they write to stats_dir.
#include <ctime>
#include <filesystem>

#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "shared/counters/stats_file.hpp"

namespace cusax::ctl {

int command_stats(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"stats", "stats [--json]",
                     "Show the counters of the daemons ([log] stats_dir; refreshed every "
                     "stats_interval, or at once with kill -USR1 PID)."};
    if (!parse_command(ctx, spec, args)) return kOk;

    std::vector<counters::StatsSnapshot> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(ctx.stats_dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!name.ends_with(".stats.json")) continue;
        try {
            found.push_back(counters::read_stats_file(entry.path()));
        } catch (const std::exception& e) {
            *ctx.err << e.what() << '\n';
        }
    }
    if (found.empty()) {
        throw CommandError(kNoStats, "no stats in " + ctx.stats_dir.string() +
                                         " (are the daemons running, with [log] stats_dir there?)");
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.program < b.program; });
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    auto running = [](long pid) { return std::filesystem::exists("/proc/" + std::to_string(pid)); };
    if (ctx.json) {
        auto array = nlohmann::ordered_json::array();
        for (const auto& stats : found) {
            auto doc = nlohmann::ordered_json::parse(counters::to_json(stats));
            doc["running"] = running(stats.pid);
            array.push_back(doc);
        }
        *ctx.out << array.dump() << '\n';
        return kOk;
    }
    for (const auto& stats : found) {
        *ctx.out << stats.program << " (pid " << stats.pid
                 << (running(stats.pid) ? "" : ", not running") << ", written "
                 << now - stats.written_at << " s ago)\n";
        for (const auto& [name, value] : stats.counters) {
            *ctx.out << "  " << name << ' ' << value << '\n';
        }
    }
    return kOk;
}

}  // namespace cusax::ctl
