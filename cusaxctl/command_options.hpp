#pragma once
// Argument parsing shared by the commands (Boost.ProgramOptions), with --help for each.
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cusaxctl/ctl_context.hpp"

namespace cusax::ctl {

namespace po = boost::program_options;

struct CommandSpec {
    CommandSpec(std::string name_, std::string usage_, std::string summary_)
        : name(std::move(name_)), usage(std::move(usage_)), summary(std::move(summary_)) {}

    std::string name;     // "add"
    std::string usage;    // "add AOR JID [options]"
    std::string summary;  // one line
    po::options_description options{"Options"};
    po::positional_options_description positional;
};

// Parses args against spec. Returns nullopt after printing --help to ctx.out; throws
// CommandError(kUsage) with the usage line on bad arguments.
std::optional<po::variables_map> parse_command(const CtlContext& ctx, CommandSpec& spec,
                                               const CommandArgs& args);

// The AOR as the store keys it, or CommandError(kRefused) saying why it is not one.
std::string aor_argument(const std::string& text);

// Writes a command's result: `result` as one JSON line with --json, else `text`.
void say(const CtlContext& ctx, const nlohmann::ordered_json& result, const std::string& text);

}  // namespace cusax::ctl
