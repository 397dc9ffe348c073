#include "cusaxctl/doctor/doctor_report.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cusax::ctl::doctor {
namespace {

constexpr std::size_t kVerdictWidth = 9;  // "warning" and two spaces

constexpr std::size_t kWidth = 100;  // the report's lines wrap here, between words

// Writes `text` starting at column `indent`: each of its lines, wrapped between words at
// kWidth, continues at column `indent` (a path longer than a line stays whole).
void write_indented(std::ostream& out, const std::string& text, std::size_t indent) {
    std::istringstream lines(text);
    std::string line;
    bool first_line = true;
    while (std::getline(lines, line)) {
        if (!first_line) out << '\n' << std::string(indent, ' ');
        first_line = false;
        std::istringstream words(line);
        std::string word;
        std::size_t column = indent;
        bool first_word = true;
        while (words >> word) {
            if (!first_word && column + 1 + word.size() > kWidth) {
                out << '\n' << std::string(indent, ' ');
                column = indent;
            } else if (!first_word) {
                out << ' ';
                ++column;
            }
            out << word;
            column += word.size();
            first_word = false;
        }
    }
    out << '\n';
}

}  // namespace

bool any_failed(const CheckResults& results) {
    return std::any_of(results.begin(), results.end(),
                       [](const CheckResult& r) { return r.verdict == Verdict::fail; });
}

void write_text_report(std::ostream& out, const CheckResults& results) {
    std::size_t name_width = 0;
    for (const auto& r : results) name_width = std::max(name_width, r.check.size());
    const std::size_t indent = kVerdictWidth + name_width + 2;
    std::map<Verdict, int> counts;
    for (const auto& r : results) {
        ++counts[r.verdict];
        const auto verdict = to_string(r.verdict);
        out << verdict << std::string(kVerdictWidth - verdict.size(), ' ') << r.check
            << std::string(name_width + 2 - r.check.size(), ' ');
        write_indented(out, r.detail, indent);
        if (!r.fix.empty() && r.verdict != Verdict::ok) {
            out << std::string(indent, ' ') << "fix: ";
            write_indented(out, r.fix, indent + 5);
        }
    }
    out << "doctor: " << counts[Verdict::ok] << " ok, " << counts[Verdict::warning]
        << (counts[Verdict::warning] == 1 ? " warning, " : " warnings, ") << counts[Verdict::fail]
        << " FAIL, " << counts[Verdict::skipped] << " skipped\n";
}

void write_json_report(std::ostream& out, const CheckResults& results) {
    auto checks = nlohmann::ordered_json::array();
    int failed = 0, warnings = 0;
    for (const auto& r : results) {
        failed += r.verdict == Verdict::fail;
        warnings += r.verdict == Verdict::warning;
        checks.push_back({{"check", r.check},
                          {"verdict", std::string(to_string(r.verdict))},
                          {"detail", r.detail},
                          {"fix", r.fix}});
    }
    nlohmann::ordered_json doc = {{"failed", failed}, {"warnings", warnings}, {"checks", checks}};
    out << doc.dump() << '\n';
}

}  // namespace cusax::ctl::doctor
