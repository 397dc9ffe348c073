#pragma once
// The README's lists of metrics are generated from the MetricDoc declarations
// (shared/metrics/metric_doc.hpp), one block per daemon and one for what both show, each
// between <!-- metrics-NAME:begin --> and <!-- metrics-NAME:end -->. A test per block compares
// it with the declarations; with CUSAX_UPDATE_README=1 in its environment it writes the block
// instead (scripts/update-readme-metrics runs the tests that way).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "shared/metrics/metrics_page.hpp"

namespace cusax::test {

inline void expect_readme_block(std::string_view name, const std::string& expected) {
    const std::string path = std::string(CUSAX_SOURCE_DIR) + "/README.md";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "README.md not found";
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string readme = buffer.str();
    const std::string begin = "<!-- metrics-" + std::string(name) + ":begin -->\n";
    const std::string end = "<!-- metrics-" + std::string(name) + ":end -->";
    const auto from = readme.find(begin);
    const auto to = readme.find(end);
    ASSERT_NE(from, std::string::npos) << "README.md has no " << begin;
    ASSERT_NE(to, std::string::npos) << "README.md has no " << end;
    const auto start = from + begin.size();
    const char* update = std::getenv("CUSAX_UPDATE_README");
    if (update && std::string_view(update) == "1") {
        std::ofstream(path) << readme.substr(0, start) + expected + readme.substr(to);
        return;
    }
    EXPECT_EQ(readme.substr(start, to - start), expected)
        << "README.md's list of metrics is out of date: run scripts/update-readme-metrics";
}

// A daemon's page (its registry filled as the daemon fills it, with every declaration the daemon
// passes) shows no family without a declaration, shows every one of `own` (none names what no
// longer exists), and the README's block lists `own`.
inline void expect_declared_and_listed(const metrics::MetricsPage& page,
                                       const std::vector<metrics::MetricDoc>& own,
                                       std::string_view block) {
    const auto families = page.families();
    for (const auto& family : families) {
        EXPECT_EQ(family.help.find("no description declared"), std::string::npos)
            << family.name << ": not declared";
    }
    for (const auto& doc : own) {
        const auto name = metrics::family_name(doc);
        EXPECT_TRUE(std::any_of(families.begin(), families.end(),
                                [&](const metrics::Family& f) { return f.name == name; }))
            << name << " is declared but not shown";
    }
    expect_readme_block(block, metrics::markdown_table(own));
}

}  // namespace cusax::test
