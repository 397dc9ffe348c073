#include "cusaxctl/ctl_settings.hpp"

#include <filesystem>

#include "cusaxctl/command_error.hpp"
#include "shared/config/config_dump.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/log_settings.hpp"
#include "shared/runtime/daemon_runtime.hpp"

namespace cusax::ctl {
namespace {

const std::vector<std::string> kNeededSections{"log", "store", "cusaxctl"};

config::Config load(const std::string& config_path) {
    if (!config_path.empty()) return config::load_config_file(config_path, kNeededSections);
    const std::string default_path(kDefaultConfigPath);
    if (std::filesystem::exists(default_path)) {
        return config::load_config_file(default_path, kNeededSections);
    }
    return config::defaults_only(kNeededSections);
}

}  // namespace

void load_ctl_settings(CtlContext& ctx, const std::string& config_path) {
    try {
        const auto cfg = load(config_path);
        log::setup(config::log_settings(cfg, "cusaxctl"));
        ctx.store_settings = runtime::store_settings(cfg);
        ctx.stats_dir = cfg.string("log", "stats_dir");
        ctx.vcard_store_path = cfg.string("xmpp-component", "vcard_store");
        // The section's declaration only allows the names verification_from_string knows.
        ctx.import_verification =
            store::verification_from_string(cfg.string("cusaxctl", "import_verification"))
                .value_or(store::Verification::Unverified);
    } catch (const config::ConfigError& e) {
        throw CommandError(kUsage, e.what());
    }
}

std::string dump_all_config(std::string_view format) {
    if (format == "markdown") return config::markdown_reference(config::all_sections());
    if (format == "ini") return config::dump_config(config::all_sections());
    throw CommandError(kUsage, "--dump-config takes ini or markdown");
}

}  // namespace cusax::ctl
