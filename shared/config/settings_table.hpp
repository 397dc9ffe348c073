#pragma once
// A section of the INI file declared once, beside the settings struct it fills.
//
// Each key is one line of a table: its name, the member it fills, its help and its rules
// (validator, range, choices). Its default is the member's value in a default-constructed
// struct, so a test that builds the struct by hand runs the program as an operator with an
// empty section would. The table gives the engine a SectionDecl (parsing, `file:line`
// errors, --dump-config, the README reference) and turns a validated Config back into the
// struct: no key is read again by name elsewhere. docs/configuration.md explains the split
// between this engine (shared/) and the programs' tables.
//
//   const config::SettingsTable<WidgetSettings> table{"widget", "An example program.", {
//       config::key("peer", &WidgetSettings::peer, "Where messages go.",
//                   {.validator = validators::optional_sip_uri}),
//       config::key("names", config::member(&WidgetSettings::plan, &Plan::names),
//                   "Names served here."),
//       config::choice_key<Mode>("mode", &WidgetSettings::mode,
//                          {{"fast", Mode::fast}, {"safe", Mode::safe}}, "How ..."),
//   }};
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"
#include "shared/config/settings_values.hpp"

namespace cusax::config {

// The path to a nested member: member(&ComponentConfig::stream, &ComponentSettings::port).
template <class... Path>
constexpr auto member(Path... path) {
    return [=](auto& object) -> auto& { return detail::follow(object, path...); };
}

// A key whose type follows from its member's type (see KeyRules::type).
template <class Member>
auto key(std::string name, Member member, std::string help, KeyRules rules = {}) {
    return detail::KeyFactory<Member>{std::move(name), member, std::move(help), std::move(rules)};
}

// An enumeration key over an enum member: each choice's text and value, in the order shown.
// With the choices written in place, name the enum: choice_key<TlsVerify>(...).
template <class Enum, class Member>
auto choice_key(std::string name, Member member, std::vector<std::pair<std::string, Enum>> choices,
                std::string help) {
    return detail::ChoiceFactory<Member, Enum>{std::move(name), member, std::move(choices),
                                               std::move(help)};
}

// Marks a key that a running daemon takes again on SIGHUP (reloadable(key(...))); every
// other key needs a restart (shared/runtime/config_reload.hpp).
template <class Factory>
auto reloadable(Factory factory) {
    return detail::ReloadableFactory<Factory>{std::move(factory)};
}

template <class Settings>
class SettingsTable {
  public:
    // A rule between keys of the section, over the settings read from a Config whose keys
    // are each valid; `config` tells which keys the file set (Config::is_set).
    using Check = std::function<std::vector<KeyProblem>(const Settings&, const Config&)>;

    SettingsTable(std::string name, std::string help, std::vector<SettingKey<Settings>> keys,
                  Check check = {})
        : name_(std::move(name)),
          help_(std::move(help)),
          keys_(std::move(keys)),
          check_(std::move(check)) {}

    const std::string& name() const noexcept { return name_; }

    // The section as the engine takes it, each default written from Settings{}.
    SectionDecl declaration() const {
        const Settings defaults{};
        SectionDecl out{name_, help_, {}};
        for (const auto& key : keys_) {
            KeyDecl decl = key.decl;
            if (!decl.required) decl.default_value = key.write(defaults);
            out.keys.push_back(std::move(decl));
        }
        if (check_) {
            out.check = [table = *this](const Config& config) {
                return table.check_(table.read(config), config);
            };
        }
        return out;
    }

    // The section's values (the file's, or the defaults) in a Settings. The loader has
    // validated them, so a value that does not convert is a bug: std::logic_error.
    Settings read(const Config& config) const {
        Settings settings{};
        for (const auto& key : keys_) key.read(config.text(name_, key.decl.name), settings);
        return settings;
    }

  private:
    std::string name_;
    std::string help_;
    std::vector<SettingKey<Settings>> keys_;
    Check check_;
};

}  // namespace cusax::config
