// Written by hand because Debian packages no small vCard 4 parser for C/C++ (libebook pulls in
// Evolution and GLib; libical 3.0 in Debian 12 has no vCard support), and cusax needs only
// unfolding, parameters and four properties.
#include "cusaxctl/vcard_import.hpp"

#include <algorithm>
#include <optional>

#include "cusaxctl/phone_list.hpp"
#include "cusaxctl/repeated_keys.hpp"
#include "shared/address/sip_address.hpp"
#include "shared/text/ascii_case.hpp"

namespace cusax::ctl {
namespace {

// One content line after unfolding: NAME;PARAM=V,V;FLAG:VALUE (RFC 6350 §3.3).
struct ContentLine {
    long line = 0;
    std::string name;                // lower-case, group prefix removed
    std::vector<std::string> types;  // lower-case TYPE values, and bare vCard 2.1 flags
    std::string value;
};

std::string unescape_text(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
            const char next = value[++i];
            out += (next == 'n' || next == 'N') ? '\n' : next;
        } else {
            out += value[i];
        }
    }
    return out;
}

void split_types(std::string_view list, std::vector<std::string>& types) {
    if (list.size() >= 2 && list.front() == '"' && list.back() == '"') {
        list = list.substr(1, list.size() - 2);  // TYPE="voice,video"
    }
    std::size_t start = 0;
    while (start <= list.size()) {
        auto end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        auto item = list.substr(start, end - start);
        if (!item.empty()) types.push_back(text::ascii_lower(item));
        start = end + 1;
    }
}

std::optional<ContentLine> parse_content_line(std::string_view text, long line) {
    // The value starts at the first ':' outside a quoted parameter value.
    bool quoted = false;
    std::size_t colon = std::string_view::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') quoted = !quoted;
        if (text[i] == ':' && !quoted) {
            colon = i;
            break;
        }
    }
    if (colon == std::string_view::npos) return std::nullopt;
    ContentLine content;
    content.line = line;
    content.value = std::string(text.substr(colon + 1));
    auto head = text.substr(0, colon);
    auto semicolon = head.find(';');
    auto name = head.substr(0, semicolon);
    if (auto dot = name.find('.'); dot != std::string_view::npos) name = name.substr(dot + 1);
    content.name = text::ascii_lower(name);
    while (semicolon != std::string_view::npos) {
        auto next = head.find(';', semicolon + 1);
        auto param =
            head.substr(semicolon + 1, next == std::string_view::npos ? std::string_view::npos
                                                                      : next - semicolon - 1);
        auto equals = param.find('=');
        if (equals == std::string_view::npos) {
            split_types(param, content.types);  // vCard 2.1: TEL;VIDEO:...
        } else if (text::ascii_lower(param.substr(0, equals)) == "type") {
            split_types(param.substr(equals + 1), content.types);
        }
        semicolon = next;
    }
    return content;
}

bool has_type(const ContentLine& content, std::string_view type) {
    return std::find(content.types.begin(), content.types.end(), type) != content.types.end();
}

bool is_sip_uri(std::string_view value) {
    auto scheme = text::ascii_lower(value.substr(0, 5));
    return scheme.starts_with("sip:") || scheme == "sips:";
}

// What one vCard contributes, filled property by property.
struct CardFields {
    long begin_line = 0;
    std::string display_name;
    std::string aor;
    std::string jid;
    std::vector<store::PhoneNumber> numbers;
};

void apply(const ContentLine& content, CardFields& card) {
    const std::string& value = content.value;
    if (content.name == "fn") {
        card.display_name = unescape_text(value);
    } else if (content.name == "tel") {
        if (is_sip_uri(value)) {
            if (card.aor.empty()) card.aor = value;
            return;
        }
        auto phone = parse_phone_item(value);
        phone.video = has_type(content, "video");
        // TYPE=video alone is a video-only line; otherwise the number takes voice calls.
        phone.voice = !(phone.video && content.types.size() == 1);
        card.numbers.push_back(std::move(phone));
    } else if (content.name == "impp" || content.name == "x-jabber" || content.name == "jabberid") {
        if (is_sip_uri(value)) {
            if (card.aor.empty()) card.aor = value;
        } else if (card.jid.empty()) {
            card.jid = value;  // normalise_bare_jid removes an xmpp: prefix
        }
    }
}

}  // namespace

std::vector<store::Binding> read_bindings_vcf(std::istream& in, const std::string& source_name,
                                              store::Verification default_verification,
                                              ImportOrigins* origins) {
    if (origins) origins->start(source_name);
    std::vector<store::Binding> bindings;
    std::vector<long> begin_lines;  // of each binding's vCard
    std::optional<CardFields> card;
    std::string logical;  // the current unfolded line
    long logical_line = 0;
    long physical_line = 0;

    auto where = [&](long line) { return source_name + ":" + std::to_string(line); };
    auto finish_logical = [&]() {
        if (logical.empty()) return;
        const auto content = parse_content_line(logical, logical_line);
        logical.clear();
        if (!content) throw ImportFileError(where(logical_line) + ": not a vCard content line");
        const auto upper_value = text::ascii_lower(content->value);
        if (content->name == "begin" && upper_value == "vcard") {
            if (card) throw ImportFileError(where(content->line) + ": BEGIN:VCARD inside a vCard");
            card.emplace();
            card->begin_line = content->line;
            return;
        }
        if (!card) throw ImportFileError(where(content->line) + ": content outside BEGIN:VCARD");
        if (content->name == "end" && upper_value == "vcard") {
            if (card->aor.empty() || card->jid.empty()) {
                throw ImportFileError(
                    where(card->begin_line) + ": this vCard has no " +
                    (card->aor.empty() ? "SIP address (TEL or IMPP sip:)" : "JID (IMPP xmpp:)"));
            }
            try {
                bindings.push_back(store::make_binding(card->aor, card->jid, card->display_name,
                                                       card->numbers, default_verification));
                begin_lines.push_back(card->begin_line);
                if (origins) origins->add(card->begin_line);
            } catch (const store::BindingError& e) {
                throw ImportFileError(where(card->begin_line) + ": " + e.what());
            }
            card.reset();
            return;
        }
        try {
            apply(*content, *card);
        } catch (const store::BindingError& e) {
            throw ImportFileError(where(content->line) + ": " + e.what());
        }
    };

    // No AOR, JID or number twice, as in a CSV file (binding_csv.hpp): the first repeat is
    // reported, naming the BEGIN lines of both vCards. Checked before any other error too, so
    // that the error is the first bad vCard's in the file either way.
    auto refuse_repeated_keys = [&]() {
        if (const auto repeated = first_repeated_key(bindings, bindings.size())) {
            throw ImportFileError(where(begin_lines[repeated->index]) + ": " + repeated->key +
                                  " is already on line " +
                                  std::to_string(begin_lines[repeated->first_index]));
        }
    };
    try {
        std::string raw;
        while (std::getline(in, raw)) {
            ++physical_line;
            if (!raw.empty() && raw.back() == '\r') raw.pop_back();
            if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) {
                // With no line to continue (the file's first, or after a blank one), it starts
                // its own, and is named by its own number.
                if (logical.empty()) logical_line = physical_line;
                logical += raw.substr(1);  // RFC 6350 §3.2 unfolding
                continue;
            }
            finish_logical();
            logical = raw;
            logical_line = physical_line;
        }
        finish_logical();
        if (card) {
            throw ImportFileError(where(card->begin_line) + ": BEGIN:VCARD without END:VCARD");
        }
    } catch (const ImportFileError&) {
        refuse_repeated_keys();
        throw;
    }
    if (bindings.empty()) throw ImportFileError(source_name + ": no vCard found");
    refuse_repeated_keys();
    return bindings;
}

}  // namespace cusax::ctl
