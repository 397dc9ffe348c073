// The adapter that drives pep_vcard4: nothing before the server's grant, a get per bound user
// of the granting domain then a publish only where needed, a bounded number in flight, the
// users of a changed binding again, answers matched by id and sender (anything else is declined,
// for the router to pass on), and a lost connection dropping what was in flight.
#include "xmpp-component/vcard4_sync.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "log_capture.hpp"
#include "wire_stanza.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {
namespace {

constexpr auto stanza = testing::parse_stanza;

store::Binding user(const std::string& name, const std::string& domain = "xmpp.example.com") {
    store::Binding b;
    b.aor = "sip:" + name + "@sip.example.com";
    b.jid = name + "@" + domain;
    // A number of one's own (the store refuses a number bound twice).
    b.numbers = {
        {"+4930" + std::to_string(100000 + std::hash<std::string>{}(name) % 900000), true, false}};
    b.verification = store::Verification::Admin;  // only a verified binding's tels are published
    return b;
}

constexpr std::string_view kGrant =
    "<message from='xmpp.example.com' to='sip.example.com'><privilege "
    "xmlns='urn:xmpp:privilege:2'><perm access='iq'><namespace type='both' "
    "ns='http://jabber.org/protocol/pubsub'/></perm></privilege></message>";

std::string wrapped(const XmlElement& request, std::string_view inner) {
    return "<iq to='sip.example.com' type='result' from='" + std::string(request.attr_or("to")) +
           "' id='" + std::string(request.attr_or("id")) +
           "'><privilege xmlns='urn:xmpp:privilege:2'><forwarded "
           "xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' to='" +
           std::string(request.attr_or("to")) + "' id='" + std::string(request.attr_or("id")) +
           "' " + std::string(inner) + "</iq></forwarded></privilege></iq>";
}
std::string node_missing(const XmlElement& request) {
    return wrapped(request,
                   "type='error'><error type='cancel'><item-not-found "
                   "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
}
std::string found(const XmlElement& request, const XmlElement& vcard) {
    return wrapped(request,
                   "type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
                   "node='urn:xmpp:vcard4'><item id='current'>" +
                       vcard.serialize(ns::pubsub) + "</item></items></pubsub>");
}
std::string published(const XmlElement& request) { return wrapped(request, "type='result'>"); }

bool is_publish(const XmlElement& s) { return s.attr_or("type") == "set"; }

class Sync : public ::testing::Test {
  protected:
    Sync() {
        snapshot_ = store::Snapshot::build(
            {user("alice"), user("bob"), user("carol", "other.example.com")}, 1);
        Vcard4SyncSettings s;
        s.domain = "sip.example.com";
        s.local_domains = {"xmpp.example.com", "other.example.com"};
        s.max_in_flight = 2;
        make(s);
    }
    void make(Vcard4SyncSettings s) {
        sync_ = std::make_shared<Vcard4Sync>(
            [this] { return snapshot_; }, std::move(s),
            [this](std::function<void()> f) { posted_.push_back(std::move(f)); },
            [this](std::chrono::milliseconds, std::function<void()> f) {
                deferred_ = std::move(f);
            },
            registry_);
        sync_->snapshot_published(snapshot_);
    }
    void ready() {
        sync_->on_stream_ready([this](XmlElement e) { sent_.push_back(std::move(e)); });
    }
    void answer(const std::string& wire) { EXPECT_TRUE(sync_->handle(stanza(wire))); }
    void run_posted() {
        auto p = std::move(posted_);
        posted_.clear();
        for (auto& f : p) f();
    }
    std::vector<XmlElement> take() {
        auto out = std::move(sent_);
        sent_.clear();
        return out;
    }
    std::uint64_t counter(const std::string& name) {
        for (const auto& [n, v] : registry_.values())
            if (n == name) return v;
        return 0;
    }

    counters::Registry registry_;
    std::shared_ptr<const store::Snapshot> snapshot_;
    std::shared_ptr<Vcard4Sync> sync_;
    std::vector<std::function<void()>> posted_;
    std::function<void()> deferred_;
    std::vector<XmlElement> sent_;
};

TEST_F(Sync, NothingBeforeTheGrantAndOtherStanzasGoOn) {
    ready();
    EXPECT_TRUE(take().empty());
    EXPECT_FALSE(
        sync_->handle(stanza("<iq type='get' id='d1' from='bob@xmpp.example.com/r' "
                             "to='sip.example.com'><query "
                             "xmlns='http://jabber.org/protocol/disco#info'/></iq>")));
    ASSERT_TRUE(deferred_);  // the missing grant is reported later, once
    deferred_();
}

TEST_F(Sync, GrantFromAnotherSenderIsIgnored) {
    ready();
    std::string forged(kGrant);
    forged.replace(forged.find("xmpp.example.com"), 16, "bob@xmpp.example.com/r");
    EXPECT_TRUE(sync_->handle(stanza(forged)));  // claimed, and ignored
    EXPECT_TRUE(take().empty());
}

TEST_F(Sync, GrantedDomainsUsersAreReadThenPublishedWhereNeeded) {
    ready();
    answer(std::string(kGrant));
    auto gets = take();
    ASSERT_EQ(gets.size(), 2u);  // alice and bob; carol's domain granted nothing
    std::map<std::string, XmlElement> by_user;
    for (auto& g : gets) by_user[std::string(g.attr_or("to"))] = g;
    ASSERT_TRUE(by_user.count("alice@xmpp.example.com") && by_user.count("bob@xmpp.example.com"));

    // alice has no node yet: one publish, creating it open.
    answer(node_missing(by_user["alice@xmpp.example.com"]));
    auto pub = take();
    ASSERT_EQ(pub.size(), 1u);
    EXPECT_TRUE(is_publish(pub[0]));
    EXPECT_NE(pub[0].serialize().find("<value>open</value>"), std::string::npos);
    EXPECT_NE(pub[0].serialize().find("<uri>sip:alice@sip.example.com</uri>"), std::string::npos);
    answer(published(pub[0]));

    // bob already has his tels: nothing is published.
    const store::Binding bob = user("bob");
    const auto bob_vcard = merge_vcard4(nullptr, &bob, nullptr, VcardGuard::refuse).vcard;
    answer(found(by_user["bob@xmpp.example.com"], bob_vcard));
    EXPECT_TRUE(take().empty());
    EXPECT_EQ(counter("xmpp.vcard4_sync.fetched"), 2u);
    EXPECT_EQ(counter("xmpp.vcard4_sync.published"), 1u);
    EXPECT_EQ(counter("xmpp.vcard4_sync.unchanged"), 1u);
}

TEST_F(Sync, AtMostMaxInFlightTheRestQueued) {
    std::vector<store::Binding> many;
    for (int i = 0; i < 10; ++i) many.push_back(user("u" + std::to_string(i)));
    snapshot_ = store::Snapshot::build(many, 2);
    ready();
    answer(std::string(kGrant));
    auto gets = take();
    ASSERT_EQ(gets.size(), 2u);
    std::size_t total = 2;
    while (!gets.empty()) {
        for (const auto& g : gets) {
            const store::Binding b = user(std::string(split_jid(g.attr_or("to")).local));
            answer(found(g, merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse).vcard));
        }
        gets = take();
        EXPECT_LE(gets.size(), 2u);
        total += gets.size();
    }
    EXPECT_EQ(total, 10u);
}

TEST_F(Sync, AnswersMatchByIdAndSender) {
    ready();
    answer(std::string(kGrant));
    auto gets = take();
    ASSERT_FALSE(gets.empty());
    // The same id from a client's full JID is not ours: it goes on.
    XmlElement forged = gets[0];
    forged.set_attr("to", std::string(gets[0].attr_or("to")) + "/evil");
    EXPECT_FALSE(sync_->handle(stanza(node_missing(forged))));
    EXPECT_TRUE(take().empty());
    // An unknown id goes on as well.
    EXPECT_FALSE(
        sync_->handle(stanza("<iq type='result' id='other' from='xmpp.example.com' "
                             "to='sip.example.com'/>")));
}

TEST_F(Sync, ChangedBindingIsSyncedWithItsOldTelsRemoved) {
    ready();
    answer(std::string(kGrant));
    for (const auto& g : take()) {
        const store::Binding b = user(std::string(split_jid(g.attr_or("to")).local));
        answer(found(g, merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse).vcard));
    }
    EXPECT_TRUE(take().empty());

    auto alice = user("alice");
    alice.numbers = {{"+4930999", true, true}};
    snapshot_ = store::Snapshot::build({alice, user("bob"), user("carol", "other.example.com")}, 5);
    sync_->snapshot_published(snapshot_);
    EXPECT_TRUE(take().empty());  // handed over to the stream's thread first
    run_posted();
    auto gets = take();
    ASSERT_EQ(gets.size(), 1u);
    EXPECT_EQ(gets[0].attr_or("to"), "alice@xmpp.example.com");
    const store::Binding before = user("alice");
    answer(found(gets[0], merge_vcard4(nullptr, &before, nullptr, VcardGuard::refuse).vcard));
    auto pub = take();
    ASSERT_EQ(pub.size(), 1u);
    const std::string wire = pub[0].serialize();
    EXPECT_NE(wire.find("tel:+4930999"), std::string::npos);
    EXPECT_EQ(wire.find("tel:" + before.numbers[0].number), std::string::npos);  // the old one
    EXPECT_EQ(wire.find("publish-options"), std::string::npos);                  // the node exists
}

// A store file restored from a backup (mv) is read in full whatever its change counter says
// (docs/binding-snapshot.md): the backup's is usually no higher than the live file's was. A
// user it unverifies must lose the SIP tels of her vCard4 all the same (RFC 7081 §3.5: only
// a verified binding is announced), not wait until the counter has passed the old one.
TEST_F(Sync, ARestoredStoreWithALowerCounterIsSyncedToo) {
    ready();
    answer(std::string(kGrant));
    for (const auto& g : take()) {
        const store::Binding b = user(std::string(split_jid(g.attr_or("to")).local));
        answer(found(g, merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse).vcard));
    }
    snapshot_ = store::Snapshot::build(
        {user("alice"), user("bob"), user("carol", "other.example.com")}, 9);  // the live file
    sync_->snapshot_published(snapshot_);
    run_posted();
    EXPECT_TRUE(take().empty());

    auto alice = user("alice");
    alice.verification = store::Verification::Unverified;
    snapshot_ = store::Snapshot::build({alice, user("bob"), user("carol", "other.example.com")},
                                       4);  // the backup, restored
    sync_->snapshot_published(snapshot_);
    run_posted();
    auto gets = take();
    ASSERT_EQ(gets.size(), 1u);
    EXPECT_EQ(gets[0].attr_or("to"), "alice@xmpp.example.com");
    const store::Binding verified = user("alice");
    answer(found(gets[0], merge_vcard4(nullptr, &verified, nullptr, VcardGuard::refuse).vcard));
    auto pub = take();
    ASSERT_EQ(pub.size(), 1u);
    EXPECT_EQ(pub[0].serialize().find("tel:" + verified.numbers[0].number), std::string::npos);
}

// As the store watcher publishes changes (Snapshot::apply): the users whose tels changed, came
// or went, each with their old binding; a change of name only, a user of another domain and
// every binding left as it was are not among them. The same as between snapshots loaded in
// full.
TEST(ChangedUsers, AfterAnApplyTheUsersWhoseTelsChanged) {
    std::vector<store::Binding> bindings;
    for (int i = 0; i < 500; ++i) bindings.push_back(user("u" + std::to_string(i)));
    bindings.push_back(user("carol", "other.example.com"));
    const auto before = store::Snapshot::build(bindings, 1);
    auto renamed = user("u1");
    renamed.display_name = "U One";
    auto new_tel = user("u2");
    new_tel.numbers = {{"+4930999", true, true}};
    auto carol = user("carol", "other.example.com");
    carol.numbers = {{"+4930998", true, false}};
    const auto after = store::Snapshot::apply(*before,
                                              {{renamed.aor, renamed},
                                               {new_tel.aor, new_tel},
                                               {carol.aor, carol},
                                               {user("u3").aor, std::nullopt},
                                               {user("dan").aor, user("dan")}},
                                              2);
    const std::vector<std::string> local = {"xmpp.example.com"};
    const auto summary = [](const std::vector<Vcard4Sync::Change>& changes) {
        std::map<std::string, std::string> out;  // JID: the old binding's first number
        for (const auto& c : changes) {
            out[c.jid] = c.previous ? c.previous->numbers.at(0).number : "(new)";
        }
        return out;
    };
    const auto changes = summary(changed_users(*before, *after, local));
    EXPECT_EQ(changes, (std::map<std::string, std::string>{
                           {"u2@xmpp.example.com", user("u2").numbers[0].number},
                           {"u3@xmpp.example.com", user("u3").numbers[0].number},
                           {"dan@xmpp.example.com", "(new)"}}));
    // Snapshots that share no binding (a full reload) give the same.
    std::vector<store::Binding> reloaded;
    for (const auto& b : after->all()) reloaded.push_back(b.to_binding());
    EXPECT_EQ(summary(changed_users(*before, *store::Snapshot::build(reloaded, 2), local)),
              changes);
}

// A JID that moves to another AOR, and two AORs that swap JIDs, each in one change (the store
// takes them in one import): each user is there once, with the binding they had before, so
// that the tels of their old AOR go.
TEST(ChangedUsers, AJidMovedOrSwappedBetweenAorsIsOneChangeWithTheOldBinding) {
    const auto a = user("a");
    const auto b = user("b");
    const auto c = user("c");
    const auto before = store::Snapshot::build({a, b, c, user("z")}, 1);
    auto d = a;  // a's JID moves to sip:d
    d.aor = "sip:d@sip.example.com";
    d.numbers = {{"+4930777", true, false}};
    auto b2 = b;  // b and c swap JIDs
    b2.jid = c.jid;
    auto c2 = c;
    c2.jid = b.jid;
    const auto after = store::Snapshot::apply(
        *before, {{a.aor, std::nullopt}, {d.aor, d}, {b.aor, b2}, {c.aor, c2}}, 2);
    const auto summary = [](const std::vector<Vcard4Sync::Change>& changes) {
        std::map<std::string, std::string> out;  // JID: the AOR of the old binding
        for (const auto& change : changes) {
            EXPECT_EQ(out.count(change.jid), 0u) << change.jid << " twice";
            out[change.jid] = change.previous ? change.previous->aor : "(new)";
        }
        return out;
    };
    const std::vector<std::string> local = {"xmpp.example.com"};
    const auto changes = summary(changed_users(*before, *after, local));
    EXPECT_EQ(changes,
              (std::map<std::string, std::string>{{a.jid, a.aor}, {b.jid, b.aor}, {c.jid, c.aor}}));
    std::vector<store::Binding> reloaded;
    for (const auto& v : after->all()) reloaded.push_back(v.to_binding());
    EXPECT_EQ(summary(changed_users(*before, *store::Snapshot::build(reloaded, 2), local)),
              changes);
}

TEST_F(Sync, LostConnectionDropsWhatWasInFlightAndTheNextGrantRedoesIt) {
    ready();
    answer(std::string(kGrant));
    auto gets = take();
    ASSERT_EQ(gets.size(), 2u);
    sync_->on_stream_lost();
    EXPECT_FALSE(sync_->handle(stanza(node_missing(gets[0]))));  // too late: not ours any more
    EXPECT_TRUE(take().empty());
    ready();
    EXPECT_TRUE(take().empty());
    answer(std::string(kGrant));
    EXPECT_EQ(take().size(), 2u);
}

// What the component stream hands over for an answer over max_stanza_size.
std::string too_large(const XmlElement& request) {
    return "<iq type='error' id='" + std::string(request.attr_or("id")) + "' from='" +
           std::string(request.attr_or("to")) +
           "' to='sip.example.com'><error type='modify'><policy-violation "
           "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
           "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>stanza larger than "
           "1048576 bytes</text></error></iq>";
}

// The users each request is for, sorted.
std::vector<std::string> users(const std::vector<XmlElement>& requests) {
    std::vector<std::string> out;
    for (const auto& r : requests) out.emplace_back(r.attr_or("to"));
    std::sort(out.begin(), out.end());
    return out;
}

TEST_F(Sync, TooLargeVcard4IsNotReadAgainUntilTheBindingChangesOrAnOperatorAsks) {
    testing::LogCapture log_capture;
    const auto reconnect = [this] {
        sync_->on_stream_lost();
        ready();
        answer(std::string(kGrant));
    };
    const auto answer_all = [this](std::string_view too_large_user) {
        for (const auto& g : take()) {
            const std::string jid(g.attr_or("to"));
            if (jid == too_large_user) {
                answer(too_large(g));
                continue;
            }
            const store::Binding b = user(std::string(split_jid(jid).local));
            answer(found(g, merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse).vcard));
        }
        EXPECT_TRUE(take().empty());  // nothing published, nothing read again
    };
    ready();
    answer(std::string(kGrant));
    answer_all("alice@xmpp.example.com");
    EXPECT_EQ(log_capture.lines("xmpp.vcard4_too_large").size(), 1u);
    EXPECT_EQ(counter("xmpp.vcard4_sync.failed"), 1u);

    // Every handshake starts a full pass: alice's vCard4 is not read again.
    reconnect();
    auto gets = take();
    EXPECT_EQ(users(gets), std::vector<std::string>{"bob@xmpp.example.com"});
    sent_ = gets;
    answer_all("");
    EXPECT_EQ(log_capture.lines("xmpp.vcard4_too_large").size(), 1u);  // logged once

    // Her binding changes: read again (and still too large: remembered with the new binding).
    auto alice = user("alice");
    alice.numbers = {{"+4930999", true, true}};
    snapshot_ = store::Snapshot::build({alice, user("bob"), user("carol", "other.example.com")}, 5);
    sync_->snapshot_published(snapshot_);
    run_posted();
    gets = take();
    EXPECT_EQ(users(gets), std::vector<std::string>{"alice@xmpp.example.com"});
    ASSERT_EQ(gets.size(), 1u);
    answer(too_large(gets[0]));
    EXPECT_EQ(log_capture.lines("xmpp.vcard4_too_large").size(), 2u);
    reconnect();
    gets = take();
    EXPECT_EQ(users(gets), std::vector<std::string>{"bob@xmpp.example.com"});
    sent_ = gets;
    answer_all("");

    // The operator asks (`cusaxctl sync-vcards`): everyone again.
    ASSERT_TRUE(sync_->resync_all());
    EXPECT_EQ(users(take()),
              (std::vector<std::string>{"alice@xmpp.example.com", "bob@xmpp.example.com"}));
}

TEST_F(Sync, DisabledNeverSends) {
    Vcard4SyncSettings s;
    s.enabled = false;
    s.domain = "sip.example.com";
    s.local_domains = {"xmpp.example.com"};
    make(s);
    ready();
    answer(std::string(kGrant));
    EXPECT_TRUE(take().empty());
}

}  // namespace
}  // namespace cusax::xmpp
