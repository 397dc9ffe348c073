#pragma once
// Adapter between the component stream and the directory policy: keeps the account index of
// the current bindings snapshot, the per-requester rate limiter and the clock, and writes one
// log line per stanza that matters (stanza id, requester, AOR, outcome).
#include <functional>
#include <memory>

#include "shared/store/snapshot.hpp"
#include "xmpp-component/directory_policy.hpp"
#include "xmpp-component/stanza_handler.hpp"

namespace cusax::xmpp {

struct SearchLimits {
    double rate_per_second = 1.0;  // sustained searches (and listings) per requester
    double burst = 10.0;
};

class DirectoryService : public StanzaHandler {
  public:
    using SnapshotSource = std::function<std::shared_ptr<const store::Snapshot>()>;

    // settings.domain and local_domains are lower-cased here.
    DirectoryService(SnapshotSource source, DirectorySettings settings, SearchLimits limits);

    std::vector<XmlElement> handle(const XmlElement& stanza) override;

  private:
    const AccountIndex& accounts();

    SnapshotSource source_;
    DirectorySettings settings_;
    TokenBucketLimiter limiter_;
    std::unique_ptr<AccountIndex> index_;
};

}  // namespace cusax::xmpp
