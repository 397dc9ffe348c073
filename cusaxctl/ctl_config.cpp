#include "cusaxctl/ctl_config.hpp"

#include "shared/config/settings_table.hpp"

namespace cusax::ctl {
namespace {

// A choice named as the store writes the state (binding.hpp).
std::pair<std::string, store::Verification> state(store::Verification v) {
    return {std::string(store::to_string(v)), v};
}

const config::SettingsTable<CtlConfig>& table() {
    using store::Verification;
    static const config::SettingsTable<CtlConfig> table{
        "cusaxctl",
        "cusaxctl: the administration tool.",
        {
            config::choice_key<Verification>(
                "import_verification", &CtlConfig::import_verification,
                {state(Verification::Unverified), state(Verification::Admin),
                 state(Verification::Directory)},
                "State given to imported rows that name none."),
        }};
    return table;
}

}  // namespace

config::SectionDecl ctl_config_section() { return table().declaration(); }

CtlConfig ctl_config(const config::Config& config) { return table().read(config); }

}  // namespace cusax::ctl
