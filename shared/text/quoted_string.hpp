#pragma once
// Text from outside (a peer, an operator's config) put into a protocol message as one quoted
// string: RFC 3261 §25.1 quoted-string, which is also how a JSON or log value is read back.
#include <string>
#include <string_view>

namespace cusax::text {

// `"text"` with every '"' and '\' escaped by a backslash and every CR or LF turned into a
// space, so the value can neither end the string early nor start a new header line.
inline std::string quoted_single_line(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('"');
    for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    }
    out.push_back('"');
    return out;
}

}  // namespace cusax::text
