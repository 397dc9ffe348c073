#pragma once
// The first check: the INI file loads with the programs' own loader (config_loader.hpp), whose
// errors name the file, the line and the key. Every later check reads what it holds, so when
// it does not load they are skipped.
#include <optional>
#include <set>
#include <string>

#include "cusaxctl/doctor/check_result.hpp"
#include "shared/config/config.hpp"

namespace cusax::ctl::doctor {

struct LoadedIni {
    std::string path;                      // the file read (the default when -c was not given)
    std::optional<config::Config> config;  // set when it loads
    // The sections the file has: a host that runs one daemon only has no section for the
    // other, and doctor does not expect it to run.
    std::set<std::string, std::less<>> sections;
    CheckResults results;  // the load's verdict, then what the daemons would warn of at start
};

// `config_path` empty: /etc/cusax/cusax.ini (cusaxctl's default).
LoadedIni check_ini(const std::string& config_path);

// What doctor says about a file whose mode lets others read it while it holds a secret.
std::optional<CheckResult> secret_exposure(const std::string& path, unsigned mode,
                                           bool holds_secret);

}  // namespace cusax::ctl::doctor
