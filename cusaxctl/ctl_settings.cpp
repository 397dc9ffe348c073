#include "cusaxctl/ctl_settings.hpp"

#include <filesystem>

#include "config-catalog/config_catalog.hpp"
#include "cusaxctl/command_error.hpp"
#include "cusaxctl/ctl_config.hpp"
#include "shared/config/config_dump.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/runtime/daemon_runtime.hpp"
#include "xmpp-component/component_config.hpp"

namespace cusax::ctl {
namespace {

const std::vector<std::string> kNeededSections{"log", "store", "cusaxctl"};

config::Config load(const std::string& config_path) {
    const auto& schema = config_catalog::all_sections();
    if (!config_path.empty()) return config::load_config_file(config_path, kNeededSections, schema);
    const std::string default_path(kDefaultConfigPath);
    if (std::filesystem::exists(default_path)) {
        return config::load_config_file(default_path, kNeededSections, schema);
    }
    return config::defaults_only(kNeededSections, schema);
}

}  // namespace

void load_ctl_settings(CtlContext& ctx, const std::string& config_path) {
    try {
        const auto cfg = load(config_path);
        log::setup(config::log_settings(cfg, "cusaxctl"));
        ctx.store_settings = runtime::store_settings(cfg);
        ctx.stats_dir = config::log_config(cfg).stats_dir;
        // The component's vCard store, as the component reads it (its section's key table).
        ctx.vcard_store_path = xmpp::component_config(cfg).vcard_store;
        ctx.import_verification = ctl_config(cfg).import_verification;
    } catch (const config::ConfigError& e) {
        throw CommandError(kUsage, e.what());
    }
}

std::string dump_all_config(std::string_view format) {
    const auto& schema = config_catalog::all_sections();
    if (format == "markdown") return config::markdown_reference(schema);
    if (format == "ini") return config::dump_config(schema);
    throw CommandError(kUsage, "--dump-config takes ini or markdown");
}

}  // namespace cusax::ctl
