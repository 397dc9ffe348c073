#include "shared/xml/xml_name_start.hpp"

#include <expat.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <new>
#include <string>

namespace cusax::xmpp {

namespace {

// expat's answer for each character of the Basic Multilingual Plane (names hold no others in
// expat), kept once asked: 0 not asked yet, 1 may begin a name, 2 may not. Relaxed atomics:
// two threads asking at once both get expat's one answer.
constexpr std::uint8_t kUnknown = 0;
constexpr std::uint8_t kYes = 1;
constexpr std::uint8_t kNo = 2;
std::array<std::atomic<std::uint8_t>, 0x10000> g_answers{};

// "<c/>" is a document exactly when expat lets c begin a name.
bool ask_expat(std::string_view character) {
    XML_Parser probe = XML_ParserCreate("UTF-8");
    if (!probe) throw std::bad_alloc();
    std::string document = "<";
    document += character;
    document += "/>";
    const bool parsed = XML_Parse(probe, document.data(), static_cast<int>(document.size()),
                                  XML_TRUE) == XML_STATUS_OK;
    XML_ParserFree(probe);
    return parsed;
}

bool ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool may_start_xml_name(std::string_view chars) {
    if (chars.empty()) return false;
    const auto lead = static_cast<unsigned char>(chars[0]);
    // ASCII: letters and '_' (digits, '-' and '.' only continue a name).
    if (lead < 0x80) return ascii_letter(lead) || lead == '_';
    // Two and three byte sequences; expat lets no character beyond U+FFFF into a name.
    const std::size_t length = lead >= 0xC0 && lead < 0xE0   ? 2
                               : lead >= 0xE0 && lead < 0xF0 ? 3
                                                             : 0;
    if (length == 0 || chars.size() < length) return false;
    std::uint32_t code = length == 2 ? lead & 0x1Fu : lead & 0x0Fu;
    for (std::size_t i = 1; i < length; ++i) {
        code = (code << 6) | (static_cast<unsigned char>(chars[i]) & 0x3Fu);
    }
    std::atomic<std::uint8_t>& answer = g_answers[code & 0xFFFFu];
    std::uint8_t known = answer.load(std::memory_order_relaxed);
    if (known == kUnknown) {
        known = ask_expat(chars.substr(0, length)) ? kYes : kNo;
        answer.store(known, std::memory_order_relaxed);
    }
    return known == kYes;
}

}  // namespace cusax::xmpp
