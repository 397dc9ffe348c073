// The XMPP stream parser fed wire text: splitting, namespaces, RFC 6120 §11.1 restrictions,
// the stanza size limit and memory, broken markup.
#include "shared/xml/xml_stream_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cusax::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
    "xmlns='jabber:component:accept' id='f3a1-77' from='sip.example.com'>";

struct Collector {
    std::vector<StreamHeader> headers;
    std::vector<std::string> stanzas;  // re-serialised
    std::vector<XmlElement> elements;
    int closes = 0;

    XmlStreamParser::Callbacks callbacks() {
        return {[this](const StreamHeader& h) { headers.push_back(h); },
                [this](XmlElement&& e) {
                    stanzas.push_back(e.serialize());
                    elements.push_back(std::move(e));
                },
                [this] { ++closes; }};
    }
};

XmlStreamParserLimits limits(std::size_t max = 64 * 1024) {
    XmlStreamParserLimits l;
    l.max_stanza_bytes = max;
    return l;
}

TEST(XmlStreamParser, ReportsHeaderStanzasAndClose) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_EQ(c.headers.size(), 1u);
    EXPECT_EQ(c.headers[0].id, "f3a1-77");
    EXPECT_EQ(c.headers[0].from, "sip.example.com");
    EXPECT_EQ(c.headers[0].xmlns, "jabber:component:accept");
    ASSERT_TRUE(p.feed("<handshake/><iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"));
    ASSERT_EQ(c.stanzas.size(), 2u);
    EXPECT_EQ(c.stanzas[0], "<handshake/>");
    EXPECT_EQ(c.stanzas[1], "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
    EXPECT_EQ(c.elements[1].xmlns, "jabber:component:accept");
    EXPECT_EQ(c.closes, 0);
    ASSERT_TRUE(p.feed("</stream:stream>"));
    EXPECT_EQ(c.closes, 1);
    EXPECT_TRUE(p.closed());
    EXPECT_FALSE(p.error());
}

const std::string kTwoStanzas =
    "<iq type='get' id='a1' from='juliet@example.com/balcony' to='alice@sip.example.com' "
    "xml:lang='en'><vCard xmlns='vcard-temp'/></iq>\n"
    "<presence type='probe' from='juliet@example.com' to='alice@sip.example.com'/>";

TEST(XmlStreamParser, StanzasSplitAtEveryByteComeOutWhole) {
    const std::string wire = std::string(kHeader) + kTwoStanzas;
    for (std::size_t split = 1; split < wire.size(); ++split) {
        Collector c;
        XmlStreamParser p(limits(), c.callbacks());
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(0, split)));
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(split)));
        ASSERT_EQ(c.stanzas.size(), 2u) << "split at " << split;
        EXPECT_EQ(c.stanzas[0],
                  "<iq type='get' id='a1' from='juliet@example.com/balcony' "
                  "to='alice@sip.example.com' xml:lang='en'><vCard xmlns='vcard-temp'/></iq>");
    }
}

TEST(XmlStreamParser, OneByteAtATimeDeliversEachStanzaAsSoonAsItsLastByteArrives) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    const std::string wire = std::string(kHeader) + kTwoStanzas;
    const std::size_t first_end = wire.find("</iq>") + 5;
    for (std::size_t i = 0; i < wire.size(); ++i) {
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(i, 1)));
        if (i + 1 < first_end) {
            EXPECT_TRUE(c.stanzas.empty());
        }
        if (i + 1 == first_end) {
            EXPECT_EQ(c.stanzas.size(), 1u);
        }
    }
    // The last stanza is the last thing sent: it must not wait for more bytes (reparse
    // deferral, docs/xmpp-component-internals.md).
    EXPECT_EQ(c.stanzas.size(), 2u);
}

TEST(XmlStreamParser, FinalGreaterThanAloneCompletesTheStanza) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed("<message to='a@b' id='m1'><body>hi</body></message"));
    EXPECT_TRUE(c.stanzas.empty());
    ASSERT_TRUE(p.feed(">"));
    ASSERT_EQ(c.stanzas.size(), 1u);
    EXPECT_EQ(c.elements[0].child("body")->text, "hi");
}

TEST(XmlStreamParser, HandshakeAndStanzasInTheSameReadAsTheHeader) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    std::string wire = std::string(kHeader) + "<handshake/>";
    for (int i = 0; i < 50; ++i) wire += "<iq type='get' id='p" + std::to_string(i) + "'/>";
    ASSERT_TRUE(p.feed(wire));
    ASSERT_EQ(c.headers.size(), 1u);
    ASSERT_EQ(c.stanzas.size(), 51u);
    EXPECT_EQ(c.stanzas[50], "<iq type='get' id='p49'/>");
}

TEST(XmlStreamParser, PrefixesAndNamespaceDeclarationsOnStanzas) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(
        p.feed("<cl:iq xmlns:cl='jabber:component:accept' type='get' id='x'>"
               "<v:vCard xmlns:v='vcard-temp'><v:FN>A</v:FN></v:vCard></cl:iq>"
               "<iq xmlns='jabber:client' type='get' id='y' xmlns:e='urn:example:ext' e:flag='1'>"
               "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
    ASSERT_EQ(c.elements.size(), 2u);
    const XmlElement& first = c.elements[0];
    EXPECT_EQ(first.name, "iq");
    EXPECT_EQ(first.xmlns, "jabber:component:accept");
    ASSERT_NE(first.child("vCard", "vcard-temp"), nullptr);
    EXPECT_EQ(first.child("vCard")->child("FN", "vcard-temp")->text, "A");
    EXPECT_EQ(c.stanzas[0],
              "<iq type='get' id='x'><vCard xmlns='vcard-temp'><FN>A</FN></vCard></iq>");
    const XmlElement& second = c.elements[1];
    EXPECT_EQ(second.xmlns, "jabber:client");
    EXPECT_EQ(second.attr_or("{urn:example:ext}flag"), "1");
    EXPECT_EQ(c.stanzas[1],
              "<iq xmlns='jabber:client' type='get' id='y' xmlns:ns0='urn:example:ext' "
              "ns0:flag='1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
}

TEST(XmlStreamParser, EscapedTextAndAttributesRoundTrip) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(
        p.feed("<message id='a&amp;b&apos;&quot;&lt;&#x9;'><body>1 &lt; 2 &amp;&amp; "
               "&#x263A; ]]&gt;</body></message>"));
    ASSERT_EQ(c.elements.size(), 1u);
    EXPECT_EQ(c.elements[0].attr_or("id"), "a&b'\"<\t");
    EXPECT_EQ(c.elements[0].child("body")->text, "1 < 2 && \xE2\x98\xBA ]]>");
    EXPECT_EQ(c.stanzas[0],
              "<message id='a&amp;b&apos;&quot;&lt;&#x9;'><body>1 &lt; 2 &amp;&amp; "
              "\xE2\x98\xBA ]]&gt;</body></message>");
    // And what we write parses back to the same values.
    Collector again;
    XmlStreamParser q(limits(), again.callbacks());
    ASSERT_TRUE(q.feed(std::string(kHeader) + c.stanzas[0]));
    ASSERT_EQ(again.elements.size(), 1u);
    EXPECT_EQ(again.elements[0].attr_or("id"), "a&b'\"<\t");
    EXPECT_EQ(again.elements[0].child("body")->text, "1 < 2 && \xE2\x98\xBA ]]>");
}

TEST(XmlStreamParser, BillionLaughsDtdIsRestrictedXmlAndNothingIsExpanded) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    std::string dtd = "<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY lol 'lol'>";
    std::string prev = "lol";
    for (int i = 1; i <= 9; ++i) {
        std::string name = "lol" + std::to_string(i);
        dtd += "<!ENTITY " + name + " '";
        for (int k = 0; k < 10; ++k) dtd += "&" + prev + ";";
        dtd += "'>";
        prev = name;
    }
    dtd += "]>";
    std::string wire =
        dtd + std::string(kHeader).substr(21) + "<message><body>&" + prev + ";</body></message>";
    EXPECT_FALSE(p.feed(wire));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::RestrictedXml);
    EXPECT_TRUE(c.stanzas.empty());
    EXPECT_LT(p.expat_peak_allocated_bytes(), 256u * 1024u);
}

TEST(XmlStreamParser, InternalSubsetAfterFirstBytesStillRefused) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed("<!DOCT"));
    EXPECT_FALSE(p.feed("YPE x [<!ENTITY a 'b'>]><x/>"));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::RestrictedXml);
}

TEST(XmlStreamParser, UndefinedEntityIsRestrictedXml) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    EXPECT_FALSE(p.feed("<message><body>&foo;</body></message>"));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::RestrictedXml);
    EXPECT_TRUE(c.stanzas.empty());
}

TEST(XmlStreamParser, CommentsAndProcessingInstructionsAreRestrictedXml) {
    for (std::string_view bad :
         {"<!-- hello -->", "<?php echo 1; ?>", "<iq type='get'><!-- inside --></iq>"}) {
        Collector c;
        XmlStreamParser p(limits(), c.callbacks());
        ASSERT_TRUE(p.feed(kHeader));
        EXPECT_FALSE(p.feed(bad)) << bad;
        ASSERT_TRUE(p.error()) << bad;
        EXPECT_EQ(p.error()->condition, StreamErrorCondition::RestrictedXml) << bad;
    }
}

TEST(XmlStreamParser, OverSizeStanzaIsRefusedBeforeItIsHeldAndMemoryStaysBounded) {
    constexpr std::size_t kLimit = 64 * 1024;
    constexpr std::size_t kPiece = 4096;
    Collector c;
    XmlStreamParser p(limits(kLimit), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed("<message to='a@b'><body>"));
    const std::string piece(kPiece, 'x');
    std::size_t fed = 0;
    bool refused = false;
    std::size_t peak_held = 0;
    // Up to 10 MB, in 4 KiB reads as a socket would deliver them.
    while (fed < 10u * 1024 * 1024) {
        fed += piece.size();
        if (!p.feed(piece)) {
            refused = true;
            break;
        }
        peak_held = std::max(peak_held, p.held_bytes());
        ASSERT_LE(p.held_bytes(), kLimit);
    }
    ASSERT_TRUE(refused);
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::PolicyViolation);
    EXPECT_LE(fed, kLimit + kPiece);
    EXPECT_GT(peak_held, kLimit - 2 * kPiece);
    EXPECT_LT(p.expat_peak_allocated_bytes(), 2 * kLimit);
    EXPECT_TRUE(c.stanzas.empty());
}

TEST(XmlStreamParser, OverSizeStanzaInOneHugeReadIsCutIntoPieces) {
    constexpr std::size_t kLimit = 32 * 1024;
    Collector c;
    XmlStreamParser p(limits(kLimit), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    // A single attribute value is one token: expat would buffer all of it.
    std::string huge = "<iq id='" + std::string(10u * 1024 * 1024, 'a') + "'/>";
    EXPECT_FALSE(p.feed(huge));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::PolicyViolation);
    EXPECT_LT(p.expat_peak_allocated_bytes(), 4 * kLimit);
}

TEST(XmlStreamParser, StanzasUnderTheLimitPassAndTheCountRestartsForEachStanza) {
    constexpr std::size_t kLimit = 1024;
    Collector c;
    XmlStreamParser p(limits(kLimit), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    const std::string body(900, 'y');
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(p.feed("<message><body>" + body + "</body></message> ")) << i;
    }
    EXPECT_EQ(c.stanzas.size(), 20u);
    EXPECT_LT(p.held_bytes(), 16u);
}

TEST(XmlStreamParser, WhitespaceKeepalivesAreNotCountedAsAStanza) {
    Collector c;
    XmlStreamParser p(limits(256), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(p.feed(" "));
    EXPECT_LT(p.held_bytes(), 2u);
}

TEST(XmlStreamParser, BrokenMarkupIsNotWellFormed) {
    for (std::string_view bad :
         {"<iq></message>", "<iq id='1' id='2'/>", "<iq id=1/>", "<x:iq/>", "<iq>\x01</iq>",
          "<iq><<</iq>", "<message><body>\xC3\x28</body></message>"}) {
        Collector c;
        XmlStreamParser p(limits(), c.callbacks());
        ASSERT_TRUE(p.feed(kHeader));
        EXPECT_FALSE(p.feed(bad)) << bad;
        ASSERT_TRUE(p.error()) << bad;
        EXPECT_EQ(p.error()->condition, StreamErrorCondition::NotWellFormed) << bad;
        EXPECT_TRUE(c.stanzas.empty()) << bad;
        EXPECT_FALSE(p.feed("<iq/>"));  // stays failed
    }
}

TEST(XmlStreamParser, WrongRootIsInvalidNamespace) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    EXPECT_FALSE(p.feed("<stream xmlns='jabber:component:accept'>"));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::InvalidNamespace);
}

TEST(XmlStreamParser, DeepNestingIsAPolicyViolation) {
    Collector c;
    XmlStreamParserLimits l = limits();
    l.max_depth = 16;
    XmlStreamParser p(l, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "<a>";
    EXPECT_FALSE(p.feed(deep));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::PolicyViolation);
}

TEST(XmlStreamParser, BytesAfterTheStreamCloseAreIgnored) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    EXPECT_TRUE(p.feed(std::string(kHeader) + "<iq/></stream:stream><junk"));
    EXPECT_EQ(c.closes, 1);
    EXPECT_EQ(c.stanzas.size(), 1u);
    EXPECT_FALSE(p.error());
}

}  // namespace
}  // namespace cusax::xmpp
