#pragma once
// Log lines, captured for one test (the process's logger, pointed at a string while it lives).
#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "shared/log/log.hpp"

namespace cusax::xmpp::testing {

class LogCapture {
  public:
    explicit LogCapture(log::Level level = log::Level::info) {
        log::setup_with_sink({"test", level, log::Format::text, ""},
                             std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    }
    // Later tests in the same process must not log into out_ once it is gone.
    ~LogCapture() { log::setup({"test", log::Level::info, log::Format::text, ""}); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::vector<std::string> lines(std::string_view event) {
        log::flush();
        std::vector<std::string> found;
        std::istringstream in(out_.str());
        for (std::string line; std::getline(in, line);) {
            if (line.find(" " + std::string(event) + " ") != std::string::npos) {
                found.push_back(line);
            }
        }
        return found;
    }

  private:
    std::ostringstream out_;
};

}  // namespace cusax::xmpp::testing
