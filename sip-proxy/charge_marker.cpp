#include "sip-proxy/charge_marker.hpp"

#include <sofia-sip/msg_header.h>

namespace cusax::sip_proxy {

std::string branch_tag_value(std::string_view branch, std::optional<TargetClass> warn_class) {
    std::string value = "branch=" + std::string(branch);
    if (warn_class) {
        value += ";";
        value += kChargeParam;
        value += "=";
        value += to_string(*warn_class);
    }
    return value;
}

std::optional<TargetClass> charge_marker(sip_via_t const* via) {
    if (!via || !via->v_params) return std::nullopt;
    std::string name(kChargeParam);
    char const* value = msg_params_find(via->v_params, name.c_str());
    if (!value) return std::nullopt;
    return target_class_from_string(value);
}

}  // namespace cusax::sip_proxy
