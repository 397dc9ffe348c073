#include "provisioning/http_answer.hpp"

namespace cusax::provisioning {

HttpAnswer text_answer(unsigned status, std::string body) {
    HttpAnswer a;
    a.status = status;
    a.body = std::move(body) + "\n";
    return a;
}

}  // namespace cusax::provisioning
