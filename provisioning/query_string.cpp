#include "provisioning/query_string.hpp"

#include "shared/address/uri_chars.hpp"

namespace cusax::provisioning {
namespace {

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (!address::chars::is_escape_at(text, i)) return std::nullopt;
        const int byte =
            address::chars::hex_value(text[i + 1]) * 16 + address::chars::hex_value(text[i + 2]);
        if (byte == 0) return std::nullopt;
        out += static_cast<char>(byte);
        i += 2;
    }
    return out;
}

}  // namespace

std::optional<QueryParams> parse_query(std::string_view query) {
    QueryParams out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        auto name = percent_decode(item.substr(0, eq));
        auto value =
            percent_decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

}  // namespace cusax::provisioning
