#pragma once
// The key that proves a Via branch was written by this proxy, or by a sibling instance with
// the same key (RFC 3261 §16.11 lets a stateless proxy put what it needs into its branch;
// what it puts there must not be believed from anyone else). HMAC-SHA256 from OpenSSL,
// truncated to 128 bits and written in hex, which is within the token characters a branch
// allows (§25.1). docs/sip-proxy-internals.md says why the key lives in a file.
#include <memory>
#include <string>
#include <string_view>

#include "sip-proxy/proxy_config_branch_key.hpp"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace cusax::sip_proxy {

class BranchSigner {
  public:
    // Throws std::invalid_argument when the key is shorter than kMinBranchKeyBytes.
    explicit BranchSigner(std::string key);
    // A key drawn from OpenSSL's random generator for this process alone.
    static BranchSigner random();

    // 32 hex digits: the first 128 bits of HMAC-SHA256(key, text).
    std::string mac(std::string_view text) const;
    // Compares in constant time.
    bool verify(std::string_view text, std::string_view mac) const;

  private:
    // HMAC-SHA256 keyed once: OpenSSL's one-shot HMAC() looks the digest up and keys it again
    // for every MAC, which cost more than the rest of a relayed call (docs/sip-proxy-internals.md).
    // Shared by copies of the signer; the proxy is one thread, so one context serves all.
    std::shared_ptr<evp_mac_ctx_st> keyed_;
};

}  // namespace cusax::sip_proxy
