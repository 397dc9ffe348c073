#include "shared/metrics/text_format.hpp"

#include <charconv>
#include <cmath>

namespace cusax::metrics {
namespace {

// HELP text escapes backslash and line feed; a label value also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (quote && c == '"')
            out += "\\\"";
        else
            out += c;
    }
}

}  // namespace

Family family_of(const MetricDoc& doc) {
    return Family{family_name(doc), doc.type, std::string(doc.help), {}};
}

std::string format_value(std::uint64_t value) { return std::to_string(value); }
std::string format_value(std::int64_t value) { return std::to_string(value); }

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

void append_text(std::string& out, const Family& family) {
    if (family.samples.empty()) return;
    out += "# HELP " + family.name + " ";
    append_escaped(out, family.help, /*quote=*/false);
    out += "\n# TYPE " + family.name + " " + std::string(to_string(family.type)) + "\n";
    for (const auto& sample : family.samples) {
        out += family.name + sample.suffix;
        if (!sample.labels.empty()) {
            out += '{';
            for (std::size_t i = 0; i < sample.labels.size(); ++i) {
                if (i) out += ',';
                out += sample.labels[i].first + "=\"";
                append_escaped(out, sample.labels[i].second, /*quote=*/true);
                out += '"';
            }
            out += '}';
        }
        out += ' ' + sample.value + '\n';
    }
}

}  // namespace cusax::metrics
