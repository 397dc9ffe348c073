#pragma once
// The README's lists of metrics are generated from the MetricDoc declarations
// (shared/metrics/metric_doc.hpp), one block per daemon and one for what both show, each
// between <!-- metrics-NAME:begin --> and <!-- metrics-NAME:end -->. A test per block compares
// it with the declarations; with CUSAX_UPDATE_README=1 in its environment it writes the block
// instead (scripts/update-readme-metrics runs the tests that way).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

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

}  // namespace cusax::test
