#pragma once
// Reading and validating the INI file shared by the three programs.
//
// Every problem is collected, then one ConfigError reports them all, first line first:
//   cusax.ini:12: [widget] port: must be between 1 and 65535, got "70000"
//   cusax.ini:14: [widgt]: unknown section (did you mean [widget]?)
//   cusax.ini:3: [log] levle: unknown key (did you mean level?)
//   cusax.ini:7: [log] level: duplicate key (first set on line 4)
//   cusax.ini:9: [log]: duplicate section (first on line 2)
//   cusax.ini:20: [widget] secret: required key is missing              (line of the header)
//   cusax.ini: [widget] domain: required key is missing                 (section absent)
//   cusax.ini:30: line is longer than 199 characters
//   cusax.ini:31: syntax error (expected [section], key = value or a comment)
//   cusax.ini: cannot read: No such file or directory
// Unknown sections and keys are always errors, so one file can serve every program: `schema`
// is every section of the file (config-catalog/ lists them). Required keys are checked in the
// sections the program needs and in every section the file has.
#include <string>
#include <string_view>
#include <vector>

#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"

namespace cusax::config {

Config load_config_file(const std::string& path, const std::vector<std::string>& needed_sections,
                        const Schema& schema);
// `display_name` stands for the file name in messages and locations.
Config load_config_string(std::string_view text, const std::string& display_name,
                          const std::vector<std::string>& needed_sections, const Schema& schema);
// Every key at its default, as if from an empty file named "(defaults)": throws ConfigError
// when a needed section has a required key (it has no default).
Config defaults_only(const std::vector<std::string>& needed_sections, const Schema& schema);

}  // namespace cusax::config
