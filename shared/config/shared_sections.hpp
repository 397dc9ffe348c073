#pragma once
// The sections every program reads: [log] and [store], declared once in shared_sections.cpp,
// each key beside the member it fills (settings_table.hpp). The programs' own sections are
// declared beside their settings, and config-catalog/ lists them all (docs/configuration.md).
#include <chrono>
#include <string>

#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"
#include "shared/log/log.hpp"

namespace cusax::config {

struct LogConfig {
    std::string level = "info";   // log::level_from_string's names
    std::string format = "text";  // log::format_from_string's names
    std::string file;             // empty: standard error
    std::chrono::milliseconds stats_interval{60000};
    std::string stats_dir = "/run/cusax";
};

struct StoreConfig {
    std::string backend = "sqlite";
    std::string path = "/var/lib/cusax/bindings.sqlite";
    std::string conninfo;  // postgresql: libpq connection string, never with a password
    std::chrono::milliseconds busy_timeout{5000};
    std::chrono::milliseconds refresh_interval{250};
};

SectionDecl log_section();
SectionDecl store_section();

LogConfig log_config(const Config& config);
StoreConfig store_config(const Config& config);

// The [log] section as log::setup() takes it. `program` names the process in each line:
// "sip-proxy", "xmpp-component", "cusaxctl".
log::LogSettings log_settings(const Config& config, std::string program);

}  // namespace cusax::config
