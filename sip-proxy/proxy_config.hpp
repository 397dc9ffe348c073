#pragma once
// The [sip-proxy] section of the INI file: its keys are declared once, in proxy_config.cpp,
// each beside the ProxySettings member it fills (shared/config/settings_table.hpp).
#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"
#include "sip-proxy/proxy_settings.hpp"

namespace cusax::sip_proxy {

// The section's declaration, for the catalog of every section (config-catalog/).
config::SectionDecl proxy_config_section();

// The config was validated by the loader, so every value here is well-formed.
ProxySettings proxy_settings(const config::Config& config);

}  // namespace cusax::sip_proxy
