// Any bytes as an INI file: either a Config or a ConfigError, never a crash. An accepted file
// holds only valid values: every key reads with the getter of its type, and the file written
// again from what was read (each set key as `key=value` under its section) is accepted too and
// gives every key the same value, set where it was set.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config-catalog/config_catalog.hpp"
#include "fuzz_support.hpp"
#include "shared/config/config_loader.hpp"

namespace {

using cusax::fuzz::violated;

using cusax::config::Config;
using cusax::config::KeyType;

const std::vector<std::string> kNeeded = {"log", "store"};

// Reads the value with its type's getter; throws std::logic_error if it is not valid.
void read_typed(const Config& c, const std::string& section, const cusax::config::KeyDecl& key) {
    switch (key.type) {
        case KeyType::integer:
            (void)c.integer(section, key.name);
            break;
        case KeyType::boolean:
            (void)c.boolean(section, key.name);
            break;
        case KeyType::list:
            (void)c.list(section, key.name);
            break;
        case KeyType::duration:
            (void)c.duration(section, key.name);
            break;
        case KeyType::size:
            (void)c.size(section, key.name);
            break;
        default:
            (void)c.string(section, key.name);
            break;
    }
}

// The set keys of `c`, written as an INI file.
std::string written_again(const Config& c) {
    std::string out;
    for (const auto& section : c.schema()) {
        bool header = false;
        for (const auto& key : section.keys) {
            if (!c.is_set(section.name, key.name)) continue;
            if (!header) out += "[" + section.name + "]\n";
            header = true;
            out += key.name + "=" + c.text(section.name, key.name) + "\n";
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto& schema = cusax::config_catalog::all_sections();
    std::optional<Config> first;
    try {
        first.emplace(cusax::config::load_config_string(text, "fuzz.ini", kNeeded, schema));
    } catch (const cusax::config::ConfigError&) {
        return 0;
    }
    for (const auto& section : first->schema()) {
        for (const auto& key : section.keys) {
            try {
                read_typed(*first, section.name, key);
            } catch (const std::exception& e) {
                violated("an accepted value does not read as its type",
                         section.name + " " + key.name + ": " + e.what());
            }
        }
    }
    const std::string again_text = written_again(*first);
    try {
        const Config again =
            cusax::config::load_config_string(again_text, "fuzz.ini", kNeeded, schema);
        for (const auto& section : first->schema()) {
            for (const auto& key : section.keys) {
                if (again.text(section.name, key.name) != first->text(section.name, key.name) ||
                    again.is_set(section.name, key.name) != first->is_set(section.name, key.name))
                    violated("a value read differently once written again",
                             section.name + " " + key.name + "\n" + again_text);
            }
        }
    } catch (const cusax::config::ConfigError& e) {
        violated("an accepted file written again is refused",
                 std::string(e.what()) + "\n" + again_text);
    }
    return 0;
}
