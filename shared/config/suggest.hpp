#pragma once
// "did you mean": the closest known name to a misspelt one.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::config {

// Optimal-string-alignment distance (Levenshtein plus transposition of two neighbours, the
// commonest typo: "lveel"). Case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known name closest to `unknown`, if close enough to be a likely typo: case is ignored,
// and a name within max(2, length/3) edits qualifies (1 edit for names of 3 characters or
// less, so that short words are not matched to anything). Failing that, a known name that
// `unknown` (3 characters or more) is the first word of ("dial" -> "dial-plan"), if only
// one is. Ties go to the earlier name.
std::optional<std::string> closest_name(std::string_view unknown,
                                        const std::vector<std::string>& known);

}  // namespace cusax::config
