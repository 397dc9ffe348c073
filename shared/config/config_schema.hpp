#pragma once
// The declaration of every configuration key, built from the tables that declare each key
// once beside the settings it fills (settings_table.hpp). The same declarations drive parsing
// and validation (config_loader), `--dump-config` (config_dump) and the README's reference
// (markdown_reference), so a key cannot be documented and parsed differently.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::config {

enum class KeyType {
    string,       // any text
    integer,      // decimal, optionally bounded by min/max
    boolean,      // true/false, yes/no, on/off, 1/0
    enumeration,  // one of `choices`
    list,         // comma-separated, items trimmed; the validator sees each item
    duration,     // "250ms", "5s", "2m", "1h"; min/max in milliseconds
    size,         // "1048576", "64KiB", "4MiB", "1GiB"; min/max in bytes
    path,         // an absolute path, or empty when the key allows it
};

std::string_view type_name(KeyType type);

// Returns "" when the text is acceptable, or the reason it is not (one short phrase, e.g.
// "not a sip: URI"). For a list key it is called once per item.
using Validator = std::function<std::string(std::string_view)>;

struct KeyDecl {
    // Every member has an initializer so that declarations can name only what they need
    // ({.name = ..., .type = ...}) without -Wmissing-field-initializers.
    std::string name{};
    KeyType type = KeyType::string;
    std::string default_value{};         // as written in the file; "" for none
    std::string help{};                  // one line
    bool required = false;               // must be set (and not empty) when its section is checked
    bool secret = false;                 // its value never appears in an error, a log or a dump
    // A running daemon takes a new value on SIGHUP (shared/runtime/config_reload.hpp); every
    // other key keeps its start-up value until a restart.
    bool reloads = false;
    std::vector<std::string> choices{};  // enumeration
    std::optional<std::int64_t> min{};   // integer; duration (ms); size (bytes)
    std::optional<std::int64_t> max{};
    Validator validator{};  // optional extra check after the type's own
};

class Config;

// A rule between keys of one section ("retry_min <= retry_max"): the key to blame
// and what is wrong. Reported at the line of that key (or of the section header).
struct KeyProblem {
    std::string key;
    std::string reason;
};
using SectionCheck = std::function<std::vector<KeyProblem>(const Config&)>;

struct SectionDecl {
    std::string name{};
    std::string help{};  // one line
    std::vector<KeyDecl> keys{};
    // Run once every key of the file is valid on its own, for the sections that are
    // checked (needed or present); must not quote secret values.
    SectionCheck check{};

    const KeyDecl* find(std::string_view key) const;
};

using Schema = std::vector<SectionDecl>;

const SectionDecl* find_section(const Schema& schema, std::string_view name);

}  // namespace cusax::config
