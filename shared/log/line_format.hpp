#pragma once
// The body of a log line after spdlog's timestamp and level, as text or as JSON members.
#include <span>
#include <string>
#include <string_view>

#include "shared/log/log.hpp"

namespace cusax::log {

// `sip-proxy call_info.inserted call_id=abc aor=sip:a@b msg="Call-Info added"`.
// Values with spaces, quotes or '=' are quoted; control characters are escaped, so text that
// came from the network cannot forge a second log line.
std::string format_text_body(std::string_view program, std::string_view event,
                             std::string_view message, std::span<const Field> fields);

// `"program":"sip-proxy","event":"call_info.inserted","call_id":"abc",...,"msg":"..."`:
// the members of one JSON object (spdlog's pattern adds the braces, ts and level).
// Invalid UTF-8 from the network is replaced, never an exception.
std::string format_json_body(std::string_view program, std::string_view event,
                             std::string_view message, std::span<const Field> fields);

// Replaces every occurrence of `secret` in `line` with "***".
void mask_all(std::string& line, std::string_view secret);

}  // namespace cusax::log
