#include "shared/config/program_cli.hpp"

#include <filesystem>

#include "shared/config/config_dump.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/log/log.hpp"

#ifndef CUSAX_VERSION
#error "CUSAX_VERSION must be defined by the build (shared/CMakeLists.txt)"
#endif

namespace cusax::config {
namespace po = boost::program_options;

namespace {

po::options_description common_options(const ProgramInfo& info) {
    po::options_description common("Common options");
    common.add_options()  //
        ("config,c", po::value<std::string>()->value_name("FILE"),
         ("configuration file (default " + info.default_config_path + ")").c_str())        //
        ("check-config", "load and validate the configuration, print FILE: OK, and exit")  //
        ("dump-config", po::value<std::string>()->implicit_value("ini")->value_name("FORMAT"),
         "print every key with its default and help, and exit; FORMAT: ini (default) or "
         "markdown (the README's reference)")      //
        ("version", "print the version and exit")  //
        ("help,h", "print this help and exit");
    return common;
}

void print_usage(const ProgramInfo& info, const po::options_description& all, std::ostream& to) {
    to << "Usage: " << info.name << " " << info.usage << "\n";
    if (!info.description.empty()) to << info.description << "\n";
    to << "\n" << all;
}

const Schema& schema_of(const ProgramInfo& info) {
    if (!info.schema) throw std::logic_error("config: " + info.name + " names no schema");
    return *info.schema;
}

Config load(const ProgramInfo& info, const po::variables_map& options) {
    const auto& schema = schema_of(info);
    if (options.count("config")) {
        return load_config_file(options["config"].as<std::string>(), info.needed_sections, schema);
    }
    const auto& path = info.default_config_path;
    std::error_code ignored;
    if (options.count("check-config") || std::filesystem::exists(path, ignored)) {
        return load_config_file(path, info.needed_sections, schema);
    }
    try {
        return defaults_only(info.needed_sections, schema);
    } catch (const ConfigError&) {
        // A required key has no default: the missing file is the real problem.
        return load_config_file(path, info.needed_sections, schema);
    }
}

}  // namespace

CommandLine parse_command_line(const ProgramInfo& info, int argc, const char* const argv[],
                               std::ostream& out, std::ostream& err,
                               const ProgramOptions& program) {
    CommandLine result;
    po::options_description all;
    all.add(common_options(info));
    if (program.options) all.add(*program.options);

    try {
        po::command_line_parser parser(argc, argv);
        parser.options(all);
        // Without a description of its own, an empty one: Boost then refuses a stray
        // argument ("too many positional options") instead of silently dropping it.
        const po::positional_options_description none;
        parser.positional(program.positional ? *program.positional : none);
        po::store(parser.run(), result.options);
        po::notify(result.options);
    } catch (const po::error& e) {
        err << info.name << ": " << e.what() << "\n";
        print_usage(info, all, err);
        result.exit_code = exit_usage_or_config;
        return result;
    }
    const auto& options = result.options;

    if (options.count("help")) {
        print_usage(info, all, out);
        result.exit_code = exit_ok;
        return result;
    }
    if (options.count("version")) {
        out << info.name << " " << CUSAX_VERSION << "\n";
        result.exit_code = exit_ok;
        return result;
    }
    if (options.count("dump-config")) {
        const auto& format = options["dump-config"].as<std::string>();
        if (format == "ini") {
            out << dump_config(schema_of(info));
        } else if (format == "markdown") {
            out << markdown_reference(schema_of(info));
        } else {
            err << info.name << ": --dump-config: unknown format \"" << format
                << "\" (use ini or markdown)\n";
            result.exit_code = exit_usage_or_config;
            return result;
        }
        result.exit_code = exit_ok;
        return result;
    }

    try {
        result.config.emplace(load(info, options));
    } catch (const ConfigError& e) {
        for (const auto& message : e.errors()) err << message << "\n";
        result.exit_code = exit_usage_or_config;
        return result;
    }
    if (options.count("check-config")) {
        if (info.warnings)
            for (const auto& warning : info.warnings(*result.config))
                err << result.config->file() << ": warning: " << warning << "\n";
        out << result.config->file() << ": OK\n";
        result.exit_code = exit_ok;
        result.config.reset();
        return result;
    }
    for (auto& secret : result.config->secret_values()) log::register_secret(std::move(secret));
    return result;
}

}  // namespace cusax::config
