#include "sensor/capture/bpf_probe.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

#include "probe_skeleton.h"
#include "record.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"

namespace sensor::capture {
namespace {

// libbpf reports verifier and loader problems through a print callback; keep the last lines so
// a failed load can say why.
thread_local std::string g_libbpf_log;

int libbpf_print(enum libbpf_print_level level, const char* fmt, va_list args) {
    if (level == LIBBPF_DEBUG) return 0;
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, args);
    if (n > 0) {
        g_libbpf_log += buf;
        if (g_libbpf_log.size() > 8192) g_libbpf_log.erase(0, g_libbpf_log.size() - 8192);
    }
    return 0;
}

// The kfunc appeared in 6.2; look for it in the kernel's BTF rather than guess from versions.
bool kernel_has_rdonly_cast() {
    struct btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return false;
    bool found = btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast", BTF_KIND_FUNC) >= 0;
    btf__free(vmlinux);
    return found;
}

// The io_uring programs attach to these tracepoints (named so since about 6.0; struct
// io_kiocb's layout is read with CO-RE): without them the probe loads without io_uring.
bool kernel_has_uring_tracepoints() {
    struct btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return false;
    bool found =
        btf__find_by_name_kind(vmlinux, "btf_trace_io_uring_submit_req", BTF_KIND_TYPEDEF) >= 0 &&
        btf__find_by_name_kind(vmlinux, "btf_trace_io_uring_complete", BTF_KIND_TYPEDEF) >= 0 &&
        btf__find_by_name_kind(vmlinux, "io_kiocb", BTF_KIND_STRUCT) >= 0;
    btf__free(vmlinux);
    return found;
}

// The running kernel's release and its major.minor (known false when uname cannot say).
struct KernelVersion {
    std::string release;
    int major = 0, minor = 0;
    bool known = false;

    KernelVersion() {
        struct utsname u {};
        if (uname(&u) != 0) return;
        release = u.release;
        known = sscanf(u.release, "%d.%d", &major, &minor) == 2;
    }
    bool below(int want_major, int want_minor) const {
        return major < want_major || (major == want_major && minor < want_minor);
    }
};

// BPF atomics that return the old value (the probe's record counter) came in 5.12.
// bpf_loop (5.17+) is a base helper: a socket filter that calls it loads where it exists.
bool kernel_has_bpf_loop() {
    return libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_loop, nullptr) == 1;
}

bool kernel_has_atomic_fetch() {
    KernelVersion k;
    return k.known && !k.below(5, 12);
}

std::string errno_text(int err) {
    return std::strerror(err < 0 ? -err : err);
}

// Records from different CPUs in the order the probe took them: by the global counter
// (modulo 2^32, so it may wrap) or, on kernels without it, by time.
bool taken_before(const sensor_record_header* a, const sensor_record_header* b, bool by_seq) {
    return by_seq ? static_cast<int32_t>(a->seq - b->seq) < 0 : a->ts_ns < b->ts_ns;
}

// Batched timestamps: at most this many records of one running task, within one jiffy, share
// a clock reading (so in a syscall storm the error is a few microseconds, never over a tick).
constexpr uint32_t kBatchedStampEvery = 16;

}  // namespace

std::string probe_prerequisites_problem() {
    if (!std::filesystem::exists("/sys/kernel/btf/vmlinux"))
        return "the kernel has no BTF (/sys/kernel/btf/vmlinux is missing): the probe needs a "
               "kernel >= 5.8 built with CONFIG_DEBUG_INFO_BTF=y";
    if (KernelVersion k; k.known && k.below(5, 8))
        return "kernel " + k.release +
               " is too old: the probe needs >= 5.8 (BPF ring buffer, tp_btf)";
    return {};
}

struct BpfProbe::Impl {
    sensor_probe_handle* skel = nullptr;
    bool fast_file_access = false;
    bool io_uring = false;  // the io_uring programs are loaded
    // The per-CPU rings, mapped from the cpu_rings array (see bpf/probe.bpf.c).
    char* rings = nullptr;
    size_t rings_len = 0;
    size_t ring_stride = 0;  // bytes between consecutive CPUs' rings
    uint32_t cpus = 0;
    uint64_t ring_bytes = 0;
    uint64_t malformed = 0;
    uint32_t snaplen = 0;

    sensor_cpu_ring* ring(uint32_t cpu) {
        return reinterpret_cast<sensor_cpu_ring*>(rings + static_cast<size_t>(cpu) * ring_stride);
    }

    bool order_by_seq = false;
    bool batched_timestamps = false;
    // Per CPU: the last clock reading its probe wrote, given to records it did not stamp.
    std::vector<uint64_t> last_stamp;

    struct Cursor {
        sensor_cpu_ring* ring;
        uint32_t cpu;
        uint64_t tail, head, released;
        sensor_record_header* next;  // the record at tail, peeked once per advance
    };
    std::vector<Cursor> cursors;

    // The record at c.tail, or nullptr when c is exhausted (or corrupt: then skipped).
    sensor_record_header* peek(Cursor& c) {
        if (c.tail >= c.head) return nullptr;
        auto* h =
            reinterpret_cast<sensor_record_header*>(c.ring->data + (c.tail & (ring_bytes - 1)));
        uint64_t padded = (static_cast<uint64_t>(h->size) + 7) & ~uint64_t{7};
        if (h->size < sizeof(sensor_record_header) || padded > SENSOR_RECORD_MAX ||
            padded > c.head - c.tail) {
            ++malformed;  // cannot happen with a correct probe; do not loop on it
            c.tail = c.head;
            return nullptr;
        }
        return h;
    }

    // Delivers every record published so far, merged across CPUs in the order the probe took
    // them (a child's first records must not overtake its parent's fork record from another
    // CPU). Records the probe did not stamp get their CPU's last reading, written in place
    // (the ring is mapped writable and the record is the reader's until tail passes it).
    int drain(const Handler& handler) {
        cursors.clear();
        for (uint32_t c = 0; c < cpus; ++c) {
            sensor_cpu_ring* r = ring(c);
            uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
            if (r->tail >= head) continue;
            Cursor cur{r, c, r->tail, head, r->tail, nullptr};
            cur.next = peek(cur);
            if (cur.next)
                cursors.push_back(cur);
            else
                __atomic_store_n(&r->tail, cur.tail, __ATOMIC_RELEASE);
        }
        int delivered = 0;
        while (!cursors.empty()) {
            size_t best = 0;
            for (size_t i = 1; i < cursors.size(); ++i)
                if (taken_before(cursors[i].next, cursors[best].next, order_by_seq)) best = i;
            Cursor& c = cursors[best];
            uint64_t& stamp = last_stamp[c.cpu];
            if (c.next->ts_ns == 0)
                c.next->ts_ns = stamp;
            else
                stamp = c.next->ts_ns;
            handler(c.next, c.next->size);
            ++delivered;
            c.tail += (static_cast<uint64_t>(c.next->size) + 7) & ~uint64_t{7};
            // Give space back during long drains so the probe does not drop meanwhile.
            if (c.tail - c.released >= (ring_bytes >> 3)) {
                __atomic_store_n(&c.ring->tail, c.tail, __ATOMIC_RELEASE);
                c.released = c.tail;
            }
            c.next = peek(c);
            if (!c.next) {
                __atomic_store_n(&c.ring->tail, c.tail, __ATOMIC_RELEASE);
                c = cursors.back();
                cursors.pop_back();
            }
        }
        return delivered;
    }
};

BpfProbe::BpfProbe() : impl_(std::make_unique<Impl>()) {}

BpfProbe::~BpfProbe() {
    if (impl_->rings) munmap(impl_->rings, impl_->rings_len);
    sensor_probe_destroy(impl_->skel);
}

bool BpfProbe::load(const ProbeOptions& opts, std::string& error) {
    if (auto p = probe_prerequisites_problem(); !p.empty()) {
        error = p;
        return false;
    }
    libbpf_set_print(libbpf_print);
    g_libbpf_log.clear();
    impl_->skel = sensor_probe_open();
    if (!impl_->skel) {
        error = "cannot open the eBPF probe: " + errno_text(errno) + "\n" + g_libbpf_log;
        return false;
    }
    impl_->fast_file_access = opts.fast_file_access && kernel_has_rdonly_cast();
    int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) {
        error = "cannot count the CPUs: " + errno_text(cpus);
        return false;
    }
    // A record is only started when a whole SENSOR_RECORD_MAX fits, so a ring needs room for
    // at least two.
    if (opts.ring_bytes < 2 * SENSOR_RECORD_MAX || (opts.ring_bytes & (opts.ring_bytes - 1)) != 0) {
        error = "invalid ring buffer size " + std::to_string(opts.ring_bytes) +
                " (a power of two of at least " + std::to_string(2 * SENSOR_RECORD_MAX) + ")";
        return false;
    }
    if (opts.snaplen == 0 || opts.snaplen > SENSOR_DATA_MAX) {
        error = "invalid snaplen " + std::to_string(opts.snaplen) + " (1 to " +
                std::to_string(SENSOR_DATA_MAX) + " bytes)";
        return false;
    }
    impl_->snaplen = opts.snaplen;
    impl_->cpus = static_cast<uint32_t>(cpus);
    impl_->ring_bytes = opts.ring_bytes;
    impl_->last_stamp.assign(impl_->cpus, 0);
    impl_->order_by_seq = kernel_has_atomic_fetch();
    // Batching needs the counter: without it, the merge needs every record's time.
    impl_->batched_timestamps = impl_->order_by_seq && !opts.exact_timestamps;
    sensor_probe_set_timing(impl_->skel, impl_->order_by_seq,
                            impl_->batched_timestamps ? kBatchedStampEvery : 1);
    sensor_probe_set_bpf_loop(impl_->skel, opts.full_path_walk && kernel_has_bpf_loop());
    if (int err = sensor_probe_configure(impl_->skel, static_cast<uint32_t>(getpid()), impl_->cpus,
                                         opts.ring_bytes, impl_->fast_file_access)) {
        error = "cannot size the probe's rings: " + errno_text(err);
        return false;
    }
    impl_->io_uring = kernel_has_uring_tracepoints();
    sensor_probe_set_uring(impl_->skel, impl_->io_uring);
    if (int err = sensor_probe_load(impl_->skel)) {
        // As root, EACCES is the verifier rejecting the program, not a privilege problem.
        if (err == -EPERM || (err == -EACCES && geteuid() != 0))
            error = "loading the eBPF probe was refused (" + errno_text(err) +
                    "): run as root, or with CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE";
        else
            error = "loading the eBPF probe failed: " + errno_text(err) + "\n" + g_libbpf_log;
        return false;
    }
    size_t value_size = SENSOR_CPU_RING_HEADER + opts.ring_bytes + SENSOR_RING_SLACK;
    impl_->ring_stride = (value_size + 7) & ~size_t{7};
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    impl_->rings_len = (impl_->ring_stride * impl_->cpus + page - 1) / page * page;
    void* mem = mmap(nullptr, impl_->rings_len, PROT_READ | PROT_WRITE, MAP_SHARED,
                     sensor_probe_map_fd(impl_->skel, SENSOR_MAP_CPU_RINGS), 0);
    if (mem == MAP_FAILED) {
        error = "cannot map the probe's rings: " + errno_text(errno);
        return false;
    }
    impl_->rings = static_cast<char*>(mem);
    return true;
}

namespace {

bool write_confs(int fd, const std::vector<sensor_syscall_conf>& conf, std::string& error) {
    for (uint32_t i = 0; i < SENSOR_MAX_SYSCALLS; ++i) {
        if (bpf_map_update_elem(fd, &i, &conf[i], BPF_ANY) != 0) {
            error = "cannot update the syscall filter: " + errno_text(errno);
            return false;
        }
    }
    return true;
}

// Empties an LPM trie, then stores the strings (reversed when `reversed`) as prefixes.
bool write_trie(int fd, const std::vector<std::string>& items, bool reversed, std::string& error) {
    sensor_path_key key{}, next{};
    while (bpf_map_get_next_key(fd, nullptr, &next) == 0) {
        if (bpf_map_delete_elem(fd, &next) != 0) break;
    }
    uint8_t one = 1;
    for (const auto& item : items) {
        std::memset(&key, 0, sizeof key);
        size_t n = std::min(item.size(), sizeof key.data);
        for (size_t i = 0; i < n; ++i)
            key.data[i] = static_cast<uint8_t>(reversed ? item[item.size() - 1 - i] : item[i]);
        key.prefixlen = static_cast<uint32_t>(n * 8);
        if (bpf_map_update_elem(fd, &key, &one, BPF_ANY) != 0) {
            error = "cannot update the open path filter: " + errno_text(errno);
            return false;
        }
    }
    return true;
}

// The compared bytes of a prefix or suffix as a table entry; a suffix's sit at the end of the
// 16 bytes, as the end of a path does.
sensor_path_pattern path_pattern(std::string_view bytes, bool suffix) {
    sensor_path_pattern p{};
    size_t at = suffix ? SENSOR_PATH_PATTERN_BYTES - bytes.size() : 0;
    for (size_t i = 0; i < bytes.size(); ++i, ++at) {
        uint64_t byte = static_cast<uint8_t>(bytes[i]);
        p.value[at / 8] |= byte << (8 * (at % 8));
        p.mask[at / 8] |= uint64_t{0xff} << (8 * (at % 8));
    }
    return p;
}

// Needles as the probe's word-at-a-time scan wants them (see sensor_needles).
bool fill_needles(const std::vector<std::string>& needles, sensor_needles& out,
                  std::string_view field, std::string& error) {
    if (needles.size() > SENSOR_RAW_NEEDLES) {
        error = "the open path filter searches " + std::string(field) + " for " +
                std::to_string(needles.size()) + " strings; the probe holds " +
                std::to_string(SENSOR_RAW_NEEDLES);
        return false;
    }
    constexpr uint64_t kEveryByte = 0x0101010101010101ULL;
    for (const auto& n : needles) {
        if (n.empty() || n.size() > 4) {
            error = "the open path filter has a needle of " + std::to_string(n.size()) +
                    " bytes; the probe compares 1 to 4";
            return false;
        }
        uint32_t k = out.count++;
        for (size_t j = 0; j < 4; ++j) {
            if (j < n.size())
                out.bytes[k][j] = kEveryByte * static_cast<uint8_t>(n[j]);
            else
                out.keep[k][j] = ~uint64_t{0};
        }
    }
    return true;
}

// One filter's path atoms (see OpenPathFilter; the write filter's are both sets).
struct FilterAtoms {
    std::vector<std::string> prefixes, suffixes, name_contains, raw_contains;
    bool pass_all = false;
};

FilterAtoms read_atoms(const OpenPathFilter& f) {
    return {f.prefixes, f.suffixes, f.name_contains, f.raw_contains, false};
}

FilterAtoms write_atoms(const OpenPathFilter& f) {
    FilterAtoms a = read_atoms(f);
    auto more = [](std::vector<std::string>& into, const std::vector<std::string>& from) {
        for (const auto& s : from)
            if (std::find(into.begin(), into.end(), s) == into.end()) into.push_back(s);
    };
    more(a.prefixes, f.write_prefixes);
    more(a.suffixes, f.write_suffixes);
    more(a.name_contains, f.write_name_contains);
    more(a.raw_contains, f.write_raw_contains);
    a.pass_all = f.write_pass_all;
    return a;
}

bool write_patterns(int fd, uint32_t index, const FilterAtoms& filter, std::string& error) {
    sensor_open_filter f{};
    f.pass_all = filter.pass_all ? 1 : 0;
    if (!fill_needles(filter.name_contains, f.name, "fd.name", error) ||
        !fill_needles(filter.raw_contains, f.raw, "fd.nameraw", error))
        return false;
    // One table entry per distinct 16 bytes; cut when every pattern behind it is longer.
    auto fill = [&](const std::vector<std::string>& items, bool suffix, sensor_path_pattern* table,
                    uint32_t& count, uint32_t& cut, uint32_t& short_mask, uint32_t* buckets) {
        std::map<std::string_view, bool> entries;  // compared bytes -> all longer
        for (const auto& item : items) {
            std::string_view key = compared_bytes(item, suffix);
            bool longer = item.size() > key.size();
            auto [it, fresh] = entries.emplace(key, longer);
            if (!fresh) it->second = it->second && longer;
        }
        // open_path_filter turns the filter off before this; a table that cannot hold every
        // pattern would drop opens a rule wants.
        if (entries.size() > SENSOR_PATH_PATTERNS) {
            error = "the open path filter has " + std::to_string(entries.size()) +
                    (suffix ? " path ends" : " path starts") + "; the probe holds " +
                    std::to_string(SENSOR_PATH_PATTERNS);
            return false;
        }
        for (const auto& [key, longer] : entries) {
            table[count] = path_pattern(key, suffix);
            if (longer) cut |= 1U << count;
            if (key.size() < 4) {
                short_mask |= 1U << count;
            } else {
                std::string_view four = suffix ? key.substr(key.size() - 4) : key.substr(0, 4);
                uint32_t w = 0;
                for (size_t i = 0; i < 4; ++i)
                    w |= uint32_t{static_cast<uint8_t>(four[i])} << (8 * i);
                buckets[SENSOR_PATTERN_BUCKET(w) & (SENSOR_PATTERN_BUCKETS - 1)] |= 1U << count;
            }
            ++count;
        }
        return true;
    };
    if (!fill(filter.prefixes, false, f.prefix, f.prefix_count, f.prefix_cut, f.prefix_short,
              f.prefix_bucket) ||
        !fill(filter.suffixes, true, f.suffix, f.suffix_count, f.suffix_cut, f.suffix_short,
              f.suffix_bucket))
        return false;
    if (bpf_map_update_elem(fd, &index, &f, BPF_ANY) != 0) {
        error = "cannot update the open path filter: " + errno_text(errno);
        return false;
    }
    return true;
}

// The identity maps (sensor_identity_filter in bpf/record.h): lookups off while the inode map
// is rewritten, so no open is judged by half of it.
bool write_identity(int filter_fd, int inodes_fd, const IdentitySet& set, std::string& error) {
    sensor_identity_filter f{};
    uint32_t zero = 0;
    if (bpf_map_update_elem(filter_fd, &zero, &f, BPF_ANY) != 0) {
        error = "cannot update the file identity filter: " + errno_text(errno);
        return false;
    }
    sensor_identity_key key{}, next{};
    while (bpf_map_get_next_key(inodes_fd, nullptr, &next) == 0) {
        key = next;
        if (bpf_map_delete_elem(inodes_fd, &key) != 0) break;
    }
    uint8_t one = 1;
    for (const FileIdentity& file : set.files) {
        key = {file.dev, file.ino};
        if (bpf_map_update_elem(inodes_fd, &key, &one, BPF_ANY) != 0) {
            error = "cannot add " + file.path + " to the file identity map: " + errno_text(errno);
            return false;
        }
        uint32_t bit = SENSOR_IDENTITY_BIT(file.ino);
        f.bloom[bit / 64] |= uint64_t{1} << (bit % 64);
    }
    f.inodes = static_cast<uint32_t>(set.files.size());
    f.fspath = set.fspath ? 1 : 0;
    if (bpf_map_update_elem(filter_fd, &zero, &f, BPF_ANY) != 0) {
        error = "cannot update the file identity filter: " + errno_text(errno);
        return false;
    }
    return true;
}

// I/O data for the traced calls that need it (see data_arg in bpf/record.h).
void set_data_confs(const std::vector<uint32_t>& numbers, uint32_t snaplen,
                    std::vector<sensor_syscall_conf>& conf) {
    for (sensor_syscall_conf& c : conf) c.data_arg = SENSOR_NO_ARG;
    for (uint32_t n : numbers) {
        const events::SyscallEntry* s = events::syscall_entry(events::syscall_name(n));
        if (n >= conf.size() || !conf[n].traced || !s || !events::has_io_data(*s)) continue;
        conf[n].data_arg = s->args.data;
        conf[n].data_kind = s->data_kind;
        conf[n].data_max = static_cast<uint16_t>(snaplen);
    }
}

// Each io_uring opcode's syscall (events::io_uring_ops()); the probe records a request when
// that syscall is traced.
bool write_uring_ops(int fd, std::string& error) {
    for (uint32_t op = 0; op < SENSOR_URING_OPS; ++op) {
        uint16_t nr = SENSOR_URING_NO_SYSCALL;
        for (const events::IoUringOp& u : events::io_uring_ops())
            if (u.opcode == op)
                nr = static_cast<uint16_t>(events::syscall_number(u.syscall).value_or(nr));
        if (bpf_map_update_elem(fd, &op, &nr, BPF_ANY) != 0) {
            error = "cannot update the io_uring op table: " + errno_text(errno);
            return false;
        }
    }
    return true;
}

// Argument predicates (pred_arg in bpf/record.h) as the probe holds them.
void set_predicates(const std::vector<ArgPredicate>& preds,
                    std::vector<sensor_syscall_conf>& conf) {
    constexpr int64_t kHighBase = 1024;  // fcntl's Linux-specific commands start here
    for (const ArgPredicate& p : preds) {
        if (p.syscall >= conf.size() || !conf[p.syscall].traced) continue;
        sensor_syscall_conf& c = conf[p.syscall];
        c.pred_arg = p.arg;
        c.pred_base = kHighBase;
        for (int64_t v : p.allowed) {
            if (v >= 0 && v < 64)
                c.pred_low |= uint64_t{1} << v;
            else if (v >= kHighBase && v < kHighBase + 64)
                c.pred_high |= uint64_t{1} << (v - kHighBase);
            else
                c.pred_other = 1;  // outside both windows: send every such value
        }
    }
}

// The file behind the fd argument, or the files received, for the traced calls whose fd
// fields a rule reads (see fd_arg, exec_prot_arg and recv_msg_arg in bpf/record.h).
void set_file_confs(const ProbeConfig& config, std::vector<sensor_syscall_conf>& conf) {
    auto in = [](const std::vector<uint32_t>& v, uint32_t n) {
        return std::binary_search(v.begin(), v.end(), n);
    };
    for (uint32_t n : config.file_syscalls) {
        const events::SyscallEntry* s = events::syscall_entry(events::syscall_name(n));
        if (n >= conf.size() || !conf[n].traced || !s) continue;
        sensor_syscall_conf& c = conf[n];
        bool qualified = in(config.qualified_syscalls, n);
        if (s->has(events::sysflag::kFdFileOnDemand) && s->payload == SENSOR_PAY_ARGS) {
            c.payload = SENSOR_PAY_FD_FILE;
            c.fd_arg = s->args.fd;
            if (qualified) c.exec_prot_arg = s->args.prot;
        }
        if (s->has(events::sysflag::kReceivesFds)) {
            c.recv_msg_arg = s->args.data;
            c.recv_fds_only = qualified;
        }
    }
}

// The two open filters and their tries (which hold both sets: a hit confirmed by a pattern of
// the other filter only sends an open).
struct FilterMaps {
    int prefixes, suffixes, filter;
};

bool write_open_filters(const FilterMaps& maps, const OpenPathFilter& filter, std::string& error) {
    const FilterAtoms writes = write_atoms(filter);
    return write_trie(maps.prefixes, writes.prefixes, false, error) &&
           write_trie(maps.suffixes, writes.suffixes, true, error) &&
           write_patterns(maps.filter, SENSOR_OPEN_FILTER_READ, read_atoms(filter), error) &&
           write_patterns(maps.filter, SENSOR_OPEN_FILTER_WRITE, writes, error);
}

}  // namespace

bool BpfProbe::apply(const ProbeConfig& config, std::string& error) {
    const std::vector<uint32_t>& numbers = config.syscalls;
    const OpenPathFilter* open_filter = &config.open_filter;
    int fd = sensor_probe_map_fd(impl_->skel, SENSOR_MAP_SYSCALL_FILTER);
    std::vector<sensor_syscall_conf> conf(SENSOR_MAX_SYSCALLS);
    for (uint32_t n : numbers) {
        if (n >= SENSOR_MAX_SYSCALLS) {
            error = "syscall number " + std::to_string(n) + " is out of the probe's range";
            return false;
        }
        sensor_syscall_conf& c = conf[n];
        c.traced = 1;
        c.payload = SENSOR_PAY_ARGS;
        c.str_arg[0] = c.str_arg[1] = c.dirfd_arg = SENSOR_NO_ARG;
        c.pred_arg = c.flags_arg = SENSOR_NO_ARG;
        c.exec_prot_arg = c.recv_msg_arg = SENSOR_NO_ARG;
        c.nargs = 6;
        if (const events::SyscallEntry* s = events::syscall_entry(events::syscall_name(n))) {
            c.payload = s->payload;
            c.str_arg[0] = s->str_arg[0];
            c.str_arg[1] = s->str_arg[1];
            c.nargs = events::args_needed(*s);
            if (s->payload == SENSOR_PAY_NEW_FILE) c.dirfd_arg = s->args.dirfd;
            if (events::path_filtered(*s)) c.flags_arg = s->args.flags;
        }
    }
    set_data_confs(config.data_syscalls, impl_->snaplen, conf);
    if (!write_uring_ops(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_URING_OPS), error))
        return false;
    set_predicates(config.arg_predicates, conf);
    set_file_confs(config, conf);
    // Filter off while its maps change, so an open is never judged by half of them.
    if (!write_confs(fd, conf, error)) return false;
    if (!write_identity(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_IDENTITY_FILTER),
                        sensor_probe_map_fd(impl_->skel, SENSOR_MAP_IDENTITY_INODES),
                        config.identity, error))
        return false;
    if (open_filter->pass_all) return true;
    const FilterMaps maps{sensor_probe_map_fd(impl_->skel, SENSOR_MAP_OPEN_PREFIXES),
                          sensor_probe_map_fd(impl_->skel, SENSOR_MAP_OPEN_SUFFIXES),
                          sensor_probe_map_fd(impl_->skel, SENSOR_MAP_OPEN_FILTER)};
    if (!write_open_filters(maps, *open_filter, error)) return false;
    for (uint32_t n : numbers) {
        const events::SyscallEntry* s = events::syscall_entry(events::syscall_name(n));
        if (!s) continue;
        if (events::path_filtered(*s)) conf[n].path_filter = 1;
        // Closes of fds whose open stayed in the kernel stay there too (see quiet_close).
        if (s->has(events::sysflag::kClosesFd)) conf[n].quiet_close = 1;
    }
    return write_confs(fd, conf, error);
}

bool BpfProbe::attach(std::string& error) {
    if (int err = sensor_probe_attach(impl_->skel)) {
        error = "attaching the eBPF probe failed: " + errno_text(err) + "\n" + g_libbpf_log;
        return false;
    }
    return true;
}

int BpfProbe::poll(int timeout_ms, const Handler& handler) {
    int delivered = impl_->drain(handler);
    // Busy: wait a millisecond so records arrive in batches. Idle: the full interval, which
    // bounds alert latency. A signal cuts the sleep short.
    timespec ts{};
    int wait_ms = delivered > 0 ? std::min(timeout_ms, 1) : timeout_ms;
    ts.tv_sec = wait_ms / 1000;
    ts.tv_nsec = static_cast<long>(wait_ms % 1000) * 1000000L;
    if (wait_ms > 0) nanosleep(&ts, nullptr);
    delivered += impl_->drain(handler);
    return delivered;
}

bool BpfProbe::fast_file_access() const {
    return impl_->fast_file_access;
}

bool BpfProbe::batched_timestamps() const {
    return impl_->batched_timestamps;
}

namespace {

// A per-CPU counter of the probe, summed over CPUs.
uint64_t per_cpu_total(int fd, uint32_t key) {
    int cpus = libbpf_num_possible_cpus();
    if (fd < 0 || cpus <= 0) return 0;
    std::vector<uint64_t> per_cpu(static_cast<size_t>(cpus));
    if (bpf_map_lookup_elem(fd, &key, per_cpu.data()) != 0) return 0;
    uint64_t total = 0;
    for (uint64_t v : per_cpu) total += v;
    return total;
}

}  // namespace

// Counters of a probe that was never loaded (the syscall source off) are 0.
uint64_t BpfProbe::dropped() const {
    if (!impl_->skel) return 0;
    return per_cpu_total(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_DROPS),
                         SENSOR_DROP_RINGBUF_FULL);
}

bool BpfProbe::io_uring() const {
    return impl_->io_uring;
}

uint64_t BpfProbe::uring_untracked() const {
    if (!impl_->skel) return 0;
    int fd = sensor_probe_map_fd(impl_->skel, SENSOR_MAP_URING_COUNTS);
    return per_cpu_total(fd, SENSOR_URING_UNTRACKED) + per_cpu_total(fd, SENSOR_URING_PATHS_LOST);
}

std::vector<uint64_t> BpfProbe::dropped_by_reason() const {
    std::vector<uint64_t> out(SENSOR_DROP_REASONS, 0);
    if (!impl_->skel) return out;
    for (uint32_t r = 0; r < SENSOR_DROP_REASONS; ++r)
        out[r] = per_cpu_total(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_DROPS), r);
    return out;
}

uint64_t BpfProbe::filtered_opens() const {
    if (!impl_->skel) return 0;
    return per_cpu_total(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_FILTERED),
                         SENSOR_FILTERED_OPEN);
}

uint64_t BpfProbe::filtered_calls() const {
    if (!impl_->skel) return 0;
    return per_cpu_total(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_FILTERED),
                         SENSOR_FILTERED_ARG);
}

uint64_t BpfProbe::quiet_closes() const {
    uint64_t total = 0;
    if (!impl_->rings) return total;
    for (uint32_t cpu = 0; cpu < impl_->cpus; ++cpu)
        total += __atomic_load_n(&impl_->ring(cpu)->quiet_closes, __ATOMIC_RELAXED);
    return total;
}

std::vector<double> BpfProbe::ring_fill() const {
    std::vector<double> out;
    if (!impl_->rings) return out;
    for (uint32_t cpu = 0; cpu < impl_->cpus; ++cpu) {
        const auto* ring =
            reinterpret_cast<const sensor_cpu_ring*>(impl_->rings + impl_->ring_stride * cpu);
        uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
        uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
        out.push_back(static_cast<double>(head - tail) / static_cast<double>(impl_->ring_bytes));
    }
    return out;
}

std::vector<BpfProbe::ProgramStats> BpfProbe::program_stats() const {
    std::vector<ProgramStats> out;
    if (!impl_->skel) return out;
    int fds[16];
    const char* names[16];
    int n = sensor_probe_programs(impl_->skel, fds, names, 16);
    for (int i = 0; i < n; ++i) {
        bpf_prog_info info{};
        uint32_t len = sizeof info;
        if (fds[i] < 0 || bpf_obj_get_info_by_fd(fds[i], &info, &len) != 0) continue;
        out.push_back({names[i], info.run_time_ns, info.run_cnt});
    }
    return out;
}

}  // namespace sensor::capture
