#include "cusaxctl/phone_list.hpp"

#include "shared/address/sip_address.hpp"

namespace cusax::ctl {

store::PhoneNumber parse_phone_item(std::string_view item) {
    store::PhoneNumber phone;
    std::string_view number = item;
    const std::size_t kind_search_from = item.starts_with("tel:") ? 4 : 0;
    if (const auto colon = item.find(':', kind_search_from); colon != std::string_view::npos) {
        const auto kind = item.substr(colon + 1);
        number = item.substr(0, colon);
        if (kind == "video") {
            phone.video = true;
        } else if (kind == "video-only") {
            phone.voice = false;
            phone.video = true;
        } else if (kind != "voice") {
            throw store::BindingError("number \"" + std::string(item) + "\": unknown kind \"" +
                                      std::string(kind) + "\" (voice, video or video-only)");
        }
    }
    auto normalised = address::normalise_number(number);
    if (!normalised) {
        throw store::BindingError("number \"" + std::string(number) + "\": " + normalised.error);
    }
    phone.number = std::move(*normalised.value);
    return phone;
}

std::vector<store::PhoneNumber> parse_phone_list(std::string_view text) {
    std::vector<store::PhoneNumber> numbers;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto start = text.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) break;
        auto end = text.find_first_of(" \t", start);
        if (end == std::string_view::npos) end = text.size();
        numbers.push_back(parse_phone_item(text.substr(start, end - start)));
        pos = end;
    }
    return numbers;
}

std::string format_phone_item(const store::PhoneNumber& number) {
    if (number.video && !number.voice) return number.number + ":video-only";
    if (number.video) return number.number + ":video";
    return number.number;
}

std::string format_phone_list(const std::vector<store::PhoneNumber>& numbers) {
    std::string out;
    for (const auto& number : numbers) {
        if (!out.empty()) out += ' ';
        out += format_phone_item(number);
    }
    return out;
}

}  // namespace cusax::ctl
