// The XMPP stream parser fed wire text: splitting, namespaces, RFC 6120 §11.1 restrictions,
// the stanza size and depth limits (an oversize or too deeply nested stanza skipped, the stream
// going on) and memory, broken markup.
#include "shared/xml/xml_stream_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stream_collector.hpp"

namespace cusax::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
    "xmlns='jabber:component:accept' id='f3a1-77' from='sip.example.com'>";

using testing::Collector;

std::string nested_open(std::size_t depth) {
    std::string wire;
    for (std::size_t i = 0; i < depth; ++i) wire += "<x xmlns='urn:example:nest'>";
    return wire;
}
std::string nested_close(std::size_t depth) {
    std::string wire;
    for (std::size_t i = 0; i < depth; ++i) wire += "</x>";
    return wire;
}
std::string nested(std::size_t depth) { return nested_open(depth) + nested_close(depth); }

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
    ASSERT_NE(second.attr_in("urn:example:ext", "flag"), nullptr);
    EXPECT_EQ(*second.attr_in("urn:example:ext", "flag"), "1");
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

TEST(XmlStreamParser, MixedContentKeepsItsOrder) {
    Collector c;
    XmlStreamParser p(limits(), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    const std::string wire =
        "<message id='mx'>\n  <body>hi</body>\n  <html xmlns='http://jabber.org/protocol/xhtml-im'>"
        "<body xmlns='http://www.w3.org/1999/xhtml'>one <em>two</em> three<br/>four</body>"
        "</html>\n</message>";
    ASSERT_TRUE(p.feed(wire));
    ASSERT_EQ(c.elements.size(), 1u);
    const XmlElement& m = c.elements[0];
    EXPECT_EQ(m.text, "\n  ");
    EXPECT_EQ(m.children[0].tail, "\n  ");
    EXPECT_EQ(m.children[1].tail, "\n");
    const XmlElement& xhtml = m.children[1].children[0];
    EXPECT_EQ(xhtml.text, "one ");
    EXPECT_EQ(xhtml.children[0].tail, " three");
    EXPECT_EQ(xhtml.children[1].tail, "four");
    EXPECT_EQ(c.stanzas[0], wire);
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

TEST(XmlStreamParser, OverSizeStanzaIsSkippedWithoutBeingHeldAndTheStreamGoesOn) {
    constexpr std::size_t kLimit = 64 * 1024;
    constexpr std::size_t kPiece = 4096;
    Collector c;
    XmlStreamParser p(limits(kLimit), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    const std::string start =
        "<message from='romeo@example.net/orchard' to='alice@sip.example.com' type='chat' "
        "id='big-1' xml:lang='en'><body>";
    ASSERT_TRUE(p.feed(start));
    const std::string piece(kPiece, 'x');
    std::size_t peak_held = 0;
    std::size_t fed = start.size();
    // 10 MB of body, in 4 KiB reads as a socket would deliver them: never refused, never held.
    while (fed < 10u * 1024 * 1024) {
        ASSERT_TRUE(p.feed(piece)) << "after " << fed << " bytes: " << p.error()->detail;
        fed += piece.size();
        peak_held = std::max(peak_held, p.held_bytes());
        ASSERT_LE(p.held_bytes(), kLimit);
    }
    const std::string end =
        "</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>";
    ASSERT_TRUE(p.feed(end));
    fed += end.size();
    EXPECT_GT(peak_held, kLimit - 2 * kPiece);  // the limit was reached before skipping
    EXPECT_LT(p.expat_peak_allocated_bytes(), 2 * kLimit);
    EXPECT_TRUE(c.stanzas.empty());
    ASSERT_EQ(c.skipped.size(), 1u);
    const XmlElement& skipped = c.skipped[0].start;
    EXPECT_EQ(skipped.name, "message");
    EXPECT_EQ(skipped.xmlns, "jabber:component:accept");
    EXPECT_EQ(skipped.attr_or("id"), "big-1");
    EXPECT_EQ(skipped.attr_or("from"), "romeo@example.net/orchard");
    EXPECT_EQ(skipped.attr_or("to"), "alice@sip.example.com");
    EXPECT_EQ(skipped.attr_or("type"), "chat");
    EXPECT_TRUE(skipped.children.empty());
    EXPECT_TRUE(skipped.text.empty());
    EXPECT_EQ(c.skipped[0].bytes, fed);

    // The next stanza is parsed as if nothing had happened.
    ASSERT_TRUE(
        p.feed("<iq type='get' id='after' from='juliet@example.com/balcony' "
               "to='alice@sip.example.com'><vCard xmlns='vcard-temp'/></iq>"));
    ASSERT_EQ(c.stanzas.size(), 1u);
    EXPECT_EQ(c.stanzas[0],
              "<iq type='get' id='after' from='juliet@example.com/balcony' "
              "to='alice@sip.example.com'><vCard xmlns='vcard-temp'/></iq>");
    EXPECT_LT(p.held_bytes(), 16u);
    ASSERT_TRUE(p.feed("</stream:stream>"));
    EXPECT_EQ(c.closes, 1);
    EXPECT_FALSE(p.error());
}

// A vcard-temp set with an avatar, as a client sends it (XEP-0054 PHOTO/BINVAL), with elements
// after the photo: the parser must keep counting them to find the stanza's end.
const std::string kAvatarSet =
    "<iq type='set' id='vc-set-7' from='bob@xmpp.example.com/pda' xml:lang='en'>"
    "<vCard xmlns='vcard-temp'><FN>Bob</FN><PHOTO><TYPE>image/png</TYPE><BINVAL>" +
    std::string(900, 'Q') +
    "</BINVAL></PHOTO><NICKNAME>bobby</NICKNAME><TEL><VOICE/><NUMBER>+4930</NUMBER></TEL>"
    "</vCard></iq>";
const std::string kAfterAvatar =
    "<presence type='probe' from='juliet@example.com' to='alice@sip.example.com'/>";

TEST(XmlStreamParser, OverSizeStanzaSplitAtEveryByteIsSkippedAndTheNextComesOutWhole) {
    XmlStreamParserLimits l = limits(256);
    l.feed_piece = 16;
    const std::string wire = std::string(kHeader) + kAvatarSet + "\n" + kAfterAvatar;
    for (std::size_t split = 1; split < wire.size(); ++split) {
        Collector c;
        XmlStreamParser p(l, c.callbacks());
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(0, split))) << split;
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(split))) << split;
        ASSERT_EQ(c.skipped.size(), 1u) << "split at " << split;
        EXPECT_EQ(c.skipped[0].start.name, "iq");
        EXPECT_EQ(c.skipped[0].start.attr_or("id"), "vc-set-7");
        EXPECT_EQ(c.skipped[0].start.attr_or("type"), "set");
        EXPECT_EQ(c.skipped[0].start.attr_or("xml:lang"), "en");
        EXPECT_EQ(c.skipped[0].bytes, kAvatarSet.size());
        ASSERT_EQ(c.stanzas.size(), 1u) << "split at " << split;
        EXPECT_EQ(c.stanzas[0], kAfterAvatar);
        EXPECT_LE(p.held_bytes(), 256u);
    }
}

TEST(XmlStreamParser, StanzasJustUnderTheLimitAreNotSkipped) {
    Collector c;
    XmlStreamParser p(limits(kAvatarSet.size()), c.callbacks());
    ASSERT_TRUE(p.feed(std::string(kHeader) + kAvatarSet + kAfterAvatar));
    EXPECT_TRUE(c.skipped.empty());
    ASSERT_EQ(c.stanzas.size(), 2u);
    EXPECT_EQ(c.elements[0].child("vCard", "vcard-temp")->child("NICKNAME")->text, "bobby");
}

TEST(XmlStreamParser, ManyOverSizeStanzasInARowEachCostOnlyThemselves) {
    Collector c;
    XmlStreamParserLimits l = limits(256);
    l.feed_piece = 64;  // the limit is checked after each piece
    XmlStreamParser p(l, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(p.feed(kAvatarSet + " " + kAfterAvatar)) << i;
    EXPECT_EQ(c.skipped.size(), 200u);
    EXPECT_EQ(c.stanzas.size(), 200u);
    EXPECT_LT(p.expat_peak_allocated_bytes(), 64u * 1024);
}

TEST(XmlStreamParser, HugeAttributeInsideAnOverSizeStanzaStillEndsTheStream) {
    constexpr std::size_t kLimit = 32 * 1024;
    Collector c;
    XmlStreamParser p(limits(kLimit), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    // The stanza is skipped once past the limit, but a single token is held by expat whole.
    const std::string wire = "<message id='m'><body>" + std::string(kLimit, 'b') + "</body><x a='" +
                             std::string(10u * 1024 * 1024, 'a') + "'/>";
    EXPECT_FALSE(p.feed(wire));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::PolicyViolation);
    EXPECT_LT(p.expat_peak_allocated_bytes(), 4 * kLimit);
    EXPECT_TRUE(c.skipped.empty());
}

TEST(XmlStreamParser, DeepNestingInsideAnOverSizeStanzaIsSkippedWithIt) {
    Collector c;
    XmlStreamParserLimits l = limits(256);
    l.max_depth = 16;
    XmlStreamParser p(l, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed("<message id='big'><body>" + std::string(1024, 'z') + "</body>"));
    ASSERT_TRUE(p.feed(nested(30) + "</message><iq id='next'/>"));
    ASSERT_EQ(c.skipped.size(), 1u);
    EXPECT_EQ(c.skipped[0].reason, SkipReason::TooLarge);  // the first limit it crossed
    EXPECT_EQ(c.skipped[0].start.attr_or("id"), "big");
    EXPECT_EQ(c.stanzas, std::vector<std::string>{"<iq id='next'/>"});
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
         {"<iq></message>", "<iq id='1' id='2'/>", "<iq id=1/>", "<iq>\x01</iq>", "<iq><<</iq>",
          "<message><body>\xC3\x28</body></message>"}) {
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

// A message as a server routes it from a user, with an extension element nested deeper than a
// stanza is kept whole (max_depth 64), then an ordinary stanza.
const std::string kDeepMessage =
    "<message from='carol@xmpp.example.com/tab' to='alice@sip.example.com' type='chat' "
    "id='deep-1'><body>hi</body>" +
    nested(70) + "</message>";

TEST(XmlStreamParser, DeepNestingSplitAtEveryByteIsSkippedAndTheNextComesOutWhole) {
    XmlStreamParserLimits l = limits();
    l.feed_piece = 16;
    const std::string wire = std::string(kHeader) + kDeepMessage + "\n" + kAfterAvatar;
    for (std::size_t split = 1; split < wire.size(); ++split) {
        Collector c;
        XmlStreamParser p(l, c.callbacks());
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(0, split))) << split;
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(split))) << split;
        ASSERT_EQ(c.skipped.size(), 1u) << "split at " << split;
        EXPECT_EQ(c.skipped[0].reason, SkipReason::TooDeep);
        EXPECT_EQ(c.skipped[0].start.name, "message");
        EXPECT_EQ(c.skipped[0].start.attr_or("id"), "deep-1");
        EXPECT_EQ(c.skipped[0].start.attr_or("from"), "carol@xmpp.example.com/tab");
        EXPECT_EQ(c.skipped[0].start.attr_or("type"), "chat");
        EXPECT_TRUE(c.skipped[0].start.children.empty());
        EXPECT_EQ(c.skipped[0].bytes, kDeepMessage.size());
        ASSERT_EQ(c.stanzas.size(), 1u) << "split at " << split;
        EXPECT_EQ(c.stanzas[0], kAfterAvatar);
        EXPECT_FALSE(p.error());
    }
}

TEST(XmlStreamParser, NestingJustWithinTheDepthLimitIsKeptWhole) {
    Collector c;
    XmlStreamParserLimits l = limits();
    l.max_depth = 16;
    XmlStreamParser p(l, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    // The stanza is level 1: 15 levels under it make 16.
    ASSERT_TRUE(p.feed("<message>" + nested(15) + "</message>"));
    ASSERT_TRUE(p.feed("<message>" + nested(16) + "</message>"));
    EXPECT_EQ(c.stanzas.size(), 1u);
    ASSERT_EQ(c.skipped.size(), 1u);
    EXPECT_EQ(c.skipped[0].reason, SkipReason::TooDeep);
}

TEST(XmlStreamParser, ManyDeepStanzasAndDeepContentDoNotGrowMemory) {
    constexpr std::size_t kLimit = 64 * 1024;
    Collector c;
    XmlStreamParser p(limits(kLimit), c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed(kDeepMessage + " " + kAfterAvatar));
    const std::size_t after_one = p.expat_peak_allocated_bytes();
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(p.feed(kDeepMessage + " " + kAfterAvatar)) << i;
    EXPECT_EQ(c.skipped.size(), 501u);
    EXPECT_EQ(c.stanzas.size(), 501u);
    EXPECT_EQ(p.expat_peak_allocated_bytes(), after_one);
    // 10 MB of text at depth 70, in socket-sized reads: dropped as it arrives.
    ASSERT_TRUE(p.feed("<message id='deep-text'>" + nested_open(70)));
    const std::string piece(4096, 'x');
    for (int i = 0; i < 2560; ++i) {
        ASSERT_TRUE(p.feed(piece)) << i;
        ASSERT_LE(p.held_bytes(), kLimit);
    }
    ASSERT_TRUE(p.feed(nested_close(70) + "</message>"));
    EXPECT_EQ(c.skipped.size(), 502u);
    EXPECT_LT(p.expat_peak_allocated_bytes(), 2 * kLimit);
}

TEST(XmlStreamParser, NestingDeeperThanAnyStanzaWithinTheLimitCouldCarryEndsTheStream) {
    constexpr std::size_t kLimit = 64 * 1024;
    const std::size_t bound = max_skipped_depth(limits(kLimit));
    ASSERT_EQ(bound, kLimit / 7);  // "<a>" and "</a>" per level
    {
        // As deep as fits in the byte limit: skipped, expat's stack bounded with it.
        Collector c;
        XmlStreamParser p(limits(kLimit), c.callbacks());
        ASSERT_TRUE(p.feed(kHeader));
        ASSERT_TRUE(p.feed("<message id='m'>" + nested_open(bound - 1)));
        ASSERT_TRUE(p.feed(nested_close(bound - 1) + "</message><iq id='next'/>"));
        ASSERT_EQ(c.skipped.size(), 1u);
        EXPECT_EQ(c.stanzas, std::vector<std::string>{"<iq id='next'/>"});
        EXPECT_LT(p.expat_peak_allocated_bytes(), 64 * kLimit);
    }
    {
        Collector c;
        XmlStreamParser p(limits(kLimit), c.callbacks());
        ASSERT_TRUE(p.feed(kHeader));
        EXPECT_FALSE(p.feed("<message id='m'>" + nested_open(bound)));
        ASSERT_TRUE(p.error());
        EXPECT_EQ(p.error()->condition, StreamErrorCondition::PolicyViolation);
        EXPECT_TRUE(c.skipped.empty());
    }
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
