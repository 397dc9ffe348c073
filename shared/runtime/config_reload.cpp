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
                             const std::vector<std::string>& needed) {
    config::Config::Values values;
    std::vector<std::string> applied;
    std::vector<std::string> kept;
    for (const auto& section : fresh.schema()) {
        const bool read_here = contains(needed, section.name);
        for (const auto& key : section.keys) {
            const bool changed = read_here && running.text(section.name, key.name) !=
                                                  fresh.text(section.name, key.name);
            const bool keep = changed && !key.reloads;
            if (changed) (keep ? kept : applied).push_back("[" + section.name + "] " + key.name);
            const config::Config& source = keep ? running : fresh;
            if (source.is_set(section.name, key.name))
                values[section.name][key.name] = {source.text(section.name, key.name),
                                                  source.line(section.name, key.name)};
        }
    }
    return {config::Config(fresh.schema(), fresh.file(), std::move(values)), std::move(applied),
            std::move(kept)};
}

std::optional<config::Config> reload_config(const config::Config& running,
                                            const std::vector<std::string>& needed) {
    std::optional<ReloadDecision> decision;
    try {
        const config::Config fresh =
            config::load_config_file(running.file(), needed, running.schema());
        decision.emplace(decide_reload(running, fresh, needed));
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
    log::event(
        log::Level::info, "config.reloaded",
        decision->applied.empty() ? "SIGHUP: no reloadable key changed"
                                  : "SIGHUP: new values apply from the next request",
        {{"config", running.file()}, {"keys", config::detail::join_list(decision->applied)}});
    return std::move(decision->config);
}

void apply_log_settings(const config::Config& config) {
    const auto settings = config::log_settings(config, "");
    log::reconfigure(settings.level, settings.format);
}

ConfigReloader::ConfigReloader(config::Config running, std::vector<std::string> needed, Apply apply)
    : running_(std::move(running)), needed_(std::move(needed)), apply_(std::move(apply)) {}

void ConfigReloader::reload() {
    auto config = reload_config(running_, needed_);
    if (!config) return;
    try {
        apply_(*config);
        apply_log_settings(*config);
        running_ = std::move(*config);
    } catch (const std::exception& e) {
        log::event(log::Level::error, "config.reload_refused", e.what(),
                   {{"config", running_.file()}});
    }
}

}  // namespace cusax::runtime
