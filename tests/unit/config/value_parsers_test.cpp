#include "shared/config/value_parsers.hpp"

#include <gtest/gtest.h>

namespace cusax::config {
namespace {
using namespace std::chrono_literals;

std::chrono::milliseconds duration_of(std::string_view text) {
    std::chrono::milliseconds out{-1};
    EXPECT_EQ(parse_duration(text, out), "") << text;
    return out;
}

std::uint64_t size_of(std::string_view text) {
    std::uint64_t out = 0;
    EXPECT_EQ(parse_size(text, out), "") << text;
    return out;
}

TEST(ValueParsers, Durations) {
    EXPECT_EQ(duration_of("250ms"), 250ms);
    EXPECT_EQ(duration_of("5s"), 5s);
    EXPECT_EQ(duration_of("2m"), 2min);
    EXPECT_EQ(duration_of("1h"), 1h);
    EXPECT_EQ(duration_of("0s"), 0ms);
}

TEST(ValueParsers, DurationsRefused) {
    std::chrono::milliseconds out{};
    EXPECT_EQ(parse_duration("5", out),
              "a duration needs a unit: ms, s, m or h (e.g. 5s or 250ms)");
    EXPECT_NE(parse_duration("", out), "");
    EXPECT_NE(parse_duration("-5s", out), "");
    EXPECT_NE(parse_duration("1.5s", out), "");
    EXPECT_NE(parse_duration("5 s", out), "");
    EXPECT_NE(parse_duration("5S", out), "");
    EXPECT_NE(parse_duration("s", out), "");
    EXPECT_EQ(parse_duration("99999999999999999h", out), "duration too large");
    EXPECT_NE(parse_duration("99999999999999999999999ms", out), "");
}

TEST(ValueParsers, Sizes) {
    EXPECT_EQ(size_of("1048576"), 1048576u);
    EXPECT_EQ(size_of("64KiB"), 65536u);
    EXPECT_EQ(size_of("4MiB"), 4u << 20);
    EXPECT_EQ(size_of("1GiB"), 1u << 30);
    EXPECT_EQ(size_of("4mib"), 4u << 20);
    EXPECT_EQ(size_of("0"), 0u);
}

TEST(ValueParsers, SizesRefused) {
    std::uint64_t out = 0;
    EXPECT_NE(parse_size("4MB", out), "");
    EXPECT_NE(parse_size("4M", out), "");
    EXPECT_NE(parse_size("", out), "");
    EXPECT_NE(parse_size("-1", out), "");
    EXPECT_NE(parse_size("4 MiB", out), "");
    EXPECT_EQ(parse_size("99999999999GiB", out), "size too large");
}

TEST(ValueParsers, Booleans) {
    for (const auto* word : {"true", "yes", "on", "1", "TRUE", "Yes"}) {
        bool out = false;
        EXPECT_EQ(parse_boolean(word, out), "") << word;
        EXPECT_TRUE(out) << word;
    }
    for (const auto* word : {"false", "no", "off", "0", "Off"}) {
        bool out = true;
        EXPECT_EQ(parse_boolean(word, out), "") << word;
        EXPECT_FALSE(out) << word;
    }
    bool out = false;
    EXPECT_NE(parse_boolean("", out), "");
    EXPECT_NE(parse_boolean("2", out), "");
    EXPECT_NE(parse_boolean("enabled", out), "");
}

TEST(ValueParsers, Integers) {
    std::int64_t out = 0;
    EXPECT_EQ(parse_integer("5347", out), "");
    EXPECT_EQ(out, 5347);
    EXPECT_EQ(parse_integer("-12", out), "");
    EXPECT_EQ(out, -12);
    EXPECT_EQ(parse_integer("+7", out), "");
    EXPECT_EQ(out, 7);
    EXPECT_EQ(parse_integer("", out), "expected an integer");
    EXPECT_EQ(parse_integer("12abc", out), "expected an integer");
    EXPECT_EQ(parse_integer("0x10", out), "expected an integer");
    EXPECT_EQ(parse_integer("1 2", out), "expected an integer");
    EXPECT_EQ(parse_integer("99999999999999999999", out), "integer out of range");
}

TEST(ValueParsers, Lists) {
    using List = std::vector<std::string>;
    EXPECT_EQ(split_list(""), List{});
    EXPECT_EQ(split_list("   "), List{});
    EXPECT_EQ(split_list("INVITE"), List{"INVITE"});
    EXPECT_EQ(split_list(" a ,b,  c "), (List{"a", "b", "c"}));
    EXPECT_EQ(split_list("a,,b"), (List{"a", "", "b"}));
    EXPECT_EQ(split_list("a,"), (List{"a", ""}));
}

TEST(ValueParsers, Formatting) {
    EXPECT_EQ(format_duration(0ms), "0s");
    EXPECT_EQ(format_duration(50ms), "50ms");
    EXPECT_EQ(format_duration(1500ms), "1500ms");
    EXPECT_EQ(format_duration(1000ms), "1s");
    EXPECT_EQ(format_duration(90s), "90s");
    EXPECT_EQ(format_duration(60s), "1m");
    EXPECT_EQ(format_duration(2h), "2h");
    EXPECT_EQ(format_size(0), "0");
    EXPECT_EQ(format_size(1000), "1000");
    EXPECT_EQ(format_size(65536), "64KiB");
    EXPECT_EQ(format_size(4u << 20), "4MiB");
    EXPECT_EQ(format_size(3ull << 30), "3GiB");
}

TEST(ValueParsers, QuoteEscapes) {
    EXPECT_EQ(quote("abc"), "\"abc\"");
    EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(quote("a\nb\tc\x7f"), "\"a\\x0ab\\x09c\\x7f\"");
    EXPECT_EQ(quote("é"), "\"é\"");  // UTF-8 passes through
}

TEST(ValueParsers, Trim) {
    EXPECT_EQ(trim("  a b \t"), "a b");
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \r\n"), "");
}

}  // namespace
}  // namespace cusax::config
