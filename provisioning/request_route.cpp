#include "provisioning/request_route.hpp"

#include <algorithm>

#include "shared/text/ascii_case.hpp"
#include "shared/text/trim.hpp"

namespace cusax::provisioning {
namespace {

bool serves(const std::vector<std::string>& formats, std::string_view name) {
    return std::find(formats.begin(), formats.end(), name) != formats.end();
}

// Whether Accept lists the media type with a non-zero q (RFC 9110 §12.5.1). Wildcards are not
// matched here: route() decides what "*/*" gets.
bool accepts(std::string_view accept, std::string_view media_type) {
    while (!accept.empty()) {
        const auto comma = accept.find(',');
        std::string_view item = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        const auto semi = item.find(';');
        if (!text::iequals(text::trim_whitespace(item.substr(0, semi)), media_type)) continue;
        if (semi == std::string_view::npos) return true;
        // q=0 means "not acceptable"; any other value (or none) accepts.
        std::string params = text::ascii_lower(item.substr(semi + 1));
        std::erase(params, ' ');
        const auto q = params.find("q=");
        if (q == std::string::npos) return true;
        const auto value = params.substr(q + 2, params.find(';', q) - q - 2);
        return value.find_first_not_of("0.") != std::string::npos;
    }
    return false;
}

}  // namespace

Target split_target(std::string_view target) {
    const auto question = target.find('?');
    if (question == std::string_view::npos) return {target, {}};
    return {target.substr(0, question), target.substr(question + 1)};
}

Resource route(std::string_view path, std::string_view accept,
               const std::vector<std::string>& formats) {
    Resource wanted = Resource::not_found;
    if (path == "/profile.json") {
        wanted = Resource::profile_json;
    } else if (path == "/linphone.xml") {
        wanted = Resource::linphone_xml;
    } else if (path == "/.well-known/webfinger") {
        wanted = Resource::webfinger;
    } else if (path == "/profile") {
        const bool xml = accepts(accept, "application/xml") || accepts(accept, "text/xml");
        wanted = xml && !accepts(accept, "application/json") ? Resource::linphone_xml
                                                             : Resource::profile_json;
    }
    switch (wanted) {
        case Resource::profile_json:
            return serves(formats, "json") ? wanted : Resource::not_found;
        case Resource::linphone_xml:
            return serves(formats, "linphone") ? wanted : Resource::not_found;
        case Resource::webfinger:
            return serves(formats, "webfinger") ? wanted : Resource::not_found;
        case Resource::not_found:
            break;
    }
    return Resource::not_found;
}

}  // namespace cusax::provisioning
