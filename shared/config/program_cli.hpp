#pragma once
// The command line every cusax program shares:
//   -c, --config FILE       the configuration file (default /etc/cusax/cusax.ini)
//   --check-config          load and validate it, print "FILE: OK" and exit 0 (and what
//                           the program would warn of at start on stderr), or the errors
//                           on stderr and exit 2
//   --dump-config[=FORMAT]  print every key at its default with its help, as a commented
//                           INI file (ini, the default) or as the README's Markdown
//                           reference (markdown), and exit 0
//   --version               print "NAME VERSION" and exit 0
//   -h, --help              print the usage and exit 0
// plus the program's own options. A bad command line prints the message and the usage on
// stderr and exits 2; so does a configuration error at start-up.
//
//   int main(int argc, char** argv) {
//       po::options_description own("cusax-sip-proxy options");
//       own.add_options()("foreground", "do not detach");
//       auto cli = config::parse_command_line(info, argc, argv, std::cout, std::cerr, {&own});
//       if (cli.exit_code) return *cli.exit_code;
//       run(*cli.config, cli.options);
//   }
#include <boost/program_options.hpp>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "shared/config/config.hpp"

namespace cusax::config {

struct ProgramInfo {
    std::string name;         // "cusax-sip-proxy", as printed by --version and in messages
    std::string description;  // one line, for --help
    std::vector<std::string> needed_sections;  // [log], [store] and the program's own
    // Every section of the file, for validation and --dump-config (config-catalog/).
    const Schema* schema = nullptr;
    std::string default_config_path = "/etc/cusax/cusax.ini";
    std::string usage = "[options]";  // after the name in "Usage: NAME [options]"
    // What the program warns of at start about a valid configuration (an exposed key file),
    // so that --check-config says it too: one line each, never a secret.
    std::function<std::vector<std::string>(const Config&)> warnings{};
};

struct ProgramOptions {
    const boost::program_options::options_description* options = nullptr;  // the program's own
    const boost::program_options::positional_options_description* positional = nullptr;
};

struct CommandLine {
    std::optional<int> exit_code;  // set: return it from main now (everything is printed)
    std::optional<Config> config;  // set when exit_code is not: loaded and valid
    boost::program_options::variables_map options;  // common and program options
};

inline constexpr int exit_ok = 0;
inline constexpr int exit_usage_or_config = 2;  // bad command line or configuration

// When -c is not given and the default file does not exist, the program runs on the
// defaults, unless a needed section has a required key or --check-config was asked: then
// the missing file is the error. The values of secret keys are registered with
// log::register_secret before returning.
CommandLine parse_command_line(const ProgramInfo& info, int argc, const char* const argv[],
                               std::ostream& out, std::ostream& err,
                               const ProgramOptions& program = {});

}  // namespace cusax::config
