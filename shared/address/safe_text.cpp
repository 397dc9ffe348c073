#include "shared/address/safe_text.hpp"

#include "shared/address/utf8.hpp"

namespace cusax::address {
namespace {

std::string_view check(std::string_view text, std::size_t max_length, bool refuse_markup) {
    // Length first: a hostile megabyte is refused without being scanned.
    if (text.size() > max_length) {
        return "is too long";
    }
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        switch (c) {
            case '\r':
                return "contains CR";
            case '\n':
                return "contains LF";
            case '\0':
                return "contains NUL";
            case '\t':
                return "contains a tab";
            case '<':
                if (refuse_markup) return "contains '<'";
                break;
            case '>':
                if (refuse_markup) return "contains '>'";
                break;
            case '"':
                if (refuse_markup) return "contains '\"'";
                break;
            default:
                break;
        }
        char32_t code_point = 0;
        const std::size_t length = utf8::decode(text, i, code_point);
        if (length == 0) {
            return "is not valid UTF-8";
        }
        if (utf8::is_control(code_point)) {
            return "contains a control character";
        }
        // XML 1.0 §2.2: U+FFFE and U+FFFF are not characters a document may contain.
        if (code_point == 0xFFFE || code_point == 0xFFFF) {
            return "contains a non-character (U+FFFE or U+FFFF)";
        }
        i += length;
    }
    return {};
}

}  // namespace

std::string_view unsafe_reason(std::string_view text, std::size_t max_length) {
    return check(text, max_length, true);
}

std::string_view control_reason(std::string_view text, std::size_t max_length) {
    return check(text, max_length, false);
}

}  // namespace cusax::address
