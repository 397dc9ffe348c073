#pragma once
// The router with the component's handler list as main.cpp builds it, without the vCard4 sync
// (which needs a stream of its own: vcard4_sync_test.cpp).
#include <memory>
#include <vector>

#include "xmpp-component/delegation_feature.hpp"
#include "xmpp-component/handler_list.hpp"
#include "xmpp-component/stanza_router.hpp"
#include "xmpp-component/stanza_routing.hpp"

namespace cusax::xmpp::testing {

struct Features {
    explicit Features(std::shared_ptr<VcardStore> vcards = nullptr,
                      std::shared_ptr<store::BindingStore> bindings = nullptr)
        : delegation(std::move(vcards), std::move(bindings)) {}
    Features(const Features&) = delete;
    Features& operator=(const Features&) = delete;

    DirectoryFeatures directory;
    DelegationFeature delegation;
    std::vector<FeatureHandler*> list = handler_list(nullptr, &delegation, directory);
};

// The pure router over every feature (no vCard store).
inline HandlerOutcome handle_stanza(const XmlElement& stanza, const AccountIndex& accounts,
                                    const DirectorySettings& settings, TokenBucketLimiter& limiter,
                                    TokenBucketLimiter::Clock::time_point now) {
    Features features;
    return route_stanza(features.list, stanza, accounts, settings, limiter, now);
}

// The adapter, as the component stream sees it.
class Router {
  public:
    Router(StanzaRouter::SnapshotSource source, DirectorySettings settings, SearchLimits limits,
           counters::Registry& registry, std::shared_ptr<VcardStore> vcards = nullptr,
           std::shared_ptr<store::BindingStore> bindings = nullptr)
        : features_(std::move(vcards), std::move(bindings)),
          router_(std::move(source), std::move(settings), limits, registry, features_.list) {}

    std::vector<XmlElement> handle(const XmlElement& stanza) { return router_.handle(stanza); }
    void refresh() { router_.refresh(); }

  private:
    Features features_;
    StanzaRouter router_;
};

}  // namespace cusax::xmpp::testing
