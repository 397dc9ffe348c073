#include "shared/log/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace cusax::log {
namespace {

class LogTest : public ::testing::Test {
  protected:
    std::string capture(Format format, Level level, const std::function<void()>& body) {
        std::ostringstream out;
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
        setup_with_sink({"test-prog", level, format, ""}, sink);
        body();
        flush();
        return out.str();
    }
};

TEST_F(LogTest, TextLineCarriesEventFieldsAndMessage) {
    const auto line = capture(Format::text, Level::info, [] {
        event(Level::info, "call_info.inserted", "Call-Info added",
              {{"call_id", "abc@host"}, {"aor", "sip:alice@example.com"}});
    });
    EXPECT_NE(line.find(" info test-prog call_info.inserted call_id=abc@host "
                        "aor=sip:alice@example.com msg=\"Call-Info added\"\n"),
              std::string::npos)
        << line;
}

TEST_F(LogTest, TextEscapesNetworkTextSoItCannotForgeALine) {
    const auto text = capture(Format::text, Level::info, [] {
        event(Level::info, "sip.bad_message", "", {{"call_id", "x\r\n2026 error forged"}});
    });
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_NE(text.find(R"(call_id="x\r\n2026 error forged")"), std::string::npos) << text;
}

TEST_F(LogTest, JsonLineParsesBackWithEveryField) {
    const auto line = capture(Format::json, Level::info, [] {
        event(Level::warn, "stanza.refused", "quote \" and \\ backslash",
              {{"stanza_id", "q1"}, {"peer", "bob@example.com/res"}});
    });
    const auto doc = nlohmann::json::parse(line);
    EXPECT_EQ(doc.at("level"), "warning");
    EXPECT_EQ(doc.at("program"), "test-prog");
    EXPECT_EQ(doc.at("event"), "stanza.refused");
    EXPECT_EQ(doc.at("stanza_id"), "q1");
    EXPECT_EQ(doc.at("peer"), "bob@example.com/res");
    EXPECT_EQ(doc.at("msg"), "quote \" and \\ backslash");
    EXPECT_TRUE(doc.contains("ts"));
}

TEST_F(LogTest, JsonSurvivesInvalidUtf8) {
    const auto line = capture(Format::json, Level::info, [] {
        event(Level::info, "sip.bad_message", "", {{"call_id", "\xff\xfe"}});
    });
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST_F(LogTest, LinesBelowTheLevelAreNotWritten) {
    const auto text = capture(Format::text, Level::warn, [] {
        event(Level::info, "hidden", "");
        event(Level::error, "shown", "");
    });
    EXPECT_EQ(text.find("hidden"), std::string::npos);
    EXPECT_NE(text.find("shown"), std::string::npos);
}

TEST_F(LogTest, RegisteredSecretIsMaskedInEveryFormat) {
    register_secret("s3cr3t-component-key");
    for (auto format : {Format::text, Format::json}) {
        const auto text = capture(format, Level::debug, [] {
            event(Level::info, "oops", "message with s3cr3t-component-key",
                  {{"value", "xs3cr3t-component-keyx"}});
        });
        EXPECT_EQ(text.find("s3cr3t-component-key"), std::string::npos) << text;
        EXPECT_NE(text.find("***"), std::string::npos) << text;
    }
}

TEST_F(LogTest, RateLimitedLogHoldsBackABurstAndReportsHowMany) {
    const auto text = capture(Format::text, Level::debug, [] {
        RateLimitedLog garbage("sip-garbage", 3, 3600);
        for (int i = 0; i < 10; ++i) garbage.event(Level::info, "sip.garbage", "dropped");
    });
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
}

TEST(LogNames, LevelsAndFormatsParse) {
    EXPECT_EQ(level_from_string("debug"), Level::debug);
    EXPECT_EQ(level_from_string("loud"), std::nullopt);
    EXPECT_EQ(format_from_string("json"), Format::json);
    EXPECT_EQ(format_from_string("xml"), std::nullopt);
}

}  // namespace
}  // namespace cusax::log

namespace cusax::log {
namespace {

TEST(LogFile, InfoLinesReachTheFileWithinSeconds) {
    std::string pattern = (std::filesystem::temp_directory_path() / "cusax-log-XXXXXX");
    const std::filesystem::path dir = ::mkdtemp(pattern.data());
    const auto file = dir / "cusax.log";
    setup({"test-prog", Level::info, Format::text, file.string()});
    event(Level::info, "xmpp.connected", "component stream authenticated");
    auto contents = [&] {
        std::ifstream in(file);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (contents().find("xmpp.connected") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_NE(contents().find("xmpp.connected"), std::string::npos)
        << "an info line was still buffered after 5 s";
    setup({"test-prog", Level::info, Format::text, ""});  // release the file
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cusax::log
