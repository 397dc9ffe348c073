#include "cusaxctl/input_files.hpp"

#include <algorithm>

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

}  // namespace cusax::ctl
