// One element read back from its serialised form, as the vCard store and cusaxctl read it.
#include "shared/xml/parse_element.hpp"

#include <gtest/gtest.h>

namespace cusax::xmpp {
namespace {

TEST(ParseElement, RoundTripsEscapedText) {
    XmlElement v("vCard", std::string(ns::vcard_temp));
    v.add_text_child("NOTE", "a < b & 'c' \"d\"");
    auto back = parse_element(v.serialize());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->serialize(), v.serialize());
    EXPECT_FALSE(parse_element("<vCard xmlns='vcard-temp'><unclosed></vCard>"));
}

}  // namespace
}  // namespace cusax::xmpp
