#include "shared/config/shared_sections.hpp"

#include <stdexcept>

#include "shared/config/conninfo_check.hpp"
#include "shared/config/settings_table.hpp"

namespace cusax::config {
namespace {

std::string not_empty(std::string_view value) { return value.empty() ? "must not be empty" : ""; }

const SettingsTable<LogConfig>& log_table() {
    static const SettingsTable<LogConfig> table{
        "log",
        "Logging and statistics, for every program.",
        {
            reloadable(
                key("level", &LogConfig::level, "Lowest level written to the log.",
                    {.type = KeyType::enumeration,
                     .choices = {"trace", "debug", "info", "warn", "error", "critical", "off"}})),
            reloadable(key("format", &LogConfig::format,
                           "text: one line per event for people; json: JSON lines.",
                           {.type = KeyType::enumeration, .choices = {"text", "json"}})),
            key("file", &LogConfig::file, "Log file, appended to; empty: standard error.",
                {.type = KeyType::path}),
            key("stats_interval", &LogConfig::stats_interval,
                "How often a daemon logs and writes its counters; 0s: never."),
            key("stats_dir", &LogConfig::stats_dir,
                "Directory where the daemons write their counters for `cusaxctl stats`.",
                {.type = KeyType::path, .validator = not_empty}),
        }};
    return table;
}

const SettingsTable<StoreConfig>& store_table() {
    static const SettingsTable<StoreConfig> table{
        "store",
        "The store of SIP-AOR-to-JID bindings, shared by every program.",
        {
            key("backend", &StoreConfig::backend,
                "Database engine: sqlite (one host) or postgresql (several hosts).",
                {.type = KeyType::enumeration, .choices = {"sqlite", "postgresql"}}),
            key("path", &StoreConfig::path, "SQLite database file, created if absent.",
                {.type = KeyType::path, .validator = not_empty}),
            key("conninfo", &StoreConfig::conninfo,
                "postgresql: libpq connection string (service=, host=, dbname=, sslmode=...; "
                "PG* environment applies); never a password: use a passfile."),
            key("busy_timeout", &StoreConfig::busy_timeout,
                "How long a write waits for another program's lock."),
            key("refresh_interval", &StoreConfig::refresh_interval,
                "How often a daemon checks the store for changes.", {.min = 50, .max = 1000}),
        },
        [](const StoreConfig& store, const Config&) {
            // Said without the value: it holds the password.
            std::vector<KeyProblem> problems;
            if (conninfo_has_password(store.conninfo)) {
                problems.push_back({"conninfo",
                                    "holds a password (value not shown); put it in a passfile "
                                    "(~/.pgpass, PGPASSFILE or passfile=) or a service file"});
            }
            return problems;
        }};
    return table;
}

}  // namespace

SectionDecl log_section() { return log_table().declaration(); }
SectionDecl store_section() { return store_table().declaration(); }

LogConfig log_config(const Config& config) { return log_table().read(config); }
StoreConfig store_config(const Config& config) { return store_table().read(config); }

log::LogSettings log_settings(const Config& config, std::string program) {
    const auto values = log_config(config);
    log::LogSettings settings;
    settings.program = std::move(program);
    // Both enumerations are declared with log's own names (above), so a value that passed
    // validation always converts.
    const auto level = log::level_from_string(values.level);
    const auto format = log::format_from_string(values.format);
    if (!level || !format) throw std::logic_error("config: [log] level/format not known to log");
    settings.level = *level;
    settings.format = *format;
    settings.file = values.file;
    return settings;
}

}  // namespace cusax::config
