#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {

std::optional<std::string> url_param_value(url_t const* url, const char* name) {
    if (!url || !url->url_params) return std::nullopt;
    // First the length (value plus its NUL), then the value into a buffer that holds it.
    const isize_t size = url_param(url->url_params, name, nullptr, 0);
    if (size <= 0) return std::nullopt;
    std::string value(static_cast<std::size_t>(size), '\0');
    if (url_param(url->url_params, name, value.data(), size) != size) return std::nullopt;
    value.resize(static_cast<std::size_t>(size) - 1);
    return value;
}

}  // namespace cusax::sip_proxy
