#pragma once
// Bindings from vCard files (RFC 6350, also the common vCard 3.0 spellings):
//   FN                      -> display name
//   TEL with a tel: URI or a plain number -> a number; TYPE "video" marks video
//   TEL or IMPP with a sip:/sips: URI      -> the AOR (the first one)
//   IMPP with an xmpp: URI (or X-JABBER)  -> the JID
// A vCard without an AOR or without a JID is an error naming the line of its BEGIN:VCARD, and
// so is one repeating an earlier vCard's AOR, JID or number (as in a CSV file).
#include <istream>
#include <string>
#include <vector>

#include "cusaxctl/binding_csv.hpp"  // ImportFileError
#include "shared/store/binding.hpp"

namespace cusax::ctl {

// `origins` as in read_bindings_csv: SOURCE and the line of each vCard's BEGIN line.
std::vector<store::Binding> read_bindings_vcf(std::istream& in, const std::string& source_name,
                                              store::Verification default_verification,
                                              ImportOrigins* origins = nullptr);

}  // namespace cusax::ctl
