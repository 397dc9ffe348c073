#pragma once
// Compares two snapshots entry by entry, the way a daemon would see them: every binding of
// one is found, equal, by its AOR, JID and each number in the other; keys of neither are
// absent from both.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "shared/store/snapshot.hpp"

namespace cusax::store::test {

inline void expect_same_snapshot(const Snapshot& got, const Snapshot& want,
                                 const std::set<std::string>& other_keys = {}) {
    ASSERT_EQ(got.size(), want.size());
    std::size_t iterated = 0;
    for (const auto& w : want.all()) {
        const BindingView* g = got.by_aor(w.aor);
        ASSERT_NE(g, nullptr) << w.aor;
        ASSERT_EQ(*g, w) << w.aor;
        ASSERT_EQ(got.by_jid(w.jid), g) << w.jid;
        for (const auto& n : w.numbers) ASSERT_EQ(got.by_number(n.number), g) << n.number;
    }
    for (const auto& g : got.all()) {
        ++iterated;
        ASSERT_NE(want.by_aor(g.aor), nullptr) << g.aor;
    }
    ASSERT_EQ(iterated, got.size());
    for (const auto& key : other_keys) {
        ASSERT_EQ(got.by_aor(key) != nullptr, want.by_aor(key) != nullptr) << key;
        ASSERT_EQ(got.by_jid(key) != nullptr, want.by_jid(key) != nullptr) << key;
        ASSERT_EQ(got.by_number(key) != nullptr, want.by_number(key) != nullptr) << key;
    }
}

}  // namespace cusax::store::test
