#pragma once
// The profile as cusax's own JSON document (media type application/json), described by
// provisioning/profile.schema.json, which the integration tests validate answers against.
// No password is ever in it: each account says whether its password is the one the user
// logged in with ("same-as-login") or one the client must ask for ("ask-user").
#include <string>

#include "provisioning/profile.hpp"

namespace cusax::provisioning {

std::string profile_json(const Profile& profile);

}  // namespace cusax::provisioning
