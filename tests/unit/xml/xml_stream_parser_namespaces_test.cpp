// Namespaces in XML 1.0 on the stream: prefixes resolved with their scope, and a stanza that
// breaks a namespace constraint (an unbound prefix, the xml and xmlns prefixes or namespace
// names misused, an undeclared prefix, two attributes with one expanded name, a name that is
// not a QName) costs only that stanza: it is skipped like an oversize one and the stream goes
// on. The same in the stream header ends the stream.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shared/xml/xml_stream_parser.hpp"
#include "stream_collector.hpp"

namespace cusax::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
    "xmlns='jabber:component:accept' id='ns-77' from='sip.example.com'>";

using testing::Collector;

// What Prosody writes to the component for a user's <xml:foo/>: the element in the xml
// namespace, declared as a default namespace, which Namespaces in XML 1.0 §3 forbids.
const std::string kProsodyXmlRewrite =
    "<iq type='set' id='evil-1' from='eve@xmpp.example.com/x' to='alice@sip.example.com' "
    "xml:lang='en'><query xmlns='jabber:iq:private'><foo "
    "xmlns='http://www.w3.org/XML/1998/namespace'/></query></iq>";
const std::string kNext =
    "<iq type='get' id='next-1' from='juliet@xmpp.example.com/balcony' "
    "to='alice@sip.example.com'><vCard xmlns='vcard-temp'/></iq>";

TEST(XmlStreamParserNamespaces, XmlNamespaceAsDefaultSkipsOnlyThatStanza) {
    Collector c;
    XmlStreamParser p({}, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed(kProsodyXmlRewrite + "\n" + kNext)) << p.error()->detail;
    ASSERT_EQ(c.skipped.size(), 1u);
    const SkippedStanza& s = c.skipped[0];
    EXPECT_EQ(s.reason, SkipReason::NamespaceError);
    EXPECT_FALSE(s.detail.empty());
    EXPECT_EQ(s.bytes, kProsodyXmlRewrite.size());
    EXPECT_EQ(s.start.name, "iq");
    EXPECT_EQ(s.start.xmlns, "jabber:component:accept");
    EXPECT_EQ(s.start.attr_or("id"), "evil-1");
    EXPECT_EQ(s.start.attr_or("type"), "set");
    EXPECT_EQ(s.start.attr_or("from"), "eve@xmpp.example.com/x");
    EXPECT_EQ(s.start.attr_or("xml:lang"), "en");
    EXPECT_TRUE(s.start.children.empty());
    ASSERT_EQ(c.elements.size(), 1u);
    EXPECT_EQ(c.elements[0].attr_or("id"), "next-1");
    ASSERT_TRUE(p.feed("</stream:stream>"));
    EXPECT_EQ(c.closes, 1);
    EXPECT_FALSE(p.error());
}

TEST(XmlStreamParserNamespaces, SplitAtEveryByteTheBadStanzaIsSkippedAndTheNextComesOutWhole) {
    const std::string wire = std::string(kHeader) + kProsodyXmlRewrite + kNext;
    for (std::size_t split = 1; split < wire.size(); ++split) {
        Collector c;
        XmlStreamParser p({}, c.callbacks());
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(0, split))) << split;
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(split))) << split;
        ASSERT_EQ(c.skipped.size(), 1u) << split;
        EXPECT_EQ(c.skipped[0].start.attr_or("id"), "evil-1");
        EXPECT_EQ(c.skipped[0].bytes, kProsodyXmlRewrite.size());
        ASSERT_EQ(c.elements.size(), 1u) << split;
        EXPECT_EQ(c.elements[0].serialize(),
                  "<iq type='get' id='next-1' from='juliet@xmpp.example.com/balcony' "
                  "to='alice@sip.example.com'><vCard xmlns='vcard-temp'/></iq>");
    }
}

// Each breaks one constraint of Namespaces in XML 1.0, on a child of the stanza.
const std::vector<std::string> kViolations = {
    "<p:x/>",                                                // unbound element prefix
    "<x p:a='1'/>",                                          // unbound attribute prefix
    "<x xmlns:p=''/>",                                       // undeclaring a prefix (1.1 only)
    "<x xmlns='http://www.w3.org/XML/1998/namespace'/>",     // xml namespace as default
    "<x xmlns:p='http://www.w3.org/XML/1998/namespace'/>",   // ... bound to another prefix
    "<x xmlns:xml='urn:example:other'/>",                    // xml bound elsewhere
    "<x xmlns:xmlns='urn:example:other'/>",                  // xmlns declared at all
    "<x xmlns:xmlns='http://www.w3.org/2000/xmlns/'/>",      // ... even to its own name
    "<x xmlns='http://www.w3.org/2000/xmlns/'/>",            // xmlns namespace as default
    "<x xmlns:p='http://www.w3.org/2000/xmlns/'/>",          // ... bound to a prefix
    "<xmlns:x/>",                                            // element with the xmlns prefix
    "<x xmlns:a='urn:u' xmlns:b='urn:u' a:k='1' b:k='2'/>",  // one expanded name twice
    "<x xmlns:p='urn:u' xmlns:q='urn:u' p:k='1' p:a='' p:b='' p:c='' p:d='' p:e='' p:f=''"
    " p:g='' p:h='' q:k='2'/>",             // ... far apart among many
    "<a:b:c xmlns:a='urn:u'/>",             // two colons
    "<:x/>",                                // empty prefix
    "<x: xmlns:x='urn:u'/>",                // empty local part
    "<x :a='1'/>",                          // attribute: empty prefix
    "<x a:='1' xmlns:a='urn:u'/>",          // attribute: empty local part
    "<x xmlns:='urn:u'/>",                  // declaration without a prefix
    "<x xmlns:a:b='urn:u'/>",               // declaration of a bad prefix
    "<p:1x xmlns:p='urn:u'/>",              // local part not a name start
    "<p:-x xmlns:p='urn:u'/>",              // ... nor is '-'
    "<p:.x xmlns:p='urn:u'/>",              // ... nor '.'
    "<p:\xC2\xB7x xmlns:p='urn:u'/>",       // ... nor U+00B7 MIDDLE DOT
    "<x xmlns:p='urn:u' p:\xCC\x80='1'/>",  // ... nor U+0300 (combining)
};

TEST(XmlStreamParserNamespaces, EachViolationInsideAStanzaCostsOnlyThatStanza) {
    for (const std::string& bad : kViolations) {
        for (const bool on_stanza : {false, true}) {
            // The violation on a child, two levels down, or (its first element swapped for the
            // stanza itself) on the stanza's own start tag.
            std::string stanza =
                "<message type='chat' id='bad' from='eve@xmpp.example.com/x'>"
                "<body>hi</body><outer xmlns='urn:example:o'>" +
                bad + "</outer></message>";
            if (on_stanza) stanza = bad;
            Collector c;
            XmlStreamParser p({}, c.callbacks());
            ASSERT_TRUE(p.feed(kHeader));
            EXPECT_TRUE(p.feed(stanza + kNext)) << bad << " " << p.error()->detail;
            ASSERT_EQ(c.skipped.size(), 1u) << bad << (on_stanza ? " (stanza)" : "");
            EXPECT_EQ(c.skipped[0].reason, SkipReason::NamespaceError) << bad;
            EXPECT_EQ(c.skipped[0].bytes, stanza.size()) << bad;
            if (!on_stanza) {
                EXPECT_EQ(c.skipped[0].start.attr_or("id"), "bad") << bad;
            }
            ASSERT_EQ(c.elements.size(), 1u) << bad;
            EXPECT_EQ(c.elements[0].attr_or("id"), "next-1") << bad;
            EXPECT_FALSE(p.error()) << bad;
        }
    }
}

TEST(XmlStreamParserNamespaces, NamespaceWellFormedStanzasAreKept) {
    Collector c;
    XmlStreamParser p({}, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(
        p.feed("<message id='ok-1'><xml:foo xml:lang='de'/>"  // the xml prefix needs no declaring
               "<x xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:space='preserve'/>"
               "<y xmlns='urn:example:y'><z xmlns=''/></y>"  // undeclaring the default: fine
               "<p:\xC3\xA9t\xC3\xA9 xmlns:p='urn:example:p' p:\xC3\xA0='1'/>"
               "<xmlns/><xmlfoo:a xmlns:xmlfoo='urn:example:xf'/>"
               "<a xmlns:p='urn:example:1'><p:b/><c xmlns:p='urn:example:2'><p:d/></c><p:e/></a>"
               "<k xmlns:a='urn:example:1' xmlns:b='urn:example:2' a:k='1' b:k='2' k='3'/>"
               "</message>"))
        << p.error()->detail;
    ASSERT_TRUE(c.skipped.empty()) << c.skipped[0].detail;
    ASSERT_EQ(c.elements.size(), 1u);
    const XmlElement& m = c.elements[0];
    ASSERT_EQ(m.children.size(), 8u);
    EXPECT_EQ(m.children[0].name, "foo");
    EXPECT_EQ(m.children[0].xmlns, ns::xml);
    EXPECT_EQ(m.children[0].attr_or("xml:lang"), "de");
    EXPECT_EQ(m.children[1].xmlns, "jabber:component:accept");
    EXPECT_EQ(m.children[1].attr_or("xml:space"), "preserve");
    EXPECT_EQ(m.children[1].attributes.size(), 1u);  // declarations are not attributes
    EXPECT_EQ(m.children[2].xmlns, "urn:example:y");
    EXPECT_EQ(m.children[2].children[0].xmlns, "");
    EXPECT_EQ(m.children[3].name, "\xC3\xA9t\xC3\xA9");
    EXPECT_EQ(m.children[3].xmlns, "urn:example:p");
    EXPECT_NE(m.children[3].attr_in("urn:example:p", "\xC3\xA0"), nullptr);
    EXPECT_EQ(m.children[4].name, "xmlns");
    EXPECT_EQ(m.children[5].xmlns, "urn:example:xf");
    const XmlElement& a = m.children[6];
    ASSERT_EQ(a.children.size(), 3u);
    EXPECT_EQ(a.children[0].xmlns, "urn:example:1");
    EXPECT_EQ(a.children[1].children[0].xmlns, "urn:example:2");  // the inner binding
    EXPECT_EQ(a.children[2].xmlns, "urn:example:1");              // the outer one again
    EXPECT_EQ(a.children[2].name, "e");
    const XmlElement& k = m.children[7];
    EXPECT_EQ(k.attributes.size(), 3u);
    EXPECT_EQ(*k.attr_in("urn:example:1", "k"), "1");
    EXPECT_EQ(*k.attr_in("urn:example:2", "k"), "2");
    EXPECT_EQ(k.attr_or("k"), "3");
}

TEST(XmlStreamParserNamespaces, APrefixDeclaredInOneStanzaIsUnboundInTheNext) {
    Collector c;
    XmlStreamParser p({}, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(
        p.feed("<message id='m1' xmlns:p='urn:example:p'><p:x/></message>"
               "<message id='m2'><p:x/></message>"
               "<message id='m3'><stream:x/></message>"));  // the header's prefix
    ASSERT_EQ(c.elements.size(), 2u);
    EXPECT_EQ(c.elements[0].children[0].xmlns, "urn:example:p");
    EXPECT_EQ(c.elements[1].attr_or("id"), "m3");
    EXPECT_EQ(c.elements[1].children[0].xmlns, ns::streams);
    ASSERT_EQ(c.skipped.size(), 1u);
    EXPECT_EQ(c.skipped[0].start.attr_or("id"), "m2");
}

TEST(XmlStreamParserNamespaces, ABindingFromASkippedStanzaDoesNotOutliveIt) {
    // Skipped for its namespace error after declaring p, and for its depth after declaring q:
    // neither binding may be in scope for the stanza after it.
    Collector c;
    XmlStreamParserLimits limits;
    limits.max_depth = 4;
    XmlStreamParser p(limits, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(
        p.feed("<message id='a' xmlns:p='urn:example:p'><x><bad:y/></x></message>"
               "<message id='b'><p:x/></message>"
               "<message id='c' xmlns:q='urn:example:q'><a><b><c><d/></c></b></a>"
               "</message><message id='d'><q:x/></message><message id='e'/>"));
    ASSERT_EQ(c.skipped.size(), 4u);
    EXPECT_EQ(c.skipped[0].reason, SkipReason::NamespaceError);
    EXPECT_EQ(c.skipped[1].reason, SkipReason::NamespaceError);
    EXPECT_EQ(c.skipped[1].start.attr_or("id"), "b");
    EXPECT_EQ(c.skipped[2].reason, SkipReason::TooDeep);
    EXPECT_EQ(c.skipped[3].reason, SkipReason::NamespaceError);
    EXPECT_EQ(c.skipped[3].start.attr_or("id"), "d");
    ASSERT_EQ(c.elements.size(), 1u);
    EXPECT_EQ(c.elements[0].attr_or("id"), "e");
}

TEST(XmlStreamParserNamespaces, InsideAnOverSizeStanzaTheFirstLimitCrossedIsTheReason) {
    Collector c;
    XmlStreamParserLimits limits;
    limits.max_stanza_bytes = 256;
    limits.feed_piece = 64;
    XmlStreamParser p(limits, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed("<message id='big'><body>" + std::string(1024, 'b') +
                       "</body><bad:x/></message>" + kNext));
    ASSERT_EQ(c.skipped.size(), 1u);
    EXPECT_EQ(c.skipped[0].reason, SkipReason::TooLarge);
    ASSERT_EQ(c.elements.size(), 1u);
}

TEST(XmlStreamParserNamespaces, AViolationInTheStreamHeaderEndsTheStream) {
    for (std::string_view header :
         {"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns:p='' "
          "xmlns='jabber:component:accept' id='1'>",
          "<stream:stream xmlns='jabber:component:accept' id='1'>",
          "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
          "xmlns='http://www.w3.org/XML/1998/namespace' id='1'>",
          "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
          "xmlns='jabber:component:accept' s:id='1'>"}) {
        Collector c;
        XmlStreamParser p({}, c.callbacks());
        EXPECT_FALSE(p.feed(header)) << header;
        ASSERT_TRUE(p.error()) << header;
        EXPECT_EQ(p.error()->condition, StreamErrorCondition::NotWellFormed) << header;
        EXPECT_TRUE(c.skipped.empty());
    }
}

TEST(XmlStreamParserNamespaces, TheStreamRootMayUseAnyPrefixOrNone) {
    for (std::string_view wire :
         {"<s:stream xmlns:s='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' "
          "id='1'><iq id='a'/></s:stream>",
          "<stream xmlns='http://etherx.jabber.org/streams' id='1'>"
          "<iq xmlns='jabber:component:accept' id='a'/></stream>"}) {
        Collector c;
        XmlStreamParser p({}, c.callbacks());
        ASSERT_TRUE(p.feed(wire)) << wire;
        ASSERT_EQ(c.elements.size(), 1u) << wire;
        EXPECT_EQ(c.elements[0].xmlns, "jabber:component:accept");
        EXPECT_EQ(c.closes, 1) << wire;
    }
}

}  // namespace
}  // namespace cusax::xmpp
