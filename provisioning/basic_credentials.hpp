#pragma once
// The user id and password of an HTTP Basic Authorization header (RFC 7617), UTF-8 as this
// server asks for (charset="UTF-8" in its challenge). The password is held only for the one
// check it is sent for and never logged.
#include <optional>
#include <string>
#include <string_view>

namespace cusax::provisioning {

struct BasicCredentials {
    std::string user;
    std::string password;

    BasicCredentials() = default;
    BasicCredentials(BasicCredentials&&) = default;
    BasicCredentials& operator=(BasicCredentials&&) = default;
    BasicCredentials(const BasicCredentials&) = delete;  // one copy of the password, wiped
    BasicCredentials& operator=(const BasicCredentials&) = delete;
    ~BasicCredentials();
};

// nullopt when the header is not "Basic" with canonical base64 of "USER:PASSWORD", when the
// user id is empty, longer than 320 bytes or holds a control character, or the password is
// empty or longer than 1024 bytes.
std::optional<BasicCredentials> parse_basic_credentials(std::string_view authorization);

// The challenge of a 401 (RFC 7617 §2, §2.1).
inline constexpr std::string_view basic_challenge = "Basic realm=\"cusax\", charset=\"UTF-8\"";

}  // namespace cusax::provisioning
