// The signed branch of our own Via: what we send is what a response brings back, and nothing
// else is believed (charge_marker.hpp).
#include "sip-proxy/charge_marker.hpp"

#include <gtest/gtest.h>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

const std::string kKey(32, 'k');

// The INVITE as it reached us (its top Via is the caller's, with what NTA adds on receipt).
std::string request(std::string_view method = "INVITE",
                    std::string_view caller_via =
                        "SIP/2.0/UDP 127.0.0.1:5070;"
                        "branch=z9hG4bKcaller;rport=5070",
                    std::string_view call_id = "marker-1") {
    return std::string(method) + " sip:+4989123@example.com;user=phone SIP/2.0\n" +
           "Via: " + std::string(caller_via) +
           "\n"
           "To: <sip:+4989123@example.com;user=phone>\n"
           "From: <sip:alice@example.com>;tag=f1\n"
           "Call-ID: " +
           std::string(call_id) + "\nCSeq: 1 " + std::string(method) + "\nContent-Length: 0\n\n";
}

// A 180 as the callee returns it: our Via (as NTA writes the branch tag) over the caller's.
std::string ringing(std::string_view our_via_params,
                    std::string_view caller_via =
                        "SIP/2.0/UDP 127.0.0.1:5070;"
                        "branch=z9hG4bKcaller;rport=5070",
                    std::string_view call_id = "marker-1") {
    return "SIP/2.0 180 Ringing\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5060;" +
           std::string(our_via_params) + "\nVia: " + std::string(caller_via) +
           "\n"
           "To: <sip:+4989123@example.com;user=phone>;tag=callee\n"
           "From: <sip:alice@example.com>;tag=f1\n"
           "Call-ID: " +
           std::string(call_id) + "\nCSeq: 1 INVITE\nContent-Length: 0\n\n";
}

std::string tag_for(std::string_view request_text, std::optional<TargetClass> cls,
                    const BranchSigner& signer) {
    auto p = test::parse(request_text);
    return branch_tag_value(p.sip, compute_branch(p.sip), cls, signer);
}

std::optional<OwnBranch> verify(std::string_view response_text, const BranchSigner& signer) {
    auto p = test::parse(response_text);
    return verify_own_branch(p.sip, signer);
}

TEST(ChargeMarker, TheClassRoundTripsThroughAResponseInsideTheSignedBranch) {
    const BranchSigner signer(kKey);
    for (auto cls : {TargetClass::pstn, TargetClass::inter_domain, TargetClass::on_net}) {
        const std::string tag = tag_for(request(), cls, signer);
        EXPECT_TRUE(tag.starts_with("branch=z9hG4bK-cx.")) << tag;
        EXPECT_NE(tag.find("." + std::string(to_string(cls)) + "."), std::string::npos) << tag;
        EXPECT_EQ(tag.find(';'), std::string::npos) << "the class is no Via parameter: " << tag;
        auto own = verify(ringing(tag), signer);
        ASSERT_TRUE(own) << tag;
        EXPECT_EQ(own->warn_class, cls);
    }
    auto own = verify(ringing(tag_for(request(), std::nullopt, signer)), signer);
    ASSERT_TRUE(own);
    EXPECT_FALSE(own->warn_class);
}

// Several instances that see each other's responses share the key, and only they do.
TEST(ChargeMarker, ASiblingWithTheSameKeyVerifiesAnotherKeyDoesNot) {
    const BranchSigner ours(kKey), sibling(kKey), stranger(std::string(32, 'x'));
    const std::string tag = tag_for(request(), TargetClass::pstn, ours);
    EXPECT_TRUE(verify(ringing(tag), sibling));
    EXPECT_FALSE(verify(ringing(tag), stranger));
    EXPECT_FALSE(verify(ringing(tag), BranchSigner::random()));
}

// What a caller or a hop could change, and must not be believed after the change.
TEST(ChargeMarker, ALookAlikeOrAlteredBranchIsNotOurs) {
    const BranchSigner signer(kKey);
    const std::string on_net = tag_for(request(), TargetClass::on_net, signer);
    std::string as_pstn = on_net;
    as_pstn.replace(as_pstn.find(".on_net."), 8, ".pstn.");
    EXPECT_FALSE(verify(ringing(as_pstn), signer)) << "class changed by a hop";
    // A marker parameter added by a hop has no say: the class is inside the signed branch.
    const std::string none = tag_for(request(), std::nullopt, signer);
    auto own = verify(ringing(none + ";cusax-cw=pstn"), signer);
    ASSERT_TRUE(own);
    EXPECT_FALSE(own->warn_class);
    // A caller's look-alike: our prefix, no MAC of ours.
    EXPECT_FALSE(verify(ringing("branch=z9hG4bK-cx.0123456789abcdef.0123456789abcdef.pstn."
                                "0123456789abcdef0123456789abcdef"),
                        signer));
    EXPECT_FALSE(verify(ringing("branch=z9hG4bK-cx.0123.4567;cusax-cw=pstn"), signer));
    // Our branch moved to another call, or to another return address.
    EXPECT_FALSE(verify(ringing(on_net,
                                "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKcaller;"
                                "rport=5070",
                                "another-call"),
                        signer));
    EXPECT_FALSE(verify(ringing(on_net,
                                "SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bKcaller;"
                                "rport=5070"),
                        signer));
    EXPECT_FALSE(verify(ringing(on_net,
                                "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKcaller;"
                                "rport=5070;received=192.0.2.9"),
                        signer));
    EXPECT_FALSE(verify_own_branch(nullptr, signer));
}

// RFC 3261 §9.1 and §17.1.1.3: the CANCEL and the ACK to a non-2xx repeat the INVITE's Via,
// Call-ID, CSeq number and From tag, so a stateless proxy gives them the INVITE's branch.
TEST(ChargeMarker, CancelAndAckGetTheInvitesBranch) {
    const BranchSigner signer(kKey);
    const std::string invite = tag_for(request("INVITE"), TargetClass::pstn, signer);
    EXPECT_EQ(tag_for(request("CANCEL"), TargetClass::pstn, signer), invite);
    EXPECT_EQ(tag_for(request("ACK"), TargetClass::pstn, signer), invite);
}

TEST(ChargeMarker, AKeyShorterThan32BytesIsRefused) {
    EXPECT_THROW(BranchSigner(std::string(31, 'k')), std::invalid_argument);
    EXPECT_NO_THROW(BranchSigner(std::string(32, 'k')));
}

// The MAC is HMAC-SHA256 itself (RFC 2104), first 128 bits in hex, the same for every call
// and every copy of the signer: checked against an independent computation (Python's hmac).
TEST(BranchMac, IsHmacSha256TruncatedAndTheSameOnEveryCall) {
    const BranchSigner signer(std::string(32, 'k'));
    const BranchSigner copy = signer;
    EXPECT_EQ(signer.mac("z9hG4bK-cx.test"), "103fbacfedf4338bb367baee8e4fd805");
    EXPECT_EQ(signer.mac("other text"), copy.mac("other text"));
    EXPECT_EQ(copy.mac("z9hG4bK-cx.test"), "103fbacfedf4338bb367baee8e4fd805");
    EXPECT_TRUE(signer.verify("z9hG4bK-cx.test", "103fbacfedf4338bb367baee8e4fd805"));
    EXPECT_FALSE(signer.verify("z9hG4bK-cx.test", "103fbacfedf4338bb367baee8e4fd806"));
}

}  // namespace
}  // namespace cusax::sip_proxy
