#include "shared/config/suggest.hpp"

#include <algorithm>
#include <cctype>

#include "shared/text/ascii_case.hpp"

namespace cusax::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    // Three rows suffice for the transposition step.
    std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
    for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                current[j] = std::min(current[j], before[j - 2] + 1);
            }
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[m];
}

std::optional<std::string> closest_name(std::string_view unknown,
                                        const std::vector<std::string>& known) {
    const auto lower = [](std::string_view name) { return text::ascii_lower(name); };
    const std::string unknown_lower = lower(unknown);
    const std::size_t limit =
        unknown.size() <= 3 ? 1 : std::max<std::size_t>(2, unknown.size() / 3);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const auto& name : known) {
        const std::string name_lower = lower(name);
        const std::size_t distance =
            name_lower == unknown_lower ? 0 : edit_distance(unknown_lower, name_lower);
        if (distance < best_distance) {
            best_distance = distance;
            best = name;
        }
    }
    if (best || unknown.size() < 3) return best;
    for (const auto& name : known) {
        const std::string name_lower = lower(name);
        const bool first_word =
            name_lower.starts_with(unknown_lower) && name_lower.size() > unknown_lower.size() &&
            (name_lower[unknown_lower.size()] == '-' || name_lower[unknown_lower.size()] == '_');
        if (!first_word) continue;
        if (best) return std::nullopt;  // ambiguous
        best = name;
    }
    return best;
}

}  // namespace cusax::config
