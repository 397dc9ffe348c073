#include "shared/store/snapshot.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "shared/store/field_error.hpp"
#include "shared/store/flat_index.hpp"

namespace cusax::store {

// The bindings once, in one vector; three indexes of positions into it. Nothing changes
// after build(), so readers on any thread need no lock.
struct Snapshot::Impl {
    std::vector<Binding> bindings;
    FlatIndex by_aor;
    FlatIndex by_jid;
    FlatIndex by_number;  // position of the binding that lists the number
    std::uint64_t generation = 0;
};

namespace {

bool lists_number(const Binding& b, std::string_view number) {
    return std::any_of(b.numbers.begin(), b.numbers.end(),
                       [&](const PhoneNumber& n) { return n.number == number; });
}

// Strings grown by appending may hold twice the bytes they need; a snapshot keeps a million
// of them for its whole life. Exact-sized strings (as load_all makes them) are left alone.
void compact(std::string& s) {
    if (s.capacity() > s.size() && s.capacity() > std::string().capacity()) s.shrink_to_fit();
}

void compact(Binding& b) {
    compact(b.aor);
    compact(b.jid);
    compact(b.display_name);
    if (b.numbers.capacity() > b.numbers.size()) b.numbers.shrink_to_fit();
    for (auto& n : b.numbers) compact(n.number);
}

}  // namespace

std::shared_ptr<const Snapshot> Snapshot::build(std::vector<Binding> bindings,
                                                std::uint64_t generation) {
    if (bindings.size() >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("snapshot: too many bindings");
    }
    auto impl = std::make_unique<Impl>();
    impl->generation = generation;
    impl->bindings = std::move(bindings);
    auto& all = impl->bindings;
    // A vector grown by push_back may hold up to twice what it needs: a million bindings
    // are 136 MB before their strings, so give the slack back.
    if (all.capacity() - all.size() > all.size() / 8) all.shrink_to_fit();

    std::size_t number_count = 0;
    for (auto& b : all) {
        compact(b);
        number_count += b.numbers.size();
    }
    impl->by_aor.reserve(all.size());
    impl->by_jid.reserve(all.size());
    impl->by_number.reserve(number_count);

    // The store's keys make these duplicates impossible; a caller building a snapshot by
    // hand gets the same refusal the store would give.
    for (std::uint32_t i = 0; i < all.size(); ++i) {
        const Binding& b = all[i];
        if (impl->by_aor.insert(FlatIndex::hash(b.aor), i,
                                [&](std::uint32_t p) { return all[p].aor == b.aor; })) {
            throw BindingError(field_error("aor", b.aor, "in two bindings"));
        }
        if (auto other = impl->by_jid.insert(
                FlatIndex::hash(b.jid), i, [&](std::uint32_t p) { return all[p].jid == b.jid; })) {
            throw BindingError(
                field_error("jid", b.jid, "already bound to " + quote_value(all[*other].aor)));
        }
        for (std::size_t j = 0; j < b.numbers.size(); ++j) {
            const std::string& number = b.numbers[j].number;
            // A slot of this same binding matches only if the number came earlier in its list.
            const auto same = [&](std::uint32_t p) {
                if (p != i) return lists_number(all[p], number);
                return std::any_of(b.numbers.begin(), b.numbers.begin() + j,
                                   [&](const PhoneNumber& n) { return n.number == number; });
            };
            if (auto other = impl->by_number.insert(FlatIndex::hash(number), i, same)) {
                throw BindingError(
                    field_error("number", number,
                                *other == i ? std::string("listed twice")
                                            : "already bound to " + quote_value(all[*other].aor)));
            }
        }
    }
    return std::make_shared<const Snapshot>(std::move(impl));
}

Snapshot::Snapshot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Snapshot::~Snapshot() = default;

const Binding* Snapshot::by_aor(std::string_view aor) const {
    const auto& all = impl_->bindings;
    const auto p = impl_->by_aor.find(FlatIndex::hash(aor),
                                      [&](std::uint32_t i) { return all[i].aor == aor; });
    return p ? &all[*p] : nullptr;
}

const Binding* Snapshot::by_number(std::string_view number) const {
    const auto& all = impl_->bindings;
    const auto p = impl_->by_number.find(
        FlatIndex::hash(number), [&](std::uint32_t i) { return lists_number(all[i], number); });
    return p ? &all[*p] : nullptr;
}

const Binding* Snapshot::by_jid(std::string_view jid) const {
    const auto& all = impl_->bindings;
    const auto p = impl_->by_jid.find(FlatIndex::hash(jid),
                                      [&](std::uint32_t i) { return all[i].jid == jid; });
    return p ? &all[*p] : nullptr;
}

std::size_t Snapshot::size() const { return impl_->bindings.size(); }
std::uint64_t Snapshot::generation() const { return impl_->generation; }
const std::vector<Binding>& Snapshot::all() const { return impl_->bindings; }

}  // namespace cusax::store
