#pragma once
// A daemon's counters as a small JSON file in [log] stats_dir, so `cusaxctl stats` can read
// them from another process. Written atomically (temporary file + rename): a reader never
// sees half a file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "shared/counters/counters.hpp"

namespace cusax::counters {

struct StatsSnapshot {
    std::string program;
    long pid = 0;
    std::int64_t started_at = 0;  // unix seconds
    std::int64_t written_at = 0;  // unix seconds
    std::vector<std::pair<std::string, std::uint64_t>> counters;
};

// "<dir>/<program>.stats.json"
std::filesystem::path stats_file_path(const std::filesystem::path& dir, std::string_view program);

// Throws std::runtime_error naming the file when it cannot be written.
void write_stats_file(const std::filesystem::path& path, const StatsSnapshot& stats);
// Throws std::runtime_error naming the file when it is missing or malformed.
StatsSnapshot read_stats_file(const std::filesystem::path& path);

std::string to_json(const StatsSnapshot& stats);

}  // namespace cusax::counters
