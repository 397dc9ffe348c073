#include "shared/config/log_settings.hpp"

#include <stdexcept>

namespace cusax::config {

log::LogSettings log_settings(const Config& config, std::string program) {
    log::LogSettings settings;
    settings.program = std::move(program);
    // Both enumerations are declared with log's own names (log_section.cpp), so a value that
    // passed validation always converts.
    const auto level = log::level_from_string(config.string("log", "level"));
    const auto format = log::format_from_string(config.string("log", "format"));
    if (!level || !format) throw std::logic_error("config: [log] level/format not known to log");
    settings.level = *level;
    settings.format = *format;
    settings.file = config.string("log", "file");
    return settings;
}

}  // namespace cusax::config
