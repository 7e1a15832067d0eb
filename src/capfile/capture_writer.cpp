#include "capture_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "record.h"

namespace sensor::capfile {

struct CaptureWriter::Open {
    std::FILE* file = nullptr;
    std::string path;
    uint64_t bytes = 0, max_bytes = 0;
    Trailer trailer;
    std::vector<unsigned char> block;  // reused
};

CaptureWriter::CaptureWriter(size_t buffer_bytes, Log log)
    : capacity_(buffer_bytes), log_(std::move(log)) {
    front_.reserve(capacity_);
    back_.reserve(capacity_);
    thread_ = std::thread([this] { run(); });
}

CaptureWriter::~CaptureWriter() {
    end();
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

// Under mu_. Drops since the last entry go into the stream first, so they count against the
// file that was open when they happened.
void CaptureWriter::insert(Tag tag, const void* data, size_t size) {
    if (dropped_pending_) {
        uint32_t head[2] = {kDropped, sizeof dropped_pending_};
        const auto* h = reinterpret_cast<const unsigned char*>(head);
        const auto* n = reinterpret_cast<const unsigned char*>(&dropped_pending_);
        front_.insert(front_.end(), h, h + sizeof head);
        front_.insert(front_.end(), n, n + sizeof dropped_pending_);
        dropped_pending_ = 0;
    }
    uint32_t head[2] = {tag, static_cast<uint32_t>(size)};
    const auto* h = reinterpret_cast<const unsigned char*>(head);
    front_.insert(front_.end(), h, h + sizeof head);
    const auto* p = static_cast<const unsigned char*>(data);
    front_.insert(front_.end(), p, p + size);
}

void CaptureWriter::push(Tag tag, const void* data, size_t size) {
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        const size_t need = 8 + size + (dropped_pending_ ? 16 : 0);
        if (front_.size() + need > capacity_) {
            if (tag == kRecord) {
                ++dropped_pending_;
                return;
            }
            front_.reserve(front_.size() + need);  // begin/end are never dropped
        }
        insert(tag, data, size);
        // Records wait for the writer's next round unless the buffer fills up.
        wake = tag != kRecord || front_.size() > capacity_ / 4;
    }
    if (wake) wake_.notify_one();
}

void CaptureWriter::begin(FileRequest request) {
    {
        std::lock_guard lock(mu_);
        requests_.push_back(std::make_unique<FileRequest>(std::move(request)));
    }
    cut_.store(false, std::memory_order_relaxed);
    push(kBegin, nullptr, 0);
}

void CaptureWriter::append(const void* record, size_t size) {
    push(kRecord, record, size);
}

void CaptureWriter::end(const std::string& cgroups) {
    push(kEnd, cgroups.data(), cgroups.size());
}

void CaptureWriter::flush() {
    std::unique_lock lock(mu_);
    wake_.notify_one();
    idle_.wait(lock, [&] { return (front_.empty() && pushed_ == done_) || stop_; });
}

WriterStats CaptureWriter::stats() const {
    std::lock_guard lock(mu_);
    WriterStats s = stats_;
    s.dropped += dropped_pending_;
    return s;
}

void CaptureWriter::run() {
    std::vector<std::unique_ptr<FileRequest>> requests;
    std::unique_lock lock(mu_);
    for (;;) {
        wake_.wait_for(lock, std::chrono::milliseconds(50),
                       [&] { return stop_ || !front_.empty(); });
        if (front_.empty() && stop_) break;
        if (front_.empty()) continue;
        std::swap(front_, back_);
        requests.swap(requests_);
        ++pushed_;
        lock.unlock();
        process(back_, requests);
        back_.clear();
        requests.clear();
        lock.lock();
        ++done_;
        idle_.notify_all();
    }
    lock.unlock();
    close_file();
}

void CaptureWriter::process(const std::vector<unsigned char>& batch,
                            std::vector<std::unique_ptr<FileRequest>>& requests) {
    size_t next_request = 0;
    for (size_t pos = 0; pos + 8 <= batch.size();) {
        uint32_t head[2];
        std::memcpy(head, &batch[pos], sizeof head);
        const unsigned char* data = &batch[pos + 8];
        if (head[0] == kRecord) write_record(data, head[1]);
        if (head[0] == kBegin) open_file(*requests[next_request++]);
        if (head[0] == kEnd)
            close_file(std::string_view(reinterpret_cast<const char*>(data), head[1]));
        if (head[0] == kDropped) count_dropped(data);
        pos += 8 + head[1];
    }
}

void CaptureWriter::count_dropped(const unsigned char* data) {
    uint64_t n = 0;
    std::memcpy(&n, data, sizeof n);
    if (open_) open_->trailer.dropped += n;
    std::lock_guard lock(mu_);
    stats_.dropped += n;
}

void CaptureWriter::open_file(FileRequest& r) {
    close_file();
    complete_from_host(r.state, r.proc_root, r.host_root);
    auto o = std::make_unique<Open>();
    o->path = r.path;
    o->max_bytes = r.max_bytes;
    o->file = std::fopen(r.path.c_str(), r.overwrite ? "wb" : "wbx");
    if (!o->file) {
        log_(2, "capture: cannot create " + r.path + ": " + std::strerror(errno));
        std::lock_guard lock(mu_);
        ++stats_.failed_files;
        return;
    }
    std::vector<unsigned char> bytes = encode_prefix(r.header);
    std::string state = snapshot_json(r.state);
    append_block(bytes, BlockKind::State, state.data(), state.size());
    std::fwrite(bytes.data(), 1, bytes.size(), o->file);
    o->bytes = bytes.size();
    log_(0, "capture: writing " + r.path + " (" + std::to_string(r.state.threads.size()) +
                " threads, " + std::to_string(r.state.fds.size()) + " fds in its state)");
    open_ = std::move(o);
}

void CaptureWriter::write_record(const unsigned char* data, size_t size) {
    if (!open_ || !open_->file) return;  // no file: a failed open, or records after end
    Open& o = *open_;
    if (o.trailer.cut || (o.max_bytes && o.bytes + kBlockHeaderBytes + size > o.max_bytes)) {
        if (!o.trailer.cut) {
            o.trailer.cut = true;
            cut_.store(true, std::memory_order_relaxed);
            log_(1, "capture: " + o.path + " reached capture.max_file_size_mb (" +
                        std::to_string(o.max_bytes) + " bytes); later records are not written");
        }
        ++o.trailer.cut_records;
        return;
    }
    o.block.clear();
    append_block(o.block, BlockKind::Record, data, size);
    std::fwrite(o.block.data(), 1, o.block.size(), o.file);
    o.bytes += o.block.size();
    ++o.trailer.records;
}

void CaptureWriter::close_file(std::string_view cgroups) {
    if (!open_) return;
    std::unique_ptr<Open> o = std::move(open_);
    if (!o->file) return;
    std::string end = trailer_json(o->trailer);
    o->block.clear();
    if (!cgroups.empty())
        append_block(o->block, BlockKind::Cgroups, cgroups.data(), cgroups.size());
    append_block(o->block, BlockKind::End, end.data(), end.size());
    std::fwrite(o->block.data(), 1, o->block.size(), o->file);
    bool failed = std::ferror(o->file) != 0;
    failed |= std::fclose(o->file) != 0;
    const Trailer& t = o->trailer;
    if (failed)
        log_(2, "capture: writing " + o->path + " failed: " + std::strerror(errno));
    else
        log_(0, "capture: " + o->path + " finished: " + std::to_string(t.records) + " records, " +
                    std::to_string(t.dropped) + " dropped, " + std::to_string(t.cut_records) +
                    " cut at the size limit");
    std::lock_guard lock(mu_);
    ++(failed ? stats_.failed_files : stats_.files);
    stats_.records += t.records;
    stats_.cut_records += t.cut_records;
    stats_.cut_files += t.cut;
}

std::string capture_file_name(const std::string& prefix, uint64_t ts_ns, uint64_t event_num) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "_%020llu_%020llu.cap", static_cast<unsigned long long>(ts_ns),
                  static_cast<unsigned long long>(event_num));
    return prefix + buf;
}

}  // namespace sensor::capfile
