#include "shared/config/config_dump.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/ini_document.hpp"
#include "shared/config/value_check.hpp"

namespace cusax::config {
namespace {

// Every section of the file, as the programs validate it.
using config_catalog::all_sections;

const std::vector<std::string> every_section{"log",          "store",   "metrics", "sip-proxy",
                                             "xmpp-component", "provisioning", "cusaxctl"};

std::string replace_line(std::string text, const std::string& line, const std::string& by) {
    const auto at = text.find("\n" + line + "\n");
    EXPECT_NE(at, std::string::npos) << line;
    if (at != std::string::npos) text.replace(at + 1, line.size(), by);
    return text;
}

TEST(ConfigDump, ParsesBackToTheDefaults) {
    auto text = dump_config(all_sections());
    text = replace_line(text, "# domain =   (required)", "domain = sip.example.com");
    text = replace_line(text, "# secret =   (required)", "secret = a-secret-value");
    const auto config = load_config_string(text, "dump.ini", every_section, all_sections());
    for (const auto& section : all_sections()) {
        for (const auto& key : section.keys) {
            const auto where = section.name + " " + key.name;
            // Every key is written out (not merely left to its default)...
            EXPECT_TRUE(config.is_set(section.name, key.name)) << where;
            // ...with its default value.
            if (!key.required) {
                EXPECT_EQ(config.text(section.name, key.name), key.default_value) << where;
            }
        }
    }
}

TEST(ConfigDump, ShowsHelpTypeAndConstraintsAboveEachKey) {
    const auto text = dump_config(all_sections());
    EXPECT_NE(text.find("\n# How often a daemon checks the store for changes. (duration, "
                        "50ms..1s)\nrefresh_interval = 250ms\n"),
              std::string::npos);
    EXPECT_NE(text.find("\n# Lowest level written to the log. (enumeration: "
                        "trace|debug|info|warn|error|critical|off)\nlevel = info\n"),
              std::string::npos);
    EXPECT_NE(text.find("(integer, 1..65535)\nserver_port = 5347\n"), std::string::npos);
    EXPECT_NE(text.find("\n# Log file, appended to; empty: standard error. (path)\nfile =\n"),
              std::string::npos);
    EXPECT_NE(text.find("\n# Logging and statistics, for every program.\n[log]\n"),
              std::string::npos);
    EXPECT_EQ(text.rfind("# cusax configuration", 0), 0u);
}

TEST(ConfigDump, RequiredAndSecretKeysAreCommentedOutWithoutAValue) {
    const auto text = dump_config(all_sections());
    EXPECT_NE(text.find("(string, required, secret)\n# secret =   (required)\n"),
              std::string::npos);
    EXPECT_NE(text.find("(string, required)\n# domain =   (required)\n"), std::string::npos);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        EXPECT_NE(line.rfind("secret =", 0), 0u) << line;
        EXPECT_NE(line.rfind("domain =", 0), 0u) << line;
    }
}

TEST(ConfigDump, SecretKeyWithADefaultShowsOnlyAnEmptyOne) {
    SectionDecl section{"vault", "Secrets.", {}};
    section.keys.push_back(
        {.name = "password", .type = KeyType::string, .help = "A password.", .secret = true});
    const auto text = dump_config({section});
    EXPECT_NE(text.find("# A password. (string, secret)\npassword =\n"), std::string::npos);
}

TEST(ConfigDump, EveryLineFitsTheParser) {
    std::istringstream lines(dump_config(all_sections()));
    for (std::string line; std::getline(lines, line);) {
        EXPECT_LE(line.size(), static_cast<std::size_t>(max_line_length())) << line;
    }
}

TEST(ConfigDump, DumpOfAnEmptySchemaIsOnlyTheHeader) {
    const auto text = dump_config({});
    EXPECT_EQ(text.find("\n["), std::string::npos);
    EXPECT_EQ(load_config_string(text, "empty.ini", {}, {}).schema().size(), 0u);
}

TEST(MarkdownReference, OneTablePerSectionWithEveryKey) {
    const auto text = markdown_reference(all_sections());
    for (const auto& section : all_sections()) {
        EXPECT_NE(text.find("\n### `[" + section.name + "]`\n\n" + section.help +
                            "\n\n| Key | Type | Default | Description |\n|---|---|---|---|\n"),
                  std::string::npos)
            << section.name;
        for (const auto& key : section.keys) {
            EXPECT_NE(text.find("\n| `" + key.name + "` | "), std::string::npos) << key.name;
        }
    }
    EXPECT_NE(text.find("\n| `refresh_interval` | duration (50ms..1s) | `250ms` | How often a "
                        "daemon checks the store for changes. |\n"),
              std::string::npos);
    EXPECT_NE(text.find("\n| `secret` | string, secret | *required* | "), std::string::npos);
    EXPECT_NE(text.find("\n| `file` | path | *(empty)* | "), std::string::npos);
    EXPECT_NE(text.find("\n| `format` | enumeration: `text`, `json`, reloads | `text` | "),
              std::string::npos);
}

TEST(MarkdownReference, EscapesPipesInCells) {
    SectionDecl section{"s", "a | b", {}};
    section.keys.push_back(
        {.name = "k", .type = KeyType::string, .default_value = "x|y", .help = "one | two"});
    const auto text = markdown_reference({section});
    EXPECT_NE(text.find("a \\| b"), std::string::npos);
    EXPECT_NE(text.find("| `k` | string | `x\\|y` | one \\| two |"), std::string::npos);
}

TEST(DescribeConstraints, TypesRangesAndFlags) {
    KeyDecl key{.name = "k", .type = KeyType::size, .min = 1024, .max = 4 << 20};
    EXPECT_EQ(describe_constraints(key), "(size, 1KiB..4MiB)");
    key = {.name = "k", .type = KeyType::integer, .min = 1};
    EXPECT_EQ(describe_constraints(key), "(integer, 1..)");
    key = {.name = "k", .type = KeyType::string, .required = true, .secret = true};
    EXPECT_EQ(describe_constraints(key), "(string, required, secret)");
}

}  // namespace
}  // namespace cusax::config
