#pragma once
// What each metric family of a daemon is, declared once beside the code that fills it: the
// metrics endpoint takes its name, type and help from here (metrics_page.hpp), and the
// README's list of metrics is generated from the same declarations (a unit test per daemon
// fails when the README and these disagree).
#include <span>
#include <string>
#include <string_view>

namespace cusax::metrics {

enum class MetricType { counter, gauge, histogram };
std::string_view to_string(MetricType type);

// Every member has an initializer so that a declaration names only what it needs
// ({.source = ..., .help = ...}) without -Wmissing-field-initializers.
struct MetricDoc {
    // A counter, gauge or histogram of the daemon's counters::Registry: its name there
    // ("requests.relayed"), or a prefix ending in '.' ("requests.rejected.") for a family whose
    // series differ by `label`, the rest of each name being the label's value ("400").
    // Empty for a family computed when the page is rendered (then `name` says what it is).
    std::string_view source{};
    MetricType type = MetricType::counter;
    std::string_view help{};
    std::string_view label = {};
    std::string_view name = {};  // only for a computed family
};

// The Prometheus name of a family: `name` when set; else "cusax_" and `source` with each
// character Prometheus does not allow in a name ('.', '-') as '_', a prefix without its final
// dot, and "_total" for a counter: counter requests.relayed is cusax_requests_relayed_total.
std::string family_name(const MetricDoc& doc);
// The same rule for a registry name no MetricDoc declares.
std::string family_name(std::string_view source, MetricType type);

// How `cusaxctl stats` names the counters of a family: "requests.relayed",
// "requests.rejected.CODE"; empty for what is not one of its counters.
std::string stats_name(const MetricDoc& doc);

// The README's table: one row per family, in the order given.
std::string markdown_table(std::span<const MetricDoc> docs);

}  // namespace cusax::metrics
