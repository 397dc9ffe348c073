#pragma once
// The [xmpp-component] section of a loaded configuration as the component's parts take it:
// the stream's settings, the directory's and the search limits. Values are already valid
// (the loader checked every key against shared/config/sections/xmpp_component_section.cpp).
#include "shared/config/config.hpp"
#include "xmpp-component/component_settings.hpp"
#include "xmpp-component/directory_settings.hpp"

namespace cusax::xmpp {

struct ComponentConfig {
    ComponentSettings stream;
    DirectorySettings directory;
    SearchLimits search;
    // A SQLite file, or postgresql: the [store] database (store::user_vcard_location); empty:
    // no vCard storage (see vcard_store.hpp).
    std::string vcard_store;
    bool vcard4_sync = true;  // keep users' vCard4 through XEP-0356 (vcard4_sync.hpp)
};

// The section's declaration, for the catalog of every section (config-catalog/).
config::SectionDecl component_config_section();

// Values are already valid (the loader checked every key against the declaration).
ComponentConfig component_config(const config::Config& config);

}  // namespace cusax::xmpp
