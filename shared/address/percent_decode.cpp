#include "shared/address/percent_decode.hpp"

#include "shared/address/uri_chars.hpp"

namespace cusax::address {

std::optional<std::string> percent_decoded(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (!chars::is_escape_at(text, i)) return std::nullopt;
        out +=
            static_cast<char>(chars::hex_value(text[i + 1]) * 16 + chars::hex_value(text[i + 2]));
        i += 2;
    }
    return out;
}

}  // namespace cusax::address
