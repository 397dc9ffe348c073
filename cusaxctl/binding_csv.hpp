#pragma once
// Bindings as CSV (RFC 4180) with a header row naming the columns, in any order:
//   aor,jid,display_name,numbers,verification
// aor and jid are required; numbers as in phone_list.hpp; verification one of
// unverified/admin/directory (empty: the caller's default).
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cusaxctl/input_files.hpp"
#include "shared/store/binding.hpp"

namespace cusax::ctl {

// A bad input file: what() is "SOURCE:LINE: reason".
struct ImportFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads every row, validating and normalising each (store::make_binding); also refuses an
// AOR, JID or number that appears twice in the file. Throws ImportFileError at the first
// bad row, naming its line; nothing is returned then, so nothing is half-imported.
// `origins`, when given, receives SOURCE and the line of each binding returned, in order, so
// a row the store refuses later can be named too.
std::vector<store::Binding> read_bindings_csv(std::istream& in, const std::string& source_name,
                                              store::Verification default_verification,
                                              ImportOrigins* origins = nullptr);

void write_bindings_csv(std::ostream& out, const std::vector<store::Binding>& bindings);

}  // namespace cusax::ctl
