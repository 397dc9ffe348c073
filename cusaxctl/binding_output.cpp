#include "cusaxctl/binding_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "cusaxctl/phone_list.hpp"

namespace cusax::ctl {

nlohmann::ordered_json binding_to_json(const store::Binding& binding) {
    nlohmann::ordered_json numbers = nlohmann::ordered_json::array();
    for (const auto& number : binding.numbers) {
        numbers.push_back(
            {{"number", number.number}, {"voice", number.voice}, {"video", number.video}});
    }
    return {{"aor", binding.aor},
            {"jid", binding.jid},
            {"display_name", binding.display_name},
            {"numbers", numbers},
            {"verification", std::string(store::to_string(binding.verification))},
            {"updated_at", binding.updated_at}};
}

void print_bindings_table(std::ostream& out, const std::vector<store::Binding>& bindings) {
    using Row = std::array<std::string, 5>;
    std::vector<Row> rows{{"AOR", "JID", "NAME", "VERIFICATION", "NUMBERS"}};
    for (const auto& b : bindings) {
        rows.push_back({b.aor, b.jid, b.display_name, std::string(store::to_string(b.verification)),
                        format_phone_list(b.numbers)});
    }
    std::array<std::size_t, 5> widths{};
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], widths[i]) : row[i];
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << '\n';
    }
}

void print_binding_details(std::ostream& out, const store::Binding& binding) {
    out << "aor:          " << binding.aor << '\n'
        << "jid:          " << binding.jid << '\n'
        << "display name: " << binding.display_name << '\n'
        << "verification: " << store::to_string(binding.verification) << '\n'
        << "numbers:      " << format_phone_list(binding.numbers) << '\n'
        << "updated at:   " << binding.updated_at << '\n';
}

}  // namespace cusax::ctl
