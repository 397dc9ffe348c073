#pragma once
// The sections of cusax.ini, each declared in its own file beside this one. To add a key,
// add a KeyDecl to its section's file: parsing, validation, --dump-config and the README
// reference follow from it.
#include "shared/config/config_schema.hpp"

namespace cusax::config {

SectionDecl log_section();             // log_section.cpp
SectionDecl store_section();           // store_section.cpp
SectionDecl sip_proxy_section();       // sip_proxy_section.cpp
SectionDecl xmpp_component_section();  // xmpp_component_section.cpp
SectionDecl cusaxctl_section();        // cusaxctl_section.cpp

// [log], [store], [sip-proxy], [xmpp-component], [cusaxctl], in that order (the order of
// the dump and of the reference). Built once.
const Schema& all_sections();

}  // namespace cusax::config
