#pragma once
// Wire text of one stanza, as the server would send it on the component stream, parsed by the
// component's own stream parser: the tests feed stanzas exactly as they arrive.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "shared/xml/xml_stream_parser.hpp"

namespace cusax::xmpp::testing {

inline XmlElement parse_stanza(std::string_view wire) {
    std::vector<XmlElement> out;
    XmlStreamParser parser(
        {}, {nullptr, [&](XmlElement&& e) { out.push_back(std::move(e)); }, nullptr});
    EXPECT_TRUE(
        parser.feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                    "xmlns='jabber:component:accept' id='x'>"));
    EXPECT_TRUE(parser.feed(wire)) << wire;
    EXPECT_EQ(out.size(), 1u) << wire;
    return out.empty() ? XmlElement() : std::move(out.front());
}

}  // namespace cusax::xmpp::testing
