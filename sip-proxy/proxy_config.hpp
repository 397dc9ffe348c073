#pragma once
// The [sip-proxy] section of the INI file: its keys are declared once, in proxy_config.cpp,
// each beside the ProxySettings member it fills (shared/config/settings_table.hpp).
#include <string>
#include <vector>

#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"
#include "sip-proxy/proxy_settings.hpp"

namespace cusax::sip_proxy {

// The section's declaration, for the catalog of every section (config-catalog/).
config::SectionDecl proxy_config_section();

// The config was validated by the loader, so every value here is well-formed.
ProxySettings proxy_settings(const config::Config& config);

// What the proxy warns of at start about a valid configuration, for --check-config
// (program_cli.hpp): a branch_key_file others may read. Never a key.
std::vector<std::string> proxy_config_warnings(const config::Config& config);

}  // namespace cusax::sip_proxy
