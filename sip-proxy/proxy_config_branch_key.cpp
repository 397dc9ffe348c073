#include "sip-proxy/proxy_config_branch_key.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace cusax::sip_proxy {

std::string read_branch_key(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the branch key file " + path);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!key.empty() &&
           (key.back() == '\n' || key.back() == '\r' || key.back() == ' ' || key.back() == '\t'))
        key.pop_back();
    if (key.size() < kMinBranchKeyBytes)
        throw std::runtime_error("the branch key in " + path + " is shorter than " +
                                 std::to_string(kMinBranchKeyBytes) +
                                 " bytes (make one with: openssl rand -hex 32)");
    return key;
}

std::string branch_key_file_exposure(const std::string& path) {
    if (!readable_by_others(path)) return {};
    std::error_code ignored;
    const auto mode = static_cast<unsigned>(std::filesystem::status(path, ignored).permissions() &
                                            std::filesystem::perms::mask);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", mode);
    return "the branch key file " + path + " can be read by other users than its owner (mode " +
           octal + "; chmod go-rwx it)";
}

bool readable_by_others(const std::string& path) {
    std::error_code ignored;
    const auto perms = std::filesystem::status(path, ignored).permissions();
    using std::filesystem::perms;
    return (perms & (perms::group_read | perms::others_read)) != perms::none;
}

}  // namespace cusax::sip_proxy
