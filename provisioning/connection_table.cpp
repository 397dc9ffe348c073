#include "provisioning/connection_table.hpp"

namespace cusax::provisioning {

ConnectionTable::ConnectionTable(std::size_t max_connections, std::size_t max_per_source)
    : max_connections_(max_connections), max_per_source_(max_per_source) {}

std::size_t ConnectionTable::count_from(std::string_view source) const {
    const auto it = per_source_.find(std::string(source));
    return it == per_source_.end() ? 0 : it->second;
}

std::optional<ConnectionTable::Id> ConnectionTable::oldest_idle(const std::string* source) const {
    if (!source) {
        if (idle_.empty()) return std::nullopt;
        return idle_.begin()->second;
    }
    const auto it = idle_by_source_.find(*source);
    if (it == idle_by_source_.end() || it->second.empty()) return std::nullopt;
    return it->second.begin()->second;
}

ConnectionTable::Admission ConnectionTable::admit(std::string_view source) {
    const std::string key(source);
    std::optional<Id> victim;
    if (count_from(key) >= max_per_source_) {
        victim = oldest_idle(&key);
    } else if (entries_.size() >= max_connections_) {
        victim = oldest_idle(nullptr);
    } else {
        return {true, std::nullopt};
    }
    if (!victim) return {false, std::nullopt};
    remove(*victim);
    return {true, victim};
}

ConnectionTable::Id ConnectionTable::add(std::string_view source) {
    const Id id = next_id_++;
    Entry e{std::string(source), true, ++clock_};
    idle_.emplace(e.idle_since, id);
    idle_by_source_[e.source].emplace(e.idle_since, id);
    ++per_source_[e.source];
    entries_.emplace(id, std::move(e));
    return id;
}

void ConnectionTable::take_off(Id id) {
    const auto it = entries_.find(id);
    if (it == entries_.end() || !it->second.idle) return;
    idle_.erase({it->second.idle_since, id});
    const auto by = idle_by_source_.find(it->second.source);
    if (by != idle_by_source_.end()) {
        by->second.erase({it->second.idle_since, id});
        if (by->second.empty()) idle_by_source_.erase(by);
    }
}

void ConnectionTable::set_idle(Id id, bool idle) {
    const auto it = entries_.find(id);
    if (it == entries_.end() || it->second.idle == idle) return;
    take_off(id);
    it->second.idle = idle;
    if (!idle) return;
    it->second.idle_since = ++clock_;
    idle_.emplace(it->second.idle_since, id);
    idle_by_source_[it->second.source].emplace(it->second.idle_since, id);
}

void ConnectionTable::remove(Id id) {
    const auto it = entries_.find(id);
    if (it == entries_.end()) return;
    take_off(id);
    const auto count = per_source_.find(it->second.source);
    if (count != per_source_.end() && --count->second == 0) per_source_.erase(count);
    entries_.erase(it);
}

}  // namespace cusax::provisioning
