#include "sip-proxy/proxy_config_branch_key.hpp"

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

bool readable_by_others(const std::string& path) {
    std::error_code ignored;
    const auto perms = std::filesystem::status(path, ignored).permissions();
    using std::filesystem::perms;
    return (perms & (perms::group_read | perms::others_read)) != perms::none;
}

}  // namespace cusax::sip_proxy
