#pragma once
// The [cusaxctl] section of the INI file: its keys are declared once, in ctl_config.cpp,
// each beside the CtlConfig member it fills (shared/config/settings_table.hpp).
#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"
#include "shared/store/binding.hpp"

namespace cusax::ctl {

struct CtlConfig {
    // State given to imported rows that name none.
    store::Verification import_verification = store::Verification::Unverified;
};

// The section's declaration, for the catalog of every section (config-catalog/).
config::SectionDecl ctl_config_section();

// Values are already valid (the loader checked every key against the declaration).
CtlConfig ctl_config(const config::Config& config);

}  // namespace cusax::ctl
