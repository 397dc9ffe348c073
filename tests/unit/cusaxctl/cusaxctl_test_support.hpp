#pragma once
// Runs cusaxctl in-process against a store in a fresh temporary directory.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cusaxctl/run_cusaxctl.hpp"

namespace cusax::ctl::testing {

struct CtlResult {
    int code;
    std::string out;
    std::string err;
};

class TempDir {
  public:
    TempDir() {
        std::string pattern = std::filesystem::temp_directory_path() / "cusaxctl-test-XXXXXX";
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

class CtlRunner {
  public:
    CtlRunner() : store_((dir_.path() / "bindings.sqlite").string()) {}

    // cusaxctl --store <temp> ARGS...
    CtlResult run(std::vector<std::string> args) const {
        std::vector<std::string> argv{"cusaxctl", "--store", store_};
        argv.insert(argv.end(), args.begin(), args.end());
        std::ostringstream out, err;
        const int code = run_cusaxctl(argv, out, err);
        return {code, out.str(), err.str()};
    }

    std::filesystem::path write_file(const std::string& name, const std::string& text) const {
        const auto path = dir_.path() / name;
        std::ofstream(path) << text;
        return path;
    }

    const std::filesystem::path& dir() const { return dir_.path(); }
    const std::string& store_path() const { return store_; }

  private:
    TempDir dir_;
    std::string store_;
};

}  // namespace cusax::ctl::testing
