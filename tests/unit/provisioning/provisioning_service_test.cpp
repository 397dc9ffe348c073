// The service over a request, with the password check replaced by one that knows alice's and
// bob's passwords and counts the checks that reach "the server". failure_delay is 0 here: the
// answers are compared, not their timing (the integration tests measure that).
#include "provisioning/provisioning_service.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "provisioning/base64.hpp"
#include "shared/counters/counters.hpp"
#include "test_directory.hpp"

using namespace cusax::provisioning;

namespace {

const std::string placeholder = "cusax-no-such-account@xmpp.example.com";

struct Fixture {
    Fixture() {
        settings.attempts.failure_delay = std::chrono::milliseconds(0);
        settings.attempts.max_failures_per_user = 5;
        settings.attempts.max_failures_per_address = 20;
    }

    PasswordCheck check() {
        return [this](const std::string& jid, std::string password, auto done) {
            ++checks;
            checked.push_back(jid);
            const bool right = (jid == "alice@xmpp.example.com" && password == "alice-pw") ||
                               (jid == "bob@xmpp.example.com" && password == "bob-pw") ||
                               (jid == placeholder && password == placeholder_password);
            const auto outcome = server_down ? LoginOutcome::unavailable
                                 : right     ? LoginOutcome::accepted
                                             : LoginOutcome::rejected;
            boost::asio::post(io, [done, outcome] { done(outcome, "test"); });
        };
    }

    HttpAnswer ask(std::string target, std::string credentials = "", std::string accept = "",
                   std::string source = "192.0.2.1", std::string method = "GET") {
        if (!service) {
            service = std::make_unique<ProvisioningService>(io, settings, counters, check(),
                                                            test_data::example_directory());
        }
        const std::string authorization =
            credentials.empty() ? "" : "Basic " + base64_encode(credentials);
        std::optional<HttpAnswer> answer;
        service->handle({method, target, authorization, accept}, source,
                        [&](HttpAnswer a) { answer = std::move(a); });
        io.restart();
        io.run();
        EXPECT_TRUE(answer) << target;
        return answer.value_or(HttpAnswer{});
    }

    boost::asio::io_context io;
    ProvisioningSettings settings;
    cusax::counters::Registry registry;
    ProvisioningCounters counters{registry};
    std::unique_ptr<ProvisioningService> service;
    int checks = 0;
    std::vector<std::string> checked;  // the JIDs "the server" was asked about, in order
    bool server_down = false;
    // An account the server holds, should someone have registered the placeholder.
    std::string placeholder_password = "\x01 none";
};

std::string header(const HttpAnswer& a, std::string_view name) {
    for (const auto& [n, v] : a.headers)
        if (n == name) return v;
    return "";
}

TEST(ProvisioningService, TheRightPasswordGetsTheProfileOfItsOwnBindingOnly) {
    Fixture f;
    auto a = f.ask("/profile.json", "alice:alice-pw");
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.content_type, "application/json");
    const auto doc = nlohmann::json::parse(a.body);
    EXPECT_EQ(doc["sip"]["aor"], "sip:alice@sip.example.com");
    EXPECT_EQ(doc["xmpp"]["jid"], "alice@xmpp.example.com");
    EXPECT_EQ(a.body.find("bob"), std::string::npos);
    EXPECT_EQ(a.body.find("alice-pw"), std::string::npos);
    // Any spelling of the user id; the Linphone document by path or by Accept.
    a = f.ask("/linphone.xml", "alice@sip.example.com:alice-pw");
    ASSERT_EQ(a.status, 200u);
    EXPECT_EQ(a.content_type, "application/xml; charset=utf-8");
    EXPECT_NE(a.body.find("sip:alice@sip.example.com"), std::string::npos);
    EXPECT_EQ(f.ask("/profile", "bob@xmpp.example.com:bob-pw", "application/xml").content_type,
              "application/xml; charset=utf-8");
    EXPECT_EQ(f.checks, 3);
    EXPECT_EQ(f.counters.logins_accepted.value(), 3u);
}

TEST(ProvisioningService, AnUnknownUserAndAWrongPasswordGetTheSameAnswer) {
    Fixture f;
    const auto wrong = f.ask("/profile.json", "alice:guess");
    const auto unknown = f.ask("/profile.json", "mallory:guess");
    const auto unverified_wrong = f.ask("/profile.json", "carol:guess");
    EXPECT_EQ(wrong.status, 401u);
    for (const auto* other : {&unknown, &unverified_wrong}) {
        EXPECT_EQ(wrong.status, other->status);
        EXPECT_EQ(wrong.body, other->body);
        EXPECT_EQ(wrong.headers, other->headers);
        EXPECT_EQ(wrong.content_type, other->content_type);
    }
    EXPECT_EQ(header(wrong, "WWW-Authenticate"), "Basic realm=\"cusax\", charset=\"UTF-8\"");
    // The unknown user was checked as the placeholder account, carol as herself.
    EXPECT_EQ(f.checked, (std::vector<std::string>{"alice@xmpp.example.com", placeholder,
                                                   "carol@xmpp.example.com"}));
    EXPECT_EQ(f.counters.logins_unknown_user.value(), 1u);
    EXPECT_EQ(f.counters.logins_wrong_password.value(), 2u);
}

TEST(ProvisioningService, NoCredentialsGetTheChallenge) {
    Fixture f;
    for (const char* authorization : {"", "x"}) {
        const auto a = f.ask("/profile.json", authorization);
        EXPECT_EQ(a.status, 401u);
        EXPECT_FALSE(header(a, "WWW-Authenticate").empty());
    }
    EXPECT_EQ(f.checks, 0);
}

TEST(ProvisioningService, AThousandGuessesReachTheServerNoMoreThanTheLimit) {
    Fixture f;
    std::map<unsigned, int> statuses;
    for (int i = 0; i < 1000; ++i) {
        ++statuses[f.ask("/profile.json", "alice:guess-" + std::to_string(i)).status];
    }
    EXPECT_EQ(f.checks, 5);
    EXPECT_EQ(statuses[401], 5);
    EXPECT_EQ(statuses[429], 995);
    const auto locked = f.ask("/profile.json", "alice:alice-pw");
    EXPECT_EQ(locked.status, 429u);  // even the right password, while locked
    EXPECT_EQ(header(locked, "Retry-After"), "60");
    EXPECT_EQ(f.checks, 5);
    // Spread over user ids, the address limit stops them.
    Fixture g;
    for (int i = 0; i < 100; ++i) g.ask("/profile.json", "user" + std::to_string(i) + "@x.org:pw");
    EXPECT_EQ(g.counters.logins_unknown_user.value(), 20u);
    EXPECT_EQ(g.counters.logins_address_locked.value(), 80u);
    EXPECT_EQ(g.checks, 20);  // unknown ids reach the server as the placeholder, as often
}

TEST(ProvisioningService, AnUnreachableServerIsA503ForKnownAndUnknownAlike) {
    Fixture f;
    f.server_down = true;
    const auto known = f.ask("/profile.json", "alice:alice-pw");
    EXPECT_EQ(known.status, 503u);
    f.server_down = false;
    const auto unknown = f.ask("/profile.json", "mallory:pw");
    EXPECT_EQ(unknown.status, 503u);
    EXPECT_EQ(unknown.body, known.body);
    EXPECT_EQ(header(unknown, "Retry-After"), "5");
    EXPECT_EQ(f.checks, 1);
}

TEST(ProvisioningService, AnUnknownIdIsTheFirstToMeetAnOutageAsAKnownOneWould) {
    // Nothing held yet: the unknown id's own check finds the server down.
    Fixture unknown_first;
    unknown_first.server_down = true;
    const auto unknown = unknown_first.ask("/profile.json", "mallory:pw");
    Fixture known_first;
    known_first.server_down = true;
    const auto known = known_first.ask("/profile.json", "alice:pw");
    EXPECT_EQ(unknown.status, 503u);
    EXPECT_EQ(unknown.body, known.body);
    EXPECT_EQ(unknown.headers, known.headers);
    EXPECT_EQ(unknown_first.checked, std::vector<std::string>{placeholder});
    EXPECT_EQ(unknown_first.counters.logins_unavailable.value(), 1u);
}

TEST(ProvisioningService, ThePlaceholderAccountNeverLogsAnyoneIn) {
    Fixture f;
    f.placeholder_password = "pw";
    const auto a = f.ask("/profile.json", "mallory:pw");
    EXPECT_EQ(a.status, 401u);
    EXPECT_EQ(a.body, f.ask("/profile.json", "alice:guess").body);
    EXPECT_EQ(f.counters.logins_unknown_user.value(), 1u);
    EXPECT_EQ(f.counters.logins_accepted.value(), 0u);
}

TEST(ProvisioningService, WithNoBindingsAnIdIsRefusedWithoutAsking) {
    Fixture f;
    f.service = std::make_unique<ProvisioningService>(
        f.io, f.settings, f.counters, f.check(),
        std::make_shared<const AccountDirectory>(cusax::store::Snapshot::build({}, 1)));
    EXPECT_EQ(f.ask("/profile.json", "mallory:pw").status, 401u);
    EXPECT_EQ(f.checks, 0);
}

TEST(ProvisioningService, WebFingerNeedsNoPasswordAndCanBeSwitchedOff) {
    Fixture f;
    auto a = f.ask("/.well-known/webfinger?resource=acct:alice@xmpp.example.com");
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(f.ask("/.well-known/webfinger?resource=acct:carol@xmpp.example.com").status, 404u);
    Fixture off;
    off.settings.formats = {"json", "linphone"};
    EXPECT_EQ(off.ask("/.well-known/webfinger?resource=acct:alice@xmpp.example.com").status, 404u);
    EXPECT_EQ(f.checks + off.checks, 0);
}

TEST(ProvisioningService, OtherMethodsAndPaths) {
    Fixture f;
    const auto post = f.ask("/profile.json", "alice:alice-pw", "", "192.0.2.1", "POST");
    EXPECT_EQ(post.status, 405u);
    EXPECT_EQ(header(post, "Allow"), "GET, HEAD");
    EXPECT_EQ(f.ask("/etc/passwd", "alice:alice-pw").status, 404u);
    EXPECT_EQ(f.ask("/profile.json", "alice:alice-pw", "", "192.0.2.1", "HEAD").status, 200u);
    EXPECT_EQ(f.checks, 1);
}

}  // namespace
