// The router over a handler list: disco#info lists what the features of the list declare, in
// list order, and a feature's claim is what brings it a stanza; a feature that declines passes
// the stanza on to the next one, and what nobody claims gets the router's answer.
#include "xmpp-component/stanza_routing.hpp"

#include <gtest/gtest.h>

#include "test_router.hpp"
#include "wire_stanza.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {
namespace {

constexpr auto stanza = testing::parse_stanza;

// A feature of the test's own: claims <q xmlns='urn:example:q'/> to the domain, declines when
// told to.
struct ExampleFeature final : FeatureHandler {
    ExampleFeature() { share.domain_features = {"urn:example:q"}; }
    std::span<const Claim> claims() const override { return kClaims; }
    const DiscoShare& disco() const override { return share; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override {
        ++asked;
        if (decline) return false;
        out.kind = "example";
        if (silent) return true;
        out.replies.push_back(make_iq_result(c.stanza));
        return true;
    }
    static constexpr Claim kClaims[] = {{"iq", "q", "urn:example:q", To::domain}};
    DiscoShare share;
    bool decline = false;
    bool silent = false;  // claims and sends nothing (a bug the router must cover)
    int asked = 0;
};

class Routing : public ::testing::Test {
  protected:
    Routing() : accounts_(store::Snapshot::build({}, 1), "sip.example.com"), limiter_(1, 3) {
        settings_.domain = "sip.example.com";
        settings_.local_domains = {"xmpp.example.com"};
        settings_.trusted_servers = {"xmpp.example.com"};
    }
    std::string answer(const std::vector<FeatureHandler*>& list, std::string_view wire) {
        outcome_ = route_stanza(list, stanza(wire), accounts_, settings_, limiter_, {});
        std::string out;
        for (const auto& r : outcome_.replies) out += r.serialize();
        return out;
    }
    std::vector<FeatureHandler*> with_example() {
        auto list = features_.list;
        list.push_back(&example_);
        return list;
    }

    AccountIndex accounts_;
    DirectorySettings settings_;
    TokenBucketLimiter limiter_;
    testing::Features features_;
    ExampleFeature example_;
    HandlerOutcome outcome_;
};

constexpr std::string_view kDiscoInfo =
    "<iq type='get' id='i1' from='j@xmpp.example.com/r' to='sip.example.com'>"
    "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>";
constexpr std::string_view kExample =
    "<iq type='get' id='e1' from='j@xmpp.example.com/r' to='sip.example.com'>"
    "<q xmlns='urn:example:q'/></iq>";

TEST_F(Routing, DiscoInfoListsTheFeaturesOfTheListInOrder) {
    const std::string before = answer(features_.list, kDiscoInfo);
    EXPECT_EQ(before.find("urn:example:q"), std::string::npos);
    const std::string after = answer(with_example(), kDiscoInfo);
    const auto last = after.find("<feature var='vcard-temp'/>");
    ASSERT_NE(last, std::string::npos) << after;
    EXPECT_EQ(after.find("<feature var='urn:example:q'/>"), last + 27) << after;
}

TEST_F(Routing, AClaimBringsTheStanzaAndWithoutItTheRouterAnswers) {
    EXPECT_EQ(answer(with_example(), kExample),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='e1'/>");
    EXPECT_EQ(outcome_.kind, "example");
    EXPECT_EQ(example_.asked, 1);
    // Addressed to an account the claim does not cover (and here, to none that exists).
    answer(with_example(),
           "<iq type='get' id='e2' from='j@xmpp.example.com/r' to='x@sip.example.com'>"
           "<q xmlns='urn:example:q'/></iq>");
    EXPECT_EQ(outcome_.error, "service-unavailable");
    EXPECT_EQ(example_.asked, 1);
    answer(features_.list, kExample);
    EXPECT_EQ(outcome_.kind, "unsupported");
    EXPECT_EQ(outcome_.error, "service-unavailable");
}

TEST_F(Routing, ADeclinedStanzaGoesOnToWhatFollows) {
    example_.decline = true;
    answer(with_example(), kExample);
    EXPECT_EQ(example_.asked, 1);
    EXPECT_EQ(outcome_.kind, "unsupported");
    EXPECT_EQ(outcome_.error, "service-unavailable");
}

// ---- RFC 6120 §8.2.3: every iq get or set leaves with a reply ----

constexpr std::string_view kStanzaErrors = "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'";

// A delegation wrapper (XEP-0355) around bob's vCard get of alice, sent by `from` as `type`.
std::string delegation(std::string_view from, std::string_view type = "set",
                       std::string_view forwarded =
                           "<iq xmlns='jabber:client' type='get' "
                           "id='q1' from='bob@xmpp.example.com/r' "
                           "to='alice@xmpp.example.com'><vCard "
                           "xmlns='vcard-temp'/></iq>") {
    return "<iq type='" + std::string(type) + "' id='d1' from='" + std::string(from) +
           "' to='sip.example.com'><delegation xmlns='urn:xmpp:delegation:2'><forwarded "
           "xmlns='urn:xmpp:forward:0'>" +
           std::string(forwarded) + "</forwarded></delegation></iq>";
}

TEST_F(Routing, DelegationFromAClientIsForbidden) {
    EXPECT_EQ(answer(features_.list, delegation("mallory@xmpp.example.com/r")),
              "<iq type='error' from='sip.example.com' to='mallory@xmpp.example.com/r' id='d1'>"
              "<error type='auth'><forbidden " +
                  std::string(kStanzaErrors) + "/><text " + std::string(kStanzaErrors) +
                  " xml:lang='en'>delegated stanzas come from the server only</text></error></iq>");
    EXPECT_EQ(outcome_.kind, "delegation");
    // A remote server is not the local one either, and a get is answered as a set is.
    answer(features_.list, delegation("evil.example.net", "get"));
    EXPECT_EQ(outcome_.error, "forbidden");
}

TEST_F(Routing, MalformedDelegationFromTheServerIsABadRequest) {
    const std::string bad_request =
        "<iq type='error' from='sip.example.com' to='xmpp.example.com' id='d1'><error "
        "type='modify'><bad-request " +
        std::string(kStanzaErrors) + "/><text " + std::string(kStanzaErrors) +
        " xml:lang='en'>a delegation carries one forwarded iq get or set</text></error></iq>";
    // A forwarded message instead of an iq.
    EXPECT_EQ(answer(features_.list,
                     delegation("xmpp.example.com", "set",
                                "<message xmlns='jabber:client' from='bob@xmpp.example.com/r' "
                                "to='alice@xmpp.example.com'><body>hi</body></message>")),
              bad_request);
    // A forwarded iq without from.
    EXPECT_EQ(answer(features_.list,
                     delegation("xmpp.example.com", "set",
                                "<iq xmlns='jabber:client' type='get' id='q1' "
                                "to='alice@xmpp.example.com'><vCard xmlns='vcard-temp'/></iq>")),
              bad_request);
    // A get where XEP-0355 has a set.
    EXPECT_EQ(answer(features_.list, delegation("xmpp.example.com", "get")), bad_request);
}

TEST_F(Routing, DelegationWrapperInAnIqResponseIsNeverAnswered) {
    for (auto type : {"result", "error"}) {
        EXPECT_EQ(answer(features_.list, delegation("mallory@xmpp.example.com/r", type)), "")
            << type;
        EXPECT_EQ(answer(features_.list, delegation("xmpp.example.com", type)), "") << type;
    }
}

TEST_F(Routing, IqRequestWithoutFromIsABadRequestBackToTheServer) {
    EXPECT_EQ(answer(features_.list,
                     "<iq type='get' id='nf1' to='sip.example.com'><ping xmlns='urn:xmpp:ping'/>"
                     "</iq>"),
              "<iq type='error' from='sip.example.com' id='nf1'><error type='modify'>"
              "<bad-request " +
                  std::string(kStanzaErrors) + "/><text " + std::string(kStanzaErrors) +
                  " xml:lang='en'>a stanza without from</text></error></iq>");
    EXPECT_EQ(answer(features_.list, "<iq type='result' id='nf2' to='sip.example.com'/>"), "");
    EXPECT_EQ(answer(features_.list, "<message to='sip.example.com'><body>x</body></message>"), "");
}

TEST_F(Routing, IqWithoutATypeOrWithTwoPayloadsIsABadRequest) {
    answer(features_.list,
           "<iq id='t1' from='j@xmpp.example.com/r' to='sip.example.com'>"
           "<ping xmlns='urn:xmpp:ping'/></iq>");
    EXPECT_EQ(outcome_.error, "bad-request");
    answer(features_.list,
           "<iq type='get' id='t2' from='j@xmpp.example.com/r' to='sip.example.com'>"
           "<ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>");
    EXPECT_EQ(outcome_.error, "bad-request");
    answer(features_.list,
           "<iq type='set' id='t3' from='j@xmpp.example.com/r' to='sip.example.com'/>");
    EXPECT_EQ(outcome_.error, "bad-request");
}

TEST_F(Routing, AnIqAFeatureClaimedAndLeftUnansweredGetsAnError) {
    example_.silent = true;
    EXPECT_EQ(answer(with_example(), kExample),
              "<iq type='error' from='sip.example.com' to='j@xmpp.example.com/r' id='e1'>"
              "<error type='wait'><internal-server-error " +
                  std::string(kStanzaErrors) + "/></error></iq>");
    EXPECT_EQ(example_.asked, 1);
}

}  // namespace
}  // namespace cusax::xmpp
