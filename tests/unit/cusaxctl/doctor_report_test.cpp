// cusaxctl doctor's report: a verdict word per check, the fix beneath what is not ok, a count,
// and the same as JSON.
#include "cusaxctl/doctor/doctor_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace cusax::ctl::doctor {
namespace {

const CheckResults kResults{
    {"store", Verdict::ok, "sqlite /x opens", "never shown"},
    {"next hop", Verdict::fail, "sip:127.0.0.1:5060 (UDP): no answer", "start it"},
    {"socket buffers", Verdict::warning, "receive above the cap\nsend fits", "sysctl -w a=1"},
    {"certificate", Verdict::skipped, "none configured", ""},
};

TEST(DoctorReport, EachCheckHasItsVerdictWordAndTheFixOnlyWhenNotOk) {
    std::ostringstream out;
    write_text_report(out, kResults);
    const auto text = out.str();
    EXPECT_NE(text.find("ok       store           sqlite /x opens\n"), std::string::npos) << text;
    EXPECT_NE(text.find("FAIL     next hop        sip:127.0.0.1:5060 (UDP): no answer\n"
                        "                         fix: start it\n"),
              std::string::npos)
        << text;
    // A detail of two lines keeps its column.
    EXPECT_NE(text.find("warning  socket buffers  receive above the cap\n"
                        "                         send fits\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("never shown"), std::string::npos) << text;
    EXPECT_NE(text.find("doctor: 1 ok, 1 warning, 1 FAIL, 1 skipped\n"), std::string::npos);
}

TEST(DoctorReport, LongLinesWrapBetweenWordsInTheirColumn) {
    std::ostringstream out;
    write_text_report(
        out, {{"x", Verdict::fail, std::string(60, 'a') + " " + std::string(60, 'b'), ""}});
    EXPECT_NE(out.str().find(std::string(60, 'a') + "\n" + std::string(12, ' ') +
                             std::string(60, 'b') + "\n"),
              std::string::npos)
        << out.str();
}

TEST(DoctorReport, JsonHasEveryCheckAndTheCounts) {
    std::ostringstream out;
    write_json_report(out, kResults);
    const auto doc = nlohmann::json::parse(out.str());
    EXPECT_EQ(doc["failed"], 1);
    EXPECT_EQ(doc["warnings"], 1);
    ASSERT_EQ(doc["checks"].size(), 4u);
    EXPECT_EQ(doc["checks"][1]["check"], "next hop");
    EXPECT_EQ(doc["checks"][1]["verdict"], "FAIL");
    EXPECT_EQ(doc["checks"][1]["fix"], "start it");
}

TEST(DoctorReport, OnlyAFailFailsTheRun) {
    EXPECT_TRUE(any_failed(kResults));
    EXPECT_FALSE(any_failed({kResults[0], kResults[2], kResults[3]}));
    EXPECT_EQ(worse(Verdict::ok, Verdict::warning), Verdict::warning);
    EXPECT_EQ(worse(Verdict::fail, Verdict::warning), Verdict::fail);
    EXPECT_EQ(worse(Verdict::skipped, Verdict::ok), Verdict::ok);
}

}  // namespace
}  // namespace cusax::ctl::doctor
