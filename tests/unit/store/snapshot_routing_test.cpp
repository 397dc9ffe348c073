// The routing profile (snapshot_profile.hpp): a snapshot that keeps only what the SIP proxy
// reads of a binding, and answers the proxy's look-ups exactly as a full one does.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "shared/store/snapshot.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;

std::vector<Binding> sample_bindings() {
    return {
        binding("sip:alice@example.com", "alice@example.com",
                {{"+4930123456", true, false}, {"+4930999", true, true}}, Verification::Admin,
                "Alice"),
        binding("sip:bob@example.com", "bob@example.com", {{"+4940777"}}, Verification::Unverified,
                "Bob"),
        binding("sip:carol@example.com", "carol@example.com", {}, Verification::Mutual),
        binding("sip:dave@example.com", "dave@example.com", {{"1234"}}, Verification::Directory),
    };
}

std::shared_ptr<const Snapshot> routing(std::vector<Binding> bindings, std::uint64_t g = 1) {
    return Snapshot::build(std::move(bindings), g, SnapshotProfile::routing);
}

void expect_same_route(const std::optional<BindingRoute>& got,
                       const std::optional<BindingRoute>& want, const std::string& key) {
    ASSERT_EQ(got.has_value(), want.has_value()) << key;
    if (!want) return;
    EXPECT_EQ(got->aor, want->aor) << key;
    EXPECT_EQ(got->jid, want->jid) << key;
    EXPECT_EQ(got->verification, want->verification) << key;
}

// Every key of `bindings` (and `others`) answers the same from both snapshots' route look-ups.
void expect_same_routes(const Snapshot& got, const Snapshot& want,
                        const std::vector<Binding>& bindings,
                        const std::vector<std::string>& others = {}) {
    ASSERT_EQ(got.size(), want.size());
    for (const auto& b : bindings) {
        expect_same_route(got.route_by_aor(b.aor), want.route_by_aor(b.aor), b.aor);
        for (const auto& n : b.numbers) {
            expect_same_route(got.route_by_number(n.number), want.route_by_number(n.number),
                              n.number);
        }
    }
    for (const auto& key : others) {
        expect_same_route(got.route_by_aor(key), want.route_by_aor(key), key);
        expect_same_route(got.route_by_number(key), want.route_by_number(key), key);
    }
}

TEST(RoutingSnapshot, FindsEveryAorAndNumberButKeepsOnlyAVerifiedBindingsJid) {
    const auto s = routing(sample_bindings(), 7);
    EXPECT_EQ(s->profile(), SnapshotProfile::routing);
    EXPECT_EQ(s->size(), 4u);
    EXPECT_EQ(s->generation(), 7u);

    const auto bob = s->route_by_aor("sip:bob@example.com");
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->aor, "sip:bob@example.com");
    EXPECT_EQ(bob->jid, "");  // unverified: the proxy never announces it, so it is not kept
    EXPECT_EQ(bob->verification, Verification::Unverified);
    const auto bob_by_number = s->route_by_number("+4940777");
    ASSERT_TRUE(bob_by_number);
    EXPECT_EQ(bob_by_number->aor, "sip:bob@example.com");

    const auto alice = s->route_by_number("+4930999");  // the second of two numbers
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->aor, "sip:alice@example.com");
    EXPECT_EQ(alice->jid, "alice@example.com");
    EXPECT_EQ(alice->verification, Verification::Admin);
    ASSERT_TRUE(s->route_by_aor("sip:carol@example.com"));  // no numbers at all
    EXPECT_EQ(s->route_by_aor("sip:carol@example.com")->jid, "carol@example.com");
    EXPECT_EQ(s->route_by_number("1234")->jid, "dave@example.com");

    EXPECT_FALSE(s->route_by_aor("sip:nobody@example.com"));
    EXPECT_FALSE(s->route_by_aor("bob@example.com"));  // a JID is not an AOR
    EXPECT_FALSE(s->route_by_number("+493012345"));    // a prefix is not the number
    EXPECT_FALSE(s->route_by_number(""));
}

TEST(RoutingSnapshot, AnswersTheProxysLookUpsExactlyAsAFullSnapshotDoes) {
    const auto bindings = sample_bindings();
    const auto full = Snapshot::build(bindings, 1);
    EXPECT_EQ(full->profile(), SnapshotProfile::full);
    // The full profile hides an unverified binding's JID from route look-ups too: the proxy
    // behaves the same whichever profile it is given.
    EXPECT_EQ(full->route_by_aor("sip:bob@example.com")->jid, "");
    expect_same_routes(*routing(bindings), *full, bindings, {"sip:nobody@example.com", "+1"});
}

// Not only hidden from the look-ups (the full profile hides it too): not kept at all.
TEST(RoutingSnapshot, KeepsNoMemoryForTheJidOfAnUnverifiedBinding) {
    const auto with = [](Verification v) {
        return routing({binding("sip:a@example.com", "a-rather-long-jid@example.com", {}, v)})
            ->memory_bytes();
    };
    EXPECT_EQ(with(Verification::Admin) - with(Verification::Unverified),
              std::string_view("a-rather-long-jid@example.com").size());
}

TEST(RoutingSnapshot, HasNoJidIndexNorWholeBindingsToHandOut) {
    const auto s = routing(sample_bindings());
    EXPECT_THROW(s->by_jid("alice@example.com"), std::logic_error);
    EXPECT_THROW(s->by_aor("sip:alice@example.com"), std::logic_error);
    EXPECT_THROW(s->by_number("+4930123456"), std::logic_error);
    EXPECT_THROW(s->all(), std::logic_error);
}

TEST(RoutingSnapshot, RefusesDuplicateAorsAndNumbersAsTheStoreWould) {
    EXPECT_THROW(routing({binding("sip:a@x", "a@x"), binding("sip:a@x", "b@x")}), BindingError);
    EXPECT_THROW(
        routing({binding("sip:a@x", "a@x", {{"+1"}}), binding("sip:b@x", "b@x", {{"+1"}})}),
        BindingError);
    EXPECT_THROW(routing({binding("sip:a@x", "a@x", {{"+1"}, {"+1"}})}), BindingError);
    // No index of JIDs: a duplicate JID (which the store refuses anyway) is not looked for.
    EXPECT_NO_THROW(routing({binding("sip:a@x", "a@x"), binding("sip:b@x", "a@x")}));
}

// The store sets no limit on how many numbers a binding lists (its 256-byte limit per field
// keeps every field within a routing entry's 16-bit sizes; a snapshot built by hand need not):
// a binding the routing layout cannot hold is kept whole, in the full layout, and answers the
// same. Refused, it refused the whole snapshot: the proxy did not start on such a store, and a
// running one kept its last snapshot for good (snapshot_watcher_test.cpp).
TEST(RoutingSnapshot, ABindingBeyondTheRoutingLayoutIsKeptWholeAndAnswersTheSame) {
    std::vector<PhoneNumber> many;
    for (int i = 0; i < 65'536; ++i) many.push_back({"+1555" + std::to_string(1'000'000 + i)});
    const std::string huge(70'000, '1');
    const std::vector<Binding> bindings = {
        binding("sip:pbx@example.com", "pbx@example.com", many),  // unverified
        binding("sip:" + huge + "@x", "long@x", {{huge}}, Verification::Admin),
        binding("sip:a@x", "a@x", {{"+1"}}, Verification::Admin),
    };
    const auto s = routing(bindings);
    EXPECT_EQ(s->size(), 3u);
    for (const auto* number : {"+15551000000", "+15551032768", "+15551065535"}) {
        const auto pbx = s->route_by_number(number);
        ASSERT_TRUE(pbx) << number;
        EXPECT_EQ(pbx->aor, "sip:pbx@example.com");
        EXPECT_EQ(pbx->jid, "");  // unverified: not announced, whatever the entry's layout
        EXPECT_EQ(pbx->verification, Verification::Unverified);
    }
    EXPECT_FALSE(s->route_by_number("+15551065536"));
    ASSERT_TRUE(s->route_by_number(huge));
    EXPECT_EQ(s->route_by_number(huge)->jid, "long@x");
    EXPECT_EQ(s->route_by_aor("sip:" + huge + "@x")->jid, "long@x");
    EXPECT_EQ(s->route_by_number("+1")->jid, "a@x");
    EXPECT_THROW(s->all(), std::logic_error);  // still a routing snapshot

    // Through apply too: the binding verified and given one number more.
    auto verified = bindings[0];
    verified.verification = Verification::Admin;
    verified.numbers.push_back({"+2"});
    const auto next = Snapshot::apply(*s, {{verified.aor, verified}}, 2);
    EXPECT_EQ(next->route_by_number("+2")->jid, "pbx@example.com");
    EXPECT_EQ(next->route_by_number("+15551065535")->jid, "pbx@example.com");
    EXPECT_EQ(s->route_by_number("+15551065535")->jid, "");  // the base is untouched
}

TEST(RoutingSnapshot, ApplyKeepsTheProfileAndMatchesAFullBuildOfTheResult) {
    std::vector<Binding> bindings;
    for (int i = 0; i < 3000; ++i) {
        const auto n = std::to_string(i);
        bindings.push_back(binding("sip:u" + n + "@example.com", "u" + n + "@example.com",
                                   {{"+1" + n}, {"+2" + n, false, true}},
                                   i % 3 ? Verification::Unverified : Verification::Admin));
    }
    const auto base = routing(bindings, 1);
    // Bob becomes verified (his JID appears), a number moves to a new binding, one binding
    // goes, and enough new ones come to make the indexes grow.
    std::vector<BindingChange> changes;
    bindings[1].verification = Verification::Directory;
    changes.push_back({bindings[1].aor, bindings[1]});
    bindings[2].numbers.erase(bindings[2].numbers.begin());
    changes.push_back({bindings[2].aor, bindings[2]});
    changes.push_back({"sip:new@example.com", binding("sip:new@example.com", "new@example.com",
                                                      {{"+12"}}, Verification::Mutual)});
    changes.push_back({bindings[3].aor, std::nullopt});
    bindings.erase(bindings.begin() + 3);
    bindings.push_back(*changes[2].binding);
    for (int i = 0; i < 5000; ++i) {
        const auto n = std::to_string(i);
        Binding b = binding("sip:n" + n + "@example.com", "n" + n + "@example.com", {{"+3" + n}});
        changes.push_back({b.aor, b});
        bindings.push_back(b);
    }
    const auto next = Snapshot::apply(*base, changes, 2);
    EXPECT_EQ(next->profile(), SnapshotProfile::routing);
    EXPECT_EQ(next->generation(), 2u);
    EXPECT_EQ(next->route_by_aor("sip:u1@example.com")->jid, "u1@example.com");
    EXPECT_EQ(next->route_by_number("+12")->aor, "sip:new@example.com");
    EXPECT_FALSE(next->route_by_aor("sip:u3@example.com"));
    const auto full = Snapshot::build(bindings, 2);
    expect_same_routes(*next, *full, bindings, {"sip:u3@example.com", "+13", "+23"});
    // The bindings the changes brought are routing entries too, not full ones.
    EXPECT_LT(next->memory_bytes() * 2, full->memory_bytes());
    // The base is untouched.
    EXPECT_EQ(base->route_by_aor("sip:u1@example.com")->jid, "");
    EXPECT_EQ(base->route_by_number("+12")->aor, "sip:u2@example.com");
}

// A proxy runs through months of changes, each one applied to the last snapshot: bindings
// that come and go (every one replaced twice over here) and one flipped between verified and
// unverified each time. The snapshot stays the size of what it holds (removals leave
// tombstones and free positions, which must be reused or packed away), and answers as a
// full build of the same bindings.
TEST(RoutingSnapshot, ThousandsOfGenerationsOfChangesDoNotGrowIt) {
    constexpr int kCount = 3000;
    const auto of = [](int i) {
        const auto n = std::to_string(i);
        return binding("sip:u" + n + "@example.com", "u" + n + "@example.com", {{"+1" + n}},
                       Verification::Admin);
    };
    std::vector<Binding> bindings;
    for (int i = 0; i < kCount; ++i) bindings.push_back(of(i));
    auto s = routing(bindings);
    const std::size_t start = s->memory_bytes();
    std::size_t most = start;
    Binding flipped = of(0);
    for (int round = 0; round < 2000; ++round) {
        std::vector<BindingChange> changes;
        for (int k = 0; k < 3; ++k) {
            const int gone = 1 + round * 3 + k;  // u0 stays, the one flipped
            changes.push_back({of(gone).aor, std::nullopt});
            const Binding next = of(kCount + gone);
            changes.push_back({next.aor, next});
        }
        flipped.verification = round % 2 ? Verification::Admin : Verification::Unverified;
        changes.push_back({flipped.aor, flipped});
        s = Snapshot::apply(*s, changes, s->generation() + 1);
        most = std::max(most, s->memory_bytes());
    }
    std::vector<Binding> now = {flipped};
    for (int i = 6001; i <= 9000; ++i) now.push_back(of(i));  // u3001 to u6000 came and went
    ASSERT_EQ(s->size(), now.size());
    expect_same_routes(*s, *Snapshot::build(now, 1), now, {"sip:u1@example.com", "+16000"});
    EXPECT_EQ(s->route_by_aor("sip:u0@example.com")->jid, "u0@example.com");  // round 1999
    RecordProperty("start_bytes", std::to_string(start));
    RecordProperty("most_bytes", std::to_string(most));
    EXPECT_LT(most, start * 2);
}

// What the profile is for: the proxy's snapshot of a million bindings in far less memory.
TEST(RoutingSnapshot, TakesFarLessMemoryThanAFullSnapshot) {
    std::vector<Binding> bindings;
    for (int i = 0; i < 10'000; ++i) {
        const auto n = std::to_string(1'000'000 + i);
        bindings.push_back(binding(
            "sip:user" + n + "@sip.example.com", "user" + n + "@xmpp.example.com", {{"+1555" + n}},
            i % 5 ? Verification::Unverified : Verification::Admin, "User " + n));
    }
    const auto full = Snapshot::build(bindings, 1);
    const auto small = routing(bindings);
    RecordProperty("full_bytes", std::to_string(full->memory_bytes()));
    RecordProperty("routing_bytes", std::to_string(small->memory_bytes()));
    EXPECT_GT(small->memory_bytes(), 0u);
    EXPECT_LT(small->memory_bytes() * 2, full->memory_bytes());
}

#if !defined(__SANITIZE_ADDRESS__)
// Issue 21: the proxy's resident memory with a million bindings must be under 128 MiB (about
// 17 MiB of it the proxy without bindings). Measured as Snapshot.AMillionBindingsFitUnder300MB
// measures the full profile (250,000 bindings, scaled: the indexes are as full as at a
// million), on bench/store/run-store-bench's data: one binding in five verified, one number
// each. The allocator's own overhead counts; longer addresses cost more.
TEST(RoutingSnapshot, AMillionBindingsFitUnder100MiB) {
    constexpr std::size_t kCount = 250'000;
    const auto heap = [] { return mallinfo2().uordblks + mallinfo2().hblkhd; };
    const auto before = heap();
    std::shared_ptr<const Snapshot> s;
    {
        std::vector<Binding> all;
        all.reserve(kCount);
        for (std::size_t i = 0; i < kCount; ++i) {
            const auto n = std::to_string(i);
            char number[16];
            std::snprintf(number, sizeof number, "+1555%07zu", i);
            all.push_back(binding(
                "sip:user" + n + "@sip.example.com", "user" + n + "@xmpp.example.com", {{number}},
                i % 5 ? Verification::Unverified : Verification::Admin, "User " + n));
        }
        s = routing(std::move(all));
    }
    const double per_binding = static_cast<double>(heap() - before) / kCount;
    RecordProperty("bytes_per_binding", std::to_string(per_binding));
    std::printf("routing snapshot: %.0f bytes per binding, %.1f MiB per million\n", per_binding,
                per_binding * 1e6 / (1024 * 1024));
    EXPECT_LT(per_binding * 1'000'000, 100.0 * 1024 * 1024);
}
#endif

}  // namespace
}  // namespace cusax::store
