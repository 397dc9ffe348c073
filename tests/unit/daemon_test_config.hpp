#pragma once
// For tests that build a daemon's runtime (shared/runtime): a temporary directory holding an
// empty binding store, and the [log], [store] and [metrics] sections pointing there, with no
// metrics endpoint (the tests call what it would serve directly).
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "shared/config/config_loader.hpp"
#include "shared/config/metrics_section.hpp"
#include "shared/config/shared_sections.hpp"
#include "shared/store/binding_store.hpp"

namespace cusax::test {

class DaemonTestDir {
  public:
    DaemonTestDir() {
        std::string pattern = std::filesystem::temp_directory_path() / "cusax-daemon-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        store::open_store({"sqlite", store(), 5000});  // created, empty
    }
    ~DaemonTestDir() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    DaemonTestDir(const DaemonTestDir&) = delete;
    DaemonTestDir& operator=(const DaemonTestDir&) = delete;

    std::string store() const { return (dir_ / "bindings.sqlite").string(); }

    config::Config config() const {
        const config::Schema sections{config::log_section(), config::store_section(),
                                      config::metrics_section()};
        return config::load_config_string(
            "[log]\nlevel = warn\nstats_dir = " + (dir_ / "stats").string() +
                "\nstats_interval = 0s\n[store]\npath = " + store() + "\n",
            "test.ini", {"log", "store", "metrics"}, sections);
    }

  private:
    std::filesystem::path dir_;
};

}  // namespace cusax::test
