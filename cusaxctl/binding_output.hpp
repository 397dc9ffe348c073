#pragma once
// How cusaxctl shows bindings: an aligned table for people, JSON for scripts.
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "shared/store/binding.hpp"

namespace cusax::ctl {

nlohmann::ordered_json binding_to_json(const store::Binding& binding);
void print_bindings_table(std::ostream& out, const std::vector<store::Binding>& bindings);
void print_binding_details(std::ostream& out, const store::Binding& binding);

}  // namespace cusax::ctl
