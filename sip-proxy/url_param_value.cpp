#include "sip-proxy/url_param_value.hpp"

#include <string_view>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

std::optional<std::string> url_param_value(url_t const* url, const char* name) {
    if (!url || !url->url_params || !name) return std::nullopt;
    // url_params is the text after the first ';', NUL-terminated: read nothing past that NUL.
    std::string_view rest(url->url_params);
    const std::string_view wanted(name);
    while (true) {
        const auto end = rest.find(';');
        const std::string_view parameter = rest.substr(0, end);
        const auto equals = parameter.find('=');
        if (text::iequals(parameter.substr(0, equals), wanted)) {
            if (equals == std::string_view::npos) return std::string();
            return std::string(parameter.substr(equals + 1));
        }
        if (end == std::string_view::npos) return std::nullopt;
        rest.remove_prefix(end + 1);
    }
}

bool url_has_param_named(url_t const* url, const char* name) {
    return url_param_value(url, name).has_value();
}

}  // namespace cusax::sip_proxy
