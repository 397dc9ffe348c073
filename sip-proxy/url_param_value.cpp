#include "sip-proxy/url_param_value.hpp"

#include <string_view>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

namespace {

// Calls `found` with the value ("" when none) of each parameter of `url` named `name`, in
// order, until it returns true.
template <typename Found>
void each_param_value(url_t const* url, const char* name, Found found) {
    if (!url || !url->url_params || !name) return;
    // url_params is the text after the first ';', NUL-terminated: read nothing past that NUL.
    std::string_view rest(url->url_params);
    const std::string_view wanted(name);
    while (true) {
        const auto end = rest.find(';');
        const std::string_view parameter = rest.substr(0, end);
        const auto equals = parameter.find('=');
        if (text::iequals(parameter.substr(0, equals), wanted) &&
            found(equals == std::string_view::npos ? std::string_view()
                                                   : parameter.substr(equals + 1)))
            return;
        if (end == std::string_view::npos) return;
        rest.remove_prefix(end + 1);
    }
}

}  // namespace

std::optional<std::string> url_param_value(url_t const* url, const char* name) {
    std::optional<std::string> value;
    each_param_value(url, name, [&value](std::string_view v) {
        value = std::string(v);
        return true;
    });
    return value;
}

bool url_param_repeated(url_t const* url, const char* name) {
    int count = 0;
    each_param_value(url, name, [&count](std::string_view) { return ++count > 1; });
    return count > 1;
}

bool url_has_param_named(url_t const* url, const char* name) {
    return url_param_value(url, name).has_value();
}

}  // namespace cusax::sip_proxy
