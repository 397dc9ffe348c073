#include "shared/counters/counters.hpp"

namespace cusax::counters {

Counter& Registry::get(std::string_view name) {
    std::lock_guard lock(mutex_);
    if (auto it = by_name_.find(name); it != by_name_.end()) return *it->second;
    Counter& counter = storage_.emplace_back();
    by_name_.emplace(std::string(name), &counter);
    return counter;
}

std::vector<std::pair<std::string, std::uint64_t>> Registry::values() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::uint64_t>> out;
    out.reserve(by_name_.size());
    for (const auto& [name, counter] : by_name_) out.emplace_back(name, counter->value());
    return out;
}

}  // namespace cusax::counters
