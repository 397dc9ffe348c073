#pragma once
// Users' vCards from an XMPP server's export in XEP-0227 (Portable Import/Export Format):
//   <server-data xmlns='urn:xmpp:pie:0'><host jid='xmpp.example.com'>
//     <user name='alice'><vCard xmlns='vcard-temp'>…</vCard>…</user>…</host>…</server-data>
// Prosody writes one such file per user (`prosody-migrator` to a `xep0227` store), ejabberd one
// per host (`ejabberdctl export_piefxis DIR`). Users without a vCard are left out.
#include <filesystem>
#include <string>
#include <vector>

#include "shared/xml/xml_element.hpp"

namespace cusax::ctl {

struct ExportedVcard {
    std::string jid;         // normalised bare JID
    xmpp::XmlElement vcard;  // the vcard-temp element as exported
    std::string origin;      // "FILE: user NAME of host HOST", for error messages
};

// Throws CommandError(kBadImportFile) naming the file (and the user) for a file that is not
// XEP-0227 XML or a user whose JID is invalid.
std::vector<ExportedVcard> read_xep0227_vcards(const std::filesystem::path& file);

}  // namespace cusax::ctl
