#pragma once
// The file that holds the key of the Via branch MAC (branch_mac.hpp, key branch_key_file).
// Read by the proxy at start and by --check-config, which links no OpenSSL: so it is here,
// beside the key table, and not in branch_mac.cpp.
#include <cstddef>
#include <string>

namespace cusax::sip_proxy {

// Shorter keys are refused: 32 bytes is the HMAC-SHA256 output size (RFC 2104 §3).
inline constexpr std::size_t kMinBranchKeyBytes = 32;

// The key in `path`: the file's bytes without trailing whitespace (so `openssl rand -hex 32
// > FILE` gives a 64-byte key). Throws std::runtime_error naming the file, never its content,
// when it cannot be read or is too short.
std::string read_branch_key(const std::string& path);

// True when users other than the file's owner may read it.
bool readable_by_others(const std::string& path);

// When users other than its owner may read the key file: a warning naming the file and its
// mode ("... mode 0644 ..."), never the key; empty otherwise. The daemon logs it at start and
// --check-config prints it.
std::string branch_key_file_exposure(const std::string& path);

}  // namespace cusax::sip_proxy
