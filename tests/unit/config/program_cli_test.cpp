#include "shared/config/program_cli.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_dump.hpp"
#include "shared/config/config_loader.hpp"
#include "shared/log/log.hpp"

namespace cusax::config {
namespace {

// Every section of the file, as the programs validate it.
using config_catalog::all_sections;
namespace po = boost::program_options;

class ProgramCli : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(testing::TempDir()) /
               ("cusax-cli-" +
                std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::create_directories(dir_);
        info_ = {"cusax-test",
                 "A test program.",
                 {"log", "store", "xmpp-component"},
                 &all_sections(),
                 (dir_ / "absent.ini").string()};
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        const auto path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }

    CommandLine run(std::vector<std::string> args, const ProgramOptions& program = {}) {
        args.insert(args.begin(), "cusax-test");
        std::vector<const char*> argv;
        for (const auto& arg : args) argv.push_back(arg.c_str());
        argv.push_back(nullptr);
        out_.str("");
        err_.str("");
        return parse_command_line(info_, static_cast<int>(args.size()), argv.data(), out_, err_,
                                  program);
    }

    static constexpr const char* good_ =
        "[xmpp-component]\ndomain = sip.example.com\nsecret = the-component-secret\n";

    std::filesystem::path dir_;
    ProgramInfo info_;
    std::ostringstream out_;
    std::ostringstream err_;
};

TEST_F(ProgramCli, Version) {
    const auto cli = run({"--version"});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str(), std::string("cusax-test ") + CUSAX_VERSION + "\n");
    EXPECT_EQ(err_.str(), "");
    EXPECT_FALSE(cli.config);
}

TEST_F(ProgramCli, Help) {
    const auto cli = run({"-h"});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str().rfind("Usage: cusax-test [options]\nA test program.\n", 0), 0u);
    for (const auto* option : {"--config", "--check-config", "--dump-config", "--version"}) {
        EXPECT_NE(out_.str().find(option), std::string::npos) << option;
    }
}

TEST_F(ProgramCli, CheckConfigGood) {
    const auto path = write("good.ini", good_);
    const auto cli = run({"--check-config", "-c", path});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str(), path + ": OK\n");
    EXPECT_EQ(err_.str(), "");
}

// What the program warns of at start about a valid file, --check-config says on stderr.
TEST_F(ProgramCli, CheckConfigPrintsTheProgramsWarnings) {
    info_.warnings = [](const Config&) { return std::vector<std::string>{"[s] k: exposed"}; };
    const auto path = write("warned.ini", good_);
    auto cli = run({"-c", path, "--check-config"});
    ASSERT_TRUE(cli.exit_code);
    EXPECT_EQ(*cli.exit_code, exit_ok);
    EXPECT_EQ(out_.str(), path + ": OK\n");
    EXPECT_EQ(err_.str(), path + ": warning: [s] k: exposed\n");
}

TEST_F(ProgramCli, CheckConfigBad) {
    const auto path =
        write("bad.ini", "[log]\nlevle = info\n[xmpp-component]\nsecret = s3cr3t-x\n");
    const auto cli = run({"--config", path, "--check-config"});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(err_.str(), path + ":2: [log] levle: unknown key (did you mean level?)\n" + path +
                              ":3: [xmpp-component] domain: required key is missing\n");
}

TEST_F(ProgramCli, CheckConfigWithoutAFileIsAnError) {
    // Without -c, the default path; --check-config checks a file, so it must be there.
    info_.needed_sections = {"log"};
    const auto cli = run({"--check-config"});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(err_.str(), info_.default_config_path + ": cannot read: No such file or directory\n");
}

TEST_F(ProgramCli, DefaultFileIsRead) {
    write("absent.ini", std::string(good_) + "[log]\nlevel = debug\n");
    const auto cli = run({});
    ASSERT_FALSE(cli.exit_code) << err_.str();
    EXPECT_EQ(cli.config->string("log", "level"), "debug");
}

TEST_F(ProgramCli, MissingDefaultFileRunsOnDefaultsWhenNothingIsRequired) {
    info_.needed_sections = {"log", "store", "cusaxctl"};
    const auto cli = run({});
    ASSERT_FALSE(cli.exit_code) << err_.str();
    EXPECT_EQ(cli.config->string("log", "level"), "info");
    EXPECT_EQ(cli.config->location("log", "level"), "default");
}

TEST_F(ProgramCli, MissingDefaultFileIsAnErrorWhenAKeyIsRequired) {
    const auto cli = run({});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(err_.str(), info_.default_config_path + ": cannot read: No such file or directory\n");
}

TEST_F(ProgramCli, MissingExplicitFile) {
    const auto path = (dir_ / "nope.ini").string();
    info_.needed_sections = {"log"};
    const auto cli = run({"-c", path});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(err_.str(), path + ": cannot read: No such file or directory\n");
}

TEST_F(ProgramCli, ConfigErrorAtStartUp) {
    const auto path = write("bad.ini", std::string(good_) + "server_port = 0\n");
    const auto cli = run({"-c", path});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_FALSE(cli.config);
    EXPECT_EQ(err_.str(),
              path + ":4: [xmpp-component] server_port: must be between 1 and 65535, got \"0\"\n");
}

TEST_F(ProgramCli, DumpConfig) {
    const auto cli = run({"--dump-config"});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str(), dump_config(all_sections()));
    EXPECT_EQ(err_.str(), "");
}

TEST_F(ProgramCli, DumpConfigIgnoresABrokenConfigFile) {
    const auto path = write("bad.ini", "garbage\n");
    const auto cli = run({"-c", path, "--dump-config=ini"});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str(), dump_config(all_sections()));
}

TEST_F(ProgramCli, DumpConfigMarkdown) {
    const auto cli = run({"--dump-config=markdown"});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str(), markdown_reference(all_sections()));
}

TEST_F(ProgramCli, DumpConfigFormatAsNextArgument) {
    // Boost 1.74 takes the next argument as the value of an option with an implicit one.
    const auto cli = run({"--dump-config", "markdown"});
    EXPECT_EQ(cli.exit_code, 0);
    EXPECT_EQ(out_.str(), markdown_reference(all_sections()));
}

TEST_F(ProgramCli, DumpConfigUnknownFormat) {
    const auto cli = run({"--dump-config=xml"});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(err_.str(),
              "cusax-test: --dump-config: unknown format \"xml\" (use ini or markdown)\n");
}

TEST_F(ProgramCli, UnknownOption) {
    const auto cli = run({"--frobnicate"});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(
        err_.str().rfind("cusax-test: unrecognised option '--frobnicate'\nUsage: cusax-test", 0),
        0u)
        << err_.str();
}

TEST_F(ProgramCli, MissingOptionArgument) {
    const auto cli = run({"-c"});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_NE(err_.str().find("Usage: cusax-test"), std::string::npos);
}

TEST_F(ProgramCli, UnexpectedPositionalArgument) {
    const auto path = write("good.ini", good_);
    const auto cli = run({"-c", path, "extra"});
    EXPECT_EQ(cli.exit_code, 2);
    EXPECT_EQ(err_.str().rfind("cusax-test: too many positional options have been specified on "
                               "the command line\nUsage: cusax-test",
                               0),
              0u)
        << err_.str();
}

TEST_F(ProgramCli, ProgramOptionsAndPositionals) {
    po::options_description own("cusax-test options");
    own.add_options()("foreground", "do not detach")(
        "command", po::value<std::vector<std::string>>(), "what to do");
    po::positional_options_description positional;
    positional.add("command", -1);
    const auto path = write("good.ini", good_);
    const auto cli =
        run({"--foreground", "-c", path, "show", "sip:alice@example.com"}, {&own, &positional});
    ASSERT_FALSE(cli.exit_code) << err_.str();
    EXPECT_TRUE(cli.options.count("foreground"));
    EXPECT_EQ(cli.options["command"].as<std::vector<std::string>>(),
              (std::vector<std::string>{"show", "sip:alice@example.com"}));
    EXPECT_EQ(cli.config->string("xmpp-component", "domain"), "sip.example.com");
    run({"-h"}, {&own, &positional});
    EXPECT_NE(out_.str().find("--foreground"), std::string::npos);
}

TEST_F(ProgramCli, SecretsAreRegisteredWithTheLog) {
    const auto path = write("good.ini", good_);
    const auto cli = run({"-c", path});
    ASSERT_FALSE(cli.exit_code) << err_.str();
    std::ostringstream logged;
    log::setup_with_sink({"test", log::Level::info, log::Format::text, ""},
                         std::make_shared<spdlog::sinks::ostream_sink_mt>(logged));
    log::event(log::Level::info, "test.event", "secret is the-component-secret");
    log::flush();
    EXPECT_EQ(logged.str().find("the-component-secret"), std::string::npos) << logged.str();
    EXPECT_NE(logged.str().find("***"), std::string::npos) << logged.str();
}

}  // namespace
}  // namespace cusax::config
