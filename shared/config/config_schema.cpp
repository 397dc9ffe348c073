#include "shared/config/config_schema.hpp"

namespace cusax::config {

std::string_view type_name(KeyType type) {
    switch (type) {
        case KeyType::string:
            return "string";
        case KeyType::integer:
            return "integer";
        case KeyType::boolean:
            return "boolean";
        case KeyType::enumeration:
            return "enumeration";
        case KeyType::list:
            return "list";
        case KeyType::duration:
            return "duration";
        case KeyType::size:
            return "size";
        case KeyType::path:
            return "path";
    }
    return "?";
}

const KeyDecl* SectionDecl::find(std::string_view key) const {
    for (const auto& decl : keys) {
        if (decl.name == key) return &decl;
    }
    return nullptr;
}

const SectionDecl* find_section(const Schema& schema, std::string_view name) {
    for (const auto& section : schema) {
        if (section.name == name) return &section;
    }
    return nullptr;
}

}  // namespace cusax::config
