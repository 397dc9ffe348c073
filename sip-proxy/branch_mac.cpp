#include "sip-proxy/branch_mac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace cusax::sip_proxy {

BranchSigner::BranchSigner(std::string key) : key_(std::move(key)) {
    if (key_.size() < kMinBranchKeyBytes)
        throw std::invalid_argument("branch key shorter than " +
                                    std::to_string(kMinBranchKeyBytes) + " bytes");
}

BranchSigner BranchSigner::random() {
    std::string key(kMinBranchKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("no random bytes for the branch key");
    return BranchSigner(std::move(key));
}

std::string BranchSigner::mac(std::string_view text) const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
              reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length) ||
        length < 16)
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
