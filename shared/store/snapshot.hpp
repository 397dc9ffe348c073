#pragma once
// An immutable in-memory view of all bindings, for look-ups on the hot path.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "shared/store/binding.hpp"

namespace cusax::store {

class Snapshot {
  public:
    static std::shared_ptr<const Snapshot> build(std::vector<Binding> bindings,
                                                 std::uint64_t generation);

    // Keys must already be normalised (address::normalise_aor / normalise_number /
    // normalise_bare_jid). Return nullptr when absent. Pointers live as long as the snapshot.
    const Binding* by_aor(std::string_view aor) const;
    const Binding* by_number(std::string_view number) const;
    const Binding* by_jid(std::string_view jid) const;

    std::size_t size() const;
    std::uint64_t generation() const;
    const std::vector<Binding>& all() const;

    // implementation detail, public for make_shared
    struct Impl;
    explicit Snapshot(std::unique_ptr<Impl> impl);
    ~Snapshot();

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cusax::store
