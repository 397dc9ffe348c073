// A binding of many numbers (a PBX's block of DIDs; the store sets no limit): each of its
// numbers is found, a number it does not list is refused, and another binding's number that
// meets it in the index is told apart, in both profiles and through Snapshot::apply as through
// a build. 70,000 numbers is beyond what a routing entry counts (kept in the full layout),
// 5,000 within it. The numbers are listed out of order, as an operator may list them, and keep
// that order (the vCard lists them so).
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "shared/store/flat_index.hpp"
#include "shared/store/snapshot.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;

const std::string kPbx = "sip:pbx@example.com";

// `count` numbers "+1555<k>", k from 0 to count-1 in a scrambled order and of mixed lengths
// (k has one to five digits), so neither their order nor their lengths follow their text.
std::vector<PhoneNumber> block(std::size_t count, const std::string& prefix = "+1555") {
    std::vector<PhoneNumber> numbers;
    for (std::size_t i = 0; i < count; ++i) {
        numbers.push_back({prefix + std::to_string(i * 7919 % count)});  // 7919: prime
    }
    return numbers;
}

Binding pbx(std::vector<PhoneNumber> numbers) {
    return binding(kPbx, "pbx@example.com", std::move(numbers), Verification::Admin);
}

std::vector<Binding> ordinary(int count) {
    std::vector<Binding> out;
    for (int i = 0; i < count; ++i) {
        const auto n = std::to_string(i);
        out.push_back(binding("sip:u" + n + "@example.com", "u" + n + "@example.com",
                              {{"+4930" + n}, {"+4940" + n}}, Verification::Admin));
    }
    return out;
}

std::optional<std::string> owner(const Snapshot& s, std::string_view number) {
    const auto route = s.route_by_number(number);
    if (!route) return std::nullopt;
    if (s.profile() == SnapshotProfile::full) {  // the full look-up agrees
        const BindingView* view = s.by_number(number);
        EXPECT_NE(view, nullptr) << number;
        if (view) {
            EXPECT_EQ(view->aor, route->aor) << number;
        }
    }
    return std::string(route->aor);
}

// The first, a middle and the last number as listed are the PBX's; keys near them are not.
void expect_lists(const Snapshot& s, const std::vector<PhoneNumber>& numbers) {
    ASSERT_FALSE(numbers.empty());
    for (const std::size_t i : {std::size_t{0}, numbers.size() / 2, numbers.size() - 1}) {
        EXPECT_EQ(owner(s, numbers[i].number), kPbx) << numbers[i].number;
    }
    for (const auto& absent : {std::string("+1555") + std::to_string(numbers.size()),
                               std::string("+1555") + std::to_string(numbers.size() * 10),
                               std::string("+155"), std::string("+1555"), std::string("+15550 "),
                               std::string("+2555") + "0", std::string("")}) {
        EXPECT_EQ(owner(s, absent), std::nullopt) << '"' << absent << '"';
    }
}

// Every number of the PBX and of `others` answers with its own binding.
void expect_every_number(const Snapshot& s, const std::vector<PhoneNumber>& numbers,
                         const std::vector<Binding>& others) {
    std::size_t wrong = 0;
    for (const auto& n : numbers) wrong += owner(s, n.number) != kPbx;
    EXPECT_EQ(wrong, 0u);
    for (const auto& b : others) {
        for (const auto& n : b.numbers) EXPECT_EQ(owner(s, n.number), b.aor) << n.number;
    }
}

struct Case {
    SnapshotProfile profile;
    std::size_t numbers;
};
void PrintTo(const Case& c, std::ostream* out) { *out << to_string(c.profile) << ' ' << c.numbers; }

class ManyNumbers : public ::testing::TestWithParam<Case> {
  protected:
    std::shared_ptr<const Snapshot> build(std::vector<Binding> bindings) const {
        return Snapshot::build(std::move(bindings), 1, GetParam().profile);
    }
    std::size_t count() const { return GetParam().numbers; }
};

TEST_P(ManyNumbers, AnswersForItsFirstMiddleAndLastNumberAndRefusesOthers) {
    const auto numbers = block(count());
    auto bindings = ordinary(50);
    bindings.insert(bindings.begin(), pbx(numbers));
    const auto s = build(bindings);
    expect_lists(*s, numbers);
    expect_every_number(*s, numbers, {bindings.begin() + 1, bindings.end()});
    const auto route = s->route_by_number(numbers.back().number);
    ASSERT_TRUE(route);
    EXPECT_EQ(route->jid, "pbx@example.com");
    EXPECT_EQ(route->verification, Verification::Admin);
}

// The full profile hands out the whole binding: its numbers as listed, for the vCard.
TEST(SnapshotManyNumbers, KeepsTheNumbersInTheOrderListed) {
    for (const std::size_t count : {70'000, 5'000, 40}) {
        const auto numbers = block(count);
        const auto s = Snapshot::build({pbx(numbers)}, 1);
        const BindingView* view = s->by_aor(kPbx);
        ASSERT_NE(view, nullptr);
        ASSERT_EQ(view->numbers.size(), numbers.size());
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            ASSERT_EQ(view->numbers[i].number, numbers[i].number) << count << ": " << i;
        }
    }
}

// A number that starts its probe where one of the PBX's numbers lies in the index (the low 20
// bits of their hashes equal: the same first slot in any index of up to a million slots) meets
// the PBX first, whose entry must say it does not list it, at build and at each look-up.
std::string colliding_with(std::string_view number) {
    const auto want = FlatIndex::hash(number) & 0xfffff;
    for (std::uint64_t k = 0;; ++k) {
        std::string candidate = "+4989" + std::to_string(k);
        if ((FlatIndex::hash(candidate) & 0xfffff) == want) return candidate;
    }
}

TEST_P(ManyNumbers, AnotherBindingsNumberMeetingItInTheIndexIsToldApart) {
    const auto numbers = block(count());
    const std::string theirs = colliding_with(numbers[numbers.size() / 2].number);
    const std::string nobodys = colliding_with(numbers.back().number);
    const Binding other = binding("sip:other@example.com", "other@example.com", {{theirs}});
    const auto s = build({pbx(numbers), other});  // the PBX's slots are taken first
    EXPECT_EQ(owner(*s, theirs), other.aor);
    EXPECT_EQ(owner(*s, numbers[numbers.size() / 2].number), kPbx);
    EXPECT_EQ(owner(*s, nobodys), std::nullopt);
    EXPECT_EQ(owner(*s, numbers.back().number), kPbx);
}

// Snapshot::apply brings, changes and removes the PBX change by change on a base of ordinary
// bindings; each result answers as a build of the same bindings, and the one before it is left
// as it was. (The base's index has room for 5,000 numbers more, which are indexed in place;
// 70,000 make it rebuild the index: both ways are taken.)
TEST_P(ManyNumbers, ApplyAddsChangesAndRemovesItAsABuildWould) {
    const auto others = ordinary(10'000);
    const auto base = build(others);
    const auto with = [&](const std::vector<PhoneNumber>& numbers) {
        auto all = others;
        all.push_back(pbx(numbers));
        return all;
    };
    const auto same_as_build = [&](const Snapshot& got, const std::vector<Binding>& all) {
        if (GetParam().profile == SnapshotProfile::full) {
            test::expect_same_snapshot(got, *build(all), {"+1555", "+2555", "+3555"});
        }
    };

    const auto numbers = block(count());
    const auto added = Snapshot::apply(*base, {{kPbx, pbx(numbers)}}, 2);
    expect_lists(*added, numbers);
    expect_every_number(*added, numbers, others);
    same_as_build(*added, with(numbers));
    EXPECT_EQ(owner(*base, numbers.front().number), std::nullopt);

    // Its first, middle and last numbers go (the middle one to an ordinary binding, in the
    // same change), and new ones come first, between and last.
    auto changed = numbers;
    const std::string first = changed.front().number;
    const std::string middle = changed[changed.size() / 2].number;
    const std::string last = changed.back().number;
    changed.erase(changed.begin() + static_cast<std::ptrdiff_t>(changed.size() / 2));
    changed.erase(changed.begin());
    changed.pop_back();
    changed.insert(changed.begin(), {"+3555" + std::to_string(count())});
    changed.insert(changed.begin() + static_cast<std::ptrdiff_t>(changed.size() / 2), {"+35550"});
    changed.push_back({"+2555"});
    auto took = others[7];
    took.numbers.push_back({middle});
    auto others_after = others;
    others_after[7] = took;
    const auto after = Snapshot::apply(*added, {{kPbx, pbx(changed)}, {took.aor, took}}, 3);
    expect_lists(*after, changed);
    expect_every_number(*after, changed, others_after);
    EXPECT_EQ(owner(*after, first), std::nullopt);
    EXPECT_EQ(owner(*after, last), std::nullopt);
    EXPECT_EQ(owner(*after, middle), took.aor);
    if (GetParam().profile == SnapshotProfile::full) {
        auto all = others_after;
        all.push_back(pbx(changed));
        test::expect_same_snapshot(*after, *build(all), {first, last, "+1555"});
    }
    expect_lists(*added, numbers);  // the snapshot before the change is untouched
    EXPECT_EQ(owner(*added, "+2555"), std::nullopt);

    const auto removed = Snapshot::apply(*after, {{kPbx, std::nullopt}}, 4);
    for (const auto& n : {changed.front(), changed[changed.size() / 2], changed.back()}) {
        EXPECT_EQ(owner(*removed, n.number), std::nullopt) << n.number;
    }
    EXPECT_EQ(owner(*removed, middle), took.aor);
    same_as_build(*removed, others_after);
    expect_lists(*after, changed);
}

INSTANTIATE_TEST_SUITE_P(
    Snapshot, ManyNumbers,
    ::testing::Values(Case{SnapshotProfile::full, 70'000}, Case{SnapshotProfile::full, 5'000},
                      Case{SnapshotProfile::routing, 70'000}, Case{SnapshotProfile::routing, 5'000},
                      Case{SnapshotProfile::routing, 40}),
    [](const auto& test) {
        return std::string(to_string(test.param.profile)) + std::to_string(test.param.numbers);
    });

// An ordinary binding (a few numbers) keeps its entry as it was: nothing beside its numbers'
// views (full) or 16-bit sizes (routing) and their text.
TEST(SnapshotFewNumbers, CostNoMoreThanTheirTextAndOneSizeOrViewEach) {
    const std::vector<PhoneNumber> three = {{"+4930123456"}, {"+4930999"}, {"1234"}};
    const std::size_t text = 11 + 8 + 4;
    const auto bytes = [](std::vector<PhoneNumber> numbers, SnapshotProfile profile) {
        return Snapshot::build({binding("sip:a@x", "a@x", std::move(numbers))}, 1, profile)
            ->memory_bytes();
    };
    EXPECT_EQ(bytes(three, SnapshotProfile::routing) - bytes({}, SnapshotProfile::routing),
              text + 3 * sizeof(std::uint16_t));
    EXPECT_EQ(bytes(three, SnapshotProfile::full) - bytes({}, SnapshotProfile::full),
              text + 3 * sizeof(NumberView));
}

}  // namespace
}  // namespace cusax::store
