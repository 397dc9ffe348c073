#pragma once
// How much of each binding a Snapshot keeps, chosen by the daemon that creates the watcher
// (docs/binding-snapshot.md, "Profiles").
#include <cstdint>
#include <string_view>

namespace cusax::store {

enum class SnapshotProfile : std::uint8_t {
    // Every field, and look-ups by AOR, number and JID: the XMPP component, cusaxctl.
    full,
    // Only what the SIP proxy reads: the AOR, the numbers, the verification state and the JID
    // of a verified binding; look-ups by AOR and number (Snapshot::route_by_aor/_number).
    routing,
};

constexpr std::string_view to_string(SnapshotProfile p) {
    return p == SnapshotProfile::routing ? "routing" : "full";
}

}  // namespace cusax::store
