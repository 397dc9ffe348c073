// The charge decision carried in our own Via: what we send is what a response brings back.
#include "sip-proxy/charge_marker.hpp"

#include <gtest/gtest.h>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

// A 180 as the callee returns it: our Via on top, written as NTA writes the branch tag.
std::string ringing(std::string_view our_via_params) {
    return "SIP/2.0 180 Ringing\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5060;" +
           std::string(our_via_params) +
           ";rport=5060\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKcaller;received=127.0.0.1\n"
           "To: <sip:+4989123@example.com;user=phone>;tag=callee\n"
           "From: <sip:alice@example.com>;tag=f1\n"
           "Call-ID: marker-1\n"
           "CSeq: 1 INVITE\n"
           "Content-Length: 0\n\n";
}

TEST(ChargeMarker, BranchTagCarriesTheClassAsItsOwnViaParameter) {
    EXPECT_EQ(branch_tag_value("z9hG4bK-cx.a.b", TargetClass::pstn),
              "branch=z9hG4bK-cx.a.b;cusax-cw=pstn");
    EXPECT_EQ(branch_tag_value("z9hG4bK-cx.a.b", std::nullopt), "branch=z9hG4bK-cx.a.b");
}

TEST(ChargeMarker, RoundTripsThroughAResponse) {
    for (auto cls : {TargetClass::pstn, TargetClass::inter_domain, TargetClass::on_net}) {
        std::string tag = branch_tag_value("z9hG4bK-cx.0123.4567", cls);
        auto p = test::parse(ringing(tag));
        ASSERT_NE(p.sip->sip_via, nullptr);
        EXPECT_STREQ(p.sip->sip_via->v_branch, "z9hG4bK-cx.0123.4567");
        EXPECT_EQ(charge_marker(p.sip->sip_via), cls) << tag;
        // only our Via carries it
        EXPECT_FALSE(charge_marker(p.sip->sip_via->v_next));
    }
}

TEST(ChargeMarker, AbsentOrUnknownMeansNoWarning) {
    auto none = test::parse(ringing("branch=z9hG4bK-cx.0123.4567"));
    EXPECT_FALSE(charge_marker(none.sip->sip_via));
    auto bogus = test::parse(ringing("branch=z9hG4bK-cx.0123.4567;cusax-cw=free-beer"));
    EXPECT_FALSE(charge_marker(bogus.sip->sip_via));
    EXPECT_FALSE(charge_marker(nullptr));
}

}  // namespace
}  // namespace cusax::sip_proxy
