// cusaxctl import and export: bindings in and out as CSV, and in from vCard files.
#include <chrono>
#include <filesystem>
#include <fstream>

#include "cusaxctl/binding_csv.hpp"
#include "cusaxctl/command_error.hpp"
#include "cusaxctl/command_options.hpp"
#include "cusaxctl/input_files.hpp"
#include "cusaxctl/repeated_keys.hpp"
#include "cusaxctl/vcard_import.hpp"

namespace cusax::ctl {
namespace {

namespace fs = std::filesystem;

bool is_vcard_file(const fs::path& path) { return has_extension(path, {".vcf", ".vcard"}); }

std::vector<store::Binding> read_file(const fs::path& path, const std::string& format,
                                      store::Verification verification, ImportOrigins& origins) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CommandError(kBadImportFile, path.string() + ": cannot read");
    const bool vcf = format == "vcf" || (format == "auto" && is_vcard_file(path));
    return vcf ? read_bindings_vcf(in, path.string(), verification, &origins)
               : read_bindings_csv(in, path.string(), verification, &origins);
}

// The files of one import are one set of bindings, held to the rule each file is
// (binding_csv.hpp): no AOR, JID or number twice. Each reader has checked its own file; this
// looks across them, once (a directory of a card per person is many files), naming both
// files and lines.
void refuse_repeats_across_files(const std::vector<store::Binding>& bindings,
                                 const ImportOrigins& origins, std::size_t files) {
    if (files < 2) return;
    if (const auto repeated = first_repeated_key(bindings, bindings.size())) {
        throw ImportFileError(origins.at(repeated->index) + ": " + repeated->key +
                              " is already at " + origins.at(repeated->first_index));
    }
}

}  // namespace

int command_import(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"import", "import FILE|DIR... [--format auto|csv|vcf] [--verification STATE]",
                     "Add or replace bindings from CSV or vCard files, all or nothing: one bad "
                     "row aborts the import with its line and the store is left unchanged."};
    std::vector<std::string> inputs;
    std::string format, verification_text;
    spec.options.add_options()("file", po::value(&inputs)->required(),
                               "CSV or .vcf file, or a directory of .vcf files")                  //
        ("format", po::value(&format)->default_value("auto"), "auto (by extension), csv or vcf")  //
        ("verification", po::value(&verification_text),
         "state for rows that name none (default: [cusaxctl] import_verification)");
    spec.positional.add("file", -1);
    if (!parse_command(ctx, spec, args)) return kOk;
    if (format != "auto" && format != "csv" && format != "vcf") {
        throw CommandError(kUsage, "--format must be auto, csv or vcf");
    }
    auto verification = ctx.import_verification;
    if (!verification_text.empty()) {
        auto parsed = store::verification_from_string(verification_text);
        if (!parsed)
            throw CommandError(kUsage, "--verification must be unverified, admin or directory");
        verification = *parsed;
    }

    const auto started = std::chrono::steady_clock::now();
    std::vector<store::Binding> bindings;
    ImportOrigins origins;  // "file:line" of each binding, for the store's refusals
    std::size_t files = 0;
    try {
        try {
            for (const auto& path : expand_inputs(inputs, is_vcard_file, ".vcf files")) {
                auto more = read_file(path, format, verification, origins);
                ++files;
                if (bindings.empty()) {
                    bindings = std::move(more);  // one file (the usual case): not row by row
                    continue;
                }
                bindings.insert(bindings.end(), std::make_move_iterator(more.begin()),
                                std::make_move_iterator(more.end()));
            }
        } catch (const ImportFileError&) {
            // A repeat across the files before the bad one comes first in the import.
            refuse_repeats_across_files(bindings, origins, files);
            throw;
        }
        refuse_repeats_across_files(bindings, origins, files);
    } catch (const ImportFileError& e) {
        throw CommandError(kBadImportFile, std::string(e.what()) + "\nnothing was imported");
    }
    auto store = ctx.open();
    try {
        store->import(bindings);
    } catch (const store::ImportError& e) {
        const auto where = e.index < origins.size() ? origins.at(e.index) + ": " : std::string();
        throw CommandError(kRefused, where + e.what() + "\nnothing was imported");
    } catch (const store::BindingError& e) {
        throw CommandError(kRefused, std::string(e.what()) + "\nnothing was imported");
    }
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
    if (ctx.json) {
        *ctx.out << nlohmann::ordered_json{{"imported", bindings.size()},
                                           {"milliseconds", elapsed_ms}}
                        .dump()
                 << '\n';
    } else {
        *ctx.out << "imported " << bindings.size() << " bindings in " << elapsed_ms << " ms\n";
    }
    return kOk;
}

int command_export(const CtlContext& ctx, const CommandArgs& args) {
    CommandSpec spec{"export", "export [FILE]",
                     "Write every binding as CSV (the format import reads) to FILE or stdout."};
    std::string path;
    spec.options.add_options()("file", po::value(&path), "output file (default: stdout)");
    spec.positional.add("file", 1);
    if (!parse_command(ctx, spec, args)) return kOk;
    auto bindings = ctx.open()->load_all();
    std::sort(bindings.begin(), bindings.end(),
              [](const auto& a, const auto& b) { return a.aor < b.aor; });
    if (path.empty()) {
        write_bindings_csv(*ctx.out, bindings);
        return kOk;
    }
    std::ofstream out(path, std::ios::trunc);
    write_bindings_csv(out, bindings);
    if (!out.flush()) throw CommandError(kFailure, path + ": cannot write");
    *ctx.err << "exported " << bindings.size() << " bindings to " << path << '\n';
    return kOk;
}

}  // namespace cusax::ctl
