#pragma once
// What both daemons show at /metrics about their bindings snapshot and the store, and the
// [metrics] endpoint itself, started the same way by each daemon's main.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shared/metrics/metric_doc.hpp"
#include "shared/metrics/metrics_page.hpp"
#include "shared/metrics/metrics_server.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "shared/store/snapshot_watcher.hpp"

namespace cusax::runtime {

// The runtime's own counter and the snapshot and store families, for the page and the README.
std::vector<metrics::MetricDoc> runtime_metric_docs();

// The snapshot and store families as they stand at `now`.
std::vector<metrics::Family> snapshot_families(const store::SnapshotWatcher& watcher,
                                               std::chrono::steady_clock::time_point now);

// The daemon's page: its registry with the runtime's docs and `daemon_docs`, and the snapshot
// families. The runtime must outlive the page.
std::unique_ptr<metrics::MetricsPage> make_metrics_page(
    DaemonRuntime& runtime, std::vector<metrics::MetricDoc> daemon_docs);

// The endpoint on `listen` ([metrics] <daemon>_listen), serving `page` (which must outlive it)
// and `health`; nothing when `listen` is empty. Throws std::runtime_error when it cannot listen.
std::unique_ptr<metrics::MetricsServer> start_metrics_server(
    const std::string& listen, const metrics::MetricsPage& page,
    std::function<metrics::Health()> health);

}  // namespace cusax::runtime
