#include "shared/config/config.hpp"

#include <algorithm>

#include "shared/config/value_parsers.hpp"

namespace cusax::config {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        if (!out.empty()) out += '\n';
        out += line;
    }
    return out;
}

std::string name_of(std::string_view section, std::string_view key) {
    return "[" + std::string(section) + "] " + std::string(key);
}

// A stored value failed to parse: the loader let through something it should not have.
[[noreturn]] void invalid_stored(std::string_view section, std::string_view key,
                                 const std::string& reason) {
    throw std::logic_error("config: stored value of " + name_of(section, key) +
                           " does not parse: " + reason);
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> errors)
    : std::runtime_error(join_lines(errors)), errors_(std::move(errors)) {}

Config::Config(Schema schema, std::string file, Values values)
    : schema_(std::move(schema)), file_(std::move(file)) {
    for (const auto& section : schema_) {
        auto& target = values_[section.name];
        const auto given = values.find(section.name);
        for (const auto& key : section.keys) {
            Entry value{key.default_value, 0};
            if (given != values.end()) {
                if (const auto it = given->second.find(key.name); it != given->second.end()) {
                    value = it->second;
                }
            }
            target.emplace(key.name, std::move(value));
        }
    }
}

const Config::Entry& Config::entry(std::string_view section, std::string_view key,
                                   const KeyDecl*& decl) const {
    const auto* section_decl = find_section(schema_, section);
    decl = section_decl ? section_decl->find(key) : nullptr;
    if (!decl) throw std::logic_error("config: " + name_of(section, key) + " is not declared");
    return values_.find(section)->second.find(key)->second;
}

const Config::Entry& Config::typed(std::string_view section, std::string_view key,
                                   std::initializer_list<KeyType> types) const {
    const KeyDecl* decl = nullptr;
    const Entry& found = entry(section, key, decl);
    if (std::find(types.begin(), types.end(), decl->type) == types.end()) {
        throw std::logic_error("config: " + name_of(section, key) + " is a " +
                               std::string(type_name(decl->type)) + " key");
    }
    return found;
}

const std::string& Config::string(std::string_view section, std::string_view key) const {
    return typed(section, key, {KeyType::string, KeyType::path, KeyType::enumeration}).value;
}

std::int64_t Config::integer(std::string_view section, std::string_view key) const {
    std::int64_t out = 0;
    const auto reason = parse_integer(typed(section, key, {KeyType::integer}).value, out);
    if (!reason.empty()) invalid_stored(section, key, reason);
    return out;
}

bool Config::boolean(std::string_view section, std::string_view key) const {
    bool out = false;
    const auto reason = parse_boolean(typed(section, key, {KeyType::boolean}).value, out);
    if (!reason.empty()) invalid_stored(section, key, reason);
    return out;
}

std::vector<std::string> Config::list(std::string_view section, std::string_view key) const {
    return split_list(typed(section, key, {KeyType::list}).value);
}

std::chrono::milliseconds Config::duration(std::string_view section, std::string_view key) const {
    std::chrono::milliseconds out{};
    const auto reason = parse_duration(typed(section, key, {KeyType::duration}).value, out);
    if (!reason.empty()) invalid_stored(section, key, reason);
    return out;
}

std::uint64_t Config::size(std::string_view section, std::string_view key) const {
    std::uint64_t out = 0;
    const auto reason = parse_size(typed(section, key, {KeyType::size}).value, out);
    if (!reason.empty()) invalid_stored(section, key, reason);
    return out;
}

const std::string& Config::text(std::string_view section, std::string_view key) const {
    const KeyDecl* decl = nullptr;
    return entry(section, key, decl).value;
}

std::string Config::location(std::string_view section, std::string_view key) const {
    const KeyDecl* decl = nullptr;
    const auto& found = entry(section, key, decl);
    return found.line == 0 ? "default" : file_ + ":" + std::to_string(found.line);
}

bool Config::is_set(std::string_view section, std::string_view key) const {
    return line(section, key) != 0;
}

int Config::line(std::string_view section, std::string_view key) const {
    const KeyDecl* decl = nullptr;
    return entry(section, key, decl).line;
}

std::vector<std::string> Config::secret_values() const {
    std::vector<std::string> out;
    for (const auto& section : schema_) {
        for (const auto& key : section.keys) {
            if (!key.secret) continue;
            const auto& value = values_.find(section.name)->second.find(key.name)->second.value;
            if (!value.empty()) out.push_back(value);
        }
    }
    return out;
}

}  // namespace cusax::config
