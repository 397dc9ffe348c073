// Where each binding of an import came from, kept as a name per file and a line per binding.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>

#include "cusaxctl/input_files.hpp"
#include "cusaxctl/repeated_keys.hpp"

namespace cusax::ctl {
namespace {

TEST(ImportOrigins, NamesTheFileAndLineOfEachBindingAcrossFiles) {
    ImportOrigins origins;
    origins.start("a.csv");
    origins.add(2);
    origins.add(3);
    origins.start("empty.vcf");  // gave no binding
    origins.start("b.csv");
    origins.add(7);
    ASSERT_EQ(origins.size(), 3u);
    EXPECT_EQ(origins.at(0), "a.csv:2");
    EXPECT_EQ(origins.at(1), "a.csv:3");
    EXPECT_EQ(origins.at(2), "b.csv:7");
}

store::Binding binding(std::string aor, std::string jid, std::vector<std::string> numbers = {}) {
    store::Binding b;
    b.aor = std::move(aor);
    b.jid = std::move(jid);
    for (auto& n : numbers) b.numbers.push_back({std::move(n)});
    return b;
}

TEST(RepeatedKeys, TheFirstRepeatInRowOrderWithTheRowThatHadItFirst) {
    const std::vector<store::Binding> bindings = {
        binding("sip:a@x", "a@x", {"+1", "+2"}), binding("sip:b@x", "b@x", {"+3"}),
        binding("sip:c@x", "c@x", {"+2"}),  // repeats a's number
        binding("sip:a@x", "d@x"),          // repeats a's AOR, but later
    };
    const auto repeated = first_repeated_key(bindings, bindings.size());
    ASSERT_TRUE(repeated);
    EXPECT_EQ(repeated->index, 2u);
    EXPECT_EQ(repeated->first_index, 0u);
    EXPECT_EQ(repeated->key, "number +2");
    // Only the first rows are looked at when asked.
    EXPECT_FALSE(first_repeated_key(bindings, 2));
    // Within a row, the AOR comes before the JID.
    const std::vector<store::Binding> both = {binding("sip:a@x", "a@x"), binding("sip:a@x", "a@x")};
    EXPECT_EQ(first_repeated_key(both, 2)->key, "aor sip:a@x");
}

TEST(RepeatedKeys, NoneAmongManyDistinctKeys) {
    std::vector<store::Binding> bindings;
    for (int i = 0; i < 5000; ++i) {
        const auto n = std::to_string(i);
        bindings.push_back(binding("sip:" + n + "@x", n + "@x", {"+1" + n}));
    }
    EXPECT_FALSE(first_repeated_key(bindings, bindings.size()));
    bindings.push_back(binding("sip:new@x", "4999@x"));
    const auto repeated = first_repeated_key(bindings, bindings.size());
    ASSERT_TRUE(repeated);
    EXPECT_EQ(repeated->first_index, 4999u);
    EXPECT_EQ(repeated->key, "jid 4999@x");
}
// Keys that land on the same slot of the table are told apart by comparing them, not taken
// for a repeat: five distinct AORs (and JIDs) all hashed to one slot of the 16 a table of five
// keys has, then a real repeat of one of them.
TEST(RepeatedKeys, KeysOnTheSameSlotAreComparedNotTakenForRepeats) {
    std::vector<std::string> same_slot;
    const auto slot = std::hash<std::string_view>{}("sip:0@x") & 15;
    for (int i = 0; same_slot.size() < 5; ++i) {
        const auto key = "sip:" + std::to_string(i) + "@x";
        if ((std::hash<std::string_view>{}(key)&15) == slot) same_slot.push_back(key);
    }
    std::vector<store::Binding> bindings;
    for (const auto& key : same_slot) bindings.push_back(binding(key, key.substr(4)));
    EXPECT_FALSE(first_repeated_key(bindings, bindings.size()));
    bindings.push_back(binding("sip:other@x", same_slot[2].substr(4)));
    const auto repeated = first_repeated_key(bindings, bindings.size());
    ASSERT_TRUE(repeated);
    EXPECT_EQ(repeated->index, 5u);
    EXPECT_EQ(repeated->first_index, 2u);
    EXPECT_EQ(repeated->key, "jid " + same_slot[2].substr(4));
}

}  // namespace
}  // namespace cusax::ctl
