#include "shared/address/message_text.hpp"

#include <algorithm>

#include "shared/address/utf8.hpp"

namespace cusax::address {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_hex_byte(std::string& out, unsigned char byte) {
    out += "\\x";
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
}

}  // namespace

std::string quote_for_message(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 8);
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t code_point = 0;
        std::size_t length = utf8::decode(text, i, code_point);
        if (length == 0) {
            length = 1;
        }
        if (i + length > max_bytes) {
            out += "...";
            break;
        }
        const unsigned char byte = static_cast<unsigned char>(text[i]);
        if (length > 1 && !utf8::is_control(code_point)) {
            out.append(text.substr(i, length));
        } else if (length > 1) {
            // A C1 control character: show its code point.
            out += "\\u00";
            out += kHex[(code_point >> 4) & 0x0F];
            out += kHex[code_point & 0x0F];
        } else {
            switch (byte) {
                case '\r':
                    out += "\\r";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\0':
                    out += "\\0";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                default:
                    if (byte < 0x20 || byte >= 0x7F) {
                        append_hex_byte(out, byte);
                    } else {
                        out += static_cast<char>(byte);
                    }
            }
        }
        i += length;
    }
    return out;
}

std::string describe_char(char c) {
    const unsigned char byte = static_cast<unsigned char>(c);
    switch (byte) {
        case ' ':
            return "a space";
        case '\r':
            return "CR";
        case '\n':
            return "LF";
        case '\0':
            return "NUL";
        case '\t':
            return "a tab";
        default:
            break;
    }
    if (byte >= 0x80) {
        return "a non-ASCII character";
    }
    if (byte < 0x20 || byte == 0x7F) {
        std::string out = "a control character (0x";
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0F];
        out += ')';
        return out;
    }
    return std::string{'\'', c, '\''};
}

std::string error_about(std::string_view text, std::string_view reason) {
    std::string out = text.empty() ? std::string("\"\"") : quote_for_message(text);
    out += ": ";
    out += reason;
    return out;
}

}  // namespace cusax::address
