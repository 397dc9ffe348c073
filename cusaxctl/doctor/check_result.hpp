#pragma once
// One line of `cusaxctl doctor`: what was checked, the verdict, what was found and what to do.
// Every check turns what it found (plain facts, gathered by its probe) into these with a pure
// function, so that the verdicts are unit-tested without a network or a clock.
#include <string>
#include <string_view>
#include <vector>

namespace cusax::ctl::doctor {

enum class Verdict {
    ok,
    warning,  // works, but not as configured or not for long: exit status stays 0
    fail,     // broken: doctor exits non-zero
    skipped,  // not configured here, or not checkable because an earlier check failed
};

// "ok", "warning", "FAIL", "skipped": the words the report prints.
std::string_view to_string(Verdict verdict);

struct CheckResult {
    std::string check;  // short name of what was checked: "next hop", "store"
    Verdict verdict = Verdict::ok;
    std::string detail;  // what was found; may hold several lines
    std::string fix;     // what to do about it; empty when there is nothing to do
};

using CheckResults = std::vector<CheckResult>;

// The worse of two verdicts (fail > warning > ok > skipped).
Verdict worse(Verdict a, Verdict b);

}  // namespace cusax::ctl::doctor
