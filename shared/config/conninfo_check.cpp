#include "shared/config/conninfo_check.hpp"

#include <cctype>
#include <string>

namespace cusax::config {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    }
    return true;
}

// libpq percent-decodes a query parameter's keyword as well as its value: "%70assword" is
// "password" to it.
std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

bool uri_has_password(std::string_view uri) {
    uri.remove_prefix(uri.find("://") + 3);
    const auto query = uri.find('?');
    const auto authority = uri.substr(0, std::min(uri.find('/'), query));
    // user:password@host: a ':' before the last '@' (hosts may list ports after it).
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos &&
        authority.substr(0, at).find(':') != std::string_view::npos) {
        return true;
    }
    if (query == std::string_view::npos) return false;
    auto params = uri.substr(query + 1);
    while (!params.empty()) {
        const auto amp = params.find('&');
        const auto param = params.substr(0, amp);
        if (starts_with_ci(percent_decoded(param.substr(0, param.find('='))) + "=", "password=")) {
            return true;
        }
        if (amp == std::string_view::npos) break;
        params.remove_prefix(amp + 1);
    }
    return false;
}

}  // namespace

bool conninfo_has_password(std::string_view conninfo) {
    const auto first = conninfo.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return false;
    conninfo.remove_prefix(first);
    if (starts_with_ci(conninfo, "postgresql://") || starts_with_ci(conninfo, "postgres://")) {
        return uri_has_password(conninfo);
    }
    // keyword = value pairs; a value may be 'quoted' with \' and \\ inside.
    std::size_t i = 0;
    const auto skip_space = [&] {
        while (i < conninfo.size() && std::isspace(static_cast<unsigned char>(conninfo[i]))) ++i;
    };
    while (true) {
        skip_space();
        if (i >= conninfo.size()) return false;
        std::string keyword;
        while (i < conninfo.size() && conninfo[i] != '=' &&
               !std::isspace(static_cast<unsigned char>(conninfo[i]))) {
            keyword += conninfo[i++];
        }
        skip_space();
        if (i >= conninfo.size() || conninfo[i] != '=') return false;  // libpq refuses it
        ++i;
        skip_space();
        if (keyword == "password") return true;
        if (i < conninfo.size() && conninfo[i] == '\'') {
            for (++i; i < conninfo.size() && conninfo[i] != '\''; ++i) {
                if (conninfo[i] == '\\') ++i;
            }
            ++i;
        } else {
            while (i < conninfo.size() && !std::isspace(static_cast<unsigned char>(conninfo[i]))) {
                if (conninfo[i] == '\\') ++i;
                ++i;
            }
        }
    }
}

}  // namespace cusax::config
