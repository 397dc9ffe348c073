#include "xmpp-component/stanza_router.hpp"

#include <atomic>
#include <chrono>
#include <memory>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "xmpp-component/stanza_routing.hpp"

namespace cusax::xmpp {

// The published index: readers load it without waiting for a rebuild (as SnapshotWatcher
// publishes snapshots; libstdc++ 12 has std::atomic<std::shared_ptr>, older ones only the
// free functions).
struct StanzaRouter::IndexSlot {
#if defined(__cpp_lib_atomic_shared_ptr)
    std::shared_ptr<const AccountIndex> load() const { return p.load(std::memory_order_acquire); }
    void store(std::shared_ptr<const AccountIndex> i) {
        p.store(std::move(i), std::memory_order_release);
    }
    std::atomic<std::shared_ptr<const AccountIndex>> p;
#else
    std::shared_ptr<const AccountIndex> load() const { return std::atomic_load(&p); }
    void store(std::shared_ptr<const AccountIndex> i) { std::atomic_store(&p, std::move(i)); }
    std::shared_ptr<const AccountIndex> p;
#endif
};

StanzaRouter::StanzaRouter(SnapshotSource source, DirectorySettings settings, SearchLimits limits,
                           counters::Registry& registry, std::vector<FeatureHandler*> handlers)
    : source_(std::move(source)),
      settings_(std::move(settings)),
      limiter_(limits.rate_per_second, limits.burst),
      counters_(registry),
      handlers_(std::move(handlers)),
      index_(std::make_unique<IndexSlot>()) {
    settings_.domain = text::ascii_lower(settings_.domain);
    for (auto& d : settings_.local_domains) d = text::ascii_lower(d);
    refresh();
}

StanzaRouter::~StanzaRouter() = default;

void StanzaRouter::refresh() {
    std::lock_guard lock(refresh_mutex_);
    auto snapshot = source_();
    const auto current = index_->load();
    if (current && current->snapshot_ptr() == snapshot) return;
    const auto started = std::chrono::steady_clock::now();
    // From the current index by what changed; the first one (and one of a snapshot that
    // shares nothing with the current one) from scratch.
    auto index = current
                     ? current->next(std::move(snapshot))
                     : std::make_shared<const AccountIndex>(std::move(snapshot), settings_.domain);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    // The index first, then its log line (as the store watcher publishes a snapshot): whoever
    // sees the line is answered from that index.
    index_->store(index);
    log::event(log::Level::debug, "xmpp.accounts_indexed", "",
               {{"accounts", std::to_string(index->account_count())},
                {"generation", std::to_string(index->snapshot().generation())},
                {"mode", index->incremental() ? "incremental" : "full"},
                {"changed", std::to_string(index->changed())},
                {"took_us", std::to_string(took.count())}});
}

std::shared_ptr<const AccountIndex> StanzaRouter::accounts() const { return index_->load(); }

std::vector<XmlElement> StanzaRouter::handle(const XmlElement& stanza) {
    const auto accounts = this->accounts();
    HandlerOutcome outcome = route_stanza(handlers_, stanza, *accounts, settings_, limiter_,
                                          TokenBucketLimiter::Clock::now());
    counters_.count(outcome.query, outcome.error);
    const log::Level level = outcome.routine ? log::Level::debug : log::Level::info;
    if (!outcome.logged && log::enabled(level)) {
        log::event(level, "xmpp.stanza",
                   outcome.replies.empty() ? "ignored"
                   : outcome.error.empty() ? "answered"
                                           : "refused",
                   {{"kind", outcome.kind},
                    {"stanza_id", stanza.attr_or("id")},
                    {"peer", stanza.attr_or("from")},
                    {"to", stanza.attr_or("to")},
                    {"aor", outcome.aor},
                    {"error", outcome.error}});
    }
    return std::move(outcome.replies);
}

void StanzaRouter::on_stream_ready(Send send) {
    for (FeatureHandler* h : handlers_) h->on_stream_ready(send);
}

void StanzaRouter::on_stream_lost() {
    for (FeatureHandler* h : handlers_) h->on_stream_lost();
}

void StanzaRouter::on_stream_closing(Done done) {
    // One more than the features: the last is this function's own, so that features done at
    // once do not end it before every one was asked.
    auto left = std::make_shared<std::size_t>(handlers_.size() + 1);
    auto one_done = [left, done = std::make_shared<Done>(std::move(done))] {
        if (--*left == 0 && *done) (*done)();
    };
    for (FeatureHandler* h : handlers_) h->on_stream_closing(one_done);
    one_done();
}

bool StanzaRouter::owes_answers() const {
    for (const FeatureHandler* h : handlers_) {
        if (h->owes_answers()) return true;
    }
    return false;
}

}  // namespace cusax::xmpp
