// cusaxctl end to end in-process: each command's exit code and output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"

namespace cusax::ctl {
namespace {

using testing::CtlRunner;

TEST(CusaxctlCommands, InitCreatesTheStoreAndReportsItsSchema) {
    CtlRunner ctl;
    const auto result = ctl.run({"--json", "init"});
    ASSERT_EQ(result.code, kOk) << result.err;
    const auto doc = nlohmann::json::parse(result.out);
    EXPECT_EQ(doc.at("path"), ctl.store_path());
    EXPECT_GE(doc.at("schema_version").get<int>(), 1);
    EXPECT_TRUE(std::filesystem::exists(ctl.store_path()));
}

TEST(CusaxctlCommands, AddThenShowByAorJidAndNumber) {
    CtlRunner ctl;
    auto added =
        ctl.run({"add", "sip:Alice@SIP.Example.com;transport=tcp", "Alice@XMPP.example.com",
                 "--name", "Alice", "--number", "+1 555 0100-001:video", "--verified", "admin"});
    ASSERT_EQ(added.code, kOk) << added.err;
    EXPECT_EQ(added.out, "added sip:Alice@sip.example.com -> alice@xmpp.example.com (admin)\n");
    for (std::string key :
         {"sip:Alice@sip.example.com", "alice@xmpp.example.com", "tel:+15550100001"}) {
        const auto shown = ctl.run({"--json", "show", key});
        ASSERT_EQ(shown.code, kOk) << key << ": " << shown.err;
        const auto doc = nlohmann::json::parse(shown.out);
        EXPECT_EQ(doc.at("aor"), "sip:Alice@sip.example.com") << key;
        EXPECT_EQ(doc.at("jid"), "alice@xmpp.example.com");
        EXPECT_EQ(doc.at("display_name"), "Alice");
        EXPECT_EQ(doc.at("verification"), "admin");
        EXPECT_EQ(doc.at("numbers").at(0).at("number"), "+15550100001");
        EXPECT_EQ(doc.at("numbers").at(0).at("video"), true);
    }
}

TEST(CusaxctlCommands, ExitCodesForRefusedNotFoundAndUsage) {
    CtlRunner ctl;
    ASSERT_EQ(ctl.run({"add", "sip:alice@example.com", "alice@example.com"}).code, kOk);
    // The same JID on another AOR conflicts.
    EXPECT_EQ(ctl.run({"add", "sip:bob@example.com", "alice@example.com"}).code, kRefused);
    // Invalid addresses are refused, with the reason on stderr.
    const auto bad = ctl.run({"add", "sip:eve@example.com", "eve@example.com/phone"});
    EXPECT_EQ(bad.code, kRefused);
    EXPECT_NE(bad.err.find("resource"), std::string::npos) << bad.err;
    EXPECT_EQ(ctl.run({"add", "sip:e\r\nX: y@example.com", "e@example.com"}).code, kRefused);
    EXPECT_EQ(ctl.run({"remove", "sip:nobody@example.com"}).code, kNotFound);
    EXPECT_EQ(ctl.run({"show", "sip:nobody@example.com"}).code, kNotFound);
    EXPECT_EQ(ctl.run({"verify", "sip:nobody@example.com"}).code, kNotFound);
    EXPECT_EQ(ctl.run({"frobnicate"}).code, kUsage);
    EXPECT_EQ(ctl.run({"add", "sip:only-aor@example.com"}).code, kUsage);
    EXPECT_EQ(ctl.run({"verify", "sip:alice@example.com", "--source", "unverified"}).code, kUsage);
    EXPECT_EQ(ctl.run({"--no-such-option", "list"}).code, kUsage);
}

TEST(CusaxctlCommands, VerifyUnverifyAndRemoveChangeTheStore) {
    CtlRunner ctl;
    ASSERT_EQ(ctl.run({"add", "sip:alice@example.com", "alice@example.com"}).code, kOk);
    ASSERT_EQ(ctl.run({"verify", "sip:alice@example.com", "--source", "directory"}).code, kOk);
    auto doc = nlohmann::json::parse(ctl.run({"--json", "show", "sip:alice@example.com"}).out);
    EXPECT_EQ(doc.at("verification"), "directory");
    ASSERT_EQ(ctl.run({"unverify", "sip:alice@example.com"}).code, kOk);
    doc = nlohmann::json::parse(ctl.run({"--json", "show", "sip:alice@example.com"}).out);
    EXPECT_EQ(doc.at("verification"), "unverified");
    ASSERT_EQ(ctl.run({"remove", "sip:alice@example.com"}).code, kOk);
    EXPECT_EQ(ctl.run({"show", "sip:alice@example.com"}).code, kNotFound);
}

TEST(CusaxctlCommands, ListJsonParsesBackToWhatWasAdded) {
    CtlRunner ctl;
    ASSERT_EQ(
        ctl.run({"add", "sip:bob@example.com", "bob@example.com", "--number", "+4930123"}).code,
        kOk);
    ASSERT_EQ(ctl.run({"add", "sip:alice@example.com", "alice@example.com"}).code, kOk);
    const auto listed = ctl.run({"--json", "list"});
    ASSERT_EQ(listed.code, kOk);
    const auto doc = nlohmann::json::parse(listed.out);
    ASSERT_EQ(doc.size(), 2u);
    EXPECT_EQ(doc[0].at("aor"), "sip:alice@example.com");  // sorted by AOR
    EXPECT_EQ(doc[1].at("aor"), "sip:bob@example.com");
    EXPECT_EQ(doc[1].at("numbers").at(0).at("number"), "+4930123");
    EXPECT_EQ(doc[1].at("numbers").at(0).at("voice"), true);
    EXPECT_EQ(doc[1].at("numbers").at(0).at("video"), false);

    const auto table = ctl.run({"list"});
    EXPECT_EQ(table.code, kOk);
    EXPECT_EQ(table.out.substr(0, 4), "AOR ");
    EXPECT_NE(table.out.find("sip:bob@example.com"), std::string::npos);
}

TEST(CusaxctlCommands, EachCommandHasHelp) {
    CtlRunner ctl;
    for (std::string command : {"init", "add", "remove", "show", "list", "verify", "unverify",
                                "import", "export", "stats"}) {
        const auto help = ctl.run({command, "--help"});
        EXPECT_EQ(help.code, kOk) << command;
        EXPECT_NE(help.out.find("usage: cusaxctl " + command), std::string::npos) << help.out;
    }
    const auto top = ctl.run({"--help"});
    EXPECT_EQ(top.code, kOk);
    EXPECT_NE(top.out.find("Exit codes"), std::string::npos);
}

TEST(CusaxctlCommands, VersionPrintsTheVersion) {
    CtlRunner ctl;
    const auto version = ctl.run({"--version"});
    EXPECT_EQ(version.code, kOk);
    EXPECT_EQ(version.out, std::string("cusaxctl ") + CUSAX_VERSION + "\n");
}

}  // namespace
}  // namespace cusax::ctl
