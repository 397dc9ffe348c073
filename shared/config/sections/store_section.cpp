#include "shared/config/sections/all_sections.hpp"

namespace cusax::config {

SectionDecl store_section() {
    SectionDecl section{
        "store", "The store of SIP-AOR-to-JID bindings, shared by every program.", {}};
    section.keys.push_back({.name = "backend",
                            .type = KeyType::enumeration,
                            .default_value = "sqlite",
                            .help = "Database engine (postgresql comes later).",
                            .choices = {"sqlite"}});
    section.keys.push_back({.name = "path",
                            .type = KeyType::path,
                            .default_value = "/var/lib/cusax/bindings.sqlite",
                            .help = "SQLite database file, created if absent.",
                            .validator = [](std::string_view value) -> std::string {
                                return value.empty() ? "must not be empty" : "";
                            }});
    section.keys.push_back({.name = "busy_timeout",
                            .type = KeyType::duration,
                            .default_value = "5s",
                            .help = "How long a write waits for another program's lock."});
    section.keys.push_back({.name = "refresh_interval",
                            .type = KeyType::duration,
                            .default_value = "250ms",
                            .help = "How often a daemon checks the store for changes.",
                            .min = 50,
                            .max = 1000});
    return section;
}

}  // namespace cusax::config
