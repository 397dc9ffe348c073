#include "provisioning/basic_credentials.hpp"

#include <openssl/crypto.h>

#include "provisioning/base64.hpp"
#include "shared/text/ascii_case.hpp"
#include "shared/text/trim.hpp"

namespace cusax::provisioning {
namespace {

constexpr std::size_t max_user = 320;
constexpr std::size_t max_password = 1024;

bool has_control(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

}  // namespace

BasicCredentials::~BasicCredentials() {
    if (!password.empty()) OPENSSL_cleanse(password.data(), password.size());
}

std::optional<BasicCredentials> parse_basic_credentials(std::string_view authorization) {
    authorization = text::trim_whitespace(authorization);
    const auto space = authorization.find(' ');
    if (space == std::string_view::npos ||
        !text::iequals(authorization.substr(0, space), "basic")) {
        return std::nullopt;
    }
    // Base64 of USER:PASSWORD is never much longer than the two limits allow.
    const auto token = text::trim_whitespace(authorization.substr(space + 1));
    if (token.size() > 4 * ((max_user + max_password + 1 + 2) / 3)) return std::nullopt;
    auto decoded = base64_decode(token);
    if (!decoded) return std::nullopt;
    std::optional<BasicCredentials> out;
    // RFC 7617 §2: the user id cannot hold a colon; the password may.
    const auto colon = decoded->find(':');
    if (colon != std::string::npos) {
        const std::string_view user(decoded->data(), colon);
        const std::string_view password = std::string_view(*decoded).substr(colon + 1);
        if (!user.empty() && user.size() <= max_user && !has_control(user) && !password.empty() &&
            password.size() <= max_password) {
            out.emplace();
            out->user = std::string(user);
            out->password = std::string(password);
        }
    }
    OPENSSL_cleanse(decoded->data(), decoded->size());
    return out;
}

}  // namespace cusax::provisioning
