#pragma once
// Adapter between the component stream and the directory policy: keeps the account index of
// the current bindings snapshot, the per-requester rate limiter and the clock, counts each
// request, and writes one log line per stanza that matters (stanza id, requester, AOR,
// outcome).
//
// Threads: handle() runs on the stream's thread; refresh() on any thread, normally the store
// watcher's (SnapshotWatcher::on_publish), so that the O(bindings) index of a new snapshot is
// built there and stanzas never wait for it.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "shared/counters/counters.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot.hpp"
#include "xmpp-component/component_counters.hpp"
#include "xmpp-component/directory_policy.hpp"
#include "xmpp-component/stanza_handler.hpp"
#include "xmpp-component/vcard_store.hpp"

namespace cusax::xmpp {

struct SearchLimits {
    double rate_per_second = 1.0;  // sustained searches (and listings) per requester
    double burst = 10.0;
};

class DirectoryService : public StanzaHandler {
  public:
    using SnapshotSource = std::function<std::shared_ptr<const store::Snapshot>()>;

    // settings.domain and local_domains are lower-cased here. Builds the index of the
    // source's current snapshot before returning.
    DirectoryService(SnapshotSource source, DirectorySettings settings, SearchLimits limits,
                     counters::Registry& registry);
    ~DirectoryService() override;

    // Builds the index of the source's current snapshot, unless it has it already, and swaps
    // it in. Thread-safe; calls are serialised, and the last one leaves the latest snapshot.
    void refresh();

    std::vector<XmlElement> handle(const XmlElement& stanza) override;

    // Where the vCards of the server's users go once vcard-temp is delegated (XEP-0355);
    // without one, delegated gets are answered from the bindings alone and sets refused.
    // bindings: a connection of the stream thread's own to the binding store, through which a
    // vCard set that stops listing a mutual binding's AOR drops it to unverified (RFC 7081
    // §3.3). Call before the stream starts.
    void set_vcard_store(std::shared_ptr<VcardStore> vcards,
                         std::shared_ptr<store::BindingStore> bindings = nullptr) {
        vcards_ = std::move(vcards);
        bindings_ = std::move(bindings);
    }

  private:
    // A stanza carrying <delegation/>: nullopt when it is not one.
    std::optional<std::vector<XmlElement>> handle_delegation(const XmlElement& stanza,
                                                             const AccountIndex& accounts);

    std::shared_ptr<const AccountIndex> accounts() const;
    void drop_mutual(const store::BindingView& binding, const XmlElement& inner);

    struct IndexSlot;
    SnapshotSource source_;
    DirectorySettings settings_;
    TokenBucketLimiter limiter_;
    DirectoryCounters counters_;
    std::mutex refresh_mutex_;  // writers only
    std::unique_ptr<IndexSlot> index_;
    std::shared_ptr<VcardStore> vcards_;
    std::shared_ptr<store::BindingStore> bindings_;
};

}  // namespace cusax::xmpp
