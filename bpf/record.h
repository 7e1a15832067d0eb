/* Records the probe writes to the ring buffer; shared by the BPF program (C) and user space
 * (C++). Every record starts with sensor_record_header; `kind` says which struct it is. Records
 * are variable length: a fixed part, then the strings it announces (each NUL-terminated, in
 * the order of its *_len fields, a length of 0 meaning absent). */
#ifndef SENSOR_BPF_RECORD_H
#define SENSOR_BPF_RECORD_H

#ifdef __cplusplus
#include <cstdint>
typedef uint8_t sensor_u8;
typedef uint16_t sensor_u16;
typedef uint32_t sensor_u32;
typedef uint64_t sensor_u64;
typedef int64_t sensor_s64;
#else
typedef __u8 sensor_u8;
typedef __u16 sensor_u16;
typedef __u32 sensor_u32;
typedef __u64 sensor_u64;
typedef __s64 sensor_s64;
#endif

/* Syscall numbers index the in-kernel filter; the highest on x86_64 and arm64 is below 512. */
#define SENSOR_MAX_SYSCALLS 512
/* Longest string a record carries (paths, argv); longer ones are cut. */
#define SENSOR_STR_MAX 4096
/* Largest record; the probe builds records in a per-CPU buffer of twice this size. */
#define SENSOR_RECORD_MAX 16384

/* Per-CPU ring layout (the cpu_rings map): counters on their own cache lines, then data. */
#define SENSOR_CPU_RING_HEADER 192
/* Space past the ring's end that a record started near the end runs on into (records are
 * never split); twice the largest record so the verifier can prove every write in bounds. */
#define SENSOR_RING_SLACK (2 * SENSOR_RECORD_MAX)
struct sensor_cpu_ring {
    sensor_u64 head; /* bytes published (the probe on this CPU) */
    /* When this CPU's probe last read the clock (see sensor_record_header.ts_ns): the jiffy,
     * the task (tid and its context-switch count), and records written since. */
    sensor_u64 stamp_jiffies;
    sensor_u64 stamp_switches;
    sensor_u32 stamp_tid;
    sensor_u32 since_stamp;
    /* The last open the path filter left in the kernel on this CPU (see quiet_close in
     * sensor_syscall_conf): the task, its context-switch count then, the fd, and the epoch of
     * its fd table; quiet_tid 0 when there is none. Any record written on this CPU clears
     * it. */
    sensor_u64 quiet_switches;
    sensor_u32 quiet_tid;
    sensor_u32 quiet_fd;
    sensor_u64 quiet_epoch;
    sensor_u64 pad0[1];
    sensor_u64 tail; /* bytes consumed (user space) */
    sensor_u64 pad1[7];
    sensor_u64 dropped;      /* records that did not fit */
    sensor_u64 quiet_closes; /* closes left in the kernel with their open (not losses) */
    sensor_u64 pad2[6];
    char data[]; /* ring_bytes, then SENSOR_RING_SLACK */
};

enum sensor_record_kind {
    SENSOR_REC_SYSCALL_EXIT = 1, /* a syscall returned (sensor_syscall_exit) */
    SENSOR_REC_PROC_EXEC = 2,    /* a program was executed (sensor_exec) */
    SENSOR_REC_PROC_FORK = 3,    /* a task was created (sensor_proc_event) */
    SENSOR_REC_PROC_EXIT = 4,    /* a task exited (sensor_proc_event) */
    /* An io_uring request completed: a sensor_syscall_exit of the syscall it stands for
     * (header.nr), blamed on the submitting thread. URING_FIXED: its fd (the fd argument, or
     * the new fd it returns) is a slot of the ring's fixed file table, not an fd. */
    SENSOR_REC_URING = 5,
    SENSOR_REC_URING_FIXED = 6,
    SENSOR_REC_FD_RECEIVED = 7, /* an fd a recvmsg put in the task's table (sensor_fd_received) */
};

/* What the sys_exit program adds to a syscall's record beyond its raw arguments. User space
 * chooses per syscall (sensor_syscall_conf), so the probe needs no syscall numbers. */
enum sensor_payload {
    SENSOR_PAY_ARGS = 0,      /* raw arguments only */
    SENSOR_PAY_STRINGS = 1,   /* user strings at str_arg[0] and str_arg[1] */
    SENSOR_PAY_NEW_FILE = 2,  /* the returned fd is a file: str 0 = user path at str_arg[0],
                                 str 1 = its path resolved in the kernel, plus file status */
    SENSOR_PAY_SOCK_ARG0 = 3, /* socket tuple of the fd in arg 0, + user string at str_arg[0] */
    SENSOR_PAY_SOCK_RET = 4,  /* socket tuple of the returned fd */
    SENSOR_PAY_FD_FILE = 5,   /* file status and kernel path of the fd in arg fd_arg (0 unless
                                 set), after the user string at str_arg[0] if any; I/O data
                                 after them when data_arg is set */
};
#define SENSOR_NO_ARG 0xff

/* Value of the syscall filter map, indexed by syscall number. */
struct sensor_syscall_conf {
    sensor_u8 traced;
    sensor_u8 payload; /* enum sensor_payload */
    sensor_u8 str_arg[2];
    sensor_u8 nargs;       /* raw arguments the record carries (the decoder needs no more) */
    sensor_u8 path_filter; /* an open: drop it unless its path may match (sensor_open_filter) */
    /* close: drop it when it closes the fd of the open the path filter last left in the
     * kernel on this CPU, with nothing recorded on the CPU since, the task not switched out,
     * and nothing recorded by any task sharing its fd table (the table's epoch unchanged).
     * User space then cannot have learned the fd: it learns fds only from records and, for a
     * record's own fd, from /proc. */
    sensor_u8 quiet_close;
    /* an open of a relative path whose file gets no kernel path (it failed, or is no regular
     * file or directory): the argument holding its dirfd, whose kernel path the record then
     * carries instead (SENSOR_FILE_DIRFD_PATH), so the path resolves without user space's fd
     * table, which may never have seen that fd (SENSOR_NO_ARG: none) */
    sensor_u8 dirfd_arg;
    /* I/O data (evt.buffer): the argument holding the buffer, iovec array or msghdr
     * (SENSOR_NO_ARG: the record carries none), how to read it (enum sensor_data_kind), and
     * the most bytes copied (the snaplen). Set only for calls a loaded rule reads data of. */
    sensor_u8 data_arg;
    sensor_u8 data_kind;
    sensor_u16 data_max;
    /* An argument predicate (fcntl's command): the call is sent only when the value v of
     * argument pred_arg is allowed: v < 64 with bit v of pred_low set, pred_base <= v <
     * pred_base + 64 with bit v - pred_base of pred_high set, any other v when pred_other.
     * SENSOR_NO_ARG: every call is sent. Calls left in the kernel are counted
     * (SENSOR_FILTERED_ARG). User space allows what the state tables and the loaded rules
     * need. */
    sensor_u8 pred_arg;
    sensor_u8 pred_other;
    sensor_u16 pred_base;
    /* An open judged by the path filter: the argument holding its open flags, which choose
     * the filter (SENSOR_OPEN_FILTER_WRITE when they write, create or truncate; see
     * sensor_open_filter); SENSOR_NO_ARG: always the write filter. */
    sensor_u8 flags_arg;
    /* SENSOR_PAY_FD_FILE: the argument holding the fd whose file the record describes (0 for
     * the calls that always carry it; read, sendfile, mmap... get the payload, and this, only
     * when a loaded rule reads their fd fields) */
    sensor_u8 fd_arg;
    /* mmap: the argument holding the protection (SENSOR_NO_ARG: none). When set, only calls
     * that ask PROT_EXEC of a file (fd_arg >= 0) are sent: every loaded rule on the call needs
     * an executable mapping of a file (evt.is_exec_mapping). */
    sensor_u8 exec_prot_arg;
    /* recvmsg: the argument holding the struct msghdr whose SCM_RIGHTS fds the probe describes
     * after the call, one sensor_fd_received record each before the call's own (SENSOR_NO_ARG:
     * none); up to SENSOR_RECV_FDS of them, the rest counted in the last one's `cut`. */
    sensor_u8 recv_msg_arg;
    /* recvmsg: sent only when it received fds (every loaded rule on it needs fd.received) */
    sensor_u8 recv_fds_only;
    sensor_u8 reserved_pred[3];
    sensor_u64 pred_low;
    sensor_u64 pred_high;
};
#define SENSOR_RECV_FDS 8
#define SENSOR_PROT_EXEC 4

/* How the probe finds a call's I/O data. Reads copy what the call returned (nothing when it
 * failed); writes what it wrote, or what it was asked to write when it failed, as Falco does. */
enum sensor_data_kind {
    SENSOR_DATA_BUF = 1, /* a buffer; its size in the next argument */
    SENSOR_DATA_IOV = 2, /* an iovec array; its count in the next argument */
    SENSOR_DATA_MSG = 3, /* a struct msghdr and its iovec array */
};
#define SENSOR_DATA_WRITES 0x10 /* or'ed into data_kind: the call writes the data */
/* Largest snaplen; the record's data section follows its strings. */
#define SENSOR_DATA_MAX 4096
/* iovec entries the probe walks (readv, writev, sendmsg, recvmsg) */
#define SENSOR_DATA_IOVS 8

/* The open path filter: user space derives from the loaded rules which paths an open must
 * have for some rule to be able to match it. An open whose kernel path starts with none of
 * the prefixes, ends with none of the suffixes and contains none of the name needles, and
 * whose user-given path contains none of the raw needles, is counted and not sent. Prefixes and
 * suffixes are first compared on the path's first and last 16 bytes (a table in
 * sensor_open_filter); a hit on a longer one is confirmed in the LPM tries (open_prefixes;
 * open_suffixes, stored reversed). Anything the probe cannot decide (failed opens, no kernel path,
 * a cut path, a path longer than it scans for a needle) is sent; a device (no kernel path) is
 * judged by the path it was opened by when that is in normal form, as its fd.name is. */
#define SENSOR_PATH_KEY_BYTES 64
struct sensor_path_key {
    sensor_u32 prefixlen; /* bits, as BPF_MAP_TYPE_LPM_TRIE wants */
    sensor_u8 data[SENSOR_PATH_KEY_BYTES];
};
#define SENSOR_RAW_NEEDLES 8 /* needles of each kind: in the kernel path, in the given path */
#define SENSOR_RAW_SCAN 256  /* bytes of a path searched for needles */
#define SENSOR_PATH_PATTERNS 32
#define SENSOR_PATH_PATTERN_BYTES 16
#define SENSOR_PATTERN_BUCKETS 64
/* The bucket of 4 path bytes (little-endian): the top 6 bits of a multiplicative hash. */
#define SENSOR_PATTERN_BUCKET(w) ((sensor_u32)((sensor_u32)(w)*2654435761u) >> 26)
/* The first (prefix) or last (suffix, right-aligned) 16 bytes of a path, as two little-endian
 * words under a mask: a path matches when (word & mask) == value for both words. */
struct sensor_path_pattern {
    sensor_u64 value[2];
    sensor_u64 mask[2];
};
/* Up to 4 bytes searched for in a path, 8 positions at a time (see needles_in in the probe). */
struct sensor_needles {
    sensor_u32 count;
    sensor_u32 reserved;
    sensor_u64 bytes[SENSOR_RAW_NEEDLES][4]; /* the needle's byte j in each of 8 bytes */
    sensor_u64 keep[SENSOR_RAW_NEEDLES][4];  /* all ones where the needle has no byte j */
};
struct sensor_open_filter {
    struct sensor_needles name; /* fd.name contains: searched in the kernel path */
    struct sensor_needles raw;  /* fd.nameraw contains: searched in the path the process gave */
    sensor_u32 prefix_count;
    sensor_u32 suffix_count;
    /* Bit i: every path with pattern i's 16 bytes is longer, so a hit is confirmed in the
     * LPM trie (the cheap table settles the common case, a miss). */
    sensor_u32 prefix_cut;
    sensor_u32 suffix_cut;
    /* Which patterns a path can hit at all, by a hash of its first (prefix) or last (suffix)
     * 4 bytes, so most paths skip the compares: bit i of bucket[h] is pattern i, whose
     * first or last 4 bytes hash to h; patterns shorter than 4 bytes are always compared. */
    sensor_u32 prefix_short;
    sensor_u32 suffix_short;
    sensor_u32 prefix_bucket[SENSOR_PATTERN_BUCKETS];
    sensor_u32 suffix_bucket[SENSOR_PATTERN_BUCKETS];
    struct sensor_path_pattern prefix[SENSOR_PATH_PATTERNS];
    struct sensor_path_pattern suffix[SENSOR_PATH_PATTERNS];
    sensor_u32 pass_all; /* every open judged by this filter is sent */
    sensor_u32 reserved_filter;
};
/* The open_filter map holds two filters: one for opens that only read, one for opens whose
 * flags write, create or truncate (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC), which also has the
 * paths of the rules that match only such opens (see flags_arg in sensor_syscall_conf). */
#define SENSOR_OPEN_FILTER_READ 0
#define SENSOR_OPEN_FILTER_WRITE 1
#define SENSOR_OPEN_FILTERS 2
#define SENSOR_OPEN_WRITE_FLAGS 01103 /* O_WRONLY | O_RDWR | O_CREAT | O_TRUNC (x86, arm64) */

/* Per-CPU counters of records the probe chose not to send (not losses: no rule needed them). */
enum sensor_filter_count {
    SENSOR_FILTERED_OPEN = 0,
    SENSOR_FILTERED_ARG = 1, /* calls an argument predicate left (pred_arg) */
    SENSOR_FILTER_COUNTS = 2,
};

/* Why the probe could not deliver a record; indexes the per-CPU drop counters. */
enum sensor_drop_reason {
    SENSOR_DROP_RINGBUF_FULL = 0,
    SENSOR_DROP_REASONS = 1,
};

/* File status flags the probe derives (sensor_syscall_exit.file_flags, sensor_exec.exe_flags). */
#define SENSOR_FILE_UPPER_LAYER 1u /* on overlayfs, present in the upper (writable) layer */
#define SENSOR_FILE_LOWER_LAYER 2u /* on overlayfs, only in a lower layer */
#define SENSOR_FILE_MEMFD 4u       /* a memfd_create file */
#define SENSOR_FILE_WRITABLE 8u    /* the task's credentials allow writing the file */
#define SENSOR_FILE_PATH_CUT                                                                   \
    16u                            /* the kernel path is incomplete: over SENSOR_STR_MAX bytes \
                                      (or 32 components without bpf_loop) */
#define SENSOR_FILE_DIRFD_PATH 32u /* an open's path is its dirfd's (see dirfd_arg) */
#define SENSOR_FILE_IDENTITY 64u   /* its (dev, ino) is in identity_inodes: a file a rule names */

/* File identity: the (dev, ino) of files the loaded rules name by absolute path, resolved by
 * user space at load and reload (identity_inodes, a hash map). The open filter sends opens
 * of these inodes whatever their path (hardlinks), and records of them carry
 * SENSOR_FILE_IDENTITY. A bloom filter on the inode number spares the hash lookup for most
 * files. */
#define SENSOR_IDENTITY_MAX 1024
#define SENSOR_IDENTITY_BLOOM_WORDS 64
#define SENSOR_IDENTITY_BIT(ino) \
    ((sensor_u32)(((sensor_u64)(ino)*0x9E3779B97F4A7C15ULL) >> 52)) /* 0..4095 */
struct sensor_identity_key {
    sensor_u64 dev; /* st_dev, as in sensor_file_section */
    sensor_u64 ino;
};
struct sensor_identity_filter {
    sensor_u32 inodes; /* entries in identity_inodes; 0: no lookups */
    /* rules compare fd.fspath: the open filter also judges the filesystem-root path, and
     * sends an open whose one is not a suffix of its kernel path */
    sensor_u32 fspath;
    sensor_u64 bloom[SENSOR_IDENTITY_BLOOM_WORDS];
};

/* Order and time. Records from different CPUs are merged by `seq`, a global counter the probe
 * takes per record (an atomic add: exact, and on VMs far cheaper than a clock read). With
 * batched timestamps the probe reads the clock only when the time may have moved on since its
 * last reading on this CPU (new jiffy, other task, the task was switched out, or stamp_every
 * records since) and leaves ts_ns 0 otherwise: user space then gives the record the CPU's
 * last reading, which is at most one tick (or stamp_every records) older. Kernels before
 * 5.12 lack the atomic add's result: there every record is stamped and seq is 0 (merged by
 * time). */
struct sensor_record_header {
    sensor_u64 ts_ns; /* CLOCK_BOOTTIME; 0 when not read (see above) */
    sensor_u32 tid;
    sensor_u32 pid; /* thread group id */
    sensor_u32 seq; /* global record order; compared modulo 2^32 */
    sensor_u16 kind : 4;
    sensor_u16 nr : 12; /* syscall number (exec: execve or execveat), below SENSOR_MAX_SYSCALLS */
    sensor_u16 size;    /* bytes of the whole record, at most SENSOR_RECORD_MAX */
};

/* A syscall's exit. Records are compact because moving them between CPUs is most of their
 * cost: the fixed part, then `nargs` raw arguments (u64), then a section chosen by `payload`
 * (sensor_file_section for NEW_FILE/FD_FILE, sensor_sock_section for SOCK_*, none otherwise),
 * then the strings, then `data_len` bytes of I/O data (see data_arg in sensor_syscall_conf). */
struct sensor_syscall_exit {
    struct sensor_record_header h;
    sensor_s64 ret;
    sensor_u8 nargs;
    sensor_u8 payload;
    sensor_u16 str_len[2];
    sensor_u16 data_len;
};

struct sensor_file_section {
    sensor_u32 f_flags;    /* open flags as the kernel holds them */
    sensor_u32 i_mode;     /* file type and permissions; 0 when no file was found */
    sensor_u32 file_flags; /* SENSOR_FILE_* */
    sensor_u32 reserved;
    sensor_u64 dev; /* st_dev, encoded as user space sees it */
    sensor_u64 ino;
    /* The path from the file's filesystem root (fd.fspath; what bind mounts and chroots do
     * not change): usually a suffix of the kernel path (string 1), starting fspath_off bytes
     * into it; when it is not, fspath_len > 0 and it is a third string after string 1. */
    sensor_u16 fspath_off;
    sensor_u16 fspath_len;
    sensor_u32 reserved2;
};

/* Local (s) and remote (d) ends; ports in host order; family 0 when the fd is no socket. */
struct sensor_sock_section {
    sensor_u16 family;
    sensor_u16 type;
    sensor_u16 proto;
    sensor_u16 sport;
    sensor_u16 dport;
    sensor_u16 reserved;
    sensor_u8 saddr[16]; /* IPv4 in the first 4 bytes */
    sensor_u8 daddr[16];
};

/* A program was executed: everything proc.* needs, read from the kernel at exec time. */
struct sensor_exec {
    struct sensor_record_header h;
    sensor_u32 ppid; /* real parent's thread group id */
    sensor_u32 uid;  /* effective */
    sensor_u32 gid;  /* effective */
    sensor_u32 loginuid;
    sensor_u32 tty;       /* device number, 0 when none */
    sensor_u32 exe_flags; /* SENSOR_FILE_* of the executable */
    sensor_u32 vpid;      /* ids in the task's own pid namespace */
    sensor_u32 vtid;
    sensor_u32 sid;   /* session id (host namespace) */
    sensor_u32 vpgid; /* process group id in the task's own pid namespace */
    sensor_u64 cap_inheritable;
    sensor_u64 cap_permitted;
    sensor_u64 cap_effective;
    sensor_u64 exe_ino;
    sensor_u64 exe_ctime_ns;
    sensor_u64 exe_mtime_ns;
    sensor_u64 start_boot_ns; /* when the task was created (CLOCK_BOOTTIME) */
    sensor_u64 fdlimit;
    sensor_u64 cgroup_id;
    char comm[16];
    /* strings: filename (as passed), argv (NUL-separated), cwd, executable path, environment
     * (NUL-separated, as /proc/PID/environ reads it); argv and the environment are cut at
     * SENSOR_STR_MAX - 1 bytes (SENSOR_EXEC_*_CUT) */
    sensor_u16 filename_len;
    sensor_u16 argv_len;
    sensor_u16 cwd_len;
    sensor_u16 exepath_len;
    sensor_u16 env_len;
    sensor_u16 cut_flags; /* SENSOR_EXEC_*_CUT */
    sensor_u32 reserved;
};
#define SENSOR_EXEC_ARGV_CUT 1u /* argv was longer than the record carries */
#define SENSOR_EXEC_ENV_CUT 2u  /* the environment was longer, or found no room */

/* An fd that a recvmsg received (SCM_RIGHTS), described as the receiver's fd table holds it;
 * the kernel path (regular files and directories) follows, path_len bytes with its NUL. */
struct sensor_fd_received {
    struct sensor_record_header h;
    sensor_s64 fd;
    sensor_u32 cut; /* fds of the same message past SENSOR_RECV_FDS, not described */
    sensor_u16 path_len;
    sensor_u16 reserved;
    struct sensor_file_section file;
};

/* Fork: the new task; exit: the code. */
struct sensor_proc_event {
    struct sensor_record_header h;
    sensor_u32 child_tid;
    sensor_u32 child_pid;
    sensor_u32 exit_code;
    sensor_u32 reserved;
    sensor_u64 cgroup_id;
    char comm[16];
};

/* io_uring (see SENSOR_REC_URING): the uring_ops map, indexed by IORING_OP_*, holds the
 * syscall number each opcode stands for (SENSOR_URING_NO_SYSCALL: none); the probe records a
 * request when that syscall is traced. Requests in flight are kept by the request's address,
 * at most SENSOR_URING_INFLIGHT (the paths of path ops: SENSOR_URING_PATHS). */
#define SENSOR_URING_OPS 64
#define SENSOR_URING_NO_SYSCALL 0xffff
#define SENSOR_URING_INFLIGHT 4096
#define SENSOR_URING_PATHS 1024
/* Per-CPU counters of io_uring requests that could not be recorded (losses). */
enum sensor_uring_count {
    SENSOR_URING_UNTRACKED = 0,  /* the in-flight table was full at submission */
    SENSOR_URING_PATHS_LOST = 1, /* its paths did not fit the path table (sent without) */
    SENSOR_URING_COUNTS = 2,
};

#endif
