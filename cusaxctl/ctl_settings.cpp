#include "cusaxctl/ctl_settings.hpp"

#include "cusaxctl/command_error.hpp"

namespace cusax::ctl {

void load_ctl_settings(CtlContext& ctx, const std::string& config_path) {
    if (!config_path.empty()) throw CommandError(kUsage, "TEMPORARY: config loading not wired yet");
    ctx.store_settings.path = "/var/lib/cusax/bindings.sqlite";
    ctx.stats_dir = "/run/cusax";
}

std::string dump_all_config() { return ""; }

}  // namespace cusax::ctl
