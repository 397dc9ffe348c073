#pragma once
// The files an import command reads: each argument is a file, or a directory standing for the
// files in it whose name `wanted` accepts, in name order (not recursive).
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::ctl {

// Throws CommandError(kBadImportFile) for a directory without one such file; `what` names
// them in that message (".vcf files").
std::vector<std::filesystem::path> expand_inputs(
    const std::vector<std::string>& inputs,
    const std::function<bool(const std::filesystem::path&)>& wanted, std::string_view what);

// Whether the file's extension is one of `extensions` (".vcf"), ignoring ASCII case.
bool has_extension(const std::filesystem::path& path,
                   std::initializer_list<std::string_view> extensions);

}  // namespace cusax::ctl
