#include "shared/counters/stats_file.hpp"

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace cusax::counters {

std::filesystem::path stats_file_path(const std::filesystem::path& dir, std::string_view program) {
    return dir / (std::string(program) + ".stats.json");
}

std::string to_json(const StatsSnapshot& stats) {
    nlohmann::ordered_json doc;
    doc["program"] = stats.program;
    doc["pid"] = stats.pid;
    doc["started_at"] = stats.started_at;
    doc["written_at"] = stats.written_at;
    auto& counters = doc["counters"] = nlohmann::ordered_json::object();
    for (const auto& [name, value] : stats.counters) counters[name] = value;
    return doc.dump(2) + "\n";
}

void write_stats_file(const std::filesystem::path& path, const StatsSnapshot& stats) {
    const auto temporary = path.string() + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << to_json(stats);
        if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        throw std::runtime_error("cannot write " + path.string() + ": " + ec.message());
    }
}

StatsSnapshot read_stats_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path.string() + ": cannot read (is the daemon running?)");
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        const auto doc = nlohmann::json::parse(buffer.str());
        StatsSnapshot stats;
        stats.program = doc.at("program").get<std::string>();
        stats.pid = doc.at("pid").get<long>();
        stats.started_at = doc.at("started_at").get<std::int64_t>();
        stats.written_at = doc.at("written_at").get<std::int64_t>();
        for (const auto& [name, value] : doc.at("counters").items()) {
            stats.counters.emplace_back(name, value.get<std::uint64_t>());
        }
        return stats;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(path.string() + ": not a stats file: " + e.what());
    }
}

}  // namespace cusax::counters
