#pragma once
// The [log] section as log::setup() takes it.
#include <string>

#include "shared/config/config.hpp"
#include "shared/log/log.hpp"

namespace cusax::config {

// `program` names the process in each line: "sip-proxy", "xmpp-component", "cusaxctl".
log::LogSettings log_settings(const Config& config, std::string program);

}  // namespace cusax::config
