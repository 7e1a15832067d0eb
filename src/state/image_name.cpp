#include "sensor/state/image_name.h"

namespace sensor::state {

ImageName parse_image_name(std::string_view ref) {
    ImageName out;
    size_t at = ref.find('@');
    if (at != std::string_view::npos) {
        out.digest = std::string(ref.substr(at + 1));
        ref = ref.substr(0, at);
    }
    size_t slash = ref.rfind('/');
    size_t colon = ref.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        out.tag = std::string(ref.substr(colon + 1));
        ref = ref.substr(0, colon);
    }
    out.repository = std::string(ref);
    return out;
}

}  // namespace sensor::state
