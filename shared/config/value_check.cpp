#include "shared/config/value_check.hpp"

#include <algorithm>

#include "shared/config/suggest.hpp"
#include "shared/config/value_parsers.hpp"

namespace cusax::config {
namespace {

void redact(std::string& text, std::string_view secret) {
    if (secret.empty()) return;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
        text.replace(at, secret.size(), "***");
        at += 3;
    }
}

// The reason, followed by the value unless it is secret.
std::string refuse(const KeyDecl& key, std::string_view value, std::string reason) {
    if (key.secret) {
        redact(reason, value);
        return reason + " (value not shown: secret)";
    }
    if (value.empty()) return reason + ", got an empty value";
    return reason + ", got " + quote(value);
}

std::string bound(const KeyDecl& key, std::int64_t value) {
    switch (key.type) {
        case KeyType::duration:
            return format_duration(std::chrono::milliseconds(value));
        case KeyType::size:
            return format_size(static_cast<std::uint64_t>(value));
        default:
            return std::to_string(value);
    }
}

// "" when `value` lies within the key's min/max.
std::string range_reason(const KeyDecl& key, long double value) {
    const bool low = key.min && value < static_cast<long double>(*key.min);
    const bool high = key.max && value > static_cast<long double>(*key.max);
    if (!low && !high) return "";
    if (key.min && key.max) {
        return "must be between " + bound(key, *key.min) + " and " + bound(key, *key.max);
    }
    return low ? "must be at least " + bound(key, *key.min)
               : "must be at most " + bound(key, *key.max);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::string check_shape(const KeyDecl& key, std::string_view value) {
    switch (key.type) {
        case KeyType::string:
            return "";
        case KeyType::path:
            if (value.empty() || value.front() == '/') return "";
            return refuse(key, value, "expected an absolute path (starting with /)");
        case KeyType::integer: {
            std::int64_t number = 0;
            auto reason = parse_integer(value, number);
            if (reason.empty()) reason = range_reason(key, static_cast<long double>(number));
            return reason.empty() ? "" : refuse(key, value, reason);
        }
        case KeyType::boolean: {
            bool flag = false;
            const auto reason = parse_boolean(value, flag);
            return reason.empty() ? "" : refuse(key, value, reason);
        }
        case KeyType::enumeration: {
            if (std::find(key.choices.begin(), key.choices.end(), value) != key.choices.end()) {
                return "";
            }
            auto message = refuse(key, value, "expected one of " + join(key.choices, ", "));
            if (!key.secret) {
                if (const auto near = closest_name(value, key.choices)) {
                    message += " (did you mean " + *near + "?)";
                }
            }
            return message;
        }
        case KeyType::duration: {
            std::chrono::milliseconds ms{};
            auto reason = parse_duration(value, ms);
            if (reason.empty()) reason = range_reason(key, static_cast<long double>(ms.count()));
            return reason.empty() ? "" : refuse(key, value, reason);
        }
        case KeyType::size: {
            std::uint64_t bytes = 0;
            auto reason = parse_size(value, bytes);
            if (reason.empty()) reason = range_reason(key, static_cast<long double>(bytes));
            return reason.empty() ? "" : refuse(key, value, reason);
        }
        case KeyType::list: {
            const auto items = split_list(value);
            for (std::size_t i = 0; i < items.size(); ++i) {
                const auto number = "item " + std::to_string(i + 1);
                if (items[i].empty()) return number + " is empty (a comma too many?)";
                if (!key.validator) continue;
                auto reason = key.validator(items[i]);
                if (reason.empty()) continue;
                if (key.secret) {
                    redact(reason, items[i]);
                    return number + ": " + reason;
                }
                return "item " + quote(items[i]) + ": " + reason;
            }
            return "";
        }
    }
    return "";
}

}  // namespace

std::string check_value(const KeyDecl& key, std::string_view value) {
    if (value.empty() && key.required) return "required key has an empty value";
    if (auto reason = check_shape(key, value); !reason.empty()) return reason;
    if (key.type == KeyType::list || !key.validator) return "";
    if (auto reason = key.validator(value); !reason.empty()) {
        return refuse(key, value, std::move(reason));
    }
    return "";
}

std::string describe_constraints(const KeyDecl& key) {
    std::string out(type_name(key.type));
    if (key.type == KeyType::enumeration) out += ": " + join(key.choices, "|");
    if (const auto range = describe_range(key); !range.empty()) out += ", " + range;
    if (key.required) out += ", required";
    if (key.secret) out += ", secret";
    return "(" + out + ")";
}

std::string describe_range(const KeyDecl& key) {
    if (!key.min && !key.max) return "";
    return (key.min ? bound(key, *key.min) : "") + ".." + (key.max ? bound(key, *key.max) : "");
}

}  // namespace cusax::config
