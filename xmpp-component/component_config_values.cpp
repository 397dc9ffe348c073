#include "xmpp-component/component_config_values.hpp"

#include <charconv>
#include <cmath>

#include "shared/config/validators.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::xmpp::config_values {

std::string search_rate(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
    if (ec != std::errc{} || ptr != end) return "expected a decimal number such as 0.5 or 2";
    if (!std::isfinite(value) || value < 0.001 || value > 1e6) {
        return "must be between 0.001 and 1000000 searches per second";
    }
    return "";
}

std::string service_name(std::string_view text) {
    if (text.empty()) return "must not be empty";
    if (text.size() > 100) return "longer than 100 characters";
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&' || c == '"') {
            return "contains a control character or one of < > & \"";
        }
    return "";
}

std::string tls_server_name(std::string_view text) {
    if (text.empty()) return "";
    if (text.find_first_not_of("0123456789.") == std::string_view::npos) return "";
    return config::validators::domain_name(text);
}

std::string vcard_store(std::string_view text) {
    if (text.empty() || text.front() == '/' || text == store::kVcardsInStoreDatabase) return "";
    return "expected an absolute path (starting with /) or postgresql";
}

}  // namespace cusax::xmpp::config_values
