#pragma once
// The text form of a binding's numbers, shared by the CSV columns and `cusaxctl add --number`:
// items separated by spaces, each "NUMBER" (voice) or "NUMBER:video" (voice and video) or
// "NUMBER:video-only". Example: "+4930123456:video +4930999".
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/binding.hpp"

namespace cusax::ctl {

// One item; throws store::BindingError naming the item.
store::PhoneNumber parse_phone_item(std::string_view item);
std::vector<store::PhoneNumber> parse_phone_list(std::string_view text);
std::string format_phone_item(const store::PhoneNumber& number);
std::string format_phone_list(const std::vector<store::PhoneNumber>& numbers);

}  // namespace cusax::ctl
