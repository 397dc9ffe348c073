#include "shared/store/snapshot.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;

std::shared_ptr<const Snapshot> sample() {
    return Snapshot::build(
        {
            binding("sip:alice@example.com", "alice@example.com",
                    {{"+4930123456", true, false}, {"+4930999", true, true}}, Verification::Admin),
            binding("sip:bob@example.com", "bob@example.com"),
            binding("sip:Carol@example.com", "carol@example.com", {{"1234", true, false}}),
        },
        42);
}

TEST(Snapshot, FindsABindingByItsAorNumberOrJid) {
    const auto s = sample();
    ASSERT_NE(s->by_aor("sip:alice@example.com"), nullptr);
    EXPECT_EQ(s->by_aor("sip:alice@example.com")->jid, "alice@example.com");
    EXPECT_EQ(s->by_jid("bob@example.com"), s->by_aor("sip:bob@example.com"));
    EXPECT_EQ(s->by_number("+4930123456"), s->by_aor("sip:alice@example.com"));
    EXPECT_EQ(s->by_number("+4930999"), s->by_aor("sip:alice@example.com"));
    EXPECT_EQ(s->by_number("1234"), s->by_aor("sip:Carol@example.com"));
    EXPECT_EQ(s->size(), 3u);
    EXPECT_EQ(s->generation(), 42u);
    EXPECT_EQ(s->all().size(), 3u);
}

TEST(Snapshot, AbsentKeysGiveNull) {
    const auto s = sample();
    EXPECT_EQ(s->by_aor("sip:nobody@example.com"), nullptr);
    EXPECT_EQ(s->by_aor("sip:carol@example.com"), nullptr);  // the user part is case-sensitive
    EXPECT_EQ(s->by_aor(""), nullptr);
    EXPECT_EQ(s->by_jid("alice@example.org"), nullptr);
    EXPECT_EQ(s->by_jid("sip:alice@example.com"), nullptr);  // an AOR is not a JID
    EXPECT_EQ(s->by_number("+493012345"), nullptr);          // a prefix is not the number
    EXPECT_EQ(s->by_number("sip:alice@example.com"), nullptr);
}

TEST(Snapshot, AnEmptySnapshotAnswersEverythingWithNull) {
    const auto s = Snapshot::build({}, 0);
    EXPECT_EQ(s->size(), 0u);
    EXPECT_EQ(s->by_aor("sip:a@example.com"), nullptr);
    EXPECT_EQ(s->by_jid("a@example.com"), nullptr);
    EXPECT_EQ(s->by_number("+1"), nullptr);
}

TEST(Snapshot, KeysNeedNotOutliveTheLookUp) {
    const auto s = sample();
    std::string key = "sip:bob@example.com";
    const BindingView* b = s->by_aor(std::string_view(key));
    key.assign(key.size(), 'x');
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->aor, "sip:bob@example.com");
}

TEST(Snapshot, RefusesDuplicateKeysAsTheStoreWould) {
    EXPECT_THROW(Snapshot::build({binding("sip:a@x", "a@x"), binding("sip:a@x", "b@x")}, 1),
                 BindingError);
    EXPECT_THROW(Snapshot::build({binding("sip:a@x", "a@x"), binding("sip:b@x", "a@x")}, 1),
                 BindingError);
    EXPECT_THROW(Snapshot::build(
                     {binding("sip:a@x", "a@x", {{"+1"}}), binding("sip:b@x", "b@x", {{"+1"}})}, 1),
                 BindingError);
}

TEST(Snapshot, EveryKeyOfManyBindingsIsFound) {
    std::vector<Binding> all;
    for (int i = 0; i < 20'000; ++i) {
        const auto n = std::to_string(i);
        all.push_back(binding("sip:u" + n + "@example.com", "u" + n + "@example.com",
                              {{"+1" + n}, {"+2" + n, false, true}}));
    }
    const auto s = Snapshot::build(all, 1);
    for (int i = 0; i < 20'000; ++i) {
        const auto n = std::to_string(i);
        const BindingView* b = s->by_aor("sip:u" + n + "@example.com");
        ASSERT_NE(b, nullptr) << i;
        ASSERT_EQ(b, s->by_jid("u" + n + "@example.com")) << i;
        ASSERT_EQ(b, s->by_number("+1" + n)) << i;
        ASSERT_EQ(b, s->by_number("+2" + n)) << i;
        ASSERT_EQ(s->by_number("+3" + n), nullptr) << i;
    }
}

#if !defined(__SANITIZE_ADDRESS__)
// A million bindings must fit in well under 300 MB. Measured on 250,000 realistic ones (an
// AOR and a JID too long for std::string's inline buffer, one number each, strings sized as
// load_all makes them) and scaled: at 250,000 the indexes are as full as at 1,000,000.
TEST(Snapshot, AMillionBindingsFitUnder300MB) {
    constexpr std::size_t kCount = 250'000;
    const auto heap = [] { return mallinfo2().uordblks + mallinfo2().hblkhd; };
    const auto exact = [](const std::string& s) { return std::string(std::string_view(s)); };
    const auto before = heap();
    std::shared_ptr<const Snapshot> s;
    {
        std::vector<Binding> all;
        all.reserve(kCount);
        for (std::size_t i = 0; i < kCount; ++i) {
            const auto n = std::to_string(1'000'000 + i);
            all.push_back(binding(exact("sip:user" + n + "@example.com"),
                                  exact("user" + n + "@example.com"), {{exact("+4930" + n)}},
                                  Verification::Directory, exact("User " + n)));
        }
        s = Snapshot::build(std::move(all), 1);
    }
    const double per_binding = static_cast<double>(heap() - before) / kCount;
    RecordProperty("bytes_per_binding", std::to_string(per_binding));
    std::printf("snapshot: %.0f bytes per binding, %.0f MB per million\n", per_binding,
                per_binding);
    EXPECT_LT(per_binding * 1'000'000, 300e6);
}
#endif

}  // namespace
}  // namespace cusax::store
