// The component's stream never waits for a database: a delegated vCard set whose store is busy
// (its SQLite file locked by another process, as cusaxctl may hold it; PostgreSQL stopped or
// unreachable does the same: test_xmpp_vcard_store_unreachable.py) is handed to the store
// worker, and meanwhile the stanzas of other users are answered at once. The reply follows
// once the store has answered; when too many requests wait already, the answer is at once
// resource-constraint; a reply for a connection that is gone is sent on the next one (the
// server still waits for it); a stream about to close is told it may once every set handed
// over is answered.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "log_capture.hpp"
#include "shared/store/user_vcard_store.hpp"
#include "stream_thread.hpp"
#include "temp_sqlite_file.hpp"
#include "test_bindings.hpp"
#include "wire_stanza.hpp"
#include "xmpp-component/delegation_feature.hpp"
#include "xmpp-component/handler_list.hpp"
#include "xmpp-component/stanza_router.hpp"

namespace cusax::xmpp {
namespace {

std::string carol_sets(std::string_view id, std::string_view nickname) {
    return "<iq type='set' id='d-" + std::string(id) +
           "' from='xmpp.example.com' to='sip.example.com'><delegation "
           "xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
           "xmlns='jabber:client' type='set' id='" +
           std::string(id) +
           "' from='carol@xmpp.example.com/home'><vCard xmlns='vcard-temp'><NICKNAME>" +
           std::string(nickname) + "</NICKNAME></vCard></iq></forwarded></delegation></iq>";
}

constexpr std::string_view kBobAsksTheSipAccount =
    "<iq type='get' id='v1' from='bob@xmpp.example.com/r' to='alice@sip.example.com'>"
    "<vCard xmlns='vcard-temp'/></iq>";

// Another process's write transaction on the vCard file: the component's writes wait for it
// (busy_timeout) until it ends.
class FileLock {
  public:
    explicit FileLock(const std::string& path) {
        sqlite3_open(path.c_str(), &db_);
        if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
            throw std::runtime_error("cannot lock " + path);
        }
    }
    ~FileLock() { release(); }
    void release() {
        if (!db_) return;
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db_);
        db_ = nullptr;
    }

  private:
    sqlite3* db_ = nullptr;
};

class DelegationOffTheStream : public ::testing::Test {
  protected:
    DelegationOffTheStream() { store::UserVcardStore create(path_.string()); }
    ~DelegationOffTheStream() override {
        router_.reset();
        features_.reset();  // its worker first: the file goes after
    }

    // The component as main.cpp builds it: the delegation's stores used by a StoreWorker.
    void start(StoreWorkerSettings worker = {},
               std::chrono::milliseconds start_wait_when_closing = std::chrono::seconds(2)) {
        features_ = std::make_unique<Features>(
            DelegationStores{std::make_shared<VcardStore>(path_.string()), nullptr,
                             std::make_unique<StoreWorker>(stream_.poster(), worker), &registry_,
                             start_wait_when_closing});
        DirectorySettings s;
        s.domain = "sip.example.com";
        s.local_domains = {"xmpp.example.com"};
        s.trusted_servers = {"xmpp.example.com"};
        router_ = std::make_unique<StanzaRouter>([this] { return snapshot_; }, s, SearchLimits{},
                                                 registry_, features_->list);
        connect();
    }
    void connect() {
        router_->on_stream_ready([this](XmlElement e) { sent_.push_back(e.serialize()); });
    }
    std::string answer(std::string_view wire) {
        std::string out;
        for (const auto& r : router_->handle(testing::parse_stanza(wire))) out += r.serialize();
        return out;
    }
    bool sent_containing(std::string_view text) const {
        for (const auto& s : sent_) {
            if (s.find(text) != std::string::npos) return true;
        }
        return false;
    }

    struct Features {
        explicit Features(DelegationStores stores) : delegation(std::move(stores)) {}
        DirectoryFeatures directory;
        DelegationFeature delegation;
        std::vector<FeatureHandler*> list = handler_list(nullptr, &delegation, directory);
    };

    testing::TempSqliteFile file_{"cusax-off-stream"};
    const std::filesystem::path& path_ = file_.path();
    std::shared_ptr<const store::Snapshot> snapshot_ =
        store::Snapshot::build({testing::alice()}, 1);
    counters::Registry registry_;
    testing::StreamThread stream_;
    std::unique_ptr<Features> features_;
    std::unique_ptr<StanzaRouter> router_;
    std::vector<std::string> sent_;
};

TEST_F(DelegationOffTheStream, OtherUsersAreAnsweredAtOnceWhileASetWaitsForTheStore) {
    start();
    FileLock lock(path_.string());
    // Handed over: no reply yet, and the stream's thread is free again.
    EXPECT_EQ(answer(carol_sets("s1", "Caro")), "");
    const std::string bob = answer(kBobAsksTheSipAccount);
    EXPECT_NE(bob.find("type='result'"), std::string::npos) << bob;
    EXPECT_NE(bob.find("sip:alice@sip.example.com"), std::string::npos) << bob;
    EXPECT_TRUE(sent_.empty());
    lock.release();
    ASSERT_TRUE(stream_.run_until([&] { return !sent_.empty(); }));
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_NE(sent_[0].find("<iq type='result' from='sip.example.com' to='xmpp.example.com' "
                            "id='d-s1'>"),
              std::string::npos)
        << sent_[0];
    EXPECT_NE(sent_[0].find("type='result' to='carol@xmpp.example.com/home' id='s1'"),
              std::string::npos)
        << sent_[0];
    store::UserVcardStore rows(path_.string());
    EXPECT_NE(rows.get("carol@xmpp.example.com")->xml.find("Caro"), std::string::npos);
}

TEST_F(DelegationOffTheStream, TooManyWaitingIsAnsweredAtOnceWithResourceConstraint) {
    start({.max_queued = 1});
    FileLock lock(path_.string());
    // Room for two while the store waits (one under way, one queued): of four sets, at least
    // two are answered at once, and those with resource-constraint.
    std::vector<std::string> handed_over;
    int refused = 0;
    for (const auto* id : {"s1", "s2", "s3", "s4"}) {
        const std::string now = answer(carol_sets(id, id));
        if (now.empty()) {
            handed_over.push_back(std::string("id='") + id + "'");
            continue;
        }
        ++refused;
        EXPECT_NE(now.find(std::string("<iq xmlns='jabber:client' type='error' "
                                       "to='carol@xmpp.example.com/home' id='") +
                           id + "'><error type='wait'><resource-constraint"),
                  std::string::npos)
            << now;
    }
    EXPECT_GE(refused, 2);
    EXPECT_EQ(registry_.get("xmpp.errors.resource-constraint").value(),
              static_cast<std::uint64_t>(refused));
    lock.release();
    ASSERT_TRUE(stream_.run_until([&] { return sent_.size() == handed_over.size(); }));
    for (const auto& id : handed_over) EXPECT_TRUE(sent_containing(id)) << id;
}

// The server keeps a forwarded iq by the component's JID and its id, whatever connection it
// went out on (Prosody's mod_delegation): a reply made after a reconnect goes out on the new
// connection, and one made while no stream is up waits for the next.
TEST_F(DelegationOffTheStream, AReplyForAConnectionGoneSinceIsSentOnTheNextOne) {
    start();
    FileLock lock(path_.string());
    EXPECT_EQ(answer(carol_sets("s1", "Caro")), "");
    router_->on_stream_lost();
    connect();
    lock.release();
    EXPECT_EQ(answer(carol_sets("s2", "Caroline")), "");
    ASSERT_TRUE(stream_.run_until([&] { return sent_.size() == 2; }));
    EXPECT_NE(sent_[0].find("type='result' to='carol@xmpp.example.com/home' id='s1'"),
              std::string::npos)
        << sent_[0];
    EXPECT_NE(sent_[1].find("id='s2'"), std::string::npos) << sent_[1];
}

TEST_F(DelegationOffTheStream, ClosingWaitsUntilTheSetsHandedOverAreAnsweredAndRefusesNewOnes) {
    start();
    FileLock lock(path_.string());
    EXPECT_EQ(answer(carol_sets("s1", "Caro")), "");      // under way, waiting for the file
    EXPECT_EQ(answer(carol_sets("s2", "Caroline")), "");  // queued behind it
    bool done = false;
    router_->on_stream_closing([&] {
        done = true;
        // Said once every answer has gone out, before the stream writes its close.
        EXPECT_TRUE(sent_containing("id='s1'"));
        EXPECT_TRUE(sent_containing("id='s2'"));
    });
    EXPECT_FALSE(done);
    // No new work for the store now: answered at once, an error the client may retry.
    const std::string late = answer(carol_sets("s3", "Carolyn"));
    EXPECT_NE(late.find("<iq xmlns='jabber:client' type='error' to='carol@xmpp.example.com/home' "
                        "id='s3'><error type='wait'><service-unavailable"),
              std::string::npos)
        << late;
    lock.release();
    ASSERT_TRUE(stream_.run_until([&] { return done; }));
    store::UserVcardStore rows(path_.string());
    EXPECT_NE(rows.get("carol@xmpp.example.com")->xml.find("Caroline"), std::string::npos);
}

// The store stays locked past the time a closing stream lets sets wait to start: the set
// under way is answered with what became of it once its store call returns, and the sets that
// had not started are answered service-unavailable (wait) without the store, so the stream is
// told it may close with none unanswered and none stored unanswered.
TEST_F(DelegationOffTheStream, ClosingRefusesTheSetsNotStartedInTimeAndAnswersTheOneUnderWay) {
    start({}, std::chrono::milliseconds(0));
    FileLock lock(path_.string());
    EXPECT_EQ(answer(carol_sets("s1", "Caro")), "");      // under way, waiting for the file
    EXPECT_EQ(answer(carol_sets("s2", "Caroline")), "");  // queued behind it
    bool done = false;
    router_->on_stream_closing([&] { done = true; });
    // s2 cannot start before s1's store call returns, which the lock holds up: it starts past
    // the closing stream's wait (none here), so it is refused, never stored.
    lock.release();
    ASSERT_TRUE(stream_.run_until([&] { return done; }));
    ASSERT_EQ(sent_.size(), 2u);
    const std::string s2 = sent_containing("id='s2'") ? sent_[1] : "";
    EXPECT_NE(s2.find("type='error' to='carol@xmpp.example.com/home' id='s2'><error "
                      "type='wait'><service-unavailable"),
              std::string::npos)
        << s2;
    store::UserVcardStore rows(path_.string());
    const auto stored = rows.get("carol@xmpp.example.com");
    EXPECT_FALSE(stored && stored->xml.find("Caroline") != std::string::npos);
    // s1 had started (the worker takes a job at once) unless the machine was slow: either way
    // its answer says what the store holds.
    const bool s1_stored = stored && stored->xml.find("Caro") != std::string::npos;
    EXPECT_EQ(sent_[0].find("type='result' to='carol@xmpp.example.com/home' id='s1'") !=
                  std::string::npos,
              s1_stored)
        << sent_[0];
}

TEST_F(DelegationOffTheStream, ClosingWithNothingHandedOverIsDoneAtOnce) {
    start();
    bool done = false;
    router_->on_stream_closing([&] { done = true; });
    EXPECT_TRUE(done);
}

// A set taken on a connection gone since is still owed (the server waits for it): a stream
// closing now waits for its answer too, and sends it.
TEST_F(DelegationOffTheStream, ClosingWaitsForSetsOfAConnectionGoneSinceToo) {
    start();
    FileLock lock(path_.string());
    EXPECT_EQ(answer(carol_sets("s1", "Caro")), "");
    router_->on_stream_lost();
    connect();
    bool done = false;
    router_->on_stream_closing([&] { done = true; });
    EXPECT_FALSE(done);
    lock.release();
    ASSERT_TRUE(stream_.run_until([&] { return done; }));
    EXPECT_TRUE(sent_containing("id='s1'"));
}

// The stream ends with answers still owed (a drain cut short by xmpp.drain_timeout, a lost
// connection): the operator's log names the requests not answered yet (the xmpp.delegated line
// of each, written when its answer is made, cannot say whether it was sent), and those made
// while no stream is up are sent on the next one, and logged so.
TEST_F(DelegationOffTheStream, AStreamEndingWithAnswersOwedLogsTheirStanzaIds) {
    testing::LogCapture log_capture;
    start();
    FileLock lock(path_.string());
    EXPECT_EQ(answer(carol_sets("s1", "Caro")), "");
    EXPECT_EQ(answer(carol_sets("s2", "Caroline")), "");
    router_->on_stream_lost();
    const auto owed = log_capture.lines("xmpp.delegated_unanswered");
    ASSERT_EQ(owed.size(), 1u);
    EXPECT_NE(owed[0].find("count=2"), std::string::npos) << owed[0];
    EXPECT_NE(owed[0].find("stanza_ids=s1,s2"), std::string::npos) << owed[0];
    lock.release();
    // s1 is answered while no stream is up (its reply is posted before s2 starts, which logs
    // its own answer first): held, not sent.
    ASSERT_TRUE(stream_.run_until([&] {
        for (const auto& line : log_capture.lines("xmpp.delegated")) {
            if (line.find("stanza_id=s2") != std::string::npos) return true;
        }
        return false;
    }));
    stream_.run_posted();
    EXPECT_TRUE(sent_.empty());
    connect();
    ASSERT_TRUE(stream_.run_until([&] { return sent_.size() == 2; }));
    EXPECT_NE(sent_[0].find("id='s1'"), std::string::npos) << sent_[0];
    EXPECT_NE(sent_[1].find("id='s2'"), std::string::npos) << sent_[1];
    const auto late = log_capture.lines("xmpp.delegated_sent_late");
    ASSERT_EQ(late.size(), 1u);
    EXPECT_NE(late[0].find("stanza_ids=s1"), std::string::npos) << late[0];
    // A connection with nothing owed says nothing of the kind.
    router_->on_stream_lost();
    EXPECT_EQ(log_capture.lines("xmpp.delegated_unanswered").size(), 1u);
}

// The ids are the users' own, each up to a stanza's size, and up to a queue of them may be
// owed: the line lists a few, each cut short, and says how many more.
TEST_F(DelegationOffTheStream, TheIdsOfAnswersOwedAreListedWithinALine) {
    testing::LogCapture log_capture;
    start();
    FileLock lock(path_.string());
    const std::string long_id(2000, 'x');
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(answer(carol_sets(long_id + std::to_string(i), "Caro")), "");
    }
    router_->on_stream_lost();
    const auto owed = log_capture.lines("xmpp.delegated_unanswered");
    ASSERT_EQ(owed.size(), 1u);
    EXPECT_LT(owed[0].size(), 2000u);
    EXPECT_NE(owed[0].find("count=40"), std::string::npos) << owed[0];
    EXPECT_NE(owed[0].find(",+24 more"), std::string::npos) << owed[0];
    EXPECT_NE(owed[0].find(std::string(64, 'x') + "..."), std::string::npos) << owed[0];
    lock.release();
    // All 40 answered while no stream is up (held), then sent on the next one.
    ASSERT_TRUE(
        stream_.run_until([&] { return log_capture.lines("xmpp.delegated").size() == 40; }));
    stream_.run_posted();
    EXPECT_TRUE(sent_.empty());
    connect();
    ASSERT_EQ(sent_.size(), 40u);
    const auto late = log_capture.lines("xmpp.delegated_sent_late");
    ASSERT_EQ(late.size(), 1u);
    EXPECT_LT(late[0].size(), 2000u);
    EXPECT_NE(late[0].find("count=40"), std::string::npos) << late[0];
}

}  // namespace
}  // namespace cusax::xmpp
