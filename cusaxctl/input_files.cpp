#include "cusaxctl/input_files.hpp"

#include <algorithm>
#include <iterator>

#include "cusaxctl/command_error.hpp"
#include "shared/text/ascii_case.hpp"

namespace cusax::ctl {

namespace fs = std::filesystem;

std::vector<fs::path> expand_inputs(const std::vector<std::string>& inputs,
                                    const std::function<bool(const fs::path&)>& wanted,
                                    std::string_view what) {
    std::vector<fs::path> files;
    for (const auto& input : inputs) {
        std::error_code ec;
        if (!fs::is_directory(input, ec)) {
            files.emplace_back(input);
            continue;
        }
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(input, ec)) {
            if (entry.is_regular_file() && wanted(entry.path())) found.push_back(entry.path());
        }
        if (found.empty()) {
            throw CommandError(kBadImportFile,
                               input + ": no " + std::string(what) + " in this directory");
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

bool has_extension(const fs::path& path, std::initializer_list<std::string_view> extensions) {
    const auto ext = text::ascii_lower(path.extension().string());
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

void ImportOrigins::start(std::string source) {
    sources_.push_back({lines_.size(), std::move(source)});
}

std::string ImportOrigins::at(std::size_t index) const {
    // The last source that began at or before the index (one that gave no binding is skipped).
    const auto after = std::upper_bound(sources_.begin(), sources_.end(), index,
                                        [](std::size_t i, const Source& s) { return i < s.first; });
    const std::string name = after == sources_.begin() ? "?" : std::prev(after)->name;
    return name + ":" + std::to_string(lines_.at(index));
}

}  // namespace cusax::ctl
