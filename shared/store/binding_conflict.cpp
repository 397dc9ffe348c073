#include "shared/store/binding_conflict.hpp"

#include "shared/store/field_error.hpp"

namespace cusax::store {

BindingError binding_conflict(const Binding& b, bool adding, const HolderLookups& lookups,
                              std::string_view engine_message) {
    if (adding) {
        if (auto jid = lookups.jid_of_aor(b.aor)) {
            return BindingError(field_error("aor", b.aor, "already bound to " + quote_value(*jid)));
        }
    }
    if (auto holder = lookups.holder_of_jid(b.jid); holder && *holder != b.aor) {
        return BindingError(field_error("jid", b.jid, "already bound to " + quote_value(*holder)));
    }
    return BindingError(field_error("aor", b.aor, engine_message));
}

BindingError number_conflict(const Binding& b, const std::string& number,
                             const HolderLookups& lookups, std::string_view engine_message) {
    if (auto holder = lookups.holder_of_number(number); holder && *holder != b.aor) {
        return BindingError(
            field_error("number", number, "already bound to " + quote_value(*holder)));
    }
    return BindingError(field_error("number", number, engine_message));
}

}  // namespace cusax::store
