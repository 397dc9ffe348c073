// The stateless branch: same for an INVITE, its retransmission, its CANCEL and the ACK to
// a non-2xx; different for other transactions; loop part detects loops, not spirals.
#include "sip-proxy/branch_key.hpp"

#include <gtest/gtest.h>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

std::string request(std::string_view method, std::string_view branch, std::string_view to_tag = "",
                    std::string_view uri = "sip:bob@example.com", std::string_view extra_via = "",
                    std::string_view cseq = "1") {
    return std::string(method) + " " + std::string(uri) + " SIP/2.0\n" + std::string(extra_via) +
           "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" + std::string(branch) +
           "\n"
           "Max-Forwards: 70\n"
           "To: <sip:bob@example.com>" +
           (to_tag.empty() ? "" : ";tag=" + std::string(to_tag)) +
           "\n"
           "From: <sip:alice@example.com>;tag=f1\n"
           "Call-ID: branch-1\n"
           "CSeq: " +
           std::string(cseq) + " " + std::string(method) + "\nContent-Length: 0\n\n";
}

std::string branch_of(std::string_view text) {
    auto p = test::parse(text);
    return compute_branch(p.sip).value();
}

TEST(BranchKey, HasMagicCookieAndIsDeterministic) {
    std::string b = branch_of(request("INVITE", "z9hG4bKabc"));
    EXPECT_EQ(b.rfind("z9hG4bK", 0), 0u);
    EXPECT_EQ(b.rfind(std::string(kBranchPrefix), 0), 0u);
    EXPECT_EQ(b, branch_of(request("INVITE", "z9hG4bKabc")));  // retransmission
}

TEST(BranchKey, CancelAndNon2xxAckShareTheInviteBranch) {
    std::string invite = branch_of(request("INVITE", "z9hG4bKabc"));
    EXPECT_EQ(branch_of(request("CANCEL", "z9hG4bKabc")), invite);
    // RFC 3261 §17.1.1.3: the ACK to a non-2xx has the INVITE's branch and the To tag.
    EXPECT_EQ(branch_of(request("ACK", "z9hG4bKabc", "t9")), invite);
}

TEST(BranchKey, OtherTransactionsDiffer) {
    std::string invite = branch_of(request("INVITE", "z9hG4bKabc"));
    EXPECT_NE(branch_of(request("INVITE", "z9hG4bKabd")), invite);
    // the ACK to a 2xx is a new transaction with a new branch
    EXPECT_NE(branch_of(request("ACK", "z9hG4bKnew", "t9")), invite);
    EXPECT_NE(branch_of(request("BYE", "z9hG4bKbye", "t9", "sip:bob@example.com", "", "2")),
              invite);
}

TEST(BranchKey, Rfc2543PeersAreKeyedOnTheRequest) {
    std::string a = branch_of(request("INVITE", "old1"));
    EXPECT_EQ(branch_of(request("CANCEL", "old1")), a);
    EXPECT_NE(branch_of(request("INVITE", "old1", "", "sip:carol@example.com")), a);
}

TEST(LoopDetection, OwnViaWithSameLoopPartIsALoop) {
    std::vector<SentBy> ours = {{"127.0.0.1", "5060"}};
    auto first = test::parse(request("INVITE", "z9hG4bKabc"));
    BranchKey key = compute_branch(first.sip);
    // The request comes back to us after another hop, unchanged.
    std::string ours_via = "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" + key.value() + "\n";
    auto back = test::parse(request("INVITE", "z9hG4bKother", "", "sip:bob@example.com", ours_via));
    EXPECT_TRUE(is_loop(back.sip, ours, compute_branch(back.sip)));
    // With a changed Request-URI it is a spiral, not a loop (§16.3 item 4).
    auto spiral =
        test::parse(request("INVITE", "z9hG4bKother", "", "sip:bob@other.example", ours_via));
    EXPECT_FALSE(is_loop(spiral.sip, ours, compute_branch(spiral.sip)));
    // The same Via from another host is not ours.
    EXPECT_FALSE(is_loop(back.sip, {{"127.0.0.9", "5060"}}, compute_branch(back.sip)));
    // A fresh request is not a loop.
    EXPECT_FALSE(is_loop(first.sip, ours, key));
}

}  // namespace
}  // namespace cusax::sip_proxy
