#pragma once
// The client side of SASL SCRAM (RFC 5802; SCRAM-SHA-256: RFC 7677), without channel binding
// (gs2 header "n,,": this client does not offer it, which a server that offers -PLUS
// accepts). Pure computation over the messages; xmpp_login.cpp carries them.
//
// Why written here and not taken from a library: the Debian libraries cusax already links
// have no SCRAM client (OpenSSL has the PBKDF2 and HMAC it is built from; libgsasl would be a
// new dependency for some sixty lines), and the checks that matter to us (the server's nonce
// extends ours, a bounded iteration count, the server's signature verified before a login
// counts) are easiest to see and test in one small file.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cusax::provisioning {

enum class ScramHash { sha1, sha256 };
std::string_view mechanism_name(ScramHash hash);  // "SCRAM-SHA-1", "SCRAM-SHA-256"

// RFC 4013 SASLprep of a password as typed (a query: unassigned code points allowed).
// nullopt when it holds what SASLprep prohibits (controls, unpaired bidi, ...).
std::optional<std::string> saslprep(std::string_view text);

// A fresh client nonce: 18 random bytes in base64 (printable, no comma).
std::string scram_nonce();

class ScramClient {
  public:
    // A server that asks for more iterations than this is refused: each costs us a hash, and
    // an impostor could otherwise make one login cost seconds of CPU.
    static constexpr unsigned max_iterations = 100000;

    // username: the SASL authentication identity (an XMPP local part); password: already
    // SASLprep'ed; nonce: scram_nonce(), given by tests.
    ScramClient(ScramHash hash, std::string_view username, std::string password, std::string nonce);
    ~ScramClient();  // wipes the password and the keys
    ScramClient(const ScramClient&) = delete;
    ScramClient& operator=(const ScramClient&) = delete;

    std::string client_first() const;  // gs2 header + client-first-message-bare

    // The client-final-message answering server-first-message, or nullopt with the reason in
    // *error (a nonce that does not extend ours, a bad salt or count, a mandatory extension).
    std::optional<std::string> client_final(std::string_view server_first, std::string* error);

    // True only when server-final-message carries the server signature this password gives:
    // the server really holds the user's credentials (RFC 5802 §5.1 "v").
    bool server_final_ok(std::string_view server_final) const;

  private:
    ScramHash hash_;
    std::string client_first_bare_;
    std::string nonce_;
    std::string password_;
    std::string expected_server_signature_;  // set by client_final()
};

}  // namespace cusax::provisioning
