#include "cusaxctl/command_options.hpp"

#include "cusaxctl/command_error.hpp"
#include "shared/address/sip_address.hpp"

namespace cusax::ctl {

std::optional<po::variables_map> parse_command(const CtlContext& ctx, CommandSpec& spec,
                                               const CommandArgs& args) {
    spec.options.add_options()("help,h", "show this help");
    po::variables_map vm;
    try {
        po::store(
            po::command_line_parser(args).options(spec.options).positional(spec.positional).run(),
            vm);
        if (vm.count("help")) {
            *ctx.out << "usage: cusaxctl " << spec.usage << "\n"
                     << spec.summary << "\n\n"
                     << spec.options;
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw CommandError(kUsage, std::string(e.what()) + "\nusage: cusaxctl " + spec.usage +
                                       "  (cusaxctl " + spec.name + " --help)");
    }
    return vm;
}

std::string aor_argument(const std::string& text) {
    auto aor = address::normalise_aor(text);
    if (!aor) throw CommandError(kRefused, "\"" + text + "\": " + aor.error);
    return *aor.value;
}

void say(const CtlContext& ctx, const nlohmann::ordered_json& result, const std::string& text) {
    if (ctx.json) {
        *ctx.out << result.dump() << '\n';
    } else {
        *ctx.out << text << '\n';
    }
}

}  // namespace cusax::ctl
