// cusaxctl import/export: CSV and vCard, all or nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"
#include "shared/store/sqlite_handles.hpp"

namespace cusax::ctl {
namespace {

using testing::CtlRunner;

nlohmann::json list(const CtlRunner& ctl) {
    return nlohmann::json::parse(ctl.run({"--json", "list"}).out);
}

TEST(CusaxctlImport, CsvWithHeaderInAnyColumnOrder) {
    CtlRunner ctl;
    const auto file = ctl.write_file(
        "b.csv",
        "jid,aor,numbers,display_name,verification\n"
        "alice@example.com,sip:alice@example.com,+4930111:video +4930112,\"Alice, A.\",admin\n"
        "bob@example.com,sip:bob@example.com,,Bob,\n");
    const auto result = ctl.run({"import", file.string()});
    ASSERT_EQ(result.code, kOk) << result.err;
    const auto doc = list(ctl);
    ASSERT_EQ(doc.size(), 2u);
    EXPECT_EQ(doc[0].at("display_name"), "Alice, A.");
    EXPECT_EQ(doc[0].at("numbers").size(), 2u);
    EXPECT_EQ(doc[0].at("verification"), "admin");
    EXPECT_EQ(doc[1].at("verification"), "unverified");  // [cusaxctl] import_verification default
}

TEST(CusaxctlImport, ABadRowAbortsTheWholeImportWithItsLine) {
    CtlRunner ctl;
    ASSERT_EQ(ctl.run({"add", "sip:keep@example.com", "keep@example.com"}).code, kOk);
    std::string text = "aor,jid\n";
    for (int i = 0; i < 100; ++i) {
        text += "sip:user" + std::to_string(i) + "@example.com,user" + std::to_string(i) +
                "@example.com\n";
    }
    text += "sip:broken@example.com,broken@example.com/resource\n";  // line 102
    const auto file = ctl.write_file("bad.csv", text);
    const auto result = ctl.run({"import", file.string()});
    EXPECT_EQ(result.code, kBadImportFile);
    EXPECT_NE(result.err.find("bad.csv:102: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("nothing was imported"), std::string::npos) << result.err;
    const auto doc = list(ctl);
    ASSERT_EQ(doc.size(), 1u);
    EXPECT_EQ(doc[0].at("aor"), "sip:keep@example.com");
}

TEST(CusaxctlImport, ARowConflictingWithTheStoreChangesNothing) {
    CtlRunner ctl;
    ASSERT_EQ(ctl.run({"add", "sip:owner@example.com", "taken@example.com"}).code, kOk);
    const auto file = ctl.write_file("c.csv",
                                     "aor,jid\nsip:new1@example.com,new1@example.com\n"
                                     "sip:new2@example.com,taken@example.com\n");
    const auto result = ctl.run({"import", file.string()});
    EXPECT_EQ(result.code, kRefused) << result.err;
    EXPECT_NE(result.err.find("c.csv:3: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("nothing was imported"), std::string::npos) << result.err;
    EXPECT_EQ(list(ctl).size(), 1u);
}

TEST(CusaxctlImport, DuplicatesInsideTheFileNameBothLines) {
    CtlRunner ctl;
    const auto file = ctl.write_file("d.csv",
                                     "aor,jid\nsip:a@example.com,a@example.com\n"
                                     "sip:b@example.com,A@Example.com\n");
    const auto result = ctl.run({"import", file.string()});
    EXPECT_EQ(result.code, kBadImportFile);
    EXPECT_NE(result.err.find("d.csv:3: jid a@example.com is already on line 2"), std::string::npos)
        << result.err;
}

// Repeated keys are looked for once the file is read (issue 21), yet the error is still the
// first bad row's: a repeat before a malformed row, or before a row of the wrong width, is
// what is reported; a malformed row before a repeat is.
TEST(CusaxctlImport, TheFirstBadRowIsReportedWhetherARepeatOrAMalformedRow) {
    CtlRunner ctl;
    const std::string rows =
        "aor,jid,numbers\nsip:a@example.com,a@example.com,+4930111\n"
        "sip:b@example.com,b@example.com,+4930111\n";  // line 3 repeats
    auto repeat_first = ctl.write_file("r1.csv", rows + "sip:c@example.com,c@example.com/x,\n");
    auto result = ctl.run({"import", repeat_first.string()});
    EXPECT_EQ(result.code, kBadImportFile);
    EXPECT_NE(result.err.find("r1.csv:3: number +4930111 is already on line 2"), std::string::npos)
        << result.err;
    auto wrong_width = ctl.write_file("r2.csv", rows + "sip:c@example.com\n");
    result = ctl.run({"import", wrong_width.string()});
    EXPECT_NE(result.err.find("r2.csv:3: number +4930111 is already on line 2"), std::string::npos)
        << result.err;
    auto unterminated = ctl.write_file("r3.csv", rows + "\"sip:c@example.com,c@example.com,\n");
    result = ctl.run({"import", unterminated.string()});
    EXPECT_NE(result.err.find("r3.csv:3: number +4930111 is already on line 2"), std::string::npos)
        << result.err;
    auto malformed_first = ctl.write_file(
        "r4.csv",
        "aor,jid,numbers\nsip:a@example.com,a@example.com,+4930111\n"
        "sip:c@example.com,c@example.com/x,\nsip:b@example.com,b@example.com,+4930111\n");
    result = ctl.run({"import", malformed_first.string()});
    EXPECT_NE(result.err.find("r4.csv:3: jid"), std::string::npos) << result.err;
    EXPECT_TRUE(list(ctl).empty());
}

// A row the store refuses is named by its file and line, in the second of two files too.
TEST(CusaxctlImport, AStoreRefusalNamesTheFileAndLineOfItsRow) {
    CtlRunner ctl;
    ASSERT_EQ(ctl.run({"add", "sip:owner@example.com", "taken@example.com"}).code, kOk);
    const auto first = ctl.write_file(
        "one.csv", "aor,jid\nsip:a@example.com,a@example.com\nsip:b@example.com,b@example.com\n");
    const auto second = ctl.write_file("two.csv",
                                       "aor,jid\nsip:c@example.com,c@example.com\n"
                                       "sip:d@example.com,taken@example.com\n");
    const auto result = ctl.run({"import", first.string(), second.string()});
    EXPECT_EQ(result.code, kRefused) << result.err;
    EXPECT_NE(result.err.find("two.csv:3: "), std::string::npos) << result.err;
    EXPECT_EQ(list(ctl).size(), 1u);
}

TEST(CusaxctlImport, MalformedCsvAndBadHeaderAreImportFileErrors) {
    CtlRunner ctl;
    auto unterminated = ctl.write_file("q.csv", "aor,jid\n\"sip:a@example.com,a@example.com\n");
    EXPECT_EQ(ctl.run({"import", unterminated.string()}).code, kBadImportFile);
    auto unknown = ctl.write_file("h.csv", "aor,jid,colour\nsip:a@example.com,a@example.com,red\n");
    const auto result = ctl.run({"import", unknown.string()});
    EXPECT_EQ(result.code, kBadImportFile);
    EXPECT_NE(result.err.find("h.csv:1: unknown column \"colour\""), std::string::npos)
        << result.err;
    auto missing = ctl.write_file("m.csv", "aor,display_name\nsip:a@example.com,A\n");
    EXPECT_EQ(ctl.run({"import", missing.string()}).code, kBadImportFile);
    EXPECT_EQ(ctl.run({"import", (ctl.dir() / "absent.csv").string()}).code, kBadImportFile);
}

TEST(CusaxctlImport, ExportThenImportRoundTrips) {
    CtlRunner source;
    const auto file = source.write_file(
        "in.csv",
        "aor,jid,display_name,numbers,verification\n"
        "sip:a@example.com,a@example.com,\"O'Brien, A.\",+1555:video-only,directory\n"
        "sip:b@example.com,b@example.com,B,,unverified\n");
    ASSERT_EQ(source.run({"import", file.string()}).code, kOk);
    const auto exported = source.run({"export"});
    ASSERT_EQ(exported.code, kOk);

    CtlRunner target;
    const auto copy = target.write_file("copy.csv", exported.out);
    ASSERT_EQ(target.run({"import", copy.string()}).code, kOk);
    auto strip_time = [](nlohmann::json doc) {
        for (auto& binding : doc) binding.erase("updated_at");
        return doc;
    };
    EXPECT_EQ(strip_time(list(source)), strip_time(list(target)));
    EXPECT_EQ(list(target)[0].at("display_name"), "O'Brien, A.");
    EXPECT_EQ(list(target)[0].at("numbers").at(0).at("voice"), false);
}

TEST(CusaxctlImport, VcardFileGivesAorJidNameAndVideoNumbers) {
    CtlRunner ctl;
    const auto file = ctl.write_file(
        "people.vcf",
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Alice\r\n  Example\r\n"
        "TEL;VALUE=uri;TYPE=\"voice,video\":tel:+1-555-0100-001\r\n"
        "TEL;TYPE=voice:sip:alice@sip.example.com\r\n"
        "IMPP:xmpp:alice@xmpp.example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nTEL;TYPE=cell:+15550100002\r\n"
        "IMPP:sip:bob@sip.example.com\r\nitem1.X-JABBER:bob@xmpp.example.com\r\nEND:VCARD\r\n");
    const auto result = ctl.run({"import", file.string(), "--verification", "directory"});
    ASSERT_EQ(result.code, kOk) << result.err;
    const auto doc = list(ctl);
    ASSERT_EQ(doc.size(), 2u);
    EXPECT_EQ(doc[0].at("aor"), "sip:alice@sip.example.com");
    EXPECT_EQ(doc[0].at("jid"), "alice@xmpp.example.com");
    EXPECT_EQ(doc[0].at("display_name"), "Alice Example");  // unfolded
    EXPECT_EQ(doc[0].at("numbers").at(0).at("number"), "+15550100001");
    EXPECT_EQ(doc[0].at("numbers").at(0).at("video"), true);
    EXPECT_EQ(doc[0].at("verification"), "directory");
    EXPECT_EQ(doc[1].at("jid"), "bob@xmpp.example.com");
    EXPECT_EQ(doc[1].at("numbers").at(0).at("video"), false);
}

TEST(CusaxctlImport, VcardWithoutJidIsRefusedWithItsLine) {
    CtlRunner ctl;
    const auto file =
        ctl.write_file("nojid.vcf",
                       "BEGIN:VCARD\nVERSION:4.0\nFN:A\nIMPP:xmpp:a@example.com\nTEL:sip:a@example."
                       "com\nEND:VCARD\n"
                       "BEGIN:VCARD\nVERSION:4.0\nFN:B\nTEL:sip:b@example.com\nEND:VCARD\n");
    const auto result = ctl.run({"import", file.string()});
    EXPECT_EQ(result.code, kBadImportFile);
    EXPECT_NE(result.err.find("nojid.vcf:7: this vCard has no JID"), std::string::npos)
        << result.err;
    EXPECT_EQ(list(ctl).size(), 0u);
}
// A vCard file is held to the rule a CSV file is: no AOR, JID or number twice (the fuzzer found
// a vCard file repeating a JID that was accepted, and refused once written as CSV). The lines
// named are the vCards' BEGIN lines.
TEST(CusaxctlImport, VcardFileRepeatingAJidIsRefusedNamingBothVcards) {
    CtlRunner ctl;
    const auto file = ctl.write_file(
        "dup.vcf",
        "BEGIN:VCARD\r\nVERSION:4.0\r\nIMPP:xmpp:a@example.com\r\nTEL:sip:a@example.com\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nIMPP:xmpp:A@Example.com\r\nTEL:sip:b@example.com\r\n"
        "END:VCARD\r\n");
    const auto result = ctl.run({"import", file.string()});
    EXPECT_EQ(result.code, kBadImportFile) << result.err;
    EXPECT_NE(result.err.find("dup.vcf:6: jid a@example.com is already on line 1"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(list(ctl).size(), 0u);
    const auto numbers = ctl.write_file(
        "dupnumber.vcf",
        "BEGIN:VCARD\nIMPP:xmpp:a@example.com\nTEL:sip:a@example.com\nTEL:+4930111\nEND:VCARD\n"
        "BEGIN:VCARD\nIMPP:xmpp:b@example.com\nTEL:sip:b@example.com\nTEL:+49-30-111\n"
        "END:VCARD\n");
    const auto again = ctl.run({"import", numbers.string()});
    EXPECT_EQ(again.code, kBadImportFile) << again.err;
    EXPECT_NE(again.err.find("dupnumber.vcf:6: number +4930111 is already on line 1"),
              std::string::npos)
        << again.err;
    EXPECT_EQ(list(ctl).size(), 0u);
}

// The files of one import are one set of bindings, held to the rule one file is: an AOR, JID or
// number of an earlier file is refused (exit 5) naming both files and lines, before the store
// is opened. A repeated AOR was accepted before, the later binding silently replacing the
// earlier one ("imported 2 bindings", one stored); a directory of .vcf files (a card per
// person) and a CSV next to a vCard file alike.
TEST(CusaxctlImport, AKeyRepeatedAcrossTheFilesOfOneImportIsRefusedNamingBoth) {
    CtlRunner ctl;
    const auto vcard = ctl.write_file(
        "a.vcf", "BEGIN:VCARD\nIMPP:xmpp:a@example.com\nTEL:sip:a@example.com\nEND:VCARD\n");
    const auto csv = ctl.write_file(
        "b.csv", "aor,jid\nsip:b@example.com,b@example.com\nsip:a@example.com,z@example.com\n");
    auto result = ctl.run({"import", vcard.string(), csv.string()});
    EXPECT_EQ(result.code, kBadImportFile) << result.err;
    EXPECT_NE(result.err.find("b.csv:3: aor sip:a@example.com is already at "), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("a.vcf:1"), std::string::npos) << result.err;
    EXPECT_TRUE(list(ctl).empty());

    const auto dir = ctl.dir() / "cards";
    std::filesystem::create_directory(dir);
    std::ofstream(dir / "1.vcf") << "BEGIN:VCARD\nIMPP:xmpp:a@example.com\n"
                                    "TEL:sip:a@example.com\nTEL:+4930111\nEND:VCARD\n";
    std::ofstream(dir / "2.vcf") << "BEGIN:VCARD\nIMPP:xmpp:c@example.com\n"
                                    "TEL:sip:c@example.com\nTEL:+49-30-111\nEND:VCARD\n";
    result = ctl.run({"import", dir.string()});
    EXPECT_EQ(result.code, kBadImportFile) << result.err;
    EXPECT_NE(result.err.find("2.vcf:1: number +4930111 is already at "), std::string::npos)
        << result.err;
    EXPECT_TRUE(list(ctl).empty());

    // The first bad thing in the import is reported: a repeat across the first two files comes
    // before a bad row of the third.
    const auto bad = ctl.write_file("c.csv", "aor,jid\nsip:d@example.com,d@example.com/x\n");
    result = ctl.run({"import", vcard.string(), csv.string(), bad.string()});
    EXPECT_EQ(result.code, kBadImportFile) << result.err;
    EXPECT_NE(result.err.find("b.csv:3: aor sip:a@example.com"), std::string::npos) << result.err;
    EXPECT_TRUE(list(ctl).empty());
}

// A line starting with white space continues the line before it (RFC 6350 section 3.2); one
// with no line before it (the file's first, or after a blank line) starts its own, and its
// vCard is named by that line, not by line 0 or the blank line before it.
TEST(CusaxctlImport, AVcardWhoseBeginLineIsIndentedIsNamedByThatLine) {
    CtlRunner ctl;
    const auto first =
        ctl.write_file("indented.vcf",
                       " BEGIN:VCARD\nIMPP:xmpp:a@example.com\nTEL:sip:a@example.com\nEND:VCARD\n"
                       "BEGIN:VCARD\nIMPP:xmpp:a@example.com\nTEL:sip:c@example.com\nEND:VCARD\n");
    auto result = ctl.run({"import", first.string()});
    EXPECT_EQ(result.code, kBadImportFile) << result.err;
    EXPECT_NE(result.err.find("indented.vcf:5: jid a@example.com is already on line 1\n"),
              std::string::npos)
        << result.err;
    const auto after_blank =
        ctl.write_file("after-blank.vcf", "\n\n BEGIN:VCARD\nTEL:sip:a@example.com\nEND:VCARD\n");
    result = ctl.run({"import", after_blank.string()});
    EXPECT_EQ(result.code, kBadImportFile) << result.err;
    EXPECT_NE(result.err.find("after-blank.vcf:3: this vCard has no JID"), std::string::npos)
        << result.err;
    EXPECT_TRUE(list(ctl).empty());
}

// A repeat is a repeat of the normalised key, as the store and the daemons compare them: a host
// in capitals and an escaped unreserved character (RFC 3261 §19.1.4), a JID's case (RFC 7622),
// a number's visual separators (RFC 3966). A user part differing in case is another AOR.
TEST(CusaxctlImport, RepeatsAreOfTheNormalisedKeys) {
    CtlRunner ctl;
    const std::string header =
        "aor,jid,numbers\nsip:alice@example.com,alice@example.com,+4930111\n";
    const auto aor = ctl.write_file("aor.csv", header + "sip:%61lice@Example.COM,b@example.com,\n");
    auto result = ctl.run({"import", aor.string()});
    EXPECT_EQ(result.code, kBadImportFile);
    EXPECT_NE(result.err.find("aor.csv:3: aor sip:alice@example.com is already on line 2"),
              std::string::npos)
        << result.err;
    const auto jid = ctl.write_file("jid.csv", header + "sip:b@example.com,ALICE@example.COM,\n");
    result = ctl.run({"import", jid.string()});
    EXPECT_NE(result.err.find("jid.csv:3: jid alice@example.com is already on line 2"),
              std::string::npos)
        << result.err;
    const auto number =
        ctl.write_file("n.csv", header + "sip:b@example.com,b@example.com,+49-30.111\n");
    result = ctl.run({"import", number.string()});
    EXPECT_NE(result.err.find("n.csv:3: number +4930111 is already on line 2"), std::string::npos)
        << result.err;
    EXPECT_TRUE(list(ctl).empty());
    const auto user = ctl.write_file("user.csv", header + "sip:Alice@example.com,b@example.com,\n");
    result = ctl.run({"import", user.string()});
    EXPECT_EQ(result.code, kOk) << result.err;
    EXPECT_EQ(list(ctl).size(), 2u);
}

// On SQLite's bulk path (more rows than the change log keeps), a row of the second file that
// takes the JID of a binding already stored is refused by the store and named by its file and
// line; nothing is imported, and the change triggers the import dropped are all back. (A JID of
// the first file is refused before the store: AKeyRepeatedAcrossTheFilesOfOneImport...)
TEST(CusaxctlImport, ABulkImportRefusedInItsSecondFileNamesItsLine) {
    CtlRunner ctl;
    ASSERT_EQ(ctl.run({"add", "sip:owner@example.com", "owner@example.com"}).code, kOk);
    const auto triggers = [&] {
        return store::sqlite::Database(ctl.store_path())
            .query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
    };
    const auto before = triggers();
    EXPECT_EQ(before, 7);  // six change triggers and the log's pruning
    std::string rows = "aor,jid,numbers\n";
    for (int i = 0; i < 40'000; ++i) {
        const auto n = std::to_string(i);
        const auto digits = std::string(7 - n.size(), '0') + n;
        rows += "sip:u" + n + "@example.com,u" + n + "@example.com,+49301" + digits + "\n";
    }
    const auto first = ctl.write_file("first.csv", rows);
    const auto second = ctl.write_file(
        "second.csv",
        "aor,jid\nsip:v1@example.com,v1@example.com\nsip:v2@example.com,owner@example.com\n");
    const auto result = ctl.run({"import", first.string(), second.string()});
    EXPECT_EQ(result.code, kRefused) << result.err;
    EXPECT_NE(result.err.find("second.csv:3: "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("nothing was imported"), std::string::npos) << result.err;
    EXPECT_EQ(list(ctl).size(), 1u);
    EXPECT_EQ(triggers(), before);
    // Without the repeat, the same files go in.
    const auto fixed = ctl.write_file(
        "second.csv",
        "aor,jid\nsip:v1@example.com,v1@example.com\nsip:v2@example.com,v2@example.com\n");
    ASSERT_EQ(ctl.run({"import", first.string(), fixed.string()}).code, kOk);
    EXPECT_EQ(store::sqlite::Database(ctl.store_path()).query_int("SELECT count(*) FROM bindings"),
              40'003);
    EXPECT_EQ(triggers(), before);
}

}  // namespace
}  // namespace cusax::ctl
