#include "format.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

#include "record.h"

namespace sensor::capfile {

// A change to any of these is a new record layout: bump kRecordLayout (older files then fail
// to load with a clear message instead of decoding garbage).
static_assert(sizeof(sensor_record_header) == 24 && sizeof(sensor_syscall_exit) == 40 &&
                  sizeof(sensor_file_section) == 40 && sizeof(sensor_sock_section) == 44 &&
                  sizeof(sensor_exec) == 168 && sizeof(sensor_proc_event) == 64,
              "bpf/record.h changed: bump capfile::kRecordLayout");
// Record kinds of layout 2 (fd received, io_uring requests share sensor_syscall_exit).
static_assert(sizeof(sensor_fd_received) == 80, "bpf/record.h changed: bump kRecordLayout");

namespace {

using Json = nlohmann::json;

template <typename T>
void put(std::vector<unsigned char>& out, T v) {
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    out.insert(out.end(), p, p + sizeof v);
}

template <typename T>
T get(const unsigned char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Reads the header object; false with error on a missing or mistyped key.
bool parse_header(const std::string& text, Header& h, std::string& error) {
    try {
        Json j = Json::parse(text);
        h.format = j.at("format").get<uint32_t>();
        h.record_layout = j.at("record_layout").get<uint32_t>();
        h.hostname = j.at("hostname").get<std::string>();
        h.machine = j.at("machine").get<std::string>();
        h.kernel = j.at("kernel").get<std::string>();
        h.sensor_version = j.at("sensor_version").get<std::string>();
        h.boot_to_epoch_ns = j.at("boot_to_epoch_ns").get<uint64_t>();
        h.created_ns = j.at("created_ns").get<uint64_t>();
        h.reason = j.at("reason").get<std::string>();
        h.rule = j.value("rule", std::string());
        h.pre_match_records = j.value("pre_match_records", uint64_t{0});
        return true;
    } catch (const std::exception& e) {
        error = std::string("bad header: ") + e.what();
        return false;
    }
}

bool parse_trailer(const std::string& text, Trailer& t, std::string& error) {
    try {
        Json j = Json::parse(text);
        t.records = j.at("records").get<uint64_t>();
        t.dropped = j.at("dropped").get<uint64_t>();
        t.cut_records = j.at("cut_records").get<uint64_t>();
        t.cut = j.at("cut").get<bool>();
        return true;
    } catch (const std::exception& e) {
        error = std::string("bad end block: ") + e.what();
        return false;
    }
}

// The blocks after the prefix; false with error naming the offset of the bad block.
bool read_blocks(CaptureFile& f, size_t pos, std::string& error) {
    const auto& b = f.bytes;
    auto fail = [&](size_t at, const std::string& why) {
        error = "offset " + std::to_string(at) + ": " + why;
        return false;
    };
    while (pos < b.size()) {
        if (f.complete) return fail(pos, "data after the end block");
        if (b.size() - pos < kBlockHeaderBytes) return fail(pos, "truncated block header");
        auto kind = get<uint32_t>(&b[pos]);
        auto len = get<uint32_t>(&b[pos + 4]);
        size_t body = pos + kBlockHeaderBytes;
        if (b.size() - body < len)
            return fail(pos, "block of " + std::to_string(len) + " bytes runs past the end (" +
                                 std::to_string(b.size() - body) + " left): truncated file");
        std::string text(reinterpret_cast<const char*>(&b[body]), len);
        switch (static_cast<BlockKind>(kind)) {
            case BlockKind::State:
                if (!f.records.empty()) return fail(pos, "state block after records");
                f.state_json = std::move(text);
                break;
            case BlockKind::Record: {
                if (len < sizeof(sensor_record_header) || len > SENSOR_RECORD_MAX ||
                    get<uint16_t>(&b[body + offsetof(sensor_record_header, size)]) != len)
                    return fail(
                        pos, "record of " + std::to_string(len) + " bytes whose header disagrees");
                f.records.emplace_back(body, len);
                break;
            }
            case BlockKind::Cgroups:
                if (f.state_json.empty()) return fail(pos, "cgroups block before the state");
                f.cgroups_json = std::move(text);
                break;
            case BlockKind::End: {
                std::string why;
                if (!parse_trailer(text, f.trailer, why)) return fail(pos, why);
                f.complete = true;
                break;
            }
            default:
                return fail(pos, "unknown block kind " + std::to_string(kind));
        }
        pos = body + len;
    }
    return true;
}

}  // namespace

std::string header_json(const Header& h) {
    Json j = {{"format", h.format},
              {"record_layout", h.record_layout},
              {"hostname", h.hostname},
              {"machine", h.machine},
              {"kernel", h.kernel},
              {"sensor_version", h.sensor_version},
              {"boot_to_epoch_ns", h.boot_to_epoch_ns},
              {"created_ns", h.created_ns},
              {"reason", h.reason},
              {"rule", h.rule},
              {"pre_match_records", h.pre_match_records}};
    return j.dump();
}

std::string trailer_json(const Trailer& t) {
    Json j = {{"records", t.records},
              {"dropped", t.dropped},
              {"cut_records", t.cut_records},
              {"cut", t.cut}};
    return j.dump();
}

std::vector<unsigned char> encode_prefix(const Header& h) {
    std::string text = header_json(h);
    std::vector<unsigned char> out(kMagic, kMagic + sizeof kMagic);
    put(out, kFormatVersion);
    put(out, static_cast<uint32_t>(text.size()));
    out.insert(out.end(), text.begin(), text.end());
    return out;
}

void append_block(std::vector<unsigned char>& out, BlockKind kind, const void* data, size_t size) {
    put(out, static_cast<uint32_t>(kind));
    put(out, static_cast<uint32_t>(size));
    const auto* p = static_cast<const unsigned char*>(data);
    out.insert(out.end(), p, p + size);
}

bool read_capture_file(const std::string& path, CaptureFile& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot open capture file";
        return false;
    }
    out.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const auto& b = out.bytes;
    auto fail = [&](size_t at, const std::string& why) {
        error = path + ": offset " + std::to_string(at) + ": " + why;
        return false;
    };
    if (b.size() < 16 || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
        return fail(0, "not a sensor capture file (bad magic)");
    if (auto v = get<uint32_t>(&b[8]); v != kFormatVersion)
        return fail(8, "format version " + std::to_string(v) + " (this sensor reads " +
                           std::to_string(kFormatVersion) + ")");
    auto hlen = get<uint32_t>(&b[12]);
    if (b.size() - 16 < hlen) return fail(12, "header runs past the end: truncated file");
    std::string why;
    if (!parse_header(std::string(reinterpret_cast<const char*>(&b[16]), hlen), out.header, why))
        return fail(16, why);
    if (out.header.record_layout != kRecordLayout)
        return fail(16, "record layout " + std::to_string(out.header.record_layout) +
                            " (this sensor reads " + std::to_string(kRecordLayout) + ")");
    if (!read_blocks(out, 16 + hlen, why)) {
        error = path + ": " + why;
        return false;
    }
    return true;
}

}  // namespace sensor::capfile
