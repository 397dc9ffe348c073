#include "shared/store/binding_view.hpp"

#include <algorithm>

namespace cusax::store {

BindingView::BindingView(const Binding& b)
    : aor(b.aor),
      jid(b.jid),
      display_name(b.display_name),
      numbers(b.numbers),
      verification(b.verification),
      updated_at(b.updated_at) {}

Binding BindingView::to_binding() const {
    Binding b;
    b.aor = std::string(aor);
    b.jid = std::string(jid);
    b.display_name = std::string(display_name);
    b.numbers.reserve(numbers.size());
    for (const auto& n : numbers) b.numbers.push_back({std::string(n.number), n.voice, n.video});
    b.verification = verification;
    b.updated_at = updated_at;
    return b;
}

bool operator==(const BindingView& a, const BindingView& b) {
    return a.aor == b.aor && a.jid == b.jid && a.display_name == b.display_name &&
           a.verification == b.verification && a.updated_at == b.updated_at &&
           a.numbers.size() == b.numbers.size() &&
           std::equal(a.numbers.begin(), a.numbers.end(), b.numbers.begin());
}

}  // namespace cusax::store
