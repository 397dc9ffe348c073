#include "sip-proxy/proxy_config_values.hpp"

namespace cusax::sip_proxy::config_values {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string number_prefix(std::string_view text) {
    if (text.empty()) return "must not be empty";
    std::string_view digits = text.front() == '+' ? text.substr(1) : text;
    if (digits.size() > 15) return "longer than an E.164 number (15 digits)";
    for (char c : digits)
        if (!is_digit(c)) return "not '+' and digits";
    return "";
}

std::string emergency_number(std::string_view text) {
    if (text.empty()) return "must not be empty";
    if (text.size() > 15) return "longer than 15 characters";
    for (char c : text)
        if (!is_digit(c) && c != '*' && c != '#') return "not digits, '*' or '#'";
    return "";
}

std::string warning_text(std::string_view text) {
    if (text.empty()) return "must not be empty";
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return "contains a control character";
    return "";
}

std::string warning_agent(std::string_view text) {
    for (unsigned char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                        std::string_view("-.!%*_+`'~:[]").find(c) != std::string_view::npos;
        if (!ok) return "not a host[:port] or a SIP token";
    }
    return "";
}

}  // namespace cusax::sip_proxy::config_values
