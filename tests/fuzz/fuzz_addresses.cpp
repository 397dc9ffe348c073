// Any bytes through the address normalisers: no crash, no sanitizer report, and whatever is
// accepted is safe to put in a SIP header or XML and normalises to itself again (the look-up
// key of a SIP address too).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shared/address/dialled_number.hpp"
#include "shared/address/jid.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/sip_address.hpp"

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

template <typename Parse>
void check_stable(std::string_view input, Parse parse) {
    auto first = parse(input);
    if (!first) return;
    require(cusax::address::unsafe_reason(*first.value).empty());
    auto again = parse(*first.value);
    require(again && *again.value == *first.value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_stable(input, cusax::address::normalise_aor);
    check_stable(input, cusax::address::normalise_number);
    check_stable(input, cusax::address::normalise_bare_jid);
    // The key a SIP address is looked up by is itself an address with that key: an AOR
    // parses to itself, a number normalises to itself.
    if (auto key = cusax::address::parse_sip_address(input)) {
        require(cusax::address::unsafe_reason(key.value->value).empty());
        if (key.value->kind == cusax::address::AddressKey::Kind::Aor) {
            auto again = cusax::address::parse_sip_address(key.value->value);
            require(again && *again.value == *key.value);
        } else {
            auto again = cusax::address::normalise_number(key.value->value);
            require(again && *again.value == key.value->value);
        }
    }
    // What a Request-URI dials is a number key the store accepts as it is.
    if (auto dialled = cusax::address::dialled_number(input)) {
        for (const auto& number : {dialled.value->number, dialled.value->dialled}) {
            auto again = cusax::address::normalise_number(number);
            require(again && *again.value == number);
        }
    }
    return 0;
}
