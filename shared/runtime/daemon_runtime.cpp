#include "shared/runtime/daemon_runtime.hpp"

#include "shared/config/shared_sections.hpp"
#include "shared/log/log.hpp"

namespace cusax::runtime {

store::StoreSettings store_settings(const config::Config& config) {
    const auto values = config::store_config(config);
    store::StoreSettings settings;
    settings.backend = values.backend;
    settings.path = values.path;
    settings.conninfo = values.conninfo;
    settings.busy_timeout_ms = static_cast<int>(values.busy_timeout.count());
    return settings;
}

DaemonRuntime::DaemonRuntime(const config::Config& config, std::string program,
                             store::SnapshotProfile profile) {
    log::setup(config::log_settings(config, program));
    for (auto& secret : config.secret_values()) log::register_secret(std::move(secret));

    // A daemon only reads the store: it never creates or migrates the operator's file
    // (cusaxctl init does), and notices when the file is replaced (docs/binding-snapshot.md).
    auto settings = store_settings(config);
    settings.read_only = true;
    auto& refreshes = counters_.get("store.snapshots_published");
    watcher_ = std::make_unique<store::SnapshotWatcher>(
        [settings] { return store::open_store(settings); },
        config::store_config(config).refresh_interval, profile);
    watcher_->on_publish([&refreshes](const store::Snapshot&) { refreshes.add(); });

    counters::StatsReporter::install_sigusr1_handler();
    const auto log_values = config::log_config(config);
    reporter_ = std::make_unique<counters::StatsReporter>(counters_, program, log_values.stats_dir,
                                                          log_values.stats_interval);
    log::event(log::Level::info, "daemon.started", "",
               {{"config", config.file()},
                {"store", store::describe_store(settings)},
                {"bindings", std::to_string(snapshot()->size())}});
}

}  // namespace cusax::runtime
