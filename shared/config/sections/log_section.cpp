#include "shared/config/sections/all_sections.hpp"

namespace cusax::config {

SectionDecl log_section() {
    SectionDecl section{"log", "Logging and statistics, for every program.", {}};
    section.keys.push_back(
        {.name = "level",
         .type = KeyType::enumeration,
         .default_value = "info",
         .help = "Lowest level written to the log.",
         .choices = {"trace", "debug", "info", "warn", "error", "critical", "off"}});
    section.keys.push_back({.name = "format",
                            .type = KeyType::enumeration,
                            .default_value = "text",
                            .help = "text: one line per event for people; json: JSON lines.",
                            .choices = {"text", "json"}});
    section.keys.push_back({.name = "file",
                            .type = KeyType::path,
                            .default_value = "",
                            .help = "Log file, appended to; empty: standard error."});
    section.keys.push_back({.name = "stats_interval",
                            .type = KeyType::duration,
                            .default_value = "60s",
                            .help = "How often a daemon logs and writes its counters; 0s: never."});
    section.keys.push_back(
        {.name = "stats_dir",
         .type = KeyType::path,
         .default_value = "/run/cusax",
         .help = "Directory where the daemons write their counters for `cusaxctl stats`.",
         .validator = [](std::string_view value) -> std::string {
             return value.empty() ? "must not be empty" : "";
         }});
    return section;
}

}  // namespace cusax::config
