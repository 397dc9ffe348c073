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

}  // namespace cusax::xmpp
