#pragma once
// The vCards of the server's own users, delegated to the component (XEP-0355; policy:
// vcard_delegation.hpp): the server's advertisement of what it delegates, and each forwarded
// vcard-temp iq, answered from the vCard store merged with the user's binding. Adapter: reads
// and writes the vCard store (the values an owner's get shows are remembered there before the
// get is answered) and, when a set stops listing a mutual binding's AOR, the binding store;
// writes its own log line per delegated stanza.
//
// Threads: the stream's.
#include <memory>

#include "shared/store/binding_store.hpp"
#include "xmpp-component/feature_handler.hpp"
#include "xmpp-component/vcard_store.hpp"

namespace cusax::xmpp {

class DelegationFeature final : public FeatureHandler {
  public:
    // vcards: where the vCards go; without one, gets are answered from the bindings alone and
    // sets refused. bindings: a connection of the stream thread's own to the binding store,
    // through which a vCard set that stops listing a mutual binding's AOR drops it to
    // unverified (RFC 7081 §3.3).
    explicit DelegationFeature(std::shared_ptr<VcardStore> vcards = nullptr,
                               std::shared_ptr<store::BindingStore> bindings = nullptr);

    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;

  private:
    void drop_mutual(const store::BindingView& binding, const XmlElement& inner);

    DiscoShare share_;
    std::shared_ptr<VcardStore> vcards_;
    std::shared_ptr<store::BindingStore> bindings_;
};

}  // namespace cusax::xmpp
