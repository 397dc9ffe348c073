// SIGHUP's log part: the running logger takes a new level and format, same sink.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "shared/log/log.hpp"

namespace cusax::log {
namespace {

TEST(LogReconfigure, NewLevelAndFormatApplyToTheNextLine) {
    std::ostringstream out;
    setup_with_sink({"test-prog", Level::info, Format::text, ""},
                    std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    event(Level::debug, "before.reload", "");
    reconfigure(Level::debug, Format::json);
    event(Level::debug, "after.reload", "");
    flush();
    const std::string text = out.str();
    EXPECT_EQ(text.find("before.reload"), std::string::npos) << text;
    EXPECT_NE(text.find("\"event\":\"after.reload\""), std::string::npos) << text;
    EXPECT_EQ(text.front(), '{') << text;
}

}  // namespace
}  // namespace cusax::log
