#include "sensor/capture/bpf_probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <filesystem>

#include "probe_skeleton.h"
#include "record.h"
#include "sensor/events/syscalls.h"
#include "syscall_schema.h"

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

std::string errno_text(int err) {
    return std::strerror(err < 0 ? -err : err);
}

}  // namespace

std::string probe_prerequisites_problem() {
    if (!std::filesystem::exists("/sys/kernel/btf/vmlinux"))
        return "the kernel has no BTF (/sys/kernel/btf/vmlinux is missing): the probe needs a "
               "kernel >= 5.8 built with CONFIG_DEBUG_INFO_BTF=y";
    struct utsname u {};
    if (uname(&u) == 0) {
        int major = 0, minor = 0;
        if (sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
            (major < 5 || (major == 5 && minor < 8)))
            return std::string("kernel ") + u.release +
                   " is too old: the probe needs >= 5.8 (BPF ring buffer, tp_btf)";
    }
    return {};
}

struct BpfProbe::Impl {
    sensor_probe_handle* skel = nullptr;
    ring_buffer* rb = nullptr;
    const Handler* handler = nullptr;
    int delivered = 0;

    static int on_record(void* ctx, void* data, size_t size) {
        auto* self = static_cast<Impl*>(ctx);
        if (size < sizeof(sensor_record_header)) return 0;
        (*self->handler)(data, size);
        ++self->delivered;
        return 0;
    }
};

BpfProbe::BpfProbe() : impl_(std::make_unique<Impl>()) {}

BpfProbe::~BpfProbe() {
    if (impl_->rb) ring_buffer__free(impl_->rb);
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
    if (int err = sensor_probe_configure(impl_->skel, static_cast<uint32_t>(getpid()),
                                         opts.wakeup_bytes, opts.ring_bytes)) {
        error = "invalid ring buffer size " + std::to_string(opts.ring_bytes) +
                " (a power of two of at least one page): " + errno_text(err);
        return false;
    }
    if (int err = sensor_probe_load(impl_->skel)) {
        // As root, EACCES is the verifier rejecting the program, not a privilege problem.
        if (err == -EPERM || (err == -EACCES && geteuid() != 0))
            error = "loading the eBPF probe was refused (" + errno_text(err) +
                    "): run as root, or with CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE";
        else
            error = "loading the eBPF probe failed: " + errno_text(err) + "\n" + g_libbpf_log;
        return false;
    }
    impl_->rb = ring_buffer__new(sensor_probe_map_fd(impl_->skel, SENSOR_MAP_EVENTS),
                                 &Impl::on_record, impl_.get(), nullptr);
    if (!impl_->rb) {
        error = "cannot map the probe's ring buffer: " + errno_text(errno);
        return false;
    }
    return true;
}

bool BpfProbe::set_syscalls(const std::vector<uint32_t>& numbers, std::string& error) {
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
        c.str_arg[0] = c.str_arg[1] = SENSOR_NO_ARG;
        if (const SyscallSchema* s = syscall_schema(events::syscall_name(n))) {
            c.payload = s->payload;
            c.str_arg[0] = s->str_arg[0];
            c.str_arg[1] = s->str_arg[1];
        }
    }
    for (uint32_t i = 0; i < SENSOR_MAX_SYSCALLS; ++i) {
        if (bpf_map_update_elem(fd, &i, &conf[i], BPF_ANY) != 0) {
            error = "cannot update the syscall filter: " + errno_text(errno);
            return false;
        }
    }
    return true;
}

bool BpfProbe::attach(std::string& error) {
    if (int err = sensor_probe_attach(impl_->skel)) {
        error = "attaching the eBPF probe failed: " + errno_text(err) + "\n" + g_libbpf_log;
        return false;
    }
    return true;
}

int BpfProbe::poll(int timeout_ms, const Handler& handler) {
    impl_->handler = &handler;
    impl_->delivered = 0;
    // Records below the wake-up threshold do not wake epoll, so always drain after waiting.
    if (ring_buffer__poll(impl_->rb, timeout_ms) < 0 && errno != EINTR) return -1;
    if (ring_buffer__consume(impl_->rb) < 0) return -1;
    return impl_->delivered;
}

uint64_t BpfProbe::dropped() const {
    int fd = sensor_probe_map_fd(impl_->skel, SENSOR_MAP_DROPS);
    int cpus = libbpf_num_possible_cpus();
    if (fd < 0 || cpus <= 0) return 0;
    std::vector<uint64_t> per_cpu(static_cast<size_t>(cpus));
    uint32_t key = SENSOR_DROP_RINGBUF_FULL;
    if (bpf_map_lookup_elem(fd, &key, per_cpu.data()) != 0) return 0;
    uint64_t total = 0;
    for (uint64_t v : per_cpu) total += v;
    return total;
}

}  // namespace sensor::capture
