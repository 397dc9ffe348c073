#include "provisioning/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stringprep.h>

#include <charconv>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "provisioning/base64.hpp"

namespace cusax::provisioning {
namespace {

const EVP_MD* digest(ScramHash hash) { return hash == ScramHash::sha1 ? EVP_sha1() : EVP_sha256(); }

std::string hmac(ScramHash hash, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!HMAC(digest(hash), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size)) {
        throw std::runtime_error("HMAC failed");
    }
    return std::string(reinterpret_cast<char*>(out), size);
}

std::string hash_of(ScramHash hash, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!EVP_Digest(data.data(), data.size(), out, &size, digest(hash), nullptr)) {
        throw std::runtime_error("digest failed");
    }
    return std::string(reinterpret_cast<char*>(out), size);
}

std::string salted_password(ScramHash hash, std::string_view password, std::string_view salt,
                            unsigned iterations) {
    std::string out(static_cast<std::size_t>(EVP_MD_get_size(digest(hash))), '\0');
    if (!PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), static_cast<int>(iterations),
                           digest(hash), static_cast<int>(out.size()),
                           reinterpret_cast<unsigned char*>(out.data()))) {
        throw std::runtime_error("PBKDF2 failed");
    }
    return out;
}

void wipe(std::string& s) {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

// RFC 5802 §5.1: saslname escapes "," and "=".
std::string saslname(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == ',') {
            out += "=2C";
        } else if (c == '=') {
            out += "=3D";
        } else {
            out += c;
        }
    }
    return out;
}

// The value of attribute `name` ("r", "s", "i", "v") in a message of "a=value" pairs.
struct Attributes {
    std::optional<std::string_view> get(char name) const {
        for (std::string_view rest = text; !rest.empty();) {
            const auto comma = rest.find(',');
            const auto item = rest.substr(0, comma);
            if (item.size() >= 2 && item[0] == name && item[1] == '=') return item.substr(2);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        return std::nullopt;
    }
    std::string_view text;
};

}  // namespace

std::string_view mechanism_name(ScramHash hash) {
    return hash == ScramHash::sha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
}

std::optional<std::string> saslprep(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    char* out = nullptr;
    const std::string input(text);
    if (stringprep_profile(input.c_str(), &out, "SASLprep", Stringprep_profile_flags{}) !=
        STRINGPREP_OK) {
        return std::nullopt;
    }
    std::string result(out);
    OPENSSL_cleanse(out, result.size());
    std::free(out);
    return result;
}

std::string scram_nonce() {
    unsigned char bytes[18];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes");
    return base64_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

ScramClient::ScramClient(ScramHash hash, std::string_view username, std::string password,
                         std::string nonce)
    : hash_(hash),
      client_first_bare_("n=" + saslname(username) + ",r=" + nonce),
      nonce_(std::move(nonce)),
      password_(std::move(password)) {}

ScramClient::~ScramClient() {
    wipe(password_);
    wipe(expected_server_signature_);
}

std::string ScramClient::client_first() const { return "n,," + client_first_bare_; }

std::optional<std::string> ScramClient::client_final(std::string_view server_first,
                                                     std::string* error) {
    const auto fail = [&](std::string why) -> std::optional<std::string> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    const Attributes attrs{server_first};
    // RFC 5802 §5.1 "m": reserved for a mandatory extension this client cannot know.
    if (server_first.starts_with("m=")) return fail("mandatory extension");
    const auto nonce = attrs.get('r');
    const auto salt_b64 = attrs.get('s');
    const auto count = attrs.get('i');
    if (!nonce || !salt_b64 || !count) return fail("server-first-message lacks r, s or i");
    if (nonce->size() <= nonce_.size() || !nonce->starts_with(nonce_)) {
        return fail("server nonce does not extend ours");
    }
    const auto salt = base64_decode(*salt_b64);
    if (!salt || salt->empty()) return fail("bad salt");
    unsigned iterations = 0;
    const auto [ptr, ec] =
        std::from_chars(count->data(), count->data() + count->size(), iterations);
    if (ec != std::errc{} || ptr != count->data() + count->size() || iterations == 0 ||
        iterations > max_iterations) {
        return fail("iteration count out of range");
    }
    std::string salted = salted_password(hash_, password_, *salt, iterations);
    std::string client_key = hmac(hash_, salted, "Client Key");
    std::string server_key = hmac(hash_, salted, "Server Key");
    // c=biws: base64 of the gs2 header "n,,".
    const std::string without_proof = "c=biws,r=" + std::string(*nonce);
    const std::string auth_message =
        client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
    const std::string stored_key = hash_of(hash_, client_key);
    std::string proof = hmac(hash_, stored_key, auth_message);
    for (std::size_t i = 0; i < proof.size(); ++i) proof[i] ^= client_key[i];
    expected_server_signature_ = hmac(hash_, server_key, auth_message);
    std::string out = without_proof + ",p=" + base64_encode(proof);
    wipe(salted);
    wipe(client_key);
    wipe(server_key);
    wipe(proof);
    return out;
}

bool ScramClient::server_final_ok(std::string_view server_final) const {
    if (expected_server_signature_.empty()) return false;
    const auto v = Attributes{server_final}.get('v');
    if (!v) return false;
    const auto signature = base64_decode(*v);
    return signature && signature->size() == expected_server_signature_.size() &&
           CRYPTO_memcmp(signature->data(), expected_server_signature_.data(), signature->size()) ==
               0;
}

}  // namespace cusax::provisioning
