#pragma once
// What the generic component stream (component_stream.hpp) hands stanzas to: the adapter
// around the router (stanza_routing.hpp). It keeps the account index of the current bindings
// snapshot, the per-requester rate limiter and the clock, asks the handler list, counts each
// request, writes one log line per stanza that matters (stanza id, requester, AOR, outcome),
// and passes the stream's life (ready, lost) on to every feature.
//
// Threads: handle() and the stream events run on the stream's thread; refresh() on any thread,
// normally the store watcher's (SnapshotWatcher::on_publish), so that the index of a new
// snapshot is made there (from the current one, by the bindings that changed) and stanzas
// never wait for it.
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/store/snapshot.hpp"
#include "xmpp-component/component_counters.hpp"
#include "xmpp-component/feature_handler.hpp"
#include "xmpp-component/stanza_handler.hpp"

namespace cusax::xmpp {

class StanzaRouter : public StanzaHandler {
  public:
    using SnapshotSource = std::function<std::shared_ptr<const store::Snapshot>()>;

    // handlers: the ordered list (handler_list.hpp), which must outlive the router.
    // settings.domain and local_domains are lower-cased here. Builds the index of the source's
    // current snapshot before returning.
    StanzaRouter(SnapshotSource source, DirectorySettings settings, SearchLimits limits,
                 counters::Registry& registry, std::vector<FeatureHandler*> handlers);
    ~StanzaRouter() override;

    // Makes the index of the source's current snapshot, unless it has it already, and swaps
    // it in. Thread-safe; calls are serialised, and the last one leaves the latest snapshot.
    void refresh();

    // SIGHUP, on the stream's thread: the reloadable directory settings and search limits
    // (component_reload.cpp).
    void apply_reloaded(const DirectorySettings& fresh, SearchLimits limits);

    std::vector<XmlElement> handle(const XmlElement& stanza) override;
    void on_stream_ready(Send send) override;
    void on_stream_lost() override;
    // done once every feature is.
    void on_stream_closing(Done done) override;
    bool owes_answers() const override;

  private:
    std::shared_ptr<const AccountIndex> accounts() const;

    struct IndexSlot;
    SnapshotSource source_;
    DirectorySettings settings_;
    TokenBucketLimiter limiter_;
    DirectoryCounters counters_;
    std::vector<FeatureHandler*> handlers_;
    std::mutex refresh_mutex_;  // writers only
    std::unique_ptr<IndexSlot> index_;
};

}  // namespace cusax::xmpp
