#pragma once
// The files an import command reads: each argument is a file, or a directory standing for the
// files in it whose name `wanted` accepts, in name order (not recursive).
#include <cstddef>
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

// Where each binding of an import was read, "SOURCE:LINE", so that a row the store refuses
// can be named. One name per file and one number per binding: a million rows cost 8 MB, not a
// million strings.
class ImportOrigins {
  public:
    // The bindings added from now on come from `source`.
    void start(std::string source);
    void add(long line) { lines_.push_back(line); }
    std::size_t size() const { return lines_.size(); }
    // "SOURCE:LINE" of the index-th binding added; index < size().
    std::string at(std::size_t index) const;

  private:
    struct Source {
        std::size_t first;  // index of its first binding
        std::string name;
    };
    std::vector<Source> sources_;
    std::vector<long> lines_;
};

// Whether the file's extension is one of `extensions` (".vcf"), ignoring ASCII case.
bool has_extension(const std::filesystem::path& path,
                   std::initializer_list<std::string_view> extensions);

}  // namespace cusax::ctl
