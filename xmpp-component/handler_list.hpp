#pragma once
// The one list of the component's features, in the order the router asks them
// (stanza_routing.hpp): first those that claim the server's own traffic on the link, then the
// features of the domain and its accounts, in the order their disco#info features are listed.
#include <vector>

#include "xmpp-component/directory_features.hpp"

namespace cusax::xmpp {

// The features answered from the bindings alone: stateless, one set per router.
struct DirectoryFeatures {
    DiscoFeature disco;
    SearchFeature search;
    PingFeature ping;
    VcardTempFeature vcard_temp;
    ReachFeature reach;
};

// vcard4_sync (vcard4_sync.hpp) and delegation (delegation_feature.hpp) may be nullptr: left
// out.
std::vector<FeatureHandler*> handler_list(FeatureHandler* vcard4_sync, FeatureHandler* delegation,
                                          DirectoryFeatures& directory);

}  // namespace cusax::xmpp
