#include "shared/config/config_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/ini_document.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/config/value_check.hpp"

namespace cusax::config {
namespace {

// Every section of the file, as the programs validate it.
using config_catalog::all_sections;
using namespace std::chrono_literals;
using List = std::vector<std::string>;

const std::vector<std::string> every_section{"log",          "store",   "metrics", "sip-proxy",
                                             "xmpp-component", "provisioning", "cusaxctl"};

TEST(ConfigLoader, DefaultsThroughTypedGetters) {
    const auto config = defaults_only({"log", "store", "sip-proxy", "cusaxctl"}, all_sections());
    EXPECT_EQ(config.string("log", "level"), "info");
    EXPECT_EQ(config.string("log", "file"), "");
    EXPECT_EQ(config.duration("log", "stats_interval"), 60s);
    EXPECT_EQ(config.string("store", "backend"), "sqlite");
    EXPECT_EQ(config.string("store", "path"), "/var/lib/cusax/bindings.sqlite");
    EXPECT_EQ(config.duration("store", "refresh_interval"), 250ms);
    EXPECT_EQ(config.list("sip-proxy", "listen"), List{"sip:127.0.0.1:5070"});
    EXPECT_EQ(config.string("sip-proxy", "next_hop"), "");
    EXPECT_EQ(config.list("sip-proxy", "trusted_peers"), List{});
    EXPECT_FALSE(config.boolean("sip-proxy", "record_route"));
    EXPECT_EQ(config.size("sip-proxy", "udp_receive_buffer"), 4u << 20);
    EXPECT_EQ(config.list("sip-proxy", "call_info_methods"), List{"INVITE"});
    EXPECT_EQ(config.integer("xmpp-component", "server_port"), 5347);
    EXPECT_EQ(config.size("xmpp-component", "max_stanza_size"), 1048576u);
    EXPECT_EQ(config.duration("xmpp-component", "reconnect_max"), 60s);
    EXPECT_EQ(config.string("cusaxctl", "import_verification"), "unverified");
    EXPECT_EQ(config.location("log", "level"), "default");
    EXPECT_FALSE(config.is_set("log", "level"));
    EXPECT_EQ(config.file(), "(defaults)");
}

TEST(ConfigLoader, DefaultsOnlyRefusesANeededSectionWithRequiredKeys) {
    try {
        defaults_only({"xmpp-component"}, all_sections());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.errors(),
                  (List{"(defaults): [xmpp-component] domain: required key is missing",
                        "(defaults): [xmpp-component] secret: required key is missing"}));
    }
}

TEST(ConfigLoader, ValuesFromTheFileWithTheirLocation) {
    const auto config = load_config_string(
        "[log]\n"
        "level = debug\n"
        "[sip-proxy]\n"
        "listen = sip:127.0.0.1:5070, sips:[::1]:5071\n"
        "record_route = yes\n"
        "udp_send_buffer = 262144\n"
        "[xmpp-component]\n"
        "domain = sip.example.com\n"
        "secret = s3cret-value\n"
        "server_port = 5348\n"
        "reconnect_min = 500ms\n",
        "cusax.ini", every_section, all_sections());
    EXPECT_EQ(config.string("log", "level"), "debug");
    EXPECT_EQ(config.location("log", "level"), "cusax.ini:2");
    EXPECT_TRUE(config.is_set("log", "level"));
    EXPECT_EQ(config.location("log", "format"), "default");
    EXPECT_EQ(config.list("sip-proxy", "listen"), (List{"sip:127.0.0.1:5070", "sips:[::1]:5071"}));
    EXPECT_TRUE(config.boolean("sip-proxy", "record_route"));
    EXPECT_EQ(config.size("sip-proxy", "udp_send_buffer"), 262144u);
    EXPECT_EQ(config.string("xmpp-component", "domain"), "sip.example.com");
    EXPECT_EQ(config.integer("xmpp-component", "server_port"), 5348);
    EXPECT_EQ(config.location("xmpp-component", "server_port"), "cusax.ini:10");
    EXPECT_EQ(config.duration("xmpp-component", "reconnect_min"), 500ms);
    EXPECT_EQ(config.text("sip-proxy", "udp_send_buffer"), "262144");
    EXPECT_EQ(config.secret_values(), List{"s3cret-value"});
}

TEST(ConfigLoader, UndeclaredKeyOrWrongGetterIsAProgrammingError) {
    const auto config = defaults_only({"log"}, all_sections());
    EXPECT_THROW(config.string("log", "colour"), std::logic_error);
    EXPECT_THROW(config.string("database", "host"), std::logic_error);
    EXPECT_THROW(config.integer("log", "level"), std::logic_error);
    EXPECT_THROW(config.duration("sip-proxy", "udp_send_buffer"), std::logic_error);
    EXPECT_THROW(config.location("log", "nope"), std::logic_error);
    EXPECT_THROW(defaults_only({"databse"}, all_sections()), std::logic_error);
}

TEST(ConfigLoader, CommentsAndWhitespace) {
    const auto config = load_config_string(
        "\xEF\xBB\xBF# a byte-order mark, then a comment\r\n"
        "; another comment\r\n"
        "\r\n"
        "  [ log ]   # the header may be indented and commented\r\n"
        "    level=warn\r\n"
        "\tformat :\tjson  \r\n"
        "   # an indented comment\r\n"
        "file = /var/log/cusax.log ; an inline comment\r\n"
        "[sip-proxy]\n"
        "next_hop = sip:127.0.0.1:5060;lr\n"
        "call_info_methods =\n"
        "[xmpp-component]\n"
        "domain = sip.example.com\n"
        "secret = a#b;c ; only ' ;' starts a comment\n",
        "t.ini", {}, all_sections());
    EXPECT_EQ(config.string("log", "level"), "warn");
    EXPECT_EQ(config.location("log", "level"), "t.ini:5");
    EXPECT_EQ(config.string("log", "format"), "json");
    EXPECT_EQ(config.string("log", "file"), "/var/log/cusax.log");
    EXPECT_EQ(config.string("sip-proxy", "next_hop"), "sip:127.0.0.1:5060;lr");
    EXPECT_EQ(config.list("sip-proxy", "call_info_methods"), List{});
    EXPECT_EQ(config.string("xmpp-component", "secret"), "a#b;c");
    EXPECT_EQ(config.location("xmpp-component", "secret"), "t.ini:14");
}

TEST(ConfigLoader, LineNumbersStayRightAfterSkippedLines) {
    // Over-long and malformed lines are not handed to inih; later lines keep their numbers.
    try {
        load_config_string("[log]\n# " + std::string(300, 'x') + "\nbad line\nlevel = loud\n",
                           "t.ini", {}, all_sections());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        ASSERT_EQ(e.errors().size(), 3u);
        EXPECT_EQ(e.errors()[2].substr(0, 8), "t.ini:4:");
    }
}

TEST(ConfigLoader, LineOfTheLongestLengthReachesInihWhole) {
    const std::string host(static_cast<std::size_t>(max_line_length()) - 14, 'h');
    const std::string line = "server_host = " + host;
    ASSERT_EQ(line.size(), 199u);
    const auto config = load_config_string(
        "[xmpp-component]\ndomain = sip.example.com\nsecret = x-secret\n" + line + "\r\n", "t.ini",
        {}, all_sections());
    EXPECT_EQ(config.string("xmpp-component", "server_host"), host);
}

TEST(ConfigLoader, NoFinalNewline) {
    const auto config = load_config_string("[log]\nlevel = error", "t.ini", {}, all_sections());
    EXPECT_EQ(config.string("log", "level"), "error");
}

TEST(ConfigLoader, UnreadableFile) {
    const std::string missing = testing::TempDir() + "/cusax-no-such-file.ini";
    try {
        load_config_file(missing, {}, all_sections());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.errors(), List{missing + ": cannot read: No such file or directory"});
    }
    try {
        load_config_file(testing::TempDir(), {}, all_sections());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.errors(), List{testing::TempDir() + ": cannot read: Is a directory"});
    }
}

TEST(ConfigLoader, FileNameInMessagesAndLocations) {
    const auto path = testing::TempDir() + "/cusax-loader-test.ini";
    { std::ofstream(path) << "[log]\nlevel = debug\nformat = xml\n"; }
    try {
        load_config_file(path, {}, all_sections());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.errors(),
                  List{path + ":3: [log] format: expected one of text, json, got \"xml\""});
    }
    { std::ofstream(path) << "[log]\nlevel = debug\n"; }
    EXPECT_EQ(load_config_file(path, {}, all_sections()).location("log", "level"), path + ":2");
    std::filesystem::remove(path);
}

TEST(ConfigLoader, TheExampleConfigurationIsValid) {
    const auto config =
        load_config_file(CUSAX_SOURCE_DIR "/conf/cusax.ini", every_section, all_sections());
    EXPECT_EQ(config.list("sip-proxy", "listen"), List{"sip:127.0.0.1:5070"});
    EXPECT_EQ(config.string("sip-proxy", "next_hop"), "sip:127.0.0.1:5062");
    EXPECT_EQ(config.list("sip-proxy", "trusted_peers"), List{"127.0.0.1"});
    EXPECT_EQ(config.string("xmpp-component", "domain"), "sip.example.com");
    EXPECT_EQ(config.integer("xmpp-component", "server_port"), 5347);
    EXPECT_EQ(config.list("xmpp-component", "local_domains"), List{"xmpp.example.com"});
    EXPECT_EQ(config.string("store", "path").rfind("/var/lib/cusax/", 0), 0u);
    // The example sets every key, so it shows every one to the operator.
    for (const auto& section : config.schema()) {
        for (const auto& key : section.keys) {
            EXPECT_TRUE(config.is_set(section.name, key.name)) << section.name << " " << key.name;
        }
    }
}

TEST(ConfigLoader, LogSettingsFromTheLogSection) {
    const auto config =
        load_config_string("[log]\nlevel = warn\nformat = json\nfile = /tmp/cusax.log\n", "t.ini",
                           {"log"}, all_sections());
    const auto settings = log_settings(config, "sip-proxy");
    EXPECT_EQ(settings.program, "sip-proxy");
    EXPECT_EQ(settings.level, log::Level::warn);
    EXPECT_EQ(settings.format, log::Format::json);
    EXPECT_EQ(settings.file, "/tmp/cusax.log");
    // Every declared level and format is one log knows.
    const auto& levels = find_section(all_sections(), "log")->find("level")->choices;
    for (const auto& level : levels) EXPECT_TRUE(log::level_from_string(level)) << level;
    const auto& formats = find_section(all_sections(), "log")->find("format")->choices;
    for (const auto& format : formats) EXPECT_TRUE(log::format_from_string(format)) << format;
}

TEST(ConfigLoader, SectionsInOrder) {
    std::vector<std::string> names;
    for (const auto& section : all_sections()) names.push_back(section.name);
    EXPECT_EQ(names, every_section);
}

TEST(ConfigLoader, EveryDefaultIsValid) {
    for (const auto& section : all_sections()) {
        for (const auto& key : section.keys) {
            EXPECT_FALSE(key.help.empty()) << key.name;
            if (key.required) {
                EXPECT_EQ(key.default_value, "") << key.name;
                continue;
            }
            EXPECT_EQ(check_value(key, key.default_value), "") << section.name << " " << key.name;
            if (key.secret) {
                EXPECT_EQ(key.default_value, "") << key.name;
            }
        }
    }
}

}  // namespace
}  // namespace cusax::config
