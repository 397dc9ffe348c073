// expat keeps every distinct element and attribute name it has seen for as long as it lives:
// the stream parser replaces it with a fresh one at a stanza boundary once it has allocated
// more than limits.renew_expat_above, so that a user sending stanzas with ever new names cannot
// grow the component's memory until the next reconnect. Every stanza still comes out as it
// was sent, wherever the reads split it and wherever the replacement falls.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shared/xml/xml_stream_parser.hpp"
#include "stream_collector.hpp"

namespace cusax::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
    "xmlns='jabber:component:accept' id='mem-1' from='sip.example.com'>";

using testing::Collector;

// A stanza whose element and attribute names no other stanza uses.
std::string distinct_names(int i) {
    const std::string n = std::to_string(i);
    return "<message id='m" + n + "' to='alice@sip.example.com'><e" + n +
           " xmlns='urn:example:n' a" + n + "='" + n + "'>t" + n + "</e" + n + "></message>";
}

TEST(XmlStreamParserMemory, StanzasWithEverNewNamesDoNotGrowExpatsMemory) {
    constexpr int kStanzas = 40000;
    Collector c;
    XmlStreamParserLimits limits;
    XmlStreamParser p(limits, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    // The component's 16 KiB reads, so that stanzas straddle them.
    std::string wire;
    for (int i = 0; i < kStanzas; ++i) wire += distinct_names(i);
    const std::size_t bound = limits.renew_expat_above + 64 * 1024;
    for (std::size_t at = 0; at < wire.size(); at += 16384) {
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(at, 16384))) << p.error()->detail;
        ASSERT_LE(p.expat_allocated_bytes(), bound) << "after " << at << " bytes";
    }
    EXPECT_LE(p.expat_peak_allocated_bytes(), bound);
    EXPECT_GT(p.expat_renewals(), 0u);
    ASSERT_EQ(c.stanzas.size(), std::size_t{kStanzas});
    for (int i = 0; i < kStanzas; ++i) ASSERT_EQ(c.stanzas[i], distinct_names(i)) << i;
    EXPECT_TRUE(c.skipped.empty());
    ASSERT_TRUE(p.feed("</stream:stream>"));
    EXPECT_EQ(c.closes, 1);
}

// A stream with every kind of item the parser reports, under a root with its own prefix and a
// prefix declared on it that the stanzas use; with renew_expat_above 0 expat is replaced at
// every stanza boundary.
const std::string kRoot =
    "<s:stream xmlns:s='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' "
    "xmlns:x='urn:example:x' id='mem-2'>";
const std::vector<std::string> kItems = {
    "<iq type='get' id='i1' from='a@b/c'><vCard xmlns='vcard-temp'/></iq>",
    " ",
    "<message id='m1' x:flag='1'><body>one &amp; two</body><x:e/></message>",
    "<message id='big'><body>" + std::string(300, 'b') + "</body></message>",  // over the limit
    "<message id='bad'><xml:a/><a xmlns='http://www.w3.org/XML/1998/namespace'/></message>",
    "<presence id='p1'><x:c x:v='2'/></presence>",
    "\n",
    "<iq type='result' id='i2'/>",
};
const std::string kClose = "</s:stream>";

std::string expected_wire() {
    std::string wire = kRoot;
    for (const auto& item : kItems) wire += item;
    return wire + kClose;
}

void expect_reported_as_sent(const Collector& c, const std::string& where) {
    const std::vector<std::string> expected = {
        "<iq type='get' id='i1' from='a@b/c'><vCard xmlns='vcard-temp'/></iq>",
        "<message id='m1' xmlns:ns0='urn:example:x' ns0:flag='1'><body>one &amp; two</body>"
        "<e xmlns='urn:example:x'/></message>",
        "<presence id='p1'><c xmlns='urn:example:x' xmlns:ns0='urn:example:x' ns0:v='2'/>"
        "</presence>",
        "<iq type='result' id='i2'/>"};
    EXPECT_EQ(c.stanzas, expected) << where;
    ASSERT_EQ(c.skipped.size(), 2u) << where;
    EXPECT_EQ(c.skipped[0].reason, SkipReason::TooLarge) << where;
    EXPECT_EQ(c.skipped[0].start.attr_or("id"), "big") << where;
    EXPECT_EQ(c.skipped[0].bytes, kItems[3].size()) << where;
    EXPECT_EQ(c.skipped[1].reason, SkipReason::NamespaceError) << where;
    EXPECT_EQ(c.skipped[1].bytes, kItems[4].size()) << where;
    EXPECT_EQ(c.closes, 1) << where;
}

XmlStreamParserLimits renewing_at_every_stanza() {
    XmlStreamParserLimits limits;
    limits.max_stanza_bytes = 256;
    limits.feed_piece = 32;  // the replacement falls inside a piece as well as at its end
    limits.renew_expat_above = 0;
    return limits;
}

TEST(XmlStreamParserMemory, RenewedAtEveryStanzaSplitAtEveryByteEverythingIsReportedAsSent) {
    const std::string wire = expected_wire();
    for (std::size_t split = 1; split < wire.size(); ++split) {
        Collector c;
        XmlStreamParser p(renewing_at_every_stanza(), c.callbacks());
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(0, split))) << split;
        ASSERT_TRUE(p.feed(std::string_view(wire).substr(split))) << split;
        expect_reported_as_sent(c, "split at " + std::to_string(split));
        EXPECT_GE(p.expat_renewals(), 5u);
        EXPECT_FALSE(p.error());
    }
}

TEST(XmlStreamParserMemory, RenewedAtEveryStanzaOneByteAtATime) {
    const std::string wire = expected_wire();
    Collector c;
    XmlStreamParser p(renewing_at_every_stanza(), c.callbacks());
    for (char ch : wire) ASSERT_TRUE(p.feed(std::string_view(&ch, 1)));
    expect_reported_as_sent(c, "one byte at a time");
}

TEST(XmlStreamParserMemory, AnEndTagSplitAcrossReadsAtTheRenewalPoint) {
    Collector c;
    XmlStreamParser p(renewing_at_every_stanza(), c.callbacks());
    ASSERT_TRUE(p.feed(kRoot));
    ASSERT_TRUE(p.feed("<message id='s1'><body>x</body></messa"));
    ASSERT_TRUE(p.feed("ge><message id='s2'><bo"));  // renewal inside this read
    EXPECT_EQ(p.expat_renewals(), 1u);
    ASSERT_TRUE(p.feed("dy>y</body></message"));
    ASSERT_TRUE(p.feed("><iq id='s3'/"));
    ASSERT_TRUE(p.feed(">" + kClose));
    EXPECT_EQ(c.stanzas, (std::vector<std::string>{"<message id='s1'><body>x</body></message>",
                                                   "<message id='s2'><body>y</body></message>",
                                                   "<iq id='s3'/>"}));
    EXPECT_EQ(c.closes, 1);
    EXPECT_FALSE(p.error());
}

TEST(XmlStreamParserMemory, BrokenMarkupAfterARenewalStillEndsTheStream) {
    Collector c;
    XmlStreamParser p(renewing_at_every_stanza(), c.callbacks());
    ASSERT_TRUE(p.feed(kRoot + "<iq id='1'/>"));
    EXPECT_FALSE(p.feed("<iq></message>"));
    ASSERT_TRUE(p.error());
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::NotWellFormed);
    EXPECT_FALSE(p.feed("<iq/>"));
}

TEST(XmlStreamParserMemory, EverNewNamesInsideOneSkippedStanzaEndTheStreamAtABound) {
    // A stanza over the limit is skipped, but expat still sees every name in it: nine bytes of
    // expat memory per byte of names. Past the bound the stream ends rather than grow.
    XmlStreamParserLimits limits;
    limits.max_stanza_bytes = 16 * 1024;
    const std::size_t bound = max_expat_bytes_while_skipping(limits);
    ASSERT_EQ(bound, limits.renew_expat_above + 64 * limits.max_stanza_bytes);
    Collector c;
    XmlStreamParser p(limits, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed("<message id='huge'><body>" + std::string(20 * 1024, 'b') + "</body>"));
    std::string names;
    bool ended = false;
    for (int i = 0; i < 1000000 && !ended; ++i) {
        const std::string n = std::to_string(i);
        names += "<e" + n + " a" + n + "='1'/>";
        if (names.size() < 16384) continue;
        ended = !p.feed(names);
        names.clear();
        ASSERT_LE(p.expat_allocated_bytes(), bound + 256 * 1024) << i;
    }
    ASSERT_TRUE(ended);
    EXPECT_EQ(p.error()->condition, StreamErrorCondition::PolicyViolation);
    EXPECT_TRUE(c.skipped.empty());
}

TEST(XmlStreamParserMemory, TheBoundWhileSkippingLeavesRoomForTheDeepestSkippableStanza) {
    // Nesting as deep as a stanza within the limit could carry is skipped, not refused: expat's
    // entry per open element stays well under the bound.
    XmlStreamParserLimits limits;
    limits.max_stanza_bytes = 16 * 1024;
    const std::size_t depth = max_skipped_depth(limits) - 1;
    std::string open = "<message id='deep'>";
    std::string close;
    for (std::size_t i = 0; i < depth; ++i) {
        open += "<x>";
        close += "</x>";
    }
    Collector c;
    XmlStreamParser p(limits, c.callbacks());
    ASSERT_TRUE(p.feed(kHeader));
    ASSERT_TRUE(p.feed(open)) << p.error()->detail;
    ASSERT_TRUE(p.feed(close + "</message><iq id='next'/>"));
    ASSERT_EQ(c.skipped.size(), 1u);
    EXPECT_EQ(c.stanzas, std::vector<std::string>{"<iq id='next'/>"});
    EXPECT_LT(p.expat_peak_allocated_bytes(), max_expat_bytes_while_skipping(limits) / 2);
}

}  // namespace
}  // namespace cusax::xmpp
