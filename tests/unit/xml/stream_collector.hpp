#pragma once
// What an XmlStreamParser reports, collected for the stream parser's tests.
#include <string>
#include <vector>

#include "shared/xml/xml_stream_parser.hpp"

namespace cusax::xmpp::testing {

struct Collector {
    std::vector<StreamHeader> headers;
    std::vector<std::string> stanzas;  // re-serialised
    std::vector<XmlElement> elements;  // the same stanzas as parsed
    std::vector<SkippedStanza> skipped;
    int closes = 0;

    XmlStreamParser::Callbacks callbacks() {
        return {[this](const StreamHeader& h) { headers.push_back(h); },
                [this](XmlElement&& e) {
                    stanzas.push_back(e.serialize());
                    elements.push_back(std::move(e));
                },
                [this] { ++closes; },
                [this](SkippedStanza&& s) { skipped.push_back(std::move(s)); }};
    }
};

}  // namespace cusax::xmpp::testing
