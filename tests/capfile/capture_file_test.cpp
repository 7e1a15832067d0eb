// Capture files: written by the real writer thread, read back and replayed through the live
// decoder on top of the restored state; the size limit; damaged files.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "../capture/record_builder.h"
#include "sensor/capfile/capture_replay.h"
#include "sensor/capfile/capture_writer.h"
#include "sensor/capfile/record_history.h"
#include "sensor/capfile/snapshot.h"
#include "sensor/state/user_table.h"
#include "support/alloc_counter.h"

namespace sensor::testing {
namespace {

namespace fs = std::filesystem;
using capfile::CaptureFile;
using capfile::CaptureReplay;
using capfile::CaptureWriter;

struct Logged {
    std::vector<std::pair<int, std::string>> lines;
    std::mutex mu;
    CaptureWriter::Log fn() {
        return [this](int level, const std::string& m) {
            std::lock_guard lock(mu);
            lines.emplace_back(level, m);
        };
    }
};

size_t end_block_bytes(const capfile::Trailer& t) {
    return 8 + capfile::trailer_json(t).size();
}

class CaptureFileTest : public ::testing::Test {
  protected:
    CaptureFileTest() {
        fs::create_directories(host_ + "/etc");
        std::ofstream(host_ + "/etc/passwd") << "alice:x:1000:1001::/home/alice:/bin/sh\n";
        std::ofstream(host_ + "/etc/group") << "staff:x:1001:\n";
        // The live state: a shell (pid 50) in a container, and its child 100 with a file and
        // a connected socket.
        state::ProcessInfo* sh = procs_.insert(50);
        sh->pid = 50;
        sh->ppid = 1;
        sh->name = "bash";
        sh->exe = "bash";
        sh->exepath = "/bin/bash";
        sh->refresh_derived();
        container_.id = "0123456789ab";
        container_.full_id = std::string(64, 'c');
        container_.name = "web";
        container_.image = "nginx:1.25";
        sh->container = &container_;
        state::ProcessInfo* p = procs_.insert(kPid);
        *p = *sh;
        p->tid = p->pid = kPid;
        p->ppid = 50;
        p->name = "cat";
        p->uid = 1000;
        p->gid = 1001;
        p->refresh_derived();
        procs_.link_parents();
        state::FdInfo* f = fds_.put(kPid, 3);
        f->type = state::FdType::File;
        f->name = "/etc/shadow";
        f->refresh_derived();
        state::FdInfo* s = fds_.put(kPid, 4);
        s->type = state::FdType::Ipv4;
        s->l4proto = state::L4Proto::Tcp;
        s->cip = *state::IpAddr::parse("10.0.0.1");
        s->sip = *state::IpAddr::parse("10.0.0.2");
        s->cport = 40000;
        s->sport = 443;
        s->connected = true;
        s->name_by_tuple();
    }
    ~CaptureFileTest() override { fs::remove_all(dir_); }

    capfile::FileRequest request(uint64_t max_bytes = 0) {
        capfile::FileRequest r;
        r.path = path_;
        r.header.hostname = "node-1";
        r.header.reason = "rule";
        r.header.rule = "Read sensitive file";
        r.header.boot_to_epoch_ns = 1'700'000'000'000'000'000ull;
        decoder_.seed_cgroup(77, &container_);
        r.state = capfile::take_snapshot(procs_, fds_, decoder_);
        r.proc_root = dir_ + "/no-proc";
        r.host_root = host_;
        r.max_bytes = max_bytes;
        return r;
    }
    // An fcntl(F_GETFL) of fd; the decoder learns its file only from the snapshot.
    static Bytes read_of(int64_t fd, uint64_t ts) {
        SyscallRec r;
        r.name = "fcntl";
        r.ret = 2;
        r.args = {static_cast<uint64_t>(fd), 3, 0};
        r.ts = ts;
        return build(r);
    }

    std::string dir_ = make_temp_dir();
    std::string host_ = dir_ + "/host";
    std::string path_ = dir_ + "/capture_1.cap";
    state::ContainerInfo container_;
    state::ContainerTable containers_;
    state::UserTable users_ = state::UserTable::under_root("/nonexistent");
    state::ProcessTable procs_{containers_, &users_};
    state::FdTable fds_{"/nonexistent"};
    capture::RecordDecoder decoder_{procs_, fds_, "/nonexistent"};
    Logged log_;
};

TEST_F(CaptureFileTest, RoundTripRestoresStateAndDecodesRecordsAsLive) {
    {
        CaptureWriter w(1 << 20, log_.fn());
        w.begin(request());
        w.append(read_of(3, 100).data(), read_of(3, 100).size());
        w.append(read_of(4, 200).data(), read_of(4, 200).size());
        Bytes exec = build(ExecRec{.ppid = 50, .ts = 300});
        w.append(exec.data(), exec.size());
        // A process the snapshot does not have, in a cgroup the live decoder had resolved
        // (from /proc, which replay does not read): its container comes from the snapshot.
        Bytes other = build(ExecRec{.tid = 200, .pid = 200, .ppid = 1, .ts = 400});
        const uint64_t cgroup_id = 77;
        std::memcpy(other.data() + offsetof(sensor_exec, cgroup_id), &cgroup_id, 8);
        w.append(other.data(), other.size());
        // Resolved after the snapshot: the file's cgroups block, written at its end, has it.
        const uint64_t late_id = 88;
        std::memcpy(other.data() + offsetof(sensor_exec, cgroup_id), &late_id, 8);
        std::memcpy(other.data() + offsetof(sensor_record_header, tid), "\xc9\0\0\0", 4);
        std::memcpy(other.data() + offsetof(sensor_record_header, pid), "\xc9\0\0\0", 4);
        w.append(other.data(), other.size());
        decoder_.seed_cgroup(late_id, &container_);
        w.end(capfile::cgroups_json(decoder_));
        w.flush();
        EXPECT_EQ(w.stats().files, 1u);
        EXPECT_EQ(w.stats().records, 5u);
    }
    CaptureReplay replay;
    std::string error;
    ASSERT_TRUE(replay.open(path_, error)) << error;
    const CaptureFile& f = replay.file();
    EXPECT_TRUE(f.complete);
    EXPECT_EQ(f.header.hostname, "node-1");
    EXPECT_EQ(f.header.rule, "Read sensitive file");
    EXPECT_EQ(f.trailer.records, 5u);
    EXPECT_FALSE(f.trailer.cut);

    std::vector<std::string> seen;
    replay.run([&](const fields::Event& ev) {
        ASSERT_NE(ev.proc, nullptr);
        std::string line = std::string(events::event_type_name(ev.type)) + " " + ev.proc->name;
        if (ev.fd) line += " " + ev.fd->name;
        if (ev.proc->parent) line += " parent=" + ev.proc->parent->name;
        if (ev.proc->user) line += " user=" + ev.proc->user->name;
        if (ev.proc->container) line += " container=" + ev.proc->container->name;
        line += " ts=" + std::to_string(ev.ts);
        seen.push_back(line);
    });
    // State from the snapshot (fd names, parent, container), users from the snapshot's
    // passwd (this host's /etc is never read), times with the live clock offset.
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[0],
              "fcntl cat /etc/shadow parent=bash user=alice container=web "
              "ts=1700000000000000100");
    EXPECT_EQ(seen[1],
              "fcntl cat 10.0.0.1:40000->10.0.0.2:443 parent=bash user=alice container=web "
              "ts=1700000000000000200");
    EXPECT_EQ(seen[2], "execve myprog parent=bash user=alice container=web ts=1700000000000000300");
    EXPECT_EQ(seen[3], "execve myprog user=alice container=web ts=1700000000000000400");
    EXPECT_EQ(seen[4], "execve myprog user=alice container=web ts=1700000000000000400");
}

TEST_F(CaptureFileTest, SizeLimitCutsTheFileCountsAndLogs) {
    Bytes rec = read_of(3, 100);
    uint64_t limit = 0;
    {
        CaptureWriter w(1 << 20, log_.fn());
        w.begin(request());
        w.end();
        w.flush();
        // The empty file's header and state, then room for 10 records.
        limit =
            fs::file_size(path_) - end_block_bytes(capfile::Trailer{}) + 10 * (rec.size() + 8) + 4;
    }
    fs::remove(path_);
    CaptureWriter w(1 << 20, log_.fn());
    w.begin(request(limit));
    for (int i = 0; i < 100; ++i) w.append(rec.data(), rec.size());
    w.flush();
    EXPECT_TRUE(w.cut());
    w.end();
    w.flush();
    CaptureFile f;
    std::string error;
    ASSERT_TRUE(capfile::read_capture_file(path_, f, error)) << error;
    EXPECT_TRUE(f.complete);
    EXPECT_TRUE(f.trailer.cut);
    EXPECT_GT(f.records.size(), 5u);
    EXPECT_LT(f.records.size(), 100u);
    EXPECT_EQ(f.trailer.records + f.trailer.cut_records, 100u);
    EXPECT_EQ(w.stats().cut_records, f.trailer.cut_records);
    EXPECT_EQ(w.stats().cut_files, 1u);
    EXPECT_EQ(f.records.size(), 10u);
    EXPECT_LE(fs::file_size(path_) - end_block_bytes(f.trailer), limit);
    bool warned = false;
    for (const auto& [level, m] : log_.lines)
        warned |= level == 1 && m.find("max_file_size") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST_F(CaptureFileTest, AFullHandOverBufferDropsAndCountsRecords) {
    // The file is a FIFO nobody reads yet: the writer thread blocks opening it, as on a stalled
    // disk, while the loop keeps appending.
    ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
    Bytes rec = read_of(3, 100);
    CaptureWriter w(4096, log_.fn());
    capfile::FileRequest r = request();
    r.overwrite = true;
    w.begin(std::move(r));
    for (int i = 0; i < 2000; ++i) w.append(rec.data(), rec.size());  // never waits
    w.end();
    std::string content;
    std::thread reader([&] {
        std::ifstream in(path_, std::ios::binary);
        content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    });
    w.flush();
    reader.join();
    const std::string copy = dir_ + "/copy.cap";
    std::ofstream(copy, std::ios::binary) << content;
    CaptureFile f;
    std::string error;
    ASSERT_TRUE(capfile::read_capture_file(copy, f, error)) << error;
    // What fits in the two 4 KiB buffers (the one the writer took with the begin, the one it
    // has not taken yet) is written; the rest is counted, in the file and in the stats.
    EXPECT_LE(f.records.size(), 2 * (4096 / (rec.size() + 8)));
    EXPECT_GT(f.records.size(), 0u);
    EXPECT_EQ(f.records.size() + w.stats().dropped, 2000u);
    EXPECT_EQ(f.trailer.dropped, w.stats().dropped);
}

// Damaged files name the offset of what is wrong.
TEST_F(CaptureFileTest, DamagedFilesGiveAClearErrorWithTheOffset) {
    {
        CaptureWriter w(1 << 20, log_.fn());
        w.begin(request());
        Bytes rec = read_of(3, 100);
        w.append(rec.data(), rec.size());
        w.append(rec.data(), rec.size());
        w.end();
        w.flush();
    }
    CaptureFile good;
    std::string error;
    ASSERT_TRUE(capfile::read_capture_file(path_, good, error)) << error;
    ASSERT_EQ(good.records.size(), 2u);
    const size_t second = good.records[1].first - 8;  // its block header
    std::string bytes(good.bytes.begin(), good.bytes.end());
    auto expect_error = [&](const std::string& content, const std::string& want) {
        std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
        CaptureFile f;
        std::string e;
        EXPECT_FALSE(capfile::read_capture_file(path_, f, e));
        EXPECT_NE(e.find(want), std::string::npos) << e;
        EXPECT_EQ(e.rfind(path_ + ": ", 0), 0u) << e;
    };
    expect_error(bytes.substr(0, second + 20), "offset " + std::to_string(second) + ": block of ");
    expect_error("GARBAGE!" + bytes.substr(8), "offset 0: not a sensor capture file");
    std::string bad_kind = bytes;
    bad_kind[second] = 9;
    expect_error(bad_kind, "offset " + std::to_string(second) + ": unknown block kind 9");
    std::string bad_size = bytes;
    bad_size[good.records[1].first + offsetof(sensor_record_header, size)] ^= 0x40;
    expect_error(bad_size, "offset " + std::to_string(second) + ": record of ");
    std::string bad_state = bytes;
    bad_state[good.records[0].first - 9] = '#';  // the state JSON's closing brace
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bad_state;
    CaptureReplay replay;
    EXPECT_FALSE(replay.open(path_, error));
    EXPECT_NE(error.find("state snapshot"), std::string::npos) << error;
}

// The event loop's side (history, hand-over) allocates nothing per record.
TEST_F(CaptureFileTest, RecordsAreHandedOverWithoutAllocating) {
    Bytes rec = read_of(3, 100);
    capfile::RecordHistory history(64 * 1024);
    CaptureWriter w(1 << 20, log_.fn());
    w.begin(request());
    for (int i = 0; i < 10; ++i) w.append(rec.data(), rec.size());  // the writer's first use
    w.flush();
    uint64_t before = testing_support::allocation_count();
    for (int i = 0; i < 2000; ++i) {
        history.push(rec.data(), rec.size());
        w.append(rec.data(), rec.size());
    }
    EXPECT_EQ(testing_support::allocation_count() - before, 0u);
    w.end();
    w.flush();
    EXPECT_EQ(w.stats().records, 2010u);
    EXPECT_EQ(w.stats().dropped, 0u);
}

TEST(RecordHistory, KeepsTheNewestRecordsOldestFirstWithinItsBytes) {
    capfile::RecordHistory h(1024);
    Bytes rec(100);
    for (uint32_t i = 0; i < 50; ++i) {
        std::memcpy(rec.data(), &i, sizeof i);
        h.push(rec.data(), rec.size());
    }
    std::vector<uint32_t> kept;
    h.for_each([&](const void* p, size_t n) {
        EXPECT_EQ(n, 100u);
        uint32_t v;
        std::memcpy(&v, p, sizeof v);
        kept.push_back(v);
    });
    ASSERT_GE(kept.size(), 4u);  // at least half of the bytes
    ASSERT_LE(kept.size(), 9u);
    for (size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i], 50 - kept.size() + i);
    Bytes huge(600);
    h.push(huge.data(), huge.size());  // more than half: not kept
    size_t after = 0;
    h.for_each([&](const void*, size_t n) { after += n == 600; });
    EXPECT_EQ(after, 0u);
}

TEST(CaptureFileName, IsFalcosPrefixTimestampAndEventNumber) {
    EXPECT_EQ(capfile::capture_file_name("/tmp/falco", 1234567890, 42),
              "/tmp/falco_00000000001234567890_00000000000000000042.cap");
}

}  // namespace
}  // namespace sensor::testing
