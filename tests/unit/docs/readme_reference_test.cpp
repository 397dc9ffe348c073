// The README's configuration reference is generated from the key declarations; this fails
// when someone adds or changes a key without running scripts/update-readme-reference.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_dump.hpp"

namespace {

TEST(Readme, ConfigurationReferenceMatchesTheDeclarations) {
    std::ifstream in(std::string(CUSAX_SOURCE_DIR) + "/README.md");
    ASSERT_TRUE(in) << "README.md not found";
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string readme = buffer.str();
    const std::string begin = "<!-- config-reference:begin -->\n";
    const std::string end = "<!-- config-reference:end -->";
    const auto from = readme.find(begin);
    const auto to = readme.find(end);
    ASSERT_NE(from, std::string::npos);
    ASSERT_NE(to, std::string::npos);
    const auto in_readme = readme.substr(from + begin.size(), to - from - begin.size());
    auto expected = cusax::config::markdown_reference(cusax::config_catalog::all_sections());
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    EXPECT_EQ(in_readme, expected + "\n")
        << "README.md is out of date: run scripts/update-readme-reference";
}

}  // namespace
