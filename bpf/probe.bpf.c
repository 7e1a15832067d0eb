// sensor's CO-RE probe: one record per traced syscall exit, filtered in the kernel by a
// per-syscall table that user space computes from the loaded rules and state needs, plus
// process exec/fork/exit records from the scheduler tracepoints.
//
// Records are built in place in the running CPU's own ring and published at their exact size,
// so short records (close, dup) do not pay for the longest path a record could hold.
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "record.h"

char LICENSE[] SEC("license") = "GPL";

// The sensor's own process is excluded so that its reads and writes cannot feed back.
const volatile __u32 self_tgid = 0;
// Bytes of record space per CPU ring (a power of two), set by user space before load.
const volatile __u64 ring_bytes = 1 << 21;
// Ordering and timestamps (see sensor_record_header in record.h). order_by_seq needs the
// atomic add's result (5.12+); stamp_every 1 reads the clock for every record, N lets up to
// N-1 records of one running task within one jiffy reuse the CPU's last reading.
const volatile bool order_by_seq = false;
const volatile __u32 stamp_every = 1;
__u64 record_seq = 0;
// Bumped by every record of a task whose fd table other tasks share, in the slot of a hash of
// the table's address (two tables in one slot only send more closes): a filtered open's
// close stays in the kernel only if the slot did not move in between (see quiet_close).
#define FD_TABLE_EPOCHS 256
__u64 fd_table_epochs[FD_TABLE_EPOCHS];

#define PATH_DEPTH 32
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFBLK 0060000
#define CAP_DAC_OVERRIDE 1

// One ring per CPU (element i of this mmap-able array), written only by programs running on
// that CPU and read by user space directly from its mapping. With one producer and one
// consumer per ring there is no lock and no per-record kernel bookkeeping: a record costs a
// copy and a store. BPF's shared ring buffer takes a spinlock per record and makes CPUs
// contend; here it cost more than building the record (see docs/performance.md).
//
// value_size is set by user space (SENSOR_CPU_RING_HEADER + ring_bytes + SENSOR_RING_SLACK):
// a record that starts near the end runs on into the slack past ring_bytes, so records are
// always contiguous and never split.
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, 1);  // the number of possible CPUs, set by user space
    __uint(key_size, sizeof(__u32));
    __uint(value_size, SENSOR_CPU_RING_HEADER + (1 << 21) + SENSOR_RING_SLACK);
} cpu_rings SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SENSOR_MAX_SYSCALLS);
    __type(key, __u32);
    __type(value, struct sensor_syscall_conf);
} syscall_filter SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SENSOR_DROP_REASONS);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SENSOR_FILTER_COUNTS);
    __type(key, __u32);
    __type(value, __u64);
} filtered SEC(".maps");

// The open path filter (see sensor_open_filter in record.h), written by user space: one trie
// of prefixes, one of suffixes stored reversed.
struct path_trie {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(max_entries, 1024);
    __type(key, struct sensor_path_key);
    __type(value, __u8);
};
struct path_trie open_prefixes SEC(".maps");
struct path_trie open_suffixes SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SENSOR_OPEN_FILTERS);  // SENSOR_OPEN_FILTER_READ, _WRITE
    __type(key, __u32);
    __type(value, struct sensor_open_filter);
} open_filter SEC(".maps");

// File identity (sensor_identity_filter in record.h), written by user space.
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct sensor_identity_filter);
} identity_filter SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SENSOR_IDENTITY_MAX);
    __type(key, struct sensor_identity_key);
    __type(value, __u8);
} identity_inodes SEC(".maps");

// path: where paths are assembled backwards (the first half), and where the open filter reads
// the given path (the second); the 16 bytes past them let the needle scan load whole words.
struct scratch {
    char path[SENSOR_STR_MAX * 2 + 16];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct scratch);
} scratch_map SEC(".maps");

// On kernels that have it (6.2+), bpf_rdonly_cast turns a struct file read from the fd table
// into a BTF pointer, so the rest of the walk is plain loads instead of one helper call per
// field. User space sets have_rdonly_cast after finding the kfunc in the kernel's BTF; when it
// is false the verifier prunes the fast path and the helper-based one runs.
extern void* bpf_rdonly_cast(const void* obj, __u32 btf_id) __ksym __weak;
const volatile bool have_rdonly_cast = false;
// bpf_loop (5.17+) lets a path walk go on past PATH_DEPTH components, up to the path buffer;
// set by user space after probing for the helper, as have_rdonly_cast is.
const volatile bool have_bpf_loop = false;

// Kernel layouts that changed over time (CO-RE picks the one that exists).
struct inode___v611 {  // 6.11+: split seconds and nanoseconds
    time64_t i_ctime_sec;
    u32 i_ctime_nsec;
    time64_t i_mtime_sec;
    u32 i_mtime_nsec;
} __attribute__((preserve_access_index));
struct inode___v66 {  // 6.6 - 6.10
    struct timespec64 __i_ctime;
    struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));
struct inode___old {
    struct timespec64 i_ctime;
    struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline void count_drop(__u32 reason) {
    __u64* n = bpf_map_lookup_elem(&drops, &reason);
    if (n) *n += 1;
}

static __always_inline struct scratch* get_scratch(void) {
    __u32 zero = 0;
    return bpf_map_lookup_elem(&scratch_map, &zero);
}

// Records are built in place in this CPU's ring: reserve() returns where the next record
// goes when a whole SENSOR_RECORD_MAX fits (else counts a drop), publish() makes it visible.
static __always_inline struct sensor_cpu_ring* this_cpu_ring(void) {
    __u32 cpu = bpf_get_smp_processor_id();
    return bpf_map_lookup_elem(&cpu_rings, &cpu);
}

// The epoch slot of the current task's fd table. The address is read as a number (a BTF
// pointer cannot be hashed).
static __always_inline __u64* fd_table_epoch(struct task_struct* task) {
    __u64 files = 0;
    bpf_probe_read_kernel(&files, sizeof(files), &task->files);
    return &fd_table_epochs[((files >> 6) * 0x9E3779B97F4A7C15ULL) >> 56];
}

static __always_inline char* reserve(struct sensor_cpu_ring** out) {
    struct sensor_cpu_ring* ring = this_cpu_ring();
    if (!ring) return 0;
    struct task_struct* task = bpf_get_current_task_btf();
    struct files_struct* files = task->files;
    if (files && files->count.counter > 1) __sync_fetch_and_add(fd_table_epoch(task), 1);
    __u64 head = ring->head;
    __u64 tail = *(volatile __u64*)&ring->tail;
    ring->quiet_tid = 0;  // a record on this CPU: the next close is sent (see quiet_close)
    if (head + SENSOR_RECORD_MAX - tail > ring_bytes) {
        ring->dropped += 1;
        count_drop(SENSOR_DROP_RINGBUF_FULL);
        return 0;
    }
    *out = ring;
    return &ring->data[head & (ring_bytes - 1)];
}

// The record reserve() started on this CPU and publish() has not yet made visible (the head
// moves only then), for the global functions that append to it.
static __always_inline char* started_record(struct sensor_cpu_ring* ring) {
    return &ring->data[ring->head & (ring_bytes - 1)];
}

static __always_inline void publish(struct sensor_cpu_ring* ring, char* rec, __u32 size) {
    ((struct sensor_record_header*)rec)->size = size;
    __u64 advance = (size + 7) & ~7U;
#if defined(__TARGET_ARCH_x86)
    // x86 makes stores visible in program order, so a plain store of the new head publishes
    // the bytes before it. A locked add would also do, but it waits for every store of the
    // record to reach the cache, and on a VM those are misses: 25 ns a record under bpf_stats.
    // Only this CPU's probe writes head, one program at a time.
    asm volatile("" ::: "memory");
    *(volatile __u64*)&ring->head = ring->head + advance;
#else
    // Elsewhere an atomic gives the release ordering: a reader that sees the head sees the
    // bytes.
    __sync_fetch_and_add(&ring->head, advance);
#endif
}

// Whether this record reads the clock: on this VM a clock read costs as much as the rest of a
// close record, so a task's burst of syscalls within one jiffy shares one reading.
static __always_inline int needs_stamp(struct sensor_cpu_ring* ring, __u32 tid) {
    if (stamp_every <= 1) return 1;
    __u64 jiffies = bpf_jiffies64();
    struct task_struct* task = bpf_get_current_task_btf();
    __u64 switches = task->nvcsw + task->nivcsw;
    if (jiffies != ring->stamp_jiffies || tid != ring->stamp_tid ||
        switches != ring->stamp_switches || ring->since_stamp + 1 >= stamp_every) {
        ring->stamp_jiffies = jiffies;
        ring->stamp_tid = tid;
        ring->stamp_switches = switches;
        ring->since_stamp = 0;
        return 1;
    }
    ring->since_stamp += 1;
    return 0;
}

static __always_inline void fill_header(struct sensor_record_header* h,
                                        struct sensor_cpu_ring* ring, __u16 kind, __u16 nr) {
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    h->seq = order_by_seq ? (__u32)__sync_fetch_and_add(&record_seq, 1) : 0;
    h->ts_ns = needs_stamp(ring, (__u32)pid_tgid) ? bpf_ktime_get_boot_ns() : 0;
    h->tid = (__u32)pid_tgid;
    h->pid = (__u32)(pid_tgid >> 32);
    h->kind = kind;
    h->nr = nr;
    h->size = 0;
}

// Appends a user (or, with from_kernel, a kernel) string at *off; returns its length with
// the NUL, 0 if unreadable.
static __always_inline __u16 append_str(char* rec, __u32* off, const void* src, int from_kernel) {
    __u32 o = *off;
    if (o >= SENSOR_RECORD_MAX / 2 || !src) return 0;
    char* dst = &rec[o & (SENSOR_RECORD_MAX / 2 - 1)];
    long n = from_kernel ? bpf_probe_read_kernel_str(dst, SENSOR_STR_MAX, src)
                         : bpf_probe_read_user_str(dst, SENSOR_STR_MAX, src);
    if (n <= 0) return 0;
    *off = o + (__u32)n;
    return (__u16)n;
}

static __always_inline __u16 append_user_str(char* rec, __u32* off, const void* src) {
    return append_str(rec, off, src, 0);
}

static __always_inline __u16 append_kernel_str(char* rec, __u32* off, const void* src) {
    return append_str(rec, off, src, 1);
}

// Paths are built backwards in s->path: pos is where the text built so far starts.
// Prepends "/name"; false when it does not fit.
static __always_inline int prepend_component(struct scratch* s, __u32* pos,
                                             const unsigned char* name, __u32 len) {
    if (len == 0 || len + 1 > *pos) return 0;
    __u32 p = (*pos - (len + 1)) & (SENSOR_STR_MAX - 1);
    s->path[p] = '/';
    bpf_probe_read_kernel(&s->path[(p + 1) & (SENSOR_STR_MAX - 1)], len & (SENSOR_STR_MAX - 1),
                          name);
    *pos = p;
    return 1;
}

// Copies the built path (with its NUL) into the record at off; returns its length.
static __always_inline __u32 copy_built_path(struct scratch* s, char* rec, __u32 off, __u32 pos) {
    if (pos == SENSOR_STR_MAX - 1) {  // nothing prepended: the root itself
        pos = SENSOR_STR_MAX - 2;
        s->path[pos] = '/';
    }
    if (off >= SENSOR_RECORD_MAX / 2) return 0;
    __u32 n = SENSOR_STR_MAX - pos;
    pos &= SENSOR_STR_MAX - 1;
    n &= SENSOR_STR_MAX - 1;
    if (n == 0) return 0;
    bpf_probe_read_kernel(&rec[off & (SENSOR_RECORD_MAX / 2 - 1)], n, &s->path[pos]);
    return n;
}

// What a path walk found besides the path: whether it was cut, and where in s->path the path
// from the file's filesystem root (fd.fspath) starts: at the first mount top the walk reached
// (a mount it crossed, or the task's root) when that is the top of its filesystem, so the
// path built so far is the whole path within it; else FS_POS_OTHER (a bind mount of a
// directory, a chroot below a filesystem's root: the fs-root path is no suffix).
#define FS_POS_UNSET 0xffffffffu
#define FS_POS_OTHER 0xfffffffeu
struct path_info {
    __u32 cut;
    __u32 fs_pos;
};

static __always_inline void note_mount_top(__u32* fs_pos, __u32 pos, int fs_root) {
    if (*fs_pos == FS_POS_UNSET) *fs_pos = fs_root ? pos : FS_POS_OTHER;
}

// The state of a path walk, so that a bpf_loop can take it on where the bounded loop stopped.
// Pointers are plain numbers read through helpers (deep paths are rare; the common case runs
// the loop of walk_fast).
struct walk_state {
    __u64 d, mnt, root_dentry, root_mnt;  // mnt: the struct mount of d
    __u32 pos, fs_pos;
    __u32 done;     // reached the top (else the path was cut)
    __u32 fs_only;  // follow d_parent to the filesystem's root, ignoring mounts and chroot
};

// One step up: a component prepended, or a mount crossed. Returns 1 when the walk stops.
static __always_inline long walk_one(struct scratch* s, struct walk_state* w) {
    struct dentry* d = (void*)w->d;
    struct mount* mnt = (void*)w->mnt;
    struct vfsmount* vfsmnt = (void*)(w->mnt + bpf_core_field_offset(struct mount, mnt));
    struct dentry* parent = BPF_CORE_READ(d, d_parent);
    if (w->fs_only) {
        if (d == parent) {
            w->done = 1;
            return 1;
        }
    } else if (w->d == w->root_dentry && (__u64)vfsmnt == w->root_mnt) {
        note_mount_top(&w->fs_pos, w->pos, d == parent);
        w->done = 1;
        return 1;
    } else {
        struct dentry* mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
        if (d == mnt_root || d == parent) {
            note_mount_top(&w->fs_pos, w->pos, d == parent);
            struct mount* mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
            if (d != mnt_root || mnt == mnt_parent) {  // a filesystem's or the namespace's root
                w->done = 1;
                return 1;
            }
            w->d = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
            w->mnt = (__u64)mnt_parent;
            return 0;
        }
    }
    // The name's pointer and length read apart: a struct qstr on this callback's stack would
    // put the calls below the exit program past their 512 bytes.
    const unsigned char* name = BPF_CORE_READ(d, d_name.name);
    __u32 len = BPF_CORE_READ(d, d_name.len);
    if (!prepend_component(s, &w->pos, name, len)) return 1;
    w->d = (__u64)parent;
    return 0;
}

static long walk_loop_step(__u32 i, void* ctx) {
    struct scratch* s = get_scratch();
    return s ? walk_one(s, ctx) : 1;
}

// Runs the walk to its end: PATH_DEPTH steps, then (kernels with bpf_loop, 5.17+) as many as
// the path buffer can hold, each step prepending at least two bytes or crossing a mount.
static __always_inline void walk_to_top(struct scratch* s, struct walk_state* w) {
    for (int i = 0; i < PATH_DEPTH; i++) {
        if (walk_one(s, w)) return;
    }
    if (have_bpf_loop && !w->done) bpf_loop(SENSOR_STR_MAX, walk_loop_step, w, 0);
}

// Where the walk of a path starts: its dentry and mount, the task's root.
static __always_inline void walk_begin(struct walk_state* w, struct scratch* s, __u64 dentry,
                                       __u64 vfsmnt) {
    struct task_struct* task = (void*)bpf_get_current_task_btf();
    w->root_dentry = (__u64)BPF_CORE_READ(task, fs, root.dentry);
    w->root_mnt = (__u64)BPF_CORE_READ(task, fs, root.mnt);
    w->d = dentry;
    w->mnt = vfsmnt - bpf_core_field_offset(struct mount, mnt);
    w->pos = SENSOR_STR_MAX - 1;  // s->path[pos..] holds the path built so far
    w->fs_pos = FS_POS_UNSET;
    w->done = 0;
    w->fs_only = 0;
    s->path[SENSOR_STR_MAX - 1] = 0;
}

// The walk through helpers, for kernels without bpf_rdonly_cast.
static __always_inline __u32 walk_slow(struct scratch* s, __u64 dentry, __u64 vfsmnt,
                                       struct path_info* info, struct walk_state* w) {
    walk_begin(w, s, dentry, vfsmnt);
    walk_to_top(s, w);
    if (!w->done) info->cut = 1;
    info->fs_pos = w->fs_pos;
    return w->pos;
}

#define TMPFS_MAGIC 0x01021994

// The walk for BTF pointers (see have_rdonly_cast): plain loads; a path deeper than
// PATH_DEPTH goes on in a bpf_loop.
static __always_inline __u32 walk_fast(struct scratch* s, struct dentry* d, struct vfsmount* vfsmnt,
                                       struct path_info* info, struct walk_state* w) {
    struct task_struct* task = bpf_get_current_task_btf();
    struct dentry* root_dentry = task->fs->root.dentry;
    struct vfsmount* root_mnt = task->fs->root.mnt;
    struct mount* mnt =
        bpf_rdonly_cast((void*)((__u64)vfsmnt - bpf_core_field_offset(struct mount, mnt)),
                        bpf_core_type_id_kernel(struct mount));
    __u32 pos = SENSOR_STR_MAX - 1;
    __u32 fs_pos = FS_POS_UNSET;
    s->path[SENSOR_STR_MAX - 1] = 0;
    int done = 0;
    for (int i = 0; i < PATH_DEPTH; i++) {
        if (d == root_dentry && vfsmnt == root_mnt) {
            note_mount_top(&fs_pos, pos, d == d->d_parent);
            done = 1;
            break;
        }
        struct dentry* parent = d->d_parent;
        struct dentry* mnt_root = vfsmnt->mnt_root;
        if (d == mnt_root || d == parent) {
            note_mount_top(&fs_pos, pos, d == parent);
            struct mount* mnt_parent = mnt->mnt_parent;
            if (d != mnt_root || mnt == mnt_parent) {
                done = 1;
                break;
            }
            d = mnt->mnt_mountpoint;
            mnt = mnt_parent;
            vfsmnt = &mnt->mnt;
            continue;
        }
        if (!prepend_component(s, &pos, d->d_name.name, d->d_name.len)) break;
        d = parent;
    }
    if (!done && have_bpf_loop) {
        *w = (struct walk_state){.d = (__u64)d,
                                 .mnt = (__u64)mnt,
                                 .root_dentry = (__u64)root_dentry,
                                 .root_mnt = (__u64)root_mnt,
                                 .pos = pos,
                                 .fs_pos = fs_pos};
        bpf_loop(SENSOR_STR_MAX, walk_loop_step, w, 0);
        done = w->done;
        pos = w->pos;
        fs_pos = w->fs_pos;
    }
    if (!done) info->cut = 1;
    info->fs_pos = fs_pos;
    return pos;
}

// What sensor_walk resolves: a struct file's path, or a struct fs_struct's cwd.
#define WALK_FILE 0
#define WALK_CWD 1
#define WALK_CUT (1ULL << 32)

// Resolves the path of obj (a struct file or fs_struct, as `what` says) the way d_path does,
// up to the task's root, into the scratch path (backwards). Returns where it starts (bits
// 0-15), fs_pos (bits 16-31; 0xffff: FS_POS_OTHER) and WALK_CUT. A global function: the
// verifier checks it once instead of at each of its call sites, whose states its loops would
// multiply.
__noinline __u64 sensor_walk(__u64 obj, __u32 what) {
    struct scratch* s = get_scratch();
    if (!s || !obj) return WALK_CUT;
    struct path_info info = {};
    struct walk_state w;  // one for both walks: the stack below the exit program is bounded
    __u32 pos;
    if (have_rdonly_cast) {
        const struct path* p;
        if (what == WALK_CWD)
            p = &((struct fs_struct*)bpf_rdonly_cast((void*)obj,
                                                     bpf_core_type_id_kernel(struct fs_struct)))
                     ->pwd;
        else
            p = &((struct file*)bpf_rdonly_cast((void*)obj, bpf_core_type_id_kernel(struct file)))
                     ->f_path;
        pos = walk_fast(s, p->dentry, p->mnt, &info, &w);
    } else {
        struct path p = what == WALK_CWD ? BPF_CORE_READ((struct fs_struct*)obj, pwd)
                                         : BPF_CORE_READ((struct file*)obj, f_path);
        pos = walk_slow(s, (__u64)p.dentry, (__u64)p.mnt, &info, &w);
    }
    __u64 fs = info.fs_pos < SENSOR_STR_MAX ? info.fs_pos : 0xffff;
    return (pos & 0xffff) | (fs << 16) | (info.cut ? WALK_CUT : 0);
}

// sensor_walk, unpacked.
static __always_inline __u32 walk_path(__u64 obj, __u32 what, struct path_info* info) {
    __u64 r = sensor_walk(obj, what);
    __u32 fs = (r >> 16) & 0xffff;
    info->cut = (r & WALK_CUT) != 0;
    info->fs_pos = fs == 0xffff ? FS_POS_OTHER : fs;
    return r & 0xffff;
}

// The path of a file from its filesystem's root, built in the scratch path (for fd.fspath
// when it is no suffix of the kernel path); returns where it starts, SENSOR_STR_MAX when cut.
// Global, as sensor_walk.
__noinline __u32 sensor_walk_fs_root(__u64 file) {
    struct scratch* s = get_scratch();
    if (!s || !file) return SENSOR_STR_MAX;
    struct walk_state w = {.d = (__u64)BPF_CORE_READ((struct file*)file, f_path.dentry),
                           .pos = SENSOR_STR_MAX - 1,
                           .fs_only = 1};
    s->path[SENSOR_STR_MAX - 1] = 0;
    walk_to_top(s, &w);
    return w.done ? w.pos : SENSOR_STR_MAX;
}

// The kernel path of obj (sensor_walk) appended at off; returns its length.
static __always_inline __u32 append_path(struct scratch* s, char* rec, __u32 off, __u64 obj,
                                         __u32 what, __u32* cut) {
    struct path_info info = {};
    __u32 n = copy_built_path(s, rec, off, walk_path(obj, what, &info));
    *cut = info.cut;
    return n;
}
static __always_inline struct file* fd_file(struct task_struct* task, long fd) {
    if (fd < 0) return 0;
    struct fdtable* fdt = task->files->fdt;
    if ((unsigned long)fd >= fdt->max_fds) return 0;
    struct file** fds = fdt->fd;
    struct file* f = 0;
    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);  // a variable index needs the helper
    return f;
}

static __always_inline __u64 encode_dev(dev_t dev) {  // kernel dev_t -> user space st_dev
    __u32 major = dev >> 20, minor = dev & ((1U << 20) - 1);
    return (minor & 0xff) | (major << 8) | ((__u64)(minor & ~0xffU) << 12);
}

static __always_inline __u32 layer_flags(struct inode* inode) {
    unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);
    if (magic != OVERLAYFS_SUPER_MAGIC) return 0;
    // overlayfs embeds the vfs inode in struct ovl_inode, immediately followed by the upper
    // dentry pointer (not in vmlinux BTF when overlay is a module).
    struct dentry* upper = 0;
    bpf_probe_read_kernel(&upper, sizeof(upper), (char*)inode + bpf_core_type_size(struct inode));
    return upper ? SENSOR_FILE_UPPER_LAYER : SENSOR_FILE_LOWER_LAYER;
}

static __always_inline __u32 memfd_flag(struct file* f) {
    char prefix[6] = {};
    const unsigned char* name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
    bpf_probe_read_kernel(prefix, sizeof(prefix), name);
    return (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' &&
            prefix[4] == 'd' && prefix[5] == ':')
               ? SENSOR_FILE_MEMFD
               : 0;
}

// Only regular files and directories get a path (memfds are named by their fd's name).
static __always_inline int wants_path(const struct sensor_file_section* r) {
    __u32 ft = r->i_mode & S_IFMT;
    return (ft == S_IFREG || ft == S_IFDIR) && !(r->file_flags & SENSOR_FILE_MEMFD);
}

static __always_inline __u16 path_appended(struct sensor_file_section* r, __u32* off, __u32 n,
                                           __u32 cut) {
    if (cut) r->file_flags |= SENSOR_FILE_PATH_CUT;
    *off += n;
    return (__u16)n;
}

// File identity (sensor_identity_filter in record.h).
static __always_inline const struct sensor_identity_filter* identity_conf(void) {
    __u32 zero = 0;
    return bpf_map_lookup_elem(&identity_filter, &zero);
}

// Whether (dev, ino) is a file a rule names: the bloom bit first, a few loads for most files.
static __always_inline int inode_named(const struct sensor_identity_filter* f, __u64 dev,
                                       __u64 ino) {
    if (!f->inodes) return 0;
    __u32 bit = SENSOR_IDENTITY_BIT(ino);
    if (!(f->bloom[(bit >> 6) & (SENSOR_IDENTITY_BLOOM_WORDS - 1)] & (1ULL << (bit & 63))))
        return 0;
    struct sensor_identity_key k = {.dev = dev, .ino = ino};
    return bpf_map_lookup_elem(&identity_inodes, &k) != 0;
}

static __always_inline __u32 identity_flag(__u64 dev, __u64 ino) {
    const struct sensor_identity_filter* f = identity_conf();
    return f && inode_named(f, dev, ino) ? SENSOR_FILE_IDENTITY : 0;
}

// fd.fspath of a file whose kernel path, built at pos, was just appended: its offset in that
// path, or, when it is no suffix of it, a third string after it.
static __always_inline void add_fs_path(struct scratch* s, char* rec, __u32* off,
                                        struct sensor_file_section* r, __u32 pos, __u32 fs_pos,
                                        __u64 file) {
    if (fs_pos < SENSOR_STR_MAX) {
        r->fspath_off = fs_pos > pos ? (__u16)(fs_pos - pos) : 0;
        return;
    }
    if (fs_pos != FS_POS_OTHER) return;
    __u32 start = sensor_walk_fs_root(file);
    if (start >= SENSOR_STR_MAX) return;
    __u32 n = copy_built_path(s, rec, *off, start);
    r->fspath_len = (__u16)n;
    *off += n;
}

// File status of f into r, and its kernel path appended at *off (regular files and dirs).
// The kernel path of a regular file or directory appended at *off, and its fd.fspath.
static __always_inline __u16 append_file(struct scratch* s, char* rec, __u32* off,
                                         struct sensor_file_section* r, __u64 file) {
    struct path_info info = {};
    __u32 pos = walk_path(file, WALK_FILE, &info);
    __u32 n = copy_built_path(s, rec, *off, pos);
    __u16 len = path_appended(r, off, n, info.cut);
    if (n && !info.cut) add_fs_path(s, rec, off, r, pos, info.fs_pos, file);
    return len;
}

static __always_inline __u16 describe_file(struct scratch* s, char* rec, __u32* off,
                                           struct sensor_file_section* r, struct file* f) {
    if (!f) return 0;
    struct inode* inode = BPF_CORE_READ(f, f_inode);
    r->f_flags = BPF_CORE_READ(f, f_flags);
    r->i_mode = BPF_CORE_READ(inode, i_mode);
    r->ino = BPF_CORE_READ(inode, i_ino);
    r->dev = encode_dev(BPF_CORE_READ(inode, i_sb, s_dev));
    r->file_flags = layer_flags(inode) | memfd_flag(f) | identity_flag(r->dev, r->ino);
    if (!wants_path(r)) return 0;
    return append_file(s, rec, off, r, (__u64)f);
}

// describe_file for a BTF pointer.
static __always_inline __u16 describe_file_fast(struct scratch* s, char* rec, __u32* off,
                                                struct sensor_file_section* r, struct file* f,
                                                __u64 file) {
    struct inode* inode = f->f_inode;
    struct super_block* sb = inode->i_sb;
    r->f_flags = f->f_flags;
    r->i_mode = inode->i_mode;
    r->ino = inode->i_ino;
    r->dev = encode_dev(sb->s_dev);
    unsigned long magic = sb->s_magic;
    if (magic == OVERLAYFS_SUPER_MAGIC) r->file_flags = layer_flags(inode);
    if (magic == TMPFS_MAGIC) r->file_flags |= memfd_flag(f);
    r->file_flags |= identity_flag(r->dev, r->ino);
    if (!wants_path(r)) return 0;
    return append_file(s, rec, off, r, file);
}

// The kernel path of f appended at off (its length; 0 for none), without its status.
static __always_inline __u32 append_file_path(struct scratch* s, char* rec, __u32 off,
                                              struct file* f, __u32* cut) {
    if (!f) return 0;
    return append_path(s, rec, off, (__u64)f, WALK_FILE, cut);
}

static __always_inline __u16 describe_any_file(struct scratch* s, char* rec, __u32* off,
                                               struct sensor_file_section* r, struct file* f) {
    if (!f) return 0;
    if (have_rdonly_cast)
        return describe_file_fast(
            s, rec, off, r, bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file)), (__u64)f);
    return describe_file(s, rec, off, r, f);
}

// The open path filter (sensor_open_filter in record.h).

// What the open filter knows of the file besides its kernel path: where its fs-root path
// starts in s->path (see path_info), its device and inode.
struct open_seen {
    __u32 fs_pos;
    __u64 dev, ino;
};

// The kernel path of file f (an open's), built in s->path; returns where it starts, or
// SENSOR_STR_MAX when there is none to judge by: no file, a type the record gives no kernel
// path (not a regular file or directory, or a memfd), or a path too deep to resolve;
// OPEN_PATH_GIVEN for a device (see given_path).
#define OPEN_PATH_GIVEN (SENSOR_STR_MAX + 1)
static __always_inline int is_device(__u32 ft) {
    return ft == S_IFCHR || ft == S_IFBLK;
}
static __always_inline __u32 open_file_path(struct scratch* s, struct file* f,
                                            struct open_seen* seen) {
    if (!f) return SENSOR_STR_MAX;
    struct path_info info = {};
    __u32 pos;
    if (have_rdonly_cast) {
        struct file* bf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
        struct inode* inode = bf->f_inode;
        __u32 ft = inode->i_mode & S_IFMT;
        if (is_device(ft)) return OPEN_PATH_GIVEN;
        if (ft != S_IFREG && ft != S_IFDIR) return SENSOR_STR_MAX;
        struct super_block* sb = inode->i_sb;
        if (sb->s_magic == TMPFS_MAGIC && memfd_flag(bf)) return SENSOR_STR_MAX;
        seen->ino = inode->i_ino;
        seen->dev = encode_dev(sb->s_dev);
        pos = walk_path((__u64)f, WALK_FILE, &info);
    } else {
        struct inode* inode = BPF_CORE_READ(f, f_inode);
        __u32 ft = BPF_CORE_READ(inode, i_mode) & S_IFMT;
        if (is_device(ft)) return OPEN_PATH_GIVEN;
        if (ft != S_IFREG && ft != S_IFDIR) return SENSOR_STR_MAX;
        if (memfd_flag(f)) return SENSOR_STR_MAX;
        seen->ino = BPF_CORE_READ(inode, i_ino);
        seen->dev = encode_dev(BPF_CORE_READ(inode, i_sb, s_dev));
        pos = walk_path((__u64)f, WALK_FILE, &info);
    }
    if (info.cut) return SENSOR_STR_MAX;
    seen->fs_pos = info.fs_pos;
    if (pos == SENSOR_STR_MAX - 1) {  // the root itself, as copy_built_path writes it
        pos = SENSOR_STR_MAX - 2;
        s->path[pos] = '/';
    }
    return pos;
}

// Whether the path at s->path[pos..] starts with a filter prefix or ends with a suffix, in the
// exact tables: one longest-prefix lookup each, on the first (and, reversed, the last) 64
// bytes. Asked only when the path's first or last 16 bytes hit a cut pattern.
static __noinline int path_in_tries(struct scratch* s, __u32 pos) {
    struct sensor_path_key key;
    if (pos >= SENSOR_STR_MAX - 1) return 1;
    __u32 len = SENSOR_STR_MAX - 1 - pos;
    __u32 n = len < SENSOR_PATH_KEY_BYTES ? len : SENSOR_PATH_KEY_BYTES;
    key.prefixlen = n * 8;
    bpf_probe_read_kernel(key.data, sizeof(key.data), &s->path[pos & (SENSOR_STR_MAX - 1)]);
    if (bpf_map_lookup_elem(&open_prefixes, &key)) return 1;
    for (int i = 0; i < SENSOR_PATH_KEY_BYTES; i++) {
        if (i >= n) break;
        key.data[i] = s->path[SENSOR_STR_MAX - 2 - i];
    }
    return bpf_map_lookup_elem(&open_suffixes, &key) != 0;
}

static __always_inline int pattern_hit(const struct sensor_path_pattern* p, __u64 w0, __u64 w1) {
    return (w0 & p->mask[0]) == p->value[0] && (w1 & p->mask[1]) == p->value[1];
}

// Whether the path (s->path[pos..], its NUL at SENSOR_STR_MAX - 1) may start with a prefix or
// end with a suffix. Plain loads: x86 and arm64 allow unaligned map value access. Bytes past
// a short path's NUL never equal a prefix's; bytes before a short path may make a suffix hit
// wrongly, which only sends the open.
static __noinline int path_may_match(struct scratch* s, __u32 pos,
                                     const struct sensor_open_filter* f) {
    if (pos >= SENSOR_STR_MAX - 1) return 1;
    __u32 p = pos;
    // Bound the register itself: the compiler may reuse an unmasked copy of pos (spilled by a
    // caller) that the verifier cannot check.
    asm volatile("%[p] &= 0xfff" : [p] "+r"(p));
    __u64 h0 = *(__u64*)&s->path[p];
    __u64 h1 = *(__u64*)&s->path[p + 8];
    __u32 n = f->prefix_count;
    int confirm = 0;
    __u32 cand = f->prefix_short |
                 f->prefix_bucket[SENSOR_PATTERN_BUCKET(h0) & (SENSOR_PATTERN_BUCKETS - 1)];
    for (int i = 0; i < SENSOR_PATH_PATTERNS; i++) {
        if (i >= n || !(cand >> i)) break;
        if (!(cand & (1U << i)) || !pattern_hit(&f->prefix[i], h0, h1)) continue;
        if (!(f->prefix_cut & (1U << i))) return 1;
        confirm = 1;
    }
    __u64 t0 = *(__u64*)&s->path[SENSOR_STR_MAX - 1 - 16];
    __u64 t1 = *(__u64*)&s->path[SENSOR_STR_MAX - 1 - 8];
    n = f->suffix_count;
    cand = f->suffix_short |
           f->suffix_bucket[SENSOR_PATTERN_BUCKET(t1 >> 32) & (SENSOR_PATTERN_BUCKETS - 1)];
    for (int i = 0; i < SENSOR_PATH_PATTERNS; i++) {
        if (i >= n || !(cand >> i)) break;
        if (!(cand & (1U << i)) || !pattern_hit(&f->suffix[i], t0, t1)) continue;
        if (!(f->suffix_cut & (1U << i))) return 1;
        confirm = 1;
    }
    return confirm && path_in_tries(s, pos);
}

#define BYTES_01 0x0101010101010101ULL
#define BYTES_80 0x8080808080808080ULL

// A flag in the top bit of every byte of w that may be zero (exact for zero bytes; a byte of
// 1 above a zero may be flagged too, which only asks for a closer look).
static __always_inline __u64 zero_bytes(__u64 w) {
    return (w - BYTES_01) & ~w & BYTES_80;
}

// Whether s->path[start, start + len) contains one of the needles (see sensor_needles), 8
// positions at a time: four overlapping loads put the bytes at p, p + 1, p + 2 and p + 3 in
// byte p of four words, so a needle's bytes are compared at all 8 positions in a few
// instructions and without a branch per byte. Positions past len are masked off; a needle
// running into the path's NUL cannot match (needles hold none), so what follows is harmless.
static __noinline int needles_in(struct scratch* s, __u32 start, __u32 len,
                                 const struct sensor_needles* n) {
    __u32 count = n->count;
    for (int w = 0; w < SENSOR_RAW_SCAN / 8; w++) {
        __u32 o = w * 8;
        if (o >= len) break;
        __u32 at = (start + o) & (SENSOR_STR_MAX * 2 - 1);
        __u64 w0 = *(__u64*)&s->path[at];
        __u64 w1 = *(__u64*)&s->path[at + 1];
        __u64 in_path = len - o >= 8 ? ~0ULL : (1ULL << (8 * (len - o))) - 1;
        for (int k = 0; k < SENSOR_RAW_NEEDLES; k++) {
            if (k >= count) break;
            // The first two bytes rule out most words; the other two only where they sit.
            __u64 hit = zero_bytes(w0 ^ n->bytes[k][0]) & in_path;
            hit &= zero_bytes(w1 ^ n->bytes[k][1]) | n->keep[k][1];
            if (!hit) continue;
            hit &= zero_bytes(*(__u64*)&s->path[at + 2] ^ n->bytes[k][2]) | n->keep[k][2];
            hit &= zero_bytes(*(__u64*)&s->path[at + 3] ^ n->bytes[k][3]) | n->keep[k][3];
            if (hit) return 1;
        }
    }
    return 0;
}

// Whether the kernel path (s->path[pos..], its NUL at SENSOR_STR_MAX - 1) contains a name
// needle. A longer path than the probe scans counts as a match.
static __always_inline int name_may_match(struct scratch* s, __u32 pos,
                                          const struct sensor_open_filter* f) {
    if (f->name.count == 0) return 0;
    __u32 len = SENSOR_STR_MAX - 1 - pos;
    if (len > SENSOR_RAW_SCAN) return 1;
    return needles_in(s, pos, len, &f->name);
}

// Whether the user-given path contains a raw needle. A longer or unreadable path counts as a
// match. Reading user memory costs more than the rest of the filter, so rules that can be
// judged by the kernel path do not ask for it (see src/policy/open_path_policy.cpp).
static __noinline int raw_may_match(struct scratch* s, const void* user_path,
                                    const struct sensor_open_filter* f) {
    if (f->raw.count == 0) return 0;
    if (!user_path) return 1;
    long n = bpf_probe_read_user_str(&s->path[SENSOR_STR_MAX], SENSOR_RAW_SCAN + 1, user_path);
    if (n <= 0 || n > SENSOR_RAW_SCAN) return 1;
    return needles_in(s, SENSOR_STR_MAX, (__u32)n - 1, &f->raw);
}

// path_may_match for the fs-root path at pos in the scratch path. A global function, checked
// once by the verifier: a second static call would double the exit program's states.
__noinline int sensor_fs_path_may_match(__u32 pos, __u32 which) {
    struct scratch* s = get_scratch();
    const struct sensor_open_filter* f = bpf_map_lookup_elem(&open_filter, &which);
    if (!s || !f || pos >= SENSOR_STR_MAX - 1) return 1;
    // Bound the register itself: the compiler passes the unchecked 64-bit value on.
    asm volatile("%[p] &= 0xfff" : [p] "+r"(pos));
    return path_may_match(s, pos, f);
}

// Whether a rule may match the open by its file's identity (sensor_identity_filter): its
// fs-root path (when rules ask for fd.fspath; one that is no suffix of the kernel path is not
// judged here) or its inode. Asked only of opens the path filter would leave in the kernel.
static __always_inline int identity_may_match(__u32 pos, const struct open_seen* seen,
                                              __u32 which) {
    const struct sensor_identity_filter* id = identity_conf();
    if (!id) return 1;
    if (id->fspath) {
        if (seen->fs_pos >= SENSOR_STR_MAX - 1) return 1;
        if (seen->fs_pos != pos && sensor_fs_path_may_match(seen->fs_pos, which)) return 1;
    }
    return inode_named(id, seen->dev, seen->ino);
}

#define BYTES_2E 0x2e2e2e2e2e2e2e2eULL  // '.'
#define BYTES_2F 0x2f2f2f2f2f2f2f2fULL  // '/'

// Whether the given path read at s->path[SENSOR_STR_MAX] (len bytes) has "//" or "/." (a
// form the decoder's normalization would change), 8 positions at a time as needles_in
// scans (a false hit only sends the open).
static __always_inline int not_normal(struct scratch* s, __u32 len) {
    for (int w = 0; w < SENSOR_RAW_SCAN / 8; w++) {
        __u32 o = w * 8;
        if (o >= len) break;
        __u64 w0 = *(__u64*)&s->path[SENSOR_STR_MAX + o];
        __u64 w1 = *(__u64*)&s->path[SENSOR_STR_MAX + o + 1];
        __u64 in_path = len - o >= 8 ? ~0ULL : (1ULL << (8 * (len - o))) - 1;
        __u64 next = zero_bytes(w1 ^ BYTES_2F) | zero_bytes(w1 ^ BYTES_2E);
        if (zero_bytes(w0 ^ BYTES_2F) & next & in_path) return 1;
    }
    return 0;
}

// A device (/dev/null, a tty) gets no kernel path: its fd.name is the path the process gave,
// normalized. When that path is already in normal form (absolute, no "//" and no component
// starting with '.'), it is fd.name and the filter judges it, placed in s->path as open_path
// places a kernel path; otherwise SENSOR_STR_MAX (the open is sent).
static __always_inline __u32 given_path(struct scratch* s, const void* user_path) {
    if (!user_path) return SENSOR_STR_MAX;
    long n = bpf_probe_read_user_str(&s->path[SENSOR_STR_MAX], SENSOR_RAW_SCAN + 1, user_path);
    if (n <= 1 || n > SENSOR_RAW_SCAN) return SENSOR_STR_MAX;
    if (s->path[SENSOR_STR_MAX] != '/' || not_normal(s, (__u32)n - 1)) return SENSOR_STR_MAX;
    __u32 len = (__u32)n & 0x1ff;  // with its NUL, which lands at SENSOR_STR_MAX - 1
    __u32 pos = (SENSOR_STR_MAX - len) & (SENSOR_STR_MAX - 1);
    bpf_probe_read_kernel(&s->path[pos], len, &s->path[SENSOR_STR_MAX]);
    return pos;
}

// The filter's verdict on the path at s->path[pos..] (see open_path). A global function: the
// verifier checks it, and its loops, once on its own instead of once per path through the exit
// program that reaches it.
__noinline int sensor_open_verdict(__u32 pos, __u64 user_path, __u32 which) {
    struct scratch* s = get_scratch();
    if (!s) return 1;
    const struct sensor_open_filter* f = bpf_map_lookup_elem(&open_filter, &which);
    if (!f || pos >= SENSOR_STR_MAX - 1) return 1;
    return path_may_match(s, pos, f) || name_may_match(s, pos, f) ||
           raw_may_match(s, (const void*)user_path, f);
}

// Whether some loaded rule may match the open of file (see sensor_open_filter); which: the
// filter that judges it (open_filter_of). A global function: its state stays off the exit
// program's stack, whose depth with the calls below it is bounded (512 bytes).
__noinline int sensor_open_file_may_match(__u64 file_addr, __u64 user_path_addr, __u32 which) {
    struct file* file = (struct file*)file_addr;
    const void* user_path = (const void*)user_path_addr;
    struct scratch* s = get_scratch();
    if (!s) return 1;
    const struct sensor_open_filter* f = bpf_map_lookup_elem(&open_filter, &which);
    if (!f || f->pass_all) return 1;
    struct open_seen seen = {};
    __u32 pos = open_file_path(s, file, &seen);
    if (pos == OPEN_PATH_GIVEN) {  // a device: no inode identity, its given path only
        pos = given_path(s, user_path);
        seen.fs_pos = pos;
    }
    if (pos >= SENSOR_STR_MAX - 1) return 1;
    return sensor_open_verdict(pos, (__u64)user_path, which) ||
           identity_may_match(pos, &seen, which);
}

// Whether some loaded rule may match the open that returned fd.
static __always_inline int open_may_match(struct task_struct* task, long fd, const void* user_path,
                                          __u32 which) {
    return sensor_open_file_may_match((__u64)fd_file(task, fd), (__u64)user_path, which);
}

static __always_inline void count_filtered(__u32 what) {
    __u64* n = bpf_map_lookup_elem(&filtered, &what);
    if (n) *n += 1;
}

static __always_inline __u64 switches_of(struct task_struct* task) {
    return task->nvcsw + task->nivcsw;
}

// Marks the open the filter just left in the kernel, so that its close can stay there too.
static __always_inline void remember_quiet_open(struct task_struct* task, __u32 tid, long fd) {
    struct sensor_cpu_ring* ring = this_cpu_ring();
    if (!ring) return;
    ring->quiet_switches = switches_of(task);
    ring->quiet_epoch = *(volatile __u64*)fd_table_epoch(task);
    ring->quiet_fd = (__u32)fd;
    ring->quiet_tid = tid;
}

// Whether this close (of fd, by tid) closes the marked open (see quiet_close).
static __always_inline int closes_quiet_open(struct task_struct* task, __u32 tid, __u64 fd) {
    struct sensor_cpu_ring* ring = this_cpu_ring();
    if (!ring || ring->quiet_tid != tid || ring->quiet_fd != (__u32)fd) return 0;
    ring->quiet_tid = 0;
    if (ring->quiet_switches != switches_of(task) ||
        ring->quiet_epoch != *(volatile __u64*)fd_table_epoch(task))
        return 0;
    ring->quiet_closes += 1;
    return 1;
}

static __always_inline void describe_socket(struct sensor_sock_section* r, struct file* f) {
    if (!f) return;
    struct inode* inode = BPF_CORE_READ(f, f_inode);
    if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != 0140000) return;  // S_IFSOCK
    struct socket* sock = BPF_CORE_READ(f, private_data);
    struct sock* sk = BPF_CORE_READ(sock, sk);
    if (!sk) return;
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    r->family = family;
    r->type = BPF_CORE_READ(sock, type);
    r->proto = BPF_CORE_READ(sk, sk_protocol);
    if (family == 2) {  // AF_INET
        __u32 s4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
        __u32 d4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
        __builtin_memcpy(r->saddr, &s4, 4);
        __builtin_memcpy(r->daddr, &d4, 4);
    } else if (family == 10) {  // AF_INET6
        BPF_CORE_READ_INTO(&r->saddr, sk, __sk_common.skc_v6_rcv_saddr);
        BPF_CORE_READ_INTO(&r->daddr, sk, __sk_common.skc_v6_daddr);
    } else {
        return;
    }
    r->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
    r->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

// regs is a BTF pointer in tp_btf programs: plain loads (no helper call per register).
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs) ((regs)->orig_ax)
#define SYSCALL_ARGS(regs, a) \
    do {                      \
        (a)[0] = (regs)->di;  \
        (a)[1] = (regs)->si;  \
        (a)[2] = (regs)->dx;  \
        (a)[3] = (regs)->r10; \
        (a)[4] = (regs)->r8;  \
        (a)[5] = (regs)->r9;  \
    } while (0)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs) ((regs)->syscallno)
#define SYSCALL_ARGS(regs, a)     \
    do {                          \
        (a)[0] = (regs)->orig_x0; \
        (a)[1] = (regs)->regs[1]; \
        (a)[2] = (regs)->regs[2]; \
        (a)[3] = (regs)->regs[3]; \
        (a)[4] = (regs)->regs[4]; \
        (a)[5] = (regs)->regs[5]; \
    } while (0)
#else
#error "unsupported architecture"
#endif

static __always_inline long syscall_nr(struct pt_regs* regs) {
    return SYSCALL_NR(regs);
}

#define SENSOR_AT_FDCWD (-100)

// Argument `index`, 0 for SENSOR_NO_ARG (or any index past the six).
static __always_inline __u64 arg_at(const __u64* args, __u8 index) {
    return index < 6 ? args[index] : 0;
}

static __always_inline const void* str_arg(const __u64* args, __u8 index) {
    return (const void*)arg_at(args, index);
}

// I/O data (evt.buffer; see data_arg in sensor_syscall_conf).
struct sensor_iovec {  // struct iovec as user space lays it out
    __u64 base;
    __u64 len;
};

// Copies up to `want` bytes of user memory at src into the record at off; returns the bytes
// copied (0 when unreadable).
static __always_inline __u32 copy_user_data(char* rec, __u32 off, __u64 src, __u64 want) {
    if (off >= SENSOR_RECORD_MAX / 2 || !src) return 0;
    __u32 n = want > SENSOR_DATA_MAX ? SENSOR_DATA_MAX : (__u32)want;
    // Keep the compiler from reusing the unbounded values the verifier cannot check (it drops
    // a mask it can prove is a no-op, the verifier cannot always).
    asm volatile("%[n] &= 0x1fff" : [n] "+r"(n));
    asm volatile("%[o] &= 0x1fff" : [o] "+r"(off));
    if (bpf_probe_read_user(&rec[off], n, (const void*)src) != 0) return 0;
    return n;
}

// The first `want` bytes of the buffers of an iovec array (at most SENSOR_DATA_IOVS of them).
static __always_inline __u32 copy_iov_data(char* rec, __u32 off, __u64 iov, __u64 count,
                                           __u64 want) {
    __u32 done = 0;
    for (int i = 0; i < SENSOR_DATA_IOVS; i++) {
        if (i >= count || done >= want) break;
        struct sensor_iovec v = {};
        if (bpf_probe_read_user(&v, sizeof(v), (const void*)(iov + i * sizeof(v))) != 0) break;
        __u64 part = v.len < want - done ? v.len : want - done;
        __u32 n = copy_user_data(rec, off + done, v.base, part);
        done += n;
        if (n != part) break;
    }
    return done;
}

// Appends `want` bytes of the call's data (kind: enum sensor_data_kind; p and next: its data
// argument and the one after it) at off in the record being built on this CPU; returns the
// bytes appended. A global function: the verifier checks it once, on its own, instead of on
// every path through the exit program, whose state count its loop would multiply.
__noinline int sensor_append_io_data(__u32 off, __u64 p, __u64 next, __u64 want, __u32 kind) {
    struct sensor_cpu_ring* ring = this_cpu_ring();
    if (!ring) return 0;
    char* rec = started_record(ring);
    if (kind == SENSOR_DATA_BUF) return copy_user_data(rec, off, p, want);
    if (kind == SENSOR_DATA_MSG) {
        struct user_msghdr msg = {};
        if (!p || bpf_probe_read_user(&msg, sizeof(msg), (const void*)p) != 0) return 0;
        p = (__u64)msg.msg_iov;
        next = msg.msg_iovlen;
    } else if (kind != SENSOR_DATA_IOV) {
        return 0;
    }
    return copy_iov_data(rec, off, p, next, want);
}

// Appends the call's data at off, at most conf->data_max bytes; returns the bytes appended.
static __always_inline __u16 append_data(__u32 off, const struct sensor_syscall_conf* conf,
                                         const __u64* args, long ret) {
    __u32 kind = conf->data_kind & 0xf;
    __u64 want = ret;
    if (ret <= 0) {  // a failed write still shows what it was asked to write
        if (!(conf->data_kind & SENSOR_DATA_WRITES) || kind != SENSOR_DATA_BUF) return 0;
        want = arg_at(args, conf->data_arg + 1);
    }
    if (want > conf->data_max) want = conf->data_max;
    if (want == 0) return 0;
    int n = sensor_append_io_data(off, arg_at(args, conf->data_arg),
                                  arg_at(args, conf->data_arg + 1), want, kind);
    return n > 0 && n <= SENSOR_DATA_MAX ? (__u16)n : 0;
}

// The record's data, for the calls that carry some (those with payload ARGS or SOCK_ARG0:
// only on their paths, which the verifier walks far fewer states of than the file ones).
static __always_inline __u32 with_data(struct sensor_syscall_exit* r, __u32 off,
                                       const struct sensor_syscall_conf* conf, const __u64* args,
                                       long ret) {
    if (conf->data_arg >= 6) return off;
    r->data_len = append_data(off, conf, args, ret);
    return off + r->data_len;
}

// Which of the two open filters judges this open: the write filter when its flags write,
// create or truncate, or when the call has no flags argument (openat2, creat).
static __always_inline __u32 open_filter_of(const struct sensor_syscall_conf* conf,
                                            const __u64* args) {
    if (conf->flags_arg >= 6) return SENSOR_OPEN_FILTER_WRITE;
    return (arg_at(args, conf->flags_arg) & SENSOR_OPEN_WRITE_FLAGS) ? SENSOR_OPEN_FILTER_WRITE
                                                                     : SENSOR_OPEN_FILTER_READ;
}

// The argument predicate (pred_arg in sensor_syscall_conf): whether the call is sent.
static __always_inline int arg_allowed(const struct sensor_syscall_conf* conf, const __u64* args) {
    __u64 v = arg_at(args, conf->pred_arg);
    if (v < 64) return (conf->pred_low >> v) & 1;
    __u64 base = conf->pred_base;
    if (v >= base && v - base < 64) return (conf->pred_high >> (v - base)) & 1;
    return conf->pred_other;
}

// The file behind fd, described into the record being built on this CPU: its status at
// fs_off (a sensor_file_section), its kernel path at path_off; returns the path's length. A
// global function: the verifier checks it once, not on every path of the exit program (which
// the calls carrying I/O data after their file would multiply).
__noinline int sensor_describe_fd(__u32 fs_off, __u32 path_off, long fd) {
    struct sensor_cpu_ring* ring = this_cpu_ring();
    struct scratch* s = get_scratch();
    if (!ring || !s) return 0;
    // Bound the offset where the verifier sees it (the compiler may reuse an unchecked copy).
    asm volatile("%[o] &= 0x1fff" : [o] "+r"(fs_off));
    asm volatile("%[o] &= 0x1fff" : [o] "+r"(path_off));
    char* rec = started_record(ring);
    struct sensor_file_section* fs = (void*)(rec + fs_off);
    __builtin_memset(fs, 0, sizeof(*fs));
    struct task_struct* task = (void*)bpf_get_current_task_btf();
    return describe_any_file(s, rec, &path_off, fs, fd_file(task, fd));
}

// Executable mappings of files (see exec_prot_arg in sensor_syscall_conf).
static __always_inline int exec_file_mapping(const struct sensor_syscall_conf* conf,
                                             const __u64* args) {
    return (arg_at(args, conf->exec_prot_arg) & SENSOR_PROT_EXEC) &&
           (long)(int)arg_at(args, conf->fd_arg) >= 0;
}

// Files received over SCM_RIGHTS (see recv_msg_arg in sensor_syscall_conf).
struct sensor_cmsghdr {  // struct cmsghdr as user space lays it out
    __u64 len;
    __s32 level;
    __s32 type;
};
#define SENSOR_SOL_SOCKET 1
#define SENSOR_SCM_RIGHTS 1
#define SENSOR_CMSGS 3  // control messages walked (credentials may come before the fds)

// One sensor_fd_received record: fd as the task's table now holds it. Global, so the loop
// over a message's fds costs the verifier one check of it.
__noinline int sensor_emit_received_fd(long fd, __u32 cut, __u32 nr) {
    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;
    struct sensor_fd_received* r = (void*)rec;
    __builtin_memset(r, 0, sizeof(*r));
    fill_header(&r->h, ring, SENSOR_REC_FD_RECEIVED, (__u16)nr);
    r->fd = fd;
    r->cut = cut;
    int n = sensor_describe_fd(__builtin_offsetof(struct sensor_fd_received, file), sizeof(*r), fd);
    r->path_len = n > 0 && n < SENSOR_STR_MAX ? (__u16)n : 0;
    publish(ring, rec, sizeof(*r) + r->path_len);
    return 1;
}

// The SCM_RIGHTS message among the first control messages of the msghdr at msg_ptr (after a
// recvmsg: the kernel has set msg_controllen to what it wrote); its fd count, its fds at *at.
static __always_inline __u32 rights_in(__u64 msg_ptr, __u64* at) {
    // Only msg_control and msg_controllen, read together: the whole struct on the stack would
    // put the calls below the exit program past the 512 bytes they may use together.
    struct {
        __u64 control;
        __u64 controllen;
    } msg = {};
    if (!msg_ptr ||
        bpf_probe_read_user(
            &msg, sizeof(msg),
            (const char*)msg_ptr + __builtin_offsetof(struct user_msghdr, msg_control)) != 0)
        return 0;
    __u64 pos = 0, end = msg.controllen;
    for (int i = 0; i < SENSOR_CMSGS; i++) {
        struct sensor_cmsghdr c = {};
        if (pos + sizeof(c) > end ||
            bpf_probe_read_user(&c, sizeof(c), (const char*)msg.control + pos) != 0)
            return 0;
        if (c.len < sizeof(c) || pos + c.len > end) return 0;
        if (c.level == SENSOR_SOL_SOCKET && c.type == SENSOR_SCM_RIGHTS) {
            *at = msg.control + pos + sizeof(c);
            return (c.len - sizeof(c)) / sizeof(int);
        }
        pos += (c.len + 7) & ~7ULL;  // CMSG_ALIGN
    }
    return 0;
}

// A global function: the verifier checks it once, on its own.
__noinline int sensor_emit_received_fds(__u64 msg_ptr, __u32 nr) {
    __u64 at = 0;
    __u32 count = rights_in(msg_ptr, &at);
    if (count == 0) return 0;
    __u32 n = count < SENSOR_RECV_FDS ? count : SENSOR_RECV_FDS;
    for (int i = 0; i < SENSOR_RECV_FDS; i++) {
        if (i >= n) break;
        int fd = -1;
        if (bpf_probe_read_user(&fd, sizeof(fd), (void*)(at + i * sizeof(int))) != 0) break;
        sensor_emit_received_fd(fd, i + 1 == n ? count - n : 0, nr);
    }
    return n;
}

// The syscall's arguments from the task's saved user registers (what the tracepoint's regs
// point at), for the global functions, which get no tracepoint arguments.
static __always_inline void task_syscall_args(__u64* args) {
    struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(bpf_get_current_task_btf());
    SYSCALL_ARGS(regs, args);
}

// The fixed part of a syscall record (sensor_syscall_exit) and its raw arguments, written at
// rec; returns where the payload section starts. One place for the exit program, the fd-file
// calls and io_uring requests.
static __always_inline __u32 start_syscall_record(char* rec, struct sensor_cpu_ring* ring,
                                                  __u16 kind, __u32 nr, long ret, __u8 payload,
                                                  __u8 conf_nargs, const __u64* args) {
    struct sensor_syscall_exit* r = (void*)rec;
    fill_header(&r->h, ring, kind, (__u16)nr);
    r->ret = ret;
    __u8 nargs = conf_nargs > 6 ? 6 : conf_nargs;
    r->nargs = nargs;
    r->payload = payload;
    r->str_len[0] = r->str_len[1] = 0;
    r->data_len = 0;
    __u64* out_args = (void*)(rec + sizeof(*r));
    for (int i = 0; i < 6; i++)
        if (i < nargs) out_args[i] = args[i];
    return sizeof(*r) + nargs * sizeof(__u64);
}

// The file section and strings of an open's record (SENSOR_PAY_NEW_FILE), appended at off to
// the record reserve() started on this CPU; returns the record's new end, 0 on failure. A
// global function: its state stays off the exit program's stack, whose depth together with
// the calls below it is bounded (512 bytes).
__noinline __u32 sensor_new_file_section(__u32 off, long ret, __u32 nr) {
    struct sensor_cpu_ring* ring = this_cpu_ring();
    struct scratch* s = get_scratch();
    struct sensor_syscall_conf* conf = bpf_map_lookup_elem(&syscall_filter, &nr);
    if (!ring || !s || !conf) return 0;
    asm volatile("%[o] &= 0x1fff" : [o] "+r"(off));
    char* rec = started_record(ring);
    struct sensor_syscall_exit* r = (void*)rec;
    struct task_struct* task = (void*)bpf_get_current_task_btf();
    __u64 args[6];
    task_syscall_args(args);
    struct sensor_file_section* fs = (void*)(rec + off);
    __builtin_memset(fs, 0, sizeof(*fs));
    off += sizeof(*fs);
    __u32 given = off;
    r->str_len[0] = append_user_str(rec, &off, str_arg(args, conf->str_arg[0]));
    if (ret >= 0) r->str_len[1] = describe_any_file(s, rec, &off, fs, fd_file(task, ret));
    // A relative path whose file got no kernel path: the directory it is relative to.
    if (r->str_len[1] == 0 && r->str_len[0] > 1 &&
        rec[given & (SENSOR_RECORD_MAX / 2 - 1)] != '/') {
        long dirfd = (long)(int)arg_at(args, conf->dirfd_arg);
        if (conf->dirfd_arg < 6 && dirfd != SENSOR_AT_FDCWD) {
            __u32 cut = 0;
            __u32 n = append_file_path(s, rec, off, fd_file(task, dirfd), &cut);
            if (n && !cut) {
                off += n;
                r->str_len[1] = (__u16)n;
                fs->file_flags |= SENSOR_FILE_DIRFD_PATH;
            }
        }
    }
    return off;
}

// The record of a call that carries its fd argument's file (SENSOR_PAY_FD_FILE): the file
// status, the user string at str_arg[0] if any, the kernel path, then the I/O data if asked.
__noinline int sensor_fd_file_exit(__u32 nr, long ret) {
    struct sensor_syscall_conf* conf = bpf_map_lookup_elem(&syscall_filter, &nr);
    if (!conf) return 0;
    __u64 args[6];
    task_syscall_args(args);
    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;
    struct sensor_syscall_exit* r = (void*)rec;
    __u32 fs_off = start_syscall_record(rec, ring, SENSOR_REC_SYSCALL_EXIT, nr, ret,
                                        SENSOR_PAY_FD_FILE, conf->nargs, args);
    __u32 off = fs_off + sizeof(struct sensor_file_section);
    r->str_len[0] = append_user_str(rec, &off, str_arg(args, conf->str_arg[0]));
    int n = sensor_describe_fd(fs_off, off, (long)(int)arg_at(args, conf->fd_arg));
    if (n > 0 && n < SENSOR_STR_MAX) {
        r->str_len[1] = (__u16)n;
        off += n;
    }
    off = with_data(r, off, conf, args, ret);  // a read or write that carries its file
    publish(ring, rec, off);
    return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sensor_sys_exit, struct pt_regs* regs, long ret) {
    long nr = syscall_nr(regs);
    if (nr < 0 || nr >= SENSOR_MAX_SYSCALLS) return 0;
    __u32 key = (__u32)nr;
    struct sensor_syscall_conf* conf = bpf_map_lookup_elem(&syscall_filter, &key);
    if (!conf || !conf->traced) return 0;
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if ((__u32)(pid_tgid >> 32) == self_tgid) return 0;
    __u64 args[6];
    SYSCALL_ARGS(regs, args);
    if (conf->pred_arg < 6 && !arg_allowed(conf, args)) {
        count_filtered(SENSOR_FILTERED_ARG);
        return 0;
    }
    // Executable mappings only, when every rule on the call needs one (see exec_prot_arg).
    if (conf->exec_prot_arg < 6 && !exec_file_mapping(conf, args)) return 0;
    // The files a recvmsg received, in records of their own before the call's (a global
    // function, called from here and not deeper: the stack of the calls below it is bounded).
    if (conf->recv_msg_arg < 6) {
        int received =
            ret >= 0 ? sensor_emit_received_fds(arg_at(args, conf->recv_msg_arg), (__u32)nr) : 0;
        if (received == 0 && conf->recv_fds_only) return 0;
    }
    if (conf->payload == SENSOR_PAY_FD_FILE) return sensor_fd_file_exit((__u32)nr, ret);
    struct task_struct* task = (void*)bpf_get_current_task_btf();
    if (conf->path_filter && ret >= 0 &&
        !open_may_match(task, ret, str_arg(args, conf->str_arg[0]), open_filter_of(conf, args))) {
        count_filtered(SENSOR_FILTERED_OPEN);
        remember_quiet_open(task, (__u32)pid_tgid, ret);
        return 0;
    }
    if (conf->quiet_close && ret == 0 && closes_quiet_open(task, (__u32)pid_tgid, args[0]))
        return 0;
    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;

    struct sensor_syscall_exit* r = (void*)rec;
    __u8 payload = conf->payload;
    __u32 off = start_syscall_record(rec, ring, SENSOR_REC_SYSCALL_EXIT, (__u32)nr, ret, payload,
                                     conf->nargs, args);

    if (payload == SENSOR_PAY_NEW_FILE) {
        off = sensor_new_file_section(off, ret, (__u32)nr);
        if (off == 0) return 0;
    } else if (payload == SENSOR_PAY_SOCK_ARG0 || payload == SENSOR_PAY_SOCK_RET) {
        struct sensor_sock_section* ss = (void*)(rec + off);
        __builtin_memset(ss, 0, sizeof(*ss));
        off += sizeof(*ss);
        describe_socket(ss,
                        fd_file(task, payload == SENSOR_PAY_SOCK_RET ? ret : (long)(int)args[0]));
        off = with_data(r, off, conf, args, ret);
    } else if (payload == SENSOR_PAY_STRINGS) {
        r->str_len[0] = append_user_str(rec, &off, str_arg(args, conf->str_arg[0]));
        r->str_len[1] = append_user_str(rec, &off, str_arg(args, conf->str_arg[1]));
    } else {
        off = with_data(r, off, conf, args, ret);
    }
    publish(ring, rec, off);
    return 0;
}

// kernel_cap_t is 8 bytes in every kernel: `u64 val` since 6.3, `u32 cap[2]` (low word
// first) before, which on little-endian x86 and arm64 is the same 64-bit value. Reading the
// bytes needs no relocation against the old struct: vmlinux BTF of 6.3+ lacks it, and
// libbpf would then search kernel module BTFs, which needs CAP_SYS_ADMIN (the DaemonSet
// runs with CAP_BPF and CAP_PERFMON only).
static __always_inline __u64 read_cap(kernel_cap_t* cap) {
    __u64 value = 0;
    bpf_probe_read_kernel(&value, sizeof(value), cap);
    return value;
}

static __always_inline void inode_times(struct inode* inode, __u64* ctime, __u64* mtime) {
    struct inode___v611* v611 = (void*)inode;
    struct inode___v66* v66 = (void*)inode;
    struct inode___old* old = (void*)inode;
    if (bpf_core_field_exists(v611->i_ctime_sec)) {
        *ctime =
            BPF_CORE_READ(v611, i_ctime_sec) * 1000000000ULL + BPF_CORE_READ(v611, i_ctime_nsec);
        *mtime =
            BPF_CORE_READ(v611, i_mtime_sec) * 1000000000ULL + BPF_CORE_READ(v611, i_mtime_nsec);
    } else if (bpf_core_field_exists(v66->__i_ctime)) {
        *ctime = BPF_CORE_READ(v66, __i_ctime.tv_sec) * 1000000000ULL +
                 BPF_CORE_READ(v66, __i_ctime.tv_nsec);
        *mtime = BPF_CORE_READ(v66, __i_mtime.tv_sec) * 1000000000ULL +
                 BPF_CORE_READ(v66, __i_mtime.tv_nsec);
    } else {
        *ctime = BPF_CORE_READ(old, i_ctime.tv_sec) * 1000000000ULL +
                 BPF_CORE_READ(old, i_ctime.tv_nsec);
        *mtime = BPF_CORE_READ(old, i_mtime.tv_sec) * 1000000000ULL +
                 BPF_CORE_READ(old, i_mtime.tv_nsec);
    }
}

// Whether the credentials may write the inode (owner, group or other bits; CAP_DAC_OVERRIDE).
static __always_inline int inode_writable(struct inode* inode, const struct cred* cred,
                                          __u64 cap_eff) {
    if (cap_eff & (1ULL << CAP_DAC_OVERRIDE)) return 1;
    __u32 mode = BPF_CORE_READ(inode, i_mode);
    __u32 fsuid = BPF_CORE_READ(cred, fsuid.val);
    __u32 fsgid = BPF_CORE_READ(cred, fsgid.val);
    if (BPF_CORE_READ(inode, i_uid.val) == fsuid) return (mode & 0200) != 0;
    if (BPF_CORE_READ(inode, i_gid.val) == fsgid) return (mode & 0020) != 0;
    return (mode & 0002) != 0;
}

static __always_inline __u32 tty_dev(struct task_struct* task) {
    struct tty_struct* tty = BPF_CORE_READ(task, signal, tty);
    if (!tty) return 0;
    __u32 index = BPF_CORE_READ(tty, index);
    __u32 major = BPF_CORE_READ(tty, driver, major);
    __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + index;
    return (minor & 0xff) | (major << 8) | ((minor & ~0xffU) << 12);
}

// The number of a struct pid in the deepest namespace it lives in (what the task sees).
static __always_inline __u32 pid_in_own_ns(struct pid* pid) {
    if (!pid) return 0;
    unsigned int level = BPF_CORE_READ(pid, level);
    __u32 nr = 0;
    bpf_probe_read_kernel(
        &nr, sizeof(nr),
        (char*)&pid->numbers[0].nr + (level & 31) * bpf_core_type_size(struct upid));
    return nr;
}

// Appends the user bytes [start, end) (NUL-separated strings on the new image's stack) at
// *off with a NUL after them, at most SENSOR_STR_MAX - 1 of them; a longer block, or one
// that finds no room, sets cut_bit in *cut. Returns the bytes appended, 0 when none.
static __always_inline __u16 append_user_block(char* rec, __u32* off, unsigned long start,
                                               unsigned long end, __u16* cut, __u16 cut_bit) {
    __u32 n = end > start ? end - start : 0;
    if (n > SENSOR_STR_MAX - 1) {
        n = SENSOR_STR_MAX - 1;
        *cut |= cut_bit;
    }
    // Keep the compiler from reusing the unbounded value the verifier cannot check.
    asm volatile("%[n] &= 0xfff" : [n] "+r"(n));
    if (n == 0) return 0;
    __u32 o = *off;
    if (o >= SENSOR_RECORD_MAX / 2) {
        *cut |= cut_bit;
        return 0;
    }
    o &= SENSOR_RECORD_MAX / 2 - 1;
    if (bpf_probe_read_user(&rec[o], n, (void*)start) != 0) return 0;
    rec[(o + n) & (SENSOR_RECORD_MAX - 1)] = 0;
    *off += n + 1;
    return (__u16)(n + 1);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sensor_proc_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid) return 0;
    struct scratch* s = get_scratch();
    if (!s) return 0;
    struct task_struct* task = (void*)bpf_get_current_task_btf();
    struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(task);

    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;
    struct sensor_exec* r = (void*)rec;
    __builtin_memset(r, 0, sizeof(*r));
    fill_header(&r->h, ring, SENSOR_REC_PROC_EXEC, (__u16)syscall_nr(regs));
    r->ppid = BPF_CORE_READ(task, real_parent, tgid);
    const struct cred* cred = BPF_CORE_READ(task, cred);
    r->uid = BPF_CORE_READ(cred, euid.val);
    r->gid = BPF_CORE_READ(cred, egid.val);
    r->loginuid =
        bpf_core_field_exists(task->loginuid) ? BPF_CORE_READ(task, loginuid.val) : (__u32)-1;
    r->tty = tty_dev(task);
    r->cap_inheritable = read_cap(&((struct cred*)cred)->cap_inheritable);
    r->cap_permitted = read_cap(&((struct cred*)cred)->cap_permitted);
    r->cap_effective = read_cap(&((struct cred*)cred)->cap_effective);
    r->start_boot_ns = BPF_CORE_READ(task, start_boottime);
    r->fdlimit = BPF_CORE_READ(task, signal, rlim[7].rlim_cur);  // RLIMIT_NOFILE
    r->cgroup_id = bpf_get_current_cgroup_id();
    bpf_get_current_comm(r->comm, sizeof(r->comm));
    r->vtid = pid_in_own_ns(BPF_CORE_READ(task, thread_pid));
    r->vpid = pid_in_own_ns(BPF_CORE_READ(task, signal, pids[PIDTYPE_TGID]));
    r->vpgid = pid_in_own_ns(BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]));
    r->sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);

    __u32 off = sizeof(*r);
    // The kernel's copy of the path: user memory cannot change it after the check.
    r->filename_len = append_kernel_str(rec, &off, BPF_CORE_READ(bprm, filename));

    // argv from the new image's stack, as /proc/PID/cmdline reads it.
    struct mm_struct* mm = BPF_CORE_READ(task, mm);
    r->argv_len =
        append_user_block(rec, &off, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
                          &r->cut_flags, SENSOR_EXEC_ARGV_CUT);

    __u32 cut = 0;
    __u32 n = append_path(s, rec, off, (__u64)BPF_CORE_READ(task, fs), WALK_CWD, &cut);
    r->cwd_len = n;
    off += n;

    struct file* exe = BPF_CORE_READ(mm, exe_file);
    if (exe) {
        struct inode* inode = BPF_CORE_READ(exe, f_inode);
        r->exe_ino = BPF_CORE_READ(inode, i_ino);
        inode_times(inode, &r->exe_ctime_ns, &r->exe_mtime_ns);
        r->exe_flags = layer_flags(inode) | memfd_flag(exe);
        if (inode_writable(inode, cred, r->cap_effective)) r->exe_flags |= SENSOR_FILE_WRITABLE;
        if (r->exe_flags & SENSOR_FILE_MEMFD) {
            // The name ("memfd:NAME"), as /proc/PID/exe shows it without the mount.
            r->exepath_len =
                append_kernel_str(rec, &off, BPF_CORE_READ(exe, f_path.dentry, d_name.name));
        } else {
            n = append_path(s, rec, off, (__u64)exe, WALK_FILE, &cut);
            r->exepath_len = n;
            off += n;
        }
    }
    // The environment last: when argv and paths left no room, only it is lost (and counted).
    r->env_len = append_user_block(rec, &off, BPF_CORE_READ(mm, env_start),
                                   BPF_CORE_READ(mm, env_end), &r->cut_flags, SENSOR_EXEC_ENV_CUT);
    publish(ring, rec, off);
    return 0;
}

static __always_inline struct sensor_proc_event* proc_event(char* rec, struct sensor_cpu_ring* ring,
                                                            __u16 kind) {
    struct sensor_proc_event* r = (void*)rec;
    __builtin_memset(r, 0, sizeof(*r));
    fill_header(&r->h, ring, kind, 0);
    r->cgroup_id = bpf_get_current_cgroup_id();
    bpf_get_current_comm(r->comm, sizeof(r->comm));
    return r;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sensor_proc_fork, struct task_struct* parent, struct task_struct* child) {
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid) return 0;
    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;
    struct sensor_proc_event* r = proc_event(rec, ring, SENSOR_REC_PROC_FORK);
    r->child_tid = (__u32)BPF_CORE_READ(child, pid);
    r->child_pid = (__u32)BPF_CORE_READ(child, tgid);
    publish(ring, rec, sizeof(*r));
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sensor_proc_exit, struct task_struct* p) {
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid) return 0;
    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;
    struct sensor_proc_event* r = proc_event(rec, ring, SENSOR_REC_PROC_EXIT);
    r->exit_code = (__u32)BPF_CORE_READ(p, exit_code);
    publish(ring, rec, sizeof(*r));
    return 0;
}

// ---- io_uring: requests become the events of the syscalls they stand for ----
//
// A request is seen twice: when it is submitted (io_uring_submit_req, after the op's prep, so
// the kernel's own copies of its paths exist) and when it completes (io_uring_complete: the
// result, the new fd or fixed slot). What only submission knows (the submitting thread, the
// sqe's fd, the paths, which the op frees before it completes) is kept by the request's
// address until then, and only for requests whose syscall is traced; the record is written at
// completion, as the syscall's exit would be.

#define SENSOR_PF_IO_WORKER 0x10            // an io_uring kernel thread (SQPOLL, io-wq)
#define SENSOR_IORING_CQE_F_MORE (1U << 1)  // a multishot request completes again
#define SENSOR_IORING_FILE_INDEX_ALLOC (~0U)
#define SENSOR_FFS_MASK (~3UL)  // a fixed file slot's pointer without its flag bits

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SENSOR_URING_OPS);
    __type(key, __u32);
    __type(value, __u16);
} uring_ops SEC(".maps");

struct uring_req {
    __u32 tid;  // the submitter
    __u32 pid;
    __s32 fd;  // the sqe's fd (a fixed slot with REQ_F_FIXED_FILE)
    __u16 nr;  // the syscall it stands for
    __u8 has_paths;
    __u8 reserved;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SENSOR_URING_INFLIGHT);
    __type(key, __u64);
    __type(value, struct uring_req);
} uring_reqs SEC(".maps");

struct uring_paths_value {
    char path[2][SENSOR_STR_MAX];
};

// Only requests with paths take an entry here, allocated when they are submitted.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(max_entries, SENSOR_URING_PATHS);
    __type(key, __u64);
    __type(value, struct uring_paths_value);
} uring_paths SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SENSOR_URING_COUNTS);
    __type(key, __u32);
    __type(value, __u64);
} uring_counts SEC(".maps");

static __always_inline void count_uring(__u32 what) {
    __u64* n = bpf_map_lookup_elem(&uring_counts, &what);
    if (n) *n += 1;
}

// The thread that submitted: the caller of io_uring_enter, or for an SQPOLL ring (whose kernel
// thread submits) the thread that created the ring.
static __always_inline void uring_submitter(struct io_kiocb* req, struct uring_req* r) {
    struct task_struct* t = bpf_get_current_task_btf();
    r->tid = t->pid;
    r->pid = t->tgid;
    if (!(t->flags & SENSOR_PF_IO_WORKER)) return;
    struct io_sq_data* sqd = BPF_CORE_READ(req, ctx, sq_data);
    if (!sqd || !bpf_core_field_exists(sqd->task_pid)) return;
    r->tid = BPF_CORE_READ(sqd, task_pid);
    r->pid = BPF_CORE_READ(sqd, task_tgid);
}

// The kernel's copies of a path op's paths (struct filename), or 0 for other ops.
static __always_inline int uring_filenames(struct io_kiocb* req, __u32 op, struct filename** f0,
                                           struct filename** f1) {
    switch (op) {
        case IORING_OP_OPENAT:
        case IORING_OP_OPENAT2:
            *f0 = BPF_CORE_READ((struct io_open*)req, filename);
            return 1;
        case IORING_OP_UNLINKAT:
            *f0 = BPF_CORE_READ((struct io_unlink*)req, filename);
            return 1;
        case IORING_OP_MKDIRAT:
            *f0 = BPF_CORE_READ((struct io_mkdir*)req, filename);
            return 1;
        case IORING_OP_RENAMEAT:
            *f0 = BPF_CORE_READ((struct io_rename*)req, oldpath);
            *f1 = BPF_CORE_READ((struct io_rename*)req, newpath);
            return 1;
        case IORING_OP_LINKAT:
        case IORING_OP_SYMLINKAT:
            *f0 = BPF_CORE_READ((struct io_link*)req, oldpath);
            *f1 = BPF_CORE_READ((struct io_link*)req, newpath);
            return 1;
    }
    return 0;
}

// Keeps a path op's paths until it completes; false when the table is full (counted).
static __always_inline int uring_keep_paths(struct io_kiocb* req, __u32 op, __u64 key) {
    struct filename *f0 = 0, *f1 = 0;
    if (!uring_filenames(req, op, &f0, &f1)) return 0;
    struct scratch* s = get_scratch();
    if (!s) return 0;
    struct uring_paths_value* v = (void*)s->path;
    v->path[0][0] = v->path[1][0] = 0;
    if (f0) bpf_probe_read_kernel_str(v->path[0], SENSOR_STR_MAX, BPF_CORE_READ(f0, name));
    if (f1) bpf_probe_read_kernel_str(v->path[1], SENSOR_STR_MAX, BPF_CORE_READ(f1, name));
    if (bpf_map_update_elem(&uring_paths, &key, v, BPF_ANY) == 0) return 1;
    count_uring(SENSOR_URING_PATHS_LOST);
    return 0;
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(sensor_uring_submit, struct io_kiocb* req) {
    __u32 op = req->opcode;
    __u16* nr = bpf_map_lookup_elem(&uring_ops, &op);
    if (!nr || *nr >= SENSOR_MAX_SYSCALLS) return 0;
    __u32 sc = *nr;
    struct sensor_syscall_conf* conf = bpf_map_lookup_elem(&syscall_filter, &sc);
    if (!conf || !conf->traced) return 0;
    struct uring_req r = {};
    uring_submitter(req, &r);
    if (r.pid == self_tgid) return 0;
    r.nr = (__u16)sc;
    r.fd = req->cqe.fd;  // set from the sqe for ops on a file; completion overwrites it
    __u64 key = (__u64)req;
    r.has_paths = uring_keep_paths(req, op, key);
    if (bpf_map_update_elem(&uring_reqs, &key, &r, BPF_ANY) != 0) {
        count_uring(SENSOR_URING_UNTRACKED);
        if (r.has_paths) bpf_map_delete_elem(&uring_paths, &key);
    }
    return 0;
}

// What a completed request amounts to as its syscall's exit.
struct uring_call {
    __u64 args[6];
    __s64 ret;
    struct file* file;  // described (NEW_FILE, FD_FILE), or its socket (SOCK_*)
    __u8 payload;
    __u8 fixed;  // the fd (argument or result) is a fixed slot
    __u8 reserved[6];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct uring_call);
} uring_call_slot SEC(".maps");

static __always_inline struct file* uring_fd_file(struct io_kiocb* req, long fd) {
    if (fd < 0) return 0;
    struct task_struct* task = 0;
    if (bpf_core_field_exists(req->tctx)) task = BPF_CORE_READ(req, tctx, task);
    if (!task) task = (void*)bpf_get_current_task_btf();
    struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
    if (!fdt || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds)) return 0;
    struct file** fds = BPF_CORE_READ(fdt, fd);
    struct file* f = 0;
    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
    return f;
}

// The file in a slot of the ring's fixed file table (6.13+ layout; 0 elsewhere).
static __always_inline struct file* uring_fixed_file(struct io_ring_ctx* ctx, long slot) {
    if (slot < 0 || !bpf_core_field_exists(ctx->file_table.data)) return 0;
    if ((unsigned long)slot >= BPF_CORE_READ(ctx, file_table.data.nr)) return 0;
    struct io_rsrc_node** nodes = BPF_CORE_READ(ctx, file_table.data.nodes);
    struct io_rsrc_node* node = 0;
    bpf_probe_read_kernel(&node, sizeof(node), &nodes[slot]);
    if (!node) return 0;
    return (struct file*)(BPF_CORE_READ(node, file_ptr) & SENSOR_FFS_MASK);
}

// A result that is a fixed slot when the sqe asked for one (file_slot: slot + 1, or
// "allocate", which returns the slot): the slot becomes the result.
static __always_inline void uring_slot_result(__u32 file_slot, struct uring_call* c) {
    c->fixed = file_slot != 0;
    if (c->ret >= 0 && file_slot && file_slot != SENSOR_IORING_FILE_INDEX_ALLOC)
        c->ret = file_slot - 1;
}

// A new fd (fd table) or fixed slot, and its file.
static __always_inline void uring_new_fd(struct io_ring_ctx* ctx, struct io_kiocb* req,
                                         __u32 file_slot, struct uring_call* c) {
    uring_slot_result(file_slot, c);
    if (c->ret < 0) return;
    c->file = file_slot ? uring_fixed_file(ctx, c->ret) : uring_fd_file(req, c->ret);
}

static __always_inline void uring_open_call(struct io_ring_ctx* ctx, struct io_kiocb* req,
                                            struct uring_call* c) {
    struct io_open* o = (void*)req;
    c->args[0] = (__u64)(long)BPF_CORE_READ(o, dfd);
    c->args[2] = BPF_CORE_READ(o, how.flags);
    c->args[3] = BPF_CORE_READ(o, how.mode);
    c->payload = SENSOR_PAY_NEW_FILE;
    uring_new_fd(ctx, req, BPF_CORE_READ(o, file_slot), c);
}

// Ops on the sqe's file (c->args[0]): reads and writes, socket calls.
static __always_inline void uring_fd_call(struct io_kiocb* req, __u32 op, struct uring_call* c) {
    c->fixed = (BPF_CORE_READ(req, flags) & REQ_F_FIXED_FILE) != 0;
    c->file = BPF_CORE_READ(req, file);
    c->payload = SENSOR_PAY_SOCK_ARG0;
    switch (op) {
        case IORING_OP_SEND:
        case IORING_OP_RECV:
        case IORING_OP_SENDMSG:
        case IORING_OP_RECVMSG:
        case IORING_OP_SEND_ZC:
        case IORING_OP_SENDMSG_ZC:
            c->args[1] = (__u64)BPF_CORE_READ((struct io_sr_msg*)req, buf);
            c->args[2] = BPF_CORE_READ((struct io_sr_msg*)req, len);
            return;
        case IORING_OP_CONNECT:
        case IORING_OP_BIND:
            return;
        case IORING_OP_LISTEN:
            c->args[1] = BPF_CORE_READ((struct io_listen*)req, backlog);
            c->payload = SENSOR_PAY_ARGS;
            return;
    }
    c->args[1] = BPF_CORE_READ((struct io_rw*)req, addr);
    c->args[2] = BPF_CORE_READ((struct io_rw*)req, len);
    c->payload = SENSOR_PAY_FD_FILE;
}

// Path ops: their dirfds, flags and mode in the syscall's argument order.
static __always_inline void uring_path_call(struct io_kiocb* req, __u32 op, struct uring_call* c) {
    c->payload = SENSOR_PAY_STRINGS;
    switch (op) {
        case IORING_OP_UNLINKAT:
            c->args[0] = (__u64)(long)BPF_CORE_READ((struct io_unlink*)req, dfd);
            c->args[2] = BPF_CORE_READ((struct io_unlink*)req, flags);
            return;
        case IORING_OP_MKDIRAT:
            c->args[0] = (__u64)(long)BPF_CORE_READ((struct io_mkdir*)req, dfd);
            c->args[2] = BPF_CORE_READ((struct io_mkdir*)req, mode);
            return;
        case IORING_OP_RENAMEAT:
            c->args[0] = (__u64)(long)BPF_CORE_READ((struct io_rename*)req, old_dfd);
            c->args[2] = (__u64)(long)BPF_CORE_READ((struct io_rename*)req, new_dfd);
            c->args[4] = BPF_CORE_READ((struct io_rename*)req, flags);
            return;
        case IORING_OP_LINKAT:
            c->args[0] = (__u64)(long)BPF_CORE_READ((struct io_link*)req, old_dfd);
            c->args[2] = (__u64)(long)BPF_CORE_READ((struct io_link*)req, new_dfd);
            c->args[4] = BPF_CORE_READ((struct io_link*)req, flags);
            return;
        case IORING_OP_SYMLINKAT:  // symlinkat(target, newdirfd, linkpath)
            c->args[1] = (__u64)(long)BPF_CORE_READ((struct io_link*)req, new_dfd);
            return;
    }
}

// Fills c for the ops the probe knows (c->ret holds the result and c->args[0] the sqe's fd
// on entry); 0 for others. Global, so verified on its own: the op switch does not multiply the
// paths of the record's code.
__noinline int sensor_uring_call(__u64 req_addr, struct uring_call* c) {
    if (!c) return 0;
    struct io_kiocb* req = (void*)req_addr;
    struct io_ring_ctx* ctx = BPF_CORE_READ(req, ctx);
    __u32 op = BPF_CORE_READ(req, opcode);
    switch (op) {
        case IORING_OP_OPENAT:
        case IORING_OP_OPENAT2:
            uring_open_call(ctx, req, c);
            return 1;
        case IORING_OP_ACCEPT:
            c->args[3] = BPF_CORE_READ((struct io_accept*)req, flags);
            c->payload = SENSOR_PAY_SOCK_RET;
            uring_new_fd(ctx, req, BPF_CORE_READ((struct io_accept*)req, file_slot), c);
            return 1;
        case IORING_OP_SOCKET:
            c->args[0] = BPF_CORE_READ((struct io_socket*)req, domain);
            c->args[1] = BPF_CORE_READ((struct io_socket*)req, type);
            c->args[2] = BPF_CORE_READ((struct io_socket*)req, protocol);
            uring_slot_result(BPF_CORE_READ((struct io_socket*)req, file_slot), c);
            return 1;
        case IORING_OP_CLOSE: {
            __u32 slot = BPF_CORE_READ((struct io_close*)req, file_slot);
            c->fixed = slot != 0;
            c->args[0] = slot ? slot - 1 : (__u64)(long)BPF_CORE_READ((struct io_close*)req, fd);
            return 1;
        }
        case IORING_OP_UNLINKAT:
        case IORING_OP_MKDIRAT:
        case IORING_OP_RENAMEAT:
        case IORING_OP_LINKAT:
        case IORING_OP_SYMLINKAT:
            uring_path_call(req, op, c);
            return 1;
        case IORING_OP_READ:
        case IORING_OP_READV:
        case IORING_OP_READ_FIXED:
        case IORING_OP_WRITE:
        case IORING_OP_WRITEV:
        case IORING_OP_WRITE_FIXED:
        case IORING_OP_SEND:
        case IORING_OP_RECV:
        case IORING_OP_SENDMSG:
        case IORING_OP_RECVMSG:
        case IORING_OP_SEND_ZC:
        case IORING_OP_SENDMSG_ZC:
        case IORING_OP_CONNECT:
        case IORING_OP_BIND:
        case IORING_OP_LISTEN:
            uring_fd_call(req, op, c);
            return 1;
    }
    return 0;
}

// Appends kept path i (a kernel string in the uring_paths entry) at *off.
static __always_inline __u16 uring_append_path(char* rec, __u32* off, struct uring_paths_value* v,
                                               int i) {
    if (!v) return 0;
    return append_kernel_str(rec, off, v->path[i & 1]);
}

// The record's sections and strings after its arguments; returns its size.
static __always_inline __u32 uring_fill(char* rec, __u32 off, const struct uring_call* c,
                                        const struct sensor_syscall_conf* conf,
                                        struct uring_paths_value* paths) {
    struct sensor_syscall_exit* r = (void*)rec;
    __u8 payload = c->payload;
    if (payload == SENSOR_PAY_NEW_FILE || payload == SENSOR_PAY_FD_FILE) {
        struct scratch* s = get_scratch();
        if (!s) return 0;
        struct sensor_file_section* fs = (void*)(rec + off);
        __builtin_memset(fs, 0, sizeof(*fs));
        off += sizeof(*fs);
        r->str_len[0] = uring_append_path(rec, &off, paths, 0);
        r->str_len[1] = describe_any_file(s, rec, &off, fs, c->file);
    } else if (payload == SENSOR_PAY_SOCK_ARG0 || payload == SENSOR_PAY_SOCK_RET) {
        struct sensor_sock_section* ss = (void*)(rec + off);
        __builtin_memset(ss, 0, sizeof(*ss));
        off += sizeof(*ss);
        describe_socket(ss, c->file);
    } else if (payload == SENSOR_PAY_STRINGS) {
        r->str_len[0] = uring_append_path(rec, &off, paths, 0);
        r->str_len[1] = uring_append_path(rec, &off, paths, 1);
    }
    if (payload != SENSOR_PAY_NEW_FILE) off = with_data(r, off, conf, c->args, c->ret);
    return off;
}

// Writes the request's record, as its syscall's exit would be written (global, like
// sensor_uring_call).
__noinline int sensor_uring_emit(struct uring_call* c, __u32 tid, __u32 pid, __u32 nr, __u64 key) {
    if (!c) return 0;
    struct sensor_syscall_conf* conf = bpf_map_lookup_elem(&syscall_filter, &nr);
    if (!conf || !conf->traced) return 0;  // no longer traced (rules reloaded)
    if (conf->path_filter && c->ret >= 0 && c->file &&
        !sensor_open_file_may_match((__u64)c->file, 0, open_filter_of(conf, c->args))) {
        count_filtered(SENSOR_FILTERED_OPEN);
        return 0;
    }
    struct sensor_cpu_ring* ring = 0;
    char* rec = reserve(&ring);
    if (!rec || !ring) return 0;
    struct sensor_syscall_exit* r = (void*)rec;
    __u32 start =
        start_syscall_record(rec, ring, c->fixed ? SENSOR_REC_URING_FIXED : SENSOR_REC_URING, nr,
                             c->ret, c->payload, conf->nargs, c->args);
    r->h.tid = tid;
    r->h.pid = pid;
    struct uring_paths_value* paths = bpf_map_lookup_elem(&uring_paths, &key);
    __u32 off = uring_fill(rec, start, c, conf, paths);
    if (off) publish(ring, rec, off);
    return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(sensor_uring_complete, struct io_ring_ctx* ring_ctx, void* req_ptr) {
    __u64 key = (__u64)req_ptr;
    struct uring_req* found = key ? bpf_map_lookup_elem(&uring_reqs, &key) : 0;
    if (!found) return 0;
    __u32 tid = found->tid, pid = found->pid, q_nr = found->nr, has_paths = found->has_paths;
    __s32 q_fd = found->fd;
    struct io_kiocb* req = req_ptr;
    // An entry of an earlier request at this address whose completion went unseen (posted
    // without the request) must not name this one.
    __u32 op = BPF_CORE_READ(req, opcode);
    __u16* nr = bpf_map_lookup_elem(&uring_ops, &op);
    // The call is built in a per-CPU slot, not on this program's stack: with the calls below
    // it (the open filter, the path walk) the stack would pass its 512 bytes.
    __u32 zero = 0;
    struct uring_call* c = bpf_map_lookup_elem(&uring_call_slot, &zero);
    if (c) {
        __builtin_memset(c, 0, sizeof(*c));
        c->ret = BPF_CORE_READ(req, cqe.res);
        c->args[0] = (__u64)(long)q_fd;
        if (nr && *nr == q_nr && sensor_uring_call(key, c))
            sensor_uring_emit(c, tid, pid, q_nr, key);
    }
    if (BPF_CORE_READ(req, cqe.flags) & SENSOR_IORING_CQE_F_MORE) return 0;
    bpf_map_delete_elem(&uring_reqs, &key);
    if (has_paths) bpf_map_delete_elem(&uring_paths, &key);
    return 0;
}
