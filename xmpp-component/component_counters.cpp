#include "xmpp-component/component_counters.hpp"

#include <string>

namespace cusax::xmpp {

DirectoryCounters::DirectoryCounters(counters::Registry& registry)
    : refused_(&registry.get("xmpp.stanzas_refused")) {
    for (std::size_t i = 1; i < query_kind_count; ++i) {  // 0 is QueryKind::none
        queries_[i] =
            &registry.get("xmpp.queries." + std::string(to_string(static_cast<QueryKind>(i))));
    }
    for (std::size_t i = 0; i < counted_error_conditions.size(); ++i) {
        errors_[i] = &registry.get("xmpp.errors." + std::string(counted_error_conditions[i]));
    }
    errors_.back() = &registry.get("xmpp.errors.other");
}

void DirectoryCounters::count(QueryKind kind, std::string_view error) noexcept {
    if (auto* c = queries_[static_cast<std::size_t>(kind)]) c->add();
    if (error.empty()) return;
    refused_->add();
    // Errors are the rarer path; nine short comparisons, still no lock.
    std::size_t i = 0;
    while (i < counted_error_conditions.size() && counted_error_conditions[i] != error) ++i;
    errors_[i]->add();
}

StreamCounters::StreamCounters(counters::Registry& registry)
    : connects(registry.get("xmpp.connects")),
      reconnects(registry.get("xmpp.reconnects")),
      stanzas_in(registry.get("xmpp.stanzas_in")),
      stanzas_out(registry.get("xmpp.stanzas_out")),
      handler_failures(registry.get("xmpp.handler_failures")),
      stream_errors_sent(registry.get("xmpp.stream_errors_sent")),
      stream_errors_received(registry.get("xmpp.stream_errors_received")),
      stanzas_too_large(registry.get("xmpp.stanzas_too_large")),
      stanzas_too_deep(registry.get("xmpp.stanzas_too_deep")),
      stanzas_namespace_error(registry.get("xmpp.stanzas_namespace_error")),
      write_stalls(registry.get("xmpp.write_stalls")) {}

Vcard4SyncCounters::Vcard4SyncCounters(counters::Registry& registry)
    : fetched(registry.get("xmpp.vcard4_sync.fetched")),
      published(registry.get("xmpp.vcard4_sync.published")),
      unchanged(registry.get("xmpp.vcard4_sync.unchanged")),
      failed(registry.get("xmpp.vcard4_sync.failed")) {}

std::vector<metrics::MetricDoc> component_metric_docs() {
    using metrics::MetricType;
    return {
        {.source = "xmpp.stream_up",
         .type = MetricType::gauge,
         .help = "1 while the component stream is authenticated with the XMPP server, 0 while "
                 "it is down or reconnecting."},
        {.source = "xmpp.connects", .help = "Successful handshakes with the XMPP server."},
        {.source = "xmpp.reconnects",
         .help = "Connections lost or refused, each followed by a retry."},
        {.source = "xmpp.requests_in_flight",
         .type = MetricType::gauge,
         .help = "The component's own iq requests (vCard4 sync reads and publishes) sent and "
                 "not yet answered."},
        {.source = "xmpp.stanzas_in", .help = "Stanzas received from the XMPP server."},
        {.source = "xmpp.stanzas_out", .help = "Stanzas sent to the XMPP server."},
        {.source = "xmpp.queries.",
         .help = "Requests answered or refused, by what was asked: vcard (vcard-temp), vcard4, "
                 "reach, disco, search, ping, unknown_account, other.",
         .label = "kind"},
        {.source = "xmpp.errors.",
         .help = "Stanza errors sent back, by RFC 6120 condition (other: a condition without a "
                 "series of its own).",
         .label = "condition"},
        {.source = "xmpp.stanzas_refused",
         .help = "Stanzas answered with an error (the sum of cusax_xmpp_errors_total)."},
        {.source = "xmpp.handler_failures",
         .help = "Stanzas whose handling failed inside the component (a bug; each is logged)."},
        {.source = "xmpp.stream_errors_sent",
         .help = "Streams the component ended with a stream error."},
        {.source = "xmpp.stream_errors_received",
         .help = "Streams the XMPP server ended with a stream error (not-authorized, conflict, "
                 "...)."},
        {.source = "xmpp.stanzas_too_large",
         .help = "Stanzas over [xmpp-component] max_stanza_size, skipped (the stream goes on)."},
        {.source = "xmpp.stanzas_too_deep",
         .help = "Stanzas nested deeper than the parser keeps, skipped likewise."},
        {.source = "xmpp.stanzas_namespace_error",
         .help = "Stanzas that are not namespace-well-formed (an undeclared prefix, the xml "
                 "namespace misused, ...), skipped likewise."},
        {.source = "xmpp.write_stalls",
         .help = "Connections closed because the server stopped taking the component's writes."},
        {.source = "xmpp.vcard4_sync.fetched",
         .help = "Users' vCard4 items read through XEP-0356."},
        {.source = "xmpp.vcard4_sync.published",
         .help = "vCard4 items published with the binding's SIP address and numbers put back."},
        {.source = "xmpp.vcard4_sync.unchanged",
         .help = "vCard4 items that already carried them: nothing published."},
        {.source = "xmpp.vcard4_sync.failed",
         .help = "vCard4 reads or publishes the XMPP server refused."},
    };
}

}  // namespace cusax::xmpp
