#include "sensor/audit_ingest/file_inputs.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sensor::audit_ingest {
namespace {

constexpr size_t kReadSize = 64 * 1024;
constexpr int kPollMs = 200;

}  // namespace

FileInputBase::FileInputBase(const InputConfig& cfg, std::string path)
    : cfg_(cfg),
      path_(std::move(path)),
      queue_(cfg.queue_payloads),
      lines_(cfg_, queue_, counters_, stop_),
      stop_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

FileInputBase::~FileInputBase() {
    FileInputBase::stop();
    if (stop_fd_ >= 0) close(stop_fd_);
}

void FileInputBase::stop() {
    stop_ = true;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(stop_fd_, &one, sizeof one);
    queue_.wake_waiters();
    if (thread_.joinable()) thread_.join();
}

size_t FileInputBase::drain(std::vector<std::string>& out, size_t max) {
    return queue_.drain(out, max);
}

bool FileInputBase::pause(int ms) {
    pollfd p{stop_fd_, POLLIN, 0};
    poll(&p, 1, ms);
    return !stop_;
}

// ---- file://: followed ----

FollowFileInput::~FollowFileInput() {
    stop();
    if (fd_ >= 0) close(fd_);
}

bool FollowFileInput::open_current(bool from_end) {
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        return false;
    }
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    offset_ = from_end ? st.st_size : 0;
    lines_.reset();
    if (from_end && st.st_size > 0) {
        // Starting inside a line (a writer mid-line) would deliver its tail as a line.
        char last = '\n';
        if (pread(fd_, &last, 1, st.st_size - 1) == 1 && last != '\n') lines_.skip_partial_line();
    }
    return true;
}

bool FollowFileInput::start(std::string& error) {
    if (thread_.joinable()) return true;
    // The existing lines are history: following starts at the end. A file not there yet is
    // waited for (and read from its start when it appears), but its directory must exist.
    if (!open_current(/*from_end=*/true)) {
        int err = errno;
        std::string dir = std::filesystem::path(path_).parent_path().string();
        std::error_code ec;
        if (err != ENOENT || (!dir.empty() && !std::filesystem::is_directory(dir, ec))) {
            error = "k8s_audit file://" + path_ + ": " + strerror(err);
            return false;
        }
    }
    thread_ = std::thread([this] { run(); });
    return true;
}

void FollowFileInput::run() {
    do {
        if (fd_ < 0) {
            if (open_current(/*from_end=*/false)) ++counters_.rotations;  // created after start
            if (fd_ < 0) continue;
        }
        check_truncation();
        if (!read_to_eof()) return;
        check_rotation();
    } while (pause(kPollMs));
}

bool FollowFileInput::read_to_eof() {
    std::string buf(kReadSize, '\0');
    for (;;) {
        ssize_t n = pread(fd_, buf.data(), buf.size(), offset_);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ++counters_.read_errors;
        if (n <= 0) return !stop_;
        offset_ += n;
        if (!lines_.feed(std::string_view(buf.data(), static_cast<size_t>(n)))) return false;
    }
}

// copytruncate: the file shrank under us, its new content starts at 0.
void FollowFileInput::check_truncation() {
    struct stat st {};
    if (fstat(fd_, &st) != 0 || st.st_size >= offset_) return;
    offset_ = 0;
    lines_.reset();
    ++counters_.truncations;
    ++counters_.rotations;
}

// Rename/create: the path names another file now. The old one is finished to its end first
// (the writer may have added lines after our last read), then the new one read from 0.
void FollowFileInput::check_rotation() {
    struct stat st {};
    if (stat(path_.c_str(), &st) != 0) return;  // moved, the new one not created yet
    if (st.st_dev == dev_ && st.st_ino == ino_) return;
    if (!read_to_eof()) return;
    lines_.flush();
    if (open_current(/*from_end=*/false)) ++counters_.rotations;
}

// ---- a plain path: read once ----

std::vector<std::string> files_by_mtime(const std::string& dir) {
    namespace fs = std::filesystem;
    std::vector<std::pair<fs::file_time_type, std::string>> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::error_code e;
        if (!entry.is_regular_file(e)) continue;
        auto mtime = entry.last_write_time(e);
        if (!e) found.emplace_back(mtime, entry.path().string());
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

bool ReadOnceInput::start(std::string& error) {
    if (thread_.joinable()) return true;
    std::error_code ec;
    if (std::filesystem::is_directory(path_, ec)) {
        files_ = files_by_mtime(path_);
    } else if (std::filesystem::exists(path_, ec)) {
        files_ = {path_};
    } else {
        error = "k8s_audit " + path_ + ": no such file or directory";
        return false;
    }
    thread_ = std::thread([this] { run(); });
    return true;
}

void ReadOnceInput::run() {
    for (const auto& file : files_)
        if (!read_file(file)) return;
    finished_ = true;
    queue_.notify();
}

bool ReadOnceInput::read_file(const std::string& file) {
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ++counters_.read_errors;
        return !stop_;
    }
    std::string buf(kReadSize, '\0');
    bool going = true;
    for (;;) {
        ssize_t n = read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ++counters_.read_errors;
        if (n <= 0) break;
        going = lines_.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
        if (!going) break;
    }
    close(fd);
    // A line never carries over from one file to the next.
    return going && lines_.flush();
}

}  // namespace sensor::audit_ingest
