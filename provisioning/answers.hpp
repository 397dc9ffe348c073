#pragma once
// The answers to a login, decided here so that each failure is the same bytes whoever asked:
// an unknown user and a wrong password get one 401, a locked-out user id and a locked-out
// address one 429 (with its Retry-After).
#include <chrono>
#include <string_view>

#include "provisioning/http_answer.hpp"
#include "provisioning/profile.hpp"
#include "provisioning/request_route.hpp"

namespace cusax::provisioning {

HttpAnswer unauthorized();  // 401 with the Basic challenge
HttpAnswer too_many_attempts(std::chrono::milliseconds retry_after);    // 429, RFC 6585 §4
HttpAnswer service_unavailable(std::chrono::milliseconds retry_after);  // 503
HttpAnswer method_not_allowed();                                        // 405, Allow: GET, HEAD

// 200 with the profile in the format asked for (profile_json.hpp or linphone_xml.hpp).
HttpAnswer profile_answer(Resource resource, const Profile& profile,
                          std::string_view typed_password);

}  // namespace cusax::provisioning
