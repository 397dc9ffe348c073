#include "provisioning/answers.hpp"

#include "provisioning/basic_credentials.hpp"
#include "provisioning/linphone_xml.hpp"
#include "provisioning/profile_json.hpp"

namespace cusax::provisioning {
namespace {

// Whole seconds, rounded up, at least one (RFC 9110 §10.2.3: delay-seconds).
std::string seconds(std::chrono::milliseconds d) {
    const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
    return std::to_string(s < 1 ? 1 : s);
}

}  // namespace

HttpAnswer unauthorized() {
    HttpAnswer a = text_answer(401, "user id or password not accepted");
    a.headers.emplace_back("WWW-Authenticate", std::string(basic_challenge));
    return a;
}

HttpAnswer too_many_attempts(std::chrono::milliseconds retry_after) {
    HttpAnswer a = text_answer(429, "too many failed attempts: try again later");
    a.headers.emplace_back("Retry-After", seconds(retry_after));
    return a;
}

HttpAnswer service_unavailable(std::chrono::milliseconds retry_after) {
    HttpAnswer a = text_answer(503, "cannot check passwords now: try again later");
    a.headers.emplace_back("Retry-After", seconds(retry_after));
    return a;
}

HttpAnswer method_not_allowed() {
    HttpAnswer a = text_answer(405, "only GET and HEAD");
    a.headers.emplace_back("Allow", "GET, HEAD");
    return a;
}

HttpAnswer profile_answer(Resource resource, const Profile& profile,
                          std::string_view typed_password) {
    HttpAnswer a;
    if (resource == Resource::linphone_xml) {
        a.content_type = "application/xml; charset=utf-8";
        a.body = linphone_xml(profile, typed_password);
    } else {
        a.content_type = "application/json";
        a.body = profile_json(profile);
    }
    return a;
}

}  // namespace cusax::provisioning
