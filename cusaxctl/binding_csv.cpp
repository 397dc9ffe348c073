#include "cusaxctl/binding_csv.hpp"

#include <csv.h>

#include <array>
#include <optional>

#include "cusaxctl/phone_list.hpp"
#include "cusaxctl/repeated_keys.hpp"
#include "shared/text/ascii_case.hpp"

namespace cusax::ctl {
namespace {

enum Column { kAor, kJid, kDisplayName, kNumbers, kVerification, kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kColumnNames = {"aor", "jid", "display_name",
                                                                     "numbers", "verification"};

// Collects libcsv's callbacks into rows, remembering the line each row starts on. Rows are
// converted as soon as a line is read, so the few held at a time are reused: a field's text
// goes into its row's buffer, with no string of its own (five allocations a row saved).
struct RowCollector {
    struct Row {
        long line = 0;
        std::string text;                                        // the fields one after the other
        std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset, length in text
        std::vector<std::string_view> fields;                    // filled by fields_of()
    };
    std::vector<Row> rows;  // rows[0, ready) are complete; rows[ready] is being read
    std::size_t ready = 0;
    bool in_row = false;
    long current_line = 0;

    static void on_field(void* data, std::size_t length, void* self_ptr) {
        auto* self = static_cast<RowCollector*>(self_ptr);
        if (!self->in_row) {
            self->in_row = true;
            if (self->rows.size() == self->ready) self->rows.emplace_back();
            auto& row = self->rows[self->ready];
            row.line = self->current_line;
            row.text.clear();
            row.spans.clear();
        }
        auto& row = self->rows[self->ready];
        row.spans.emplace_back(row.text.size(), length);
        row.text.append(static_cast<const char*>(data), length);
    }
    static void on_row_end(int, void* self_ptr) {
        auto* self = static_cast<RowCollector*>(self_ptr);
        if (!self->in_row) {  // libcsv ends a row only after a field; be safe anyway
            if (self->rows.size() == self->ready) self->rows.emplace_back();
            self->rows[self->ready].text.clear();
            self->rows[self->ready].spans.clear();
            self->rows[self->ready].line = self->current_line;
        }
        self->in_row = false;
        ++self->ready;
    }

    static const std::vector<std::string_view>& fields_of(Row& row) {
        row.fields.clear();
        for (const auto& [offset, length] : row.spans) {
            row.fields.emplace_back(row.text.data() + offset, length);
        }
        return row.fields;
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
    const std::vector<std::string_view>& header, const std::string& where) {
    std::array<std::optional<std::size_t>, kColumnCount> positions;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const auto name = text::ascii_lower(header[i]);
        std::size_t column = 0;
        while (column < kColumnCount && kColumnNames[column] != name) ++column;
        if (column == kColumnCount) {
            throw ImportFileError(where + ": unknown column \"" + std::string(header[i]) +
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
    RowConverter(const std::string& source_name, store::Verification default_verification)
        : source_name_(source_name), default_verification_(default_verification) {}

    void add_row(long row_line, const std::vector<std::string_view>& fields) {
        const auto where = [&] { return source_name_ + ":" + std::to_string(row_line); };
        if (!header_size_) {
            positions_ = read_header(fields, where());
            header_size_ = fields.size();
            return;
        }
        if (fields.size() != header_size_) {
            throw ImportFileError(where() + ": " + std::to_string(fields.size()) +
                                  " fields, the header has " + std::to_string(header_size_));
        }
        auto field = [&](Column column) -> std::string_view {
            return positions_[column] ? fields[*positions_[column]] : "";
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
            bindings_.push_back(store::make_binding(field(kAor), field(kJid), field(kDisplayName),
                                                    parse_phone_list(field(kNumbers)),
                                                    verification));
            lines_.push_back(row_line);
        } catch (const store::BindingError& e) {
            throw ImportFileError(where() + ": " + e.what());
        }
    }

    // Throws for the first row that repeats an AOR, JID or number of an earlier one, naming
    // both lines. Checked once the rows are read (views of the bindings' strings stay valid
    // only once the list stops growing); a caller that meets a bad row checks the rows before
    // it first, so the error is the first row's in the file either way.
    void refuse_repeated_keys() const {
        if (const auto repeated = first_repeated_key(bindings_, bindings_.size())) {
            throw ImportFileError(source_name_ + ":" + std::to_string(lines_[repeated->index]) +
                                  ": " + repeated->key + " is already on line " +
                                  std::to_string(lines_[repeated->first_index]));
        }
    }

    std::vector<store::Binding> finish(ImportOrigins* origins) {
        if (!header_size_) throw ImportFileError(source_name_ + ": empty file, no header row");
        refuse_repeated_keys();
        if (origins) {
            origins->start(source_name_);
            for (const auto line : lines_) origins->add(line);
        }
        return std::move(bindings_);
    }

  private:
    const std::string& source_name_;
    store::Verification default_verification_;
    std::size_t header_size_ = 0;
    std::array<std::optional<std::size_t>, kColumnCount> positions_;
    std::vector<store::Binding> bindings_;
    std::vector<long> lines_;  // of each binding
};

}  // namespace

std::vector<store::Binding> read_bindings_csv(std::istream& in, const std::string& source_name,
                                              store::Verification default_verification,
                                              ImportOrigins* origins) {
    RowCollector collector;
    CsvParser parser;
    RowConverter converter(source_name, default_verification);
    // libcsv calls back from C code, which an exception must not cross: its callbacks only
    // collect rows, converted here after each line.
    auto convert_collected = [&] {
        for (std::size_t i = 0; i < collector.ready; ++i) {
            auto& row = collector.rows[i];
            converter.add_row(row.line, RowCollector::fields_of(row));
        }
        // A row still being read (a quoted field over several lines) moves to the front.
        if (collector.in_row && collector.ready > 0) {
            std::swap(collector.rows[0], collector.rows[collector.ready]);
        }
        collector.ready = 0;
    };
    try {
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
            throw ImportFileError(source_name + ":" + std::to_string(collector.current_line) +
                                  ": " + parser.error());
        }
        convert_collected();
    } catch (const ImportFileError&) {
        converter.refuse_repeated_keys();  // a repeat on an earlier line is the first error
        throw;
    }
    return converter.finish(origins);
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
