#pragma once
// Whether a character may begin an XML name, exactly as expat decides it (its character classes
// are those of XML 1.0 before the fifth edition), for the namespace resolution that reads the
// part of a name after its colon (namespace_scope.hpp): expat without namespace processing
// checks that a whole name is a Name, not that its local part could begin one on its own.
#include <string_view>

namespace cusax::xmpp {

// `chars` starts with the character asked about, UTF-8 encoded (what follows is ignored). A
// colon is not counted (the caller splits at it). Characters outside ASCII are asked of expat
// itself, once per character for the life of the process.
bool may_start_xml_name(std::string_view chars);

}  // namespace cusax::xmpp
