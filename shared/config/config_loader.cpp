#include "shared/config/config_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "shared/config/ini_document.hpp"
#include "shared/config/suggest.hpp"
#include "shared/config/value_check.hpp"

namespace cusax::config {
namespace {

struct Problem {
    int line = 0;  // 0: no line (a missing section)
    std::string message;
};

std::string section_label(std::string_view section) { return "[" + std::string(section) + "]"; }

std::vector<std::string> section_names(const Schema& schema) {
    std::vector<std::string> names;
    for (const auto& section : schema) names.push_back(section.name);
    return names;
}

std::vector<std::string> key_names(const SectionDecl& section) {
    std::vector<std::string> names;
    for (const auto& key : section.keys) names.push_back(key.name);
    return names;
}

void check_needed(const Schema& schema, const std::vector<std::string>& needed) {
    for (const auto& name : needed) {
        if (!find_section(schema, name)) {
            throw std::logic_error("config: needed section [" + name + "] is not declared");
        }
    }
}

// " (did you mean level?)", " (it belongs in [log])" or "".
std::string key_hint(const Schema& schema, const SectionDecl& section, std::string_view key) {
    if (const auto near = closest_name(key, key_names(section))) {
        return " (did you mean " + *near + "?)";
    }
    std::vector<std::string> homes;
    for (const auto& other : schema) {
        if (other.find(key)) homes.push_back(section_label(other.name));
    }
    if (homes.size() == 1) return " (it belongs in " + homes.front() + ")";
    return "";
}

class Validation {
  public:
    Validation(const Schema& schema, std::string file) : schema_(schema), file_(std::move(file)) {}

    Config run(const IniDocument& document, const std::vector<std::string>& needed) {
        check_needed(schema_, needed);
        for (const auto& problem : document.problems)
            problems_.push_back({problem.line, problem.message});
        check_sections(document);
        check_entries(document);
        check_required(needed);
        if (!problems_.empty()) throw ConfigError(messages());
        Config config(schema_, file_, std::move(values_));
        check_sections_as_a_whole(config, needed);
        if (!problems_.empty()) throw ConfigError(messages());
        return config;
    }

  private:
    void add(int line, std::string message) { problems_.push_back({line, std::move(message)}); }

    void check_sections(const IniDocument& document) {
        for (const auto& section : document.sections) {
            const auto [first, inserted] = header_lines_.emplace(section.name, section.line);
            if (!inserted) {
                add(section.line, section_label(section.name) +
                                      ": duplicate section (first on line " +
                                      std::to_string(first->second) + ")");
                continue;
            }
            if (find_section(schema_, section.name)) continue;
            std::string message = section_label(section.name) + ": unknown section";
            if (const auto near = closest_name(section.name, section_names(schema_))) {
                message += " (did you mean " + section_label(*near) + "?)";
            }
            add(section.line, message);
        }
    }

    void check_entries(const IniDocument& document) {
        std::map<std::pair<std::string, std::string>, int> first_lines;
        for (const auto& entry : document.entries) {
            if (entry.section.empty()) {
                add(entry.line, entry.key +
                                    ": key outside any section (put it under its "
                                    "[section] header)");
                continue;
            }
            const auto* section = find_section(schema_, entry.section);
            if (!section) continue;  // reported once, with its header
            const std::string label = section_label(entry.section) + " " + entry.key;
            const auto* key = section->find(entry.key);
            if (!key) {
                add(entry.line, label + ": unknown key" + key_hint(schema_, *section, entry.key));
                continue;
            }
            const auto [first, inserted] =
                first_lines.emplace(std::pair(entry.section, entry.key), entry.line);
            if (!inserted) {
                add(entry.line, label + ": duplicate key (first set on line " +
                                    std::to_string(first->second) + ")");
                continue;
            }
            if (const auto reason = check_value(*key, entry.value); !reason.empty()) {
                add(entry.line, label + ": " + reason);
                continue;
            }
            values_[entry.section][entry.key] = Config::Entry{entry.value, entry.line};
        }
        // A key whose value was refused is still "set": it must not also be reported missing.
        for (const auto& [name, line] : first_lines) present_keys_.insert(name);
    }

    void check_required(const std::vector<std::string>& needed) {
        for (const auto* section : checked_sections(needed)) {
            const auto header = header_lines_.find(section->name);
            const int line = header == header_lines_.end() ? 0 : header->second;
            for (const auto& key : section->keys) {
                if (!key.required || present_keys_.contains({section->name, key.name})) continue;
                add(line,
                    section_label(section->name) + " " + key.name + ": required key is missing");
            }
        }
    }

    // Sections the program needs, then those the file has, each once.
    std::vector<const SectionDecl*> checked_sections(const std::vector<std::string>& needed) const {
        std::vector<std::string> names = needed;
        for (const auto& [name, line] : header_lines_) names.push_back(name);
        std::vector<const SectionDecl*> out;
        for (const auto& name : names) {
            const auto* section = find_section(schema_, name);
            if (section && std::find(out.begin(), out.end(), section) == out.end()) {
                out.push_back(section);
            }
        }
        return out;
    }

    void check_sections_as_a_whole(const Config& config, const std::vector<std::string>& needed) {
        for (const auto* section : checked_sections(needed)) {
            if (!section->check) continue;
            for (const auto& problem : section->check(config)) {
                int line = 0;
                if (section->find(problem.key) && config.is_set(section->name, problem.key)) {
                    line = config.line(section->name, problem.key);
                } else if (const auto header = header_lines_.find(section->name);
                           header != header_lines_.end()) {
                    line = header->second;
                }
                add(line, section_label(section->name) + " " + problem.key + ": " + problem.reason);
            }
        }
    }

    std::vector<std::string> messages() {
        // First line first; problems without a line (missing sections) last, in the order
        // found (which follows the declarations).
        std::stable_sort(problems_.begin(), problems_.end(), [](const auto& a, const auto& b) {
            if (a.line == 0 || b.line == 0) return a.line != 0 && b.line == 0;
            return a.line < b.line;
        });
        std::vector<std::string> out;
        for (const auto& problem : problems_) {
            out.push_back(file_ + (problem.line ? ":" + std::to_string(problem.line) : "") + ": " +
                          problem.message);
        }
        return out;
    }

    const Schema& schema_;
    std::string file_;
    std::vector<Problem> problems_;
    std::map<std::string, int> header_lines_;  // first header line of each section
    std::set<std::pair<std::string, std::string>> present_keys_;
    Config::Values values_;
};

}  // namespace

Config load_config_string(std::string_view text, const std::string& display_name,
                          const std::vector<std::string>& needed_sections, const Schema& schema) {
    return Validation(schema, display_name).run(read_ini(text), needed_sections);
}

Config load_config_file(const std::string& path, const std::vector<std::string>& needed_sections,
                        const Schema& schema) {
    const auto cannot_read = [&path] {
        return ConfigError({path + ": cannot read: " + std::strerror(errno)});
    };
    std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                            &std::fclose);
    if (!file) throw cannot_read();
    std::string text;
    char buffer[8192];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
        text.append(buffer, count);
    if (std::ferror(file.get())) throw cannot_read();  // e.g. EISDIR for a directory
    return load_config_string(text, path, needed_sections, schema);
}

Config defaults_only(const std::vector<std::string>& needed_sections, const Schema& schema) {
    return load_config_string("", "(defaults)", needed_sections, schema);
}

}  // namespace cusax::config
