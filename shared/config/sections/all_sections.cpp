#include "shared/config/sections/all_sections.hpp"

namespace cusax::config {

const Schema& all_sections() {
    static const Schema schema{log_section(), store_section(), sip_proxy_section(),
                               xmpp_component_section(), cusaxctl_section()};
    return schema;
}

}  // namespace cusax::config
