#include "provisioning/query_string.hpp"

#include "shared/address/percent_decode.hpp"

namespace cusax::provisioning {
namespace {

// A NUL is refused: nothing downstream expects one inside a name or value.
std::optional<std::string> percent_decode(std::string_view text) {
    auto out = address::percent_decoded(text);
    if (!out || out->find('\0') != std::string::npos) return std::nullopt;
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
