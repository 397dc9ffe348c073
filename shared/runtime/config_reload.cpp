#include "shared/runtime/config_reload.hpp"

#include <algorithm>

#include "shared/config/config_loader.hpp"
#include "shared/config/settings_values.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/log/log.hpp"

namespace cusax::runtime {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

ReloadDecision decide_reload(const config::Config& running, const config::Config& fresh,
                             const std::vector<std::string>& needed,
                             const std::vector<std::string>& unread) {
    config::Config::Values values;
    std::vector<std::string> applied;
    std::vector<std::string> kept;
    for (const auto& section : fresh.schema()) {
        const bool read_here = contains(needed, section.name);
        for (const auto& key : section.keys) {
            const std::string name = "[" + section.name + "] " + key.name;
            const bool changed =
                read_here && !contains(unread, name) &&
                running.text(section.name, key.name) != fresh.text(section.name, key.name);
            const bool keep = changed && !key.reloads;
            if (changed) (keep ? kept : applied).push_back(name);
            const config::Config& source = keep ? running : fresh;
            if (source.is_set(section.name, key.name))
                values[section.name][key.name] = {source.text(section.name, key.name),
                                                  source.line(section.name, key.name)};
        }
    }
    return {config::Config(fresh.schema(), fresh.file(), std::move(values)), std::move(applied),
            std::move(kept)};
}

namespace {

// The file loaded again and compared: the refusal (errors, each with its file and line) and
// the restart-only keys logged here; std::nullopt when the file has errors.
std::optional<ReloadDecision> load_and_decide(const config::Config& running,
                                              const std::vector<std::string>& needed,
                                              const std::vector<std::string>& unread) {
    std::optional<ReloadDecision> decision;
    try {
        const config::Config fresh =
            config::load_config_file(running.file(), needed, running.schema());
        decision.emplace(decide_reload(running, fresh, needed, unread));
    } catch (const config::ConfigError& e) {
        // Each error reads "FILE:LINE: [section] key: what is wrong" and never quotes a secret.
        for (const auto& error : e.errors())
            log::event(log::Level::error, "config.reload_refused", error,
                       {{"config", running.file()}});
        log::event(log::Level::warn, "config.reload_refused",
                   "SIGHUP: the file has errors; running on the previous configuration",
                   {{"config", running.file()}, {"errors", std::to_string(e.errors().size())}});
        return std::nullopt;
    }
    if (!decision->kept.empty())
        log::event(
            log::Level::warn, "config.restart_needed",
            "SIGHUP: these keys changed but take effect only after a restart; their "
            "previous values stay",
            {{"config", running.file()}, {"keys", config::detail::join_list(decision->kept)}});
    return decision;
}

// Logged once the new values are in force, never before (a daemon's apply step may still
// refuse them).
void log_reloaded(const ReloadDecision& decision) {
    log::event(log::Level::info, "config.reloaded",
               decision.applied.empty() ? "SIGHUP: no reloadable key changed"
                                        : "SIGHUP: new values apply from the next request",
               {{"config", decision.config.file()},
                {"keys", config::detail::join_list(decision.applied)}});
}

}  // namespace

std::optional<config::Config> reload_config(const config::Config& running,
                                            const std::vector<std::string>& needed,
                                            const std::vector<std::string>& unread) {
    auto decision = load_and_decide(running, needed, unread);
    if (!decision) return std::nullopt;
    log_reloaded(*decision);
    return std::move(decision->config);
}

void apply_log_settings(const config::Config& config) {
    const auto settings = config::log_settings(config, "");
    log::reconfigure(settings.level, settings.format);
}

ConfigReloader::ConfigReloader(config::Config running, std::vector<std::string> needed, Apply apply,
                               std::vector<std::string> unread)
    : running_(std::move(running)),
      needed_(std::move(needed)),
      apply_(std::move(apply)),
      unread_(std::move(unread)) {}

void ConfigReloader::reload() {
    auto decision = load_and_decide(running_, needed_, unread_);
    if (!decision) return;
    try {
        apply_(decision->config);
        log_reloaded(*decision);  // under the old level: seen even when the new one hides it
        apply_log_settings(decision->config);
        running_ = std::move(decision->config);
    } catch (const std::exception& e) {
        log::event(log::Level::error, "config.reload_refused", e.what(),
                   {{"config", running_.file()}});
    }
}

}  // namespace cusax::runtime
