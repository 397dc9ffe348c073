// Snapshot::apply must give exactly what a full build of the resulting bindings gives, for any
// sequence of changes: additions, removals, renamed JIDs, numbers moved between bindings.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "shared/store/snapshot.hpp"
#include "snapshot_compare.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;
using test::expect_same_snapshot;

// Bindings keyed by AOR, kept free of duplicate JIDs and numbers as the store keeps them.
class Model {
  public:
    explicit Model(unsigned seed) : random_(seed) {}

    std::vector<Binding> all() const {
        std::vector<Binding> out;
        for (const auto& [aor, b] : bindings_) out.push_back(b);
        return out;
    }
    const std::set<std::string>& keys() const { return keys_; }

    // Makes `count` random changes; returns them as the store's change log would list them.
    std::vector<BindingChange> change(int count) {
        std::set<std::string> touched;
        for (int i = 0; i < count; ++i) one_change(touched);
        std::vector<BindingChange> out;
        for (const auto& aor : touched) {
            auto it = bindings_.find(aor);
            out.push_back({aor, it == bindings_.end() ? std::nullopt : std::optional(it->second)});
        }
        return out;
    }

  private:
    std::string fresh(const char* prefix, const char* suffix = "") {
        std::string key = prefix + std::to_string(next_++) + suffix;
        keys_.insert(key);
        return key;
    }
    std::string pick_aor() {
        auto it = bindings_.begin();
        std::advance(it,
                     std::uniform_int_distribution<std::size_t>(0, bindings_.size() - 1)(random_));
        return it->first;
    }
    void one_change(std::set<std::string>& touched) {
        const int what = bindings_.size() < 4 ? 0 : std::uniform_int_distribution<>(0, 5)(random_);
        if (what == 0) {  // a new binding, with zero to two numbers
            const auto aor = fresh("sip:a", "@x.example");
            Binding b = binding(aor, fresh("j", "@x.example"));
            const int numbers = std::uniform_int_distribution<>(0, 2)(random_);
            for (int n = 0; n < numbers; ++n) b.numbers.push_back({fresh("+1"), true, n == 1});
            b.updated_at = next_;
            bindings_[aor] = b;
            touched.insert(aor);
            return;
        }
        const auto aor = pick_aor();
        Binding& b = bindings_[aor];
        touched.insert(aor);
        switch (what) {
            case 1:  // removed
                bindings_.erase(aor);
                break;
            case 2:  // JID renamed, sometimes to one a removed binding had
                b.jid = fresh("j", "@x.example");
                break;
            case 3: {  // a number moves to another binding
                const auto to = pick_aor();
                Binding& other = bindings_[to];
                if (to != aor && !other.numbers.empty()) {
                    b.numbers.push_back(other.numbers.back());
                    other.numbers.pop_back();
                    touched.insert(to);
                }
                break;
            }
            case 4: {  // the JID moves: the other binding takes it, this one gets a new one
                const auto to = pick_aor();
                if (to != aor) {
                    const auto jid = b.jid;
                    b.jid = fresh("j", "@x.example");
                    bindings_[to].jid = jid;
                    touched.insert(to);
                }
                break;
            }
            default:  // state, name, numbers rewritten
                b.verification = b.verification == Verification::Admin ? Verification::Unverified
                                                                       : Verification::Admin;
                b.display_name = "Name " + std::to_string(next_++);
                if (!b.numbers.empty()) b.numbers.front().number = fresh("+9");
                break;
        }
    }

    std::mt19937 random_;
    std::map<std::string, Binding> bindings_;
    std::set<std::string> keys_;
    int next_ = 0;
};

TEST(SnapshotApply, RandomChangesGiveWhatAFullBuildGives) {
    for (unsigned seed = 1; seed <= 5; ++seed) {
        Model model(seed);
        model.change(300);
        auto snapshot = Snapshot::build(model.all(), 1);
        for (int round = 0; round < 200; ++round) {
            const auto changes = model.change(1 + round % 17);
            snapshot = Snapshot::apply(*snapshot, changes, 2 + round);
            ASSERT_EQ(snapshot->generation(), 2u + round);
            const auto full = Snapshot::build(model.all(), 2 + round);
            expect_same_snapshot(*snapshot, *full, model.keys());
            if (HasFatalFailure()) return;
        }
    }
}

TEST(SnapshotApply, TheBaseIsLeftAsItWas) {
    const auto base =
        Snapshot::build({binding("sip:a@x", "a@x", {{"+1"}}), binding("sip:b@x", "b@x")}, 1);
    const auto next = Snapshot::apply(
        *base, {{"sip:a@x", std::nullopt}, {"sip:b@x", binding("sip:b@x", "b2@x", {{"+1"}})}}, 2);
    EXPECT_EQ(base->by_aor("sip:a@x")->jid, "a@x");
    EXPECT_EQ(base->by_number("+1")->aor, "sip:a@x");
    EXPECT_EQ(base->by_jid("b2@x"), nullptr);
    EXPECT_EQ(next->by_aor("sip:a@x"), nullptr);
    EXPECT_EQ(next->by_number("+1")->aor, "sip:b@x");
    EXPECT_EQ(next->by_jid("b@x"), nullptr);
    EXPECT_EQ(next->size(), 1u);
    // An unchanged binding is shared, not copied.
    const auto third = Snapshot::apply(*next, {{"sip:c@x", binding("sip:c@x", "c@x")}}, 3);
    EXPECT_EQ(third->by_aor("sip:b@x"), next->by_aor("sip:b@x"));
}

TEST(SnapshotApply, GrowingFarBeyondTheFirstBuildAndShrinkingBackStaysExact) {
    auto snapshot = Snapshot::build({}, 0);
    std::vector<Binding> all;
    for (int i = 0; i < 5000; ++i) {
        const auto n = std::to_string(i);
        all.push_back(binding("sip:u" + n + "@x", "u" + n + "@x", {{"+1" + n}, {"+2" + n}}));
        snapshot = Snapshot::apply(*snapshot, {{all.back().aor, all.back()}}, i + 1);
    }
    expect_same_snapshot(*snapshot, *Snapshot::build(all, 1));
    std::vector<BindingChange> removals;
    for (int i = 0; i < 4900; ++i)
        removals.push_back({all[static_cast<std::size_t>(i)].aor, std::nullopt});
    snapshot = Snapshot::apply(*snapshot, removals, 6000);
    all.erase(all.begin(), all.begin() + 4900);
    expect_same_snapshot(*snapshot, *Snapshot::build(all, 1));
    // Re-adding and removing one key many times leaves tombstones the index must absorb.
    for (int i = 0; i < 3000; ++i) {
        const bool add = i % 2 == 0;
        snapshot = Snapshot::apply(
            *snapshot,
            {{"sip:flip@x",
              add ? std::optional(binding("sip:flip@x", "f" + std::to_string(i) + "@x",
                                          {{"+7" + std::to_string(i)}}))
                  : std::nullopt}},
            7000 + i);
    }
    expect_same_snapshot(*snapshot, *Snapshot::build(all, 1));
}

TEST(SnapshotApply, ADuplicateKeyIsRefusedAsInABuild) {
    const auto base = Snapshot::build({binding("sip:a@x", "a@x", {{"+1"}})}, 1);
    EXPECT_THROW(Snapshot::apply(*base, {{"sip:b@x", binding("sip:b@x", "a@x")}}, 2), BindingError);
    EXPECT_THROW(Snapshot::apply(*base, {{"sip:b@x", binding("sip:b@x", "b@x", {{"+1"}})}}, 2),
                 BindingError);
}

}  // namespace
}  // namespace cusax::store
