#include "sip-proxy/branch_mac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace cusax::sip_proxy {

BranchSigner::BranchSigner(std::string key) {
    if (key.size() < kMinBranchKeyBytes)
        throw std::invalid_argument("branch key shorter than " +
                                    std::to_string(kMinBranchKeyBytes) + " bytes");
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
    EVP_MAC_free(hmac);  // the context holds its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    const bool keyed = ctx && EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                           key.size(), params) == 1;
    OPENSSL_cleanse(key.data(), key.size());
    if (!keyed) {
        EVP_MAC_CTX_free(ctx);
        throw std::runtime_error("HMAC-SHA256 is not available from OpenSSL");
    }
    keyed_.reset(ctx, EVP_MAC_CTX_free);
}

BranchSigner BranchSigner::random() {
    std::string key(kMinBranchKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("no random bytes for the branch key");
    return BranchSigner(std::move(key));
}

std::string BranchSigner::mac(std::string_view text) const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    std::size_t length = 0;
    // Init with no key restarts the keyed context with the key it already holds.
    EVP_MAC_CTX* ctx = keyed_.get();
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(text.data()), text.size()) !=
            1 ||
        EVP_MAC_final(ctx, digest, &length, sizeof digest) != 1 || length < 16)
        throw std::runtime_error("HMAC-SHA256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < 16; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0xf]);
    }
    return out;
}

bool BranchSigner::verify(std::string_view text, std::string_view given) const {
    const std::string expected = mac(text);
    return given.size() == expected.size() &&
           CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace cusax::sip_proxy
