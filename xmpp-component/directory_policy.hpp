#pragma once
// The settings' old home, still included by component_config.hpp; new code includes
// directory_settings.hpp.
#include "xmpp-component/directory_settings.hpp"
