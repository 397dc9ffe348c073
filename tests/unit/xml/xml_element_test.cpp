// The serialiser writes namespace-well-formed XML (Namespaces in XML 1.0) for what the parser
// reads: parsed, written and parsed again, a stanza is the same tree.
#include "shared/xml/xml_element.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "shared/xml/parse_element.hpp"

namespace cusax::xmpp {
namespace {

// The stanza as parsed, and what it is written as; fails the test when it does not read back
// as the same tree.
std::string written_and_read_back(std::string_view wire) {
    const auto parsed = parse_element(wire);
    EXPECT_TRUE(parsed) << wire;
    if (!parsed) return {};
    const std::string written = parsed->serialize();
    const auto again = parse_element(written);
    EXPECT_TRUE(again) << written;
    if (again) {
        EXPECT_EQ(*again, *parsed) << written;
    }
    return written;
}

TEST(XmlElementSerialize, AttributeNamespaceWithABraceKeepsItsWholeName) {
    const std::string wire =
        "<iq type='get' id='ns-brace-1' from='bob@xmpp.example.com/pda' to='sip.example.com' "
        "xmlns:e='urn:example:a}b' e:flag='1'><vCard xmlns='vcard-temp'/></iq>";
    const auto parsed = parse_element(wire);
    ASSERT_TRUE(parsed);
    ASSERT_NE(parsed->attr_in("urn:example:a}b", "flag"), nullptr);
    EXPECT_EQ(*parsed->attr_in("urn:example:a}b", "flag"), "1");
    EXPECT_EQ(written_and_read_back(wire),
              "<iq type='get' id='ns-brace-1' from='bob@xmpp.example.com/pda' "
              "to='sip.example.com' xmlns:ns0='urn:example:a}b' ns0:flag='1'>"
              "<vCard xmlns='vcard-temp'/></iq>");
}

TEST(XmlElementSerialize, ElementInTheXmlNamespaceUsesItsPrefixNotADefaultNamespace) {
    const std::string wire =
        "<iq type='set' id='xml-ns-1' from='bob@xmpp.example.com/pda' to='sip.example.com'>"
        "<vCard xmlns='vcard-temp'><xml:note><FN>Bob</FN></xml:note></vCard></iq>";
    const auto parsed = parse_element(wire);
    ASSERT_TRUE(parsed);
    const XmlElement* note = parsed->child("vCard")->child("note");
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->xmlns, ns::xml);
    // Its child is back in vcard-temp, the default namespace still in scope.
    EXPECT_EQ(written_and_read_back(wire),
              "<iq type='set' id='xml-ns-1' from='bob@xmpp.example.com/pda' "
              "to='sip.example.com'><vCard xmlns='vcard-temp'><xml:note><FN>Bob</FN></xml:note>"
              "</vCard></iq>");
}

TEST(XmlElementSerialize, AttributesOfSeveralNamespacesAndXmlLang) {
    const std::string wire =
        "<message id='m-3' xml:lang='de' xmlns:a='urn:a' xmlns:b='urn:b' a:x='1' b:x='2' "
        "a:y='3'><body xml:lang='en' xmlns=''>hi</body></message>";
    const auto parsed = parse_element(wire);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->attr_or("xml:lang"), "de");
    EXPECT_EQ(written_and_read_back(wire),
              "<message id='m-3' xml:lang='de' xmlns:ns0='urn:a' ns0:x='1' xmlns:ns1='urn:b' "
              "ns1:x='2' ns0:y='3'><body xmlns='' xml:lang='en'>hi</body></message>");
}

TEST(XmlElementSerialize, NamespaceNamesAndValuesAreEscaped) {
    const std::string wire =
        "<iq type='get' id='q&apos;1' xmlns:e='urn:x?a=&apos;1&apos;&amp;b=&lt;2&gt;' "
        "e:v='&quot;&#x9;&#xA;&#xD;'><q xmlns='urn:&quot;q&apos;'>a&#xD;b ]]&gt;</q></iq>";
    EXPECT_EQ(written_and_read_back(wire),
              "<iq type='get' id='q&apos;1' xmlns:ns0='urn:x?a=&apos;1&apos;&amp;b=&lt;2&gt;' "
              "ns0:v='&quot;&#x9;&#xA;&#xD;'><q xmlns='urn:&quot;q&apos;'>a&#xD;b ]]&gt;</q></iq>");
}

TEST(XmlElementSerialize, ControlCharactersXmlCannotCarryBecomeReplacementCharacters) {
    // Built by a handler from data that did not come through the parser.
    XmlElement note("NOTE", std::string(ns::vcard_temp));
    note.text = std::string("a\x01") + "b\x1F\tc";
    note.set_attr("id", std::string("x\x00y", 3));
    const std::string written = note.serialize();
    EXPECT_EQ(written,
              "<NOTE xmlns='vcard-temp' id='x\xEF\xBF\xBDy'>a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD\tc</NOTE>");
    EXPECT_TRUE(parse_element(written));
}

TEST(XmlElementSerialize, TheXmlnsNamespaceHasNoSpellingAndIsRefused) {
    EXPECT_THROW(XmlElement("x", std::string(ns::xmlns)).serialize(), std::invalid_argument);
    XmlElement e("x");
    e.attributes.push_back({std::string(ns::xmlns), "p", "urn:p"});
    EXPECT_THROW(e.serialize(), std::invalid_argument);
    // Neither reaches a tree from the parser.
    EXPECT_FALSE(parse_element("<xmlns:x/>"));
    EXPECT_FALSE(parse_element("<x xmlns:p='http://www.w3.org/2000/xmlns/' p:a='1'/>"));
    EXPECT_FALSE(parse_element("<x xmlns='http://www.w3.org/XML/1998/namespace'/>"));
}

TEST(XmlElementAttributes, XmlPrefixedKeysAreTheXmlNamespace) {
    XmlElement e("text", std::string(ns::stanza_errors));
    e.set_attr("xml:lang", "en");
    ASSERT_EQ(e.attributes.size(), 1u);
    EXPECT_EQ(e.attributes[0].ns, ns::xml);
    EXPECT_EQ(e.attributes[0].name, "lang");
    ASSERT_NE(e.attr_in(ns::xml, "lang"), nullptr);
    e.set_attr("xml:lang", "de");
    EXPECT_EQ(e.attr_or("xml:lang"), "de");
    EXPECT_EQ(e.attr("lang"), nullptr);
    e.remove_attr("xml:lang");
    EXPECT_TRUE(e.attributes.empty());
}

TEST(XmlElementMixedContent, TextBetweenChildrenKeepsItsPlace) {
    const auto parsed = parse_element("<a xmlns='urn:example:a'>x<b/>y<c>z</c>w</a>");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->text, "x");  // before the first child, as readers of text expect
    ASSERT_EQ(parsed->children.size(), 2u);
    EXPECT_EQ(parsed->children[0].tail, "y");
    EXPECT_EQ(parsed->children[1].text, "z");
    EXPECT_EQ(parsed->children[1].tail, "w");
    EXPECT_EQ(written_and_read_back("<a xmlns='urn:example:a'>x<b/>y<c>z</c>w</a>"),
              "<a xmlns='urn:example:a'>x<b/>y<c>z</c>w</a>");
}

TEST(XmlElementMixedContent, AVcardWithLayoutIsWrittenAsItCame) {
    // As a client formats it, stored through delegated vcard-temp and read back.
    const std::string vcard =
        "<vCard xmlns='vcard-temp'>\n  <FN>Bob Example</FN>\n  <NOTE>first &amp; "
        "second</NOTE>\n  <TEL><VOICE/><NUMBER>+49 30 1234</NUMBER></TEL>\n</vCard>";
    EXPECT_EQ(written_and_read_back(vcard), vcard);
}

TEST(XmlElementMixedContent, ATailIsWrittenAfterItsElementAndEscaped) {
    XmlElement body("body", "jabber:component:accept");
    body.text = "see ";
    body.add("b", "urn:example:markup").text = "this";
    body.children.back().tail = " & <that>";
    body.add("i", "urn:example:markup");
    EXPECT_EQ(body.serialize(),
              "<body>see <b xmlns='urn:example:markup'>this</b> &amp; &lt;that&gt;"
              "<i xmlns='urn:example:markup'/></body>");
    // The element's own tail belongs to its parent's content: not written with it.
    XmlElement alone("x");
    alone.tail = "after";
    EXPECT_EQ(alone.serialize(""), "<x/>");
}

}  // namespace
}  // namespace cusax::xmpp
