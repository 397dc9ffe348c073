#pragma once
// The INI file as written: its section headers and key lines with their line numbers, before
// any check against the declarations (config_loader does that).
#include <string>
#include <string_view>
#include <vector>

namespace cusax::config {

struct IniSection {
    std::string name;
    int line = 0;
};

struct IniEntry {
    std::string section;  // "" when the key comes before any [section] header
    std::string key;
    std::string value;
    int line = 0;
};

struct IniProblem {
    int line = 0;
    std::string message;  // e.g. "syntax error (expected ...)", without the file name
};

struct IniDocument {
    std::vector<IniSection> sections;  // every header in file order, repeated ones included
    std::vector<IniEntry> entries;     // every key line in file order, repeated ones included
    std::vector<IniProblem> problems;  // lines that are not [section], key = value or a comment
};

// Syntax (parsed by inih, see ini_document.cpp for the parts we do ourselves):
//   [section]            a header; whitespace around the name is ignored
//   key = value          whitespace around key and value is ignored; "key: value" also works
//   # comment, ; comment full-line comments
//   key = value ; note   an inline comment: ';' preceded by whitespace ("a;b" is a value)
// Leading indentation is ignored. A value is one line: continuation lines are refused, and a
// line may hold at most max_line_length() characters. A UTF-8 byte-order mark is skipped.
IniDocument read_ini(std::string_view text);

// The longest line inih can hold (its INI_MAX_LINE, 200 in Debian's build, minus the NUL).
int max_line_length();

}  // namespace cusax::config
