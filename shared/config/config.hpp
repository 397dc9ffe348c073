#pragma once
// A loaded, validated configuration: every declared key of every section, with the value
// from the file or its default. Built by config_loader.hpp.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "shared/config/config_schema.hpp"

namespace cusax::config {

// Everything wrong with a configuration, one message per problem in the form
// "FILE:LINE: [section] key: what is wrong", first line of the file first. what() is the
// messages joined by newlines. Messages never contain the value of a secret key.
class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(std::vector<std::string> errors);
    const std::vector<std::string>& errors() const noexcept { return errors_; }

  private:
    std::vector<std::string> errors_;
};

class Config {
  public:
    struct Entry {
        std::string value;
        int line = 0;  // 0: the declared default
    };
    using SectionValues = std::map<std::string, Entry, std::less<>>;
    using Values = std::map<std::string, SectionValues, std::less<>>;

    // `values` holds the keys set in `file`; every other declared key takes its default.
    // Values must already be valid (the loader checked them).
    Config(Schema schema, std::string file, Values values);

    // Typed getters. Asking for an undeclared key, or with the getter of another type, is a
    // programming error: std::logic_error.
    // string: for string, path and enumeration keys.
    const std::string& string(std::string_view section, std::string_view key) const;
    std::int64_t integer(std::string_view section, std::string_view key) const;
    bool boolean(std::string_view section, std::string_view key) const;
    std::vector<std::string> list(std::string_view section, std::string_view key) const;
    std::chrono::milliseconds duration(std::string_view section, std::string_view key) const;
    std::uint64_t size(std::string_view section, std::string_view key) const;

    // The value as written (or the default), whatever the key's type.
    const std::string& text(std::string_view section, std::string_view key) const;

    // Where the value came from: "FILE:LINE", or "default".
    std::string location(std::string_view section, std::string_view key) const;
    bool is_set(std::string_view section, std::string_view key) const;
    int line(std::string_view section, std::string_view key) const;  // 0: the default

    // Non-empty values of secret keys, for log::register_secret (defence in depth).
    std::vector<std::string> secret_values() const;

    const std::string& file() const noexcept { return file_; }
    const Schema& schema() const noexcept { return schema_; }

  private:
    const Entry& entry(std::string_view section, std::string_view key, const KeyDecl*& decl) const;
    const Entry& typed(std::string_view section, std::string_view key,
                       std::initializer_list<KeyType> types) const;

    Schema schema_;
    std::string file_;
    Values values_;  // every declared key, defaults filled in
};

}  // namespace cusax::config
