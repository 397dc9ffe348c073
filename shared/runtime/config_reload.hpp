#pragma once
// SIGHUP: a daemon reads its INI file again and takes the new values of the keys declared
// reloadable (config::reloadable in the key tables; README "Reload"). Every other key keeps
// the value the daemon started with, and one log line names those that changed. A file with
// errors changes nothing: each error is logged with its file and line.
//
// The daemons call reload_config() on the thread that serves requests and apply the Config it
// returns there, so a request sees either the old or the new settings, never a mix.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "shared/config/config.hpp"

namespace cusax::runtime {

struct ReloadDecision {
    // What the daemon runs on from now: the file's values of the reloadable keys, the running
    // values of the others.
    config::Config config;
    // "[section] key" of each reloadable key whose value changed.
    std::vector<std::string> applied;
    // "[section] key" of each restart-only key whose value changed (kept at its running value).
    std::vector<std::string> kept;
};

// Compares the keys of the `needed` sections (those the daemon reads) of the running
// configuration and of the file just loaded; the other sections are taken from `fresh`.
ReloadDecision decide_reload(const config::Config& running, const config::Config& fresh,
                             const std::vector<std::string>& needed);

// Loads running.file() again against running's schema, decides, logs the outcome
// (config.reloaded, config.restart_needed, config.reload_refused) and returns the Config to
// apply; std::nullopt when the file has errors (the daemon keeps `running`).
std::optional<config::Config> reload_config(const config::Config& running,
                                            const std::vector<std::string>& needed);

// [log] level and format of `config` applied to the running logger.
void apply_log_settings(const config::Config& config);

// What a daemon keeps for SIGHUP: the configuration it runs on, and how to apply a new one.
class ConfigReloader {
  public:
    // Applies the program's own reloadable settings of a Config; builds everything before it
    // changes anything, and throws to refuse the Config (nothing changed).
    using Apply = std::function<void(const config::Config&)>;

    ConfigReloader(config::Config running, std::vector<std::string> needed, Apply apply);

    // reload_config(), then `apply` and the log settings; on a refusal the daemon runs on as
    // before (logged as config.reload_refused).
    void reload();

  private:
    config::Config running_;
    std::vector<std::string> needed_;
    Apply apply_;
};

}  // namespace cusax::runtime
