#pragma once
// The [provisioning] section of a loaded configuration as cusax-provisioning takes it. Values
// are already valid (the loader checked every key against the table in
// provisioning_config.cpp).
#include <string>
#include <vector>

#include "provisioning/provisioning_settings.hpp"
#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"

namespace cusax::provisioning {

// The section's declaration, for the catalog of every section (config-catalog/).
config::SectionDecl provisioning_config_section();

ProvisioningSettings provisioning_config(const config::Config& config);

// What the program warns of at start about a valid configuration, and --check-config prints:
// a key_file that users other than its owner may read (its name and mode, never its content).
std::vector<std::string> provisioning_config_warnings(const config::Config& config);

}  // namespace cusax::provisioning
