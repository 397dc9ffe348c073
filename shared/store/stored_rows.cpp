#include "shared/store/stored_rows.hpp"

#include "shared/address/safe_text.hpp"
#include "shared/log/log.hpp"

namespace cusax::store {
namespace {

bool unsafe(std::string_view text, std::size_t max = address::kMaxAddressLength) {
    return !address::unsafe_reason(text, max).empty();
}

}  // namespace

void LoadProblems::log() const {
    if (unsafe_rows > 0) {
        log::event(log::Level::warn, "store.rows_skipped",
                   "bindings or numbers with unsafe text were skipped",
                   {{"count", std::to_string(unsafe_rows)}, {"first", first_unsafe}});
    }
    if (unknown_states > 0) {
        // A newer cusaxctl may know states this program does not; not announcing such a
        // binding is the safe reading (RFC 7081 §3.5).
        log::event(log::Level::warn, "store.unknown_verification",
                   "bindings with an unknown verification state are treated as unverified",
                   {{"count", std::to_string(unknown_states)}});
    }
}

std::optional<Binding> read_binding(std::string_view aor, std::string_view jid,
                                    std::string_view display_name, std::string_view verification,
                                    std::int64_t updated_at, LoadProblems& problems) {
    // Constructed, not assigned, so each string is allocated at its exact size: a snapshot
    // holds a million of them.
    Binding b{std::string(aor),         std::string(jid), std::string(display_name), {},
              Verification::Unverified, updated_at};
    if (b.aor.empty() || b.jid.empty() || unsafe(b.aor) || unsafe(b.jid) ||
        unsafe(b.display_name, address::kMaxDisplayNameLength)) {
        if (problems.unsafe_rows++ == 0) problems.first_unsafe = b.aor.substr(0, 80);
        return std::nullopt;
    }
    if (auto state = verification_from_string(verification)) {
        b.verification = *state;
    } else {
        ++problems.unknown_states;
    }
    return b;
}

std::optional<PhoneNumber> read_number(std::string_view number, bool voice, bool video,
                                       LoadProblems& problems) {
    PhoneNumber n{std::string(number), voice, video};
    if (n.number.empty() || unsafe(n.number)) {
        if (problems.unsafe_rows++ == 0) problems.first_unsafe = n.number.substr(0, 80);
        return std::nullopt;
    }
    return n;
}

}  // namespace cusax::store
