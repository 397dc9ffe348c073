#include "shared/log/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "shared/log/line_format.hpp"

namespace cusax::log {
namespace {

struct State {
    std::mutex secrets_mutex;
    std::vector<std::string> secrets;
    LogSettings settings;
    // The format in use, apart from `settings` so that reconfigure() may change it while
    // other threads write lines.
    std::atomic<Format> format{Format::text};
};

State& state() {
    static State s;
    return s;
}

spdlog::level::level_enum to_spdlog(Level level) {
    return static_cast<spdlog::level::level_enum>(static_cast<int>(level));
}

// The timestamp and level come from spdlog; the rest of the line is ours (line_format).
void set_pattern(spdlog::logger& logger, Format format) {
    if (format == Format::json) {
        logger.set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                           spdlog::pattern_time_type::utc);
    } else {
        logger.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    }
}

void install(const LogSettings& settings, std::shared_ptr<spdlog::sinks::sink> sink) {
    auto logger = std::make_shared<spdlog::logger>(settings.program, std::move(sink));
    set_pattern(*logger, settings.format);
    logger->set_level(to_spdlog(settings.level));
    // Warnings reach the file at once; everything else within a second (spdlog's flusher
    // thread), so `tail -f` follows a daemon without a write() per line on the hot path.
    logger->flush_on(spdlog::level::warn);
    spdlog::drop(settings.program);
    spdlog::register_logger(logger);
    spdlog::set_default_logger(std::move(logger));
    spdlog::flush_every(std::chrono::seconds(1));
    state().settings = settings;
    state().format = settings.format;
}

}  // namespace

std::optional<Level> level_from_string(std::string_view text) {
    static constexpr std::pair<std::string_view, Level> names[] = {
        {"trace", Level::trace}, {"debug", Level::debug}, {"info", Level::info},
        {"warn", Level::warn},   {"error", Level::error}, {"critical", Level::critical},
        {"off", Level::off}};
    for (const auto& [name, level] : names) {
        if (name == text) return level;
    }
    return std::nullopt;
}

std::optional<Format> format_from_string(std::string_view text) {
    if (text == "text") return Format::text;
    if (text == "json") return Format::json;
    return std::nullopt;
}

void setup(const LogSettings& settings) {
    std::shared_ptr<spdlog::sinks::sink> sink;
    if (settings.file.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
        try {
            sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.file);
        } catch (const spdlog::spdlog_ex& e) {
            throw std::runtime_error("cannot open log file " + settings.file + ": " + e.what());
        }
    }
    install(settings, std::move(sink));
}

void setup_with_sink(const LogSettings& settings, std::shared_ptr<spdlog::sinks::sink> sink) {
    install(settings, std::move(sink));
}

void reconfigure(Level level, Format format) {
    auto* logger = spdlog::default_logger_raw();
    if (state().format != format) {
        set_pattern(*logger, format);  // the sinks take the new pattern under their own lock
        state().format = format;
    }
    logger->set_level(to_spdlog(level));  // atomic in spdlog
}

bool enabled(Level level) { return spdlog::default_logger_raw()->should_log(to_spdlog(level)); }

void event(Level level, std::string_view event_name, std::string_view message,
           std::initializer_list<Field> fields) {
    event(level, event_name, message, std::span<const Field>(fields.begin(), fields.size()));
}

void event(Level level, std::string_view event_name, std::string_view message,
           std::span<const Field> fields) {
    auto* logger = spdlog::default_logger_raw();
    if (!logger->should_log(to_spdlog(level))) return;
    const auto& settings = state().settings;
    std::string line = state().format == Format::json
                           ? format_json_body(settings.program, event_name, message, fields)
                           : format_text_body(settings.program, event_name, message, fields);
    {
        std::lock_guard lock(state().secrets_mutex);
        for (const auto& secret : state().secrets) mask_all(line, secret);
    }
    logger->log(to_spdlog(level), "{}", line);
}

void flush() { spdlog::default_logger_raw()->flush(); }

void register_secret(std::string secret) {
    // Very short values would mask ordinary words; they are still never logged by callers.
    if (secret.size() < 4) return;
    std::lock_guard lock(state().secrets_mutex);
    state().secrets.push_back(std::move(secret));
}

RateLimitedLog::RateLimitedLog(std::string category, int burst, int period_s)
    : category_(std::move(category)), burst_(burst), period_s_(period_s) {}

void RateLimitedLog::event(Level level, std::string_view event_name, std::string_view message,
                           std::initializer_list<Field> fields) {
    if (!enabled(level)) return;
    const long now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    if (now - window_start_ >= period_s_) {
        window_start_ = now;
        used_ = 0;
    }
    if (used_ >= burst_) {
        ++suppressed_;
        return;
    }
    ++used_;
    if (suppressed_ == 0) {
        log::event(level, event_name, message, fields);
        return;
    }
    // Report what was held back on the next line that gets through.
    std::vector<Field> with_count(fields);
    const std::string count = std::to_string(suppressed_);
    with_count.push_back({"suppressed", count});
    with_count.push_back({"category", category_});
    suppressed_ = 0;
    log::event(level, event_name, message, std::span<const Field>(with_count));
}

}  // namespace cusax::log
