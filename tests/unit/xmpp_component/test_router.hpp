#pragma once
// The router with the component's handler list as main.cpp builds it, without the vCard4 sync
// (which needs a stream of its own: vcard4_sync_test.cpp). The delegation's store work runs
// inline, so a delegated reply is among what handle() returns, after what the router answered
// at once (the worker thread itself: store_worker_test.cpp, delegation_off_stream_test.cpp).
#include <memory>
#include <vector>

#include "xmpp-component/delegation_feature.hpp"
#include "xmpp-component/handler_list.hpp"
#include "xmpp-component/stanza_router.hpp"
#include "xmpp-component/stanza_routing.hpp"

namespace cusax::xmpp::testing {

// Runs each store job at once on the caller's thread, and what it leaves for the stream's
// thread right after.
class InlineStoreJobs final : public StoreJobs {
  public:
    bool submit(Job job) override {
        auto finished = job(StoreJobs::Access::usable);
        if (finished.then) finished.then();
        return true;
    }
};

inline DelegationFeature delegation(std::shared_ptr<VcardStore> vcards,
                                    std::shared_ptr<store::BindingStore> bindings,
                                    counters::Registry* registry = nullptr) {
    if (!vcards) return DelegationFeature();
    return DelegationFeature(DelegationStores{std::move(vcards), std::move(bindings),
                                              std::make_unique<InlineStoreJobs>(), registry});
}

struct Features {
    explicit Features(std::shared_ptr<VcardStore> vcards = nullptr,
                      std::shared_ptr<store::BindingStore> bindings = nullptr,
                      counters::Registry* registry = nullptr)
        : delegation(testing::delegation(std::move(vcards), std::move(bindings), registry)) {}
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

// The adapter, as the component stream sees it: handle() returns what the router answered
// and what the features sent meanwhile.
class Router {
  public:
    Router(StanzaRouter::SnapshotSource source, DirectorySettings settings, SearchLimits limits,
           counters::Registry& registry, std::shared_ptr<VcardStore> vcards = nullptr,
           std::shared_ptr<store::BindingStore> bindings = nullptr)
        : features_(std::move(vcards), std::move(bindings), &registry),
          router_(std::move(source), std::move(settings), limits, registry, features_.list) {
        router_.on_stream_ready([this](XmlElement e) { sent_.push_back(std::move(e)); });
    }

    std::vector<XmlElement> handle(const XmlElement& stanza) {
        auto out = router_.handle(stanza);
        for (auto& e : sent_) out.push_back(std::move(e));
        sent_.clear();
        return out;
    }
    void refresh() { router_.refresh(); }
    bool owes_answers() const { return router_.owes_answers(); }

  private:
    Features features_;
    StanzaRouter router_;
    std::vector<XmlElement> sent_;
};

}  // namespace cusax::xmpp::testing
