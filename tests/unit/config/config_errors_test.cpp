// Golden tests: the exact message for every kind of configuration error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/ini_document.hpp"

namespace cusax::config {
namespace {

// Every section of the file, as the programs validate it.
using config_catalog::all_sections;

using Errors = std::vector<std::string>;
using namespace std::string_literals;

Errors errors_of(const std::string& text, const std::vector<std::string>& needed = {}) {
    try {
        load_config_string(text, "t.ini", needed, all_sections());
    } catch (const ConfigError& e) {
        return e.errors();
    }
    return {};
}

// The one error of `text`, or a description of what came instead.
std::string error_of(const std::string& text, const std::vector<std::string>& needed = {}) {
    const auto errors = errors_of(text, needed);
    if (errors.size() == 1) return errors.front();
    std::string all = std::to_string(errors.size()) + " errors:";
    for (const auto& e : errors) all += "\n" + e;
    return all;
}

// A valid [xmpp-component] with the required keys, then `extra` lines (from line 4 on).
std::string xmpp(const std::string& extra) {
    return "[xmpp-component]\ndomain = sip.example.com\nsecret = hunter2-secret\n" + extra;
}

TEST(ConfigErrors, ValidFileHasNoError) {
    EXPECT_EQ(errors_of(xmpp("server_port = 5347\n"), {"log", "store", "xmpp-component"}),
              Errors{});
}

TEST(ConfigErrors, UnknownSectionWithSuggestion) {
    EXPECT_EQ(error_of("[sip-prox]\nlisten = sip:127.0.0.1:5070\n"),
              "t.ini:1: [sip-prox]: unknown section (did you mean [sip-proxy]?)");
    EXPECT_EQ(error_of("[Store]\n"), "t.ini:1: [Store]: unknown section (did you mean [store]?)");
}

TEST(ConfigErrors, UnknownSectionNamedByItsFirstWord) {
    EXPECT_EQ(error_of("[xmpp]\n"),
              "t.ini:1: [xmpp]: unknown section (did you mean [xmpp-component]?)");
}

TEST(ConfigErrors, UnknownSectionWithoutSuggestion) {
    // Its keys are not reported one by one: the section is the mistake.
    EXPECT_EQ(error_of("[database]\nhost = db\nport = 5432\n"),
              "t.ini:1: [database]: unknown section");
}

TEST(ConfigErrors, UnknownKeyWithSuggestion) {
    EXPECT_EQ(error_of("[log]\nlevle = info\n"),
              "t.ini:2: [log] levle: unknown key (did you mean level?)");
    EXPECT_EQ(error_of("[sip-proxy]\ntrusted_peer = 127.0.0.1\n"),
              "t.ini:2: [sip-proxy] trusted_peer: unknown key (did you mean trusted_peers?)");
}

TEST(ConfigErrors, UnknownKeyThatBelongsInAnotherSection) {
    EXPECT_EQ(error_of("[store]\nstats_dir = /run/cusax\n"),
              "t.ini:2: [store] stats_dir: unknown key (it belongs in [log])");
}

TEST(ConfigErrors, UnknownKeyWithoutSuggestion) {
    EXPECT_EQ(error_of("[log]\ncolour = red\n"), "t.ini:2: [log] colour: unknown key");
}

TEST(ConfigErrors, KeyOutsideAnySection) {
    EXPECT_EQ(error_of("level = info\n[log]\n"),
              "t.ini:1: level: key outside any section (put it under its [section] header)");
}

TEST(ConfigErrors, MissingRequiredKeyReportedAtTheSectionHeader) {
    EXPECT_EQ(error_of("# comment\n[xmpp-component]\ndomain = sip.example.com\n"),
              "t.ini:2: [xmpp-component] secret: required key is missing");
}

TEST(ConfigErrors, MissingRequiredKeysOfAnAbsentNeededSection) {
    EXPECT_EQ(errors_of("[log]\nlevel = info\n", {"log", "xmpp-component"}),
              (Errors{"t.ini: [xmpp-component] domain: required key is missing",
                      "t.ini: [xmpp-component] secret: required key is missing"}));
}

TEST(ConfigErrors, AbsentSectionThatIsNotNeededIsNotChecked) {
    // The SIP proxy's file may leave out [xmpp-component] altogether.
    EXPECT_EQ(errors_of("[log]\nlevel = info\n", {"log", "store", "sip-proxy"}), Errors{});
}

TEST(ConfigErrors, PresentSectionIsCheckedEvenWhenNotNeeded) {
    EXPECT_EQ(errors_of("[xmpp-component]\nsecret = x-secret\n", {"log"}),
              Errors{"t.ini:1: [xmpp-component] domain: required key is missing"});
}

TEST(ConfigErrors, RequiredKeyWithEmptyValue) {
    EXPECT_EQ(error_of("[xmpp-component]\ndomain = sip.example.com\nsecret =\n"),
              "t.ini:3: [xmpp-component] secret: required key has an empty value");
}

TEST(ConfigErrors, DuplicateKey) {
    EXPECT_EQ(error_of("[log]\nlevel = info\nformat = text\nlevel = debug\n"),
              "t.ini:4: [log] level: duplicate key (first set on line 2)");
}

TEST(ConfigErrors, DuplicateSection) {
    EXPECT_EQ(error_of("[log]\nlevel = info\n[store]\n[log]\nformat = json\n"),
              "t.ini:4: [log]: duplicate section (first on line 1)");
}

TEST(ConfigErrors, DuplicateKeyAcrossRepeatedSections) {
    EXPECT_EQ(errors_of("[log]\nlevel = info\n[log]\nlevel = debug\n"),
              (Errors{"t.ini:3: [log]: duplicate section (first on line 1)",
                      "t.ini:4: [log] level: duplicate key (first set on line 2)"}));
}

TEST(ConfigErrors, IntegerNotANumber) {
    EXPECT_EQ(error_of(xmpp("server_port = 53a7\n")),
              "t.ini:4: [xmpp-component] server_port: expected an integer, got \"53a7\"");
}

TEST(ConfigErrors, IntegerOutOfRange) {
    EXPECT_EQ(error_of(xmpp("server_port = 70000\n")),
              "t.ini:4: [xmpp-component] server_port: must be between 1 and 65535, got \"70000\"");
    EXPECT_EQ(error_of(xmpp("server_port = 0\n")),
              "t.ini:4: [xmpp-component] server_port: must be between 1 and 65535, got \"0\"");
    EXPECT_EQ(error_of(xmpp("server_port = 99999999999999999999\n")),
              "t.ini:4: [xmpp-component] server_port: integer out of range, "
              "got \"99999999999999999999\"");
}

TEST(ConfigErrors, Boolean) {
    EXPECT_EQ(error_of("[sip-proxy]\nrecord_route = maybe\n"),
              "t.ini:2: [sip-proxy] record_route: expected true/false, yes/no, on/off or 1/0, "
              "got \"maybe\"");
}

TEST(ConfigErrors, EnumerationListsTheAllowedValues) {
    EXPECT_EQ(error_of("[log]\nlevel = verbose\n"),
              "t.ini:2: [log] level: expected one of trace, debug, info, warn, error, critical, "
              "off, got \"verbose\"");
    EXPECT_EQ(error_of("[log]\nlevel = INFO\n"),
              "t.ini:2: [log] level: expected one of trace, debug, info, warn, error, critical, "
              "off, got \"INFO\" (did you mean info?)");
    EXPECT_EQ(error_of("[cusaxctl]\nimport_verification = admn\n"),
              "t.ini:2: [cusaxctl] import_verification: expected one of unverified, admin, "
              "directory, got \"admn\" (did you mean admin?)");
}

TEST(ConfigErrors, DurationWithoutUnitSaysWhichUnits) {
    EXPECT_EQ(error_of("[store]\nbusy_timeout = 5\n"),
              "t.ini:2: [store] busy_timeout: a duration needs a unit: ms, s, m or h "
              "(e.g. 5s or 250ms), got \"5\"");
}

TEST(ConfigErrors, DurationWithUnknownUnit) {
    EXPECT_EQ(error_of("[store]\nbusy_timeout = 5sec\n"),
              "t.ini:2: [store] busy_timeout: unknown duration unit (use ms, s, m or h, "
              "e.g. 5s or 250ms), got \"5sec\"");
}

TEST(ConfigErrors, DurationOutOfRange) {
    EXPECT_EQ(error_of("[store]\nrefresh_interval = 2s\n"),
              "t.ini:2: [store] refresh_interval: must be between 50ms and 1s, got \"2s\"");
    EXPECT_EQ(error_of("[store]\nrefresh_interval = 10ms\n"),
              "t.ini:2: [store] refresh_interval: must be between 50ms and 1s, got \"10ms\"");
}

TEST(ConfigErrors, Size) {
    EXPECT_EQ(error_of("[sip-proxy]\nudp_receive_buffer = 4MB\n"),
              "t.ini:2: [sip-proxy] udp_receive_buffer: unknown size unit (use KiB, MiB or GiB, "
              "or a plain number of bytes), got \"4MB\"");
    EXPECT_EQ(error_of("[sip-proxy]\nudp_send_buffer = lots\n"),
              "t.ini:2: [sip-proxy] udp_send_buffer: expected a size: a number of bytes, or a "
              "whole number and KiB, MiB or GiB (e.g. 64KiB), got \"lots\"");
}

TEST(ConfigErrors, ListItemRefusedByValidator) {
    EXPECT_EQ(error_of("[sip-proxy]\ntrusted_peers = 127.0.0.1, 10.0.0.1/8\n"),
              "t.ini:2: [sip-proxy] trusted_peers: item \"10.0.0.1/8\": host bits set after the "
              "network prefix (write the network address, e.g. 10.0.0.0/8)");
    EXPECT_EQ(error_of("[sip-proxy]\ntrusted_peers = kamailio.local\n"),
              "t.ini:2: [sip-proxy] trusted_peers: item \"kamailio.local\": expected an IP "
              "address, a CIDR network (10.0.0.0/8, 2001:db8::/32) or tls:NAME");
    EXPECT_EQ(error_of("[sip-proxy]\nlisten = sip:127.0.0.1:5070, 127.0.0.1:5071\n"),
              "t.ini:2: [sip-proxy] listen: item \"127.0.0.1:5071\": not a sip: or sips: URI "
              "(expected sip:HOST[:PORT][;param=value] or sips:...)");
}

TEST(ConfigErrors, ListWithEmptyItem) {
    EXPECT_EQ(error_of("[sip-proxy]\ncall_info_methods = INVITE,,MESSAGE\n"),
              "t.ini:2: [sip-proxy] call_info_methods: item 2 is empty (a comma too many?)");
}

TEST(ConfigErrors, StringRefusedByValidator) {
    EXPECT_EQ(error_of("[sip-proxy]\nnext_hop = http://127.0.0.1:5060\n"),
              "t.ini:2: [sip-proxy] next_hop: not a sip: or sips: URI (expected "
              "sip:HOST[:PORT][;param=value] or sips:...), got \"http://127.0.0.1:5060\"");
    EXPECT_EQ(error_of("[xmpp-component]\ndomain = sip example com\nsecret = s3cret!\n"),
              "t.ini:2: [xmpp-component] domain: not a domain name (dot-separated labels of "
              "letters, digits and hyphens, e.g. sip.example.com), got \"sip example com\"");
}

TEST(ConfigErrors, RelativePath) {
    EXPECT_EQ(error_of("[log]\nfile = cusax.log\n"),
              "t.ini:2: [log] file: expected an absolute path (starting with /), "
              "got \"cusax.log\"");
    EXPECT_EQ(error_of("[store]\npath =\n"),
              "t.ini:2: [store] path: must not be empty, got an empty value");
}

TEST(ConfigErrors, ValueWithControlCharacterIsEscaped) {
    EXPECT_EQ(error_of("[log]\nlevel = in\x1b[2Jfo\n"),
              "t.ini:2: [log] level: expected one of trace, debug, info, warn, error, critical, "
              "off, got \"in\\x1b[2Jfo\"");
}

// A schema with secret keys of several types and a validator that quotes what it refuses.
Schema secret_schema() {
    SectionDecl section{"vault", "test", {}};
    section.keys.push_back({.name = "password",
                            .type = KeyType::string,
                            .help = "h",
                            .secret = true,
                            .validator = [](std::string_view value) {
                                return value.size() < 12
                                           ? "\"" + std::string(value) + "\" is too short"
                                           : std::string();
                            }});
    section.keys.push_back(
        {.name = "pin", .type = KeyType::integer, .help = "h", .secret = true, .max = 9999});
    section.keys.push_back({.name = "tokens",
                            .type = KeyType::list,
                            .help = "h",
                            .secret = true,
                            .validator = [](std::string_view value) {
                                return value.starts_with("tok-")
                                           ? std::string()
                                           : std::string(value) + " lacks tok-";
                            }});
    return {section};
}

TEST(ConfigErrors, SecretValueIsNeverEchoed) {
    try {
        load_config_string("[vault]\npassword = hunter2\npin = 12345x\ntokens = tok-a, hunter3\n",
                           "t.ini", {}, secret_schema());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.errors(),
                  (Errors{"t.ini:2: [vault] password: \"***\" is too short (value not shown: "
                          "secret)",
                          "t.ini:3: [vault] pin: expected an integer (value not shown: secret)",
                          "t.ini:4: [vault] tokens: item 2: *** lacks tok-"}));
        const std::string all = e.what();
        EXPECT_EQ(all.find("hunter"), std::string::npos);
        EXPECT_EQ(all.find("12345"), std::string::npos);
    }
}

TEST(ConfigErrors, ComponentSecretIsNeverEchoed) {
    // Unknown keys, duplicates and malformed lines never quote the line either.
    const auto errors = errors_of(
        "[xmpp-component]\ndomain = sip.example.com\nsecret = hunter2-secret\n"
        "secret = hunter2-other\nsecert = hunter2-typo\nsecret hunter2-no-equals\n");
    ASSERT_EQ(errors.size(), 3u);
    for (const auto& error : errors) {
        EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
    }
    EXPECT_EQ(errors[1], "t.ini:5: [xmpp-component] secert: unknown key (did you mean secret?)");
}

TEST(ConfigErrors, OverLongLine) {
    const std::string fits(static_cast<std::size_t>(max_line_length()) - 2, 'x');
    const std::string too_long(static_cast<std::size_t>(max_line_length()) - 1, 'x');
    EXPECT_EQ(max_line_length(), 199);  // Debian's INI_MAX_LINE 200
    EXPECT_EQ(errors_of("[log]\n# " + fits + "\n"), Errors{});
    EXPECT_EQ(error_of("[log]\n# " + too_long + "\nlevel = info\n"),
              "t.ini:2: line is longer than 199 characters");
    // The rest of a long value must not be read as a line of its own (inih would do that).
    EXPECT_EQ(error_of("[sip-proxy]\nnext_hop = sip:" + std::string(200, 'a') + ".com\n"),
              "t.ini:2: line is longer than 199 characters");
}

TEST(ConfigErrors, SyntaxErrors) {
    EXPECT_EQ(error_of("[log]\nlevel info\n"),
              "t.ini:2: syntax error (expected [section], key = value or a comment)");
    EXPECT_EQ(error_of("[log\nlevel = info\n"),
              "t.ini:1: syntax error (no closing ] in section header)");
    EXPECT_EQ(error_of("[]\n"), "t.ini:1: syntax error (empty section name)");
    EXPECT_EQ(error_of("[log] level = info\n"),
              "t.ini:1: syntax error (text after ] in section header)");
    EXPECT_EQ(error_of("[log]\n = info\n"), "t.ini:2: syntax error (no key name before '=')");
    EXPECT_EQ(error_of("[log]\nlevel\0 = info\n"s), "t.ini:2: line contains a NUL character");
}

TEST(ConfigErrors, ContinuationLineIsRefused) {
    // inih would silently append "10.0.0.0/8" to trusted_peers as a second value.
    EXPECT_EQ(errors_of("[sip-proxy]\ntrusted_peers = 127.0.0.1,\n    10.0.0.0/8\n"),
              (Errors{"t.ini:2: [sip-proxy] trusted_peers: item 2 is empty (a comma too many?)",
                      "t.ini:3: syntax error (a value must fit on one line: continuation lines "
                      "are not supported)"}));
    EXPECT_EQ(error_of("[log]\nlevel = info\n  debug\n"),
              "t.ini:3: syntax error (a value must fit on one line: continuation lines are not "
              "supported)");
}

TEST(ConfigErrors, KeysUnderABrokenHeaderAreNotBlamedOnThePreviousSection) {
    EXPECT_EQ(error_of("[log]\nlevel = info\n[store\npath = /x.sqlite\n"),
              "t.ini:3: syntax error (no closing ] in section header)");
}

TEST(ConfigErrors, RefusedRequiredValueIsNotAlsoMissing) {
    EXPECT_EQ(error_of("[xmpp-component]\ndomain = -bad-\nsecret = x-secret\n"),
              "t.ini:2: [xmpp-component] domain: not a domain name (dot-separated labels of "
              "letters, digits and hyphens, e.g. sip.example.com), got \"-bad-\"");
}

TEST(ConfigErrors, RuleBetweenKeysOfASection) {
    EXPECT_EQ(error_of(xmpp("reconnect_min = 2m\n")),
              "t.ini:4: [xmpp-component] reconnect_min: reconnect_min (2m) is longer than "
              "reconnect_max (1m)");
    EXPECT_EQ(error_of(xmpp("reconnect_max = 500ms\n")),
              "t.ini:4: [xmpp-component] reconnect_max: reconnect_min (1s) is longer than "
              "reconnect_max (500ms)");
    EXPECT_EQ(errors_of(xmpp("reconnect_min = 5s\nreconnect_max = 5s\n")), Errors{});
    // Only once every key is valid on its own: no rule runs on a refused value.
    EXPECT_EQ(error_of(xmpp("reconnect_min = 2m\nreconnect_max = soon\n")),
              "t.ini:5: [xmpp-component] reconnect_max: expected a duration: a whole number and "
              "a unit, ms, s, m or h (e.g. 5s), got \"soon\"");
}

TEST(ConfigErrors, AllErrorsReportedTogetherFirstLineFirst) {
    const std::string text =
        "[xmpp-component]\n"  // 1: secret missing (reported at this line)
        "domain = sip.example.com\n"
        "server_port = http\n"  // 3
        "[log]\n"
        "level = loud\n"  // 5
        "levl = info\n"   // 6
        "[sip-prox]\n"    // 7
        "oops\n";         // 8
    const std::vector<std::string> expected{
        "t.ini:1: [xmpp-component] secret: required key is missing",
        "t.ini:3: [xmpp-component] server_port: expected an integer, got \"http\"",
        "t.ini:5: [log] level: expected one of trace, debug, info, warn, error, critical, off, "
        "got \"loud\"",
        "t.ini:6: [log] levl: unknown key (did you mean level?)",
        "t.ini:7: [sip-prox]: unknown section (did you mean [sip-proxy]?)",
        "t.ini:8: syntax error (expected [section], key = value or a comment)",
    };
    EXPECT_EQ(errors_of(text, {"log"}), expected);
    try {
        load_config_string(text, "t.ini", {"log"}, all_sections());
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        std::string joined;
        for (const auto& line : expected) joined += (joined.empty() ? "" : "\n") + line;
        EXPECT_EQ(std::string(e.what()), joined);
    }
}

TEST(ConfigErrors, ErrorsWithoutALineComeLast) {
    EXPECT_EQ(errors_of("[log]\nlevel = loud\n", {"xmpp-component"}),
              (Errors{"t.ini:2: [log] level: expected one of trace, debug, info, warn, error, "
                      "critical, off, got \"loud\"",
                      "t.ini: [xmpp-component] domain: required key is missing",
                      "t.ini: [xmpp-component] secret: required key is missing"}));
}

}  // namespace
}  // namespace cusax::config
