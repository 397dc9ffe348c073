#pragma once
// The component's counters (shared/counters), registered once at start-up so that the hot
// path bumps a Counter it already holds: no name look-up, no lock. Names, as `cusaxctl stats`
// and the periodic stats line show them:
//
//   xmpp.queries.KIND        requests answered or refused, by what was asked: vcard
//                            (vcard-temp), vcard4, reach (PEP items, probe, subscribe), disco,
//                            search, ping, unknown_account, other
//   xmpp.errors.CONDITION    stanza errors sent back, by RFC 6120 §8.3.3 condition
//   xmpp.stanzas_refused     stanzas answered with an error (the sum of xmpp.errors.*)
//   xmpp.stanzas_in, xmpp.stanzas_out, xmpp.handler_failures
//   xmpp.connects            successful handshakes
//   xmpp.reconnects          connections lost or refused, each followed by a retry
//   xmpp.stream_errors_sent  streams we ended (restricted-xml, policy-violation, ...)
//   xmpp.stream_errors_received  streams the server ended (not-authorized, conflict, ...)
//   xmpp.stanzas_too_large   stanzas over max_stanza_size, skipped (the stream goes on)
//   xmpp.stanzas_too_deep    stanzas nested deeper than the parser keeps, skipped likewise
//   xmpp.stanzas_namespace_error  stanzas that are not namespace-well-formed, skipped likewise
//   xmpp.write_stalls        connections closed because the server stopped taking our writes
//   xmpp.vcard4_sync.fetched    users' vCard4 items read through XEP-0356 (pep_vcard4.hpp)
//   xmpp.vcard4_sync.published  vCard4 items published with the guaranteed tels put back
//   xmpp.vcard4_sync.unchanged  vCard4 items that already carried them: nothing sent
//   xmpp.vcard4_sync.failed     reads or publishes the server refused
//
// The metrics endpoint shows them all, with the gauges of stream_observer.hpp, under the
// names component_metric_docs() declares.
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/metrics/metric_doc.hpp"
#include "xmpp-component/query_kind.hpp"

namespace cusax::xmpp {

// The stanza error conditions this component sends, each with a counter of its own; anything
// else lands in xmpp.errors.other.
inline constexpr std::array<std::string_view, 9> counted_error_conditions{
    "bad-request",           "feature-not-implemented", "forbidden",
    "internal-server-error", "item-not-found",          "not-allowed",
    "policy-violation",      "resource-constraint",     "service-unavailable"};

class DirectoryCounters {
  public:
    explicit DirectoryCounters(counters::Registry& registry);

    // One handled stanza: its kind (none: not a request, nothing counted) and the error
    // condition sent back, empty when none.
    void count(QueryKind kind, std::string_view error) noexcept;

  private:
    std::array<counters::Counter*, query_kind_count> queries_{};
    std::array<counters::Counter*, counted_error_conditions.size() + 1> errors_{};  // + other
    counters::Counter* refused_;
};

struct StreamCounters {
    explicit StreamCounters(counters::Registry& registry);

    counters::Counter& connects;
    counters::Counter& reconnects;
    counters::Counter& stanzas_in;
    counters::Counter& stanzas_out;
    counters::Counter& handler_failures;
    counters::Counter& stream_errors_sent;
    counters::Counter& stream_errors_received;
    counters::Counter& stanzas_too_large;
    counters::Counter& stanzas_too_deep;
    counters::Counter& stanzas_namespace_error;
    counters::Counter& write_stalls;
};

struct Vcard4SyncCounters {
    explicit Vcard4SyncCounters(counters::Registry& registry);

    counters::Counter& fetched;
    counters::Counter& published;
    counters::Counter& unchanged;
    counters::Counter& failed;
};

// What each of the component's metrics families is (shared/metrics/metric_doc.hpp); the
// README's list is generated from these.
std::vector<metrics::MetricDoc> component_metric_docs();

}  // namespace cusax::xmpp
