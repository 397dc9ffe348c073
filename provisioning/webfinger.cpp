#include "provisioning/webfinger.hpp"

#include <nlohmann/json.hpp>

#include "provisioning/query_string.hpp"

namespace cusax::provisioning {

HttpAnswer webfinger_answer(std::string_view query, const AccountDirectory& directory) {
    const auto params = parse_query(query);
    if (!params) return text_answer(400, "malformed query");
    const std::string* resource = nullptr;
    for (const auto& [name, value] : *params) {
        if (name != "resource") continue;  // rel (§4.3) only filters links, and we have none
        if (resource) return text_answer(400, "more than one resource");
        resource = &value;
    }
    // RFC 7033 §4.2: a request without a resource is a bad request.
    if (!resource || resource->empty()) return text_answer(400, "resource missing");

    const store::BindingView* binding = directory.find_resource(*resource);
    if (!binding || !store::is_verified(binding->verification)) {
        HttpAnswer a = text_answer(404, "no such account");
        a.headers.emplace_back("Access-Control-Allow-Origin", "*");
        return a;
    }
    nlohmann::ordered_json aliases = nlohmann::ordered_json::array();
    for (const std::string& alias :
         {"xmpp:" + std::string(binding->jid), std::string(binding->aor)}) {
        if (alias != *resource) aliases.push_back(alias);
    }
    const nlohmann::ordered_json jrd{{"subject", *resource}, {"aliases", aliases}};
    HttpAnswer a;
    a.content_type = "application/jrd+json";
    a.body = jrd.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    a.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return a;
}

}  // namespace cusax::provisioning
