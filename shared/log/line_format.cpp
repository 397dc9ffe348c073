#include "shared/log/line_format.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cusax::log {
namespace {

bool needs_quotes(std::string_view value) {
    if (value.empty()) return true;
    for (unsigned char c : value) {
        if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) return true;
    }
    return false;
}

void append_escaped(std::string& out, std::string_view value) {
    for (unsigned char c : value) {
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += fmt::format("\\x{:02x}", c);
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
}

void append_text_value(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    append_escaped(out, value);
    out += '"';
}

void append_json_member(std::string& out, std::string_view key, std::string_view value) {
    using nlohmann::json;
    out += json(std::string(key)).dump(-1, ' ', false, json::error_handler_t::replace);
    out += ':';
    out += json(std::string(value)).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string format_text_body(std::string_view program, std::string_view event,
                             std::string_view message, std::span<const Field> fields) {
    std::string out;
    out.reserve(64 + message.size() + fields.size() * 32);
    out += program;
    out += ' ';
    out += event;
    for (const auto& field : fields) {
        out += ' ';
        out += field.key;
        out += '=';
        append_text_value(out, field.value);
    }
    if (!message.empty()) {
        out += " msg=";
        append_text_value(out, message);
    }
    return out;
}

std::string format_json_body(std::string_view program, std::string_view event,
                             std::string_view message, std::span<const Field> fields) {
    std::string out;
    out.reserve(96 + message.size() + fields.size() * 40);
    append_json_member(out, "program", program);
    out += ',';
    append_json_member(out, "event", event);
    for (const auto& field : fields) {
        out += ',';
        append_json_member(out, field.key, field.value);
    }
    if (!message.empty()) {
        out += ',';
        append_json_member(out, "msg", message);
    }
    return out;
}

void mask_all(std::string& line, std::string_view secret) {
    if (secret.empty()) return;
    for (auto pos = line.find(secret); pos != std::string::npos; pos = line.find(secret, pos + 3)) {
        line.replace(pos, secret.size(), "***");
    }
}

}  // namespace cusax::log
