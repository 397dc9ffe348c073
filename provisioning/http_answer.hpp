#pragma once
// An answer as the policy layer decides it, before the wire layer (http_session.cpp) writes it
// with Beast: status, media type, body and the few headers that vary.
#include <string>
#include <utility>
#include <vector>

namespace cusax::provisioning {

struct HttpAnswer {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides the common ones
};

// A short text answer: "404 not found\n" and the like.
HttpAnswer text_answer(unsigned status, std::string body);

}  // namespace cusax::provisioning
