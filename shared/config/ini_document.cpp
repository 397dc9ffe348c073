#include "shared/config/ini_document.hpp"

#include <ini.h>

#include <cstring>
#include <string>

namespace cusax::config {
namespace {

// Why inih needs help here. Debian's libinih is built without INI_HANDLER_LINENO, so the
// handler is not told the line number; with a fixed line buffer (INI_MAX_LINE 200), so a
// longer line reaches the handler in pieces, each read as a line of its own; without
// INI_CALL_HANDLER_ON_NEW_SECTION, so the handler never sees a section header (nor an empty
// or repeated section); with INI_ALLOW_MULTILINE, so an indented line is silently appended to
// the previous key; and it reports only the first malformed line. Every line therefore goes
// through read_line() below, which counts lines, handles headers, blank lines, comments,
// over-long and malformed lines itself, and hands inih only well-formed "key = value" lines
// (unindented, so no continuation can happen). inih calls the handler while processing the
// line the reader has just returned, so `line` is the handled line's number.
struct Reader {
    std::string_view text;
    std::size_t position = 0;
    int line = 0;
    bool in_section = false;      // a valid header has been seen
    bool section_broken = false;  // the last header was malformed: skip its keys
    std::string section;
    std::string expected_key;  // what the handler should receive for this line
    bool after_key = false;    // a key line came earlier in this section
    IniDocument document;

    void problem(std::string message) { document.problems.push_back({line, std::move(message)}); }

    // Returns what inih should see for the next line ("" for nothing), or false at the end.
    bool next(std::string& handed) {
        if (position >= text.size()) return false;
        const auto end = text.find('\n', position);
        std::string_view raw = text.substr(
            position, end == std::string_view::npos ? std::string_view::npos : end - position);
        position = end == std::string_view::npos ? text.size() : end + 1;
        ++line;
        expected_key.clear();
        handed.clear();
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (line == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
        classify(raw, handed);
        return true;
    }

    void classify(std::string_view raw, std::string& handed) {
        if (raw.find('\0') != std::string_view::npos) {
            problem("line contains a NUL character");
            return;
        }
        if (static_cast<int>(raw.size()) > max_line_length()) {
            problem("line is longer than " + std::to_string(max_line_length()) + " characters");
            return;
        }
        std::string_view content = raw;
        while (!content.empty() && (content.front() == ' ' || content.front() == '\t')) {
            content.remove_prefix(1);
        }
        const bool indented = content.size() != raw.size();
        if (content.empty() || content.front() == '#' || content.front() == ';') return;
        if (content.front() == '[') {
            header(content);
            return;
        }
        // inih's own rule (find_chars_or_comment): the first '=' or ':' ends the key, unless
        // an inline comment (';' at the start or after whitespace) comes first.
        std::size_t separator = std::string_view::npos;
        for (std::size_t i = 0; i < content.size(); ++i) {
            const char c = content[i];
            if (c == '=' || c == ':') {
                separator = i;
                break;
            }
            if (c == ';' && (i == 0 || content[i - 1] == ' ' || content[i - 1] == '\t')) break;
        }
        if (separator == std::string_view::npos) {
            if (indented && after_key) {
                problem(
                    "syntax error (a value must fit on one line: continuation lines are "
                    "not supported)");
            } else {
                problem("syntax error (expected [section], key = value or a comment)");
            }
            return;
        }
        std::string_view key = content.substr(0, separator);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
        if (key.empty()) {
            problem("syntax error (no key name before '" + std::string(1, content[separator]) +
                    "')");
            return;
        }
        after_key = true;
        expected_key = key;
        handed = content;
    }

    void header(std::string_view content) {
        after_key = false;
        section_broken = true;  // until proven otherwise
        const auto close = content.find(']');
        if (close == std::string_view::npos) {
            problem("syntax error (no closing ] in section header)");
            return;
        }
        std::string_view rest = content.substr(close + 1);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) {
            rest.remove_prefix(1);
        }
        if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
            problem("syntax error (text after ] in section header)");
            return;
        }
        std::string_view name = content.substr(1, close - 1);
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) {
            name.remove_prefix(1);
        }
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (name.empty()) {
            problem("syntax error (empty section name)");
            return;
        }
        section_broken = false;
        in_section = true;
        section = name;
        document.sections.push_back({section, line});
    }
};

char* read_line(char* buffer, int size, void* stream) {
    auto& reader = *static_cast<Reader*>(stream);
    std::string handed;
    if (!reader.next(handed)) return nullptr;
    // classify() refused lines longer than the header's INI_MAX_LINE; this guards against a
    // library built with a smaller buffer than its header says.
    if (handed.size() > static_cast<std::size_t>(size - 1)) {
        reader.problem("line is longer than " + std::to_string(size - 1) + " characters");
        reader.expected_key.clear();
        handed.clear();
    }
    std::memcpy(buffer, handed.data(), handed.size());
    buffer[handed.size()] = '\0';
    return buffer;
}

int on_key(void* user, const char* /*section: inih's, we track our own*/, const char* name,
           const char* value) {
    auto& reader = *static_cast<Reader*>(user);
    if (name != reader.expected_key) {
        // inih split the line differently from classify(): a bug on our side, reported
        // rather than silently attributing the value to another key.
        reader.problem("syntax error (could not read this line)");
        return 1;
    }
    if (reader.section_broken) return 1;  // reported with the header
    reader.document.entries.push_back(
        {reader.in_section ? reader.section : std::string(), name, value, reader.line});
    return 1;
}

}  // namespace

int max_line_length() { return INI_MAX_LINE - 1; }

IniDocument read_ini(std::string_view text) {
    Reader reader;
    reader.text = text;
    const int result = ini_parse_stream(read_line, &reader, on_key, &reader);
    if (result > 0) {
        // Not reached while classify() hands inih only well-formed lines; kept so that a
        // difference between our reading and inih's is never silently ignored.
        reader.document.problems.push_back({result, "syntax error"});
    } else if (result < 0) {
        reader.document.problems.push_back({0, "cannot parse (out of memory)"});
    }
    return std::move(reader.document);
}

}  // namespace cusax::config
