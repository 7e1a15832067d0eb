#include "probe_skeleton.h"

#include <errno.h>

#include "probe.skel.h"
#include "record.h"

struct sensor_probe_handle {
    struct sensor_probe* skel;
};

struct sensor_probe_handle* sensor_probe_open(void) {
    struct sensor_probe* skel = sensor_probe__open();
    if (!skel) return NULL;
    struct sensor_probe_handle* h = calloc(1, sizeof(*h));
    if (!h) {
        sensor_probe__destroy(skel);
        return NULL;
    }
    h->skel = skel;
    return h;
}

int sensor_probe_configure(struct sensor_probe_handle* h, uint32_t self_tgid, uint32_t cpus,
                           uint32_t ring_bytes, int have_rdonly_cast) {
    h->skel->rodata->self_tgid = self_tgid;
    h->skel->rodata->have_rdonly_cast = have_rdonly_cast != 0;
    h->skel->rodata->ring_bytes = ring_bytes;
    int err = bpf_map__set_max_entries(h->skel->maps.cpu_rings, cpus);
    if (err) return err;
    return bpf_map__set_value_size(h->skel->maps.cpu_rings,
                                   SENSOR_CPU_RING_HEADER + ring_bytes + SENSOR_RING_SLACK);
}

void sensor_probe_set_timing(struct sensor_probe_handle* h, int order_by_seq,
                             uint32_t stamp_every) {
    h->skel->rodata->order_by_seq = order_by_seq != 0;
    h->skel->rodata->stamp_every = stamp_every;
}

void sensor_probe_set_uring(struct sensor_probe_handle* h, int enabled) {
    bpf_program__set_autoload(h->skel->progs.sensor_uring_submit, enabled != 0);
    bpf_program__set_autoload(h->skel->progs.sensor_uring_complete, enabled != 0);
}

void sensor_probe_set_bpf_loop(struct sensor_probe_handle* h, int have_bpf_loop) {
    h->skel->rodata->have_bpf_loop = have_bpf_loop != 0;
}

int sensor_probe_load(struct sensor_probe_handle* h) {
    return sensor_probe__load(h->skel);
}

int sensor_probe_attach(struct sensor_probe_handle* h) {
    return sensor_probe__attach(h->skel);
}

int sensor_probe_map_fd(struct sensor_probe_handle* h, enum sensor_probe_map map) {
    switch (map) {
        case SENSOR_MAP_CPU_RINGS:
            return bpf_map__fd(h->skel->maps.cpu_rings);
        case SENSOR_MAP_SYSCALL_FILTER:
            return bpf_map__fd(h->skel->maps.syscall_filter);
        case SENSOR_MAP_DROPS:
            return bpf_map__fd(h->skel->maps.drops);
        case SENSOR_MAP_FILTERED:
            return bpf_map__fd(h->skel->maps.filtered);
        case SENSOR_MAP_OPEN_PREFIXES:
            return bpf_map__fd(h->skel->maps.open_prefixes);
        case SENSOR_MAP_OPEN_SUFFIXES:
            return bpf_map__fd(h->skel->maps.open_suffixes);
        case SENSOR_MAP_OPEN_FILTER:
            return bpf_map__fd(h->skel->maps.open_filter);
        case SENSOR_MAP_URING_OPS:
            return bpf_map__fd(h->skel->maps.uring_ops);
        case SENSOR_MAP_URING_COUNTS:
            return bpf_map__fd(h->skel->maps.uring_counts);
        case SENSOR_MAP_IDENTITY_FILTER:
            return bpf_map__fd(h->skel->maps.identity_filter);
        case SENSOR_MAP_IDENTITY_INODES:
            return bpf_map__fd(h->skel->maps.identity_inodes);
    }
    return -EINVAL;
}

int sensor_probe_programs(struct sensor_probe_handle* h, int* fds, const char** names, int max) {
    int n = 0;
    struct bpf_program* prog;
    bpf_object__for_each_program(prog, h->skel->obj) {
        if (n >= max) break;
        fds[n] = bpf_program__fd(prog);
        names[n] = bpf_program__name(prog);
        ++n;
    }
    return n;
}

void sensor_probe_destroy(struct sensor_probe_handle* h) {
    if (!h) return;
    sensor_probe__destroy(h->skel);
    free(h);
}
