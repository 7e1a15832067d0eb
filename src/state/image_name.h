#pragma once
#include <string>
#include <string_view>

namespace sensor::state {

// An image reference split as Falco's container.image.* fields show it:
// "registry:5000/ns/app:1.2@sha256:abc" -> repository "registry:5000/ns/app", tag "1.2",
// digest "sha256:abc". A ':' before the last '/' is a registry port, not a tag.
struct ImageName {
    std::string repository;  // "docker.io/library/nginx"
    std::string tag;         // "1.25", "" when none
    std::string digest;      // "sha256:...", "" when none
};
ImageName parse_image_name(std::string_view ref);

}  // namespace sensor::state
