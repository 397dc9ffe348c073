#pragma once
// cusaxctl's view of the INI file: [store], [log] stats_dir and [cusaxctl].
#include <string>
#include <string_view>

#include "cusaxctl/ctl_context.hpp"

namespace cusax::ctl {

constexpr std::string_view kDefaultConfigPath = "/etc/cusax/cusax.ini";

// Fills ctx from the file (or, with an empty path, from kDefaultConfigPath when it exists,
// else the declared defaults). Throws CommandError(kUsage) with every config error.
void load_ctl_settings(CtlContext& ctx, const std::string& config_path);

// Every section's keys with defaults and help: "ini" (a commented INI) or "markdown" (the
// README's reference).
std::string dump_all_config(std::string_view format);

}  // namespace cusax::ctl
