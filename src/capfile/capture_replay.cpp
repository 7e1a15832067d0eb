#include "capture_replay.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "record.h"
#include "snapshot.h"

namespace sensor::capfile {
namespace {

// The decoder's /proc lookups find nothing: the snapshot and the records are the state.
constexpr const char* kNoProc = "/nonexistent/sensor-capture-proc";

// The snapshot's passwd and group, read by a UserTable from a private temporary directory.
std::unique_ptr<state::UserTable> user_table_of(const StateSnapshot& s, std::string& error) {
    namespace fs = std::filesystem;
    std::string tmpl = (fs::temp_directory_path() / "sensor-capture-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
        error = "cannot create a temporary directory for the snapshot's users";
        return nullptr;
    }
    const fs::path dir = tmpl;
    std::ofstream(dir / "passwd") << s.passwd;
    std::ofstream(dir / "group") << s.group;
    auto users =
        std::make_unique<state::UserTable>((dir / "passwd").string(), (dir / "group").string());
    std::error_code ec;
    fs::remove_all(dir, ec);
    return users;
}

}  // namespace

CaptureReplay::CaptureReplay() : scratch_(SENSOR_RECORD_MAX / sizeof(uint64_t)) {}
CaptureReplay::~CaptureReplay() = default;

bool CaptureReplay::open(const std::string& path, std::string& error) {
    if (!read_capture_file(path, file_, error)) return false;
    StateSnapshot snap;
    if (!parse_snapshot(file_.state_json, snap, error) ||
        (!file_.cgroups_json.empty() && !parse_cgroups(file_.cgroups_json, snap, error))) {
        error = path + ": " + error;
        return false;
    }
    users_ = user_table_of(snap, error);
    if (!users_) return false;
    containers_ = std::make_unique<state::ContainerTable>();
    procs_ = std::make_unique<state::ProcessTable>(*containers_, users_.get());
    fds_ = std::make_unique<state::FdTable>(kNoProc);
    decoder_ = std::make_unique<capture::RecordDecoder>(*procs_, *fds_, kNoProc);
    restore_snapshot(snap, *procs_, *fds_, *decoder_, containers_store_);
    decoder_->set_boot_to_epoch_ns(file_.header.boot_to_epoch_ns);
    return true;
}

const void* CaptureReplay::aligned_record(size_t i) {
    const auto& [offset, size] = file_.records[i];
    std::memcpy(scratch_.data(), file_.bytes.data() + offset, size);
    return scratch_.data();
}

}  // namespace sensor::capfile
