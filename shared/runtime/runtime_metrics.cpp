#include "shared/runtime/runtime_metrics.hpp"

#include <stdexcept>

#include "shared/config/metrics_section.hpp"

namespace cusax::runtime {

namespace {

using metrics::MetricDoc;
using metrics::MetricType;

const MetricDoc kSnapshotGeneration{
    .type = MetricType::gauge,
    .help = "The store's change counter when the snapshot in use was read.",
    .name = "cusax_snapshot_generation"};
const MetricDoc kSnapshotBindings{.type = MetricType::gauge,
                                  .help = "Bindings in the snapshot in use.",
                                  .name = "cusax_snapshot_bindings"};
const MetricDoc kSnapshotAge{
    .type = MetricType::gauge,
    .help =
        "Seconds since the snapshot in use was last known to match the store (read, or "
        "found current by a poll every [store] refresh_interval); grows while the store "
        "cannot be read.",
    .name = "cusax_snapshot_age_seconds"};
const MetricDoc kStoreReachable{
    .type = MetricType::gauge,
    .help =
        "1 when the latest poll could read the store; 0 when it could not (the daemon "
        "serves its last good snapshot meanwhile).",
    .name = "cusax_store_reachable"};

metrics::Family one_value(const MetricDoc& doc, std::string value) {
    auto family = metrics::family_of(doc);
    family.samples.push_back({"", {}, std::move(value)});
    return family;
}

}  // namespace

std::vector<MetricDoc> runtime_metric_docs() {
    return {
        {.source = "store.snapshots_published",
         .type = MetricType::counter,
         .help = "Bindings snapshots published after a change in the store (the first, read "
                 "at start, is not counted)."},
        kSnapshotGeneration,
        kSnapshotBindings,
        kSnapshotAge,
        kStoreReachable,
    };
}

std::vector<metrics::Family> snapshot_families(const store::SnapshotWatcher& watcher,
                                               std::chrono::steady_clock::time_point now) {
    const auto snapshot = watcher.current();
    const auto status = watcher.status();
    const double age = std::chrono::duration<double>(now - status.confirmed_at).count();
    return {
        one_value(kSnapshotGeneration,
                  metrics::format_value(static_cast<std::uint64_t>(snapshot->generation()))),
        one_value(kSnapshotBindings,
                  metrics::format_value(static_cast<std::uint64_t>(snapshot->size()))),
        one_value(kSnapshotAge, metrics::format_value(age > 0 ? age : 0.0)),
        one_value(kStoreReachable,
                  metrics::format_value(std::int64_t{status.store_reachable ? 1 : 0})),
    };
}

std::unique_ptr<metrics::MetricsPage> make_metrics_page(DaemonRuntime& runtime,
                                                        std::vector<MetricDoc> daemon_docs) {
    auto docs = runtime_metric_docs();
    docs.insert(docs.end(), daemon_docs.begin(), daemon_docs.end());
    auto page = std::make_unique<metrics::MetricsPage>(runtime.counters(), std::move(docs));
    page->add_collector([&watcher = runtime.watcher()] {
        return snapshot_families(watcher, std::chrono::steady_clock::now());
    });
    return page;
}

std::unique_ptr<metrics::MetricsServer> start_metrics_server(
    const std::string& listen, const metrics::MetricsPage& page,
    std::function<metrics::Health()> health) {
    if (listen.empty()) return nullptr;
    const auto where = config::parse_listen_address(listen);
    // The loader validated the key; this is a bug, not an operator's mistake.
    if (!where) throw std::logic_error("[metrics] listen address not validated: " + listen);
    return std::make_unique<metrics::MetricsServer>(
        where->address, where->port,
        metrics::Endpoints{[&page] { return page.render(); }, std::move(health)});
}

}  // namespace cusax::runtime
