#include "provisioning/login_dialogue.hpp"

#include <openssl/crypto.h>

#include <string_view>

#include "provisioning/base64.hpp"
#include "shared/xml/namespaces.hpp"

namespace cusax::provisioning {
namespace {

constexpr std::string_view tls_ns = "urn:ietf:params:xml:ns:xmpp-tls";
constexpr std::string_view sasl_ns = "urn:ietf:params:xml:ns:xmpp-sasl";

std::string sasl_element(std::string_view name, std::string_view payload,
                         std::string_view mechanism = {}) {
    xmpp::XmlElement e{std::string(name), std::string(sasl_ns)};
    if (!mechanism.empty()) e.set_attr("mechanism", mechanism);
    // An empty response carries no text; SCRAM's first message is never empty.
    e.text = base64_encode(payload);
    return e.serialize(xmpp::ns::client);
}

// The SASL payload of a challenge or success: "=" or nothing is empty.
std::optional<std::string> payload(const xmpp::XmlElement& e) {
    if (e.text.empty() || e.text == "=") return std::string();
    return base64_decode(e.text);
}

}  // namespace

LoginDialogue::LoginDialogue(std::string local, std::string domain, std::string password,
                             std::string nonce)
    : local_(std::move(local)),
      domain_(std::move(domain)),
      password_(std::move(password)),
      nonce_(std::move(nonce)) {}

std::string LoginDialogue::stream_header() const {
    std::string out =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='";
    xmpp::append_escaped_attribute(out, domain_);
    return out + "'>";
}

void LoginDialogue::tls_started() { phase_ = Phase::tls_features; }

LoginDialogue::Step LoginDialogue::end(LoginOutcome outcome, std::string why) {
    phase_ = Phase::done;
    if (!password_.empty()) OPENSSL_cleanse(password_.data(), password_.size());
    scram_.reset();
    return Step{{}, false, outcome, std::move(why)};
}

LoginDialogue::Step LoginDialogue::on_stream_header(const xmpp::StreamHeader& header) {
    if (header.xmlns != xmpp::ns::client) {
        return end(LoginOutcome::unavailable,
                   "the server opened a stream that is not jabber:client");
    }
    return {};
}

LoginDialogue::Step LoginDialogue::on_stream_end(std::string why) {
    if (phase_ == Phase::done) return {};
    return end(LoginOutcome::unavailable, std::move(why));
}

LoginDialogue::Step LoginDialogue::on_stanza(const xmpp::XmlElement& stanza) {
    if (phase_ == Phase::done) return {};
    if (stanza.xmlns == xmpp::ns::streams && stanza.name == "error") {
        std::string condition = stanza.children.empty() ? "unknown" : stanza.children[0].name;
        return end(LoginOutcome::unavailable, "stream error from the server: " + condition);
    }
    if (stanza.xmlns == xmpp::ns::streams && stanza.name == "features") {
        return on_features(stanza);
    }
    if (phase_ == Phase::proceed && stanza.xmlns == tls_ns) {
        if (stanza.name == "proceed") return Step{{}, true, std::nullopt, {}};
        return end(LoginOutcome::unavailable, "the server refused STARTTLS");
    }
    if (stanza.xmlns == sasl_ns) return on_sasl(stanza);
    return end(LoginOutcome::unavailable, "unexpected <" + stanza.name + "> from the server");
}

LoginDialogue::Step LoginDialogue::on_features(const xmpp::XmlElement& features) {
    if (phase_ == Phase::features) {
        // RFC 6120 §5.3.1: no STARTTLS offered, no password sent: this server must not see it.
        if (!features.child("starttls", tls_ns)) {
            return end(LoginOutcome::unavailable, "the server offers no STARTTLS");
        }
        phase_ = Phase::proceed;
        xmpp::XmlElement starttls{"starttls", std::string(tls_ns)};
        return Step{starttls.serialize(xmpp::ns::client), false, std::nullopt, {}};
    }
    if (phase_ != Phase::tls_features) {
        return end(LoginOutcome::unavailable, "stream features out of turn");
    }
    const auto* mechanisms = features.child("mechanisms", sasl_ns);
    bool sha1 = false;
    bool sha256 = false;
    if (mechanisms) {
        for (const auto& m : mechanisms->children) {
            if (m.name != "mechanism") continue;
            sha1 = sha1 || m.text == "SCRAM-SHA-1";
            sha256 = sha256 || m.text == "SCRAM-SHA-256";
        }
    }
    if (!sha1 && !sha256) {
        return end(LoginOutcome::unavailable, "the server offers no SCRAM-SHA-1 or -256");
    }
    const ScramHash hash = sha256 ? ScramHash::sha256 : ScramHash::sha1;
    scram_ = std::make_unique<ScramClient>(hash, local_, std::move(password_), nonce_);
    mechanism_ = mechanism_name(hash);
    password_.clear();
    phase_ = Phase::challenge;
    return Step{sasl_element("auth", scram_->client_first(), mechanism_name(hash)),
                false,
                std::nullopt,
                {}};
}

LoginDialogue::Step LoginDialogue::on_sasl(const xmpp::XmlElement& stanza) {
    if (stanza.name == "failure") {
        // RFC 6120 §6.5: the conditions that say "not this password" count as a wrong password;
        // the others say the server could not decide.
        const std::string condition = stanza.children.empty() ? "" : stanza.children[0].name;
        if (condition == "not-authorized" || condition == "account-disabled" ||
            condition == "credentials-expired") {
            return end(LoginOutcome::rejected,
                       "the server refused the password (" + condition + ")");
        }
        return end(LoginOutcome::unavailable, "SASL failure: " + condition);
    }
    if (phase_ == Phase::challenge && stanza.name == "challenge") {
        const auto server_first = payload(stanza);
        std::string why;
        auto final_message =
            server_first ? scram_->client_final(*server_first, &why) : std::nullopt;
        if (!final_message) {
            return end(LoginOutcome::unavailable,
                       "bad SCRAM challenge: " + (why.empty() ? "not base64" : why));
        }
        phase_ = Phase::final_answer;
        return Step{sasl_element("response", *final_message), false, std::nullopt, {}};
    }
    if (phase_ == Phase::final_answer && (stanza.name == "challenge" || stanza.name == "success")) {
        // The server's signature may come as additional data with <success/> or as one more
        // challenge answered with an empty response (RFC 6120 §6.3.10).
        const auto server_final = payload(stanza);
        if (server_final && !server_final->empty()) {
            if (!scram_->server_final_ok(*server_final)) {
                return end(LoginOutcome::unavailable,
                           "the server's SCRAM signature is wrong: it does not hold the user's "
                           "credentials");
            }
            server_verified_ = true;
        }
        if (stanza.name == "challenge") {
            return Step{sasl_element("response", ""), false, std::nullopt, {}};
        }
        if (!server_verified_) {
            return end(LoginOutcome::unavailable, "success without the server's SCRAM signature");
        }
        return end(LoginOutcome::accepted, "password accepted (" + std::string(mechanism_) + ")");
    }
    return end(LoginOutcome::unavailable, "SASL <" + stanza.name + "> out of turn");
}

}  // namespace cusax::provisioning
