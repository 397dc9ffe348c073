#include "config-catalog/config_catalog.hpp"

#include "cusaxctl/ctl_config.hpp"
#include "provisioning/provisioning_config.hpp"
#include "shared/config/metrics_section.hpp"
#include "shared/config/shared_sections.hpp"
#include "sip-proxy/proxy_config.hpp"
#include "xmpp-component/component_config.hpp"

namespace cusax::config_catalog {

const config::Schema& all_sections() {
    static const config::Schema schema{config::log_section(),
                                       config::store_section(),
                                       config::metrics_section(),
                                       sip_proxy::proxy_config_section(),
                                       xmpp::component_config_section(),
                                       provisioning::provisioning_config_section(),
                                       ctl::ctl_config_section()};
    return schema;
}

}  // namespace cusax::config_catalog
