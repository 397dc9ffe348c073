#pragma once
// The report `cusaxctl doctor` prints: one line per check (verdict, check, what was found),
// the fix beneath each one that is not ok, and a count; or all of it as one JSON document.
#include <ostream>

#include "cusaxctl/doctor/check_result.hpp"

namespace cusax::ctl::doctor {

void write_text_report(std::ostream& out, const CheckResults& results);
void write_json_report(std::ostream& out, const CheckResults& results);

// Whether any check failed (doctor's exit status then says so).
bool any_failed(const CheckResults& results);

}  // namespace cusax::ctl::doctor
