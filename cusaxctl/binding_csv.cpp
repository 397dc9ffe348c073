#include "cusaxctl/binding_csv.hpp"

#include <csv.h>

#include <array>
#include <map>
#include <optional>
#include <unordered_map>

#include "cusaxctl/phone_list.hpp"
#include "shared/text/ascii_case.hpp"

namespace cusax::ctl {
namespace {

enum Column { kAor, kJid, kDisplayName, kNumbers, kVerification, kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {"aor", "jid", "display_name",
                                                                     "numbers", "verification"};

// Collects libcsv's callbacks into rows, remembering the line each row starts on.
struct RowCollector {
    std::vector<std::string> fields;
    long current_line = 0;
    long row_line = 0;
    std::vector<std::pair<long, std::vector<std::string>>> rows;

    static void on_field(void* data, std::size_t length, void* self_ptr) {
        auto* self = static_cast<RowCollector*>(self_ptr);
        if (self->fields.empty()) self->row_line = self->current_line;
        self->fields.emplace_back(static_cast<const char*>(data), length);
    }
    static void on_row_end(int, void* self_ptr) {
        auto* self = static_cast<RowCollector*>(self_ptr);
        self->rows.emplace_back(self->row_line, std::move(self->fields));
        self->fields.clear();
    }
};

class CsvParser {
  public:
    CsvParser() {
        if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) {
            throw std::runtime_error("cannot initialise the CSV parser");
        }
    }
    ~CsvParser() { csv_free(&parser_); }
    CsvParser(const CsvParser&) = delete;
    CsvParser& operator=(const CsvParser&) = delete;

    bool feed(std::string_view text, RowCollector& rows) {
        return csv_parse(&parser_, text.data(), text.size(), RowCollector::on_field,
                         RowCollector::on_row_end, &rows) == text.size();
    }
    bool finish(RowCollector& rows) {
        return csv_fini(&parser_, RowCollector::on_field, RowCollector::on_row_end, &rows) == 0;
    }
    const char* error() { return csv_strerror(csv_error(&parser_)); }

  private:
    csv_parser parser_{};
};

// Maps the header row to column positions; throws on unknown, duplicate or missing columns.
std::array<std::optional<std::size_t>, kColumnCount> read_header(
    const std::vector<std::string>& header, const std::string& where) {
    std::array<std::optional<std::size_t>, kColumnCount> positions;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const auto name = text::ascii_lower(header[i]);
        std::size_t column = 0;
        while (column < kColumnCount && kColumnNames[column] != name) ++column;
        if (column == kColumnCount) {
            throw ImportFileError(where + ": unknown column \"" + header[i] +
                                  "\" (known: aor, jid, display_name, numbers, verification)");
        }
        if (positions[column]) throw ImportFileError(where + ": column \"" + name + "\" twice");
        positions[column] = i;
    }
    for (auto required : {kAor, kJid}) {
        if (!positions[required]) {
            throw ImportFileError(where + ": the header row has no \"" +
                                  std::string(kColumnNames[required]) + "\" column");
        }
    }
    return positions;
}

// Turns rows into bindings as they are parsed, so a large file is never held twice.
class RowConverter {
  public:
    RowConverter(const std::string& source_name, store::Verification default_verification,
                 std::vector<std::string>* origins)
        : source_name_(source_name),
          default_verification_(default_verification),
          origins_(origins) {}

    void add_row(long row_line, const std::vector<std::string>& fields) {
        const std::string where = source_name_ + ":" + std::to_string(row_line);
        if (!header_size_) {
            positions_ = read_header(fields, where);
            header_size_ = fields.size();
            return;
        }
        if (fields.size() != header_size_) {
            throw ImportFileError(where + ": " + std::to_string(fields.size()) +
                                  " fields, the header has " + std::to_string(header_size_));
        }
        auto field = [&](Column column) -> std::string_view {
            return positions_[column] ? std::string_view(fields[*positions_[column]]) : "";
        };
        try {
            auto verification = default_verification_;
            if (!field(kVerification).empty()) {
                auto parsed = store::verification_from_string(field(kVerification));
                if (!parsed) {
                    throw store::BindingError("verification \"" +
                                              std::string(field(kVerification)) +
                                              "\": not one of unverified, admin, directory");
                }
                verification = *parsed;
            }
            auto binding = store::make_binding(field(kAor), field(kJid), field(kDisplayName),
                                               parse_phone_list(field(kNumbers)), verification);
            claim("aor " + binding.aor, row_line, where);
            claim("jid " + binding.jid, row_line, where);
            for (const auto& number : binding.numbers) {
                claim("number " + number.number, row_line, where);
            }
            bindings_.push_back(std::move(binding));
            if (origins_) origins_->push_back(where);
        } catch (const store::BindingError& e) {
            throw ImportFileError(where + ": " + e.what());
        }
    }

    std::vector<store::Binding> finish() {
        if (!header_size_) throw ImportFileError(source_name_ + ": empty file, no header row");
        return std::move(bindings_);
    }

  private:
    // Where each key was first seen, so a repeated one names both lines.
    void claim(const std::string& key, long row_line, const std::string& where) {
        auto [it, inserted] = seen_.emplace(key, row_line);
        if (!inserted) {
            throw ImportFileError(where + ": " + key + " is already on line " +
                                  std::to_string(it->second));
        }
    }

    const std::string& source_name_;
    store::Verification default_verification_;
    std::vector<std::string>* origins_;
    std::size_t header_size_ = 0;
    std::array<std::optional<std::size_t>, kColumnCount> positions_;
    std::unordered_map<std::string, long> seen_;
    std::vector<store::Binding> bindings_;
};

}  // namespace

std::vector<store::Binding> read_bindings_csv(std::istream& in, const std::string& source_name,
                                              store::Verification default_verification,
                                              std::vector<std::string>* origins) {
    RowCollector collector;
    CsvParser parser;
    RowConverter converter(source_name, default_verification, origins);
    // libcsv calls back from C code, which an exception must not cross: its callbacks only
    // collect rows, converted here after each line.
    auto convert_collected = [&] {
        for (const auto& [row_line, fields] : collector.rows) converter.add_row(row_line, fields);
        collector.rows.clear();
    };
    std::string line;
    while (std::getline(in, line)) {
        ++collector.current_line;
        line += '\n';
        if (!parser.feed(line, collector)) {
            throw ImportFileError(source_name + ":" + std::to_string(collector.current_line) +
                                  ": " + parser.error());
        }
        convert_collected();
    }
    if (!parser.finish(collector)) {
        throw ImportFileError(source_name + ":" + std::to_string(collector.current_line) + ": " +
                              parser.error());
    }
    convert_collected();
    return converter.finish();
}

void write_bindings_csv(std::ostream& out, const std::vector<store::Binding>& bindings) {
    auto quoted = [](std::string_view value) {
        std::string buffer(value.size() * 2 + 2, '\0');
        buffer.resize(csv_write(buffer.data(), buffer.size(), value.data(), value.size()));
        return buffer;
    };
    out << "aor,jid,display_name,numbers,verification\n";
    for (const auto& binding : bindings) {
        out << quoted(binding.aor) << ',' << quoted(binding.jid) << ','
            << quoted(binding.display_name) << ',' << quoted(format_phone_list(binding.numbers))
            << ',' << store::to_string(binding.verification) << '\n';
    }
}

}  // namespace cusax::ctl
