// RFC 7081 §3.3 from the component's side: a set records which SIP addresses the user's own
// vCard lists (what `cusaxctl verify --mutual` later reads; the listing itself:
// tests/unit/vcard/), and a set that stops listing a mutual binding's AOR, or only sends back
// what the component showed, drops it to unverified in the binding store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "shared/store/binding_store.hpp"
#include "shared/store/user_vcard_store.hpp"
#include "test_router.hpp"
#include "wire_stanza.hpp"
#include "xmpp-component/vcard_delegation.hpp"

namespace cusax::xmpp {
namespace {

constexpr auto stanza = testing::parse_stanza;

std::string set_by_alice(std::string_view body) {
    return "<iq type='set' id='d1' from='xmpp.example.com' to='sip.example.com'>"
           "<delegation xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'>"
           "<iq xmlns='jabber:client' type='set' id='s1' from='alice@xmpp.example.com/home'>"
           "<vCard xmlns='vcard-temp'>" +
           std::string(body) + "</vCard></iq></forwarded></delegation></iq>";
}

const std::string kSipTel = "<TEL><VOICE/><VIDEO/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>";

class MutualOnTheWire : public ::testing::Test {
  protected:
    MutualOnTheWire() {
        const auto base = std::filesystem::temp_directory_path() /
                          ("cusax-mutual-" + std::to_string(::getpid()) + "-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(base);
        std::filesystem::create_directories(base);
        dir_ = base;
        bindings_ = store::open_store({.backend = "sqlite",
                                       .path = (base / "bindings.sqlite").string(),
                                       .busy_timeout_ms = 5000});
    }
    ~MutualOnTheWire() override { std::filesystem::remove_all(dir_); }

    // alice's binding in the given state, in the store and in the snapshot the service reads.
    std::unique_ptr<testing::Router> service(store::Verification state, VcardGuard guard) {
        auto b = store::make_binding("sip:alice@sip.example.com", "alice@xmpp.example.com", "Alice",
                                     {}, state);
        bindings_->put(b);
        snapshot_ = store::Snapshot::build(bindings_->load_all(), 1);
        DirectorySettings s;
        s.domain = "sip.example.com";
        s.local_domains = {"xmpp.example.com"};
        s.trusted_servers = {"xmpp.example.com"};
        s.vcard_guard = guard;
        auto writer = store::open_store({.backend = "sqlite",
                                         .path = (dir_ / "bindings.sqlite").string(),
                                         .busy_timeout_ms = 5000});
        return std::make_unique<testing::Router>(
            [this] { return snapshot_; }, s, SearchLimits{}, registry_,
            std::make_shared<VcardStore>((dir_ / "vcards.sqlite").string()), std::move(writer));
    }
    store::Verification state() {
        return bindings_->find_by_aor("sip:alice@sip.example.com")->verification;
    }
    std::vector<std::string> listed() {
        store::UserVcardStore rows((dir_ / "vcards.sqlite").string());
        return rows.get("alice@xmpp.example.com").value_or(store::UserVcard{}).listed_sip;
    }
    // alice's vCard as she typed it while nothing was added: it lists her SIP address.
    void typed_listing() {
        store::UserVcardStore rows((dir_ / "vcards.sqlite").string());
        rows.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'>" + kSipTel + "</vCard>",
                                            {"sip:alice@sip.example.com"}});
    }

    std::filesystem::path dir_;
    std::unique_ptr<store::BindingStore> bindings_;
    std::shared_ptr<const store::Snapshot> snapshot_;
    counters::Registry registry_;
};

TEST_F(MutualOnTheWire, CorrectedSetWithoutTheSipTelDropsMutualToUnverified) {
    auto svc = service(store::Verification::Mutual, VcardGuard::correct);
    const auto replies = svc->handle(stanza(set_by_alice("<NICKNAME>ally</NICKNAME>")));
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(replies[0].serialize().find("type='result' to='alice@xmpp.example.com/home'"),
              std::string::npos);
    EXPECT_EQ(state(), store::Verification::Unverified);
    EXPECT_TRUE(listed().empty());  // the correction is not the user's listing
}

TEST_F(MutualOnTheWire, SetKeepingTheListedSipTelKeepsMutualAndTheListing) {
    typed_listing();
    auto svc = service(store::Verification::Mutual, VcardGuard::correct);
    svc->handle(stanza(set_by_alice("<NICKNAME>ally</NICKNAME>" + kSipTel)));
    EXPECT_EQ(state(), store::Verification::Mutual);
    EXPECT_EQ(listed(), std::vector<std::string>{"sip:alice@sip.example.com"});
}

TEST_F(MutualOnTheWire, TheSipTelSentBackWithoutTheUsersListingDropsMutual) {
    // Mutual, but her stored vCard does not list the address (replaced by an import, say): the
    // TEL her client sends back is what every get of a mutual binding shows, not her word.
    auto svc = service(store::Verification::Mutual, VcardGuard::refuse);
    svc->handle(stanza(set_by_alice("<NICKNAME>ally</NICKNAME>" + kSipTel)));
    EXPECT_EQ(state(), store::Verification::Unverified);
    EXPECT_TRUE(listed().empty());
}

TEST_F(MutualOnTheWire, OtherStatesAreNotTheUsersToWithdrawNorToRaise) {
    auto svc = service(store::Verification::Admin, VcardGuard::correct);
    svc->handle(stanza(set_by_alice("<NICKNAME>ally</NICKNAME>")));
    EXPECT_EQ(state(), store::Verification::Admin);
    auto unverified = service(store::Verification::Unverified, VcardGuard::correct);
    unverified->handle(stanza(set_by_alice(kSipTel)));
    EXPECT_EQ(state(), store::Verification::Unverified);  // only verify --mutual promotes
    EXPECT_EQ(listed(), std::vector<std::string>{"sip:alice@sip.example.com"});
}

TEST_F(MutualOnTheWire, TheStoresStateCountsNotAnOlderSnapshots) {
    // verify --mutual ran a moment ago: the snapshot still says admin, the store mutual.
    auto svc = service(store::Verification::Admin, VcardGuard::correct);
    bindings_->set_verification("sip:alice@sip.example.com", store::Verification::Mutual);
    svc->handle(stanza(set_by_alice("<NICKNAME>ally</NICKNAME>")));
    EXPECT_EQ(state(), store::Verification::Unverified);
}

TEST_F(MutualOnTheWire, RefusedSetChangesNothing) {
    typed_listing();
    auto svc = service(store::Verification::Mutual, VcardGuard::refuse);
    svc->handle(stanza(set_by_alice(kSipTel)));
    const auto replies = svc->handle(stanza(set_by_alice("<NICKNAME>evil</NICKNAME>")));
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(replies[0].serialize().find("not-acceptable"), std::string::npos);
    EXPECT_EQ(state(), store::Verification::Mutual);
    EXPECT_EQ(listed(), std::vector<std::string>{"sip:alice@sip.example.com"});
}

}  // namespace
}  // namespace cusax::xmpp
