#pragma once
// What both daemons set up the same way from the shared sections of the INI file: logging
// ([log]), the live bindings snapshot ([store]) and the counters with their reporter.
#include <memory>
#include <string>

#include "shared/config/config.hpp"
#include "shared/counters/counters.hpp"
#include "shared/counters/stats_reporter.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot_watcher.hpp"

namespace cusax::runtime {

// The [store] section as open_store takes it.
store::StoreSettings store_settings(const config::Config& config);

class DaemonRuntime {
  public:
    // `program` names the daemon in log lines and its stats file ("sip-proxy").
    // Throws store::StoreError when the store cannot be read at start: a daemon must not
    // start with no bindings because of a typo in [store] path. `profile`: how much of each
    // binding the daemon's snapshots keep (the proxy needs far less than the component).
    DaemonRuntime(const config::Config& config, std::string program,
                  store::SnapshotProfile profile = store::SnapshotProfile::full);

    counters::Registry& counters() { return counters_; }
    std::shared_ptr<const store::Snapshot> snapshot() const { return watcher_->current(); }
    store::SnapshotWatcher& watcher() { return *watcher_; }

  private:
    counters::Registry counters_;  // before the reporter, which reads it until it stops
    std::unique_ptr<store::SnapshotWatcher> watcher_;
    std::unique_ptr<counters::StatsReporter> reporter_;
};

}  // namespace cusax::runtime
