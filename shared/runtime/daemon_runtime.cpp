#include "shared/runtime/daemon_runtime.hpp"

#include "shared/config/log_settings.hpp"
#include "shared/log/log.hpp"

namespace cusax::runtime {

store::StoreSettings store_settings(const config::Config& config) {
    store::StoreSettings settings;
    settings.backend = config.string("store", "backend");
    settings.path = config.string("store", "path");
    settings.busy_timeout_ms = static_cast<int>(config.duration("store", "busy_timeout").count());
    return settings;
}

DaemonRuntime::DaemonRuntime(const config::Config& config, std::string program) {
    log::setup(config::log_settings(config, program));
    for (auto& secret : config.secret_values()) log::register_secret(std::move(secret));

    const auto settings = store_settings(config);
    auto& refreshes = counters_.get("store.snapshots_published");
    watcher_ =
        std::make_unique<store::SnapshotWatcher>([settings] { return store::open_store(settings); },
                                                 config.duration("store", "refresh_interval"));
    watcher_->on_publish([&refreshes](const store::Snapshot&) { refreshes.add(); });

    counters::StatsReporter::install_sigusr1_handler();
    reporter_ = std::make_unique<counters::StatsReporter>(counters_, program,
                                                          config.string("log", "stats_dir"),
                                                          config.duration("log", "stats_interval"));
    log::event(log::Level::info, "daemon.started", "",
               {{"config", config.file()},
                {"store", settings.path},
                {"bindings", std::to_string(snapshot()->size())}});
}

}  // namespace cusax::runtime
