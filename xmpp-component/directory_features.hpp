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

class DiscoFeature final : public FeatureHandler {
  public:
    DiscoFeature();
    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;

  private:
    DiscoShare share_;
};

class SearchFeature final : public FeatureHandler {
  public:
    SearchFeature();
    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;

  private:
    DiscoShare share_;
};

class PingFeature final : public FeatureHandler {
  public:
    PingFeature();
    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;

  private:
    DiscoShare share_;
};

class VcardTempFeature final : public FeatureHandler {
  public:
    VcardTempFeature();
    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;

  private:
    DiscoShare share_;
};

class ReachFeature final : public FeatureHandler {
  public:
    ReachFeature();
    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;

  private:
    DiscoShare share_;
};

}  // namespace cusax::xmpp
