#include "shared/config/sections/all_sections.hpp"

namespace cusax::config {

SectionDecl cusaxctl_section() {
    SectionDecl section{"cusaxctl", "cusaxctl: the administration tool.", {}};
    section.keys.push_back({.name = "import_verification",
                            .type = KeyType::enumeration,
                            .default_value = "unverified",
                            .help = "State given to imported rows that name none.",
                            .choices = {"unverified", "admin", "directory"}});
    return section;
}

}  // namespace cusax::config
