#pragma once
// The sensor's capture file (docs/capture.md): a header, a state snapshot, the probe's raw
// records (bpf/record.h) in delivery order, and an end block. Replay feeds the records to the
// same RecordDecoder as live capture, on top of the restored state.
#include <cstdint>
#include <string>
#include <vector>

namespace sensor::capfile {

inline constexpr char kMagic[8] = {'S', 'N', 'S', 'R', 'C', 'A', 'P', '\0'};
inline constexpr uint32_t kFormatVersion = 1;
// Bumped whenever bpf/record.h changes a struct (format.cpp checks their sizes).
inline constexpr uint32_t kRecordLayout = 2;

enum class BlockKind : uint32_t { State = 1, Record = 2, End = 3, Cgroups = 4 };
inline constexpr size_t kBlockHeaderBytes = 8;  // u32 kind, u32 payload length

struct Header {
    uint32_t format = kFormatVersion;
    uint32_t record_layout = kRecordLayout;
    std::string hostname, machine, kernel, sensor_version;
    uint64_t boot_to_epoch_ns = 0;   // added to the records' CLOCK_BOOTTIME stamps
    uint64_t created_ns = 0;         // wall clock when the file was started
    std::string reason;              // "rule" or "command line"
    std::string rule;                // the rule whose match started it (reason "rule")
    uint64_t pre_match_records = 0;  // records from before the match
};

struct Trailer {
    uint64_t records = 0;      // records written
    uint64_t dropped = 0;      // records lost before the writer (its buffer was full)
    uint64_t cut_records = 0;  // records not written: max_file_size_mb reached
    bool cut = false;
};

std::string header_json(const Header& h);
std::string trailer_json(const Trailer& t);
// The file's first bytes: magic, version, header length, header JSON.
std::vector<unsigned char> encode_prefix(const Header& h);
// A block: kind, length, payload.
void append_block(std::vector<unsigned char>& out, BlockKind kind, const void* data, size_t size);

// A capture file read whole. Records are kept in one buffer; record(i) copies one into
// aligned storage for the decoder.
struct CaptureFile {
    Header header;
    std::string state_json;
    std::string cgroups_json;  // the decoder's cgroup resolutions at the end (may be empty)
    std::vector<unsigned char> bytes;
    std::vector<std::pair<size_t, uint32_t>> records;  // offset in bytes, size
    Trailer trailer;
    bool complete = false;  // the end block was found (false: the writer did not finish)
};

// Reads path; false with error "PATH: offset N: problem" on a damaged or foreign file.
bool read_capture_file(const std::string& path, CaptureFile& out, std::string& error);

}  // namespace sensor::capfile
