#include "shared/address/phone_number.hpp"

#include "shared/address/message_text.hpp"
#include "shared/address/uri_chars.hpp"

namespace cusax::address {
namespace {

using chars::is_digit;

// ITU-T E.164 §6.1: at most 15 digits including the country code.
constexpr std::size_t kMaxE164Digits = 15;

}  // namespace

Parsed<std::string> normalise_subscriber(std::string_view text) {
    std::string number;
    number.reserve(text.size());
    bool global = false;
    bool service_code = false;
    std::size_t digits = 0;
    for (const char c : text) {
        if (is_visual_separator(c)) {
            continue;
        }
        if (c == '+') {
            if (!number.empty()) {
                return Parsed<std::string>::fail("number has a '+' that is not at its start");
            }
            global = true;
        } else if (is_digit(c)) {
            ++digits;
        } else if (c == '*' || c == '#') {
            service_code = true;
        } else {
            return Parsed<std::string>::fail("number contains " + describe_char(c));
        }
        number += c;
    }
    if (digits == 0) {
        return Parsed<std::string>::fail("number has no digits");
    }
    if (global && service_code) {
        return Parsed<std::string>::fail("number is global ('+') but contains '*' or '#'");
    }
    if (global && digits > kMaxE164Digits) {
        return Parsed<std::string>::fail("number has more than 15 digits after '+' (E.164)");
    }
    return Parsed<std::string>::ok(std::move(number));
}

}  // namespace cusax::address
