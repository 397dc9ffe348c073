#pragma once
// The conversions behind settings_table.hpp: a member's C++ type gives its key's type, and
// its value is written as a file would set it (the default shown by --dump-config) and read
// back from a validated value. KeyRules and SettingKey are the table's rows.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "shared/config/config_schema.hpp"
#include "shared/config/value_parsers.hpp"

namespace cusax::config {

// What a key adds to its name, member and help. `type` is needed only where the member's C++
// type allows more than one: a std::string member is a string unless declared path or
// enumeration; a number is an integer unless declared size, or string for a decimal
// (a double) checked by its validator.
struct KeyRules {
    std::optional<KeyType> type{};
    bool required = false;  // must be set (and not empty) when its section is checked
    bool secret = false;    // never in an error, a log or a dump
    std::vector<std::string> choices{};
    std::optional<std::int64_t> min{};  // integer; duration (ms); size (bytes)
    std::optional<std::int64_t> max{};
    Validator validator{};
};

template <class Settings>
struct SettingKey {
    KeyDecl decl;  // default_value is left empty: the table takes it from Settings{}
    std::function<std::string(const Settings&)> write;      // the member as a file sets it
    std::function<void(std::string_view, Settings&)> read;  // a validated value into it
};

namespace detail {

template <class Object, class Member, class... Rest>
constexpr auto& follow(Object& object, Member member, Rest... rest) {
    if constexpr (sizeof...(Rest) == 0) {
        return object.*member;
    } else {
        return follow(object.*member, rest...);
    }
}

template <class T>
inline constexpr bool is_text = std::is_same_v<T, std::string>;
template <class T>
inline constexpr bool is_list = std::is_same_v<T, std::vector<std::string>>;
template <class T>
inline constexpr bool is_duration = std::is_same_v<T, std::chrono::milliseconds>;
template <class T>
inline constexpr bool is_number = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

[[noreturn]] void bad_binding(std::string_view key, std::string_view what);
std::string join_list(const std::vector<std::string>& items);
std::string format_decimal(double value);
double parse_decimal(std::string_view text);  // validated text: logic_error otherwise
std::int64_t parse_validated_integer(std::string_view text);
std::uint64_t parse_validated_size(std::string_view text);
bool parse_validated_boolean(std::string_view text);
std::chrono::milliseconds parse_validated_duration(std::string_view text);

// The key type a member of type T takes, or `declared` when T allows it.
template <class T>
KeyType key_type(std::string_view key, std::optional<KeyType> declared) {
    const auto allowed = [&](std::initializer_list<KeyType> types) {
        const KeyType type = declared.value_or(*types.begin());
        for (const auto candidate : types)
            if (candidate == type) return type;
        bad_binding(key, "its member's type does not fit the declared key type");
    };
    if constexpr (is_text<T>) {
        return allowed({KeyType::string, KeyType::path, KeyType::enumeration});
    } else if constexpr (std::is_same_v<T, bool>) {
        return allowed({KeyType::boolean});
    } else if constexpr (is_list<T>) {
        return allowed({KeyType::list});
    } else if constexpr (is_duration<T>) {
        return allowed({KeyType::duration});
    } else if constexpr (std::is_floating_point_v<T>) {
        return allowed({KeyType::integer, KeyType::string});
    } else if constexpr (is_number<T>) {
        return allowed({KeyType::integer, KeyType::size});
    } else {
        static_assert(is_text<T>, "no key type for this member type: use choice_key for enums");
    }
}

template <class T>
std::string to_text(const T& value, KeyType type) {
    if constexpr (is_text<T>) {
        return value;
    } else if constexpr (std::is_same_v<T, bool>) {
        return value ? "true" : "false";
    } else if constexpr (is_list<T>) {
        return join_list(value);
    } else if constexpr (is_duration<T>) {
        return format_duration(value);
    } else if constexpr (std::is_floating_point_v<T>) {
        return format_decimal(static_cast<double>(value));
    } else {
        if (type == KeyType::size) return format_size(static_cast<std::uint64_t>(value));
        return std::to_string(value);
    }
}

template <class T>
void from_text(std::string_view text, KeyType type, T& out) {
    if constexpr (is_text<T>) {
        out.assign(text);
    } else if constexpr (std::is_same_v<T, bool>) {
        out = parse_validated_boolean(text);
    } else if constexpr (is_list<T>) {
        out = split_list(text);
    } else if constexpr (is_duration<T>) {
        out = parse_validated_duration(text);
    } else if constexpr (std::is_floating_point_v<T>) {
        out = type == KeyType::string ? static_cast<T>(parse_decimal(text))
                                      : static_cast<T>(parse_validated_integer(text));
    } else {
        out = type == KeyType::size ? static_cast<T>(parse_validated_size(text))
                                    : static_cast<T>(parse_validated_integer(text));
    }
}

template <class Settings, class Member>
using MemberType = std::remove_cvref_t<std::invoke_result_t<const Member&, Settings&>>;

KeyDecl declaration(std::string name, KeyType type, std::string help, KeyRules rules);

template <class Member>
struct KeyFactory {
    std::string name;
    Member member;
    std::string help;
    KeyRules rules;

    template <class Settings>
    operator SettingKey<Settings>() const {
        using T = MemberType<Settings, Member>;
        const KeyType type = key_type<T>(name, rules.type);
        return {declaration(name, type, help, rules),
                [m = member, type](const Settings& s) { return to_text(std::invoke(m, s), type); },
                [m = member, type](std::string_view text, Settings& s) {
                    from_text(text, type, std::invoke(m, s));
                }};
    }
};

template <class Member, class Enum>
struct ChoiceFactory {
    std::string name;
    Member member;
    std::vector<std::pair<std::string, Enum>> choices;
    std::string help;

    template <class Settings>
    operator SettingKey<Settings>() const {
        static_assert(std::is_same_v<MemberType<Settings, Member>, Enum>);
        std::vector<std::string> names;
        for (const auto& choice : choices) names.push_back(choice.first);
        KeyRules rules;
        rules.choices = std::move(names);
        return {declaration(name, KeyType::enumeration, help, std::move(rules)),
                [m = member, c = choices, n = name](const Settings& s) {
                    for (const auto& [text, value] : c)
                        if (value == std::invoke(m, s)) return text;
                    bad_binding(n, "its member holds a value that is not a choice");
                },
                [m = member, c = choices, n = name](std::string_view text, Settings& s) {
                    for (const auto& [choice, value] : c) {
                        if (choice == text) {
                            std::invoke(m, s) = value;
                            return;
                        }
                    }
                    bad_binding(n, "a value that is not a choice passed validation");
                }};
    }
};

// A key (KeyFactory or ChoiceFactory) that a running daemon takes again on SIGHUP.
template <class Factory>
struct ReloadableFactory {
    Factory factory;

    template <class Settings>
    operator SettingKey<Settings>() const {
        SettingKey<Settings> setting = factory;
        setting.decl.reloads = true;
        return setting;
    }
};

}  // namespace detail
}  // namespace cusax::config
