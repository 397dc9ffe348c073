#pragma once
// Which connections the server holds, and which one gives way when a new one comes in over a
// cap. Pure bookkeeping: the server (https_server.cpp) closes what this says.
//
// A connection is idle while it waits for the bytes of its next request (a new connection has
// sent nothing yet, a kept-alive one is between requests, a slow one is still sending): it
// costs the server a socket and nothing else, so a new connection over a cap closes the idle
// one that has waited longest, of the same source address when that address is over its own
// cap. Only when none is idle is the new one refused. So a thousand connections that never
// send a request cannot keep a real user out: each new connection displaces the oldest of them.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace cusax::provisioning {

class ConnectionTable {
  public:
    using Id = std::uint64_t;

    ConnectionTable(std::size_t max_connections, std::size_t max_per_source);

    struct Admission {
        bool accept = false;
        std::optional<Id> evict;  // to close first (it is removed from the table here)
    };
    // For a connection from `source` (an address key, see client_address.hpp): accept,
    // possibly displacing an idle one, or refuse.
    Admission admit(std::string_view source);

    // A new, idle connection.
    Id add(std::string_view source);
    void set_idle(Id id, bool idle);
    void remove(Id id);

    std::size_t size() const { return entries_.size(); }
    std::size_t count_from(std::string_view source) const;

  private:
    struct Entry {
        std::string source;
        bool idle = true;
        std::uint64_t idle_since = 0;  // order in which connections became idle
    };
    std::optional<Id> oldest_idle(const std::string* source) const;
    void take_off(Id id);

    std::size_t max_connections_;
    std::size_t max_per_source_;
    Id next_id_ = 1;
    std::uint64_t clock_ = 0;  // a counter, not time: only the order matters
    std::unordered_map<Id, Entry> entries_;
    std::unordered_map<std::string, std::size_t> per_source_;
    std::set<std::pair<std::uint64_t, Id>> idle_;  // (idle_since, id), oldest first
    std::map<std::string, std::set<std::pair<std::uint64_t, Id>>, std::less<>> idle_by_source_;
};

}  // namespace cusax::provisioning
