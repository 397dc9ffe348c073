#include "cusaxctl/run_cusaxctl.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>

#include "cusaxctl/command_doctor.hpp"
#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_reload.hpp"
#include "cusaxctl/ctl_context.hpp"
#include "cusaxctl/ctl_settings.hpp"
#include "shared/log/log.hpp"

namespace cusax::ctl {
namespace {

namespace po = boost::program_options;

struct CommandEntry {
    std::string_view name;
    int (*run)(const CtlContext&, const CommandArgs&);
    std::string_view summary;
};

constexpr CommandEntry kCommands[] = {
    {"init", command_init, "create the store, or migrate it to this version"},
    {"add", command_add, "bind a SIP AOR to a JID"},
    {"remove", command_remove, "remove a binding"},
    {"show", command_show, "show one binding by AOR, JID or number"},
    {"list", command_list, "list every binding (--json for scripts)"},
    {"verify", command_verify, "mark a binding verified (admin, directory or --mutual)"},
    {"unverify", command_unverify, "mark a binding unverified"},
    {"import", command_import, "add bindings from CSV or vCard files, all or nothing"},
    {"import-vcards", command_import_vcards, "copy users' vCards from a XEP-0227 export"},
    {"sync-vcards", command_sync_vcards, "put SIP addresses back into users' vCard4 now"},
    {"export", command_export, "write every binding as CSV"},
    {"stats", command_stats, "show the daemons' counters"},
    {"reload", command_reload, "make the running daemons read the configuration again"},
    {"doctor", command_doctor, "check the deployment end to end, with a fix for each problem"},
};

// Global options come before the command; everything after it belongs to the command.
struct SplitArgs {
    std::vector<std::string> global;
    std::string command;
    CommandArgs command_args;
};

// Whether a global option written as `arg` ("--store", "-c") takes the next argument as its
// value (as declared in `options`, so that the declaration stays the one list of them).
bool takes_value(const po::options_description& options, const std::string& arg) {
    const std::string name = arg.starts_with("--") ? arg.substr(2) : arg;
    const auto* option = options.find_nothrow(name, false);
    return option && option->semantic()->min_tokens() > 0;
}

SplitArgs split(const std::vector<std::string>& argv, const po::options_description& options) {
    SplitArgs out;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto& arg = argv[i];
        if (takes_value(options, arg)) {
            out.global.push_back(arg);
            if (i + 1 < argv.size()) out.global.push_back(argv[++i]);
        } else if (arg.starts_with("-")) {
            out.global.push_back(arg);
        } else {
            out.command = arg;
            out.command_args.assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
            break;
        }
    }
    return out;
}

void print_usage(std::ostream& out, const po::options_description& options) {
    out << "usage: cusaxctl [global options] COMMAND [ARGS...]\n"
           "The operator's tool for the cusax binding store.\n\nCommands:\n";
    std::size_t width = 0;
    for (const auto& command : kCommands) width = std::max(width, command.name.size());
    for (const auto& command : kCommands) {
        out << "  " << command.name << std::string(width + 2 - command.name.size(), ' ')
            << command.summary << '\n';
    }
    out << "\n"
        << options << "\n'cusaxctl COMMAND --help' shows a command's options.\n"
        << "Exit codes: 0 ok, 1 failure, 2 usage or config error, 3 not found, 4 refused "
           "(invalid or conflicting), 5 bad import file, 6 store error, 7 no stats, 8 a doctor "
           "check failed.\n";
}

}  // namespace

int run_cusaxctl(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
    po::options_description options("Global options");
    const std::string config_help =
        "INI file (default: " + std::string(kDefaultConfigPath) + " when it exists)";
    options.add_options()                                                                   //
        ("config,c", po::value<std::string>(), config_help.c_str())                         //
        ("store", po::value<std::string>(), "binding store file (overrides [store] path)")  //
        ("vcard-store", po::value<std::string>(),
         "users' vCard store: a file, or postgresql for the [store] database (overrides "
         "[xmpp-component] vcard_store)")                   //
        ("json", "machine-readable output (JSON)")          //
        ("check-config", "validate the INI file and exit")  //
        ("dump-config", po::value<std::string>()->implicit_value("ini"),
         "print every key with its default and help: ini (a commented INI) or markdown")  //
        ("version", "print the version and exit")                                         //
        ("help,h", "show this help");
    const auto args = split(argv, options);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args.global).options(options).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        err << "cusaxctl: " << e.what() << "\n";
        print_usage(err, options);
        return kUsage;
    }
    if (vm.count("help")) {
        print_usage(out, options);
        return kOk;
    }
    if (vm.count("version")) {
        out << "cusaxctl " << CUSAX_VERSION << '\n';
        return kOk;
    }
    CtlContext ctx;
    ctx.out = &out;
    ctx.err = &err;
    ctx.json = vm.count("json") > 0;
    try {
        if (vm.count("dump-config")) {
            out << dump_all_config(vm["dump-config"].as<std::string>());
            return kOk;
        }
        const auto config_path =
            vm.count("config") ? vm["config"].as<std::string>() : std::string();
        ctx.config_path = config_path;
        try {
            load_ctl_settings(ctx, config_path);
        } catch (const CommandError&) {
            // doctor reports a file that does not load as one of its own checks.
            if (args.command != "doctor" || vm.count("check-config")) throw;
        }
        if (vm.count("check-config")) {
            out << (config_path.empty() ? std::string("defaults") : config_path) << ": OK\n";
            return kOk;
        }
        if (vm.count("store")) ctx.store_settings.path = vm["store"].as<std::string>();
        if (vm.count("vcard-store")) ctx.vcard_store_path = vm["vcard-store"].as<std::string>();
        if (args.command.empty()) {
            print_usage(err, options);
            return kUsage;
        }
        for (const auto& command : kCommands) {
            if (command.name == args.command) return command.run(ctx, args.command_args);
        }
        throw CommandError(kUsage,
                           "unknown command \"" + args.command + "\" (cusaxctl --help lists them)");
    } catch (const CommandError& e) {
        err << "cusaxctl: " << e.what() << '\n';
        return e.code;
    } catch (const store::StoreError& e) {
        err << "cusaxctl: " << e.what() << '\n';
        return kStoreError;
    } catch (const std::exception& e) {
        err << "cusaxctl: " << e.what() << '\n';
        return kFailure;
    }
}

}  // namespace cusax::ctl
