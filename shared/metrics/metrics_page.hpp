#pragma once
// The page a daemon serves at /metrics: every counter, gauge and histogram of its
// counters::Registry (so every counter `cusaxctl stats` shows, under a name derived from its
// own: metric_doc.hpp), then the families computed when the page is asked for (the snapshot's
// age, the kernel's UDP drops), each with the help its MetricDoc gives.
//
// Rendering reads the registry's atomics and runs the collectors on the caller's thread (the
// metrics server's): nothing here waits for, or makes wait, the thread that bumps a counter.
#include <functional>
#include <string>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/metrics/metric_doc.hpp"
#include "shared/metrics/text_format.hpp"

namespace cusax::metrics {

class MetricsPage {
  public:
    // Computes families when the page is rendered; runs on the metrics server's thread, so
    // it may only read what is safe to read from there.
    using Collector = std::function<std::vector<Family>()>;

    // `registry` must outlive the page. `docs` name and describe the registry's entries; an
    // entry no doc declares is still shown, under its mechanical name with a generic help.
    MetricsPage(const counters::Registry& registry, std::vector<MetricDoc> docs);

    // Before the page is first rendered (not safe against a concurrent render()).
    void add_collector(Collector collector);

    // The whole page in the text format (text_format.hpp).
    std::string render() const;

    // Every family the page shows, in its order: the registry's (by name), then the
    // collectors'.
    std::vector<Family> families() const;

  private:
    const MetricDoc* doc_for(std::string_view name, MetricType type) const;

    const counters::Registry& registry_;
    std::vector<MetricDoc> docs_;
    std::vector<Collector> collectors_;
};

}  // namespace cusax::metrics
