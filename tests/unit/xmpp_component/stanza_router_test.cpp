// The adapter around the policy: each request counted by kind and each error by condition
// (registered at start, so a stats report lists them at zero), and a new snapshot's account
// index built by refresh() on another thread while stanzas are being answered, from the
// previous index by what changed.
#include "xmpp-component/stanza_router.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "log_capture.hpp"
#include "test_router.hpp"
#include "wire_stanza.hpp"

namespace cusax::xmpp {
namespace {

constexpr auto stanza = testing::parse_stanza;

store::Binding binding(std::string user) {
    store::Binding b;
    b.aor = "sip:" + user + "@sip.example.com";
    b.jid = user + "@xmpp.example.com";
    b.display_name = user;
    return b;
}

std::map<std::string, std::uint64_t> values(const counters::Registry& r) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& [name, value] : r.values()) out[name] = value;
    return out;
}

class Service : public ::testing::Test {
  protected:
    Service() { current_ = store::Snapshot::build({binding("alice")}, 1); }

    std::shared_ptr<const store::Snapshot> source() {
        std::lock_guard lock(mutex_);
        return current_;
    }
    void publish(std::vector<store::Binding> bindings, std::uint64_t generation) {
        std::lock_guard lock(mutex_);
        current_ = store::Snapshot::build(std::move(bindings), generation);
    }
    DirectorySettings settings() const {
        DirectorySettings s;
        s.domain = "SIP.example.com";  // lower-cased by the service
        s.local_domains = {"XMPP.example.com"};
        return s;
    }
    std::string answer(testing::Router& service, std::string_view wire) {
        std::string out;
        for (const auto& r : service.handle(stanza(wire))) out += r.serialize();
        return out;
    }

    std::mutex mutex_;
    std::shared_ptr<const store::Snapshot> current_;
    counters::Registry registry_;
};

constexpr std::string_view kVcardToAlice =
    "<iq type='get' id='v1' from='juliet@xmpp.example.com/r' to='alice@sip.example.com'>"
    "<vCard xmlns='vcard-temp'/></iq>";

TEST_F(Service, CountersAreRegisteredAtStartAtZero) {
    testing::Router service([this] { return source(); }, settings(), {}, registry_);
    const auto v = values(registry_);
    for (auto kind :
         {"vcard", "vcard4", "reach", "disco", "search", "ping", "unknown_account", "other"}) {
        EXPECT_EQ(v.count(std::string("xmpp.queries.") + kind), 1u) << kind;
    }
    for (auto condition : counted_error_conditions) {
        EXPECT_EQ(v.count("xmpp.errors." + std::string(condition)), 1u) << condition;
    }
    EXPECT_EQ(v.at("xmpp.errors.other"), 0u);
    EXPECT_EQ(v.at("xmpp.stanzas_refused"), 0u);
    EXPECT_EQ(v.count("xmpp.queries.none"), 0u);
}

TEST_F(Service, EachRequestCountedByKindAndEachErrorByCondition) {
    testing::Router service([this] { return source(); }, settings(), {1.0, 1.0}, registry_);
    answer(service, kVcardToAlice);
    answer(service, kVcardToAlice);
    answer(service,
           "<iq type='get' id='p' from='juliet@xmpp.example.com/r' to='alice@sip.example.com'>"
           "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:reach:0'/>"
           "</pubsub></iq>");
    answer(service,
           "<presence type='probe' from='juliet@xmpp.example.com' "
           "to='alice@sip.example.com'/>");
    answer(service,
           "<iq type='get' id='d' from='juliet@xmpp.example.com/r' "
           "to='sip.example.com'><query xmlns='http://jabber.org/protocol/disco#info'/>"
           "</iq>");
    answer(service,
           "<iq type='get' id='n' from='juliet@xmpp.example.com/r' "
           "to='nobody@sip.example.com'><vCard xmlns='vcard-temp'/></iq>");
    answer(service,
           "<iq type='set' id='s' from='juliet@xmpp.example.com/r' "
           "to='alice@sip.example.com'><vCard xmlns='vcard-temp'/></iq>");
    const std::string search =
        "<iq type='set' id='q' from='juliet@xmpp.example.com/r' to='sip.example.com'>"
        "<query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' type='submit'>"
        "<field var='number'><value>1234</value></field></x></query></iq>";
    answer(service, search);
    EXPECT_NE(answer(service, search).find("resource-constraint"), std::string::npos);
    answer(service,
           "<iq type='set' id='q' from='eve@other.example.com/r' to='sip.example.com'>"
           "<query xmlns='jabber:iq:search'/></iq>");
    // Responses and plain presence are not requests: not counted.
    answer(service,
           "<iq type='result' id='r' from='juliet@xmpp.example.com/r' "
           "to='alice@sip.example.com'/>");
    answer(service, "<presence from='juliet@xmpp.example.com/r' to='alice@sip.example.com'/>");

    const auto v = values(registry_);
    EXPECT_EQ(v.at("xmpp.queries.vcard"), 3u);  // two gets and the refused set
    EXPECT_EQ(v.at("xmpp.queries.reach"), 2u);  // PEP items and the probe
    EXPECT_EQ(v.at("xmpp.queries.disco"), 1u);
    EXPECT_EQ(v.at("xmpp.queries.unknown_account"), 1u);
    EXPECT_EQ(v.at("xmpp.queries.search"), 3u);
    EXPECT_EQ(v.at("xmpp.queries.other"), 0u);
    EXPECT_EQ(v.at("xmpp.errors.service-unavailable"), 1u);
    EXPECT_EQ(v.at("xmpp.errors.not-allowed"), 1u);
    EXPECT_EQ(v.at("xmpp.errors.resource-constraint"), 1u);
    EXPECT_EQ(v.at("xmpp.errors.forbidden"), 1u);
    EXPECT_EQ(v.at("xmpp.stanzas_refused"), 4u);
}

TEST_F(Service, RefreshBuildsTheNewIndexWhileStanzasAreAnswered) {
    testing::Router service([this] { return source(); }, settings(), {}, registry_);
    EXPECT_NE(answer(service,
                     "<iq type='get' id='b' from='j@xmpp.example.com/r' "
                     "to='bob@sip.example.com'><vCard xmlns='vcard-temp'/></iq>")
                  .find("service-unavailable"),
              std::string::npos);

    // A writer thread publishes new snapshots and refreshes, as the store watcher does, while
    // this thread keeps asking: every answer comes from one whole index, old or new.
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        for (std::uint64_t g = 2; g < 50; ++g) {
            publish({binding("alice"), binding("bob")}, g);
            service.refresh();
        }
        done = true;
    });
    // At least one answer however the threads are scheduled (a loaded machine may finish the
    // writer before this thread first asks).
    do {
        const auto reply = answer(service, kVcardToAlice);
        ASSERT_NE(reply.find("<FN>alice</FN>"), std::string::npos) << reply;
    } while (!done);
    watcher.join();
    EXPECT_NE(answer(service,
                     "<iq type='get' id='b' from='j@xmpp.example.com/r' "
                     "to='bob@sip.example.com'><vCard xmlns='vcard-temp'/></iq>")
                  .find("<FN>bob</FN>"),
              std::string::npos);
}

// As the store watcher publishes a change: the snapshot applied to the last, the index made
// from the last one by the one binding that came (or went), not from every binding.
TEST_F(Service, RefreshTakesInOnlyTheBindingsThatChanged) {
    {
        std::lock_guard lock(mutex_);
        current_ = store::Snapshot::build({binding("alice"), binding("carol"), binding("dave")}, 1);
    }
    testing::Router service([this] { return source(); }, settings(), {}, registry_);
    const std::string vcard_to_bob =
        "<iq type='get' id='b' from='j@xmpp.example.com/r' to='bob@sip.example.com'>"
        "<vCard xmlns='vcard-temp'/></iq>";
    testing::LogCapture log(log::Level::debug);
    const auto apply = [this](store::BindingChange change) {
        std::lock_guard lock(mutex_);
        current_ =
            store::Snapshot::apply(*current_, {std::move(change)}, current_->generation() + 1);
    };

    apply({"sip:bob@sip.example.com", binding("bob")});
    service.refresh();
    EXPECT_NE(answer(service, vcard_to_bob).find("<FN>bob</FN>"), std::string::npos);
    apply({"sip:bob@sip.example.com", std::nullopt});
    service.refresh();
    EXPECT_NE(answer(service, vcard_to_bob).find("service-unavailable"), std::string::npos);

    const auto indexed = log.lines("xmpp.accounts_indexed");
    ASSERT_EQ(indexed.size(), 2u);
    for (const auto& line : indexed) {
        EXPECT_NE(line.find("mode=incremental"), std::string::npos) << line;
        EXPECT_NE(line.find("changed=1 "), std::string::npos) << line;
    }
    EXPECT_NE(indexed[0].find("accounts=4 "), std::string::npos) << indexed[0];
    EXPECT_NE(indexed[1].find("accounts=3 "), std::string::npos) << indexed[1];
}

}  // namespace
}  // namespace cusax::xmpp
