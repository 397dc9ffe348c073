#pragma once
// The features the component answers from the bindings snapshot alone (policy layer: no I/O,
// no clock, no globals), one file each:
//
//   disco_feature.cpp       disco#info and disco#items (XEP-0030), built from the handler list
//   search_feature.cpp      jabber:iq:search with a data form (XEP-0055, XEP-0004), to the domain
//   ping_feature.cpp        urn:xmpp:ping (XEP-0199)
//   vcard_temp_feature.cpp  vcard-temp (XEP-0054) and the older vCard4 iq (XEP-0292)
//   reach_feature.cpp       an account's PEP nodes, vCard4 and reach (XEP-0292, XEP-0152), and
//                           its presence (RFC 6121 §3, §4.3; XEP-0152 §4)
#include "xmpp-component/feature_handler.hpp"

namespace cusax::xmpp {

// A feature whose disco share is set once, by its constructor.
class DirectoryFeature : public FeatureHandler {
  public:
    const DiscoShare& disco() const override { return share_; }

  protected:
    DiscoShare share_;
};

class DiscoFeature final : public DirectoryFeature {
  public:
    DiscoFeature();
    std::span<const Claim> claims() const override;
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;
};

class SearchFeature final : public DirectoryFeature {
  public:
    SearchFeature();
    std::span<const Claim> claims() const override;
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;
};

class PingFeature final : public DirectoryFeature {
  public:
    PingFeature();
    std::span<const Claim> claims() const override;
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;
};

class VcardTempFeature final : public DirectoryFeature {
  public:
    VcardTempFeature();
    std::span<const Claim> claims() const override;
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;
};

class ReachFeature final : public DirectoryFeature {
  public:
    ReachFeature();
    std::span<const Claim> claims() const override;
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;
};

}  // namespace cusax::xmpp
