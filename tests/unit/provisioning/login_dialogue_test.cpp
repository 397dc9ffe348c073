// The password check's conversation, fed what Prosody 0.12 sends (its stream features and SASL
// elements, as wire text through the project's stream parser), with the server's side of SCRAM
// computed here independently (OpenSSL's PBKDF2 and HMAC, RFC 5802 §3).
#include "provisioning/login_dialogue.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "provisioning/base64.hpp"

using namespace cusax::provisioning;
using cusax::xmpp::StreamHeader;
using cusax::xmpp::XmlElement;
using cusax::xmpp::XmlStreamParser;

namespace {

constexpr const char* stream_open =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='xmpp.example.com' "
    "version='1.0' xml:lang='en'>";
constexpr const char* features_starttls =
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>";
constexpr const char* proceed = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
const std::string features_sasl =
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-1</mechanism>"
    "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";

// What the server sends, read as the wire layer reads it.
struct Wire {
    std::optional<StreamHeader> header;
    std::vector<XmlElement> stanzas;
};
Wire read_wire(const std::string& text) {
    Wire w;
    XmlStreamParser parser({}, {[&](const StreamHeader& h) { w.header = h; },
                                [&](XmlElement&& e) { w.stanzas.push_back(std::move(e)); }, [] {}});
    EXPECT_TRUE(parser.feed(text)) << text;
    return w;
}
XmlElement stanza(const std::string& text) {
    auto w = read_wire(std::string(stream_open) + text);
    EXPECT_EQ(w.stanzas.size(), 1u) << text;
    return w.stanzas.empty() ? XmlElement{} : w.stanzas[0];
}

std::string sasl(std::string_view name, std::string_view payload) {
    return "<" + std::string(name) + " xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
           base64_encode(payload) + "</" + std::string(name) + ">";
}

// The text of one SASL element the dialogue sent, decoded.
std::string sent_payload(const std::string& sent) {
    const auto open_end = sent.find('>');
    const auto close = sent.rfind("</");
    if (open_end == std::string::npos || close == std::string::npos) return "";
    return base64_decode(sent.substr(open_end + 1, close - open_end - 1)).value_or("<bad>");
}

std::string hmac_sha1(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
    return std::string(reinterpret_cast<char*>(out), n);
}
std::string sha1(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, EVP_sha1(), nullptr);
    return std::string(reinterpret_cast<char*>(out), n);
}

// A SCRAM-SHA-1 server holding `password` for the user: checks the client's proof as a server
// does, and signs the exchange.
struct ScramServer {
    explicit ScramServer(std::string password_) : password(std::move(password_)) {}
    std::string password;
    std::string salt = "0123456789ab";
    std::string client_first_bare{}, server_first{};

    std::string challenge(std::string_view client_first) {
        EXPECT_TRUE(client_first.starts_with("n,,"));
        client_first_bare = std::string(client_first.substr(3));
        const auto nonce = client_first_bare.substr(client_first_bare.find(",r=") + 3);
        server_first = "r=" + nonce + "SERVERPART,s=" + base64_encode(salt) + ",i=4096";
        return server_first;
    }
    // The server-final-message, or "" when the proof is wrong.
    std::string verify(std::string_view client_final) {
        const auto p = client_final.find(",p=");
        const std::string without_proof(client_final.substr(0, p));
        const auto proof = base64_decode(client_final.substr(p + 3)).value_or("");
        std::string salted(20, '\0');
        PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()),
                          static_cast<int>(salt.size()), 4096, EVP_sha1(), 20,
                          reinterpret_cast<unsigned char*>(salted.data()));
        const auto stored_key = sha1(hmac_sha1(salted, "Client Key"));
        const auto auth = client_first_bare + "," + server_first + "," + without_proof;
        const auto signature = hmac_sha1(stored_key, auth);
        std::string client_key = proof;
        for (std::size_t i = 0; i < client_key.size() && i < signature.size(); ++i)
            client_key[i] ^= signature[i];
        if (sha1(client_key) != stored_key) return "";
        return "v=" + base64_encode(hmac_sha1(hmac_sha1(salted, "Server Key"), auth));
    }
};

// Runs the dialogue up to the SASL <auth>, as far as it is the same for every test.
struct Conversation {
    explicit Conversation(std::string password = "pencil")
        : dialogue("alice", "xmpp.example.com", std::move(password), "fyko+d2lbbFgONRv9qkxdawL") {}

    std::string to_auth() {
        auto w = read_wire(std::string(stream_open) + features_starttls);
        EXPECT_FALSE(dialogue.on_stream_header(*w.header).outcome);
        auto step = dialogue.on_stanza(w.stanzas.at(0));
        EXPECT_EQ(step.send, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        step = dialogue.on_stanza(stanza(proceed));
        EXPECT_TRUE(step.start_tls);
        dialogue.tls_started();
        step = dialogue.on_stanza(stanza(features_sasl));
        EXPECT_NE(step.send.find("mechanism='SCRAM-SHA-1'"), std::string::npos) << step.send;
        return sent_payload(step.send);
    }

    LoginDialogue dialogue;
};

TEST(LoginDialogue, StartsWithAClientStreamToTheUsersDomain) {
    LoginDialogue d("alice", "xmpp.example.com", "pw", "n");
    EXPECT_EQ(d.stream_header(),
              "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
              "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' "
              "to='xmpp.example.com'>");
}

TEST(LoginDialogue, TheRightPasswordIsAcceptedOnceTheServerProvesItKnowsIt) {
    Conversation c;
    ScramServer server{"pencil"};
    const auto first = c.to_auth();
    EXPECT_EQ(first, "n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL");
    auto step = c.dialogue.on_stanza(stanza(sasl("challenge", server.challenge(first))));
    const auto server_final = server.verify(sent_payload(step.send));
    ASSERT_FALSE(server_final.empty()) << "the client's proof does not verify";
    step = c.dialogue.on_stanza(stanza(sasl("success", server_final)));
    ASSERT_TRUE(step.outcome);
    EXPECT_EQ(*step.outcome, LoginOutcome::accepted);
}

TEST(LoginDialogue, AServerFinalSentAsOneMoreChallengeIsAnsweredEmpty) {
    Conversation c;
    ScramServer server{"pencil"};
    const auto first = c.to_auth();
    auto step = c.dialogue.on_stanza(stanza(sasl("challenge", server.challenge(first))));
    step = c.dialogue.on_stanza(stanza(sasl("challenge", server.verify(sent_payload(step.send)))));
    EXPECT_EQ(step.send, "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    step = c.dialogue.on_stanza(stanza("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
    EXPECT_EQ(step.outcome, LoginOutcome::accepted);
}

TEST(LoginDialogue, AWrongPasswordIsRejected) {
    Conversation c("wrong");
    ScramServer server{"pencil"};
    const auto first = c.to_auth();
    auto step = c.dialogue.on_stanza(stanza(sasl("challenge", server.challenge(first))));
    EXPECT_TRUE(server.verify(sent_payload(step.send)).empty());
    step =
        c.dialogue.on_stanza(stanza("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                    "<not-authorized/></failure>"));
    EXPECT_EQ(step.outcome, LoginOutcome::rejected);
}

TEST(LoginDialogue, AServerThatCannotSignTheExchangeIsNotBelieved) {
    // An impostor that says <success/> without knowing the user's credentials.
    Conversation c;
    ScramServer impostor{"another-password"};
    const auto first = c.to_auth();
    auto step = c.dialogue.on_stanza(stanza(sasl("challenge", impostor.challenge(first))));
    step =
        c.dialogue.on_stanza(stanza(sasl("success", "v=" + base64_encode(std::string(20, 'x')))));
    EXPECT_EQ(step.outcome, LoginOutcome::unavailable);
    // Nor one that leaves the signature out.
    Conversation c2;
    c2.dialogue.on_stanza(stanza(sasl("challenge", ScramServer{"pencil"}.challenge(c2.to_auth()))));
    step = c2.dialogue.on_stanza(stanza("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
    EXPECT_EQ(step.outcome, LoginOutcome::unavailable);
}

TEST(LoginDialogue, NoPasswordWithoutStartTls) {
    LoginDialogue d("alice", "xmpp.example.com", "pencil", "nonce");
    auto w = read_wire(std::string(stream_open) + features_sasl);
    const auto step = d.on_stanza(w.stanzas.at(0));
    EXPECT_EQ(step.outcome, LoginOutcome::unavailable);
    EXPECT_TRUE(step.send.empty());
    // Refused STARTTLS, too.
    LoginDialogue e("alice", "xmpp.example.com", "pencil", "nonce");
    e.on_stanza(stanza(features_starttls));
    EXPECT_EQ(e.on_stanza(stanza("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")).outcome,
              LoginOutcome::unavailable);
}

TEST(LoginDialogue, ScramSha256IsPreferredWhenOffered) {
    LoginDialogue d("alice", "xmpp.example.com", "pencil", "nonce");
    d.on_stanza(stanza(features_starttls));
    d.on_stanza(stanza(proceed));
    d.tls_started();
    const auto step =
        d.on_stanza(stanza("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                           "<mechanism>SCRAM-SHA-1</mechanism><mechanism>SCRAM-SHA-256</mechanism>"
                           "</mechanisms></stream:features>"));
    EXPECT_NE(step.send.find("mechanism='SCRAM-SHA-256'"), std::string::npos);
}

TEST(LoginDialogue, WhatTheServerCouldNotDecideIsUnavailableNotWrong) {
    for (const char* condition : {"temporary-auth-failure", "aborted", "malformed-request"}) {
        Conversation c;
        c.to_auth();
        const auto step = c.dialogue.on_stanza(
            stanza(std::string("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><") + condition +
                   "/></failure>"));
        EXPECT_EQ(step.outcome, LoginOutcome::unavailable) << condition;
    }
    Conversation plain_only;
    plain_only.dialogue.on_stanza(stanza(features_starttls));
    plain_only.dialogue.on_stanza(stanza(proceed));
    plain_only.dialogue.tls_started();
    EXPECT_EQ(plain_only.dialogue
                  .on_stanza(stanza("<stream:features><mechanisms "
                                    "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN"
                                    "</mechanism></mechanisms></stream:features>"))
                  .outcome,
              LoginOutcome::unavailable);
    LoginDialogue d("alice", "xmpp.example.com", "pencil", "nonce");
    EXPECT_EQ(d.on_stanza(stanza("<stream:error><host-unknown "
                                 "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"))
                  .outcome,
              LoginOutcome::unavailable);
    EXPECT_EQ(d.on_stream_end("closed").outcome, std::nullopt);  // already over
    LoginDialogue e("alice", "xmpp.example.com", "pencil", "nonce");
    EXPECT_EQ(e.on_stream_end("closed").outcome, LoginOutcome::unavailable);
}

}  // namespace
