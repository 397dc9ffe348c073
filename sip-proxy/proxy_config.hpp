#pragma once
// The [sip-proxy] section of the INI file (declared in
// shared/config/sections/sip_proxy_section.cpp) as ProxySettings.
#include "shared/config/config.hpp"
#include "sip-proxy/proxy_settings.hpp"

namespace cusax::sip_proxy {

// The config was validated by the loader, so every value here is well-formed.
ProxySettings proxy_settings(const config::Config& config);

}  // namespace cusax::sip_proxy
