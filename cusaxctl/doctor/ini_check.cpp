#include "cusaxctl/doctor/ini_check.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config-catalog/config_catalog.hpp"
#include "cusaxctl/ctl_settings.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/config/ini_document.hpp"
#include "sip-proxy/proxy_config.hpp"

namespace cusax::ctl::doctor {
namespace {

constexpr std::string_view kCheck = "configuration";

// The sections every cusaxctl command needs (ctl_settings.cpp reads the same ones).
const std::vector<std::string> kNeededSections{"log", "store", "cusaxctl"};

std::set<std::string, std::less<>> sections_of(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::set<std::string, std::less<>> out;
    for (const auto& section : config::read_ini(text.str()).sections) out.insert(section.name);
    return out;
}

}  // namespace

std::optional<CheckResult> secret_exposure(const std::string& path, unsigned mode,
                                           bool holds_secret) {
    if (!holds_secret || (mode & S_IROTH) == 0) return std::nullopt;
    return CheckResult{std::string(kCheck), Verdict::warning,
                       path + " holds the component secret and every user may read it",
                       "chown root:cusax " + path + "; chmod 640 " + path};
}

LoadedIni check_ini(const std::string& config_path) {
    LoadedIni out;
    out.path = config_path.empty() ? std::string(kDefaultConfigPath) : config_path;
    std::error_code ec;
    if (config_path.empty() && !std::filesystem::exists(out.path, ec)) {
        out.results.push_back({std::string(kCheck), Verdict::fail,
                               "no configuration file: " + out.path + " does not exist",
                               "cusaxctl -c FILE doctor, with the file the daemons use"});
        return out;
    }
    try {
        out.config =
            config::load_config_file(out.path, kNeededSections, config_catalog::all_sections());
    } catch (const config::ConfigError& e) {
        // The loader's messages name file, line, section and key, and never a secret's value.
        out.results.push_back({std::string(kCheck), Verdict::fail, e.what(),
                               "correct the lines named above; cusaxctl -c " + out.path +
                                   " --check-config checks the file again"});
        return out;
    }
    out.sections = sections_of(out.path);
    out.results.push_back({std::string(kCheck), Verdict::ok, out.path + " loads", ""});
    // What the daemons would warn of at start (an exposed branch key file), and the secret.
    for (auto& warning : sip_proxy::proxy_config_warnings(*out.config)) {
        out.results.push_back({std::string(kCheck), Verdict::warning, warning,
                               "chmod 0400 the file, owned by the proxy's user"});
    }
    struct stat st {};
    const bool holds_secret = !out.config->secret_values().empty();
    if (::stat(out.path.c_str(), &st) == 0) {
        if (auto exposed = secret_exposure(out.path, st.st_mode, holds_secret)) {
            out.results.push_back(std::move(*exposed));
        }
    }
    return out;
}

}  // namespace cusax::ctl::doctor
