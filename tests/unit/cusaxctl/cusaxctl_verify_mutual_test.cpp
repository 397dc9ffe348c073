// cusaxctl verify --mutual (RFC 7081 §3.3): a binding becomes mutual when its JID's own vCard, as
// the component stored it, lists the AOR; a mutual one that no longer does goes back to
// unverified; other states stay; usage and missing-store errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::ctl {
namespace {

using testing::CtlRunner;

class VerifyMutual : public ::testing::Test {
  protected:
    VerifyMutual() : vcards_path_((ctl_.dir() / "vcards.sqlite").string()) {
        EXPECT_EQ(ctl_.run({"add", "sip:alice@sip.example.com", "alice@xmpp.example.com",
                            "--verified", "admin"})
                      .code,
                  kOk);
        EXPECT_EQ(ctl_.run({"add", "sip:bob@sip.example.com", "bob@xmpp.example.com"}).code, kOk);
    }
    // What the component stores when the user sets their vCard.
    void user_lists(const std::string& jid, std::vector<std::string> sip) {
        store::UserVcardStore(vcards_path_).put(jid, {"<vCard xmlns='vcard-temp'/>", sip});
    }
    testing::CtlResult verify(std::vector<std::string> args) {
        std::vector<std::string> all{"--vcard-store", vcards_path_, "verify", "--mutual"};
        all.insert(all.end(), args.begin(), args.end());
        return ctl_.run(all);
    }
    std::string state(const std::string& aor) {
        return nlohmann::json::parse(ctl_.run({"--json", "show", aor}).out).at("verification");
    }

    CtlRunner ctl_;
    std::string vcards_path_;
};

TEST_F(VerifyMutual, ListingMarksAndRemovingUnmarks) {
    user_lists("alice@xmpp.example.com", {"sip:alice@sip.example.com"});
    auto r = verify({"sip:alice@sip.example.com"});
    ASSERT_EQ(r.code, kOk) << r.err;
    EXPECT_EQ(r.out, "sip:alice@sip.example.com: mutual, admin -> mutual\n");
    EXPECT_EQ(state("sip:alice@sip.example.com"), "mutual");

    user_lists("alice@xmpp.example.com", {"sip:other@sip.example.com"});
    r = verify({"sip:alice@sip.example.com"});
    EXPECT_EQ(r.out,
              "sip:alice@sip.example.com: not mutual (alice@xmpp.example.com's vCard does not "
              "list it), mutual -> unverified\n");
    EXPECT_EQ(state("sip:alice@sip.example.com"), "unverified");
}

TEST_F(VerifyMutual, AllChecksEveryBindingAndLeavesOtherStates) {
    user_lists("bob@xmpp.example.com", {"sip:bob@sip.example.com"});
    const auto r = verify({"--all"});
    ASSERT_EQ(r.code, kOk) << r.err;
    EXPECT_EQ(r.out,
              "sip:alice@sip.example.com: not mutual (no vCard stored for "
              "alice@xmpp.example.com), admin\n"
              "sip:bob@sip.example.com: mutual, unverified -> mutual\n"
              "2 bindings checked: 1 mutual, 0 no longer mutual\n");
    EXPECT_EQ(state("sip:alice@sip.example.com"), "admin");
    EXPECT_EQ(state("sip:bob@sip.example.com"), "mutual");
}

TEST_F(VerifyMutual, JsonGivesOneObjectPerBinding) {
    user_lists("alice@xmpp.example.com", {"sip:alice@sip.example.com"});
    const auto r = ctl_.run({"--json", "--vcard-store", vcards_path_, "verify", "--mutual",
                             "sip:alice@sip.example.com"});
    ASSERT_EQ(r.code, kOk) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc.at("mutual"), true);
    EXPECT_EQ(doc.at("verification"), "mutual");
    EXPECT_EQ(doc.at("was"), "admin");
}

TEST_F(VerifyMutual, UsageAndMissingStores) {
    user_lists("alice@xmpp.example.com", {});
    EXPECT_EQ(verify({}).code, kUsage);
    EXPECT_EQ(verify({"--all", "sip:alice@sip.example.com"}).code, kUsage);
    EXPECT_EQ(verify({"sip:alice@sip.example.com", "--source", "directory"}).code, kUsage);
    EXPECT_EQ(ctl_.run({"verify", "--all"}).code, kUsage);
    EXPECT_EQ(ctl_.run({"verify", "sip:alice@sip.example.com", "--source", "mutual"}).code, kUsage);
    EXPECT_EQ(verify({"sip:nobody@sip.example.com"}).code, kNotFound);
    const auto no_setting = ctl_.run({"verify", "--mutual", "--all"});
    EXPECT_EQ(no_setting.code, kUsage);
    EXPECT_NE(no_setting.err.find("vcard_store"), std::string::npos) << no_setting.err;
    const auto missing = ctl_.run(
        {"--vcard-store", (ctl_.dir() / "none.sqlite").string(), "verify", "--mutual", "--all"});
    EXPECT_EQ(missing.code, kStoreError);
    EXPECT_FALSE(std::filesystem::exists(ctl_.dir() / "none.sqlite"));
}

}  // namespace
}  // namespace cusax::ctl
