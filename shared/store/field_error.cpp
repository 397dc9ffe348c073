#include "shared/store/field_error.hpp"

#include <cstdio>

namespace cusax::store {
namespace {
constexpr std::size_t kMaxQuoted = 80;
}

std::string quote_value(std::string_view value) {
    std::string out = "\"";
    const bool cut = value.size() > kMaxQuoted;
    if (cut) value = value.substr(0, kMaxQuoted);
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    out += cut ? "\"..." : "\"";
    return out;
}

std::string field_error(std::string_view field, std::string_view value, std::string_view why) {
    std::string out(field);
    out += ' ';
    out += quote_value(value);
    out += ": ";
    out += why;
    return out;
}

}  // namespace cusax::store
